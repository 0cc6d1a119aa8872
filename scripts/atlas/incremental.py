"""What makes the live preview's rebuilds incremental (preview.py): which inputs changed, chart results and images
kept while their inputs are unchanged, and a staged folder brought up to date by writing only the files that differ,
so that MkDocs' dirty build renders only the pages an edit changed."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path


def fingerprint(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under `paths`, by absolute path; caches of Python left out."""
    out = {}
    for path in paths:
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for f in files:
            st = f.stat()
            out[str(f)] = (st.st_mtime_ns, st.st_size)
    return out


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


class Recorder(dict):
    """A dict that notes the keys read from it: which tables a chart read."""

    def __init__(self, data: dict, seen: set):
        super().__init__(data)
        self.seen = seen

    def __getitem__(self, key):
        self.seen.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.seen.add(key)
        return super().get(key, default)

    def __contains__(self, key):
        self.seen.add(key)
        return super().__contains__(key)

    def __iter__(self):  # a reader of every table depends on every table
        self.seen.update(super().keys())
        return super().__iter__()

    def items(self):
        self.seen.update(super().keys())
        return super().items()

    def values(self):
        self.seen.update(super().keys())
        return super().values()


class ChartCache:
    """Chart results kept between rebuilds: a chart is built again only when a table it read (through the tables,
    the raw rows or the package's CSV reader) or the descriptor changed; it is drawn again only when its spec did."""

    def __init__(self, cache_dir: Path):
        self.results: dict[str, tuple[tuple, object]] = {}
        self.cache_dir = cache_dir
        self.built = self.drawn = 0
        self.used: set[str] = set()  # the drawings the last data build used

    def prune(self) -> None:
        """Forget the drawings no chart of the last data build uses, so the cache holds one site's images."""
        for path in self.cache_dir.iterdir():
            if path.name not in self.used:
                shutil.rmtree(path, ignore_errors=True)
        self.used = set()

    def results_for(self, pkg, tables, raw):
        from .charts import Data, build, declarations

        descriptor = file_hash(pkg.descriptor)
        hashes = {name: file_hash(pkg.path(name)) for name in pkg.resources}
        self.built = 0
        for decl in declarations(pkg):
            cached = self.results.get(decl.slug)
            if cached and cached[0][0] == descriptor and all(hashes.get(n) == h for n, h in cached[0][1]):
                yield cached[1]
                continue
            seen: set[str] = set()
            rows = pkg.rows
            pkg.rows = lambda name, _rows=rows: (seen.add(name), _rows(name))[1]
            try:
                result = build(decl, Data(pkg, Recorder(tables, seen), Recorder(raw, seen)))
            finally:
                del pkg.rows
            self.built += 1
            self.results[decl.slug] = ((descriptor, tuple(sorted((n, hashes.get(n, "")) for n in seen))), result)
            yield result

    def render(self, result, out_dir: Path) -> dict[str, Path]:
        """figures.render_chart_files, drawn once per spec: the files are linked from the cache."""
        from .figures import render_chart_files

        key = hashlib.sha256(json.dumps([result.slug, result.title, result.subtitle, result.resource, result.source_ids,
                                         result.specs], sort_keys=True, default=str).encode()).hexdigest()[:24]
        drawn = self.cache_dir / key
        self.used.add(key)
        if not (drawn / "paths.json").exists():
            tmp = Path(tempfile.mkdtemp(prefix=".draw-", dir=self.cache_dir))
            paths = render_chart_files(result, tmp)
            (tmp / "paths.json").write_text(json.dumps({k: p.name for k, p in paths.items()}), encoding="utf-8")
            shutil.rmtree(drawn, ignore_errors=True)
            tmp.rename(drawn)
            self.drawn += 1
        out_dir.mkdir(parents=True, exist_ok=True)
        names = json.loads((drawn / "paths.json").read_text(encoding="utf-8"))
        for path in drawn.iterdir():  # every file drawn, not only those the returned dict names
            if path.name != "paths.json":
                os.link(path, out_dir / path.name)
        return {k: out_dir / name for k, name in names.items()}


def _reading(pkg, seen: set):
    """pkg.rows, noting the tables read through it (the package's CSV reader, which code tables are read by)."""
    rows = pkg.rows
    return lambda name: (seen.add(name), rows(name))[1]


class PageCache:
    """Generated pages kept between rebuilds: a page is made again only when a table it read or the descriptor changed
    (an edit to sources.csv leaves the conflicts page and the pages of tables that cite no source as they were)."""

    def __init__(self):
        self.pages: dict[str, tuple[tuple, str]] = {}
        self.made = 0

    def maker(self, pkg, tables):
        """`make(path, maker)` for pages.write_generated_pages."""
        descriptor = file_hash(pkg.descriptor)
        hashes = {name: file_hash(pkg.path(name)) for name in pkg.resources}
        self.made = 0

        def make(rel, maker):
            cached = self.pages.get(rel)
            if cached and cached[0][0] == descriptor and all(hashes.get(n) == h for n, h in cached[0][1]):
                return cached[1]
            seen: set[str] = set()
            pkg.rows = _reading(pkg, seen)
            try:
                text = maker(Recorder(tables, seen))
            finally:
                del pkg.rows
            self.made += 1
            self.pages[rel] = ((descriptor, tuple(sorted((n, hashes.get(n, "")) for n in seen))), text)
            return text

        return make


class FigureCache:
    """Figure HTML kept between rebuilds, by what it is made of: the chart's result (the same object while ChartCache
    keeps it), its sizes and citation, the rows of the sources it cites, and the page's depth."""

    def __init__(self):
        self.made: dict[tuple, tuple[object, str]] = {}  # the result is held with its HTML, so its id is not reused
        self.used: set[tuple] = set()

    def prune(self) -> None:
        self.made = {k: v for k, v in self.made.items() if k in self.used}
        self.used = set()

    def wrap(self, make):
        """`make`: site.stage_products' functools.partial(figure_html, result, pkg, sources, sizes=..., citation=...)."""
        result, _pkg, sources = make.args
        ids = set(result.source_ids) | set(result.extra_sources)
        if "source_id" in result.rows.columns:
            ids |= set(result.rows["source_id"].dropna())
        cited = sources[sources["source_id"].isin(ids)].to_csv(index=False)
        base = (result.slug, id(result), json.dumps(make.keywords, sort_keys=True, default=str), cited)

        def figure(prefix):
            key = base + (prefix,)
            self.used.add(key)
            if key not in self.made:
                self.made[key] = (result, make(prefix))
            return self.made[key][1]

        return figure


def overlay(src: Path, dest: Path) -> None:
    """Copy the tree `src` over `dest`. The published data and chart files are hard-linked (they are large and
    nothing after this step writes to them); pages are copied, since the findability step rewrites them."""
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        target = dest / rel
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif rel.parts[0] in ("data", "charts") and path.suffix != ".md":
            target.unlink(missing_ok=True)
            os.link(path, target)
        else:
            shutil.copyfile(path, target)


def sync(src: Path, dest: Path) -> list[str]:
    """Make `dest` hold what `src` holds, touching only the files that differ, so that their modification times
    tell MkDocs' dirty build which pages to render again. Return the files written or removed."""
    changed = []
    wanted = set()
    for path in src.rglob("*"):
        if path.is_dir():
            continue
        rel = path.relative_to(src).as_posix()
        wanted.add(rel)
        target = dest / rel
        if target.exists():
            a, b = path.stat(), target.stat()
            if (a.st_ino == b.st_ino and a.st_dev == b.st_dev) or (a.st_size == b.st_size and path.read_bytes() == target.read_bytes()):
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        changed.append(rel)
    for path in sorted(dest.rglob("*"), reverse=True):
        rel = path.relative_to(dest).as_posix()
        if path.is_file() and rel not in wanted:
            path.unlink()
            changed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed
