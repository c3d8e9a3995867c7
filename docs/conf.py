"""Sphinx configuration for the offline docs site (`python tools/docs.py`).

The sources are the notebooks nbdev processed and `tools/docs.py` translated, in `_proc/_sphinx/`; they are
rendered with their saved outputs and never executed. Project facts come from `settings.ini`.
"""
import html, json, re
from configparser import ConfigParser
from pathlib import Path

_ini = ConfigParser(delimiters=['='])
_ini.read(Path(__file__).resolve().parent.parent/'settings.ini', encoding='utf-8')
_cfg = _ini['DEFAULT']

project = _cfg['title']
author = _cfg['author']
copyright = _cfg['copyright']
release = version = _cfg['version']
language = 'en'

extensions = ['myst_nb', 'sphinx.ext.githubpages']   # githubpages: .nojekyll, so `_static/` is served
exclude_patterns = ['**.ipynb_checkpoints']

# Notebooks: saved outputs only, nothing runs.
nb_execution_mode = 'off'
nb_render_markdown_format = 'myst'      # text/markdown outputs (tables printed by the notebooks)
nb_merge_streams = True
myst_enable_extensions = ['dollarmath', 'amsmath', 'colon_fence', 'attrs_inline', 'attrs_block', 'deflist',
                          'strikethrough', 'tasklist', 'html_image']
myst_all_links_external = True          # links are already plain relative/absolute URLs (see tools/docs.py)
myst_dmath_double_inline = True
suppress_warnings = ['myst.header', 'myst.strikethrough']   # show_doc's `###` may follow a `#` title directly

# Math is turned into MathML when the site is built (docutils' LaTeX converter): no MathJax, no CDN, the pages
# work offline; every current browser renders MathML.
html_math_renderer = 'mathml'

html_theme = 'furo'
html_title = project
html_baseurl = _cfg['doc_host'].rstrip('/') + _cfg['doc_baseurl'].rstrip('/') + '/'   # canonical links to the published site
html_short_title = project
html_static_path = ['_static']
html_css_files = ['lv_docs.css']
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    'source_repository': _cfg['git_url'] + '/',
    'source_branch': _cfg.get('branch', 'main'),
    'footer_icons': [{'name': 'GitHub', 'url': _cfg['git_url'], 'class': '',
                      'html': '<svg stroke="currentColor" fill="currentColor" viewBox="0 0 16 16" height="1.2em" width="1.2em"><path fill-rule="evenodd" d="M8 0C3.58 0 0 3.58 0 8c0 3.54 2.29 6.53 5.47 7.59.4.07.55-.17.55-.38 0-.19-.01-.82-.01-1.49-2.01.37-2.53-.49-2.69-.94-.09-.23-.48-.94-.82-1.13-.28-.15-.68-.52-.01-.53.63-.01 1.08.58 1.23.82.72 1.21 1.87.87 2.33.66.07-.52.28-.87.51-1.07-1.78-.2-3.64-.89-3.64-3.95 0-.87.31-1.59.82-2.15-.08-.2-.36-1.02.08-2.12 0 0 .67-.21 2.2.82.64-.18 1.32-.27 2-.27.68 0 1.36.09 2 .27 1.53-1.04 2.2-.82 2.2-.82.44 1.1.16 1.92.08 2.12.51.56.82 1.27.82 2.15 0 3.07-1.87 3.75-3.65 3.95.29.25.54.73.54 1.09 0 1.08-.01 1.95-.01 2.22 0 .21.15.46.55.38A8.013 8.013 0 0016 8c0-4.42-3.58-8-8-8z"></path></svg>'}],
}


def _quarto_id(title:str) -> str:
    "The id Pandoc/Quarto gives a heading (nbdev links to `data.html#simulate_lv`, `#lvparams.log_rhs`)."
    s = re.sub(r'[^\w\s.-]', '', title.strip().lower()).strip()
    s = re.sub(r'\s+', '-', s)
    return re.sub(r'^[^a-z]+', '', s)


def _add_quarto_ids(app, doctree):
    "Give every section the id Quarto would give it too, so links written for the Quarto site resolve here."
    from docutils import nodes
    for section in doctree.findall(nodes.section):
        if not section.children or not isinstance(section[0], nodes.title): continue
        qid = _quarto_id(section[0].astext())
        if qid and qid not in section['ids'] and qid not in doctree.ids:
            section['ids'].append(qid)
            doctree.ids[qid] = section


_TEX_REWRITES = [  # LaTeX that docutils' MathML converter lacks -> what it has
    (r'\\text(tt|sf|rm)\b', r'\\text'), (r'\\text(bf|it)\b', lambda m: '\\math' + m.group(1)),
    (r'\\(big|Big|bigg|Bigg)(?![lrm])', lambda m: '\\' + m.group(1) + 'l'),
    (r'\\(tag|label)\*?\{[^{}]*\}', ''), (r'\\iff\b', r'\\Longleftrightarrow'), (r'\\stackrel\b', r'\\overset'),
    (r'\\begin\{(align|equation|gather|multline)\*?\}', r'\\begin{aligned}'),
    (r'\\end\{(align|equation|gather|multline)\*?\}', r'\\end{aligned}'),
    (r'\\color\{[^{}]*\}', ''), (r'\\dots(?![a-z])', r'\\ldots'), (r'\\newline\b', r'\\\\'),
]


def _mathml(latex:str, block:bool, node) -> str:
    from docutils.utils.math import latex2mathml
    from sphinx.util import logging
    latex = re.sub(r'\\([td]?frac)\s*([0-9A-Za-z])\s*([0-9A-Za-z])', r'\\\1{\2}{\3}', latex)   # `\tfrac12`: docutils reads 12 as one number
    tries = [latex]
    fixed = latex
    for pat, rep in _TEX_REWRITES: fixed = re.sub(pat, rep, fixed)
    tries.append(fixed)
    if '\\\\' in fixed and '\\begin' not in fixed: tries.append('\\begin{aligned}' + fixed + '\\end{aligned}')
    for tex in tries:
        try: return latex2mathml.tex2mathml(tex, as_block=block)
        except Exception as e: err = e
    logging.getLogger(__name__).warning(f'math not converted to MathML ({err}): {latex}', location=node)
    return f'<code class="tex-math">{html.escape(latex)}</code>'


def _visit_math(self, node):
    from docutils import nodes
    self.body.append(f'<span class="math">{_mathml(node.astext(), False, node)}</span>')
    raise nodes.SkipNode


def _visit_displaymath(self, node):
    from docutils import nodes
    self.body.append(self.starttag(node, 'div', CLASS='math-display') + _mathml(node.astext(), True, node) + '</div>\n')
    raise nodes.SkipNode


def _source_links(app, pagename, templatename, context, doctree):
    "Point Furo's view/edit buttons at the notebook a page comes from (`nbs/00_data.ipynb` for `data.html`)."
    pages = app.env.lv_docs_pages if hasattr(app.env, 'lv_docs_pages') else {}
    src = pages.get(pagename)
    if not src: return
    repo, branch = _cfg['git_url'].rstrip('/'), _cfg.get('branch', 'main')
    context['theme_source_view_link'] = f'{repo}/blob/{branch}/{src}'
    context['theme_source_edit_link'] = f'{repo}/edit/{branch}/{src}'


def _read_pages(app):
    f = Path(app.srcdir)/'_pages.json'      # written by tools/docs.py: page name -> source notebook
    app.env.lv_docs_pages = json.loads(f.read_text()) if f.exists() else {}


def setup(app):
    app.add_html_math_renderer('mathml', (_visit_math, None), (_visit_displaymath, None))
    app.connect('doctree-read', _add_quarto_ids)
    app.connect('builder-inited', _read_pages)
    app.connect('html-page-context', _source_links)
    return {'parallel_read_safe': True}
