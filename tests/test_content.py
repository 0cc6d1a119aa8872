"""What the site says, checked against the `tiny` fixture whose right answers are known by hand:
every chart's plotted rows (its data table and its spec's data), the headline figures, the Conflicts
verdicts, the Download page's sizes and checksums, the data dictionary, the Sources page and the story checked claim by claim."""
from __future__ import annotations

import hashlib
import json
import re

import pytest

from atlas.charts import CHARTS as DECLARATIONS
from atlas.paths import ROOT
from projects import figure, page, table_rows

SALES_HEAD = ["Model", "Period", "Units (vehicles)", "Status", "Source"]
RUNNING_HEAD = ["Model", "Geography", "Period", "Measure", "Units (vehicles)", "Status", "Source"]
MARKET_HEAD = ["Market", "Period", "Units (vehicles)", "Status", "Source"]
PLANTS_HEAD = ["Name", "Status", "Operator", "City", "Region", "Country", "Model", "Coordinate precision", "Source"]
MIZUSHIMA = ["Mizushima Plant", "active", "Mitsubishi Motors", "Kurashiki", "Okayama", "JP", "Mitsubishi eK X EV, Nissan Sakura", "city",
             "fx-maker-release"]
KYUSHU = ["Nissan Motor Kyushu", "reported", "Nissan", "Kanda", "Fukuoka", "JP", "Nissan next kei EV", "city", "fx-maker-release"]
OPPAMA = ["Oppama Plant", "active", "Nissan", "Yokosuka", "Kanagawa", "JP", "Nissan LEAF (ZE1)", "city", "fx-maker-release"]

# slug: (page, title, table header, table rows). Worked out by hand from tests/fixtures/projects/tiny/datasets.
CHARTS = {
    # The Sakura's 1000 of 2500 passenger BEVs in 2023 = 40%; the rest (1500) is our subtraction.
    "sakura-share-of-passenger-evs": ("", "The Sakura took 40% of Japan's passenger EV sales in 2023", SALES_HEAD, [
        ["Nissan Sakura", "2023", "1000", "reported", "fx-news"],
        ["Other passenger BEVs (total less the Sakura)", "2023", "1500", "derived", "fx-news"]]),
    # Kei models' preferred monthly sales; February has no figure, and is a row that says so.
    "kei-ev-monthly-sales": ("sales", "The Sakura's best month was March 2023, with 300 sold", SALES_HEAD, [
        ["Mitsubishi eK X EV", "2023-01", "40", "reported", "fx-trade"],
        ["Mitsubishi eK X EV", "2023-02", "", "no figure", ""],
        ["Mitsubishi eK X EV", "2023-03", "60", "approx", "fx-trade"],
        ["Nissan Sakura", "2023-01", "100", "reported", "fx-trade"],
        ["Nissan Sakura", "2023-02", "", "no figure", ""],
        ["Nissan Sakura", "2023-03", "300", "reported", "fx-trade"]]),
    # Calendar years, then fiscal years, from 2020; the non-preferred 990 for 2023 stays out.
    "kei-ev-annual-sales": ("sales", "The Sakura sold 1,000 in 2023, its best calendar year", SALES_HEAD, [
        ["Nissan Sakura", "2022", "500", "reported", "fx-news"],
        ["Nissan Sakura", "2023", "1000", "reported", "fx-news"],
        ["Nissan Sakura", "FY2023", "1200", "reported", "fx-news"]]),
    "kei-ev-running-totals": ("sales", "The Sakura's sales since launch reached 1,500 by March 2024", RUNNING_HEAD, [
        ["Nissan Sakura", "JP", "2022-05-20/2022-06-30", "orders", "2000", "reported", "fx-maker-release"],
        ["Nissan Sakura", "JP", "2022-06-16/2023-06-30", "sales", "800", "reported", "fx-news"],
        ["Nissan Sakura", "JP", "2022-06-16/2024-03-31", "sales", "1500", "reported", "fx-news"]]),
    # The worldwide figure is the source's estimate, and the title says so.
    "leaf-running-totals": ("sales", "LEAF sales worldwide reached an estimated 2,000 by December 2015", RUNNING_HEAD, [
        ["Nissan LEAF (ZE0)", "JP", "2010-12-01/2015-12-31", "sales", "700", "reported", "fx-maker-release"],
        ["Nissan LEAF (ZE0)", "WORLD", "2010-12-01/2015-12-31", "sales", "2000", "estimate", "fx-maker-release"]]),
    # 2018 on: the 2017 total is left out, so no gap is drawn between 2017 and 2023.
    "japan-bev-market": ("market", "Japan's passenger EV sales peaked at 2,500 in 2023", MARKET_HEAD, [
        ["All passenger BEVs", "2023", "2500", "reported", "fx-news"],
        ["Imported (foreign-brand) BEVs", "2023", "300", "approx", "fx-trade"],
        ["Kei passenger BEVs", "2023", "1100", "reported", "fx-trade"],
        ["Registered (non-kei) passenger BEVs", "2023", "1400", "reported", "fx-trade"]]),
    # 15000 / 40000 = 37.5%, stated to the whole percent; kei has no figure for 2021.
    "japan-new-vehicle-market": ("market", "Kei vehicles were 38% of Japan's new vehicles in 2023", MARKET_HEAD, [
        ["All new kei vehicles", "2020", "13000", "reported", "fx-news"],
        ["All new kei vehicles", "2021", "", "no figure", ""],
        ["All new kei vehicles", "2022", "14000", "reported", "fx-news"],
        ["All new kei vehicles", "2023", "15000", "reported", "fx-news"],
        ["All new vehicles", "2022", "38000", "reported", "fx-news"],
        ["All new vehicles", "2023", "40000", "reported", "fx-news"],
        ["All registered (non-kei) vehicles", "2023", "25000", "reported", "fx-news"]]),
    # 1000 / 2500 = 40.0 and 2500 / 30000 = 8.33; FY2023 has no totals to compute from. Both within tolerance.
    "shares-reported-and-computed": ("market", "2 of 2 reported shares match the atlas's own arithmetic",
                                     ["Subject", "Market", "Period", "Share (percent)", "computed_pct", "Status", "Source"], [
        ["jp-passenger-bev", "jp-passenger-all", "2023", "8.3", "8.33", "reported", "fx-news"],
        ["nissan-sakura", "jp-passenger-bev", "2023", "40", "40", "reported", "fx-news"]]),
    "ev-share-of-new-passenger-cars": ("market", "Battery EVs were 8.3% of new passenger cars in Japan in 2023",
                                       ["Subject", "Market", "Period", "Share (percent)", "Status", "Source"], [
        ["jp-passenger-bev", "jp-passenger-all", "2023", "8.3", "reported", "fx-news"],
        ["jp-passenger-bev", "jp-passenger-all", "FY2023", "9", "reported", "fx-trade"]]),
    # Twelve-month years only (the half year is left out); Toyota's margin is 200 / 2000, derived. Every
    # maker's year is named by its start, whatever the maker calls it (Toyota and Honda: "FY2024").
    "operating-margins": ("market", "Nissan's operating margin was the lowest of the three in 1 of 1 fiscal years",
                          ["Maker", "Fiscal year", "Revenue (JPY billion)", "Operating profit (JPY billion)",
                           "Operating margin (percent)", "Status", "Source"], [
        ["Honda", "FY2023", "1500", "90", "6", "reported", "fx-news"],
        ["Nissan", "FY2023", "1000", "50", "5", "reported", "fx-maker-release"],
        ["Toyota", "FY2023", "2000", "200", "10", "derived", "fx-news"]]),
    # Models with a launch year, oldest first; the next kei EV has none and is a planned start instead.
    "model-lineage-timeline": ("lineage", "7 electric models, from the Tama Fixture of 1947 to the eK X EV of 2022",
                               ["Model", "Maker", "Name", "Launch year", "End year", "Predecessor", "Badge twin", "Source"], [
        ["tama-fx", "Tama", "Tama Fixture", "1947", "1951", "", "", "fx-maker-release"],
        ["nissan-hypermini-fx", "Nissan", "Hypermini", "2000", "", "", "", "fx-maker-release"],
        ["nissan-leaf-ze0", "Nissan", "LEAF", "2010", "2017", "tama-fx", "", "fx-maker-release"],
        ["nissan-leaf-ze1", "Nissan", "LEAF", "2017", "", "nissan-leaf-ze0", "", "fx-maker-release"],
        ["nissan-ariya", "Nissan", "ARIYA", "2022", "", "", "", "fx-maker-release"],
        ["nissan-sakura", "Nissan", "Sakura", "2022", "", "", "mitsubishi-ek-x-ev", "fx-maker-release"],
        ["mitsubishi-ek-x-ev", "Mitsubishi", "eK X EV", "2022", "", "", "nissan-sakura", "fx-maker-release"]]),
    # Japan only; a plant's status is the most current of its production rows.
    "plants-map-japan": ("plants", "3 plants in Japan: 2 building EVs today, 1 with an EV planned or reported", PLANTS_HEAD,
                         [MIZUSHIMA, KYUSHU, OPPAMA]),
    "plants-map-world": ("plants", "4 plants in 2 countries, 1 of them outside Japan", PLANTS_HEAD, [
        ["Sunderland Plant", "ended", "Nissan", "Sunderland", "England", "GB", "Nissan LEAF (ZE0)", "city", "fx-maker-release"],
        MIZUSHIMA, KYUSHU, OPPAMA]),
}

# The spec's own data: what Vega draws, as (fields) tuples; worked out from the same rows.
SPEC_ROWS = {
    "sakura-share-of-passenger-evs": (("part", "period", "units"), [("rest", "2023", 1500), ("sakura", "2023", 1000)]),
    "kei-ev-monthly-sales": (("model", "period", "units", "status_label"), [
        ("Mitsubishi eK X EV", "2023-01", 40, "reported"), ("Mitsubishi eK X EV", "2023-02", None, "no figure"),
        ("Mitsubishi eK X EV", "2023-03", 60, "approximate (source's qualifier)"), ("Nissan Sakura", "2023-01", 100, "reported"),
        ("Nissan Sakura", "2023-02", None, "no figure"), ("Nissan Sakura", "2023-03", 300, "reported")]),
    "kei-ev-annual-sales": (("kind", "period", "units"), [("fiscal-year", "FY2023", 1200), ("year", "2022", 500), ("year", "2023", 1000)]),
    "kei-ev-running-totals": (("model", "measure", "as_of", "units"), [
        ("Nissan Sakura", "orders", "2022-06-30", 2000), ("Nissan Sakura", "sales", "2023-06-30", 800),
        ("Nissan Sakura", "sales", "2024-03-31", 1500)]),
    "leaf-running-totals": (("model", "geography", "units", "status"), [
        ("Nissan LEAF (ZE0)", "JP", 700, "reported"), ("Nissan LEAF (ZE0)", "WORLD", 2000, "estimate")]),
    "japan-bev-market": (("market_label", "period", "units"), [
        ("All passenger BEVs", "2023", 2500), ("Imported (foreign-brand) BEVs", "2023", 300), ("Kei passenger BEVs", "2023", 1100),
        ("Registered (non-kei) passenger BEVs", "2023", 1400)]),
    "japan-new-vehicle-market": (("market_label", "period", "units"), [
        ("All new kei vehicles", "2020", 13000), ("All new kei vehicles", "2021", None), ("All new kei vehicles", "2022", 14000),
        ("All new kei vehicles", "2023", 15000), ("All new vehicles", "2022", 38000), ("All new vehicles", "2023", 40000),
        ("All registered (non-kei) vehicles", "2023", 25000)]),
    "shares-reported-and-computed": (("label", "kind", "value"), [
        ("All passenger BEVs in All new passenger cars, 2023", "computed from the atlas (derived)", 8.33),
        ("All passenger BEVs in All new passenger cars, 2023", "reported by the source", 8.3),
        ("Nissan Sakura in All passenger BEVs, 2023", "computed from the atlas (derived)", 40.0),
        ("Nissan Sakura in All passenger BEVs, 2023", "reported by the source", 40.0)]),
    "ev-share-of-new-passenger-cars": (("period", "share_pct", "kind"), [("2023", 8.3, "year"), ("FY2023", 9.0, "fiscal-year")]),
    "operating-margins": (("maker", "fiscal_year", "operating_margin_pct", "status"), [
        ("Honda", "FY2023", 6.0, "reported"), ("Nissan", "FY2023", 5.0, "reported"), ("Toyota", "FY2023", 10.0, "derived")]),
    # Bars run to the end of their end year; with none on record, a model built today (an active production row) to
    # the end of the release's year, one with sales figures only (the ARIYA) to the end of its latest figure's year,
    # and one with neither (the Hypermini) is no bar at all: a missing end year is no evidence of a model still sold.
    "model-lineage-timeline": (("label", "launch_year", "to", "drawn_as"), [
        ("ARIYA", 2022, 2023.9, "latest sales figure"), ("Hypermini", 2000, None, "no end year on record"),
        ("LEAF (ZE0)", 2010, 2017.9, "end year"), ("LEAF (ZE1)", 2017, 2026.9, "built today"), ("Sakura", 2022, 2026.9, "built today"),
        ("Tama Fixture", 1947, 1951.9, "end year"), ("eK X EV", 2022, 2026.9, "built today")]),
    "plants-map-japan": (("short", "plant_status"), [("Mizushima Plant", "active"), ("Nissan Motor Kyushu", "reported"), ("Oppama Plant", "active")]),
    "plants-map-world": (("short", "plant_status"), [
        ("Mizushima Plant", "active"), ("Nissan Motor Kyushu", "reported"), ("Oppama Plant", "active"), ("Sunderland Plant", "ended")]),
}


def spec_of(site, slug, layout=""):
    return json.loads((site / "charts" / f"{slug}{layout}.vl.json").read_text(encoding="utf-8"))


def spec_rows(site, slug, fields, layout=""):
    """Distinct rows of the spec's datasets that carry all `fields`, as sorted tuples (layers share rows)."""
    spec = spec_of(site, slug, layout)
    rows = {tuple(r[f] for f in fields) for data in spec.get("datasets", {}).values() for r in data if all(f in r for f in fields)}
    return sorted(rows, key=repr)


def walk(node):
    """Every dict inside a spec."""
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def test_every_declared_chart_is_checked_and_shown_on_its_page(tiny_site):
    assert [d.slug for d in DECLARATIONS] == list(CHARTS) == list(SPEC_ROWS)
    assert sorted(p.name.removesuffix(".phone.vl.json") for p in (tiny_site / "charts").glob("*.phone.vl.json")) == sorted(CHARTS)
    for decl in DECLARATIONS:
        assert figure(page(tiny_site, CHARTS[decl.slug][0]), decl.slug) is not None
        assert (ROOT / "docs" / f"{decl.page}.md").read_text(encoding="utf-8").count(f"[[chart:{decl.slug}]]") == 1


@pytest.mark.parametrize("slug", list(CHARTS))
def test_chart_title_table_and_row_count_state_exactly_what_it_plots(tiny_site, slug):
    url, title, head, rows = CHARTS[slug]
    fig = figure(page(tiny_site, url), slug)
    assert fig.figcaption.find(class_="atlas-chart__title").get_text(strip=True) == f"{title}."
    assert table_rows(fig.find("table")) == (head, rows)
    assert [label.get_text(strip=True) for label in fig.select(".tabbed-labels label")] == [
        "Chart", f"Table ({len(rows)} rows)", "Sources", "Download"]
    for layout in ("", ".phone"):  # the title is inside the image too, so a download keeps it
        assert " ".join(spec_of(tiny_site, slug, layout)["title"]["text"]) == title


@pytest.mark.parametrize("slug", list(SPEC_ROWS))
def test_chart_spec_draws_exactly_the_expected_rows(tiny_site, slug):
    fields, rows = SPEC_ROWS[slug]
    for layout in ("", ".phone"):
        assert spec_rows(tiny_site, slug, fields, layout) == sorted(rows, key=repr)


def test_planned_production_is_drawn_on_the_timeline(tiny_site):
    assert spec_rows(tiny_site, "model-lineage-timeline", ("label", "start_year", "status")) == [("next kei EV", 2028, "reported")]


def test_the_timeline_draws_a_bar_only_as_far_as_the_data_follows_a_model(tiny_site):
    """The bars are the rows with somewhere to end; the Hypermini, with nothing on record after its launch, is a dot,
    and a caption says where the data stops wherever the layout has room for it (the phone has none beside a 2000 dot)."""
    spec = spec_of(tiny_site, "model-lineage-timeline")
    marks = {(layer["mark"]["type"], layer["encoding"].get("x2", {}).get("field")): sorted(r["label"] for r in spec["datasets"][layer["data"]["name"]])
             for layer in spec["layer"] if layer["mark"]["type"] in ("bar", "point") and "start_year" not in layer["encoding"]["x"]["field"]}
    assert marks == {("bar", "to"): ["ARIYA", "LEAF (ZE0)", "LEAF (ZE1)", "Sakura", "Tama Fixture", "eK X EV"], ("point", None): ["Hypermini"]}
    assert spec_rows(tiny_site, "model-lineage-timeline", ("label", "caption")) == [
        ("ARIYA", "Nissan ARIYA (2022; sales on record to 2023)"), ("Hypermini", "Nissan Hypermini (2000; end not on record)"),
        ("LEAF (ZE0)", "Nissan LEAF (ZE0) (2010)"), ("LEAF (ZE1)", "Nissan LEAF (ZE1) (2017)"), ("Sakura", "Nissan Sakura (2022)"),
        ("Tama Fixture", "Tama Fixture (1947)"), ("eK X EV", "Mitsubishi eK X EV (2022)"),
        ("next kei EV", "Nissan next kei EV: production reported for 2028")]
    assert dict(spec_rows(tiny_site, "model-lineage-timeline", ("label", "caption"), ".phone"))["Hypermini"] == "Nissan Hypermini (2000)"


def test_no_title_or_subtitle_template_holds_a_typed_number():
    from atlas.chart_declarations import holds_a_typed_number

    assert [holds_a_typed_number(t) for t in ("peaked at {peak}", "peaked in 2023", "")] == [False, True, False]
    assert {d.slug: [t for t in (d.title, d.subtitle) if holds_a_typed_number(t)] for d in DECLARATIONS} == {d.slug: [] for d in DECLARATIONS}


def test_a_missing_month_is_a_shaded_slot_and_a_missing_year_breaks_the_line(tiny_site):
    import vl_convert as vlc

    spec = spec_of(tiny_site, "kei-ev-monthly-sales")
    shaded = [m for m in walk(spec) if isinstance(m.get("mark"), dict) and m["mark"].get("type") == "rect"]
    gap_rows = [[r["period"] for r in spec["datasets"][m["data"]["name"]]] for m in shaded]
    assert gap_rows == [["2023-02"], ["2023-02"]]  # one shaded February in each model's panel
    # The kei line's data holds a 2021 with no value, and the compiled line is undefined there: a break, not a bridge.
    vega = vlc.vegalite_to_vega(spec_of(tiny_site, "japan-new-vehicle-market"))
    lines = [m for m in walk(vega) if m.get("type") == "line" and "defined" in m.get("encode", {}).get("update", {})]
    assert lines and all('isValid(datum["units"])' in m["encode"]["update"]["defined"]["signal"] for m in lines)


def test_subtitle_says_what_fainter_marks_are_only_where_a_chart_has_them(tiny_site):
    subtitles = {slug: " ".join(spec_of(tiny_site, slug)["title"]["subtitle"]) for slug in CHARTS}
    assert subtitles["kei-ev-monthly-sales"].endswith("Paler bars: approximate (source's qualifier)")
    assert subtitles["leaf-running-totals"].endswith("Hollow points: estimate (source's own)")
    assert subtitles["operating-margins"].endswith("Hollow points: derived (our arithmetic)")
    assert not any(("Hollow" in s or "Paler" in s) for k, s in subtitles.items()
                   if k not in ("kei-ev-monthly-sales", "leaf-running-totals", "operating-margins", "japan-bev-market"))


def test_reported_figures_are_solid_and_every_other_status_fainter(tiny_site):
    scales = [e["scale"] for e in walk(spec_of(tiny_site, "kei-ev-monthly-sales")) if isinstance(e.get("scale"), dict)
              and "reported" in e["scale"].get("domain", [])]
    opacity = dict(zip(scales[0]["domain"], scales[0]["range"]))
    assert opacity["reported"] == 1.0
    assert {label: value < 1.0 for label, value in opacity.items() if label != "reported"} == {
        "approximate (source's qualifier)": True, "estimate (source's own)": True, "derived (our arithmetic)": True}


def test_chart_caption_gives_one_source_line_and_the_sources_panel_every_source(tiny_site):
    fig = figure(page(tiny_site, "sales"), "kei-ev-running-totals")
    assert fig.figcaption.get_text(" ", strip=True).split(" Sources: ")[1].split(".")[0] == "Fixture Wire and Fixture Motors"
    links = [(a["href"], a.get_text(strip=True)) for a in fig.select(".atlas-chart__sources a") if "sources/#" in a["href"]]
    assert links == [("../sources/#fx-maker-release", "fx-maker-release"), ("../sources/#fx-news", "fx-news")]


def test_a_chart_resting_on_tier_c_or_d_says_how_many_figures_do(tiny_site):
    caption = figure(page(tiny_site, "sales"), "kei-ev-monthly-sales").figcaption.get_text(" ", strip=True)
    assert "4 of 4 figures rest on a tier C or D source." in caption  # all four months cite fx-trade, tier C
    assert "tier C or D" not in figure(page(tiny_site, "sales"), "kei-ev-running-totals").figcaption.get_text(" ", strip=True)


@pytest.mark.parametrize("slug", list(CHARTS))
def test_each_chart_downloads_on_its_own(tiny_site, slug):
    import csv as csvlib
    import io
    import zipfile

    _, title, head, rows = CHARTS[slug]
    charts = tiny_site / "charts"
    assert list(csvlib.reader(io.StringIO((charts / f"{slug}.csv").read_text(encoding="utf-8")))) == [head, *rows]
    meta = json.loads((charts / f"{slug}.metadata.json").read_text(encoding="utf-8"))
    fig = figure(page(tiny_site, CHARTS[slug][0]), slug)
    sources = sorted(a.get_text(strip=True) for a in fig.select(".atlas-chart__sources a") if "sources/#" in a["href"])
    assert (meta["title"], meta["rows"], sorted(s["source_id"] for s in meta["sources"])) == (title, len(rows), sources)
    assert all(s["url"].startswith("https://example.org/") for s in meta["sources"])
    with zipfile.ZipFile(charts / f"{slug}.zip") as z:
        assert sorted(z.namelist()) == sorted(f"{slug}/{n}" for n in ("README.txt", f"{slug}.csv", f"{slug}.svg", f"{slug}.png", f"{slug}.metadata.json"))
        assert z.read(f"{slug}/{slug}.csv") == (charts / f"{slug}.csv").read_bytes()
    assert (charts / f"{slug}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    release = json.loads((tiny_site / "data" / "latest" / "datapackage.json").read_text(encoding="utf-8"))
    version, released = release["version"], release["created"][:10]
    assert (tiny_site / "data" / f"v{version}" / "charts" / f"{slug}.csv").read_bytes() == (charts / f"{slug}.csv").read_bytes()
    links = [a["href"] for a in fig.select(".atlas-chart__files a")]
    prefix = "../" if CHARTS[slug][0] else ""
    assert links == [f"{prefix}charts/{slug}.{ext}" for ext in ("csv", "svg", "png", "metadata.json", "zip")]
    # The citation box: the full citation with a link to the chart's own anchor, and the same in BibTeX.
    url = f"/{CHARTS[slug][0] + '/' if CHARTS[slug][0] else ''}#chart-{slug}"
    cite = fig.select_one(".atlas-chart__cite")
    assert (cite.get_text(" ", strip=True), cite.a["href"]) == (
        f'Cite as: Kei EV Atlas maintainers (2026). "{title}", chart in Kei EV Atlas, version {version}, released {released}. '
        f"Data CC BY 4.0. {url} Link to this chart", f"#chart-{slug}")
    assert meta["citation"] == cite.get_text(" ", strip=True).removeprefix("Cite as: ").removesuffix(" Link to this chart")
    assert fig.select_one(".atlas-chart__bibtex code").get_text() == (
        f"@misc{{keievatlas{version.replace('.', '')}-{slug},\n  author    = {{{{Kei EV Atlas maintainers}}}},\n"
        f"  title     = {{{{{title}}}}},\n  year      = {{2026}},\n  version   = {{{version}}},\n"
        f"  howpublished = {{Chart in Kei EV Atlas, released {released}}},\n  url       = {{{url}}},\n"
        f"  note      = {{Data licensed CC BY 4.0}}\n}}")


# --- blocks and generated pages --------------------------------------------------------------------

def test_headline_cards_show_the_share_the_latest_running_total_and_the_plan(tiny_site):
    cards = [[p.get_text(" ", strip=True) for p in card.find_all("p")] for card in page(tiny_site, "").select(".atlas-card")]
    assert cards == [
        ["40%", "the Sakura's share of Japan's passenger EV market in 2023", "Source: Fixture Wire, 2024-03-08"],
        ["1,500", "Sakuras sold in Japan from launch to March 2024", "Source: Fixture Wire, 2024-03-08"],
        ["FY2028", "kei EV production at Nissan Motor Kyushu from FY2028: first reported March 2024, latest status reported ; "
                   "latest news March 2024: A wire reported kei EV production at Kyushu from FY2028.", "Source: Fixture Wire, 2024-03-08"],
    ]


def test_kyushu_plan_block_lists_the_plan_and_the_denial(tiny_site):
    doc = page(tiny_site, "")
    table = doc.find(id="the-plan-for-kyushu").find_next("table")
    assert table_rows(table) == (["Date", "Kind", "Summary", "Source"], [
        ["2024-03-08", "denial", "The maker said nothing had been decided.", "fx-maker-release"],
        ["2024-03-08", "plan-reported", "A wire reported kei EV production at Kyushu from FY2028.", "fx-news"]])


def test_conflicts_page_says_which_sources_agree_and_which_disagree(tiny_site):
    doc = page(tiny_site, "conflicts")
    verdicts = [(h.get_text(strip=True), h.find_next("p").get_text(strip=True)) for h in doc.select("article h3")]
    assert verdicts == [("nissan-sakura · JP · 2023 · sales · false", "2 rows from 2 sources disagree."),
                        ("jp-passenger-bev · all · JP · 2023", "2 rows from 2 sources agree.")]


def test_sources_page_lists_what_sources_csv_holds_and_who_cites_it(tiny_site):
    doc = page(tiny_site, "sources")
    # one table per reliability tier (test_page_weight.py); together they list every source
    tables = [table_rows(t) for t in doc.select("table.atlas-sources")]
    head, rows = tables[0][0], [r for _, body in tables for r in body]
    assert [h for h, _ in tables] == [head] * len(tables)
    # column titles are the fields' titles; the tiers are codes_reliability_tiers' labels
    assert head == ["Source", "Title", "Publisher", "Published", "Kind", "Reliability tier", "Language", "Cited by"]
    assert [p.get_text(" ", strip=True) for p in doc.select("article p:not(.atlas-updated)")[:2]] == [
        "Every document the atlas cites: 4 in all (2 of tier A, 1 of tier B, 1 of tier C, 0 of tier D). Reliability tier: "
        "A official (maker, ministry, statistical body), B major news agency or newspaper, C trade press or aggregator, "
        "D blog, forum or wiki mirror.", "See Methodology for how sources are chosen."]
    assert rows == [
        ["fx-gazetteer", "Fixture gazetteer", "Fixture Atlas Office", "", "reference", "A", "en", "plants (4)"],
        ["fx-maker-release", "Fixture maker release", "Fixture Motors", "2024-03-08", "press-release", "A", "en",
         "company_results (2), events (3), models (7), plants (4), production (4), sales (3)"],
        ["fx-news", "Fixture news story", "Fixture Wire", "2024-03-08", "news", "B", "en",
         "claims (2), company_results (2), events (1), market_share (2), market_totals (8), models (1), production (1), sales (5)"],
        ["fx-trade", "Fixture trade report", "Fixture Trade Weekly", "2024-01-15", "trade-press", "C", "ja",
         "claims (1), market_share (1), market_totals (5), models (1), sales (6)"],
    ]
    # each title is marked with its document's language (WCAG 3.1.2), here and in a data page's "Sources cited"
    assert [(td.get_text(strip=True), td["lang"]) for td in doc.select("table.atlas-sources td[lang]")] == [
        ("Fixture gazetteer", "en"), ("Fixture maker release", "en"), ("Fixture news story", "en"), ("Fixture trade report", "ja")]
    cited = page(tiny_site, "data/market_totals").find(id="sources-cited").find_next("table")
    assert [(td.get_text(strip=True), td["lang"]) for td in cited.select("td[lang]")] == [
        ("Fixture news story", "en"), ("Fixture trade report", "ja")]
    # an id may wrap only after its hyphens (test_browser.py); the page hides its empty table of contents
    assert [str(c) for c in doc.select("table.atlas-sources code")] == [
        "<code>fx-<wbr/>gazetteer</code>", "<code>fx-<wbr/>maker-<wbr/>release</code>", "<code>fx-<wbr/>news</code>", "<code>fx-<wbr/>trade</code>"]
    assert [str(a) for a in cited.select("a")] == ['<a href="../../sources/#fx-news">fx-<wbr/>news</a>',
                                                   '<a href="../../sources/#fx-trade">fx-<wbr/>trade</a>']
    assert doc.select_one(".md-sidebar--secondary").has_attr("hidden")


def test_a_column_of_prose_is_marked_to_keep_its_width_and_no_other(tiny_site):
    """A note of more than 60 characters makes its column prose, which atlas.css keeps 12em wide on a phone (a squeezed
    table once gave a note 100 px, nineteen lines high); the short columns beside it stay as narrow as they need."""
    table = page(tiny_site, "data/market_totals").find(id="preview").find_next("table")
    head = [th.get_text(strip=True) for th in table.select("thead th")]
    marked = {head[i] for tr in table.select("tbody tr") for i, td in enumerate(tr.find_all("td")) if "atlas-prose" in td.get("class", [])}
    assert marked == {"Notes"}
    assert all("atlas-prose" in tr.find_all("td")[head.index("Notes")].get("class", []) for tr in table.select("tbody tr"))
    # the hand-built tables mark their descriptions so: the data dictionary's and the Data page's list of tables
    for doc, selector in ((page(tiny_site, "data/sales"), "table.atlas-dictionary"), (page(tiny_site, "data"), "table")):
        rows = doc.select_one(selector).select("tbody tr")
        assert rows and [[i for i, td in enumerate(tr.find_all("td")) if "atlas-prose" in td.get("class", [])] for tr in rows] == \
            [[len(tr.find_all("td")) - 1] for tr in rows]


def test_data_dictionary_lists_type_unit_constraints_and_enum_values(tiny_site):
    head, rows = table_rows(page(tiny_site, "data/sales").select_one("table.atlas-dictionary"))
    assert head == ["Name", "Title", "Type", "Unit", "Constraints", "Description"]
    by_name = {r[0]: r[:5] for r in rows}
    assert list(by_name) == ["model_id", "geography", "period", "period_start", "period_end", "measure", "units", "cumulative",
                             "status", "preferred", "source_id", "notes"]
    assert by_name["measure"] == ["measure", "Measure", "string", "", "primary key, required: True, one of codes_measures : sales · orders · production · deliveries"]
    assert by_name["units"] == ["units", "Units", "integer", "vehicles", "required: True, minimum: 0"]
    assert by_name["status"] == ["status", "Status", "string", "", "required: True, one of codes_statuses : reported · approx · estimate · derived"]
    links = [(a["href"], a.get_text()) for a in page(tiny_site, "data/sales").select("table.atlas-dictionary a")]
    assert links == [("../../data/codes_measures/", "codes_measures"), ("../../data/codes_statuses/", "codes_statuses")]
    assert by_name["period_end"] == ["period_end", "Period end", "date", "", "required: True"]
    # a field that is not coded keeps its enum
    sources = {r[0]: r[4] for r in table_rows(page(tiny_site, "data/sources").select_one("table.atlas-dictionary"))[1]}
    assert sources["kind"] == "required: True, one of: press-release · statistics · news · trade-press · reference · blog"
    assert sources["reliability"] == "required: True, one of codes_reliability_tiers : A · B · C · D"


def _csv(name):
    import csv

    from atlas.paths import ROOT

    with (ROOT / "datasets" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


# The Methodology page defines its terms by the code tables, exactly as datasets/codes_*.csv hold them.
METHODOLOGY_CODE_TABLES = {
    "codes_reliability_tiers": ["Code", "Label", "Description"],
    "codes_statuses": ["Code", "Label", "Prefix", "Description"],
    "codes_markets": ["Code", "Label", "Description", "Counted by", "Notes"],
}


def test_methodology_defines_markets_statuses_and_tiers_from_the_code_tables(tiny_site):
    tables = page(tiny_site, "methodology").select("article table")[:3]
    shown = [table_rows(t) for t in tables]
    assert shown == [(head, _csv(name)[1]) for name, head in METHODOLOGY_CODE_TABLES.items()]
    assert [_csv(name)[0] for name in METHODOLOGY_CODE_TABLES] == [
        ["code", "label", "description"], ["code", "label", "prefix", "description"], ["code", "label", "description", "counted_by", "notes"]]


CODE_TABLES = ["codes_markets", "codes_measures", "codes_production_statuses", "codes_reliability_tiers", "codes_statuses", "codes_verdicts"]


def test_code_tables_are_published_with_the_data(tiny_site):
    import zipfile

    latest = tiny_site / "data" / "latest"
    assert sorted(p.name for p in latest.glob("codes_*")) == sorted(f"{n}.{ext}" for n in CODE_TABLES for ext in ("csv", "json", "parquet"))
    with zipfile.ZipFile(latest / "kei-ev-atlas.zip") as zf:
        assert sorted(n for n in zf.namelist() if "/datasets/codes_" in n) == [f"kei-ev-atlas/datasets/{n}.csv" for n in CODE_TABLES]
    data_index = page(tiny_site, "data").select("article table")
    assert [r[2] for r in table_rows(data_index[1])[1]] == [f"{n}.csv" for n in
        ["codes_markets", "codes_statuses", "codes_production_statuses", "codes_reliability_tiers", "codes_measures", "codes_verdicts"]]


def test_data_page_says_how_many_rows_and_previews_them(tiny_site):
    doc = page(tiny_site, "data/models")
    assert "8 rows · primary key: model_id" in doc.get_text(" ", strip=True)
    tables = doc.select("article table")
    assert [r[0] for r in table_rows(tables[1])[1]] == ["tama-fx", "nissan-leaf-ze0", "nissan-leaf-ze1", "nissan-sakura",
                                                       "mitsubishi-ek-x-ev", "nissan-next-kei-ev", "nissan-hypermini-fx", "nissan-ariya"]


UNITS = {"B": 1, "KiB": 1024, "MiB": 1024 ** 2}


def test_download_page_sizes_and_checksums_are_the_files(tiny_site):
    head, rows = table_rows(page(tiny_site, "download").find("table"))
    assert head == ["File", "Format", "Size", "SHA-256"]
    latest = tiny_site / "data" / "latest"
    assert sorted(r[0] for r in rows) == sorted(p.name for p in latest.iterdir() if p.is_file())
    for name, _, size, digest in rows:
        path = latest / name
        number, unit = re.fullmatch(r"([\d,.]+) (B|KiB|MiB)", size).groups()
        shown = float(number.replace(",", "")) * UNITS[unit]
        assert abs(shown - path.stat().st_size) <= 0.05 * UNITS[unit], (name, size, path.stat().st_size)
        assert digest == hashlib.sha256(path.read_bytes()).hexdigest(), name


def test_methodology_lists_every_check_the_validator_runs(tiny_site):
    from atlas.descriptor_checks import DESCRIPTOR_RULES
    from atlas.frictionless_check import FRICTIONLESS_RULES
    from atlas.rules import RULES
    from atlas.textchecks import TEXT_RULES

    _, rows = table_rows(page(tiny_site, "methodology").select_one("table.atlas-rules"))
    assert [r[0] for r in rows] == [*DESCRIPTOR_RULES, *FRICTIONLESS_RULES, *TEXT_RULES, *RULES]
    assert rows[-1] == ["claim-evidence", "Every row a claim cites as evidence exists, named by its table and primary key; only a claim "
                        "that is not checkable may cite none.", "The project's rules"]


def test_news_about_the_plant_that_is_not_about_the_plan_is_not_its_latest_news(tiny):
    from atlas.blocks import headlines
    from atlas.package import DataPackage
    from atlas.tables import load_tables

    tiny.append("events", dict(event_id="ev-kyushu-other-models", date="2025-07-15", date_precision="day", kind="announcement",
                               model_id="", plant_id="nissan-kyushu", summary="Other models move to the plant.",
                               source_id="fx-maker-release", notes=""))
    pkg = DataPackage(tiny.descriptor)
    html = headlines(pkg, load_tables(pkg), "")
    assert "latest news March 2024: A wire reported kei EV production at Kyushu from FY2028." in html
    assert "Other models move" not in html


# --- the story, checked --------------------------------------------------------------------------------

# claim_id: (claim, kind, verdict, reason, notes, evidence tables as (caption, header, rows), source line); from
# tests/fixtures/projects/tiny/datasets/claims.csv and the rows its evidence names.
STORY = {
    "fx-kyushu-plan": ("The maker will build its next kei EV at Kyushu from FY2028.", "plan", "reported and not confirmed",
                       "A wire reported it and the maker denied it the same day.", None, [
        ("Events (events), 2 rows:", ["Event", "Date", "Kind", "Summary", "Source"], [
            ["ev-kyushu-plan", "2024-03-08", "plan-reported", "A wire reported kei EV production at Kyushu from FY2028.", "fx-news"],
            ["ev-kyushu-denial", "2024-03-08", "denial", "The maker said nothing had been decided.", "fx-maker-release"]]),
        ("Production (production), 1 row:", ["Model", "Plant", "Start year", "End year", "Status", "Source"], [
            ["nissan-next-kei-ev", "nissan-kyushu", "2028", "", "reported", "fx-news"]])],
        "Claim stated in: Fixture Wire, 2024-03-08 : Fixture news story"),
    "fx-sakura-share": ("The Sakura took 40% of passenger EV sales in 2023.", "figure", "holds", "1000 of 2500 passenger EVs is 40%.",
                        "Note: Both figures come from the same story.", [
        ("Market share (market_share), 1 row:", ["Subject", "Market", "Geography", "Period", "Share (percent)", "Status", "Source"], [
            ["nissan-sakura", "jp-passenger-bev", "JP", "2023", "40", "reported", "fx-news"]]),
        ("Sales (sales), 1 row:", ["Model", "Geography", "Period", "Measure", "Cumulative", "Units (vehicles)", "Status", "Source"], [
            ["nissan-sakura", "JP", "2023", "sales", "false", "1000", "reported", "fx-news"]]),
        ("Market totals (market_totals), 1 row:", ["Market", "Maker", "Geography", "Period", "Units (vehicles)", "Status", "Source"], [
            ["jp-passenger-bev", "all", "JP", "2023", "2500", "reported", "fx-news"]])],
        "Claim stated in: Fixture Wire, 2024-03-08 : Fixture news story"),
    # CSV text with markup in it stays text, on the page and in the JSON-LD.
    "fx-rivals": ("Rivals <b>outsold</b> the maker & its twin; </script> stays text.", "comparison", "not checkable",
                  "No fixture row compares the makers.", None, [],
                  "Claim stated in: Fixture Trade Weekly, 2024-01-15 : Fixture trade report"),
}


def test_story_page_shows_every_claim_with_its_verdict_and_exactly_its_evidence_rows(tiny_site):
    doc = page(tiny_site, "story")
    sections = doc.select("article section.atlas-claim")
    assert [s.h2["id"] for s in sections] == list(STORY)
    for section in sections:
        claim, kind, verdict, reason, notes, evidence, source = STORY[section.h2["id"]]
        assert section.h2.get_text(strip=True) == claim
        assert section.h2.find("b") is None
        assert section.select_one(".atlas-claim__meta").get_text(" ", strip=True) == f"{kind} · verdict: {verdict} · as of 2026-12-01"
        badge = section.select_one(".atlas-verdict")
        assert (badge.get_text(strip=True), badge["class"]) == (verdict, ["atlas-verdict", "atlas-verdict--" + verdict.replace(" ", "-")])
        assert section.select_one(".atlas-claim__reason").get_text(strip=True) == reason
        shown_notes = section.select_one(".atlas-claim__notes")
        assert (shown_notes.get_text(strip=True) if shown_notes else None) == notes
        captions = [p.get_text(strip=True) for p in section.select(".atlas-evidence__table")]
        assert list(zip(captions, [table_rows(t) for t in section.select("table")])) == [(c, (h, r)) for c, h, r in evidence]
        if not evidence:
            assert section.select_one(".atlas-evidence__none").get_text(strip=True) == "No row of the atlas checks this claim."
        assert section.select_one(".atlas-claim__source").get_text(" ", strip=True) == source
    links = {a["href"] for a in sections[0].select("td a")}
    assert links == {"../sources/#fx-news", "../sources/#fx-maker-release"}
    summary = doc.select_one(".atlas-story__summary").get_text(" ", strip=True)
    assert summary.startswith("3 claims: 1 holds, 1 reported and not confirmed, 1 not checkable.")


def test_story_page_lists_its_claims_in_its_table_of_contents_as_text(tiny_site):
    """Its claims are marked HTML, which Markdown's toc never reads: the hook lists them (it was an empty column)."""
    doc = page(tiny_site, "story")
    toc = doc.select_one("nav.md-nav--secondary[aria-label='Table of contents']")
    links = toc.select("a.md-nav__link")
    assert [(a["href"], a.get_text(" ", strip=True)) for a in links] == [(f"#{cid}", claim) for cid, (claim, *_) in STORY.items()]
    assert toc.find("b") is None
    # A page with Markdown headings of its own keeps exactly those.
    own = page(tiny_site, "methodology").select_one("nav.md-nav--secondary[aria-label='Table of contents']")
    hrefs = [a["href"] for a in own.select("a.md-nav__link")]
    assert hrefs[:2] == ["#sources-and-tiers", "#status-of-a-figure"] and not set(hrefs) & {f"#{cid}" for cid in STORY}


def test_story_page_claim_reviews_parse_as_one_json_ld_with_one_review_per_claim(tiny_site):
    html = (tiny_site / "story" / "index.html").read_text(encoding="utf-8")
    scripts = page(tiny_site, "story").find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    raw = scripts[0].string
    assert "<" not in raw and "\\u003cb\\u003eoutsold\\u003c/b\\u003e the maker \\u0026 its twin; \\u003c/script\\u003e" in raw
    assert html.count("</script>") == html.count("<script")
    data = json.loads(raw)
    assert data["@context"] == "https://schema.org"
    reviews = data["@graph"]
    assert [(r["@type"], r["claimReviewed"], r["reviewRating"]["alternateName"], r["datePublished"]) for r in reviews] == [
        ("ClaimReview", claim, verdict, "2026-12-01") for claim, _, verdict, *_ in STORY.values()]
    assert {r["author"]["name"] for r in reviews} == {"Kei EV Atlas maintainers"}
    assert [(r["itemReviewed"]["@type"], r["itemReviewed"]["appearance"]["url"], r["itemReviewed"]["author"]["name"]) for r in reviews] == [
        ("Claim", "https://example.org/news", "Fixture Wire"), ("Claim", "https://example.org/news", "Fixture Wire"),
        ("Claim", "https://example.org/trade", "Fixture Trade Weekly")]


def test_home_links_the_story_and_the_nav_lists_it_after_home(tiny_site):
    doc = page(tiny_site, "")
    plan = doc.find(id="the-plan-for-kyushu").find_next("p")
    assert [(a["href"], a.get_text(strip=True)) for a in plan.find_all("a")] == [("story/", "The story, checked")]
    nav = [li.find(["label", "a"]).get_text(strip=True) for li in doc.select("nav.md-nav--primary > ul > li")]
    assert nav[:3] == ["Home", "The story, checked", "Lineage"]


# --- what mutation testing found unchecked (bench/mutate.py) ------------------------------------------

def test_download_page_names_each_file_s_format(tiny_site):
    _, rows = table_rows(page(tiny_site, "download").find("table"))
    formats = {name: kind for name, kind, _, _ in rows}
    assert {n: formats[n] for n in ("SHA256SUMS", "datapackage.json", "kei-ev-atlas.sqlite", "kei-ev-atlas.zip",
                                     "sales.csv", "sales.json", "sales.parquet")} == {
        "SHA256SUMS": "checksums", "datapackage.json": "datapackage.json", "kei-ev-atlas.sqlite": "SQLite",
        "kei-ev-atlas.zip": "zip (whole package)", "sales.csv": "CSV", "sales.json": "JSON records", "sales.parquet": "Parquet"}


def test_sqlite_schema_keeps_each_table_s_title_and_description(tiny_site):
    import sqlite3

    version = json.loads((tiny_site / "data" / "latest" / "datapackage.json").read_text(encoding="utf-8"))["version"]
    with sqlite3.connect(tiny_site / "data" / f"v{version}" / "kei-ev-atlas.sqlite") as db:
        sql = db.execute("select sql from sqlite_master where name = 'events'").fetchone()[0]
    meta = next(r for r in json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"] if r["name"] == "events")
    first = meta["schema"]["fields"][0]
    assert sql.splitlines()[:2] == [f'CREATE TABLE "events" ( -- Events: {meta["description"]}',
                                    f'  "event_id" TEXT NOT NULL, -- {first["title"]}: {first["description"]}']


def test_a_chart_on_tier_a_and_b_sources_only_says_nothing_of_tiers(tiny_site):
    fig = figure(page(tiny_site, ""), "sakura-share-of-passenger-evs")
    version = json.loads((tiny_site / "data" / "latest" / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert fig.figcaption.get_text(" ", strip=True) == (
        f"The Sakura took 40% of Japan's passenger EV sales in 2023. Sources: Fixture Wire. Kei EV Atlas v{version} (2026).")


def test_each_figure_s_tabs_are_its_own(tiny_site):
    """Two figures on a page with the same tab names would switch each other's panels."""
    for slug, (where, *_rest) in CHARTS.items():
        inputs = [(i["id"], i["name"]) for i in figure(page(tiny_site, where), slug).select("input")]
        assert inputs == [(f"__tabbed_{slug}_{n}", f"__tabbed_{slug}") for n in (1, 2, 3, 4)], slug


def test_numbers_in_a_chart_table_are_marked_as_numbers(tiny_site):
    cells = figure(page(tiny_site, ""), "sakura-share-of-passenger-evs").select("table tbody tr")[0].find_all("td")
    assert [(td.get("class"), td.get_text()) for td in cells] == [
        (None, "Nissan Sakura"), (None, "2023"), (["atlas-num"], "1000"), (None, "reported"), (None, "fx-news")]


def test_data_index_lists_each_table_with_its_rows_downloads_and_description(tiny_site):
    head, _ = table_rows(page(tiny_site, "data").find("table"))
    assert head == ["Table", "Rows", "Download", "Description"]


def test_chart_metadata_names_the_dataset_release(tiny_site):
    meta = json.loads((tiny_site / "charts" / "kei-ev-monthly-sales.metadata.json").read_text(encoding="utf-8"))
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert meta["dataset"] == {"title": "Kei EV Atlas", "version": descriptor["version"], "created": descriptor["created"]}
    assert meta["license"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}]


def test_the_tokyo_inset_holds_the_plants_of_its_box_and_the_main_map_the_others(tiny, monkeypatch):
    """A plant just north of the inset's box (Tochigi, 36.43 N) is drawn on the main map, not cut off in the inset."""
    from atlas.charts import Data, build, declarations
    from atlas.package import DataPackage
    from atlas.tables import load_tables

    monkeypatch.setenv("ATLAS_TODAY", "2026-12-01")
    plant = {**tiny.rows("plants")[2], "plant_id": "nissan-tochigi", "name": "Tochigi Plant", "city": "Kaminokawa", "region": "Tochigi",
             "latitude": "36.43333", "longitude": "139.91667", "geonames_id": "1860458"}
    tiny.append("plants", plant)
    pkg = DataPackage(tiny.descriptor)
    tables = load_tables(pkg)
    decl = next(d for d in declarations(pkg) if d.slug == "plants-map-japan")
    spec = build(decl, Data(pkg, tables, {name: pkg.rows(name) for name in pkg.resources})).specs["desktop"]

    def plants_in(panel):
        names = {layer["data"]["name"] for layer in panel["layer"] if "name" in layer.get("data", {})}
        return sorted({r["plant_id"] for n in names for r in spec["datasets"][n] if "plant_id" in r})

    assert [plants_in(panel) for panel in spec["vconcat"]] == [
        ["mitsubishi-mizushima", "nissan-kyushu", "nissan-tochigi"], ["nissan-oppama"]]


def test_chart_data_carry_dates_as_iso_text(tiny_site):
    spec = spec_of(tiny_site, "kei-ev-monthly-sales")
    starts = sorted({r["period_start"] for values in spec["datasets"].values() for r in values if "period_start" in r})
    assert starts == ["2023-01-01T00:00:00.000", "2023-02-01T00:00:00.000", "2023-03-01T00:00:00.000"]


def test_annotations_are_a_rule_and_a_label_per_event_staggered_over_three_lines():
    import pandas as pd

    from atlas import chartkit as kit

    kit.DATASETS.clear()
    events = pd.DataFrame({"date": ["2022-06-16", "2024-03-08", "2024-03-09", "2025-01-01"], "label": ["Launch", "Plan", "Denial", "Later"]})
    layers = [layer.to_dict() for layer in kit.annotation_layers(events, "date", "T")]
    assert [(l["mark"]["type"], l["mark"].get("dy")) for l in layers] == [("rule", None), ("text", 0), ("text", kit.TEXT_PX + 3),
                                                                         ("text", 2 * (kit.TEXT_PX + 3))]
    assert [[r["label"] for r in kit.DATASETS[l["data"]["name"]]] for l in layers] == [
        ["Launch", "Plan", "Denial", "Later"], ["Launch", "Later"], ["Plan"], ["Denial"]]
    assert {l["encoding"]["x"]["field"] for l in layers} == {"date"}
    assert [l["encoding"]["text"]["field"] for l in layers[1:]] == ["label"] * 3


def test_a_chart_title_with_braces_is_still_one_bibtex_field():
    from types import SimpleNamespace

    from atlas.chart_downloads import chart_citation
    from atlas.package import DataPackage
    from atlas.paths import DATAPACKAGE

    cite = chart_citation(DataPackage(DATAPACKAGE), SimpleNamespace(title="Sales {by} model", slug="x"), "/#chart-x")
    assert cite["bibtex"].splitlines()[2] == "  title     = {{Sales by model}},"


def test_every_chart_is_drawn_at_the_width_of_its_layout(tiny_site):
    """Laid out for the width it is shown at, never scaled: each image fills 80 to 100% of its layout's width
    (680 px desktop, 340 px phone); a chart that lost its width would be Vega's default, a few hundred pixels."""
    from atlas.chartkit import LAYOUTS
    from atlas.figures import svg_size

    widths = {}
    for slug in CHARTS:
        for layout in LAYOUTS:
            suffix = "" if layout.name == "desktop" else f".{layout.name}"
            width = svg_size(tiny_site / "charts" / f"{slug}{suffix}.light.svg")[0]
            widths[(slug, layout.name)] = 0.8 * layout.width <= width <= layout.width
    assert [k for k, ok in widths.items() if not ok] == []
    assert sorted(layout.width for layout in LAYOUTS) == [340, 680]


def test_the_headline_bar_puts_the_sakura_first_and_the_japan_map_names_its_inset(tiny_site):
    spec = spec_of(tiny_site, "sakura-share-of-passenger-evs")
    orders = sorted({(r["part"], r["order"]) for values in spec["datasets"].values() for r in values if "order" in r and "part" in r})
    assert orders == [("rest", 1), ("sakura", 0)]
    japan = spec_of(tiny_site, "plants-map-japan")
    assert [panel.get("title", {}).get("text") for panel in japan["vconcat"]] == [None, "Tokyo area"]


def _layers(node):
    return (m for m in walk(node) if "mark" in m)


def test_each_plant_status_has_a_symbol_of_its_own_and_a_reported_plan_is_hollow(tiny_site):
    """The map's key tells the statuses apart: no two share shape, fill and outline (planned and reported once shared
    one orange diamond), and a reported plan is the planned diamond drawn hollow, as on the Lineage chart."""
    spec = spec_of(tiny_site, "plants-map-japan")
    dots = [layer["encoding"] for layer in _layers(spec) if "shape" in layer.get("encoding", {})]
    assert len(dots) == 2  # the main map and the Tokyo inset
    for enc in dots:
        symbols = {}
        for channel in ("shape", "fill", "stroke"):
            scale = enc[channel]["scale"]
            for status, value in zip(scale["domain"], scale["range"]):
                symbols.setdefault(status, {})[channel] = value
        assert symbols["reported"] == {"shape": "diamond", "fill": "#ffffff", "stroke": symbols["planned"]["fill"]}
        assert symbols["planned"]["fill"] == symbols["planned"]["stroke"]
        assert len({tuple(sorted(s.items())) for s in symbols.values()}) == len(symbols) == 5
        assert {enc[c]["legend"]["orient"] for c in ("shape", "fill", "stroke")} == {"bottom"}  # one merged key, below


def test_the_world_map_names_its_plants_in_a_key_below_it_not_on_it(tiny_site):
    """Plants a few hundred kilometres apart overprint one another's names on a world map (Sunderland, Douai,
    Maubeuge, Barcelona did), so the map carries symbols only and a key below names each plant abroad with its place."""
    for layout in ("", ".phone"):
        spec = spec_of(tiny_site, "plants-map-world", layout)
        world, key = spec["vconcat"]
        assert [layer["mark"]["type"] for layer in _layers(world) if layer["mark"]["type"] == "text"] == []
        texts = [layer for layer in _layers(key) if layer["mark"]["type"] == "text"]
        assert [layer["encoding"]["text"]["field"] for layer in texts] == ["caption"]
        rows = spec_rows(tiny_site, "plants-map-world", ("short", "plant_status", "caption"), layout)
        assert [(name, status, caption.replace("\n", " ")) for name, status, caption in rows] == [
            ("Sunderland Plant", "ended", "Sunderland Plant (Sunderland, United Kingdom)")]


def test_end_labels_keep_a_wrapped_label_inside_the_plot_and_follow_an_axis_below_zero():
    """A label's extra lines are drawn below its first, so one at the foot of the plot is lifted until its last
    line clears the axis labels (the MINICAB-MiEV's and the second LEAF's ran into them on a phone); on an axis
    that goes below zero (a year of operating losses) the labels are placed on that axis, not on one from zero."""
    import pandas as pd

    from atlas import chartkit as kit

    rows = pd.DataFrame({"x": [1, 1], "v": [0.0, 50.0], "s": ["Long name here", "B"]})
    ends = kit.end_labels(rows, "x", "v", "s", "s", height=100, y_max=100, room=60)
    # "Long name here" wraps to three lines; its first line at 40 leaves its third (32 px lower) 8 px above the foot,
    # and B, above it, is lifted only as far as it must be to end a line above that (from 50 to 56).
    assert dict(zip(ends["s"], ends["label_y"])) == pytest.approx({"B": 56.0, "Long name here": 40.0})
    assert dict(zip(ends["s"], ends["label"])) == {"B": "B", "Long name here": "Long\nname\nhere"}
    # Moved 6 px, B's label still reads as its line's; moved 40 px, the other's gets a leader back to its figure.
    assert dict(zip(ends["s"], ends["leader"])) == {"B": False, "Long name here": True}
    below = kit.end_labels(rows.assign(v=[-50.0, 0.0]), "x", "v", "s", "s", height=100, y_max=50, room=60, y_min=-50)
    assert dict(zip(below["s"], below["label_y"])) == pytest.approx({"B": 6.0, "Long name here": -10.0})
    assert [kit.nice_min(v) for v in (-1.7, -0.4, 0.0, 3.0)] == [-2, -0.4, 0, 0]


def test_a_series_that_ends_early_is_labelled_above_its_line_clear_of_the_marks_that_follow():
    """The MINICAB-MiEV's sales end in 2021; its label, written to the right of that point, ran over the eK X EV's
    2022 point. Such a label goes above the line, ending at its last point, or starting at its first where ending
    there would run off the plot; a label with nothing in its way stays to the right."""
    import pandas as pd

    from atlas import chartkit as kit

    name = "MMMMMMMMMM"  # 10 wide capitals: 115.7 px at 13 px, so it reaches the other series' next point
    rows = pd.DataFrame({"x": [0, 1, 0, 1, 2, 3], "v": [10.0, 10, 50, 50, 11, 11], "s": [name, name, "B", "B", "B", "B"]})
    spread = {0: 0.125, 1: 0.375, 2: 0.625, 3: 0.875}  # 50, 150, 250 and 350 px across 400
    ends = kit.end_labels(rows, "x", "v", "s", "s", height=100, y_max=100, x_frac=spread, width=400).set_index("s")
    # Its first line's middle 16 px above where the label's foot sits, 6 px over its points (at 10, 90 px down).
    assert ends[["place", "label_y", "x"]].to_dict("index") == {name: {"place": "above-end", "label_y": pytest.approx(16.0), "x": 1},
                                                                "B": {"place": "right", "label_y": pytest.approx(11.0), "x": 3}}
    near_the_axis = {0: 0.05, 1: 0.2, 2: 0.4, 3: 0.875}  # ending at its last point would start 32 px left of the plot
    ends = kit.end_labels(rows, "x", "v", "s", "s", height=100, y_max=100, x_frac=near_the_axis, width=400).set_index("s")
    assert ends.loc[name, ["place", "x"]].tolist() == ["above-start", 0]
    # Two words that fit nowhere on one line go a word a line, the first line lifted so that the second ends 6 px over the points.
    two = "MMMMM MMMMM"
    rows2 = pd.DataFrame({"x": [0, 1, 0, 1, 2, 3], "v": [10.0, 10, 80, 80, 11, 11], "s": [two, two, "B", "B", "B", "B"]})
    ends = kit.end_labels(rows2, "x", "v", "s", "s", height=100, y_max=100, x_frac={0: 0.05, 1: 0.2, 2: 0.3, 3: 0.875},
                          width=400).set_index("s")
    assert ends.loc[two, ["place", "label"]].tolist() == ["above-end", "MMMMM\nMMMMM"]
    assert ends.loc[two, "label_y"] == pytest.approx(32.0)
    clear = kit.end_labels(rows[rows["s"] == name], "x", "v", "s", "s", height=100, y_max=100, x_frac=spread, width=400)
    assert (clear["place"].tolist(), clear["label_y"].tolist()) == (["right"], [pytest.approx(10.0)])


def test_running_totals_name_the_panels_they_draw_and_share_one_time_axis(tiny_site):
    """The subtitle once promised "orders, sales and production" panels where the data held orders and sales only;
    it now names the measures the panels draw. The panels share their time axis, so that one date stands at one
    place in every panel."""
    spec = spec_of(tiny_site, "kei-ev-running-totals")
    assert spec["title"]["subtitle"] == ["Running totals in Japan since May 2022: orders and sales, each in its own panel, by model"]
    assert [panel["title"]["text"] for panel in spec["vconcat"]] == ["orders", "sales"]
    for slug in ("kei-ev-running-totals", "leaf-running-totals"):
        assert spec_of(tiny_site, slug)["resolve"] == {"scale": {"x": "shared"}}
