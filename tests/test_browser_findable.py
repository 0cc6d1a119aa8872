"""Issue 12 in a real browser (the fixtures of test_browser.py): search in English and Japanese, the
interactive view loaded only on a press and answering a tap at phone width, the share card's absolute
addresses when the site knows where it is published."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from test_browser import Visit, browser, served, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def search(browser, base: str, query: str) -> tuple[str, list[str]]:
    """The result count line and the pages of the results, in order, one entry per page (a fresh
    browser context per query, so the index is fetched and loaded each time)."""
    with Visit(browser, base, 1280) as v:
        return _search(v, base, query)


def _search(v: Visit, base: str, query: str) -> tuple[str, list[str]]:
    # The search worker fetches the index as the page loads; a query asked before it is in is lost.
    with v.page.expect_response(lambda r: r.url.endswith("/search/search_index.json")):
        v.page.goto(base + "/", wait_until="load")
    v.page.wait_for_load_state("networkidle")
    v.page.evaluate("document.querySelector('#__search').checked = true")
    v.page.focus("input.md-search__input")
    v.page.fill("input.md-search__input", query)
    v.page.press("input.md-search__input", "End")  # Material searches on a key going up, as typing makes it
    v.page.wait_for_function("() => { const m = document.querySelector('.md-search-result__meta');"
                             " return m && /matching document/i.test(m.textContent); }", timeout=20000)
    meta = v.page.inner_text(".md-search-result__meta").strip()
    pages = []
    for href in v.page.eval_on_selector_all(".md-search-result__item > a", "as => as.map(a => a.href)"):
        path = urlparse(href).path
        if path not in pages:
            pages.append(path)
    v.assert_clean()
    return meta, pages


def test_japanese_and_place_names_find_their_pages_and_no_result_says_so(browser, server):
    # Home says サクラ in its text; the chart pages cite Japanese sources about the Sakura in their Sources panels.
    assert search(browser, server, "サクラ") == ("4 matching documents", ["/lineage/", "/sales/", "/market/", "/"])
    assert search(browser, server, "九州") == ("1 matching document", ["/plants/"])
    assert search(browser, server, "水島") == ("1 matching document", ["/plants/"])
    meta, pages = search(browser, server, "Kyushu")
    assert "/plants/" in pages and pages.index("/plants/") < pages.index("/data/plants/")
    meta, pages = search(browser, server, "Mizushima")
    assert "/plants/" in pages
    assert search(browser, server, "zzqqxxw") == ("No matching documents", [])


def test_a_tap_on_the_live_chart_shows_its_tooltip_at_phone_width_and_nothing_loads_before_the_press(browser, server):
    requested = []
    with Visit(browser, server, 390) as v:
        v.context.close()
        v.context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
        v.page = v.context.new_page()
        v.page.on("request", lambda r: requested.append(urlparse(r.url).path))
        v.page.goto(server + "/sales/", wait_until="networkidle")
        figure = v.page.locator("figure.atlas-chart").first
        # Touching and focusing the chart is not a press: nothing of the interactive view travels.
        figure.locator(".atlas-chart__img--light img").tap()
        figure.locator(".atlas-chart__explore").focus()
        v.page.wait_for_timeout(300)
        assert [p for p in requested if "/assets/vega/" in p or p.endswith((".vg.json", ".vl.json"))] == []
        figure.locator(".atlas-chart__explore").tap()
        v.page.wait_for_selector("figure.atlas-chart[data-live='ready'] .atlas-chart__live svg", timeout=20000)
        assert sorted(p.rsplit("/", 1)[1] for p in requested if "/assets/vega/" in p or p.endswith((".vg.json", ".vl.json"))) == [
            "kei-ev-monthly-sales.phone.vg.json", "vega-runtime.js"]
        # The button is gone and focus is on the live chart, named like the image.
        assert figure.locator(".atlas-chart__explore").is_hidden()
        alt = figure.locator(".atlas-chart__img--light img").get_attribute("alt")
        assert v.page.evaluate("[document.activeElement.className, document.activeElement.getAttribute('aria-label')]") == [
            "atlas-chart__live", f"Interactive chart: {alt}"]
        bar = figure.locator(".atlas-chart__live svg .mark-rect path").nth(3)
        box = bar.bounding_box()
        v.page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tip = v.page.locator(".atlas-tooltip")
        tip.wait_for(state="visible")
        # The tooltip names the model and the figure of the bar tapped, as the mark's own description does.
        described = dict(part.split(": ", 1) for part in bar.get_attribute("aria-label").split("; "))
        shown = {}
        for row in tip.locator("div").all():
            key = row.locator(".atlas-tooltip__key").inner_text().strip()
            shown[key] = row.inner_text().strip()[len(key):].strip()
        assert list(shown) == ["Model", "Period", "Units", "Status", "Source"]
        assert (shown["Model"], shown["Units"].replace(",", "")) == (described["model"], described["units"].replace(",", ""))
        v.assert_clean()


def test_without_javascript_there_is_no_button(browser, server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server + "/sales/", wait_until="load")
    figures = page.locator("figure.atlas-chart").count()
    buttons = page.locator("figure.atlas-chart .atlas-chart__explore")
    assert figures > 0 and buttons.count() == figures
    assert [buttons.nth(i).is_visible() for i in range(figures)] == [False] * figures
    context.close()


def test_with_a_known_address_the_card_and_canonical_are_absolute(served):
    from projects import page

    base, site = served
    doc = page(site, "sales")
    assert doc.find("link", rel="canonical")["href"] == f"{base}/sales/"
    assert doc.find("meta", property="og:url")["content"] == f"{base}/sales/"
    # The Sales page's first chart, once the build draws its PNG; the site card until then.
    chart = "charts/kei-ev-monthly-sales.png"
    image = chart if (site / chart).exists() else "assets/images/site-card.png"
    assert doc.find("meta", property="og:image")["content"] == f"{base}/{image}"
    assert doc.find("link", rel="alternate", type="application/atom+xml")["href"] == f"{base}/feed.xml"
