"""Build the whole site: validate, charts, pages, downloads, then `mkdocs build --strict` into a
staging folder that replaces build/site only when every step has passed."""
from __future__ import annotations

import functools
import logging
import os
import shutil
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .chart_downloads import chart_citation, write_chart_downloads
from .chartkit import DESKTOP, LAYOUTS
from .chart_pool import ChartPool, chart_pool
from .charts import charts, declarations
from .download_page import download_page
from .downloads import finish_downloads, start_downloads
from .figures import figure_html, render_chart_files, svg_size
from .findable import add_findability
from .last_updated import changelog_text, release_date
from .package import DataPackage
from .blocks import BLOCKS
from .pages import replace_markers, write_generated_pages
from .paths import BUILD, DATAPACKAGE, DOCS, MKDOCS_YML, ROOT
from .search_terms import plant_names
from .share_cards import site_card_spec
from .tables import load_tables
from .validate import validate_package
from .vega_runtime import write_vega_runtime


class BuildFailed(Exception):
    pass


def source_date_epoch(pkg: DataPackage) -> str:
    """Honour SOURCE_DATE_EPOCH; otherwise the release's own date (`created` in datapackage.json), so
    that the dates MkDocs and the zip write depend on the data, not on when or where the build ran
    (a clone, a tarball without .git, a fixture in a temporary folder)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    created = str(pkg.meta.get("created", ""))
    try:
        stamp = datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return "0"
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return str(int(stamp.timestamp()))


@dataclass
class Products:
    """What the data makes for the pages: the makers of the `[[chart:…]]` and `[[block:…]]` markers, the
    generated pages and each chart's alt text. The preview (preview.py) keeps them between rebuilds."""
    makers: dict[str, dict]
    generated: list[Path]
    chart_alts: dict[str, str]
    site_card: Future | None = None  # the site card's PNG, when a clean build's chart workers draw it


def copy_docs(pkg: DataPackage, docs: Path, stage: Path) -> Path:
    """The hand-written docs and the project's changelog, copied into `stage`/docs; return that folder."""
    staged = stage / "docs"
    shutil.copytree(docs, staged)
    changelog = pkg.root / "CHANGELOG.md"
    if changelog.exists():
        shutil.copyfile(changelog, staged / "changelog.md")
    return staged


def stage_products(pkg: DataPackage, tables: dict, staged: Path, results=None, render=render_chart_files,
                   pool: ChartPool | None = None, make_page=None, start=start_downloads, chart_zips: dict | None = None) -> Products:
    """Everything the data makes, written into `staged`: chart images and downloads, the generated pages, the
    published data and the Download page. `results` (the charts' ChartResults, `charts()` by default) and
    `render` (which draws a result's files) and `make_page` (pages.write_generated_pages' `make`) let the preview
    reuse what an edit did not change, `start` (downloads.start_downloads, or one that returns a future of it) lets it
    write the published tables in another process, `chart_zips` keeps the charts' zips; `pool` (a clean
    build's) builds and draws the charts in worker processes instead, from the package on disk."""
    site_url = os.environ.get("ATLAS_SITE_URL", "").rstrip("/")
    figures, chart_alts = {}, {}
    write_vega_runtime(staged / "assets" / "vega", pkg.root / "vendor" / "vega")
    # vl-convert releases the GIL while it renders, so one thread drawing the images while this one builds the
    # next chart's specs uses both cores: seconds off every build. One thread, not more: vl-convert renders
    # one spec at a time whatever the number of callers.
    started = site_card = None
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="render") as renderer:
            # Whatever runs elsewhere is set going first: the chart workers, or the preview's helper process.
            if pool is not None and results is None and render is render_chart_files:
                drawn = pool.charts(pkg.descriptor, len(declarations(pkg)), staged / "charts")
                site_card = pool.png(site_card_spec(pkg, release_date(pkg, changelog_text(pkg))))
                started = start(pkg, tables, staged / "data")
            else:
                started = start(pkg, tables, staged / "data")
                raw = {name: pkg.rows(name) for name in pkg.resources}
                drawn = [renderer.submit(lambda r: (r, render(r, staged / "charts")), result)
                         for result in (charts(pkg, tables, raw) if results is None else results)]
            generated = write_generated_pages(pkg, tables, staged, make_page)  # while the charts are drawn
            for done in drawn:
                result, paths = done.result()
                chart_alts[result.slug] = result.alt
                sizes = {layout.name: svg_size(paths["light" + ("" if layout is DESKTOP else f".{layout.name}")]) for layout in LAYOUTS}
                url = f"{site_url}/{'' if result.page == 'index' else result.page + '/'}#chart-{result.slug}"
                write_chart_downloads(pkg, result, tables["sources"], staged / "charts", url, chart_zips)
                figures[result.slug] = functools.partial(figure_html, result, pkg, tables["sources"], sizes=sizes,
                                                         citation=chart_citation(pkg, result, url))
    except BaseException:  # the helper writing the published tables (the preview's) is let finish before the folder goes
        if started is not None:
            wait([started])
        raise

    blocks = {name: functools.partial(block, pkg, tables) for name, block in BLOCKS.items()}
    blocks["plant-names"] = functools.partial(plant_names, pkg, tables)
    if started is not None:
        started.result()
    finish_downloads(pkg, staged / "data", staged / "charts")
    citation_file = pkg.root / "CITATION.cff"
    citation = citation_file.read_text(encoding="utf-8") if citation_file.exists() else ""
    (staged / "download.md").write_text(
        download_page(pkg, staged / "data" / "latest", citation, os.environ.get("ATLAS_SITE_URL")), encoding="utf-8")
    return Products({"chart": figures, "block": blocks}, generated, chart_alts, site_card)


def assemble_pages(pkg: DataPackage, tables: dict, docs: Path, staged: Path, products: Products) -> None:
    """Markers in the hand-written pages replaced, then what makes every page findable."""
    # Markers are replaced in the hand-written pages only: a generated page holds text from the CSVs, and
    # a cell that reads `[[chart:…]]` must stay text, never become a chart (or a failed build).
    originals = {}
    for rel in sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")):
        page = staged / rel
        text = originals[rel] = page.read_text(encoding="utf-8")
        try:
            new = replace_markers(text, rel, products.makers)
        except KeyError as e:
            raise BuildFailed(e.args[0]) from e
        if new != text:
            page.write_text(new, encoding="utf-8")
    # Feed, "Last updated", Dataset markup and share cards (issue 12): after every page is staged.
    add_findability(pkg, tables, staged, originals, products.generated, products.chart_alts, os.environ.get("ATLAS_SITE_URL"),
                    products.site_card)


def stage_docs(descriptor: Path, docs: Path, stage: Path, pool: ChartPool | None = None) -> Path:
    """Copy the hand-written docs and add everything generated; return the staged docs folder.

    The changelog and the citation are the project's own, found beside datapackage.json."""
    pkg = DataPackage(descriptor)
    tables = load_tables(pkg)
    staged = copy_docs(pkg, docs, stage)
    assemble_pages(pkg, tables, docs, staged, stage_products(pkg, tables, staged, pool=pool))
    return staged


def run_mkdocs(config_file: Path, docs_dir: Path, site_dir: Path) -> None:
    # Imported here: MkDocs is only needed by this step, and its import is slow.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("mkdocs %(levelname)s: %(message)s"))
    handler.setLevel(logging.WARNING)
    log = logging.getLogger("mkdocs")
    log.addHandler(handler)
    try:
        cfg = load_config(config_file=str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir), strict=True)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            build(cfg)
        finally:
            cfg.plugins.on_shutdown()
    except (MkDocsException, SystemExit) as e:
        raise BuildFailed(f"mkdocs build --strict failed: {e}") from e
    finally:
        log.removeHandler(handler)


def swap_into_place(new_site: Path, site: Path) -> None:
    """Replace `site` with `new_site` by renames, so a reader of build/site sees the old site or the
    new one, never a half-written mix."""
    old = site.with_name(site.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if site.exists():
        site.rename(old)
    new_site.rename(site)
    if old.exists():
        shutil.rmtree(old)


def build_site(descriptor: Path = DATAPACKAGE, docs: Path = DOCS, config_file: Path = MKDOCS_YML,
               build_dir: Path = BUILD) -> Path:
    with chart_pool() as pool:  # its workers start vl-convert while the validation runs; they read nothing yet
        return _build_site(descriptor, docs, config_file, build_dir, pool)


def _build_site(descriptor: Path, docs: Path, config_file: Path, build_dir: Path, pool: ChartPool | None) -> Path:
    problems = validate_package(descriptor)
    if problems:
        raise BuildFailed("validation failed:\n" + "\n".join(map(str, problems)))
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(DataPackage(descriptor))
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".staging-", dir=build_dir) as tmp:
            stage = Path(tmp)
            staged_docs = stage_docs(descriptor, docs, stage, pool)
            run_mkdocs(config_file, staged_docs, stage / "site")
            swap_into_place(stage / "site", build_dir / "site")
    finally:  # the epoch belongs to this build only, not to whatever the process builds next
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before
    return build_dir / "site"


def main(argv: list[str] | None = None) -> int:
    """`python -m atlas site [PROJECT]`: build PROJECT (a folder with datapackage.json, mkdocs.yml and
    docs/; the repository by default) into PROJECT/build/site."""
    args = sys.argv[1:] if argv is None else argv
    project = Path(args[0]).resolve() if args else ROOT
    try:
        site = build_site(project / "datapackage.json", project / "docs", project / "mkdocs.yml", project / "build")
    except BuildFailed as e:
        print(f"make site: {e}", file=sys.stderr)
        print("build/site was left as it was.", file=sys.stderr)
        return 1
    except Exception as e:  # a bug must still end in one readable line; ATLAS_DEBUG=1 shows the traceback
        if os.environ.get("ATLAS_DEBUG"):
            raise
        print(f"make site: internal error: {type(e).__name__}: {e} (ATLAS_DEBUG=1 shows where)", file=sys.stderr)
        print("build/site was left as it was.", file=sys.stderr)
        return 1
    print(f"ok: site built in {site.relative_to(project) if site.is_relative_to(project) else site}")
    return 0
