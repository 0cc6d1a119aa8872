"""Issue 13: a new fact table is a CSV, a resource entry in datapackage.json, a nav entry and a changelog line, and
no Python edit. Here the tiny fixture gains `registrations` (a market's new registrations by period: the market
totals' shape without a maker), and the real validator, pages and downloads take it up from the descriptor alone.
"""
from __future__ import annotations

import copy
import csv
import io
import json
import sqlite3

import pytest

from atlas.chartkit import NO_FIGURE
from projects import figure, page, table_rows
from test_validate import edit_descriptor

HEADER = ["market", "geography", "period", "period_start", "period_end", "units", "status", "preferred", "source_id", "notes"]
ROWS = [
    ["jp-passenger-bev", "JP", "2023", "2023-01-01", "2023-12-31", "2600", "reported", "true", "fx-news", ""],
    ["jp-passenger-bev", "JP", "2023-06", "2023-06-01", "2023-06-30", "210", "approx", "true", "fx-trade", "About 210."],
]


CHART = {"slug": "registrations-by-year", "page": "market", "series": "market", "value": "units", "period_kind": "year",
         "where": {"geography": ["JP"]}, "title": "{peak_series} peaked at {peak} in {peak_period}",
         "subtitle": "New registrations per calendar year, {first} to {last}, {series} markets"}


def add_registrations(project, rows, charts=()):
    def change(meta):
        totals = next(r for r in meta["resources"] if r["name"] == "market_totals")
        new = copy.deepcopy(totals)
        new.update(name="registrations", path="datasets/registrations.csv", title="Registrations",
                   description="New registrations of a market in a period.")
        schema = new["schema"]
        schema["fields"] = [f for f in schema["fields"] if f["name"] != "maker"]
        schema["primaryKey"] = ["market", "geography", "period", "source_id"]
        new["atlas"] = {"role": "fact", "key": ["market", "geography", "period"], "value": ["units"], "period": "period",
                        **({"charts": list(charts)} if charts else {})}
        meta["resources"].append(new)

    edit_descriptor(project, change)
    project.path("registrations").write_text("\n".join(",".join(r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
    mkdocs = project.root / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text(encoding="utf-8").replace(
        "      - Claims: data/claims.md\n", "      - Claims: data/claims.md\n      - Registrations: data/registrations.md\n"), encoding="utf-8")
    changelog = project.root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    head, _, rest = text.partition("\n- ")
    changelog.write_text(head + "\n- A new table, `registrations`.\n- " + rest, encoding="utf-8")
    for chart in charts:  # the chart's place: a marker on its page
        doc = project.root / "docs" / f"{chart['page']}.md"
        doc.write_text(doc.read_text(encoding="utf-8") + f"\n[[chart:{chart['slug']}]]\n", encoding="utf-8")


def test_a_new_fact_table_is_validated_by_the_rules_it_declares(tiny):
    """frictionless checks its schema and foreign keys, and the project's rules check its periods and its one
    preferred row per fact, all from the descriptor."""
    add_registrations(tiny, ROWS + [
        ["jp-passenger-bev", "JP", "2023-07", "2023-07-01", "2023-07-30", "-1", "reported", "true", "fx-news", ""],
        ["jp-nowhere", "JP", "2023-08", "2023-08-01", "2023-08-31", "5", "reported", "true", "fx-news", ""],
        ["jp-passenger-bev", "JP", "2023", "2023-01-01", "2023-12-31", "2700", "reported", "true", "fx-trade", ""],
    ])
    assert [str(p) for p in tiny.problems()] == [
        "datasets/registrations.csv:4:period_end: [period-dates] found '2023-07-30', expected 2023-07-31 for period 2023-07",
        "datasets/registrations.csv:4:units: [minimum] found '-1', expected a value >= 0",
        "datasets/registrations.csv:5:market: [foreign-key] found 'jp-nowhere', expected a value that exists in codes_markets.code",
        "datasets/registrations.csv:6:preferred: [one-preferred] found '2 preferred of 2 rows for market=jp-passenger-bev, "
        "geography=JP, period=2023', expected exactly one preferred row per fact",
    ]


@pytest.mark.build
def test_a_new_fact_table_is_documented_and_published(tiny):
    add_registrations(tiny, ROWS)
    out = tiny.build(env={"ATLAS_TODAY": "2026-12-01"})
    assert (out.returncode, out.stderr) == (0, "")
    site = tiny.site
    # Documented: its own data page, with the dictionary read from the descriptor, in the nav.
    doc = page(site, "data/registrations")
    assert doc.h1.get_text(strip=True).removesuffix("¶") == "Registrations"
    head, rows = table_rows(doc.select_one("table.atlas-dictionary"))
    assert [r[0] for r in rows] == HEADER
    assert {r[0]: r[:5] for r in rows}["units"] == ["units", "Units", "integer", "vehicles", "required: True, minimum: 0"]
    assert [a.get_text(strip=True) for a in page(site, "data/claims").select('nav a[href="../registrations/"]')] == ["Registrations"]
    # Published: the CSV as it is, in the release's package, in the SQLite database.
    version = json.loads(tiny.descriptor.read_text(encoding="utf-8"))["version"]
    release = site / "data" / f"v{version}"
    assert (release / "registrations.csv").read_bytes() == tiny.path("registrations").read_bytes()
    published = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert "registrations" in [r["name"] for r in published["resources"]]
    with sqlite3.connect(release / "kei-ev-atlas.sqlite") as db:
        assert db.execute("select market, period, units from registrations order by period").fetchall() == [
            ("jp-passenger-bev", "2023", 2600), ("jp-passenger-bev", "2023-06", 210)]


# The declared chart's rows beyond ROWS: a year with no figure between two, a second market, another geography.
CHART_ROWS = [
    ["jp-passenger-bev", "JP", "2021", "2021-01-01", "2021-12-31", "2000", "reported", "true", "fx-news", ""],
    ["jp-kei-passenger-bev", "JP", "2023", "2023-01-01", "2023-12-31", "1200", "approx", "true", "fx-trade", ""],
    ["jp-kei-passenger-bev", "WORLD", "2023", "2023-01-01", "2023-12-31", "9999", "reported", "true", "fx-trade", ""],
]
CHART_TITLE = "All passenger BEVs peaked at 2,600 in 2023"
CHART_TABLE = (["Market", "Period", "Units (vehicles)", "Status", "Source"], [
    ["All passenger BEVs", "2021", "2000", "reported", "fx-news"],
    ["All passenger BEVs", "2022", "", NO_FIGURE, ""],
    ["All passenger BEVs", "2023", "2600", "reported", "fx-news"],
    ["Kei passenger BEVs", "2023", "1200", "approx", "fx-trade"]])


def test_a_chart_declared_in_the_descriptor_is_built_from_it_alone(tiny, monkeypatch):
    """The chart of the build test below, built in this process without a site (so mutation testing sees the code
    of declared charts run): its title from the rows, its table with the year that has no figure."""
    from atlas.charts import Data, build, declarations
    from atlas.figures import cell_text
    from atlas.package import DataPackage
    from atlas.tables import load_tables

    monkeypatch.setenv("ATLAS_TODAY", "2026-12-01")
    add_registrations(tiny, ROWS + CHART_ROWS, charts=[CHART])
    pkg = DataPackage(tiny.descriptor)
    tables = load_tables(pkg)
    decl = next(d for d in declarations(pkg) if d.slug == CHART["slug"])
    result = build(decl, Data(pkg, tables, {name: pkg.rows(name) for name in pkg.resources}))
    assert result.title == CHART_TITLE
    assert (result.headers, [[cell_text(v) for v in row] for row in result.table.itertuples(index=False)]) == CHART_TABLE
    # A tap or a hover on a point names its series, period, value, status and source, each by its field's title.
    tooltips = {json.dumps(layer["encoding"]["tooltip"]) for layer in result.specs["desktop"]["layer"] if "tooltip" in layer.get("encoding", {})}
    assert [[(t["field"], t["title"]) for t in json.loads(tip)] for tip in tooltips] == [
        [("series_label", "Market"), ("period", "Period"), ("units", "Units"), ("status_label", "Status"), ("source_id", "Source")]]


def test_a_declared_chart_whose_series_is_a_model_names_the_models(tiny, monkeypatch):
    """A series column with a foreign key into models is labelled with the models' names, not their ids."""
    from atlas.charts import Data, build, declarations
    from atlas.package import DataPackage
    from atlas.tables import load_tables

    monkeypatch.setenv("ATLAS_TODAY", "2026-12-01")
    chart = {"slug": "units-by-model", "page": "sales", "series": "model_id", "value": "units", "period_kind": "month",
             "title": "{peak_series} sold {peak} in {peak_period}", "subtitle": "Units a month, {first} to {last}"}
    edit_descriptor(tiny, lambda m: next(r for r in m["resources"] if r["name"] == "sales")["atlas"].update(charts=[chart]))
    pkg = DataPackage(tiny.descriptor)
    tables = load_tables(pkg)
    decl = next(d for d in declarations(pkg) if d.slug == "units-by-model")
    result = build(decl, Data(pkg, tables, {name: pkg.rows(name) for name in pkg.resources}))
    labels = {pkg_id: label for pkg_id, label in zip(result.rows["model_id"], result.rows["series_label"])}
    models = {r["model_id"]: r["name"] for r in tiny.rows("models")}
    assert labels and all(label.endswith(models[i]) for i, label in labels.items())
    assert not any(label == i for i, label in labels.items())


@pytest.mark.build
def test_a_chart_declared_with_a_new_table_is_drawn_tabled_and_downloadable(tiny):
    """Declared in the resource's `atlas.charts` alone: a line per market of the yearly rows, its title computed from them,
    2022 drawn and tabled as a year with no figure, the monthly row and the other geography left out."""
    add_registrations(tiny, ROWS + CHART_ROWS, charts=[CHART])
    out = tiny.build(env={"ATLAS_TODAY": "2026-12-01"})
    assert (out.returncode, out.stderr) == (0, "")
    fig = figure(page(tiny.site, "market"), "registrations-by-year")
    assert fig.figcaption.find(class_="atlas-chart__title").get_text(strip=True) == CHART_TITLE + "."
    expected = CHART_TABLE
    assert table_rows(fig.find("table")) == expected
    charts = tiny.site / "charts"
    assert list(csv.reader(io.StringIO((charts / "registrations-by-year.csv").read_text(encoding="utf-8")))) == [expected[0], *expected[1]]
    spec = json.loads((charts / "registrations-by-year.phone.vl.json").read_text(encoding="utf-8"))
    assert " ".join(spec["title"]["subtitle"]) == (
        "New registrations per calendar year, 2021 to 2023, 2 markets. Hollow points: approximate (source's qualifier)")
    drawn = sorted({(r["series_label"], r["period"], r["units"]) for v in spec["datasets"].values() for r in v if "series_label" in r and "units" in r},
                   key=repr)
    assert drawn == sorted([("All passenger BEVs", "2021", 2000), ("All passenger BEVs", "2022", None), ("All passenger BEVs", "2023", 2600),
                            ("Kei passenger BEVs", "2023", 1200)], key=repr)


@pytest.mark.parametrize("change, line", [
    ({"value": "market"}, "datapackage.json::resources[{i}].atlas.charts[0].value: [chart-declaration] found 'market', expected a numeric field of registrations"),
    ({"period_kind": "quarter"}, "datapackage.json::resources[{i}].atlas.charts[0].period_kind: [chart-declaration] found 'quarter', "
                                 "expected one of month, year, fiscal-year"),
    ({"title": "Up 3 times"}, "datapackage.json::resources[{i}].atlas.charts[0].title: [chart-declaration] found 'Up 3 times', "
                              "expected no digit typed in: every number is a {{name}} computed from the data"),
    ({"subtitle": "Since {launch}"}, "datapackage.json::resources[{i}].atlas.charts[0].subtitle: [chart-declaration] found 'launch', "
                                     "expected one of the computed facts peak, peak_period, peak_series, first, last, series"),
    ({"slug": "operating-margins"}, "datapackage.json::resources[{i}].atlas.charts[0].slug: [chart-declaration] found 'operating-margins', "
                                    "expected a lower-case slug (letters, digits, hyphens) no other chart has"),
    ({"where": {"maker": ["all"]}}, "datapackage.json::resources[{i}].atlas.charts[0].where.maker: [chart-declaration] found \"['all']\", "
                                    "expected a field of registrations and the list of its values the chart keeps"),
])
def test_a_chart_declaration_the_build_could_not_draw_is_one_line(tiny, change, line):
    add_registrations(tiny, ROWS, charts=[{**CHART, **change}])
    index = [r["name"] for r in json.loads(tiny.descriptor.read_text(encoding="utf-8"))["resources"]].index("registrations")
    assert [str(p) for p in tiny.problems()] == [line.format(i=index)]


@pytest.mark.parametrize("table, charts, problem", [
    ("models", [CHART], "found 'models', expected charts only on a fact table with a period column (atlas.period)"),
    ("sales", dict(CHART, slug="sales-by-year"), "found 'dict', expected a list of chart declarations"),
], ids=["on-a-table-without-periods", "not-a-list"])
def test_a_bad_charts_entry_is_one_line_and_later_tables_are_still_checked(tiny, table, charts, problem):
    """`models` has no period column, and `atlas.charts` written as one object is not a list: each is refused in one
    line, and the bad chart of a table after it is reported too (stopping at the first table's fault would hide it)."""
    add_registrations(tiny, ROWS, charts=[{**CHART, "value": "market"}])

    def change(meta):
        next(r for r in meta["resources"] if r["name"] == table).setdefault("atlas", {})["charts"] = charts

    edit_descriptor(tiny, change)
    names = [r["name"] for r in json.loads(tiny.descriptor.read_text(encoding="utf-8"))["resources"]]
    assert names.index(table) < names.index("registrations")
    assert sorted(str(p) for p in tiny.problems()) == sorted([
        f"datapackage.json::resources[{names.index(table)}].atlas.charts: [chart-declaration] {problem}",
        f"datapackage.json::resources[{names.index('registrations')}].atlas.charts[0].value: [chart-declaration] found 'market', "
        "expected a numeric field of registrations"])


def test_a_chart_declaration_that_is_not_an_object_is_one_line(tiny):
    add_registrations(tiny, ROWS)
    edit_descriptor(tiny, lambda m: next(r for r in m["resources"] if r["name"] == "registrations")["atlas"].update(charts=["registrations-by-year"]))
    index = [r["name"] for r in json.loads(tiny.descriptor.read_text(encoding="utf-8"))["resources"]].index("registrations")
    assert [str(p) for p in tiny.problems()] == [
        f"datapackage.json::resources[{index}].atlas.charts[0]: [chart-declaration] found 'str', expected a chart declaration (an object)"]


def test_a_year_of_losses_takes_the_value_axis_below_zero_for_points_and_labels_alike(tiny):
    """Built in this process: with a loss in the data (Nissan at -2% in FY2023), every layer of the margins chart,
    the end labels' too, has the axis from -2 up, so that no point or label is drawn below the plot."""
    from atlas.charts import CHARTS, Data, build
    from atlas.package import DataPackage
    from atlas.tables import load_tables

    path = tiny.root / "datasets" / "company_results.csv"
    text = path.read_text(encoding="utf-8")
    loss = text.replace("Nissan,FY2023,FY2023,2023-04-01,2024-03-31,1000,50,5,", "Nissan,FY2023,FY2023,2023-04-01,2024-03-31,1000,-20,-2,")
    assert loss != text
    path.write_text(loss, encoding="utf-8")
    pkg = DataPackage(tiny.descriptor)
    result = build(next(c for c in CHARTS if c.slug == "operating-margins"), Data(pkg, load_tables(pkg), {n: pkg.rows(n) for n in pkg.resources}))
    for layout in ("desktop", "phone"):
        layers = [layer for layer in result.specs[layout]["layer"] if "y" in layer.get("encoding", {})]
        # the bridge, the line, the points, the leader of Nissan's label (nudged off its figure) and the labels
        assert [(layer["mark"]["type"], layer["encoding"]["y"]["scale"]["domain"]) for layer in layers] == [
            ("line", [-2, 10]), ("line", [-2, 10]), ("point", [-2, 10]), ("rule", [-2, 10]), ("text", [-2, 10])]
