"""The live preview (`make serve` = `python -m atlas serve PROJECT`) on the tiny fixture: an edited page is served
as a full build would make it, a CSV that fails validation puts exactly the validator's lines on the pages while the
server keeps answering, and fixing it brings the pages back as they were.

Each test waits for the state it asserts (the server rebuilds in the background); none asserts how long it took."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import atlas as atlas_package
from atlas.preview import BANNER_ID, PROBLEMS_ID
from atlas.validate import validate_package
from projects import Project

pytestmark = pytest.mark.build  # a build of its own, and a server: not in the fast layer

LIVERELOAD = re.compile(r"<script>\nvar livereload = .*?</script>", re.S)
WAIT = 300  # seconds before a test gives up waiting for a state: a bound on a hang, not a measure


class Served:
    def __init__(self, project: Project, proc: subprocess.Popen, port: int, log: Path):
        self.project, self.proc, self.port, self.log = project, proc, port, log

    def get(self, url: str) -> tuple[int, str]:
        """Status and text of a served URL, without MkDocs' live-reload script (it names a time)."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{url}", timeout=60) as r:
                return r.status, LIVERELOAD.sub("", r.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")

    def until(self, what: str, url: str, test, statuses=(200,)) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"the preview stopped:\n{self.log.read_text()}"
            try:
                status, text = self.get(url)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                status, text = None, ""
            if status in statuses and test(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"{url}: never {what}\n{self.log.read_text()}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(project: Project, tmp_path: Path) -> Served:
    port, log = free_port(), tmp_path / "preview.log"
    env = {**os.environ, "PYTHONPATH": str(Path(atlas_package.__file__).resolve().parents[1])}
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "atlas", "serve", str(project.root), "--port", str(port)],
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    return Served(project, proc, port, log)


def stop(served: Served) -> None:
    served.proc.terminate()
    served.proc.wait(timeout=60)


@pytest.fixture
def preview(tmp_path):
    served = start(Project.from_fixture("tiny", tmp_path / "tiny"), tmp_path)
    try:
        served.until("served", "", lambda text: BANNER_ID not in text)
        yield served
    finally:
        stop(served)


def problems_listed(text: str) -> list[str] | None:
    listed = BeautifulSoup(text, "html.parser").find("ul", id=PROBLEMS_ID)
    return None if listed is None else [li.get_text() for li in listed.find_all("li")]


def test_edited_page_is_served_as_a_full_build_makes_it(preview, tiny_site):
    home = preview.project.root / "docs" / "index.md"
    # A paragraph at the end: the first one is the page's description, in its head too.
    home.write_text(home.read_text(encoding="utf-8") + "\nPreview word zyxwvut.\n", encoding="utf-8")

    served = preview.until("showing the edit", "", lambda t: "zyxwvut" in t)

    # The new paragraph is the only difference from the unedited fixture's full build.
    assert served.count("<p>Preview word zyxwvut.</p>\n") == 1
    assert served.replace("<p>Preview word zyxwvut.</p>\n", "") == (tiny_site / "index.html").read_text(encoding="utf-8")
    # A page the edit did not touch is the full build's page.
    assert preview.get("sources/") == (200, (tiny_site / "sources" / "index.html").read_text(encoding="utf-8"))
    # MkDocs rendered the home page alone; the search index still has every other page as a full build has it,
    # and the home page's entries with the new words.
    index = json.loads(preview.get("search/search_index.json")[1])["docs"]
    full = json.loads((tiny_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    on_home = lambda d: d["location"].split("#")[0] == ""  # noqa: E731
    assert [d for d in index if not on_home(d)] == [d for d in full if not on_home(d)]
    assert [d["location"] for d in index] == [d["location"] for d in full]
    home_new, home_full = [d for d in index if on_home(d)], [d for d in full if on_home(d)]
    assert home_new[:-1] == home_full[:-1]  # the paragraph is in the last section
    assert home_new[-1]["text"] == home_full[-1]["text"] + " <p>Preview word zyxwvut.</p>"


def test_invalid_csv_lists_the_validators_lines_and_the_fix_brings_the_pages_back(preview, tiny_site):
    project = preview.project
    good = project.path("sources").read_bytes()
    row = project.set_cell("sources", project.row_of("sources", source_id="fx-maker-release"), "reliability", "Z")
    expected = [str(p) for p in validate_package(project.descriptor)]
    assert [line.split(": [")[0] for line in expected] == [f"datasets/sources.csv:{row}:reliability"]

    served = preview.until("listing problems", "sources/", lambda t: problems_listed(t) is not None)
    assert problems_listed(served) == expected
    # Every page says so, the server still answers, and the terminal printed the same lines.
    assert problems_listed(preview.until("listing problems", "data/sources/", lambda t: True)) == expected
    assert preview.get("assets/stylesheets/atlas.css")[0] == 200
    log = preview.log.read_text().splitlines()
    start = log.index(expected[0])
    assert log[start:start + len(expected) + 1] == expected + [f"preview: {len(expected)} problem(s); the pages show them until the data is fixed"]

    project.path("sources").write_bytes(good)
    for url in ("", "sources/", "data/sources/"):
        served = preview.until("back", url, lambda t: problems_listed(t) is None and BANNER_ID not in t)
        assert served == (tiny_site / url / "index.html").read_text(encoding="utf-8"), url


def test_data_invalid_from_the_start_lists_the_validators_lines_at_every_address(tiny, tmp_path):
    row = tiny.set_cell("sources", tiny.row_of("sources", source_id="fx-maker-release"), "reliability", "Z")
    expected = [str(p) for p in validate_package(tiny.descriptor)]
    assert [line.split(": [")[0] for line in expected] == [f"datasets/sources.csv:{row}:reliability"]
    served = start(tiny, tmp_path)
    try:
        # The pages are built or not (the build may fail on data that fails validation); an address that names
        # no page is a 404. Each of them lists the problems.
        for url in ("", "sources/", "no/such/page/"):
            text = served.until("listing problems", url, lambda t: problems_listed(t) is not None, statuses=(200, 404))
            assert problems_listed(text) == expected, url
    finally:
        stop(served)
