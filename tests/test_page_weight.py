"""What keeps the pages light on a phone (issue 12: Lighthouse mobile >= 95 on every page). `make bench`
measures the scores; these tests assert the structure that the scores rest on, never a timing:

- the Sources page is one table per reliability tier, each laid out only when scrolled to, with every
  source on it exactly once (so every `sources/#<source_id>` link still lands);
- Material's bundle and charts.js are deferred, and Material's palette component is not mounted (the
  header's own script applies the palette while the page is still tiny).
"""
from __future__ import annotations

import csv
import re

import pytest

from atlas.paths import ROOT
from projects import page, table_rows

TIERS = ["A", "B", "C", "D"]


def real_sources():
    with (ROOT / "datasets" / "sources.csv").open(encoding="utf-8", newline="") as f:
        return sorted(csv.DictReader(f), key=lambda r: r["source_id"])


def test_sources_page_has_one_table_per_tier_holding_exactly_that_tiers_sources(tiny_site):
    doc = page(tiny_site, "sources")
    wraps = doc.select("article div.atlas-sources__tier")
    headings = [(h["id"], h.get_text(" ", strip=True)) for h in doc.select("article h2")]
    # one heading and one table per tier that has a source, in the code table's order; tier D has none here
    assert headings == [("tier-A", "Reliability tier A: official (maker, ministry, statistical body)"),
                        ("tier-B", "Reliability tier B: major news agency or newspaper"),
                        ("tier-C", "Reliability tier C: trade press or aggregator")]
    assert [w.find_previous("h2")["id"] for w in wraps] == ["tier-A", "tier-B", "tier-C"]
    ids = [[tr["id"] for tr in w.select("table.atlas-sources tbody tr")] for w in wraps]
    assert ids == [["fx-gazetteer", "fx-maker-release"], ["fx-news"], ["fx-trade"]]
    # each table's tier column holds its own tier only, and its place is held at 64 px a row until drawn
    assert [sorted({r[5] for r in table_rows(w.table)[1]}) for w in wraps] == [["A"], ["B"], ["C"]]
    assert [w["style"] for w in wraps] == ["contain-intrinsic-size: auto 128px", "contain-intrinsic-size: auto 64px",
                                          "contain-intrinsic-size: auto 64px"]
    assert [w.get("data-search-exclude") for w in wraps] == ["", "", ""]


def test_every_source_of_the_real_package_is_on_the_sources_page_exactly_once(built_site):
    doc = page(built_site, "sources")
    on_page = [tr["id"] for tr in doc.select("table.atlas-sources tbody tr")]
    expected = real_sources()
    assert sorted(on_page) == [r["source_id"] for r in expected]
    assert len(set(on_page)) == len(on_page)
    by_tier = {t: [tr["id"] for tr in doc.select(f"h2#tier-{t} + div.atlas-sources__tier tbody tr")] for t in TIERS}
    assert by_tier == {t: [r["source_id"] for r in expected if r["reliability"] == t] for t in TIERS}


def test_tables_with_links_are_laid_out_only_when_scrolled_to(tiny_site):
    css = (tiny_site / "assets" / "stylesheets" / "atlas.css").read_text(encoding="utf-8")
    rules = re.findall(r"^([^{}/]*?)\s*\{([^}]*content-visibility[^}]*)\}", css, flags=re.M)
    assert rules == [(".md-typeset .atlas-table-wrap:has(a)", " content-visibility: auto; contain-intrinsic-size: auto 20rem; ")]


def test_only_the_first_chart_of_a_page_loads_its_image_at_once(tiny_site):
    """Its light image is the page's largest paint on a phone; every other chart image (and every dark one) is lazy."""
    for url in ("", "market", "sales", "plants"):
        imgs = [(re.sub(r".*/charts/", "", i["src"]), i.get("loading")) for i in page(tiny_site, url).select("figure.atlas-chart img")]
        first = imgs[0][0].split(".")[0]
        assert imgs == [(name, None if name == f"{first}.light.svg" else "lazy") for name, _ in imgs], url
        assert len(imgs) >= 2, url


def test_japanese_text_has_named_fonts_after_the_latin_ones(tiny_site):
    """Named, the system's Japanese fonts spare the browser its fallback search at the first layout (atlas.css);
    after Helvetica and Arial, so Latin text looks as Material draws it."""
    css = (tiny_site / "assets" / "stylesheets" / "atlas.css").read_text(encoding="utf-8")
    stack = [f.strip().strip('"') for f in re.search(r"body \{ --md-text-font-family: ([^;]*);", css).group(1).split(",")]
    assert stack == ["-apple-system", "BlinkMacSystemFont", "Helvetica", "Arial", "Hiragino Sans", "Hiragino Kaku Gothic ProN",
                     "Yu Gothic", "Meiryo", "Noto Sans CJK JP", "Noto Sans JP", "IPAGothic", "sans-serif"]


def test_every_script_file_is_deferred_and_material_does_not_mount_the_palette(tiny_site):
    # charts.js only where it has work: figures (Home, Market), the Download page's snippets; not on table pages.
    with_charts = {"": True, "market": True, "download": True, "sources": False, "data/sales": False}
    for url, charts in with_charts.items():
        doc = page(tiny_site, url)
        # Material's bundle by its name without the content hash, which changes with Material's version
        assert [(re.sub(r"\.[0-9a-f]{8}\.min\.js$", ".min.js", s["src"].rsplit("/", 1)[-1]), s.has_attr("defer"))
                for s in doc.select("script[src]")] == [("bundle.min.js", True)] + [("charts.js", True)] * charts, url
        assert bool(doc.select("figure.atlas-chart, pre.atlas-snippet")) == charts, url
        assert doc.select('[data-md-component="palette"]') == [], url
        forms = doc.select("form[data-atlas-palette]")
        assert [[(i["id"], i["data-md-color-scheme"]) for i in f.select("input")] for f in forms] == [
            [("__palette_0", "default"), ("__palette_1", "slate")]], url


@pytest.mark.browser
def test_palette_toggle_switches_and_is_remembered_from_page_to_page(tiny_site):
    import functools
    import threading
    from http.server import ThreadingHTTPServer

    from test_browser import CHROMIUM, FLAGS, QuietHandler, sync_playwright

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(tiny_site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    state = ("() => [document.body.getAttribute('data-md-color-scheme'),"
             " [...document.querySelectorAll('form[data-atlas-palette] label')].map(l => l.hidden)]")
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            seen = {}
            for scheme in ("light", "dark"):
                ctx = b.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
                pg = ctx.new_page()
                errors = []
                pg.on("pageerror", lambda e: errors.append(str(e)))
                pg.goto(base + "/methodology/", wait_until="load")
                steps = [pg.evaluate(state)]
                pg.click("form[data-atlas-palette] label:not([hidden])")
                steps.append(pg.evaluate(state))
                pg.goto(base + "/sources/", wait_until="load")
                steps.append(pg.evaluate(state))
                # Enter on the focused toggle switches back, as Material's own toggle does
                pg.focus("form[data-atlas-palette] input:checked")
                pg.keyboard.press("Enter")
                steps.append(pg.evaluate(state))
                steps.append(pg.evaluate("() => document.querySelector('meta[name=theme-color]').content"))
                seen[scheme] = (steps, errors)
                ctx.close()
            b.close()
    finally:
        httpd.shutdown()
    light, dark = ["default", [False, True]], ["slate", [True, False]]
    assert seen == {"light": ([light, dark, dark, light, "#4051b5"], []), "dark": ([dark, light, light, dark, "#4051b5"], [])}
