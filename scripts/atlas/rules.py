"""The project's own rules: what DESIGN.md asks of the data beyond what a Table Schema can say.

Each rule reads the raw rows (strings) and skips a cell it cannot parse: frictionless has already
reported that cell, and one bad value should produce one message, not a cascade.
"""
from __future__ import annotations

import os
from collections import defaultdict
from datetime import date
from urllib.parse import urlparse

from .derived import computed_shares
from .package import DataPackage
from .periods import PeriodError, kind_of, period_bounds
from .problems import Problem

# Reported shares are often rounded by their source ("42%"); a computed share within this many
# percentage points agrees. Shares the source itself qualifies ("about 40%") get more room.
SHARE_TOLERANCE_PP = {"reported": 1.0, "approx": 5.0, "estimate": 5.0, "derived": 0.1}

# Rough bounding boxes (south, west, north, east) in degrees: enough to catch swapped or
# mistyped coordinates, not to draw borders.
COUNTRY_BOXES = {
    "JP": (20.0, 122.0, 46.0, 154.0),
    "GB": (49.8, -8.7, 60.9, 1.8),
    "US": (24.4, -125.0, 49.4, -66.9),
    "ES": (35.9, -9.4, 43.8, 4.4),
    "FR": (41.3, -5.2, 51.1, 9.6),
    "CN": (18.1, 73.5, 53.6, 134.8),
    "MX": (14.5, -118.4, 32.7, -86.7),
    "IN": (6.7, 68.1, 35.7, 97.4),
    "TH": (5.6, 97.3, 20.5, 105.7),
    "BR": (-33.8, -74.0, 5.3, -34.8),
    "ZA": (-34.9, 16.4, -22.1, 32.9),
    "KR": (33.1, 124.6, 38.7, 131.9),
    "TW": (21.9, 120.0, 25.3, 122.0),
    "ID": (-11.0, 94.9, 6.1, 141.1),
}

FACT_KEYS = {
    "sales": ["model_id", "geography", "period", "measure", "cumulative"],
    "market_totals": ["market", "maker", "geography", "period"],
    "market_share": ["subject", "market", "geography", "period"],
    "company_results": ["maker", "fiscal_year"],
}
SOURCE_COLUMNS = ("source_id", "specs_source_id", "coord_source_id")


def today() -> date:
    # Tests pin the date; everyone else checks against the real one.
    return date.fromisoformat(os.environ["ATLAS_TODAY"]) if os.environ.get("ATLAS_TODAY") else date.today()


def _date(s: str) -> date | None:
    try:
        return date.fromisoformat(s)
    except (TypeError, ValueError):
        return None


def _num(s: str) -> float | None:
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def check_rules(pkg: DataPackage) -> list[Problem]:
    tables = {name: pkg.rows(name) for name in pkg.resources}
    files = {name: pkg.relpath(name) for name in pkg.resources}
    problems: list[Problem] = []
    for rule in (
        period_labels_match_dates,
        one_preferred_per_fact,
        parts_within_whole,
        shares_match_computed,
        coordinates_in_country,
        sources_all_cited,
        urls_absolute,
        cumulative_never_decreases,
        nothing_in_the_future,
        date_precision_consistent,
        twins_symmetric,
        lineage_acyclic,
        kei_flag_matches_segment,
    ):
        problems += rule(tables, files)
    return problems


def period_labels_match_dates(tables, files):
    out = []
    for name in ("sales", "market_totals", "market_share"):
        for r in tables.get(name, []):
            try:
                start, end = period_bounds(r["period"])
            except PeriodError as e:
                out.append(Problem(files[name], r["_row"], "period", "period-label", r["period"], f"a known period label ({e})"))
                continue
            for col, want in (("period_start", start), ("period_end", end)):
                got = _date(r.get(col, ""))
                if got is not None and got != want:
                    out.append(Problem(files[name], r["_row"], col, "period-dates", r[col], f"{want.isoformat()} for period {r['period']}"))
    return out


def one_preferred_per_fact(tables, files):
    out = []
    for name, key in FACT_KEYS.items():
        groups = defaultdict(list)
        for r in tables.get(name, []):
            groups[tuple(r.get(k, "") for k in key)].append(r)
        for fact, rows in groups.items():
            chosen = [r for r in rows if r.get("preferred") == "true"]
            if len(chosen) != 1:
                where = rows[0] if not chosen else chosen[1]
                label = ", ".join(f"{k}={v}" for k, v in zip(key, fact))
                out.append(Problem(files[name], where["_row"], "preferred", "one-preferred",
                                   f"{len(chosen)} preferred of {len(rows)} rows for {label}",
                                   "exactly one preferred row per fact"))
    return out


def _preferred_flows(rows, key):
    """Preferred, non-cumulative rows grouped by `key`, each as (period kind, start, end, units, row)."""
    groups = defaultdict(list)
    for r in rows:
        if r.get("preferred") != "true" or r.get("cumulative") == "true":
            continue
        units = _num(r.get("units"))
        try:
            start, end = period_bounds(r["period"])
            kind = kind_of(r["period"])
        except PeriodError:
            continue
        if units is not None:
            groups[tuple(r.get(k, "") for k in key)].append((kind, start, end, units, r))
    return groups


def parts_within_whole(tables, files):
    """Months, quarters and halves that fall inside a year (calendar or fiscal) must not add up to more than it."""
    out = []
    for name, key in (("sales", ["model_id", "geography", "measure"]), ("market_totals", ["market", "maker", "geography"])):
        for group in _preferred_flows(tables.get(name, []), key).values():
            wholes = [g for g in group if g[0] in ("year", "fiscal-year")]
            for _, wstart, wend, wunits, wrow in wholes:
                for part_kind in ("month", "quarter", "half", "fiscal-quarter", "fiscal-half"):
                    parts = [g for g in group if g[0] == part_kind and wstart <= g[1] and g[2] <= wend]
                    total = sum(g[3] for g in parts)
                    if parts and total > wunits:
                        out.append(Problem(files[name], wrow["_row"], "units", "parts-within-whole",
                                           f"{part_kind} rows of {wrow['period']} add up to {total:g}",
                                           f"at most {wunits:g}, the {wrow['period']} figure"))
    return out


def shares_match_computed(tables, files):
    out = []
    for r, computed, num, num_file, den in computed_shares(tables):
        reported = _num(r.get("share_pct"))
        if computed is None or reported is None:
            continue
        tol = SHARE_TOLERANCE_PP.get(r.get("status"), 1.0)
        if abs(computed - reported) > tol:
            out.append(Problem(files["market_share"], r["_row"], "share_pct", "share-matches-computed", r["share_pct"],
                               f"within {tol:g} points of {computed:.1f}, computed from {num_file} row {num['_row']} "
                               f"and market_totals row {den['_row']}"))
    return out


def coordinates_in_country(tables, files):
    out = []
    for r in tables.get("plants", []):
        lat, lon = _num(r.get("latitude")), _num(r.get("longitude"))
        box = COUNTRY_BOXES.get(r.get("country"))
        if lat is None or lon is None:
            continue
        if box is None:
            out.append(Problem(files["plants"], r["_row"], "country", "coordinates-in-country", r.get("country", ""),
                               f"a country with a bounding box in rules.py ({', '.join(sorted(COUNTRY_BOXES))})"))
            continue
        s, w, n, e = box
        if not (s <= lat <= n and w <= lon <= e):
            out.append(Problem(files["plants"], r["_row"], "latitude,longitude", "coordinates-in-country", f"{lat}, {lon}",
                               f"a point inside {r['country']} (lat {s} to {n}, lon {w} to {e})"))
    return out


def sources_all_cited(tables, files):
    cited = {r.get(c) for name, rows in tables.items() if name != "sources" for r in rows for c in SOURCE_COLUMNS if r.get(c)}
    return [Problem(files["sources"], r["_row"], "source_id", "source-cited", r["source_id"], "a source cited by at least one row")
            for r in tables.get("sources", []) if r.get("source_id") and r["source_id"] not in cited]


def urls_absolute(tables, files):
    out = []
    for r in tables.get("sources", []):
        u = urlparse(r.get("url", ""))
        if u.scheme not in ("http", "https") or not u.netloc:
            out.append(Problem(files["sources"], r["_row"], "url", "absolute-url", r.get("url", ""), "an absolute http(s) URL"))
    return out


def cumulative_never_decreases(tables, files):
    out = []
    series = defaultdict(list)
    for r in tables.get("sales", []):
        end, units = _date(r.get("period_end")), _num(r.get("units"))
        if r.get("cumulative") == "true" and r.get("preferred") == "true" and end and units is not None:
            series[(r["model_id"], r["geography"], r["measure"])].append((end, units, r))
    for rows in series.values():
        rows.sort(key=lambda t: (t[0], t[1]))
        for (e1, u1, r1), (_, u2, r2) in zip(rows, rows[1:]):
            if u2 < u1:
                out.append(Problem(files["sales"], r2["_row"], "units", "cumulative-nondecreasing", r2["units"],
                                   f"at least {u1:g}, the running total at {e1.isoformat()} (row {r1['_row']})"))
    return out


def nothing_in_the_future(tables, files):
    now = today()
    out = []

    def future(name, r, col, value, expected):
        out.append(Problem(files[name], r["_row"], col, "not-in-future", value, expected))

    for r in tables.get("sources", []):
        for col in ("published", "accessed"):
            d = _date(r.get(col))
            if d and d > now:
                future("sources", r, col, r[col], f"a date no later than {now}")
    for r in tables.get("events", []):
        d = _date(r.get("date"))
        if d and d > now:
            future("events", r, "date", r["date"], f"a date no later than {now}; a plan belongs in production with status planned or reported")
    for r in tables.get("production", []):
        y = _num(r.get("start_year"))
        if y and y > now.year and r.get("status") not in ("planned", "reported", "cancelled"):
            future("production", r, "start_year", r["start_year"], "status planned, reported or cancelled for a start in the future")
    for name in ("sales", "market_totals", "market_share"):
        for r in tables.get(name, []):
            d = _date(r.get("period_end"))
            if d and d > now and r.get("status") != "estimate":
                future(name, r, "period_end", r["period_end"], "status estimate (a forecast) for a period not yet over")
    for r in tables.get("models", []):
        d, y = _date(r.get("launch_date")), _num(r.get("launch_year"))
        if (d and d > now) or (y and y > now.year):
            future("models", r, "launch_date" if d else "launch_year", r.get("launch_date") or r.get("launch_year"),
                   "a launch that has happened; a planned model leaves its launch empty and its plan goes in production")
    return out


def date_precision_consistent(tables, files):
    out = []
    for r in tables.get("events", []):
        d = _date(r.get("date"))
        p = r.get("date_precision")
        if d is None:
            continue
        if p == "month" and d.day != 1 or p == "year" and (d.month, d.day) != (1, 1):
            out.append(Problem(files["events"], r["_row"], "date", "date-precision", r["date"],
                               f"day 01{' and month 01' if p == 'year' else ''} when date_precision is {p}"))
    return out


def twins_symmetric(tables, files):
    models = {r["model_id"]: r for r in tables.get("models", []) if r.get("model_id")}
    out = []
    for mid, r in models.items():
        twin = r.get("twin_id")
        if twin and twin in models and models[twin].get("twin_id") != mid:
            out.append(Problem(files["models"], models[twin]["_row"], "twin_id", "twins-symmetric",
                               models[twin].get("twin_id", ""), f"{mid}, whose twin_id names this model"))
    return out


def lineage_acyclic(tables, files):
    models = {r["model_id"]: r for r in tables.get("models", []) if r.get("model_id")}
    out = []
    for mid, r in models.items():
        seen, cur = {mid}, r.get("predecessor_id")
        while cur and cur in models:
            if cur in seen:
                out.append(Problem(files["models"], r["_row"], "predecessor_id", "lineage-acyclic", r["predecessor_id"],
                                   "a chain of predecessors that does not come back to this model"))
                break
            seen.add(cur)
            cur = models[cur].get("predecessor_id")
    return out


def kei_flag_matches_segment(tables, files):
    out = []
    for r in tables.get("models", []):
        if r.get("segment") and r.get("is_kei") in ("true", "false") and (r["segment"] == "kei") != (r["is_kei"] == "true"):
            out.append(Problem(files["models"], r["_row"], "is_kei", "kei-flag", r["is_kei"],
                               f"{'true' if r['segment'] == 'kei' else 'false'} for segment {r['segment']}"))
    return out
