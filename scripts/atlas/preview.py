"""`make serve`: a live preview on 127.0.0.1. One full staged build, then MkDocs' own LiveReloadServer watches
the project; after an edit the preview restages only what the edit can change and MkDocs rebuilds only the pages
whose staged source changed (`build(dirty=True)`), and the browser reloads.

What an edit restages:
- a hand-written page (docs/): the pages are staged again with the markers replaced by the figures and blocks
  kept from the last data build; nothing the data makes is made again;
- the data (datasets/, datapackage.json, CHANGELOG.md, CITATION.cff): the generated pages, downloads and figure
  panels are made again; a chart is built again only if a table it read changed, and drawn again only if its
  spec changed (images are cached by a hash of the spec);
- the code or the theme (scripts/atlas/, mkdocs.yml, overrides/, vendor/): the process starts itself again, since
  Python cannot take back the modules it imported.

Validation runs in a worker process beside the build, on every edit. The pages show a banner while it runs,
and an error page listing its lines if it fails (the server keeps answering); fixing the data brings the pages
back. `make site` is unchanged: it validates first and swaps a complete build into build/site.
"""
from __future__ import annotations

import contextlib
import functools
import html
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from .incremental import ChartCache, FigureCache, PageCache, file_hash, fingerprint, overlay, sync
from .paths import ROOT

HOST = "127.0.0.1"
PORT = 8000
# What each kind of input makes the preview redo (see the module's docstring): paths in the project, and the
# code, which is this package wherever the project is.
DATA = ("datasets", "datapackage.json", "CHANGELOG.md", "CITATION.cff")
DOCS = ("docs",)
CODE = ("mkdocs.yml", "overrides", "vendor")
PACKAGE = Path(__file__).resolve().parent
BANNER_ID = "atlas-preview-banner"
PROBLEMS_ID = "atlas-preview-problems"


def validate_lines(descriptor: str) -> list[str]:
    """The validator's lines, as `make validate` prints them (run in the worker process)."""
    from .problems import Problem
    from .validate import validate_package

    try:
        return [str(p) for p in validate_package(Path(descriptor))]
    except Exception as e:  # a crash in a check is one line, as in `make validate`
        return [str(Problem(str(descriptor), None, None, "validator-error", f"{type(e).__name__}: {e}", "a package the checks can read"))]


_TABLES: dict = {}  # the downloads helper's tables: resource -> ((descriptor, file) hashes, DataFrame)


def stage_downloads(descriptor: str, data_dir: str, epoch: str) -> None:
    """downloads.start_downloads (the published tables, the SQLite file, the zip), run in the helper process while
    the preview's own process makes the pages: on two cores a data edit is shown that much sooner. The helper reads
    the package itself, again only the CSVs whose bytes changed."""
    from .downloads import start_downloads
    from .package import DataPackage
    from .tables import load_table

    os.environ["SOURCE_DATE_EPOCH"] = epoch  # the zip's timestamps, as the preview's process has them
    pkg = DataPackage(Path(descriptor))
    hashed = file_hash(pkg.descriptor)
    for name in pkg.resources:
        key = (hashed, file_hash(pkg.path(name)))
        if name not in _TABLES or _TABLES[name][0] != key:
            _TABLES[name] = (key, load_table(pkg, name))
    start_downloads(pkg, {name: _TABLES[name][1].copy() for name in pkg.resources}, Path(data_dir))


def _warm_helper() -> None:
    import atlas.downloads  # noqa: F401
    import atlas.tables  # noqa: F401


def _warm() -> None:
    # Below the build in priority: on two cores the page an author waits for comes first, the banner goes after.
    os.nice(10)
    import atlas.validate  # noqa: F401  (the worker's first validation should not pay for the imports)


def dirty_reader():
    """A plugin for the preview's dirty builds: MkDocs does not read a page it does not render again, so its nav
    title (the first heading, for a nav entry without a title) would be missing from every page it does render.
    Reading the unchanged pages' Markdown (not rendering it) keeps the nav as a full build makes it."""
    from mkdocs.plugins import BasePlugin

    class DirtyReader(BasePlugin):
        def on_nav(self, nav, config, files):
            for page in nav.pages:
                if page.markdown is None and not page.file.is_modified():
                    page.read_source(config)
            return nav

    return DirtyReader()


def merge_search_index(site: Path, before: dict | None) -> None:
    """A dirty build indexes only the pages it rendered: keep the other pages' entries from the last index."""
    path = site / "search" / "search_index.json"
    if before is None or not path.exists():
        return
    new = json.loads(path.read_text(encoding="utf-8"))
    page = lambda d: d["location"].split("#")[0]  # noqa: E731
    fresh: dict[str, list] = {}
    for d in new["docs"]:
        fresh.setdefault(page(d), []).append(d)
    docs, done = [], set()
    for d in before["docs"]:  # the pages in the order the last index had them, which is the nav's
        if page(d) not in fresh:
            docs.append(d)
        elif page(d) not in done:
            docs += fresh[page(d)]
            done.add(page(d))
    new["docs"] = docs + [d for p, entries in fresh.items() if p not in done for d in entries]
    path.write_text(json.dumps(new, separators=(",", ":")), encoding="utf-8")


_ENVS: dict = {}


def theme_env(theme):
    """The theme's Jinja environment, made once per process: a new one per build would compile every template
    again and list the theme's thousands of files again (a second of every rebuild). A change to the theme or
    to mkdocs.yml starts the preview again, so the templates it holds never go stale."""
    key = tuple(theme.dirs)
    if key not in _ENVS:
        env = theme.get_env()
        names = env.list_templates()
        listed: dict = {}

        def list_templates(extensions=None, filter_func=None):
            # MkDocs lists the theme's static files with a filter made afresh each build from mkdocs.yml (which
            # cannot change without a restart): the same filter code gives the same list, kept by that code.
            code = (getattr(filter_func, "__code__", filter_func), tuple(extensions or ()))
            if code not in listed:
                listed[code] = [n for n in names if (filter_func is None or filter_func(n))
                                and (extensions is None or n.rsplit(".", 1)[-1] in extensions)]
            return list(listed[code])

        env.list_templates = list_templates
        _ENVS[key] = env
    return _ENVS[key]


def mkdocs_build(config_file: Path, docs_dir: Path, site_dir: Path, dirty: bool) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    cfg = load_config(config_file=str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir), strict=False)
    env = theme_env(cfg.theme)
    cfg.theme.get_env = lambda: env
    index = site_dir / "search" / "search_index.json"
    before = json.loads(index.read_text(encoding="utf-8")) if dirty and index.exists() else None
    if dirty:
        cfg.plugins["atlas-preview-dirty"] = dirty_reader()
        # Anchors in pages not rendered again are not known to a dirty build: a link to one is not a fault.
        cfg.validation.links.anchors = logging.DEBUG
    cfg.plugins.on_startup(command="serve", dirty=dirty)
    try:
        build(cfg, dirty=dirty)
    finally:
        cfg.plugins.on_shutdown()
    merge_search_index(site_dir, before)


@contextlib.contextmanager
def kept_site_card(cards: dict):
    """share_cards.write_site_card, drawn again only when its spec changes (a quarter of a second of every rebuild,
    for an image made of the package's title and release date). Wrapped here, around the preview's own call of
    assemble_pages, so that `make site` draws it as before."""
    from . import findable
    from .share_cards import CARD, site_card_spec, write_site_card

    def write(pkg, release_date, docs):
        key = json.dumps(site_card_spec(pkg, release_date), sort_keys=True)
        if key not in cards:
            cards.clear()
            cards[key] = write_site_card(pkg, release_date, docs).read_bytes()
            return docs / CARD
        path = docs / CARD
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(cards[key])
        return path

    findable.write_site_card = write
    try:
        yield
    finally:
        findable.write_site_card = write_site_card


class Preview:
    """The preview's state: the staged docs (build/preview/docs), the site MkDocs builds from them
    (build/preview/site), what the last data build made, and the last validation's lines."""

    def __init__(self, project: Path, out: Path | None = None):
        self.project = project
        self.descriptor = project / "datapackage.json"
        self.docs = project / "docs"
        self.config_file = project / "mkdocs.yml"
        self.out = out or project / "build" / "preview"
        self.stage = self.out / "docs"
        self.site = self.out / "site"
        self.charts = ChartCache(self.out / "charts-cache")
        self.pages = PageCache()
        self.figures = FigureCache()
        self.chart_zips: dict = {}
        self.cards: dict = {}
        self.seen: dict[str, dict] = {}
        self.tables: dict[str, tuple[tuple, object]] = {}  # resource -> ((descriptor, file) hashes, DataFrame)
        self.products = None  # (folder, Products, pkg, tables) of the last data build
        self.generation = 0
        self.rendered = False  # whether this process has built the site once
        self.problems: list[str] | None = None  # None: the validation of the shown data is still running
        self.error: str | None = None  # a build that failed although the data is valid
        self.lock = threading.Lock()
        self.on_validated = lambda: None
        self.validator = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"), initializer=_warm)
        self.helper = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"), initializer=_warm_helper)

    # --- what changed ---------------------------------------------------------------------------------
    def watched(self) -> dict[str, list[Path]]:
        return {"data": [self.project / p for p in DATA], "docs": [self.project / p for p in DOCS],
                "code": [self.project / p for p in CODE] + [PACKAGE]}

    def changes(self) -> set[str]:
        """The kinds of input whose files changed, appeared or went away since the last call."""
        now = {kind: fingerprint(paths) for kind, paths in self.watched().items()}
        kinds = {kind for kind, files in now.items() if files != self.seen.get(kind, {})}
        self.seen = now
        return kinds

    # --- one rebuild ------------------------------------------------------------------------------------
    def rebuild(self, first: bool = False) -> float | None:
        """Restage what changed and let MkDocs render the pages that changed; return the seconds it took, or
        None when nothing had changed."""
        started = time.perf_counter()
        kinds = self.changes()
        if first:
            kinds = {"data", "docs"}
        elif "code" in kinds:
            self.restart()
            return None
        if not kinds:
            return None
        with self.lock:
            self.generation += 1
            generation = self.generation
            self.problems, self.error = None, None
        if "data" in kinds:
            pending = self.last_validation = self.validator.submit(validate_lines, str(self.descriptor))
        elif not self.last_validation.done():  # a docs edit while the data's validation runs: wait for it still
            pending = self.last_validation
        else:
            pending, self.problems = None, self.last_validation.result()
        try:
            changed = self.build(kinds)
        except Exception as e:  # the data may be invalid: the validation's lines say why, else this one line does
            from .site import BuildFailed

            changed, error = None, str(e) if isinstance(e, BuildFailed) else f"{type(e).__name__}: {e}"
        else:
            error = None
        seconds = time.perf_counter() - started
        if pending is not None:
            if error is not None:
                pending.result()  # the error page waits for the validation, which names the faults in the data
            pending.add_done_callback(functools.partial(self.validated, generation))
        if error is not None:
            with self.lock:
                if self.problems == []:
                    self.error = error
            print(f"preview: the build failed: {error}", file=sys.stderr)
        else:
            what = ", ".join(sorted(kinds))
            print(f"preview: rebuilt ({what}) in {seconds:.2f} s, {len(changed)} staged files changed", file=sys.stderr)
        return seconds

    def validated(self, generation: int, future: Future) -> None:
        lines = future.result()
        with self.lock:
            if generation != self.generation:
                return  # the data has changed since: a newer validation is running
            self.problems = lines
            if lines:
                self.error = None
        if lines:
            print("\n".join(lines), file=sys.stderr)
            print(f"preview: {len(lines)} problem(s); the pages show them until the data is fixed", file=sys.stderr)
        else:
            print("preview: the data is valid", file=sys.stderr)
        self.on_validated()

    def build(self, kinds: set[str]) -> list[str]:
        from .package import DataPackage
        from .site import assemble_pages, copy_docs, source_date_epoch, stage_products

        self.out.mkdir(parents=True, exist_ok=True)
        self.charts.cache_dir.mkdir(parents=True, exist_ok=True)
        if "data" in kinds or self.products is None:
            pkg = DataPackage(self.descriptor)
            os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(pkg)
            tables = self.load_tables(pkg)
            folder = Path(tempfile.mkdtemp(prefix=".products-", dir=self.out))
            raw = {name: pkg.rows(name) for name in pkg.resources}
            try:
                products = stage_products(pkg, tables, folder, self.charts.results_for(pkg, tables, raw), self.charts.render,
                                          make_page=self.pages.maker(pkg, tables), start=self.start_downloads,
                                          chart_zips=self.chart_zips)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            # A figure's or a block's HTML depends on the data and the page's depth only: made once per depth, an
            # edited page's markers are replaced from these until the data changes.
            products.makers = {kind: {name: functools.lru_cache(maxsize=None)(make) for name, make in makers.items()}
                               for kind, makers in products.makers.items()}
            self.figures.prune()  # what the last build used stays; the figures of this one are made as pages ask
            products.makers["chart"] = {slug: self.figures.wrap(make.__wrapped__) for slug, make in products.makers["chart"].items()}
            self.charts.prune()
            if self.products is not None:
                shutil.rmtree(self.products[0], ignore_errors=True)
            self.products = (folder, products, pkg, tables)
        folder, products, pkg, tables = self.products
        with tempfile.TemporaryDirectory(prefix=".next-", dir=self.out) as tmp, kept_site_card(self.cards):
            staged = copy_docs(pkg, self.docs, Path(tmp))
            overlay(folder, staged)
            moved = type(products)(products.makers, [staged / p.relative_to(folder) for p in products.generated], products.chart_alts)
            assemble_pages(pkg, tables, self.docs, staged, moved)
            self.stage.mkdir(parents=True, exist_ok=True)
            changed = sync(staged, self.stage)
        # A process's first MkDocs build is a full one: it may be running new code, templates or mkdocs.yml.
        if changed or not self.rendered:
            mkdocs_build(self.config_file, self.stage, self.site, dirty=self.rendered)
            self.rendered = True
        return changed

    def start_downloads(self, pkg, tables, data_dir: Path) -> Future:
        return self.helper.submit(stage_downloads, str(pkg.descriptor), str(data_dir), os.environ["SOURCE_DATE_EPOCH"])

    def load_tables(self, pkg) -> dict:
        """tables.load_tables, reading again only the CSVs that changed (each build gets its own copies)."""
        from .tables import load_table

        descriptor = file_hash(pkg.descriptor)
        for name in pkg.resources:
            key = (descriptor, file_hash(pkg.path(name)))
            if name not in self.tables or self.tables[name][0] != key:
                self.tables[name] = (key, load_table(pkg, name))
        return {name: self.tables[name][1].copy() for name in pkg.resources}

    def restart(self) -> None:
        """The code changed: start again in a new process, if the new code can at least be imported."""
        check = subprocess.run([sys.executable, "-c", "import atlas.preview, atlas.site"], capture_output=True, text=True,
                               env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
        if check.returncode != 0:
            with self.lock:
                self.error = "the code cannot be imported: " + (check.stderr.strip().splitlines() or ["?"])[-1]
            print(f"preview: {self.error}", file=sys.stderr)
            return
        print("preview: the code changed; starting again", file=sys.stderr)
        self.validator.shutdown(cancel_futures=True)
        self.helper.shutdown(cancel_futures=True)
        os.execv(sys.executable, [sys.executable, "-m", "atlas", "serve", *sys.argv[2:]])

    # --- what the server shows ------------------------------------------------------------------------
    def decorate(self, content: bytes) -> bytes:
        """A served page as the preview shows it: the problems instead of the page when the data fails
        validation, a banner while the validation runs."""
        with self.lock:
            problems, error = self.problems, self.error
        if problems:
            return problem_page(problems).encode()
        if error:
            return problem_page([error], "The site could not be built").encode()
        if problems is None:
            banner = (f'<div id="{BANNER_ID}" role="status" style="background:#fff3cd;color:#000;padding:.5em 1em">'
                      "Preview: the data shown is being validated; this page reloads when the check is done.</div>")
            at = content.find(b">", content.find(b"<body")) + 1
            return content[:at] + banner.encode() + content[at:]
        return content


def problem_page(lines: list[str], heading: str = "The data does not pass validation") -> str:
    items = "\n".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines)
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Preview: {html.escape(heading)}</title></head>\n'
            f"<body><h1>{html.escape(heading)}</h1>\n<p>The preview shows these lines until they are fixed; "
            f"the pages come back by themselves.</p>\n<ul id=\"{PROBLEMS_ID}\">\n{items}\n</ul>\n</body></html>\n")


def make_server(preview: Preview, host: str = HOST, port: int = PORT):
    from mkdocs.livereload import LiveReloadServer, _timestamp

    class Server(LiveReloadServer):
        def _inject_js_into_html(self, content, epoch):
            return super()._inject_js_into_html(preview.decorate(content), epoch)

        def reload(self):
            """Reload the browsers without a build: the validation has answered."""
            with self._epoch_cond:
                if self._visible_epoch == self._wanted_epoch:  # a build in progress reloads them itself
                    self._wanted_epoch = self._visible_epoch = _timestamp()
                    self._epoch_cond.notify_all()

    server = Server(builder=preview.rebuild, host=host, port=port, root=str(preview.site), polling_interval=0.1)
    server.build_delay = 0.05
    # Before a first build that succeeded there is no page to put the problems in: every address shows them.
    server.error_handler = lambda code: preview.decorate(b"") if preview.problems or preview.error else None
    preview.on_validated = server.reload
    for path in (p for paths in preview.watched().values() for p in paths):
        if path.exists():
            server.watch(str(path))
    return server


def main(argv: list[str] | None = None) -> int:
    """`python -m atlas serve [PROJECT] [--port N]`: the live preview of PROJECT (the repository by default)."""
    args = list(sys.argv[2:] if argv is None else argv)
    port = PORT
    if "--port" in args:
        i = args.index("--port")
        port = int(args[i + 1])
        del args[i:i + 2]
    project = Path(args[0]).resolve() if args else ROOT
    logging.basicConfig(level=logging.WARNING, format="mkdocs %(levelname)s: %(message)s")
    logging.getLogger("mkdocs.livereload").setLevel(logging.INFO)
    # `kill` ends the preview as Ctrl-C does: the validation worker is stopped with it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    preview = Preview(project)
    preview.rebuild(first=True)
    server = make_server(preview, port=port)
    print(f"preview: serving {project.name} on http://{HOST}:{port}/ (Ctrl-C stops it)", file=sys.stderr, flush=True)
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        preview.validator.shutdown(cancel_futures=True)
        preview.helper.shutdown(cancel_futures=True)
    return 0
