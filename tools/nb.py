"""Small helpers for authoring the notebooks in `nbs/` from the command line.

    python tools/nb.py py2nb draft.py nbs/00_data.ipynb   # percent-format script -> notebook
    python tools/nb.py nb2py nbs/00_data.ipynb draft.py   # notebook -> percent-format script
    python tools/nb.py run nbs/00_data.ipynb [--skip-slow] # execute in place, keep outputs, nbdev_clean it

A percent-format script marks cells with `# %%` (code) and `# %% [markdown]` (markdown; each
line of the cell starts with `# `). The notebook stays the source of truth: the script is only
a convenient way to write or review one in an editor.
"""
import hashlib, json, re, subprocess, sys
from pathlib import Path

_CELL = re.compile(r'^# %%(?: \[(markdown|md)\])?[^\n]*$', re.M)

def _strip(lines):
    while lines and not lines[0].strip(): lines.pop(0)
    while lines and not lines[-1].strip(): lines.pop()
    return lines

def py2nb(src, dest):
    "Convert a percent-format script into a notebook with no outputs."
    text = Path(src).read_text()
    marks = list(_CELL.finditer(text))
    cells = []
    for i, m in enumerate(marks):
        body = text[m.end()+1: marks[i+1].start() if i+1 < len(marks) else len(text)]
        lines = _strip(body.split('\n'))
        if m.group(1):
            lines = [l[2:] if l.startswith('# ') else l[1:] if l.startswith('#') else l for l in lines]
            cells.append(dict(cell_type='markdown', metadata={}, source='\n'.join(lines)))
        else:
            cells.append(dict(cell_type='code', execution_count=None, metadata={}, outputs=[], source='\n'.join(lines)))
    nb = dict(cells=cells, metadata=dict(kernelspec=dict(display_name='python3', language='python', name='python3')),
              nbformat=4, nbformat_minor=5)
    for i, c in enumerate(nb['cells']):
        c['id'] = hashlib.sha1(f"{i}:{c['source']}".encode()).hexdigest()[:8]  # stable ids: exports match after a run
        c['source'] = [l + '\n' for l in c['source'].split('\n')[:-1]] + [c['source'].split('\n')[-1]]
    Path(dest).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')

def nb2py(src, dest):
    "Convert a notebook into a percent-format script (outputs are dropped)."
    nb = json.loads(Path(src).read_text())
    out = []
    for c in nb['cells']:
        s = ''.join(c['source'])
        if c['cell_type'] == 'markdown': out.append('# %% [markdown]\n' + '\n'.join(('# ' + l).rstrip() for l in s.split('\n')))
        else: out.append('# %%\n' + s)
    Path(dest).write_text('\n\n'.join(out) + '\n')

def run(src, skip_slow=False):
    "Execute a notebook in place with execnb (as `nbdev_test` does), keep its outputs, then `nbdev_clean` it."
    from execnb.shell import CaptureShell
    flags = ('slow', 'notest') if skip_slow else ('notest',)
    def skip(cell):
        src = cell.source if isinstance(cell.source, str) else ''.join(cell.source)
        return cell.cell_type == 'code' and any(re.search(rf'^#\|\s*(eval:\s*false|{f}\b)', src, re.M) for f in flags)
    shell = CaptureShell()
    shell.execute(src, src, exc_stop=True, preproc=skip)
    subprocess.run(['nbdev_clean', '--fname', str(src)], check=True)
    subprocess.run(['nbdev_export'], check=True)  # the package must match the notebook as saved

if __name__ == '__main__':
    cmd, *args = sys.argv[1:]
    if cmd == 'py2nb': py2nb(*args)
    elif cmd == 'nb2py': nb2py(*args)
    elif cmd == 'run': run(args[0], skip_slow='--skip-slow' in args)
    else: sys.exit(f'unknown command {cmd!r}: use py2nb, nb2py or run')
