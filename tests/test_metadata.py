"""The descriptor checked as metadata, the way PUDL's test/unit/metadata_test.py checks its field registry:
same-named fields agree unless the descriptor says why not; every code the data uses has a row in its code
table and every code row is used (or the code table says why it keeps it); every field has a title and a
description; the descriptor's prose names nothing the package lacks.

Each check is a function from a package to its exact list of findings. The real package must have none,
and each check must find exactly the inconsistency planted in a copy of it: a check that a wrong descriptor
passes would be a defect.

"Every code row is used" is a rule of the real package: the fixture projects take the code tables from the
repository (tests/projects.py) and use only some of the codes.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict

import pytest

from atlas import codes
from atlas.package import DataPackage
from atlas.paths import DATAPACKAGE
from atlas.periods import PeriodError, period_bounds
from atlas.rules import KEY_SEPARATOR, RULES
from projects import Project

AGREE_ON = ("type", "title", "unit", "pattern", "description")
# Backquoted text in the prose that is neither a name nor a value of the package, each for a reason.
LITERALS = {
    "; ": "the separator of a claim's evidence references",
    "|": "the separator of the key values in an evidence reference",
    "table:key": "the shape of an evidence reference",
    "key": "the part of that shape named in the sentence that defines it",
    "YYYY-MM-DD/YYYY-MM-DD": "the shape of a span between two dates",
    "periods": "the atlas module that holds the period grammar",
}


def _attr(field: dict, attr: str):
    return field.get("constraints", {}).get("pattern") if attr == "pattern" else field.get(attr)


def field_disagreements(pkg: DataPackage) -> list[str]:
    """Same-named fields that differ in type, title, unit, pattern or description without a reason in
    `atlas.differs.<attribute>`, and reasons given for a field that does not differ."""
    by_name: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for resource, r in pkg.resources.items():
        for f in r["schema"]["fields"]:
            by_name[f["name"]].append((resource, f))
    findings = []
    for name, fields in by_name.items():
        for attr in AGREE_ON:
            plain = [(res, _attr(f, attr)) for res, f in fields if attr not in f.get("atlas", {}).get("differs", {})]
            values = defaultdict(list)
            for res, value in plain:
                values[json.dumps(value)].append(res)
            if len(values) > 1:
                said = "; ".join(f"{', '.join(sorted(rs))}: {v}" for v, rs in sorted(values.items(), key=lambda kv: sorted(kv[1])))
                findings.append(f"{name}.{attr} differs with no atlas.differs.{attr} saying why ({said})")
            common = [json.loads(v) for v in values] if len(values) == 1 else []  # the value every plain field has
            for res, f in fields:
                if attr in f.get("atlas", {}).get("differs", {}) and len(fields) > 1 and _attr(f, attr) in common:
                    findings.append(f"{res}.{name}: atlas.differs.{attr} says why it differs, but it agrees with the other {name} fields")
        for res, f in fields:
            for attr in f.get("atlas", {}).get("differs", {}):
                if attr not in AGREE_ON:
                    findings.append(f"{res}.{name}: atlas.differs.{attr} names no attribute that must agree ({', '.join(AGREE_ON)})")
                elif len(fields) == 1:
                    findings.append(f"{res}.{name}: atlas.differs.{attr}, but no other resource has a field {name}")
    return findings


def _uses(pkg: DataPackage) -> dict[str, dict[str, list[tuple[str, str, int]]]]:
    """code table -> code -> every (resource, field, row) that uses it."""
    uses: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for (resource, field), table in codes.coded_fields(pkg).items():
        for r in pkg.rows(resource):
            if r.get(field):
                uses[table][r[field]].append((resource, field, r["_row"]))
    return uses


def unknown_codes(pkg: DataPackage) -> list[str]:
    """Codes used in the data that have no row in their code table."""
    findings = []
    uses = _uses(pkg)
    for table in codes.code_tables(pkg):
        known = set(codes.codes(pkg, table))
        for code, where in uses[table].items():
            if code not in known:
                findings += [f"{res}.{field} row {row}: {code!r} has no row in {table}" for res, field, row in where]
    return findings


def unused_codes(pkg: DataPackage) -> list[str]:
    """Code rows that no row uses and the code table does not say why it keeps; reasons for codes that are used."""
    findings = []
    uses = _uses(pkg)
    referrers = defaultdict(list)
    for (resource, field), table in codes.coded_fields(pkg).items():
        referrers[table].append(f"{resource}.{field}")
    for table in codes.code_tables(pkg):
        allowed = codes.unused_allowed(pkg, table)
        known = codes.codes(pkg, table)
        for code in known:
            if code not in uses[table] and code not in allowed:
                findings.append(f"{table}: {code!r} is used by no row of {', '.join(referrers[table]) or 'any table'}, "
                                "and atlas.unused does not say why it is kept")
        for code in allowed:
            if code in uses[table]:
                findings.append(f"{table}: atlas.unused gives a reason to keep {code!r}, which rows use")
            elif code not in known:
                findings.append(f"{table}: atlas.unused names {code!r}, which is not a code of the table")
    return findings


def untitled(pkg: DataPackage) -> list[str]:
    """Resources and fields without a title or a description (read from the descriptor itself: the
    DataPackage reader falls back to the name)."""
    findings = []
    for resource, r in pkg.resources.items():
        findings += [f"{resource}: no {k}" for k in ("title", "description") if not str(r.get(k, "")).strip()]
        for f in r["schema"]["fields"]:
            findings += [f"{resource}.{f['name']}: no {k}" for k in ("title", "description") if not str(f.get(k, "")).strip()]
    return findings


def _prose(pkg: DataPackage):
    """(where, text) for every piece of prose in the descriptor, and the text cells of the code tables."""
    yield "package.description", pkg.meta.get("description", "")
    for resource, r in pkg.resources.items():
        yield f"{resource}.description", r.get("description", "")
        for code, why in r.get("atlas", {}).get("unused", {}).items():
            yield f"{resource}.atlas.unused.{code}", why
        for f in r["schema"]["fields"]:
            yield f"{resource}.{f['name']}.description", f.get("description", "")
            for attr, why in f.get("atlas", {}).get("differs", {}).items():
                yield f"{resource}.{f['name']}.atlas.differs.{attr}", why
    for table in codes.code_tables(pkg):
        for r in pkg.rows(table):
            for col, text in r.items():
                if col not in ("_row", "code"):
                    yield f"{table} row {r['_row']} {col}", text


def _is_period(token: str) -> bool:
    try:
        period_bounds(token)
        return True
    except PeriodError:
        return False


def unknown_names(pkg: DataPackage) -> list[str]:
    """Backquoted names in the prose that name nothing the package has: every one must be a resource, a field,
    a rule, a value that occurs in the data (a code row counts) or in an `enum`, a period label, an evidence
    reference to a row that exists, or one of LITERALS."""
    values, keys = set(), {}
    for resource in pkg.resources:
        pk = pkg.primary_key(resource)
        rows = pkg.rows(resource)
        values |= {v for r in rows for k, v in r.items() if k != "_row" and v}
        keys[resource] = {KEY_SEPARATOR.join(r[c] for c in pk) for r in rows}
    fields = [f for r in pkg.resources.values() for f in r["schema"]["fields"]]
    # An `enum` is a vocabulary declared in the descriptor, as a code table is in its rows: its values are names too.
    enums = {str(v) for f in fields for v in f.get("constraints", {}).get("enum", [])}
    names = set(pkg.resources) | {f["name"] for f in fields} | set(RULES) | enums
    findings = []
    for where, text in _prose(pkg):
        for token in re.findall(r"`([^`]+)`", text or ""):
            table, _, key = token.partition(":")
            if token in names or token in values or token in LITERALS or _is_period(token):
                continue
            if key and table in keys and key in keys[table]:
                continue
            findings.append(f"{where}: `{token}` names nothing in the package")
    return findings


CHECKS = {"same-named fields agree": field_disagreements, "every code used has a row": unknown_codes,
          "every code row is used": unused_codes, "every field has a title and a description": untitled,
          "the prose names only what the package has": unknown_names}


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_the_real_package_passes(check):
    assert CHECKS[check](DataPackage(DATAPACKAGE)) == []


# --- each check finds exactly what is planted in a copy of the real package ----------------------------

@pytest.fixture
def copy(tmp_path) -> Project:
    return Project.from_repository(tmp_path / "copy")


def edit(project: Project, change) -> DataPackage:
    meta = json.loads(project.descriptor.read_text(encoding="utf-8"))
    change({r["name"]: r for r in meta["resources"]}, meta)
    project.descriptor.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return DataPackage(project.descriptor)


def field(resources, resource, name) -> dict:
    return next(f for f in resources[resource]["schema"]["fields"] if f["name"] == name)


def test_a_title_typed_differently_in_one_table_is_found(copy):
    pkg = edit(copy, lambda R, m: field(R, "sales", "units").update(title="Vehicles"))
    assert field_disagreements(pkg) == [
        "units.title differs with no atlas.differs.title saying why (market_totals: \"Units\"; sales: \"Vehicles\")"]


def test_a_reason_for_a_field_that_agrees_is_found(copy):
    pkg = edit(copy, lambda R, m: field(R, "sales", "units").update(atlas={"differs": {"description": "none really"}}))
    assert field_disagreements(pkg) == ["sales.units: atlas.differs.description says why it differs, but it agrees with the other units fields"]


def test_a_reason_removed_from_a_field_that_differs_is_found(copy):
    pkg = edit(copy, lambda R, m: field(R, "production", "status").pop("atlas"))
    assert [f.split(" (")[0] for f in field_disagreements(pkg)] == ["status.description differs with no atlas.differs.description saying why"]


def test_a_reason_for_an_attribute_that_need_not_agree_is_found(copy):
    pkg = edit(copy, lambda R, m: field(R, "plants", "name")["atlas"]["differs"].update(format="x"))
    assert field_disagreements(pkg) == ["plants.name: atlas.differs.format names no attribute that must agree (type, title, unit, pattern, description)"]


def test_a_code_with_no_row_in_its_code_table_is_found(copy):
    copy.set_cell("market_totals", 0, "market", "jp-new-passenger-cars")
    copy.set_cell("sales", 2, "status", "guess")
    assert unknown_codes(DataPackage(copy.descriptor)) == [
        "market_totals.market row 2: 'jp-new-passenger-cars' has no row in codes_markets",
        "sales.status row 4: 'guess' has no row in codes_statuses"]


def test_the_validator_refuses_a_code_its_table_lacks_in_one_line(copy):
    copy.set_cell("sales", 2, "status", "guess")
    assert [str(p) for p in copy.problems()] == [
        "datasets/sales.csv:4:status: [foreign-key] found 'guess', expected a value that exists in codes_statuses.code"]


def test_a_code_row_no_row_uses_is_found(copy):
    copy.append("codes_markets", dict(code="jp-new-passenger-cars", label="New passenger cars", description="New passenger cars.",
                                      counted_by="", notes=""))
    assert unused_codes(DataPackage(copy.descriptor)) == [
        "codes_markets: 'jp-new-passenger-cars' is used by no row of market_totals.market, market_share.market, "
        "and atlas.unused does not say why it is kept"]


def test_an_unused_code_without_its_reason_and_a_reason_for_a_used_code_are_found(copy):
    def change(R, m):
        R["codes_production_statuses"]["atlas"]["unused"] = {"active": "kept", "retired": "kept"}
    pkg = edit(copy, change)
    assert unused_codes(pkg) == [
        "codes_production_statuses: 'cancelled' is used by no row of production.status, and atlas.unused does not say why it is kept",
        "codes_production_statuses: atlas.unused gives a reason to keep 'active', which rows use",
        "codes_production_statuses: atlas.unused names 'retired', which is not a code of the table"]


def test_a_field_or_resource_without_title_or_description_is_found(copy):
    def change(R, m):
        field(R, "sales", "units").pop("title")
        field(R, "codes_markets", "counted_by")["description"] = " "
        R["plants"].pop("description")
    assert untitled(edit(copy, change)) == ["plants: no description", "sales.units: no title", "codes_markets.counted_by: no description"]


def test_prose_that_names_a_code_the_data_lacks_is_found(copy):
    # the drift the code tables replaced: the descriptor listed a market no row has
    def change(R, m):
        field(R, "market_totals", "market")["description"] += " For example `jp-new-passenger-cars` or `jp-passenger-bev`."
        R["claims"]["description"] += " See `events:no-such-event` and `events:plt-reuters-kyushu-kei-ev-2024`."
    edit(copy, change)
    copy.set_cell("codes_measures", 3, "description", "Handed to customers (`delivered`).")
    assert unknown_names(DataPackage(copy.descriptor)) == [
        "market_totals.market.description: `jp-new-passenger-cars` names nothing in the package",
        "claims.description: `events:no-such-event` names nothing in the package",
        "codes_measures row 5 description: `delivered` names nothing in the package"]


def test_every_coded_field_of_the_real_package_has_its_foreign_key():
    assert codes.coded_fields(DataPackage(DATAPACKAGE)) == {
        ("sources", "reliability"): "codes_reliability_tiers", ("production", "status"): "codes_production_statuses",
        ("sales", "measure"): "codes_measures", ("sales", "status"): "codes_statuses", ("market_totals", "market"): "codes_markets",
        ("market_totals", "status"): "codes_statuses", ("market_share", "market"): "codes_markets", ("market_share", "status"): "codes_statuses",
        ("company_results", "status"): "codes_statuses", ("claims", "verdict"): "codes_verdicts"}


def test_fact_tables_and_the_columns_that_cite_sources_are_read_from_the_descriptor():
    from atlas import facts

    pkg = DataPackage(DATAPACKAGE)
    assert {name: (f.key, f.value, f.period) for name, f in facts.fact_tables(pkg).items()} == {
        "sales": (["model_id", "geography", "period", "measure", "cumulative"], ["units"], "period"),
        "market_totals": (["market", "maker", "geography", "period"], ["units"], "period"),
        "market_share": (["subject", "market", "geography", "period"], ["share_pct"], "period"),
        "company_results": (["maker", "fiscal_year"], ["revenue_jpy_bn", "operating_profit_jpy_bn", "operating_margin_pct"], "fiscal_year")}
    assert {name: facts.source_columns(pkg, name) for name in pkg.resources if facts.source_columns(pkg, name) != ["source_id"]} == {
        "sources": [], "models": ["source_id", "specs_source_id"], "plants": ["source_id", "coord_source_id"],
        **{t: [] for t in codes.code_tables(pkg)}}


def test_a_new_fact_table_is_declared_in_the_descriptor_alone(copy):
    from atlas import facts

    pkg = edit(copy, lambda R, m: R["production"].update(atlas={"role": "fact", "key": ["model_id", "plant_id"], "value": ["start_year"]}))
    assert facts.fact_keys(pkg)["production"] == ["model_id", "plant_id"]
    assert facts.value_columns(pkg)["production"] == ["start_year"]
    assert "production" not in facts.period_columns(pkg)


def test_labels_read_the_same_from_the_files_and_from_the_loaded_tables():
    from atlas.tables import load_tables

    pkg = DataPackage(DATAPACKAGE)
    tables = load_tables(pkg)
    for table in codes.code_tables(pkg):
        assert codes.labels(tables, table, pkg) == codes.labels(pkg, table), table
    assert list(codes.labels(pkg, "statuses").items()) == [
        ("reported", "reported"), ("approx", "approximate (source's qualifier)"), ("estimate", "estimate (source's own)"),
        ("derived", "derived (our arithmetic)")]
    with pytest.raises(KeyError, match="'tiers' is not a code table"):
        codes.labels(pkg, "tiers")


def labels_typed_in(folders, tables=("codes_markets", "codes_statuses", "codes_reliability_tiers")) -> list[str]:
    """Where a label of a market, a status or a reliability tier is typed in code or prose, as file:line: label.
    A label that is also its code (a status such as `reported`) is the code, and may be named."""
    pkg = DataPackage(DATAPACKAGE)
    labels = {label for t in tables for code, label in codes.labels(pkg, t).items() if label != code}
    found = []
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".py", ".md", ".js", ".html", ".yml", ".css")):
            for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                found += [f"{path.relative_to(folder.parent).as_posix()}:{i}: {label}" for label in sorted(labels) if label in line]
    return found


def test_no_label_of_a_market_status_or_tier_is_typed_in_scripts_or_docs(tmp_path):
    """Issue 13: the code tables are the one place these labels are written; scripts and docs read them."""
    from atlas.paths import ROOT

    assert labels_typed_in([ROOT / "scripts", ROOT / "docs"]) == []
    planted = tmp_path / "scripts"
    planted.mkdir()
    (planted / "legend.py").write_text('LABEL = "Kei passenger BEVs"\n', encoding="utf-8")
    assert labels_typed_in([planted]) == ["scripts/legend.py:1: Kei passenger BEVs"]


def test_a_code_row_read_from_loaded_tables_is_text_with_empty_cells_empty():
    """Charts read code tables from the loaded (typed) tables, pages from the CSV: both give the same text."""
    from atlas.tables import load_tables

    pkg = DataPackage(DATAPACKAGE)
    loaded = codes.rows(load_tables(pkg), "markets", pkg)
    assert loaded == codes.rows(pkg, "markets")
    assert {r["code"]: r["counted_by"] for r in loaded}["jp-new-cars-all"] == ""
