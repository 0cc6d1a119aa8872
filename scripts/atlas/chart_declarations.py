"""Charts declared in datapackage.json: a fact table's `atlas.charts`, each a line chart of one value by
period, one line per series. So a new fact table is charted by its resource entry (and a `[[chart:slug]]`
marker on its page), with no Python edit; the charts that need their own drawing are declared in charts.py.

    "atlas": {"role": "fact", ..., "charts": [{
        "slug": "registrations-by-year", "page": "market",
        "series": "market", "value": "units", "period_kind": "year",
        "where": {"geography": ["JP"]},
        "title": "{peak_series} peaked at {peak} in {peak_period}",
        "subtitle": "New registrations per calendar year, {first} to {last}, by market"}]}

Titles and subtitles are templates, as in charts.py: every figure they state is computed from the rows
(the names in FACTS), and the check below refuses a digit typed into them.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass

from .facts import fact_tables
from .package import DataPackage
from .problems import Problem

RULE = "chart-declaration"
DESCRIPTION = ("A chart declared in datapackage.json names an existing series and numeric value field of its fact table, a period "
               "kind the chart can draw, and a title and subtitle whose every number is computed from the data.")
# What a declared title or subtitle may state, each computed from the rows the chart draws.
FACTS = {
    "peak": "the highest figure", "peak_period": "its period", "peak_series": "its series",
    "first": "the first period drawn", "last": "the last period drawn", "series": "how many series are drawn",
}
KINDS = ("month", "year", "fiscal-year")  # the kinds whose missing periods can be drawn as gaps
REQUIRED = ("slug", "page", "series", "value", "period_kind", "title", "subtitle")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PAGE = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")
NUMERIC = ("integer", "number")


@dataclass(frozen=True)
class Declared:
    resource: str
    slug: str
    page: str
    series: str
    value: str
    period_kind: str
    where: dict[str, tuple[str, ...]]
    title: str
    subtitle: str


def declared(pkg: DataPackage) -> list[Declared]:
    """Every chart the descriptor declares, in its order (after check_declarations has passed)."""
    out = []
    for resource in fact_tables(pkg):
        for d in pkg.resources[resource].get("atlas", {}).get("charts", []):
            out.append(Declared(resource, d["slug"], d["page"], d["series"], d["value"], d["period_kind"],
                                {k: tuple(v) for k, v in d.get("where", {}).items()}, d["title"], d["subtitle"]))
    return out


def check_declarations(pkg: DataPackage) -> list[Problem]:
    file = pkg.descriptor.name
    problems = []
    seen: set[str] = set()
    if any(isinstance(r.get("atlas"), dict) and r["atlas"].get("charts") for r in pkg.resources.values()):
        from .charts import CHARTS  # only when a chart is declared: plain validation need not import Altair

        seen = {c.slug for c in CHARTS}
    periods = {name: f.period for name, f in fact_tables(pkg).items()}
    for i, (name, r) in enumerate(pkg.resources.items()):
        charts = r.get("atlas", {}).get("charts") if isinstance(r.get("atlas"), dict) else None
        if charts is None:
            continue
        where = f"resources[{i}].atlas.charts"
        if name not in periods or not periods[name]:
            problems.append(Problem(file, None, where, RULE, name, "charts only on a fact table with a period column (atlas.period)"))
            continue
        if not isinstance(charts, list):
            problems.append(Problem(file, None, where, RULE, type(charts).__name__, "a list of chart declarations"))
            continue
        fields = {f.name: f for f in pkg.fields(name)}
        for j, d in enumerate(charts):
            at = f"{where}[{j}]"
            if not isinstance(d, dict):
                problems.append(Problem(file, None, at, RULE, type(d).__name__, "a chart declaration (an object)"))
                continue
            missing = [k for k in REQUIRED if not isinstance(d.get(k), str) or not d[k]]
            if missing:
                problems.append(Problem(file, None, at, RULE, ", ".join(missing), f"each of {', '.join(REQUIRED)} given as text"))
                continue
            unknown = sorted(set(d) - set(REQUIRED) - {"where"})
            if unknown:
                problems.append(Problem(file, None, f"{at}.{unknown[0]}", RULE, ", ".join(unknown), f"only {', '.join(REQUIRED)} and where"))
            if not SLUG.match(d["slug"]) or d["slug"] in seen:
                problems.append(Problem(file, None, f"{at}.slug", RULE, d["slug"], "a lower-case slug (letters, digits, hyphens) no other chart has"))
            seen.add(d["slug"])
            if not PAGE.match(d["page"]):
                problems.append(Problem(file, None, f"{at}.page", RULE, d["page"], "a docs page without .md, such as market or data/sales"))
            if d["series"] not in fields:
                problems.append(Problem(file, None, f"{at}.series", RULE, d["series"], f"a field of {name}"))
            if d["value"] not in fields or fields[d["value"]].type not in NUMERIC:
                problems.append(Problem(file, None, f"{at}.value", RULE, d["value"], f"a numeric field of {name}"))
            if d["period_kind"] not in KINDS:
                problems.append(Problem(file, None, f"{at}.period_kind", RULE, d["period_kind"], f"one of {', '.join(KINDS)}"))
            keep = d.get("where", {})
            if not isinstance(keep, dict):
                problems.append(Problem(file, None, f"{at}.where", RULE, type(keep).__name__, "an object: field -> the values the chart keeps"))
                keep = {}
            for column, values in keep.items():
                if column not in fields or not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    problems.append(Problem(file, None, f"{at}.where.{column}", RULE, repr(values)[:80],
                                            f"a field of {name} and the list of its values the chart keeps"))
            for key in ("title", "subtitle"):
                problems += _template(file, f"{at}.{key}", d[key])
    return problems


def holds_a_typed_number(template: str) -> bool:
    """A digit in a title or subtitle template is a number typed in code, not computed from the data: the one
    rule for the charts this package declares and those charts.py declares (tests/test_content.py)."""
    return re.search(r"\d", template) is not None


def _template(file: str, at: str, text: str) -> list[Problem]:
    if holds_a_typed_number(text):
        return [Problem(file, None, at, RULE, text, "no digit typed in: every number is a {name} computed from the data")]
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError:
        return [Problem(file, None, at, RULE, text, "a template whose braces each enclose a name")]
    unknown = [f for f in names if f not in FACTS]
    if unknown:
        return [Problem(file, None, at, RULE, unknown[0], f"one of the computed facts {', '.join(FACTS)}")]
    return []
