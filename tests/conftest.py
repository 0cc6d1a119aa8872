"""Shared fixtures: copies of the real package to corrupt, and one real site build per test session."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from atlas.paths import DATAPACKAGE, DOCS, MKDOCS_YML, ROOT


class PackageCopy:
    """A copy of the real package in a temporary folder, with helpers to corrupt it one way at a time."""

    def __init__(self, root: Path):
        self.root = root
        shutil.copyfile(DATAPACKAGE, root / "datapackage.json")
        shutil.copytree(ROOT / "datasets", root / "datasets")
        self.descriptor = root / "datapackage.json"

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


@pytest.fixture
def pkg_copy(tmp_path) -> PackageCopy:
    return PackageCopy(tmp_path)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """One real build of the real package, shared by the tests that only read the result."""
    from atlas.site import build_site

    build_dir = tmp_path_factory.mktemp("build")
    return build_site(DATAPACKAGE, DOCS, MKDOCS_YML, build_dir)
