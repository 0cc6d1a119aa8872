"""The vendored Vega runtime in a real browser (the fixtures of test_browser.py): on every page, light and
dark, every chart's "Explore interactively" draws its compiled spec live, with nothing in the console; and
every compiled spec draws the same SVG with it as with vega's own build.

The runtime is Vega 6.2.0 less the transforms no chart uses (vendor/vega/SOURCE.md); a transform left out
that a chart needs, or a mark the bundle cannot draw, shows here as a chart that fails or a console line.
"""
from __future__ import annotations

from urllib.parse import urljoin, urlparse

import pytest

from test_browser import Visit, browser, pages_of, served  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_chart_draws_live_on_every_page(browser, served, scheme):
    server, site = served
    pages = pages_of(site, showing="data-spec=")
    assert len(pages) >= 5
    failures, charts = [], 0
    for path in pages:
        with Visit(browser, server, 1280, scheme) as v:
            console = []
            v.page.on("console", lambda m: m.type in ("error", "warning") and console.append(f"{m.type}: {m.text}"))
            specs = []
            v.page.on("response", lambda r: r.url.endswith(".vg.json") and specs.append((urlparse(r.url).path, r.status)))
            v.page.goto(server + path, wait_until="load")
            v.page.wait_for_selector("figure.atlas-chart[data-wired] .atlas-chart__explore:visible")
            figures = v.page.locator("figure.atlas-chart[data-spec]")
            n = figures.count()
            charts += n
            for i in range(n):
                figures.nth(i).locator(".atlas-chart__explore").click()
            v.page.wait_for_function(
                "() => [...document.querySelectorAll('figure.atlas-chart[data-spec]')].every(f => "
                "['ready', 'failed'].includes(f.getAttribute('data-live')))", timeout=60000)
            state = v.page.evaluate("""() => [...document.querySelectorAll('figure.atlas-chart[data-spec]')].map(f => ({
                spec: f.getAttribute('data-spec'),
                live: f.getAttribute('data-live'),
                marks: f.querySelectorAll('.atlas-chart__live svg g[class^="mark-"] > *').length,
                staticHidden: f.querySelector('.atlas-chart__static').hidden,
                scheme: document.body.getAttribute('data-md-color-scheme'),
            }))""")
            dark = scheme == "dark"
            # The compiled spec beside each figure's Vega-Lite one: .dark.vg.json in dark mode, fetched once each.
            suffix = ".dark.vg.json" if dark else ".vg.json"
            want = sorted((urlparse(urljoin(v.page.url, s["spec"])).path.replace(".vl.json", suffix), 200) for s in state)
            for s in state:
                if (s["live"], s["staticHidden"], s["scheme"]) != ("ready", True, "slate" if dark else "default") or s["marks"] == 0:
                    failures.append(f"{path} ({scheme}): {s}")
            if sorted(specs) != want:
                failures.append(f"{path} ({scheme}): fetched {sorted(specs)}, expected {want}")
            if console or v.errors or v.foreign:
                failures.append(f"{path} ({scheme}): console {console + v.errors}, other hosts {v.foreign}")
    assert not failures, "\n".join(failures)
    # Every figure the built pages hold was pressed (a page whose script wired none would press nothing).
    assert charts == sum(p.read_text(encoding="utf-8").count("<figure class=\"atlas-chart") for p in site.rglob("index.html"))



@pytest.mark.node
def test_every_spec_draws_the_same_svg_as_vegas_own_build(browser, served):
    """In Chromium, with its own text measuring, every compiled spec (light, dark, phone) drawn by the
    vendored runtime gives the same SVG element as drawn by vega's own build/vega.min.js 6.2.0 (npm)."""
    import json

    from atlas.paths import ROOT

    _, site = served
    specs = sorted((site / "charts").glob("*.vg.json"))
    assert len(specs) == 4 * len(list((site / "charts").glob("*.phone.vl.json")))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content('<div id="ours"></div><div id="theirs"></div>')
    page.add_script_tag(path=str(ROOT / "node_modules" / "vega" / "build" / "vega.min.js"))
    page.evaluate("() => { window.theirs = window.vega; delete window.vega; }")
    page.add_script_tag(path=str(site / "assets" / "vega" / "vega-runtime.js"))
    assert page.evaluate("() => [window.vega.version, window.theirs.version]") == ["6.2.0", "6.2.0"]
    differ = []
    for spec in specs:
        ours, theirs = page.evaluate("""async spec => {
            const draw = async (vega, el) => {
              el.textContent = '';
              const view = new vega.View(vega.parse(spec), {renderer: 'svg', container: el, hover: true});
              await view.runAsync();
              const svg = el.innerHTML;
              view.finalize();
              return svg;
            };
            return [await draw(window.vega, document.getElementById('ours')),
                    await draw(window.theirs, document.getElementById('theirs'))];
        }""", json.loads(spec.read_text(encoding="utf-8")))
        if ours != theirs or "<svg" not in ours:
            differ.append(f"{spec.name}: {len(ours)} characters against vega's {len(theirs)}")
    context.close()
    assert (differ, errors) == ([], [])
