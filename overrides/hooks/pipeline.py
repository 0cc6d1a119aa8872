"""MkDocs hooks: `mkdocs build` and `mkdocs serve` at the project's root run the atlas's pipeline, as
Material's own `shortcodes.py` hook and mkdocs-gen-files do: validation first (one line per fault, and nothing
written), then the generated pages, charts and downloads staged beside the hand-written pages and handed to
MkDocs in `on_files`, so that the nav's generated pages resolve and every link is MkDocs' own.

`make site` (atlas.site) stages the docs itself and calls MkDocs on the staged folder; these hooks see that
their docs folder is not the project's `docs/` and stand aside, so the two ways build the same pages.

A root `mkdocs build` writes build/mkdocs-site, not build/site: `make site` alone replaces build/site, and only
whole (MkDocs empties its site folder before it writes). `mkdocs serve` also rebuilds after an edit to the data,
the descriptor, the changelog, the citation or the code.

The hook is a file MkDocs loads by path (overrides/ travels with every project and fixture); it finds the
pipeline in the project's scripts/ when `atlas` is not importable already.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

PROJECT_SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
try:
    import atlas  # noqa: F401  (already importable: PYTHONPATH=scripts, or a test's own path)
except ImportError:  # `mkdocs build` run as is, at the repository's root
    sys.path.insert(0, str(PROJECT_SCRIPTS))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File, Files, file_sort_key  # noqa: E402
from mkdocs.structure.toc import AnchorLink  # noqa: E402

from atlas.chart_pool import chart_pool  # noqa: E402
from atlas.package import DataPackage  # noqa: E402
from atlas.rawhtml import RawHtml  # noqa: E402
from atlas.site import BuildFailed, source_date_epoch, stage_docs  # noqa: E402
from atlas.validate import validate_package  # noqa: E402

WATCHED = ("datasets", "datapackage.json", "CHANGELOG.md", "CITATION.cff", "scripts", "vendor")
_state: dict = {"command": None, "active": False, "stage": None, "epoch": None}


def on_startup(command, dirty):
    _state["command"] = command


def on_config(config):
    # In every build, staged or not: the generated HTML reaches Markdown as raw HTML, unparsed (rawhtml.py).
    _state["raw"] = RawHtml()
    config.markdown_extensions.append(_state["raw"])
    project = Path(config.config_file_path).resolve().parent
    _state["project"] = project
    _state["active"] = Path(config.docs_dir).resolve() == (project / "docs").resolve()
    if not _state["active"]:
        return config
    descriptor = project / "datapackage.json"
    problems = validate_package(descriptor)
    if problems:
        raise PluginError("validation failed:\n" + "\n".join(map(str, problems)))
    if _state["command"] == "build":
        config.site_dir = str(project / "build" / "mkdocs-site")
    # The dates MkDocs and the zip write come from the release, as in `make site`.
    _state["epoch"] = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(DataPackage(descriptor))
    return config


def on_files(files, config):
    if not _state["active"]:
        return files
    project = _state["project"]
    _clean_stage()
    (project / "build").mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".mkdocs-staging-", dir=project / "build"))
    _state["stage"] = stage
    try:
        with chart_pool() as pool:  # the charts drawn on both cores, as make site draws them
            staged = stage_docs(project / "datapackage.json", project / "docs", stage, pool)
    except BuildFailed as e:
        raise PluginError(str(e)) from e
    docs = Path(config.docs_dir).resolve()
    # The theme's files stay; every page and asset comes from the staged copy of docs/ (markers replaced,
    # generated pages and files added), in the order MkDocs would have found them.
    found = sorted((File(p.relative_to(staged).as_posix(), str(staged), config.site_dir, config.use_directory_urls)
                    for p in staged.rglob("*") if p.is_file()), key=file_sort_key)  # the order MkDocs' own walk gives
    ours = {f.src_uri for f in found}
    kept = [f for f in files if not _inside(f, docs) and f.src_uri not in ours]  # a page's file wins over the theme's
    return Files(found + kept)


def on_page_content(html, page, config, files):
    # A generated page built of marked HTML (the story's claims) has no Markdown heading but its title, so its table
    # of contents was empty: its marked headings are listed there instead, their text as escaped as on the page.
    toc = page.toc.items
    if len(toc) == 1 and not toc[0].children:
        toc[0].children = [AnchorLink(title, anchor, 2) for anchor, title in _state["raw"].headings]
    return html


def on_post_page(output, page, config):
    # The data tables kept out of the page while Material's search plugin read it (rawhtml.py), put back.
    return _state["raw"].restore(output)


def _inside(file, folder: Path) -> bool:
    return file.abs_src_path is not None and Path(file.abs_src_path).resolve().is_relative_to(folder)


def on_serve(server, config, builder):
    for name in WATCHED:
        path = _state["project"] / name
        if path.exists():
            server.watch(str(path))
    return server


def on_post_build(config):
    _finish()


def on_build_error(error):
    _finish()


def on_shutdown():
    _finish()


def _finish():
    _clean_stage()
    if _state["active"]:
        if _state["epoch"] is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = _state["epoch"]


def _clean_stage():
    if _state["stage"] is not None:
        shutil.rmtree(_state["stage"], ignore_errors=True)
        _state["stage"] = None
