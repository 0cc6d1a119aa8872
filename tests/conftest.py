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
    """The `tiny` fixture built once through the command-line entry (`python -m atlas site PROJECT`),
    called in this process so that a mutation tool's mutants are what gets built."""
    from atlas.site import main

    project = Project.from_fixture("tiny", tmp_path_factory.mktemp("tiny-site") / "tiny")
    assert main([str(project.root)]) == 0
    return project.site


# Tests that need more than the tiny fixture's one build are left out of `make test-fast` (and so out of
# mutation testing): a real build of the curated data, extra builds, a browser, Node.
SLOW_FIXTURES = {"built_site": "real", "served": "browser", "plain_server": "browser", "payload_site": "build", "built_tiny": "build"}


# With `--dist loadgroup`, the tests that read one shared build run on one worker, so that the build is
# made once, not once per worker.
SHARED_BUILDS = ("tiny_site", "built_site")


# Before xdist's own hook, which reads the groups to route the tests (it runs first otherwise, and sees none).
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        for fixture, marker in SLOW_FIXTURES.items():
            if fixture in item.fixturenames:
                item.add_marker(marker)
        for fixture in SHARED_BUILDS:
            if fixture in item.fixturenames:
                item.add_marker(pytest.mark.xdist_group(fixture))
                break


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """One real build of the real package, shared by the tests that only read the result."""
    from atlas.site import build_site

    build_dir = tmp_path_factory.mktemp("build")
    return build_site(DATAPACKAGE, DOCS, MKDOCS_YML, build_dir)

