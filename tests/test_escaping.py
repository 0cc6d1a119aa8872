"""Text from the CSVs is escaped wherever it reaches HTML: markup planted in every free-text column of a
copy of the package shows as text on every page, in a real build and a real browser."""
from __future__ import annotations

import functools
import json
import threading
from html.parser import HTMLParser
from http.server import ThreadingHTTPServer

import pytest

from atlas.package import DataPackage
from atlas.paths import DOCS, MKDOCS_YML
from atlas.facts import fact_keys
from atlas.site import build_site
from atlas.validate import validate_package

PAYLOAD = '<!--/atlas:raw--><script>alert("csv")</script><img src=x onerror=alert(2)>[md](javascript:alert(3))'
ESCAPED = "&lt;script&gt;alert("


class Live(HTMLParser):
    """Finds markup that would run: a script holding the payload, an event-handler attribute, a javascript: URL."""

    def __init__(self):
        super().__init__()
        self.found, self.in_script = [], False

    def handle_starttag(self, tag, attrs):
        self.in_script = tag == "script"
        for k, v in attrs:
            if k.startswith("on") and v and "alert(" in v:
                self.found.append(f"<{tag} {k}={v!r}>")
            if k in ("href", "src", "xlink:href") and v and v.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {k}={v!r}>")

    def handle_endtag(self, tag):
        self.in_script = False

    def handle_data(self, data):
        if self.in_script and 'alert("csv")' in data:
            self.found.append("<script> with the payload")


def live_markup(text: str) -> list[str]:
    p = Live()
    p.feed(text)
    return p.found


def free_text_columns(pkg: DataPackage) -> dict[str, list[str]]:
    """String columns with no pattern or enum that no key or rule depends on (a foreign key, such as a
    coded field's into its code table, is a key)."""
    out = {}
    for name in pkg.resources:
        referencing = {c for fk in pkg.resources[name]["schema"].get("foreignKeys", [])
                       for c in (fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]])}
        keys = set(pkg.primary_key(name)) | set(fact_keys(pkg).get(name, [])) | referencing
        cols = [f.name for f in pkg.fields(name) if f.type == "string" and not {"pattern", "enum"} & set(f.constraints)
                and f.name not in keys and f.name != "url"]
        out[name] = cols
    return out


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory):
    from projects import Project

    copy = Project.from_fixture("tiny", tmp_path_factory.mktemp("payload") / "tiny")
    pkg = DataPackage(copy.descriptor)
    planted = {}
    for name, cols in free_text_columns(pkg).items():
        rows = copy.rows(name)
        for r in rows:
            for c in cols:
                r[c] = (r[c] + " " if r[c] else "") + PAYLOAD
        copy.write_rows(name, rows)
        planted[name] = cols
    assert validate_package(copy.descriptor) == []
    site = build_site(copy.descriptor, DOCS, MKDOCS_YML, tmp_path_factory.mktemp("payload-build"))
    return site, planted


def test_payload_reaches_every_kind_of_column(payload_site):
    _, planted = payload_site
    assert {"summary", "notes"} <= set(planted["events"])
    assert {"title", "publisher"} <= set(planted["sources"])
    assert "name" in planted["models"]


def test_payload_is_escaped_on_every_page(payload_site):
    site, _ = payload_site
    shown = 0
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert live_markup(html) == [], page
        shown += ESCAPED in html
    assert shown >= 10  # the planted text does reach the pages, as text


def test_payload_stays_text_in_chart_images_and_specs(payload_site):
    site, _ = payload_site
    for svg in (site / "charts").glob("*.svg"):
        assert live_markup(svg.read_text(encoding="utf-8")) == [], svg
    for spec in (site / "charts").glob("*.vl.json"):
        json.loads(spec.read_text(encoding="utf-8"))  # still valid JSON: the payload is a string in it


def test_no_script_runs_in_a_browser(payload_site):
    from test_browser import CHROMIUM, FLAGS, QuietHandler, pages_of

    if not CHROMIUM:
        pytest.skip("no chromium")
    from playwright.sync_api import sync_playwright

    site, _ = payload_site
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    dialogs = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
            for path in pages_of(site):
                page.goto(base + path, wait_until="load")
            page.goto(base + "/market/", wait_until="load")
            for button in page.locator(".atlas-chart__explore").all():
                button.click()
            page.wait_for_timeout(1500)
            browser.close()
    finally:
        httpd.shutdown()
    assert dialogs == []


@pytest.mark.build
def test_a_marker_in_a_csv_cell_stays_text(tmp_path):
    from projects import Project, page

    project = Project.from_fixture("tiny", tmp_path / "tiny")
    project.set_cell("events", 0, "notes", "before\n[[chart:kei-ev-monthly-sales]]\n[[block:nothing]]\nafter")
    out = project.build()
    assert out.returncode == 0, out.stderr
    doc = page(project.site, "data/events")
    cell = next(td for td in doc.select("article table td") if "[[chart:kei-ev-monthly-sales]]" in td.get_text())
    assert cell.get_text().split() == ["before", "[[chart:kei-ev-monthly-sales]]", "[[block:nothing]]", "after"]
    assert doc.find("figure") is None
