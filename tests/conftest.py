"""Shared fixtures: fixture projects to corrupt or build, and one build of the real package per worker."""
from __future__ import annotations

from pathlib import Path

import pytest

from atlas.paths import DATAPACKAGE, DOCS, MKDOCS_YML
from projects import Project


@pytest.fixture
def tiny(tmp_path) -> Project:
    """A fresh copy of the `tiny` fixture project, to corrupt one way at a time."""
    return Project.from_fixture("tiny", tmp_path / "tiny")



@pytest.fixture(scope="session")
def tiny_site(tmp_path_factory) -> Path:
    """The `tiny` fixture built once through `python -m atlas site`."""
    project = Project.from_fixture("tiny", tmp_path_factory.mktemp("tiny-site") / "tiny")
    out = project.build()
    assert out.returncode == 0, out.stdout + out.stderr
    return project.site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """One real build of the real package, shared by the tests that only read the result."""
    from atlas.site import build_site

    build_dir = tmp_path_factory.mktemp("build")
    return build_site(DATAPACKAGE, DOCS, MKDOCS_YML, build_dir)
