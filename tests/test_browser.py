"""What a reader sees, in a real browser: Debian's Chromium driven by Playwright, with no network.

Every page at 1280 px and 375 px: charts drawn, alt text present, no request to another host, no console
error, no sideways scroll. Then the interactive view, loaded from the site's own vega runtime.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError("Chromium is missing: .ci/run installs Debian's chromium before the tests")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

pytestmark = pytest.mark.browser
# Without these flags Chromium phones home at start-up; this machine has no network to answer.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The site built as the Pages workflow builds it, with its address known, served on that address."""
    from atlas.site import build_site

    site_dir = tmp_path_factory.mktemp("served")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site_dir / "site")))
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    old = os.environ.get("ATLAS_SITE_URL")
    os.environ["ATLAS_SITE_URL"] = base + "/"
    try:
        site = build_site(build_dir=site_dir)
    finally:
        if old is None:
            del os.environ["ATLAS_SITE_URL"]
        else:
            os.environ["ATLAS_SITE_URL"] = old
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base, site
    httpd.shutdown()


@pytest.fixture(scope="module")
def server(served):
    return served[0]


@pytest.fixture(scope="module")
def plain_server(built_site):
    """The site as `make site` builds it when the published address is unknown."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(built_site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


def pages_of(site, showing: str | None = None) -> list[str]:
    """Every page of the site, or those whose HTML holds `showing` (a page without a chart has no chart text)."""
    out = []
    for index in sorted(site.rglob("index.html")):
        if showing is not None and showing not in index.read_text(encoding="utf-8"):
            continue
        rel = index.parent.relative_to(site).as_posix()
        out.append("/" if rel == "." else f"/{rel}/")
    return out


class Visit:
    """One page load with every request and console message recorded; other hosts are refused."""

    def __init__(self, browser, server, width, scheme="light"):
        self.context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        self.page = self.context.new_page()
        self.foreign, self.errors = [], []

        def refuse(r):
            self.foreign.append(r.request.url)
            r.abort()

        # Only requests for another host are routed (the pattern is matched by Playwright's driver): routing
        # every request through this process made each page view seconds slower.
        self.page.route(re.compile(r"^(?!" + re.escape(server.rstrip("/")) + r"/|data:)"), refuse)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def close(self):
        self.context.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def assert_clean(self):
        """No request left for another host, and nothing went wrong in the console."""
        assert not self.foreign, self.foreign
        assert not self.errors, self.errors


@pytest.mark.parametrize("width", [1280, 375])
def test_every_page_draws_its_charts_offline_without_errors_or_sideways_scroll(browser, served, width):
    server, site = served
    failures = []
    for path in pages_of(site):
        with Visit(browser, server, width) as v:
            v.page.goto(server + path, wait_until="load")
            # A chart's image below the first loads as it comes near the screen: scrolled to, as a reader would.
            v.page.evaluate("""async () => {
                for (const f of document.querySelectorAll('figure.atlas-chart')) {
                    f.scrollIntoView();
                    const img = [...f.querySelectorAll('img')].find(i => i.checkVisibility());
                    if (img && !img.complete) await new Promise(done => {
                        img.addEventListener('load', done, {once: true});
                        img.addEventListener('error', done, {once: true});
                        setTimeout(done, 5000);
                    });
                }
                window.scrollTo(0, 0);
            }""")
            state = v.page.evaluate("""() => {
                const imgs = [...document.querySelectorAll('figure.atlas-chart img')];
                const shown = imgs.filter(i => i.checkVisibility());
                return {
                  figures: document.querySelectorAll('figure.atlas-chart').length,
                  shown: shown.length,
                  drawn: shown.filter(i => i.complete && i.naturalWidth > 0).length,
                  alts: imgs.filter(i => (i.getAttribute('alt') || '').length > 40).length,
                  imgs: imgs.length,
                  scroll: document.documentElement.scrollWidth - window.innerWidth,
                };
            }""")
            if state["shown"] != state["figures"] or state["drawn"] != state["shown"]:
                failures.append(f"{path} @{width}: {state['drawn']} of {state['figures']} charts drawn")
            if state["alts"] != state["imgs"]:
                failures.append(f"{path} @{width}: {state['imgs'] - state['alts']} chart images without alt text")
            if state["scroll"] > 0:
                failures.append(f"{path} @{width}: scrolls sideways by {state['scroll']} px")
            if v.foreign:
                failures.append(f"{path} @{width}: requests to other hosts: {v.foreign}")
            if v.errors:
                failures.append(f"{path} @{width}: console errors: {v.errors}")
    assert not failures, "\n".join(failures)


def test_interactive_view_loads_from_the_site_and_follows_dark_mode(browser, server):
    with Visit(browser, server, 1280) as v:
        v.page.goto(server + "/", wait_until="load")
        figure = v.page.locator("figure.atlas-chart").first
        figure.locator(".atlas-chart__explore").click()
        v.page.wait_for_selector("figure.atlas-chart[data-live='ready'] .atlas-chart__live svg", timeout=20000)
        assert figure.locator(".atlas-chart__static").is_hidden()
        marks = figure.locator(".atlas-chart__live svg .mark-rect path, .atlas-chart__live svg .mark-line path, "
                               ".atlas-chart__live svg .mark-symbol path").count()
        assert marks > 0
        v.page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        v.page.wait_for_function("document.querySelector('figure.atlas-chart').getAttribute('data-live') === 'ready'")
        v.assert_clean()


def test_static_chart_costs_no_script_before_interaction(browser, server):
    loaded = []
    with Visit(browser, server, 1280) as v:
        v.page.on("request", lambda r: loaded.append(r.url))
        v.page.goto(server + "/", wait_until="networkidle")
    assert loaded and not [u for u in loaded if "vega-runtime" in u]


def test_dark_mode_shows_the_dark_image(browser, server):
    with Visit(browser, server, 1280) as v:
        v.page.goto(server + "/", wait_until="load")
        v.page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        dark = v.page.locator("figure.atlas-chart .atlas-chart__img--dark img").first
        dark.wait_for(state="visible")
        v.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=dark.element_handle())
        assert v.page.locator("figure.atlas-chart .atlas-chart__img--light img").first.is_hidden()


def test_a_japanese_title_on_a_phone_keeps_eight_characters_a_line_and_says_its_language(browser, server):
    """Japanese may break between any two characters, so the Sources page's title column once shrank to one
    character a line at phone width; each title now carries its document's language, whose cells keep 8em."""
    with Visit(browser, server, 390) as v:
        v.page.goto(server + "/sources/", wait_until="load")
        cell = v.page.locator("td:lang(ja)").first
        cell.scroll_into_view_if_needed()
        width, font, lang, title = cell.evaluate(
            "td => [td.getBoundingClientRect().width, parseFloat(getComputedStyle(td).fontSize), td.lang, td.closest('tr').id]")
        assert (lang, width >= 8 * font) == ("ja", True), (title, width, font)
        assert v.page.evaluate("document.documentElement.scrollWidth") == 390  # the table's box scrolls, not the page
        v.assert_clean()


def test_a_note_on_a_phone_keeps_twelve_ems_and_its_table_scrolls_instead(browser, server):
    """Squeezed to a phone's width, the Conflicts page's tables once gave each note 100 px, nineteen lines high."""
    with Visit(browser, server, 390) as v:
        v.page.goto(server + "/conflicts/", wait_until="load")
        cell = v.page.locator("td.atlas-prose").first
        cell.scroll_into_view_if_needed()
        width, font = cell.evaluate("td => [td.getBoundingClientRect().width, parseFloat(getComputedStyle(td).fontSize)]")
        assert width >= 12 * font - 0.5, (width, font)  # layout rounds to 1/64 px
        assert v.page.evaluate("document.documentElement.scrollWidth") == 390  # the table's box scrolls, not the page
        v.assert_clean()


def test_a_narrow_table_on_a_desktop_fits_its_box_and_keeps_its_descriptions_readable_on_a_phone(browser, server):
    """Material wraps a plain table in a box reaching 16 px past the column, which made every table on the Data page
    scroll sideways on a desktop; and on a phone its 5rem headers pushed each table's description, squeezed to 100 px,
    off the screen."""
    with Visit(browser, server, 1280) as v:
        v.page.goto(server + "/data/", wait_until="load")
        boxes = v.page.evaluate("[...document.querySelectorAll('.atlas-table-wrap')].map(w => w.scrollWidth - w.clientWidth)")
        assert boxes == [0, 0]  # the fact tables and the code tables
        v.assert_clean()
    with Visit(browser, server, 390) as v:
        v.page.goto(server + "/data/", wait_until="load")
        widths = v.page.evaluate("[...document.querySelectorAll('td.atlas-prose')].map(td => td.getBoundingClientRect().width / parseFloat(getComputedStyle(td).fontSize))")
        assert widths and min(widths) >= 12 - 0.05, widths
        # the first description starts on screen, with at least 6em of it in view before the box scrolls
        shown = v.page.evaluate("""(() => { const td = document.querySelector('td.atlas-prose');
            return (td.closest('.atlas-table-wrap').getBoundingClientRect().right - td.getBoundingClientRect().left) / parseFloat(getComputedStyle(td).fontSize); })()""")
        assert shown >= 6, shown
        v.assert_clean()


# For every tier's table on the Sources page: its id, its box's scroll and client widths, and each place where a
# source id or a "Cited by" link wraps at a character other than "-" or "_" (written as "before|after").
_SOURCE_BREAKS = """async () => {
  const out = [];
  for (const wrap of document.querySelectorAll('.atlas-sources__tier')) {
    wrap.scrollIntoView();  // each table is laid out only once scrolled to (content-visibility)
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const bad = [];
    for (const el of wrap.querySelectorAll('td > code, td:last-child > a')) {
      const text = el.textContent, range = document.createRange();
      let i = 0, top = null;
      for (const node of [...el.childNodes].filter(n => n.nodeType === Node.TEXT_NODE)) {
        for (let k = 0; k < node.length; k++, i++) {
          range.setStart(node, k); range.setEnd(node, k + 1);
          const t = range.getBoundingClientRect().top;
          if (top !== null && t > top + 1 && !'-_'.includes(text[i - 1])) bad.push(text.slice(0, i) + '|' + text.slice(i));
          top = t;
        }
      }
    }
    out.push([wrap.previousElementSibling.id, wrap.scrollWidth, wrap.clientWidth, bad]);
  }
  return out;
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_a_source_id_wraps_only_after_its_hyphens_and_on_a_desktop_every_column_shows(browser, server, width):
    """Material lets code and links break inside any word: a squeezed Sources table once showed "allia|nce-2025-..."
    and "event|s". Ids now wrap only after - or _, and on a desktop the page gives up its empty table of contents,
    so that all eight columns fit without scrolling the table sideways."""
    with Visit(browser, server, width) as v:
        v.page.goto(server + "/sources/", wait_until="load")
        tiers = v.page.evaluate(_SOURCE_BREAKS)
        assert [(tier, bad) for tier, _, _, bad in tiers] == [("tier-A", []), ("tier-B", []), ("tier-C", []), ("tier-D", [])]
        if width == 1280:
            assert [(tier, scroll <= client) for tier, scroll, client, _ in tiers] == [(t, True) for t, *_ in tiers]
        assert v.page.evaluate("document.documentElement.scrollWidth") == width
        v.assert_clean()


def test_download_snippets_name_the_site_the_reader_is_on(browser, plain_server):
    server = plain_server
    with Visit(browser, server, 1280) as v:
        v.page.goto(server + "/download/", wait_until="load")
        snippets = v.page.locator("pre.atlas-snippet code").all_inner_texts()
        assert snippets and not [s for s in snippets if "https://SITE/" in s]
        assert any(f"{server}/data/latest/sales.csv" in s for s in snippets)
        v.assert_clean()


def _luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _hex(colour: str) -> str:
    import re

    named = {"black": "#000000", "white": "#ffffff"}
    colour = named.get(colour, colour)
    if colour.startswith("rgb"):
        r, g, b = (int(x) for x in re.findall(r"\d+", colour)[:3])
        return f"#{r:02x}{g:02x}{b:02x}"
    return colour if len(colour) == 7 else "#" + "".join(c * 2 for c in colour[1:4])


def svg_texts(path):
    """(font size px, fill) of every <text> of an SVG written by Vega, and the SVG's own width."""
    import re

    svg = path.read_text(encoding="utf-8")
    width = float(re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg).group(1))
    texts = []
    for attrs, body in re.findall(r"<text([^>]*)>(.*?)</text>", svg, flags=re.S):
        size = re.search(r'font-size="([\d.]+)px"', attrs)
        fill = re.search(r'fill="([^"]+)"', attrs)
        if body.strip():
            texts.append((float(size.group(1)) if size else 11.0, _hex(fill.group(1)) if fill else "#000000", re.sub("<[^>]+>", "", body)))
    return width, texts


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_every_chart_text_is_at_least_12_css_px_and_4_5_to_1_on_every_page(browser, served, width, scheme):
    """Font size times the image's rendered scale, for every text of every chart shown, and its contrast
    against the page's own background (ux review: 4.5-7 px on a phone, panel names black on black)."""
    server, site = served
    failures, measured = [], 0
    pages = pages_of(site, showing='<figure class="atlas-chart')
    from atlas.charts import CHARTS

    assert pages == sorted({"/" if c.page == "index" else f"/{c.page}/" for c in CHARTS})  # every page a chart is declared on
    for path in pages:
        with Visit(browser, server, width, scheme) as v:
            v.page.goto(server + path, wait_until="load")
            # A lazy image not yet scrolled to has no currentSrc: the source its <picture> picks is the one it will load.
            shown = v.page.evaluate("""() => { const chosen = i => { const s = [...i.parentElement.querySelectorAll('source')]
                  .find(s => matchMedia(s.media).matches); return new URL(s ? s.srcset : i.getAttribute('src'), location.href).href; };
                return [...document.querySelectorAll('figure.atlas-chart img')]
                .filter(i => i.checkVisibility())
                .map(i => ({src: i.currentSrc || chosen(i), width: i.getBoundingClientRect().width,
                            bg: getComputedStyle(document.body).backgroundColor})); }""")
            for img in shown:
                svg_width, texts = svg_texts(site / urlparse(img["src"]).path.lstrip("/"))
                scale = img["width"] / svg_width
                if not texts:
                    failures.append(f"{path} @{width} {scheme}: {urlparse(img['src']).path} has no text (no title?)")
                background = _hex(img["bg"])
                for size, fill, text in texts:
                    measured += 1
                    if size * scale < 12:
                        failures.append(f"{path} @{width} {scheme}: {urlparse(img['src']).path} '{text}' at {size * scale:.1f} px")
                    if contrast(fill, background) < 4.5:
                        failures.append(f"{path} @{width} {scheme}: {urlparse(img['src']).path} '{text}' {fill} on {background} "
                                        f"is {contrast(fill, background):.2f}:1")
    assert measured and not failures, "\n".join(failures[:40])
