"""Fixture projects: small packages whose right answers are known by hand, built and validated through
the real command-line entry, the way mkdocs-charts-plugin tests its fixture projects.

A fixture folder under tests/fixtures/projects/ holds what makes it special (at least datasets/); what it
leaves out is taken from the repository (the descriptor, mkdocs.yml, docs/, overrides/, vendor/ and the
release documents), so each fixture exercises the real schema and the real pages with its own rows.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

import atlas as atlas_package
from atlas.paths import ROOT
from atlas.validate import validate_package

FIXTURES = Path(__file__).parent / "fixtures" / "projects"
# Taken from the repository when a fixture does not bring its own; vendor/ is linked, being large and read-only.
COPIED = ("datapackage.json", "mkdocs.yml", "docs", "overrides", "CHANGELOG.md", "CITATION.cff", "README.md", "LICENSE")
LINKED = ("vendor",)
CODE_TABLES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "datasets").glob("codes_*.csv"))


def atlas(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m atlas ARGS` in a fresh process, as make runs it, with the same atlas package as this one."""
    full = {**os.environ, "PYTHONPATH": str(Path(atlas_package.__file__).resolve().parents[1]), **(env or {})}
    return subprocess.run([sys.executable, "-m", "atlas", *args], cwd=cwd, env=full, capture_output=True, text=True)


class Project:
    """A project folder (datapackage.json, datasets/, docs/, mkdocs.yml) with helpers to corrupt it one way at a time."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.descriptor = self.root / "datapackage.json"

    @classmethod
    def from_fixture(cls, name: str, dest: Path) -> "Project":
        shutil.copytree(FIXTURES / name, dest, dirs_exist_ok=True)
        return cls._completed(dest)

    @classmethod
    def from_repository(cls, dest: Path) -> "Project":
        """A copy of the real package (its data too), for the few tests about the curated data itself."""
        shutil.copytree(ROOT / "datasets", dest / "datasets")
        return cls._completed(dest)

    @classmethod
    def _completed(cls, dest: Path) -> "Project":
        for part in COPIED:
            if not (dest / part).exists():
                (shutil.copytree if (ROOT / part).is_dir() else shutil.copyfile)(ROOT / part, dest / part)
        # The code tables define the descriptor's vocabularies (labels, meanings), not data of a fixture's own:
        # like datapackage.json they come from the repository unless the fixture brings its own.
        for table in CODE_TABLES:
            if not (dest / table).exists():
                (dest / table).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(ROOT / table, dest / table)
        for part in LINKED:
            if not (dest / part).exists():
                (dest / part).symlink_to(ROOT / part, target_is_directory=True)
        return cls(dest)

    # --- the data ---------------------------------------------------------------------------------
    def path(self, resource: str) -> Path:
        return self.root / "datasets" / f"{resource}.csv"

    def rows(self, resource: str) -> list[dict]:
        with self.path(resource).open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    def header(self, resource: str) -> list[str]:
        with self.path(resource).open(encoding="utf-8", newline="") as fh:
            return next(csv.reader(fh))

    def write_rows(self, resource: str, rows: list[dict], header: list[str] | None = None) -> None:
        header = header or self.header(resource)
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
        self.path(resource).write_text(buf.getvalue(), encoding="utf-8")

    def row_of(self, resource: str, **match) -> int:
        """0-based index of the one record whose columns equal `match`."""
        found = [i for i, r in enumerate(self.rows(resource)) if all(r[k] == v for k, v in match.items())]
        assert len(found) == 1, (resource, match, found)
        return found[0]

    def set_cell(self, resource: str, index: int, column: str, value: str) -> int:
        """Set one cell of record `index` (0-based); return its row number as the validator reports it."""
        rows = self.rows(resource)
        rows[index][column] = value
        self.write_rows(resource, rows)
        return index + 2

    def append(self, resource: str, *new: dict) -> list[int]:
        rows = self.rows(resource)
        first = len(rows) + 2
        self.write_rows(resource, rows + list(new))
        return list(range(first, first + len(new)))

    # --- what the pipeline says about it ------------------------------------------------------------
    def problems(self):
        return validate_package(self.descriptor)

    def places(self) -> list[tuple]:
        """(file, row, column, rule) of every problem: the shape of frictionless' report.flatten()."""
        return [(p.file, p.row, p.column, p.rule) for p in self.problems()]

    def build(self, env: dict | None = None) -> subprocess.CompletedProcess:
        return atlas("site", str(self.root), env=env)

    @property
    def site(self) -> Path:
        return self.root / "build" / "site"


# --- reading built pages ----------------------------------------------------------------------------

def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def page(site: Path, url: str) -> BeautifulSoup:
    """The built page at a site URL such as `sales/` or `` for home."""
    return soup(site / url / "index.html")


def table_rows(table) -> tuple[list[str], list[list[str]]]:
    """A <table>'s header texts and the text of every body cell, row by row, as a reader sees them: a <wbr>
    (a place where a word may wrap) adds no space."""
    head = [cell_text(th) for th in table.select("thead th")]
    body = [[cell_text(td) for td in tr.find_all("td")] for tr in table.select("tbody tr")]
    return head, body


def cell_text(cell) -> str:
    cell = BeautifulSoup(str(cell).replace("<wbr/>", ""), "html.parser")
    return cell.get_text(" ", strip=True)


def figure(doc: BeautifulSoup, slug: str):
    fig = doc.find("figure", id=f"chart-{slug}")
    assert fig is not None, f"no figure chart-{slug} on the page"
    return fig
