"""Check the built docs site (`_docs/`, from `python tools/docs.py`) statically and in a real headless Chromium.

    python tools/browser_check.py                      # all checks; screenshots into .ci/screenshots/
    python tools/browser_check.py --no-browser         # only the static checks (links, images, symbols)

Static checks, over every page of the site:
- every internal link (`href`/`src` of links, images, scripts, styles) names a file of the site, and its
  `#anchor`, if any, exists on the target page;
- every function and class exported by the package (`lv_llmtime/_modidx.py`, written by `nbdev_export`) has
  its section on its page (the anchor nbdev links to) with a signature block.

In Chromium (Debian's `chromium` and `chromium-driver`, installed with apt-get when missing, driven through
chromedriver's W3C WebDriver HTTP API, the site served on 127.0.0.1), for the home page, one API page and the
first story notebook (if any; `--all-pages`: every page): the page is not blank, every image loaded and fits the page, the page does not
scroll sideways, the API page shows the function signature asked for; and the site's search finds that function.
Each page is saved as a screenshot (the first screen, `NAME.png`, and the whole page, `NAME-full.png`).
Exit status 1, with every problem listed, when a check fails.
"""
from __future__ import annotations
import argparse, base64, functools, html.parser, http.server, importlib.util, json, os, posixpath, re, shutil
import socket, subprocess, sys, tempfile, threading, time, urllib.error, urllib.parse, urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# --- static checks -----------------------------------------------------------------------------------------

class _Page(html.parser.HTMLParser):
    "Collects the ids and the outgoing URLs of one HTML page."
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.urls, self.imgs = set(), [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ('id', 'name') if tag == 'a' else ('id',):
            if a.get(k): self.ids.add(a[k])
        for k in ('href', 'src'):
            if a.get(k) and tag in ('a', 'link', 'script', 'img', 'iframe', 'source', 'video', 'audio'):
                self.urls.append((tag, a[k]))
        if tag == 'img': self.imgs.append(a.get('src', ''))

def _internal(url:str) -> bool:
    return not re.match(r'^([a-zA-Z][\w+.-]*:|//)', url)

@functools.lru_cache(maxsize=None)
def _parse(path:Path) -> _Page:
    p = _Page(); p.feed(path.read_text(encoding='utf-8', errors='replace')); return p

def check_links(site:Path) -> tuple[list[str], list[str]]:
    "(problems, warnings): broken internal links and missing images; links to an anchor a page lacks (warnings)."
    problems, warnings = [], []
    pages = sorted(site.rglob('*.html'))
    for page in pages:
        parsed, rel = _parse(page), page.relative_to(site).as_posix()
        for tag, url in parsed.urls:
            if not _internal(url) or url.startswith('javascript:'): continue
            path, _, frag = urllib.parse.unquote(url.split('?')[0]).partition('#')
            if not path:
                target = page
            else:
                target = (page.parent/path).resolve()
                if target.is_dir(): target = target/'index.html'
                try: target.relative_to(site.resolve())
                except ValueError: problems.append(f'{rel}: <{tag}> {url} points outside the site'); continue
                if not target.is_file():
                    what = 'image' if tag == 'img' else 'link'
                    problems.append(f'{rel}: broken {what} <{tag}> {url}'); continue
            if frag and target.suffix == '.html' and frag not in _parse(target).ids:
                warnings.append(f'{rel}: link {url}: no element with id "{frag}" on {target.relative_to(site.resolve()) if path else rel}')
        if not parsed.imgs and page.name not in ('genindex.html', 'search.html') and _parse(page).ids == set():
            problems.append(f'{rel}: page has no ids at all (empty page?)')
    return problems, warnings

def check_symbols(site:Path, lib:str) -> list[str]:
    "Every exported top-level function/class of `lib` has a section and a signature on its page."
    idx = ROOT/lib/'_modidx.py'
    if not idx.exists(): return [f'{idx} is missing: run nbdev_export first']
    spec = importlib.util.spec_from_file_location('_modidx', idx); mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    problems = []
    for modname, syms in mod.d.get('syms', {}).items():
        for sym, (link, _) in syms.items():
            name = sym[len(modname) + 1:]
            if '.' in name or name.startswith('_'): continue   # nbdev documents public functions and classes
            page, _, anchor = link.partition('#')
            target = site/page
            if not target.is_file(): problems.append(f'{sym}: its page {page} was not built'); continue
            text = target.read_text(encoding='utf-8')
            if anchor not in _parse(target).ids: problems.append(f'{sym}: no section #{anchor} on {page}'); continue
            sig = re.compile(rf'<span class="n">{re.escape(name)}</span>\s*(?:<span class="p">)?\(')
            cls = re.compile(rf'<span class="k">class</span>\s*<span class="w"> </span><span class="nc">{re.escape(name)}</span>')
            fn = re.compile(rf'<span class="nf">{re.escape(name)}</span>')
            if not (sig.search(text) or cls.search(text) or fn.search(text)):
                problems.append(f'{sym}: {page} shows no signature for {name}')
    return problems

def _find_symbol(name:str):
    "The exported function/class called `name` (looked up in the package's `_modidx.py`), or None."
    import importlib
    from nbdev.config import get_config
    lib = get_config().lib_name
    try: idx = importlib.import_module(f'{lib}._modidx').d['syms']
    except Exception: return None
    for modname, syms in idx.items():
        if f'{modname}.{name}' in syms: return getattr(importlib.import_module(modname), name, None)
    return None

def check_signature(path:str, signature:str, blocks:list[str], text:str) -> list[str]:
    "The page shows `signature` as a code block naming every parameter, with the docstring."
    import inspect
    name = signature.rstrip('(').strip()
    if not blocks: return [f'{path}: no code block shows the signature "{signature}"']
    obj = _find_symbol(name)
    if obj is None: return []
    problems = []
    params = [p for p in inspect.signature(obj).parameters if p not in ('self', 'args', 'kwargs')]
    missing = [p for p in params if not re.search(rf'\b{re.escape(p)}\b', blocks[0])]
    if missing: problems.append(f'{path}: the signature of {name} lacks the parameters {missing}')
    doc = re.sub(r'[`*]', '', (inspect.getdoc(obj) or '').split('\n')[0]).strip()   # as rendered: no markdown marks
    if doc and ' '.join(doc.split()) not in ' '.join(text.split()): problems.append(f'{path}: the docstring of {name} ("{doc}") is not on the page')
    if not problems: print(f'browser check: {path}: {name}({", ".join(params)}) shown with its docstring')
    return problems

# --- Chromium through chromedriver (W3C WebDriver over HTTP, standard library only) --------------------------

def ensure_chromium() -> tuple[str, str]:
    "Paths of chromium and chromedriver; installs Debian's packages with apt-get when either is missing."
    browser = shutil.which('chromium') or '/usr/bin/chromium'
    driver = shutil.which('chromedriver') or '/usr/bin/chromedriver'
    if Path(browser).exists() and Path(driver).exists(): return browser, driver
    if not shutil.which('apt-get') or os.geteuid() != 0:
        sys.exit('browser check: chromium and chromedriver are missing; install Debian\'s `chromium chromium-driver`')
    print('browser check: installing chromium and chromium-driver from Debian (apt-get)', flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    for cmd in (['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', 'chromium', 'chromium-driver']):
        r = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=900)
        if r.returncode: sys.exit(f'browser check: `{" ".join(cmd)}` failed:\n{r.stderr[-2000:]}')
    return shutil.which('chromium'), shutil.which('chromedriver')

def _free_port() -> int:
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

class WebDriver:
    "The few WebDriver commands the check needs."
    def __init__(self, driver:str, browser:str, profile:str, width=1440, height=900):
        self.port = _free_port()
        self.proc = subprocess.Popen([driver, f'--port={self.port}', '--allowed-ips=127.0.0.1'],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f'http://127.0.0.1:{self.port}'
        for _ in range(100):
            try:
                if self._call('GET', '/status').get('ready'): break
            except (urllib.error.URLError, ConnectionError, OSError): pass
            time.sleep(0.1)
        else: self.quit(); raise RuntimeError('chromedriver did not start')
        args = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                '--disable-background-networking', '--disable-component-update', '--disable-sync',
                '--disable-dev-shm-usage', '--hide-scrollbars', f'--user-data-dir={profile}', f'--window-size={width},{height}']
        caps = {'capabilities': {'alwaysMatch': {'browserName': 'chrome', 'goog:chromeOptions': {'binary': browser, 'args': args}}}}
        self.session = self._call('POST', '/session', caps)['sessionId']

    def _call(self, method, path, body=None, timeout=60):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={'Content-Type': 'application/json'})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r: return json.loads(r.read() or b'{}').get('value', {}) or {}
        except urllib.error.HTTPError as e:
            raise RuntimeError(f'WebDriver {method} {path}: {e.read()[:500]!r}') from None

    def cmd(self, method, path, body=None): return self._call(method, f'/session/{self.session}{path}', body)
    def get(self, url): self.cmd('POST', '/url', {'url': url})
    def js(self, script, *args): return self.cmd('POST', '/execute/sync', {'script': script, 'args': list(args)})
    def window(self, width, height): self.cmd('POST', '/window/rect', {'width': width, 'height': height})
    def screenshot(self) -> bytes: return base64.b64decode(self.cmd('GET', '/screenshot'))
    def full_screenshot(self) -> bytes:
        r = self.cmd('POST', '/goog/cdp/execute', {'cmd': 'Page.captureScreenshot',
                                                   'params': {'format': 'png', 'captureBeyondViewport': True}})
        return base64.b64decode(r['data'])
    def quit(self):
        try:
            if getattr(self, 'session', None): self._call('DELETE', f'/session/{self.session}', timeout=20)
        except Exception: pass
        self.proc.terminate()
        try: self.proc.wait(10)
        except subprocess.TimeoutExpired: self.proc.kill()

_PAGE_FACTS = """
const main = document.querySelector('article') || document.body;
const width = main.getBoundingClientRect().width;
return {
  title: document.title,
  text: main.innerText,
  textLength: main.innerText.trim().length,
  scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
  height: document.documentElement.scrollHeight,
  articleWidth: width,
  images: [...main.querySelectorAll('img')].map(i => ({src: i.getAttribute('src'), complete: i.complete,
            natural: i.naturalWidth, shown: i.getBoundingClientRect().width})),
  codeBlocks: main.querySelectorAll('div.highlight pre').length,
  sections: main.querySelectorAll('section').length,
};
"""

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass

def _serve(site:Path):
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server

def _wait(wd, script, timeout=15.0):
    t0 = time.time()
    while time.time() - t0 < timeout:
        v = wd.js(script)
        if v: return v
        time.sleep(0.2)
    return None

def check_in_browser(site:Path, pages:dict[str, str], signature:str, shots:Path) -> list[str]:
    "Open `pages` ({name: path}) in Chromium; blank pages, missing or oversized images, missing signature, search."
    browser, driver = ensure_chromium()
    shots.mkdir(parents=True, exist_ok=True)
    problems, server, profile = [], _serve(site), tempfile.mkdtemp(prefix='lv-docs-chromium-')
    base = f'http://127.0.0.1:{server.server_address[1]}/'
    wd = None
    try:
        wd = WebDriver(driver, browser, profile)
        for name, path in pages.items():
            wd.window(1440, 900)
            wd.get(base + path)
            _wait(wd, "return document.readyState === 'complete' && [...document.images].every(i => i.complete);")
            f = wd.js(_PAGE_FACTS)
            (shots/f'{name}.png').write_bytes(wd.screenshot())
            try: (shots/f'{name}-full.png').write_bytes(wd.full_screenshot())
            except Exception as e: print(f'browser check: no full-page screenshot of {path}: {e}')
            print(f'browser check: {path}: "{f["title"]}", {f["textLength"]} characters, {f["sections"]} sections, '
                  f'{f["codeBlocks"]} code blocks, {len(f["images"])} images, {f["height"]} px tall')
            if f['textLength'] < 200: problems.append(f'{path}: the page is blank ({f["textLength"]} characters of text)')
            for im in f['images']:
                if not im['complete'] or not im['natural']: problems.append(f'{path}: image {im["src"]} did not load')
                elif im['shown'] > f['articleWidth'] + 1: problems.append(f'{path}: image {im["src"]} is wider than the page')
            if f['scrollWidth'] > f['clientWidth'] + 1:
                problems.append(f'{path}: the page scrolls sideways ({f["scrollWidth"]} px wide in a {f["clientWidth"]} px window)')
            if name == 'api':
                if signature not in f['text']: problems.append(f'{path}: the signature "{signature}" is not on the page')
                if not f['codeBlocks']: problems.append(f'{path}: no signature/code blocks at all')
                blocks = wd.js("return [...document.querySelectorAll('article div.highlight pre')].map(p => p.innerText)"
                               ".filter(t => t.includes(arguments[0]));", signature)
                problems += check_signature(path, signature, blocks, f['text'])
        if signature:
            name = signature.rstrip('(')
            wd.get(base + 'search.html?q=' + urllib.parse.quote(name))
            hits = _wait(wd, "const r = document.querySelectorAll('#search-results li a'); "
                             "return r.length ? [...r].map(a => a.getAttribute('href')) : null;")
            (shots/'search.png').write_bytes(wd.screenshot())
            if not hits: problems.append(f'search.html?q={name}: the site search found nothing')
            else:
                print(f'browser check: search for {name}: {len(hits)} results, first {hits[0]}')
                if not any(pages.get('api', '') in h for h in hits):
                    problems.append(f'search for {name}: no result on {pages.get("api")}')
    finally:
        if wd: wd.quit()
        server.shutdown(); server.server_close()
        shutil.rmtree(profile, ignore_errors=True)
    return problems

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--site', default=str(ROOT/'_docs'), help='the built site')
    p.add_argument('--api-page', default='data.html', help='the API page to open')
    p.add_argument('--signature', default='simulate_lv(', help='text the API page must show')
    p.add_argument('--screenshots', default=str(ROOT/'.ci'/'screenshots'))
    p.add_argument('--no-browser', action='store_true', help='static checks only')
    p.add_argument('--all-pages', action='store_true', help='open (and screenshot) every page, not only home, API and a story')
    a = p.parse_args(argv)
    site = Path(a.site)
    if not (site/'index.html').is_file(): sys.exit(f'browser check: {site}/index.html is missing: run `python tools/docs.py` first')
    from nbdev.config import get_config
    t0 = time.time()
    problems, warnings = check_links(site)
    problems += check_symbols(site, get_config().lib_name)
    n_pages = len(list(site.rglob('*.html')))
    print(f'browser check: static: {n_pages} pages, {len(problems)} problems, {len(warnings)} warnings')
    for w in warnings: print('  warning:', w)
    if not a.no_browser:
        pages = {'home': 'index.html', 'api': a.api_page}
        if a.all_pages:
            for f in sorted(site.rglob('*.html')):
                rel = f.relative_to(site).as_posix()
                if rel not in pages.values() and not rel.startswith('_') and rel not in ('genindex.html', 'search.html'):
                    pages[rel[:-len('.html')].replace('/', '__')] = rel
        else:
            story = sorted(p.relative_to(site).as_posix() for p in site.glob('tutorials/*.html'))
            if story: pages['story'] = story[0]
        problems += check_in_browser(site, pages, a.signature, Path(a.screenshots))
        print(f'browser check: screenshots in {a.screenshots}')
    print(f'browser check: {len(problems)} problems ({time.time() - t0:.0f} s)')
    for pr in problems: print('  -', pr)
    return 1 if problems else 0

if __name__ == '__main__': sys.exit(main())
