"""What the site says, checked against the `tiny` fixture whose right answers are known by hand:
every chart's plotted rows (its data table and its spec's data), the headline figures, the Conflicts
verdicts, the Download page's sizes and checksums, the data dictionary, the Sources page and the story checked claim by claim."""
from __future__ import annotations

import hashlib
import json
import re

import pytest

from projects import figure, page, table_rows

SALES_HEAD = ["Model", "Period", "Units (vehicles)", "Status", "Source"]
RUNNING_HEAD = ["Model", "Geography", "Period", "Measure", "Units (vehicles)", "Status", "Source"]
MARKET_HEAD = ["Market", "Period", "Units (vehicles)", "Status", "Source"]
PLANTS_HEAD = ["number", "Plant", "Name", "Operator", "City", "Region", "Country", "Coordinate precision", "Source", "models"]
MIZUSHIMA = ["mitsubishi-mizushima", "Mizushima Plant", "Mitsubishi Motors", "Kurashiki", "Okayama", "JP", "city", "fx-maker-release",
             "Mitsubishi eK X EV, Nissan Sakura"]
KYUSHU = ["nissan-kyushu", "Nissan Motor Kyushu", "Nissan", "Kanda", "Fukuoka", "JP", "city", "fx-maker-release", "Nissan next kei EV"]
OPPAMA = ["nissan-oppama", "Oppama Plant", "Nissan", "Yokosuka", "Kanagawa", "JP", "city", "fx-maker-release", "Nissan LEAF"]

# slug: (page, table header, table rows). Worked out by hand from tests/fixtures/projects/tiny/datasets.
CHARTS = {
    # Kei models' preferred monthly sales; February has no figure and no row.
    "kei-ev-monthly-sales": ("sales", SALES_HEAD, [
        ["mitsubishi-ek-x-ev", "2023-01", "40", "reported", "fx-trade"],
        ["mitsubishi-ek-x-ev", "2023-03", "60", "approx", "fx-trade"],
        ["nissan-sakura", "2023-01", "100", "reported", "fx-trade"],
        ["nissan-sakura", "2023-03", "300", "reported", "fx-trade"]]),
    # Years and fiscal years from 2020; the non-preferred 990 for 2023 stays out.
    "kei-ev-annual-sales": ("sales", SALES_HEAD, [
        ["nissan-sakura", "2022", "500", "reported", "fx-news"],
        ["nissan-sakura", "2023", "1000", "reported", "fx-news"],
        ["nissan-sakura", "FY2023", "1200", "reported", "fx-news"]]),
    "kei-ev-running-totals": ("sales", RUNNING_HEAD, [
        ["nissan-sakura", "JP", "2022-05-20/2022-06-30", "orders", "2000", "reported", "fx-maker-release"],
        ["nissan-sakura", "JP", "2022-06-16/2023-06-30", "sales", "800", "reported", "fx-news"],
        ["nissan-sakura", "JP", "2022-06-16/2024-03-31", "sales", "1500", "reported", "fx-news"]]),
    "leaf-running-totals": ("sales", RUNNING_HEAD, [
        ["nissan-leaf-ze0", "JP", "2010-12-01/2015-12-31", "sales", "700", "reported", "fx-maker-release"],
        ["nissan-leaf-ze0", "WORLD", "2010-12-01/2015-12-31", "sales", "2000", "estimate", "fx-maker-release"]]),
    # 2018 on: the 2017 total is left out.
    "japan-bev-market": ("market", MARKET_HEAD, [
        ["jp-imported-bev", "2023", "300", "approx", "fx-trade"],
        ["jp-kei-passenger-bev", "2023", "1100", "reported", "fx-trade"],
        ["jp-passenger-bev", "2023", "2500", "reported", "fx-news"],
        ["jp-registered-passenger-bev", "2023", "1400", "reported", "fx-trade"]]),
    "japan-new-vehicle-market": ("market", MARKET_HEAD, [
        ["jp-kei-all", "2022", "14000", "reported", "fx-news"],
        ["jp-kei-all", "2023", "15000", "reported", "fx-news"],
        ["jp-new-cars-all", "2022", "38000", "reported", "fx-news"],
        ["jp-new-cars-all", "2023", "40000", "reported", "fx-news"],
        ["jp-registered-all", "2023", "25000", "reported", "fx-news"]]),
    # 1000 / 2500 = 40.0 and 2500 / 30000 = 8.33; FY2023 has no totals to compute from.
    "shares-reported-and-computed": ("market", ["Subject", "Market", "Period", "Share (percent)", "computed_pct", "Status", "Source"], [
        ["nissan-sakura", "jp-passenger-bev", "2023", "40", "40", "reported", "fx-news"],
        ["jp-passenger-bev", "jp-passenger-all", "2023", "8.3", "8.33", "reported", "fx-news"]]),
    "ev-share-of-new-passenger-cars": ("market", ["Subject", "Market", "Period", "Share (percent)", "Status", "Source"], [
        ["jp-passenger-bev", "jp-passenger-all", "2023", "8.3", "reported", "fx-news"],
        ["jp-passenger-bev", "jp-passenger-all", "FY2023", "9", "reported", "fx-trade"]]),
    # Twelve-month years only (the half year is left out); Toyota's margin is 200 / 2000, derived. Every
    # maker's year is named by its start, whatever the maker calls it (Toyota and Honda: "FY2024").
    "operating-margins": ("market", ["Maker", "Fiscal year", "Revenue (JPY billion)", "Operating profit (JPY billion)",
                                     "Operating margin (percent)", "Status", "Source"], [
        ["Honda", "FY2023", "1500", "90", "6", "reported", "fx-news"],
        ["Nissan", "FY2023", "1000", "50", "5", "reported", "fx-maker-release"],
        ["Toyota", "FY2023", "2000", "200", "10", "derived", "fx-news"]]),
    # Models with a launch year, oldest first; the next kei EV has none and is a planned start instead.
    "model-lineage-timeline": ("lineage", ["Model", "Maker", "Name", "Launch year", "End year", "Predecessor", "Badge twin", "Source"], [
        ["tama-fx", "Tama", "Tama Fixture", "1947", "1951", "", "", "fx-maker-release"],
        ["nissan-leaf-ze0", "Nissan", "LEAF", "2010", "2017", "tama-fx", "", "fx-maker-release"],
        ["nissan-leaf-ze1", "Nissan", "LEAF", "2017", "", "nissan-leaf-ze0", "", "fx-maker-release"],
        ["nissan-sakura", "Nissan", "Sakura", "2022", "", "", "mitsubishi-ek-x-ev", "fx-maker-release"],
        ["mitsubishi-ek-x-ev", "Mitsubishi", "eK X EV", "2022", "", "", "nissan-sakura", "fx-maker-release"]]),
    "plants-map-japan": ("plants", PLANTS_HEAD, [["2", *MIZUSHIMA], ["3", *KYUSHU], ["4", *OPPAMA]]),
    "plants-map-world": ("plants", PLANTS_HEAD, [
        ["1", "nissan-sunderland", "Sunderland Plant", "Nissan", "Sunderland", "England", "GB", "city", "fx-maker-release", "Nissan LEAF"],
        ["2", *MIZUSHIMA], ["3", *KYUSHU], ["4", *OPPAMA]]),
}

# The spec's own data: what Vega draws, as (fields) tuples; worked out from the same rows.
SPEC_ROWS = {
    "kei-ev-monthly-sales": (("model", "period", "units", "status_label"), [
        ("Mitsubishi eK X EV", "2023-01", 40, "reported"), ("Mitsubishi eK X EV", "2023-03", 60, "approximate (source's qualifier)"),
        ("Nissan Sakura", "2023-01", 100, "reported"), ("Nissan Sakura", "2023-03", 300, "reported")]),
    "kei-ev-annual-sales": (("kind", "period", "units"), [
        ("Calendar years", "2022", 500), ("Calendar years", "2023", 1000), ("Fiscal years (April to March)", "FY2023", 1200)]),
    "kei-ev-running-totals": (("series", "as_of", "units"), [
        ("Nissan Sakura, orders", "2022-06-30", 2000), ("Nissan Sakura, sales", "2023-06-30", 800), ("Nissan Sakura, sales", "2024-03-31", 1500)]),
    "leaf-running-totals": (("series", "units", "status_label"), [
        ("Nissan LEAF, sales, JP", 700, "reported"), ("Nissan LEAF, sales, WORLD", 2000, "estimate (source's own)")]),
    "japan-bev-market": (("market_label", "period", "units"), [
        ("All passenger BEVs", "2023", 2500), ("Imported (foreign-brand) BEVs", "2023", 300), ("Kei passenger BEVs", "2023", 1100),
        ("Registered (non-kei) passenger BEVs", "2023", 1400)]),
    "japan-new-vehicle-market": (("market_label", "period", "units"), [
        ("All new vehicles", "2022", 38000), ("All new vehicles", "2023", 40000), ("Kei vehicles", "2022", 14000),
        ("Kei vehicles", "2023", 15000), ("Registered (non-kei) vehicles", "2023", 25000)]),
    "shares-reported-and-computed": (("label", "kind", "value"), [
        ("All passenger BEVs in All new passenger cars, 2023", "computed from the atlas (derived)", 8.33),
        ("All passenger BEVs in All new passenger cars, 2023", "reported by the source", 8.3),
        ("Nissan Sakura in All passenger BEVs, 2023", "computed from the atlas (derived)", 40.0),
        ("Nissan Sakura in All passenger BEVs, 2023", "reported by the source", 40.0)]),
    "ev-share-of-new-passenger-cars": (("period", "share_pct", "kind"), [("2023", 8.3, "Calendar year"), ("FY2023", 9.0, "Fiscal year")]),
    "operating-margins": (("maker", "fiscal_year", "operating_margin_pct", "status_label"), [
        ("Honda", "FY2023", 6.0, "reported"), ("Nissan", "FY2023", 5.0, "reported"), ("Toyota", "FY2023", 10.0, "derived (our arithmetic)")]),
    "model-lineage-timeline": (("label", "launch_year"), [
        ("LEAF (ZE0)", 2010), ("LEAF (ZE1)", 2017), ("Sakura", 2022), ("Tama Fixture", 1947), ("eK X EV", 2022)]),
    "plants-map-japan": (("number", "name", "models"), [
        (2, "Mizushima Plant", "Mitsubishi eK X EV, Nissan Sakura"), (3, "Nissan Motor Kyushu", "Nissan next kei EV"), (4, "Oppama Plant", "Nissan LEAF")]),
    "plants-map-world": (("number", "name"), [(1, "Sunderland Plant"), (2, "Mizushima Plant"), (3, "Nissan Motor Kyushu"), (4, "Oppama Plant")]),
}


def spec_rows(site, slug, fields):
    """Rows of the spec's datasets that carry all `fields`, as sorted tuples."""
    spec = json.loads((site / "charts" / f"{slug}.vl.json").read_text(encoding="utf-8"))
    rows = [tuple(r[f] for f in fields) for data in spec.get("datasets", {}).values() for r in data if all(f in r for f in fields)]
    return sorted(rows, key=repr)


def test_every_chart_of_the_site_is_checked(tiny_site):
    assert sorted(p.name.removesuffix(".vl.json") for p in (tiny_site / "charts").glob("*.vl.json")) == sorted(CHARTS) == sorted(SPEC_ROWS)


@pytest.mark.parametrize("slug", sorted(CHARTS))
def test_chart_table_shows_exactly_the_rows_it_plots(tiny_site, slug):
    url, head, rows = CHARTS[slug]
    fig = figure(page(tiny_site, url), slug)
    assert table_rows(fig.find("table")) == (head, rows)
    assert fig.find("summary").get_text(strip=True) == f"Data table ({len(rows)} rows)"


@pytest.mark.parametrize("slug", sorted(SPEC_ROWS))
def test_chart_spec_draws_exactly_the_expected_rows(tiny_site, slug):
    fields, rows = SPEC_ROWS[slug]
    assert spec_rows(tiny_site, slug, fields) == sorted(rows, key=repr)


def test_planned_production_is_drawn_on_the_timeline(tiny_site):
    assert spec_rows(tiny_site, "model-lineage-timeline", ("label", "start_year", "status")) == [("next kei EV", 2028, "reported")]


def test_reported_figures_are_solid_and_every_other_status_fainter(tiny_site):
    spec = json.loads((tiny_site / "charts" / "kei-ev-monthly-sales.vl.json").read_text(encoding="utf-8"))
    scale = spec["spec"]["encoding"]["opacity"]["scale"]
    opacity = dict(zip(scale["domain"], scale["range"]))
    assert opacity["reported"] == 1.0
    assert {label: value < 1.0 for label, value in opacity.items() if label != "reported"} == {
        "approximate (source's qualifier)": True, "estimate (source's own)": True, "derived (our arithmetic)": True}


def test_chart_caption_names_exactly_its_sources(tiny_site):
    fig = figure(page(tiny_site, "sales"), "kei-ev-running-totals")
    links = [(a["href"], a.get_text(strip=True)) for a in fig.figcaption.find_all("a") if "sources/#" in a["href"]]
    assert links == [("../sources/#fx-maker-release", "Fixture Motors (2024-03-08)"), ("../sources/#fx-news", "Fixture Wire (2024-03-08)")]


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
    head, rows = table_rows(doc.select_one("table.atlas-sources"))
    # column titles are the fields' titles; the tiers are codes_reliability_tiers' labels
    assert head == ["Source", "Title", "Publisher", "Published", "Kind", "Reliability tier", "Language", "Cited by"]
    assert [p.get_text(" ", strip=True) for p in doc.select("article p")[:2]] == [
        "Every document the atlas cites: 4 in all (2 of tier A, 1 of tier B, 1 of tier C, 0 of tier D). Reliability tier: "
        "A official (maker, ministry, statistical body), B major news agency or newspaper, C trade press or aggregator, "
        "D blog, forum or wiki mirror.", "See Methodology for how sources are chosen."]
    assert rows == [
        ["fx-gazetteer", "Fixture gazetteer", "Fixture Atlas Office", "", "reference", "A", "en", "plants (4)"],
        ["fx-maker-release", "Fixture maker release", "Fixture Motors", "2024-03-08", "press-release", "A", "en",
         "company_results (2), events (3), models (5), plants (4), production (4), sales (3)"],
        ["fx-news", "Fixture news story", "Fixture Wire", "2024-03-08", "news", "B", "en",
         "claims (2), company_results (2), events (1), market_share (2), market_totals (7), models (1), production (1), sales (5)"],
        ["fx-trade", "Fixture trade report", "Fixture Trade Weekly", "2024-01-15", "trade-press", "C", "ja",
         "claims (1), market_share (1), market_totals (5), models (1), sales (5)"],
    ]


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
    assert "6 rows · primary key: model_id" in doc.get_text(" ", strip=True)
    tables = doc.select("article table")
    assert [r[0] for r in table_rows(tables[1])[1]] == ["tama-fx", "nissan-leaf-ze0", "nissan-leaf-ze1", "nissan-sakura",
                                                       "mitsubishi-ek-x-ev", "nissan-next-kei-ev"]


UNITS = {"B": 1, "KiB": 1024, "MiB": 1024 ** 2}


def test_download_page_sizes_and_checksums_are_the_files(tiny_site):
    head, rows = table_rows(page(tiny_site, "download").find("table"))
    assert head == ["File", "Format", "Size", "SHA-256"]
    latest = tiny_site / "data" / "latest"
    assert sorted(r[0] for r in rows) == sorted(p.name for p in latest.iterdir())
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
    assert [s["id"] for s in sections] == list(STORY)
    for section in sections:
        claim, kind, verdict, reason, notes, evidence, source = STORY[section["id"]]
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
