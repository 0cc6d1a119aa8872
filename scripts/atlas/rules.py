"""The project's own rules: what the design asks of the data beyond what a Table Schema can say.

Each rule is registered once (id, one-line description, the tables it reads) in `RULES`; the validator
runs them, the Methodology page lists them and the tests demand a failing case for each.

Rules read the raw rows (strings). A cell that frictionless or the text checks already rejected
reaches them as None and is skipped, as is every fact that depends on it: one bad value, one message.
"""
from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable, NamedTuple
from urllib.parse import urlparse

from . import geo
from .derived import computed_shares
from . import facts
from .package import DataPackage
from .periods import PeriodError, kind_of, period_bounds
from .problems import Problem

# Reported shares are often rounded by their source ("42%"); a computed share within this many
# percentage points agrees. Shares the source itself qualifies ("about 40%") get more room.
SHARE_TOLERANCE_PP = {"reported": 1.0, "approx": 5.0, "estimate": 5.0, "derived": 0.1}

# A plant's coordinates may fall this far outside its country's outline (Natural Earth 1:50m, which smooths
# coasts by a few kilometres): a coastal plant placed at its city's centre, or at its site on reclaimed land,
# stays inside; a plant in the sea or across a strait (Busan is 65 km from Japan's outline) does not.
COAST_TOLERANCE_KM = {"site": 2.0, "city": 10.0}

# Which tables hold facts, which columns identify a fact and which name its period are declared in the
# descriptor (facts.py reads them); a rule over "every fact table" names FACTS among its tables, and reads
# the declarations check_rules passes it under "_facts".
FACTS = "facts"
SOURCE_COLUMNS = ("source_id", "specs_source_id", "coord_source_id")
# The fields the rules parse, with the type they parse them as: the descriptor must declare each with that type
# (descriptor_checks), or a changed type would let text through to rules that then read nothing. Every fact
# table's period dates and preferred flag are added from the descriptor (field_types).
FIELD_TYPES = {
    ("sales", "units"): "integer", ("market_totals", "units"): "integer", ("sales", "cumulative"): "boolean",
    ("market_share", "share_pct"): "number", ("plants", "latitude"): "number", ("plants", "longitude"): "number",
    ("sources", "published"): "date", ("sources", "accessed"): "date", ("events", "date"): "date",
    ("production", "start_year"): "year", ("models", "launch_date"): "date", ("models", "launch_year"): "year", ("models", "is_kei"): "boolean",
}
EVERY_TABLE = ("*",)


def field_types_of(resource: dict) -> dict[str, str]:
    """column -> the type the rules parse it as, for one resource as the descriptor has it: FIELD_TYPES, and for
    a fact table its preferred flag and, when it declares a period, its period's dates."""
    declared = resource.get("atlas")
    out = {column: want for (table, column), want in FIELD_TYPES.items() if table == resource.get("name")}
    if isinstance(declared, dict) and declared.get("role") == "fact":
        out["preferred"] = "boolean"
        if declared.get("period"):
            out.update(period_start="date", period_end="date")
    return out
# A claim's evidence names rows as `table:key`, the key being the row's primary-key values joined by `|`.
EVIDENCE_SEPARATOR, KEY_SEPARATOR = "; ", "|"


class Finding(NamedTuple):
    """What a rule found: the table, the row (line in the file), the column, the value and what was expected."""
    table: str
    row: int | None
    column: str | None
    value: str
    expected: str


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    tables: tuple[str, ...]
    check: Callable[[dict[str, list[dict]]], Iterable[Finding]]


def check_rules(pkg: DataPackage, rejected: set[tuple[str, int, str | None]] = frozenset(), tables=None) -> list[Problem]:
    """Run every rule. `rejected` holds the (file, row, column) of cells an earlier check refused (column
    None: the whole row); those cells reach the rules as None. `tables` are textchecks' reading of the files
    (read here when not given); a rule that reads a table textchecks found unusable is not run at all."""
    if tables is None:
        from .textchecks import check_text
        tables = check_text(pkg)[1]
    files = {name: pkg.relpath(name) for name in pkg.resources}
    unusable = {name for name, t in tables.items() if t.unusable}
    rows = {name: [] if name in unusable else _mask(t.rows(), files[name], rejected) for name, t in tables.items()}
    # Rules see only `rows`; claim-evidence also needs each table's primary key. It rides along under
    # "_keys" (not a resource name: names are lower-case slugs) so that every rule keeps one argument.
    rows["_keys"] = {name: pkg.primary_key(name) for name in pkg.resources}
    rows["_root"] = pkg.root  # where the country outlines are (vendor/world-atlas), for coordinates-in-country
    rows["_facts"] = facts.fact_tables(pkg)
    problems: list[Problem] = []
    skipped = set(rules_reading(unusable, pkg))
    for r in RULES.values():
        if r.id in skipped:
            continue
        for f in r.check(rows):
            problems.append(Problem(files[f.table], f.row, f.column, r.id, f.value, f.expected))
    return problems


def rules_reading(names: set[str], pkg: DataPackage) -> list[str]:
    """The ids of the rules that read any of these tables (a rule over every table reads them all, one over
    every fact table reads the fact tables `pkg` declares)."""
    fact_tables = set(facts.fact_tables(pkg))
    return [r.id for r in RULES.values()
            if names and ("*" in r.tables or set(r.tables) & names or FACTS in r.tables and fact_tables & names)]


def _period_columns(tables) -> dict[str, str]:
    return {name: f.period for name, f in tables["_facts"].items() if f.period}


def _mask(rows: list[dict], file: str, rejected) -> list[dict]:
    if not rejected:
        return rows
    out = []
    for r in rows:
        if (file, r["_row"], None) in rejected:
            r = {k: (v if k == "_row" else None) for k, v in r.items()}
        else:
            r = {k: (None if (file, r["_row"], k) in rejected else v) for k, v in r.items()}
        out.append(r)
    return out


def today() -> date:
    # Tests pin the date; everyone else checks against the real one.
    return date.fromisoformat(os.environ["ATLAS_TODAY"]) if os.environ.get("ATLAS_TODAY") else date.today()


def _date(s: str) -> date | None:
    try:
        return date.fromisoformat(s)
    except (TypeError, ValueError):
        return None


def _num(s: str | None) -> float | None:
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def _rows(tables, name):
    return tables.get(name, [])


def _tables(tables) -> dict[str, list[dict]]:
    """The resources only, without the "_keys" entry check_rules adds."""
    return {name: rows for name, rows in tables.items() if not name.startswith("_")}


def period_labels_known(tables):
    for name, col in _period_columns(tables).items():
        for r in _rows(tables, name):
            if r.get(col) is None:
                continue
            try:
                period_bounds(r[col])
            except PeriodError as e:
                yield Finding(name, r["_row"], col, r[col], f"a known period label ({e})")


def period_labels_match_dates(tables):
    for name, col in _period_columns(tables).items():
        for r in _rows(tables, name):
            try:
                start, end = period_bounds(r.get(col) or "")
            except PeriodError:
                continue  # reported by period-label, or already rejected
            wrong = [(c, want) for c, want in (("period_start", start), ("period_end", end))
                     if _date(r.get(c)) is not None and _date(r.get(c)) != want]
            if len(wrong) == 2:  # both dates disagree: the label is the likelier fault, and it is one fault
                yield Finding(name, r["_row"], col, r[col], f"the label of {r['period_start']} to {r['period_end']}, "
                              f"or dates {start.isoformat()} to {end.isoformat()} for {r[col]}")
            for date_col, want in wrong if len(wrong) == 1 else []:
                yield Finding(name, r["_row"], date_col, r[date_col], f"{want.isoformat()} for period {r[col]}")


def one_preferred_per_fact(tables):
    for name, key in ((name, f.key) for name, f in tables["_facts"].items()):
        groups = defaultdict(list)
        for r in _rows(tables, name):
            groups[tuple(r.get(k) for k in key)].append(r)
        for fact, rows in groups.items():
            if None in fact or any(r.get("preferred") is None for r in rows):
                continue  # a rejected key or flag: the fact cannot be told apart
            chosen = [r for r in rows if r["preferred"] == "true"]
            if len(chosen) != 1:
                where = rows[0] if not chosen else chosen[1]
                label = ", ".join(f"{k}={v}" for k, v in zip(key, fact))
                yield Finding(name, where["_row"], "preferred", f"{len(chosen)} preferred of {len(rows)} rows for {label}",
                              "exactly one preferred row per fact")


def _preferred_flows(rows, key):
    """Preferred, non-cumulative rows grouped by `key`, each as (period kind, start, end, units, row)."""
    groups = defaultdict(list)
    for r in rows:
        if r.get("preferred") != "true" or r.get("cumulative") == "true":
            continue
        units = _num(r.get("units"))
        try:
            start, end = period_bounds(r.get("period") or "")
            kind = kind_of(r["period"])
        except PeriodError:
            continue
        if units is not None:
            groups[tuple(r.get(k) for k in key)].append((kind, start, end, units, r))
    return groups


def parts_within_whole(tables):
    for name, key in (("sales", ["model_id", "geography", "measure"]), ("market_totals", ["market", "maker", "geography"])):
        for group in _preferred_flows(_rows(tables, name), key).values():
            wholes = [g for g in group if g[0] in ("year", "fiscal-year")]
            for _, wstart, wend, wunits, wrow in wholes:
                for part_kind in ("month", "quarter", "half", "fiscal-quarter", "fiscal-half"):
                    parts = [g for g in group if g[0] == part_kind and wstart <= g[1] and g[2] <= wend]
                    total = sum(g[3] for g in parts)
                    if parts and total > wunits:
                        yield Finding(name, wrow["_row"], "units", f"{part_kind} rows of {wrow['period']} add up to {total:g}",
                                      f"at most {wunits:g}, the {wrow['period']} figure")


def shares_match_computed(tables):
    for r, computed, num, num_file, den in computed_shares(tables):
        reported = _num(r.get("share_pct"))
        if computed is None or reported is None:
            continue
        tol = SHARE_TOLERANCE_PP.get(r.get("status"), 1.0)
        if abs(computed - reported) > tol:
            yield Finding("market_share", r["_row"], "share_pct", r["share_pct"],
                          f"within {tol:g} points of {computed:.1f}, computed from {num_file} row {num['_row']} "
                          f"and market_totals row {den['_row']}")


def coordinates_in_country(tables):
    root = tables.get("_root")
    if root is not None and not geo.outlines_path(root).is_file():
        yield Finding("plants", None, None, f"no file {geo.ATLAS / geo.OUTLINES}", "the country outlines the project ships beside datapackage.json")
        return
    for r in _rows(tables, "plants"):
        lat, lon = _num(r.get("latitude")), _num(r.get("longitude"))
        if lat is None or lon is None or r.get("country") is None or root is None:
            continue
        outline = geo.polygons(root, r["country"])
        if not outline:
            yield Finding("plants", r["_row"], "country", r["country"],
                          f"a country whose outline the project ships and geo.py names ({', '.join(sorted(geo.ISO_NUMERIC))})")
            continue
        precision = r.get("coord_precision") if r.get("coord_precision") in COAST_TOLERANCE_KM else "city"
        tolerance, off = COAST_TOLERANCE_KM[precision], geo.km_outside(outline, lat, lon)
        if off > tolerance:
            yield Finding("plants", r["_row"], "latitude,longitude", f"{lat}, {lon}",
                          f"a point inside {r['country']}'s outline, or within {tolerance:g} km of it for coord_precision {precision} "
                          f"(this one is {f'{off:.0f} km' if off < 1000 else 'over 1,000 km'} outside)")


def sources_all_cited(tables):
    cited = {r.get(c) for name, rows in _tables(tables).items() if name != "sources" for r in rows for c in SOURCE_COLUMNS if r.get(c)}
    for r in _rows(tables, "sources"):
        if r.get("source_id") and r["source_id"] not in cited:
            yield Finding("sources", r["_row"], "source_id", r["source_id"], "a source cited by at least one row")


def urls_absolute(tables):
    for r in _rows(tables, "sources"):
        if r.get("url") is None:
            continue
        u = urlparse(r["url"])
        if u.scheme not in ("http", "https") or not u.hostname:
            yield Finding("sources", r["_row"], "url", r["url"], "an absolute http(s) URL")


def cumulative_never_decreases(tables):
    series = defaultdict(list)
    for r in _rows(tables, "sales"):
        end, units = _date(r.get("period_end")), _num(r.get("units"))
        if r.get("cumulative") == "true" and r.get("preferred") == "true" and end and units is not None:
            series[(r.get("model_id"), r.get("geography"), r.get("measure"))].append((end, units, r))
    for rows in series.values():
        rows.sort(key=lambda t: (t[0], t[1]))
        for (e1, u1, r1), (_, u2, r2) in zip(rows, rows[1:]):
            if u2 < u1:
                yield Finding("sales", r2["_row"], "units", r2["units"], f"at least {u1:g}, the running total at {e1.isoformat()} (row {r1['_row']})")


def nothing_in_the_future(tables):
    now = today()
    for r in _rows(tables, "sources"):
        for col in ("published", "accessed"):
            d = _date(r.get(col))
            if d and d > now:
                yield Finding("sources", r["_row"], col, r[col], f"a date no later than {now}")
    for r in _rows(tables, "events"):
        d = _date(r.get("date"))
        if d and d > now:
            yield Finding("events", r["_row"], "date", r["date"], f"a date no later than {now}; a plan belongs in production with status planned or reported")
    for r in _rows(tables, "production"):
        y = _num(r.get("start_year"))
        if y and y > now.year and r.get("status") not in ("planned", "reported", "cancelled", None):
            yield Finding("production", r["_row"], "start_year", r["start_year"], "status planned, reported or cancelled for a start in the future")
    for name in _period_columns(tables):
        for r in _rows(tables, name):
            d = _date(r.get("period_end"))
            if d and d > now and r.get("status") not in ("estimate", None):
                yield Finding(name, r["_row"], "period_end", r["period_end"], "status estimate (a forecast) for a period not yet over")
    for r in _rows(tables, "models"):
        d, y = _date(r.get("launch_date")), _num(r.get("launch_year"))
        if (d and d > now) or (y and y > now.year):
            yield Finding("models", r["_row"], "launch_date" if d else "launch_year", r.get("launch_date") or r.get("launch_year"),
                          "a launch that has happened; a planned model leaves its launch empty and its plan goes in production")


def date_precision_consistent(tables):
    for r in _rows(tables, "events"):
        d = _date(r.get("date"))
        p = r.get("date_precision")
        if d is None:
            continue
        if p == "month" and d.day != 1 or p == "year" and (d.month, d.day) != (1, 1):
            yield Finding("events", r["_row"], "date", r["date"], f"day 01{' and month 01' if p == 'year' else ''} when date_precision is {p}")


def _models(tables) -> dict[str, dict]:
    return {r["model_id"]: r for r in _rows(tables, "models") if r.get("model_id")}


def twins_symmetric(tables):
    models = _models(tables)
    # A model named as a twin that names another model is the one at fault; a model with no twin of its
    # own, named by such a model, is not reported again.
    wrong = {twin for mid, r in models.items() if (twin := r.get("twin_id")) in models and twin != mid
             and models[twin].get("twin_id") not in (mid, None, "")}
    for mid, r in models.items():
        twin = r.get("twin_id")
        if twin == mid:
            yield Finding("models", r["_row"], "twin_id", twin, "another model's id: a model is not its own twin")
            continue
        if not twin or twin not in models or models[twin].get("twin_id") in (mid, None):
            continue
        if models[twin].get("twin_id") == "" and mid in wrong:
            continue
        yield Finding("models", models[twin]["_row"], "twin_id", models[twin].get("twin_id") or "",
                      f"{mid}, whose twin_id names this model")


def lineage_acyclic(tables):
    models = _models(tables)
    loops = set()
    for mid in models:
        path, cur = [], mid
        while cur and cur in models and cur not in path:
            path.append(cur)
            cur = models[cur].get("predecessor_id")
        if cur in path:
            loops.add(frozenset(path[path.index(cur):]))
    for loop in sorted(loops, key=lambda ids: min(models[i]["_row"] for i in ids)):
        # One message per loop, on its first row, however many models it runs through.
        first = min(loop, key=lambda i: models[i]["_row"])
        yield Finding("models", models[first]["_row"], "predecessor_id", models[first]["predecessor_id"],
                      f"a chain of predecessors that does not come back to this model (loop: {', '.join(sorted(loop))})")


def kei_flag_matches_segment(tables):
    for r in _rows(tables, "models"):
        if r.get("segment") and r.get("is_kei") in ("true", "false") and (r["segment"] == "kei") != (r["is_kei"] == "true"):
            yield Finding("models", r["_row"], "is_kei", r["is_kei"], f"{'true' if r['segment'] == 'kei' else 'false'} for segment {r['segment']}")


def claim_evidence_resolves(tables):
    keys = tables.get("_keys", {})
    # Each table's rows by primary key, built only for the tables a claim names; a row with a rejected key
    # cell cannot be told apart, so a reference to it is not reported (the cell already was).
    index: dict[str, tuple[set, bool]] = {}

    def lookup(name):
        if name not in index:
            rows = _rows(tables, name)
            pk = keys.get(name, [])
            index[name] = ({tuple(r.get(k) for k in pk) for r in rows},
                           any(r.get(k) is None for r in rows for k in pk))
        return index[name]

    shape = "table:key (key = the row's primary-key values joined by |, in primary-key order; references separated by '; ')"
    for r in _rows(tables, "claims"):
        evidence = r.get("evidence")
        if evidence is None:
            continue
        if evidence == "":
            if r.get("verdict") not in ("not checkable", None):
                yield Finding("claims", r["_row"], "evidence", "", f"at least one reference {shape} to a row that exists; "
                              "only a claim whose verdict is not checkable may cite none")
            continue
        for ref in evidence.split(EVIDENCE_SEPARATOR):
            name, colon, key = ref.partition(":")
            pk = keys.get(name)  # (a table that cannot be read stops this rule: not-checked says so)
            if not colon or name.startswith("_") or not pk:
                yield Finding("claims", r["_row"], "evidence", ref, f"a reference {shape} naming a table of the package "
                              f"({', '.join(sorted(keys))}) and a row that exists in it")
                continue
            values = tuple(key.split(KEY_SEPARATOR))
            present, masked = lookup(name)
            if len(values) == len(pk) and values in present or masked:
                continue
            yield Finding("claims", r["_row"], "evidence", ref, f"a reference {shape} to a row that exists in {name} "
                          f"(its key: {KEY_SEPARATOR.join(pk)})")


# The registry, in the order the rules run. (A table rather than decorators: mutation testing skips decorated functions.)
RULES: dict[str, Rule] = {r.id: r for r in [
    Rule("period-label", "Every period label is one the atlas knows: 2023, FY2023, 2023-06, 2023-Q3, FY2023-H1 or start/end dates.",
      (FACTS,), period_labels_known),
    Rule("period-dates", "period_start and period_end are the first and last day of the period the label names.", (FACTS,), period_labels_match_dates),
    Rule("one-preferred", "Exactly one row of each fact is preferred, however many sources state it.", (FACTS,), one_preferred_per_fact),
    Rule("parts-within-whole", "Months, quarters and halves inside a year (calendar or fiscal) add up to no more than it.",
      ("sales", "market_totals"), parts_within_whole),
    Rule("share-matches-computed", "A reported share is close to the share computed from the same place and period's sales "
      "and market totals (1 point; 5 where the source qualifies it; 0.1 for a derived share).",
      ("market_share", "sales", "market_totals"), shares_match_computed),
    Rule("coordinates-in-country", "A plant's coordinates fall inside the outline of the country it names (Natural Earth "
      "1:50m, which the maps use), or within 2 km of it for a site, 10 km for a city centre.", ("plants",), coordinates_in_country),
    Rule("source-cited", "Every source is cited by at least one row of another table.", EVERY_TABLE, sources_all_cited),
    Rule("absolute-url", "Every source's URL is an absolute http or https address.", ("sources",), urls_absolute),
    Rule("cumulative-nondecreasing", "A running total never falls for the same model, place and measure.", ("sales",), cumulative_never_decreases),
    Rule("not-in-future", "No date after today: a plan belongs in production as planned or reported, and a figure for a "
      "period not yet over is an estimate.", ("sources", "events", "production", "models", FACTS), nothing_in_the_future),
    Rule("date-precision", "An event dated to the month falls on day 01; one dated to the year on 1 January.", ("events",), date_precision_consistent),
    Rule("twins-symmetric", "Badge twins name each other: if A's twin is B, B's twin is A.", ("models",), twins_symmetric),
    Rule("lineage-acyclic", "Following predecessors from any model never comes back to it.", ("models",), lineage_acyclic),
    Rule("kei-flag", "is_kei is true exactly when the segment is kei.", ("models",), kei_flag_matches_segment),
    Rule("claim-evidence", "Every row a claim cites as evidence exists, named by its table and primary key; only a claim "
      "that is not checkable may cite none.", ("claims", "*"), claim_evidence_resolves),
]}
