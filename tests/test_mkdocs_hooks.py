"""`mkdocs build` at a project's root (overrides/hooks/pipeline.py) builds the very site `make site` builds, and
refuses bad data the same way: the problem lines, nothing written."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import atlas as atlas_package

pytestmark = pytest.mark.build


def mkdocs_build(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(atlas_package.__file__).resolve().parents[1]), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, env=env, capture_output=True, text=True)


def snapshot(site: Path) -> dict:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_mkdocs_build_at_the_root_makes_the_site_make_site_makes(tiny):
    assert tiny.build().returncode == 0
    out = mkdocs_build(tiny.root)
    assert (out.returncode, out.stderr) == (0, "")
    made, expected = snapshot(tiny.root / "build" / "mkdocs-site"), snapshot(tiny.site)
    assert sorted(made) == sorted(expected)
    assert [name for name in sorted(made) if made[name] != expected[name]] == []
    # the staging folder is gone, and make site's own site is where it was
    assert sorted(p.name for p in (tiny.root / "build").iterdir()) == ["mkdocs-site", "site"]


def test_mkdocs_build_refuses_bad_data_with_its_lines_and_writes_nothing(tiny):
    tiny.set_cell("sales", 0, "units", "-5")
    tiny.set_cell("models", 0, "launch_year", "1850")
    out = mkdocs_build(tiny.root)
    assert out.returncode == 1
    assert out.stderr.splitlines() == [
        "ERROR   -  validation failed:",
        "datasets/models.csv:2:launch_year: [minimum] found '1850', expected a value >= 1900",
        "datasets/sales.csv:2:units: [minimum] found '-5', expected a value >= 0"]
    assert not (tiny.root / "build").exists()
