"""The project's own rules (DESIGN.md), each shown to fail on a package corrupted in that one way."""
from __future__ import annotations


from atlas.validate import validate_package


def messages(descriptor):
    return [str(p) for p in validate_package(descriptor)]


def sales_row(pkg_copy, **kw):
    base = dict(pkg_copy.rows("sales")[0])
    base.update(notes="", cumulative="false", status="reported", preferred="true", measure="sales", geography="JP")
    base.update(kw)
    return base


def test_period_dates_must_match_label(pkg_copy):
    row = pkg_copy.set_cell("sales", 0, "period_end", "1999-01-01")
    period = pkg_copy.rows("sales")[0]["period"]
    assert any(m.startswith(f"datasets/sales.csv:{row}:period_end: [period-dates] found '1999-01-01'") and period in m
               for m in messages(pkg_copy.descriptor))


def test_unknown_period_label(pkg_copy):
    row = pkg_copy.set_cell("sales", 0, "period", "FY2023-06")
    assert any(m.startswith(f"datasets/sales.csv:{row}:period:") for m in messages(pkg_copy.descriptor))


def test_exactly_one_preferred_row_per_fact(pkg_copy):
    first = pkg_copy.rows("sales")[0]
    other_source = pkg_copy.rows("sources")[-1]["source_id"]
    twin = dict(first, source_id=other_source if other_source != first["source_id"] else pkg_copy.rows("sources")[0]["source_id"], preferred="true")
    pkg_copy.append("sales", twin)
    assert any("[one-preferred]" in m and "2 preferred of 2 rows" in m for m in messages(pkg_copy.descriptor))


def test_months_may_not_add_up_to_more_than_their_year(pkg_copy):
    rows = [sales_row(pkg_copy, model_id="nissan-sakura", period="1990", period_start="1990-01-01", period_end="1990-12-31", units="10"),
            sales_row(pkg_copy, model_id="nissan-sakura", period="1990-01", period_start="1990-01-01", period_end="1990-01-31", units="8"),
            sales_row(pkg_copy, model_id="nissan-sakura", period="1990-02", period_start="1990-02-01", period_end="1990-02-28", units="7")]
    year_row, _, _ = pkg_copy.append("sales", *rows)
    assert f"datasets/sales.csv:{year_row}:units: [parts-within-whole] found 'month rows of 1990 add up to 15', expected at most 10, the 1990 figure" in messages(pkg_copy.descriptor)


def test_reported_share_must_match_computed_share(pkg_copy):
    src = pkg_copy.rows("sources")[0]["source_id"]
    pkg_copy.append("sales", sales_row(pkg_copy, model_id="nissan-sakura", period="1991", period_start="1991-01-01",
                                       period_end="1991-12-31", units="50", source_id=src))
    pkg_copy.append("market_totals", dict(market="jp-passenger-bev", maker="all", geography="JP", period="1991", period_start="1991-01-01",
                                          period_end="1991-12-31", units="100", status="reported", preferred="true", source_id=src, notes=""))
    (row,) = pkg_copy.append("market_share", dict(subject="nissan-sakura", market="jp-passenger-bev", geography="JP", period="1991",
                                                  period_start="1991-01-01", period_end="1991-12-31", share_pct="42",
                                                  status="reported", preferred="true", source_id=src, notes=""))
    assert any(m.startswith(f"datasets/market_share.csv:{row}:share_pct: [share-matches-computed] found '42', expected within 1 points of 50.0")
               for m in messages(pkg_copy.descriptor))


def test_coordinates_must_fall_inside_the_country(pkg_copy):
    rows = pkg_copy.rows("plants")
    i = next(i for i, r in enumerate(rows) if r["country"] == "JP")
    row = pkg_copy.set_cell("plants", i, "longitude", "-" + rows[i]["longitude"])
    assert any(m.startswith(f"datasets/plants.csv:{row}:latitude,longitude: [coordinates-in-country]") for m in messages(pkg_copy.descriptor))


def test_every_source_is_cited(pkg_copy):
    first = dict(pkg_copy.rows("sources")[0], source_id="never-cited-anywhere")
    (row,) = pkg_copy.append("sources", first)
    assert f"datasets/sources.csv:{row}:source_id: [source-cited] found 'never-cited-anywhere', expected a source cited by at least one row" in messages(pkg_copy.descriptor)


def test_urls_are_absolute_http(pkg_copy):
    row = pkg_copy.set_cell("sources", 0, "url", "ftp://example.org/file")
    assert f"datasets/sources.csv:{row}:url: [absolute-url] found 'ftp://example.org/file', expected an absolute http(s) URL" in messages(pkg_copy.descriptor)


def test_cumulative_totals_never_decrease(pkg_copy):
    src = pkg_copy.rows("sources")[0]["source_id"]
    rows = [sales_row(pkg_copy, model_id="nissan-sakura", period="1990-01-01/1990-06-30", period_start="1990-01-01", period_end="1990-06-30",
                      units="500", cumulative="true", measure="production", source_id=src),
            sales_row(pkg_copy, model_id="nissan-sakura", period="1990-01-01/1990-12-31", period_start="1990-01-01", period_end="1990-12-31",
                      units="400", cumulative="true", measure="production", source_id=src)]
    _, later = pkg_copy.append("sales", *rows)
    assert any(m.startswith(f"datasets/sales.csv:{later}:units: [cumulative-nondecreasing] found '400', expected at least 500")
               for m in messages(pkg_copy.descriptor))


def test_no_figure_for_a_period_not_yet_over_unless_estimate(pkg_copy, monkeypatch):
    monkeypatch.setenv("ATLAS_TODAY", "2026-11-25")
    (row,) = pkg_copy.append("sales", sales_row(pkg_copy, period="2027", period_start="2027-01-01", period_end="2027-12-31", units="1"))
    assert any(m.startswith(f"datasets/sales.csv:{row}:period_end: [not-in-future]") for m in messages(pkg_copy.descriptor))


def test_event_in_the_future_is_refused(pkg_copy, monkeypatch):
    monkeypatch.setenv("ATLAS_TODAY", "2026-11-25")
    row = pkg_copy.set_cell("events", 0, "date", "2030-01-01")
    assert any(m.startswith(f"datasets/events.csv:{row}:date: [not-in-future]") for m in messages(pkg_copy.descriptor))


def test_date_precision_month_means_day_01(pkg_copy):
    rows = pkg_copy.rows("events")
    row = pkg_copy.set_cell("events", 0, "date_precision", "month")
    if rows[0]["date"].endswith("-01"):
        row = pkg_copy.set_cell("events", 0, "date", rows[0]["date"][:8] + "15")
    assert any(m.startswith(f"datasets/events.csv:{row}:date: [date-precision]") for m in messages(pkg_copy.descriptor))


def test_twins_name_each_other(pkg_copy):
    rows = pkg_copy.rows("models")
    i = next(i for i, r in enumerate(rows) if r["twin_id"])
    twin = rows[i]["twin_id"]
    j = next(j for j, r in enumerate(rows) if r["model_id"] == twin)
    other = next(r["model_id"] for r in rows if r["model_id"] not in (twin, rows[i]["model_id"]))
    row = pkg_copy.set_cell("models", j, "twin_id", other)
    assert any(m.startswith(f"datasets/models.csv:{row}:twin_id: [twins-symmetric]") for m in messages(pkg_copy.descriptor))


def test_kei_flag_matches_segment(pkg_copy):
    rows = pkg_copy.rows("models")
    i = next(i for i, r in enumerate(rows) if r["segment"] == "kei")
    row = pkg_copy.set_cell("models", i, "is_kei", "false")
    assert f"datasets/models.csv:{row}:is_kei: [kei-flag] found 'false', expected true for segment kei" in messages(pkg_copy.descriptor)
