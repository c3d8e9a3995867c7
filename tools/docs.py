"""Build the documentation site and README.md offline, from the notebooks in `nbs/`, without Quarto.

    python tools/docs.py                 # build the site into _docs/ (about a minute; nothing is executed)
    python tools/docs.py --force         # the same, reprocessing every notebook (ignore nbdev's _proc/ cache)
    python tools/docs.py --nbdev-exec    # the same with nbdev's processors exactly as `nbdev_docs` runs them
    python tools/docs.py readme          # regenerate README.md from nbs/index.ipynb
    python tools/docs.py readme --check  # exit 1 when README.md is out of sync with nbs/index.ipynb

The site is built in three steps:

1. nbdev's own processing (`nbdev.serve.proc_nbs`, what `nbdev_proc_nbs` and `nbdev_docs` run before Quarto)
   writes `_proc/`: frontmatter from the `# Title` / `> summary` cell, a `show_doc` cell after every exported
   function and class, run with the notebook's export cells to render signatures with their docments comments,
   hidden and export cells dropped, and Quarto cell options (`#| echo: false`, ...) left for the renderer.
   One difference (`DocsFilterDefaults`): a cell that mixes imports with other code runs only its imports, where
   nbdev runs it whole (slow, and it fails when the cell needs state from cells nbdev does not run);
   `--nbdev-exec` runs nbdev's processors unchanged, to see whether `nbdev_docs` would get through.
2. `quarto_to_myst` turns each processed notebook into one Sphinx + MyST-NB reads the way Quarto would read
   it: cell options become MyST-NB tags, `output: asis` outputs (the `show_doc`s) become markdown cells so every
   symbol is a section with an anchor, `:::` callouts become admonitions, links to the Quarto site become
   relative links. The pages keep Quarto's names (`00_data.ipynb` -> `data.html`).
3. Sphinx with MyST-NB and the Furo theme renders `_proc/_sphinx/` into `_docs/` with the saved outputs
   (`nb_execution_mode = "off"`, see `docs/conf.py`); `index.ipynb` is the home page, module notebooks form the
   "API" section and each sub-folder of `nbs/` (e.g. `tutorials/`) its own section, ordered by file name.

nbdev's Quarto route (`nbdev_docs`, `nbs/_quarto.yml`, `.github/workflows/deploy.yaml`) is unchanged.
"""
from __future__ import annotations
import argparse, copy, json, posixpath, re, shutil, subprocess, sys, time
from pathlib import Path
from nbdev.processors import FilterDefaults, exec_show_docs

ROOT = Path(__file__).resolve().parent.parent
CONF_DIR = ROOT/'docs'               # Sphinx configuration (conf.py, _static/)
SRC_DIR = ROOT/'_proc'/'_sphinx'     # what Sphinx reads, regenerated on every build
TREE_DIR = ROOT/'_proc'/'_doctrees'
OUT_DIR = ROOT/'_docs'
README = ROOT/'README.md'

# --- small helpers -----------------------------------------------------------------------------------

def _src(cell) -> str:
    s = cell.get('source', '')
    return s if isinstance(s, str) else ''.join(s)

_re_dir = re.compile(r'^\s*#\s*\|\s*(.*?)\s*$')

def cell_options(source:str) -> tuple[dict, str]:
    "Split the leading `#| ...` lines of a code cell into a dict of options and the remaining code."
    lines = source.splitlines()
    opts, i = {}, 0
    while i < len(lines) and (not lines[i].strip() or _re_dir.match(lines[i])):
        m = _re_dir.match(lines[i])
        if m and m.group(1):
            key, sep, val = m.group(1).partition(':')
            key = key.strip().lower()
            if sep: opts[key] = val.strip().strip('"\'')
            else:   # nbdev style `#| hide`, `#| export mod`: key plus optional words
                key, *words = m.group(1).split()
                opts[key.lower()] = ' '.join(words) or True
        i += 1
    return opts, '\n'.join(lines[i:]).strip('\n')

def _false(v) -> bool: return str(v).strip().lower() in ('false', 'no', '0')
def _true(v) -> bool: return v is True or str(v).strip().lower() in ('true', 'yes', '1')

def _text(x) -> str: return x if isinstance(x, str) else ''.join(x)

def _markdown_cell(text:str) -> dict: return dict(cell_type='markdown', metadata={}, source=text)

def _frontmatter(cell) -> dict:
    "The YAML frontmatter of a raw cell (as nbdev's FrontmatterProc writes it), or {}."
    import yaml
    m = re.match(r'^\s*---\s*\n(.*?)\n---\s*$', _src(cell), re.S)
    if not m: return {}
    try: d = yaml.safe_load(m.group(1))
    except yaml.YAMLError: return {}
    return d if isinstance(d, dict) else {}

def page_name(nb_rel:Path) -> str:
    "Where nbdev/Quarto puts a notebook's page, without `.html` (`00_data.ipynb` -> `data`)."
    from nbdev.doclinks import _nbpath2html
    return _nbpath2html(Path(nb_rel)).with_suffix('').as_posix()

# --- Quarto markdown -> MyST markdown --------------------------------------------------------------------

_CALLOUTS = {'note': 'note', 'tip': 'tip', 'warning': 'warning', 'caution': 'caution', 'important': 'important'}
_re_fence = re.compile(r'^\s*(`{3,}|~{3,})')
_re_div_open = re.compile(r'^(\s*)(:{3,})\s*\{([^}]*)\}\s*$')
_re_div_bare = re.compile(r'^(\s*)(:{3,})\s*([A-Za-z][\w-]*)\s*$')     # `::: callout-note` (Pandoc short form)
_re_div_close = re.compile(r'^\s*:{3,}\s*$')
_re_head_attr = re.compile(r'^(#{1,6}\s+.*?)\s*\{([^}]*)\}\s*$')
_re_attr_kv = re.compile(r'([\w-]+)\s*=\s*("[^"]*"|\'[^\']*\'|[^\s}]+)')
_re_md_link = re.compile(r'(!?\[(?:[^\[\]]|\[[^\]]*\])*\]\()(<[^>]*>|[^)\s]+)((?:\s+"[^"]*")?\))')
_re_attr_unquoted = re.compile(r'(\{[^{}\n]*?\b(?:width|height)=)([^\s"\'}]+)')

def _parse_attrs(s:str) -> tuple[list, list, dict]:
    "Pandoc attributes `{#id .class key=val}` -> (ids, classes, key/values)."
    kv = {k: v.strip('"\'') for k, v in _re_attr_kv.findall(s)}
    rest = _re_attr_kv.sub('', s).split()
    return [w[1:] for w in rest if w.startswith('#')], [w[1:] for w in rest if w.startswith('.')], kv

def _div(indent, colons, attrs):
    "A Quarto fenced div opening -> the MyST colon-fence directive opening lines."
    ids, classes, kv = _parse_attrs(attrs)
    kind = next((c[len('callout-'):] for c in classes if c.startswith('callout-')), None)
    extra = [c for c in classes if not c.startswith('callout-')]
    if kind is not None:
        adm = _CALLOUTS.get(kind, 'note')
        title = kv.get('title')
        head = f'{indent}{colons}{{admonition}} {title}' if title else f'{indent}{colons}{{{adm}}}'
        cls = ([adm] if title else []) + extra
        lines = [head] + ([f'{indent}:class: {" ".join(cls)}'] if cls else []) + ([f'{indent}:name: {ids[0]}'] if ids else [])
        return lines
    lines = [f'{indent}{colons}{{container}} {" ".join(extra)}'.rstrip()]
    return lines + ([f'{indent}:name: {ids[0]}'] if ids else [])

_re_nested_link = re.compile(r'\[\[((?:[^\[\]]|\[[^\]]*\])*)\]\([^)\s]+\)\]\(')

def quarto_md_to_myst(md:str, link:callable=lambda url: url) -> str:
    "Rewrite the Quarto-only markdown that nbdev notebooks use into MyST (outside code fences)."
    out, fence, divs = [], None, []
    lines = md.split('\n')
    for i, line in enumerate(lines):
        if line is None: continue
        m = _re_fence.match(line)
        if fence:
            out.append(line)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line.strip()[len(m.group(1)):]: fence = None
            continue
        if m: fence = m.group(1); out.append(line); continue
        m = _re_div_open.match(line) or _re_div_bare.match(line)
        if m:
            indent, colons, attrs = m.groups()
            if attrs.startswith('.') or attrs.startswith('#') or '=' in attrs or m.re is _re_div_bare:
                attrs = attrs if m.re is _re_div_open else '.' + attrs
                colons = ':' * max(len(colons), 3)
                if '.callout-' in attrs and 'title=' not in attrs:      # Quarto: a heading first in a callout is its title
                    j = next((j for j in range(i + 1, len(lines)) if lines[j] and lines[j].strip()), None)
                    h = j is not None and re.match(r'^\s*#{1,6}\s+(.*?)\s*$', lines[j])
                    if h: attrs += f' title="{h.group(1)}"'; lines[j] = None
                out += _div(indent, colons, attrs); divs.append(colons); continue
        if _re_div_close.match(line) and divs:
            out.append(line.replace(line.strip(), divs.pop())); continue
        m = _re_head_attr.match(line)
        if m:
            ids, _, _ = _parse_attrs(m.group(2))
            if ids: out.append(f'({ids[0]})=')
            line = m.group(1)
        line = _re_attr_unquoted.sub(lambda a: f'{a.group(1)}"{a.group(2)}"', line)
        line = _re_nested_link.sub(r'[\1](', line)     # nbdev's auto-link inside an author's link: keep the author's
        line = _re_md_link.sub(lambda a: a.group(1) + link(a.group(2).strip('<>')) + a.group(3), line)
        out.append(line)
    return '\n'.join(out)

def _show_doc_md(md:str) -> str:
    "nbdev's show_doc markdown -> heading first, then the source link (styled), signature and docstring."
    lines = md.strip('\n').split('\n')
    if lines and lines[0].strip() == '---': lines = lines[1:]
    src = [i for i, l in enumerate(lines) if re.match(r'^\[source\]\(', l.strip())]
    head = next((i for i, l in enumerate(lines) if re.match(r'^#{1,6}\s', l)), None)
    if src and head is not None and src[0] < head:
        link = '{.nbdev-source-line}\n' + re.sub(r'\)\{[^}]*\}\s*$', ')', lines[src[0]].strip()) + '{.nbdev-source target="_blank"}'
        rest = [l for i, l in enumerate(lines) if i not in (src[0], head)]
        while rest and not rest[0].strip(): rest.pop(0)
        lines = [lines[head], '', link, ''] + rest
    return '\n'.join(lines)

# --- one processed notebook -> the notebook Sphinx reads ----------------------------------------------------

class SiteMap:
    "Maps the notebooks of `nbs/` to their pages, and rewrites links between them."
    def __init__(self, nb_rels:list[Path], doc_url:str):
        self.pages = {Path(r).as_posix(): page_name(r) for r in nb_rels}
        self.doc_url = doc_url.rstrip('/') + '/'

    def link(self, url:str, page:str, nb_dir:str) -> str:
        "A link as written in notebook `nb_dir`/... rendered on `page` -> a link that works on the offline site."
        if url.startswith(self.doc_url): target = url[len(self.doc_url):] or 'index.html'
        elif re.match(r'^[a-z][\w+.-]*:|^#|^/', url): return url
        else:
            path, sep, anchor = url.partition('#')
            if not path.endswith('.ipynb'): return url
            nb = posixpath.normpath(posixpath.join(nb_dir, path))
            target = (self.pages.get(nb) or page_name(Path(nb))) + '.html' + sep + anchor
        return posixpath.relpath(target, posixpath.dirname(page) or '.') if not target.startswith('#') else target

def quarto_to_myst(nb:dict, page:str, links:callable) -> tuple[dict, str]:
    "A notebook processed by nbdev -> (notebook for MyST-NB, page title). `links(url)` rewrites one link."
    nb = copy.deepcopy(nb)
    cells, title = [], None
    md = lambda s: quarto_md_to_myst(s, links)
    for cell in nb['cells']:
        kind, src = cell['cell_type'], _src(cell)
        if kind == 'raw':
            fm = _frontmatter(cell)
            if fm.get('title') and title is None:
                title = str(fm['title'])
                head = f'# {title}' + (f'\n\n{{.description}}\n{fm["description"]}' if fm.get('description') else '')
                cells.append(_markdown_cell(md(head)))
            continue                          # other raw cells are Quarto-only (e.g. raw LaTeX): Quarto drops them in HTML too
        if kind == 'markdown':
            if not src.strip() or src.strip().startswith('<!-- WARNING: THIS FILE WAS AUTOGENERATED'): continue
            if title is None:
                m = re.search(r'^#\s+(.+?)\s*$', src, re.M)
                if m: title = m.group(1)
            cells.append(dict(cell, source=md(src))); continue
        opts, code = cell_options(src)
        if _false(opts.get('include', True)) or 'hide' in opts: continue
        outputs = [] if _false(opts.get('output', True)) else list(cell.get('outputs', []))
        if _false(opts.get('warning', True)) or _false(opts.get('error', True)):
            outputs = [o for o in outputs if o.get('name') != 'stderr' and o.get('output_type') != 'error']
        echo = not _false(opts.get('echo', True))
        asis = []
        if str(opts.get('output', '')).lower() == 'asis':      # Quarto pastes these outputs into the page as markdown
            rest = []
            for o in outputs:
                data = o.get('data', {})
                if o.get('output_type') == 'stream' and o.get('name') == 'stdout': asis.append(_text(o['text']))
                elif 'text/markdown' in data: asis.append(_text(data['text/markdown']))
                elif set(data) <= {'text/plain'} and data: asis.append(_text(data['text/plain']))
                else: rest.append(o)
            outputs = rest
            if re.match(r'^\s*show_doc\(', code): asis = [_show_doc_md(a) for a in asis]
        meta = {k: v for k, v in cell.get('metadata', {}).items() if k not in ('tags', 'language')}
        tags = list(cell.get('metadata', {}).get('tags', []))
        if not echo: tags.append('remove-input')
        if _true(opts.get('code-fold', False)): tags.append('hide-input')
        if 'fig-cap' in opts: meta.setdefault('mystnb', {})['figure'] = dict(caption=opts['fig-cap'], **({'name': opts['label']} if 'label' in opts else {}))
        if 'fig-alt' in opts: meta.setdefault('mystnb', {})['image'] = dict(alt=opts['fig-alt'])
        if tags: meta['tags'] = tags
        if (echo and code.strip()) or outputs:
            cells.append(dict(cell_type='code', execution_count=cell.get('execution_count'), metadata=meta,
                              outputs=outputs, source=code))
        for a in asis:
            if a.strip(): cells.append(_markdown_cell(md(a)))
    if title is None:
        title = Path(page).name.replace('_', ' ').title()
        cells.insert(0, _markdown_cell(f'# {title}'))
    for i, c in enumerate(cells): c['id'] = f'cell-{i}'
    nb['cells'], nb['nbformat'], nb['nbformat_minor'] = cells, 4, 5
    nb.setdefault('metadata', {})['language_info'] = {'name': 'python', 'pygments_lexer': 'ipython3'}
    nb['metadata'].pop('widgets', None)
    return nb, title

def _toctrees(pages:list[str]) -> str:
    "Hidden toctrees for the home page: module pages under 'API', each sub-folder in its own section."
    groups = {}
    for p in pages:
        folder = posixpath.dirname(p)
        groups.setdefault(folder, []).append(p)
    out = []
    for folder in sorted(groups, key=lambda f: (f != '', f)):
        caption = 'API' if folder == '' else folder.replace('_', ' ').replace('/', ' / ').title()
        out.append('```{toctree}\n:hidden:\n:caption: ' + caption + '\n\n' + '\n'.join(groups[folder]) + '\n```')
    return '\n\n'.join(out)

# --- the build ---------------------------------------------------------------------------------------------

def notebooks() -> list[Path]:
    "The notebooks nbdev documents, relative to `nbs/`, in file-name order (nbdev's nbglob rules)."
    from nbdev.config import get_config
    from nbdev.doclinks import nbglob
    nbs = get_config().path('nbs_path')
    return sorted((p.relative_to(nbs) for p in nbglob(nbs, as_path=True)), key=lambda p: (len(p.parts), p.as_posix()))

def _mixed_import_cell(cell) -> list | None:
    "The import statements of a cell that nbdev would run whole for `show_doc` because it mixes imports and code."
    import ast
    from nbdev.processors import _ast_contains, _show_docs, cell_lang
    if cell.cell_type != 'code' or cell_lang(cell) != 'python' or not cell.source: return None
    trees = cell.parsed_()
    if not trees or cell.directives_.get('eval:', [''])[0].lower() == 'false': return None
    if cell.directives_.keys() & {'export', 'exports', 'exporti', 'exec_doc'} or _show_docs(trees): return None
    if not (_ast_contains(trees, (ast.Import, ast.ImportFrom)) and _ast_contains(trees, (ast.Expr, ast.Assign))): return None
    return [t for t in trees if isinstance(t, (ast.Import, ast.ImportFrom))]

class exec_show_docs_imports(exec_show_docs):
    "nbdev's `exec_show_docs`, except that a cell mixing imports with other code runs only its imports (outputs kept)."
    def __call__(self, cell):
        imports = _mixed_import_cell(cell) if getattr(self.nb, 'has_docs_', None) and hasattr(self, 'k') else None
        if imports is None: return super().__call__(cell)
        import ast
        code = '\n'.join(ast.unparse(t) for t in imports)
        if code: self.k.run(code)
        if self.k.exc: raise Exception(f'docs: {self._name()}: the imports of cell {cell.idx_} failed:\n{code}') from self.k.exc
        self.mixed = getattr(self, 'mixed', []) + [cell.idx_]

    def _name(self): return Path(getattr(self.nb, 'path_', '?')).name

    def end(self):
        if getattr(self, 'mixed', None):
            print(f'docs: {self._name()}: cells {", ".join(map(str, self.mixed))} mix imports with other code: only their '
                  f'imports ran for show_doc (nbdev_docs runs such cells whole: give imports a cell of their own)', flush=True)
        super().end()

class DocsFilterDefaults(FilterDefaults):
    "nbdev's processors, with `exec_show_docs_imports` in place of `exec_show_docs`."
    def base_procs(self): return [exec_show_docs_imports if p is exec_show_docs else p for p in super().base_procs()]

def process(force=False, n_workers=2, stock=False) -> Path:
    "Run nbdev's notebook processing (`nbdev_proc_nbs`) into `_proc/`, with `DocsFilterDefaults` unless `stock`."
    import importlib, nbdev.serve
    from nbdev.config import get_config
    if stock:   # nbdev's own processors; `_proc/` is then dropped so later builds don't reuse what they ran
        cache = Path(get_config().config_path)/'_proc'
        try: return Path(nbdev.serve.proc_nbs(n_workers=n_workers, force=True))
        finally: stale_proc.append(cache)
    if str(Path(__file__).parent) not in sys.path: sys.path.insert(0, str(Path(__file__).parent))
    # nbdev's workers are spawned processes: they find the processors by module name, not in `__main__`
    nbdev.serve.FilterDefaults = importlib.import_module(Path(__file__).stem).DocsFilterDefaults
    return Path(nbdev.serve.proc_nbs(n_workers=n_workers, force=force))

def write_sources(proc:Path) -> list[str]:
    "Turn `_proc/*.ipynb` into the Sphinx source folder; returns the page names in order."
    from nbdev.config import get_config
    cfg = get_config()
    rels = notebooks()
    site = SiteMap(rels, cfg.get('doc_host', '') + cfg.get('doc_baseurl', ''))
    if SRC_DIR.exists(): shutil.rmtree(SRC_DIR)
    SRC_DIR.mkdir(parents=True)
    for f in proc.rglob('*'):                   # images and other files the notebooks refer to
        rel = f.relative_to(proc)
        if f.is_file() and rel.parts[0] not in (SRC_DIR.name, TREE_DIR.name) and f.suffix not in ('.ipynb', '.yml', '.yaml'):
            (SRC_DIR/rel).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(f, SRC_DIR/rel)
    pages, seen = [], {}
    for rel in rels:
        page = site.pages[rel.as_posix()]
        if page in seen: sys.exit(f'docs: {rel} and {seen[page]} would both be the page {page}.html')
        seen[page] = rel
        src = proc/rel
        if not src.exists(): sys.exit(f'docs: nbdev processing did not write {src}')
        nb = json.loads(src.read_text(encoding='utf-8'))
        nb_dir = posixpath.dirname(rel.as_posix())
        out, _ = quarto_to_myst(nb, page, lambda url, page=page, nb_dir=nb_dir: site.link(url, page, nb_dir))
        if page == 'index':
            others = [site.pages[r.as_posix()] for r in rels if site.pages[r.as_posix()] != 'index']
            if others: out['cells'].append(dict(_markdown_cell(_toctrees(others)), id='cell-toctree'))
        dest = SRC_DIR/(page + '.ipynb')
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding='utf-8')
        pages.append(page)
    if 'index' not in pages: sys.exit('docs: nbs/index.ipynb is missing: it is the home page')
    nbs_dir = cfg.path('nbs_path').relative_to(cfg.config_path).as_posix()
    (SRC_DIR/'_pages.json').write_text(json.dumps({p: f'{nbs_dir}/{r.as_posix()}' for p, r in zip(pages, rels)}))
    return pages

def sphinx(strict=False) -> None:
    "Render the Sphinx source folder into `_docs/` with `docs/conf.py`."
    if OUT_DIR.exists(): shutil.rmtree(OUT_DIR)
    cmd = [sys.executable, '-m', 'sphinx', '-b', 'html', '-q', '-E', '-c', str(CONF_DIR), '-d', str(TREE_DIR),
           str(SRC_DIR), str(OUT_DIR)] + (['-W', '--keep-going'] if strict else [])
    r = subprocess.run(cmd, cwd=ROOT)
    if r.returncode: sys.exit(f'docs: sphinx-build failed (exit {r.returncode})')

stale_proc = []

def build(force=False, strict=False, stock=False) -> None:
    t0 = time.time()
    try: proc = process(force=force, stock=stock)
    except BaseException:
        for d in stale_proc: shutil.rmtree(d, ignore_errors=True)
        raise
    t1 = time.time()
    pages = write_sources(proc)
    sphinx(strict=strict)
    for d in stale_proc: shutil.rmtree(d, ignore_errors=True)
    t2 = time.time()
    print(f'docs: {len(pages)} pages in {OUT_DIR.relative_to(ROOT)}/ ({", ".join(pages)}); '
          f'nbdev processing {t1-t0:.0f} s, Sphinx {t2-t1:.0f} s, total {t2-t0:.0f} s')

# --- README.md from index.ipynb ------------------------------------------------------------------------------

_HIDDEN = {'hide', 'export', 'exports', 'exporti', 'default_exp'}

def readme_text(nb_path:Path) -> str:
    "README.md from a notebook: markdown cells, visible code cells and their text outputs; hidden cells dropped."
    nb = json.loads(Path(nb_path).read_text(encoding='utf-8'))
    parts = []
    for cell in nb['cells']:
        src = _src(cell)
        if cell['cell_type'] == 'markdown':
            if src.strip(): parts.append(src.strip('\n'))
            continue
        if cell['cell_type'] != 'code': continue
        opts, code = cell_options(src)
        if _HIDDEN & set(opts) or _false(opts.get('include', True)): continue
        if not _false(opts.get('echo', True)) and code.strip(): parts.append(f'```python\n{code}\n```')
        if _false(opts.get('output', True)): continue
        asis = str(opts.get('output', '')).lower() == 'asis'
        for o in cell.get('outputs', []):
            data = o.get('data', {})
            if o.get('output_type') == 'stream':
                if o.get('name') != 'stdout': continue
                text = _text(o['text'])
            elif 'text/markdown' in data: parts.append(_text(data['text/markdown']).strip('\n')); continue
            elif 'text/plain' in data and not any(k.startswith('image/') for k in data): text = _text(data['text/plain'])
            else: continue
            text = re.sub(r'\x1B(?:[@-Z\\-_]|\[[0-?]*[ -/]*[@-~])', '', text).rstrip('\n')
            if text.strip(): parts.append(text if asis else f'```\n{text}\n```')
    return '\n\n'.join(parts) + '\n'

def readme(check=False) -> int:
    from nbdev.config import get_config
    cfg = get_config()
    nb_path = cfg.path('nbs_path')/cfg.get('readme_nb', 'index.ipynb')
    want = readme_text(nb_path)
    have = README.read_text(encoding='utf-8') if README.exists() else ''
    if check:
        if have == want: print(f'README.md is in sync with {nb_path.relative_to(ROOT)}'); return 0
        import difflib
        sys.stdout.writelines(difflib.unified_diff(have.splitlines(True), want.splitlines(True), 'README.md',
                                                   f'README.md from {nb_path.relative_to(ROOT)}', n=1))
        print(f'\nREADME.md is out of sync with {nb_path.relative_to(ROOT)}: run `python tools/docs.py readme`')
        return 1
    if have != want:
        tmp = README.with_suffix('.md.tmp'); tmp.write_text(want, encoding='utf-8'); tmp.replace(README)
    print(f'README.md {"updated" if have != want else "unchanged"} from {nb_path.relative_to(ROOT)}')
    return 0

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('The site is built')[0].strip(), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('command', nargs='?', default='build', choices=['build', 'readme'])
    p.add_argument('--check', action='store_true', help='readme: fail when README.md is out of sync, write nothing')
    p.add_argument('--force', action='store_true', help='build: reprocess every notebook (ignore the _proc/ cache)')
    p.add_argument('--strict', action='store_true', help='build: turn Sphinx warnings into errors')
    p.add_argument('--nbdev-exec', action='store_true',
                   help="build: run cells for show_doc exactly as nbdev_docs does (cells mixing imports and code run whole)")
    a = p.parse_args(argv)
    import os; os.chdir(ROOT)
    if a.command == 'readme': return readme(check=a.check)
    build(force=a.force or a.nbdev_exec, strict=a.strict, stock=a.nbdev_exec)
    return 0

if __name__ == '__main__': sys.exit(main())
