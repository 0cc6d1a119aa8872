"""Validation: each corruption of the `tiny` fixture yields exactly its expected problems, as
(file, row, column, rule), the way frictionless-py's own tests compare report.flatten() with a list.

CASES holds one corruption per check; a check registered without a case here, or a case that yields
more (or other) problems than its one line, fails the suite.
"""
from __future__ import annotations

import json
import shutil

import pytest

from atlas.descriptor_checks import DESCRIPTOR_RULES
from atlas.frictionless_check import FRICTIONLESS_RULES
from atlas.paths import DATAPACKAGE, ROOT
from atlas.rules import RULES
from atlas.textchecks import TEXT_RULES
from atlas.validate import validate_package
from projects import Project, atlas

S, M, E, P, MT, MS, PL, CR, C, PR = (f"datasets/{n}.csv" for n in ("sales", "models", "events", "sources", "market_totals",
                                                                  "market_share", "plants", "company_results", "claims", "production"))


def edit_lines(project, resource, change):
    path = project.path(resource)
    lines = path.read_text(encoding="utf-8").split("\n")
    change(lines)
    path.write_text("\n".join(lines), encoding="utf-8")


def add_column(project, resource, name, value):
    rows = project.rows(resource)
    for r in rows:
        r[name] = value
    project.write_rows(resource, rows, project.header(resource) + [name])


def rename_column(project, resource, old, new):
    header = [new if h == old else h for h in project.header(resource)]
    rows = [{(new if k == old else k): v for k, v in r.items()} for r in project.rows(resource)]
    project.write_rows(resource, rows, header)


def replace_bytes(project, resource, fn):
    path = project.path(resource)
    path.write_bytes(fn(path.read_bytes()))


def duplicate_header_column(project, resource):
    edit_lines(project, resource, lambda L: L.__setitem__(0, L[0].replace("notes", "name")))


def edit_descriptor(project, change):
    import json

    meta = json.loads(project.descriptor.read_text(encoding="utf-8"))
    change(meta)
    project.descriptor.write_text(json.dumps(meta, indent=2), encoding="utf-8")


def constrain(project, resource, name, **constraints):
    def change(meta):
        fields = next(r for r in meta["resources"] if r["name"] == resource)["schema"]["fields"]
        next(f for f in fields if f["name"] == name).setdefault("constraints", {}).update(constraints)
    edit_descriptor(project, change)


def resource_path(project, name, path):
    edit_descriptor(project, lambda m: next(r for r in m["resources"] if r["name"] == name).update(path=path))


def sales(p, i, col, value):
    p.set_cell("sales", i, col, value)


# Row numbers are lines of the file: the header is row 1. In the tiny fixture, sales rows 2-3 are the
# Sakura's January and March 2023, row 7 its 2023 year (1000, preferred) and row 8 a second source's
# 990; rows 10-11 its running totals (800, then 1500); models row 5 is the Sakura, row 6 its twin. Claims
# rows 2-3 cite rows as evidence (the Kyushu plan, the Sakura's share); row 4 is not checkable and cites none.
DP = "datapackage.json"
CASES = {
    # the descriptor, before any file is read
    "descriptor-version": (lambda p: edit_descriptor(p, lambda m: m.update(version="../../outside")), [(DP, None, "version", "descriptor-version")]),
    "descriptor-resources": (lambda p: edit_descriptor(p, lambda m: m.update(resources=[])), [(DP, None, "resources", "descriptor-resources")]),
    "resource-path": (lambda p: resource_path(p, "events", "../events.csv"), [(DP, None, "resources[4].path", "resource-path")]),
    "descriptor": (lambda p: p.descriptor.write_text("[]", encoding="utf-8"), [(DP, None, None, "descriptor")]),
    "field-type": (lambda p: edit_descriptor(p, lambda m: next(f for f in m["resources"][5]["schema"]["fields"] if f["name"] == "units").update(type="number")),
                   [(DP, None, "resources[5].schema.fields[6].type", "field-type")]),
    "chart-declaration": (lambda p: edit_descriptor(p, lambda m: m["resources"][5]["atlas"].update(charts=[{
        "slug": "units-by-year", "page": "sales", "series": "model_id", "value": "model_id", "period_kind": "year",
        "title": "{peak_series} sold {peak} in {peak_period}", "subtitle": "Units a year"}])),
                          [(DP, None, "resources[5].atlas.charts[0].value", "chart-declaration")]),
    "resource-encoding": (lambda p: edit_descriptor(p, lambda m: m["resources"][5].update(encoding="shift_jis")),
                          [(DP, None, "resources[5].encoding", "resource-encoding")]),
    # frictionless
    "type-error": (lambda p: sales(p, 0, "units", "lots"), [(S, 2, "units", "type-error")]),
    "required": (lambda p: p.set_cell("models", 0, "maker", ""), [(M, 2, "maker", "required")]),
    "minimum": (lambda p: sales(p, 0, "units", "-5"), [(S, 2, "units", "minimum")]),
    "maximum": (lambda p: p.set_cell("market_share", 0, "share_pct", "101"), [(MS, 2, "share_pct", "maximum")]),
    "enum": (lambda p: p.set_cell("sources", 0, "kind", "rumour"), [(P, 2, "kind", "enum")]),
    "pattern": (lambda p: p.set_cell("sources", 0, "language", "english"), [(P, 2, "language", "pattern")]),
    "missing-cell": (lambda p: edit_lines(p, "events", lambda L: L.__setitem__(2, L[2].rsplit(",", 2)[0])),
                     [(E, 3, "source_id", "missing-cell")]),
    "extra-cell": (lambda p: edit_lines(p, "events", lambda L: L.__setitem__(2, L[2] + ",surplus")), [(E, 3, None, "extra-cell")]),
    "blank-row": (lambda p: edit_lines(p, "sources", lambda L: L.insert(2, "")), [(P, 3, None, "blank-row")]),
    "missing-label": (lambda p: p.write_rows("events", p.rows("events"), [h for h in p.header("events") if h != "notes"]),
                      [(E, 1, "notes", "missing-label")]),
    "extra-label": (lambda p: add_column(p, "events", "colour", "red"), [(E, 1, "colour", "extra-label")]),
    "incorrect-label": (lambda p: rename_column(p, "events", "notes", "remarks"), [(E, 1, "notes", "incorrect-label")]),
    "duplicate-label": (lambda p: duplicate_header_column(p, "models"), [(M, 1, "notes", "duplicate-label")]),
    "blank-label": (lambda p: edit_lines(p, "plants", lambda L: L.__setitem__(0, L[0].replace(",notes", ","))), [(PL, 1, "notes", "blank-label")]),
    "primary-key": (lambda p: p.append("models", dict(p.rows("models")[0])), [(M, 10, None, "primary-key")]),
    "unique-error": (lambda p: constrain(p, "plants", "city", unique=True) or p.set_cell("plants", 1, "city", "Kurashiki"),
                     [(PL, 3, "city", "unique-error")]),
    "foreign-key": (lambda p: sales(p, 0, "source_id", "no-such-source"), [(S, 2, "source_id", "foreign-key")]),
    # the bytes of the files
    # a file that cannot be read is one line, and one more says which checks that need it did not run
    "file-exists": (lambda p: p.path("production").unlink(), [(PR, None, None, "file-exists"), (PR, None, None, "not-checked")]),
    "no-bom": (lambda p: replace_bytes(p, "models", lambda b: b"\xef\xbb\xbf" + b), [(M, 1, None, "no-bom")]),
    "encoding": (lambda p: replace_bytes(p, "events", lambda b: b + "x,2024-01-01,day,launch,,,caf\u00e9,fx-news,\n".encode("latin-1")),
                 [(E, None, None, "not-checked"), (E, 6, None, "encoding")]),
    "no-records": (lambda p: replace_bytes(p, "production", lambda b: b.split(b"\n")[0] + b"\n"),
                   [(PR, None, None, "not-checked"), (PR, 1, None, "no-records")]),
    "not-checked": (lambda p: replace_bytes(p, "sources", lambda b: b.split(b"\n")[0] + b"\n"),
                    [(P, None, None, "not-checked"), (P, 1, None, "no-records")]),
    "quote": (lambda p: edit_lines(p, "events", lambda L: L.__setitem__(2, L[2].replace("The fixture", '"The fixture'))),
              [(E, None, None, "not-checked"), (E, 3, None, "quote")]),
    "delimiter": (lambda p: replace_bytes(p, "events", lambda b: b.replace(b",", b"\t")), [(E, None, None, "not-checked"), (E, 1, None, "delimiter")]),
    "repeated-header": (lambda p: edit_lines(p, "events", lambda L: L.insert(3, L[0])), [(E, 4, None, "repeated-header")]),
    "control-character": (lambda p: p.set_cell("events", 0, "notes", "a\x00b"), [(E, 2, "notes", "control-character")]),
    "cell-size": (lambda p: p.set_cell("events", 0, "notes", "x" * 10_001), [(E, 2, "notes", "cell-size")]),
    "value-form": (lambda p: sales(p, 0, "units", "\uff11\uff10\uff10"), [(S, 2, "units", "value-form")]),
    # frictionless stops at 1,000 errors in a table: the line after them says so (row 1006, past the limit, is
    # still caught by value-form, which reads every row)
    "error-limit": (lambda p: p.append("events", *[dict(p.rows("events")[0], event_id=f"ev-x{i}", date="x") for i in range(1001)]),
                    [(E, None, None, "error-limit")] + [(E, r, "date", "type-error") for r in range(6, 1006)] + [(E, 1006, "date", "value-form")]),
    "line-ends": (lambda p: replace_bytes(p, "models", lambda b: b.replace(b"\n", b"\r\n")), [(M, 1, None, "line-ends")]),
    "final-newline": (lambda p: replace_bytes(p, "models", lambda b: b.rstrip(b"\n")), [(M, 9, None, "final-newline")]),
    "no-surrounding-space": (lambda p: p.set_cell("models", 0, "name", " Tama"), [(M, 2, "name", "no-surrounding-space")]),
    # the project's rules
    "period-label": (lambda p: sales(p, 0, "period", "2023-13"), [(S, 2, "period", "period-label")]),
    "period-dates": (lambda p: sales(p, 0, "period_end", "2023-01-30"), [(S, 2, "period_end", "period-dates")]),
    "one-preferred": (lambda p: sales(p, 6, "preferred", "true"), [(S, 8, "preferred", "one-preferred")]),
    "parts-within-whole": (lambda p: sales(p, 1, "units", "950"), [(S, 7, "units", "parts-within-whole")]),
    "share-matches-computed": (lambda p: p.set_cell("market_share", 0, "share_pct", "45"), [(MS, 2, "share_pct", "share-matches-computed")]),
    "coordinates-in-country": (lambda p: p.set_cell("plants", 0, "longitude", "-133.76667"), [(PL, 2, "latitude,longitude", "coordinates-in-country")]),
    "source-cited": (lambda p: p.append("sources", dict(p.rows("sources")[0], source_id="never-cited")), [(P, 6, "source_id", "source-cited")]),
    "absolute-url": (lambda p: p.set_cell("sources", 0, "url", "https:///path"), [(P, 2, "url", "absolute-url")]),
    "cumulative-nondecreasing": (lambda p: sales(p, 9, "units", "700"), [(S, 11, "units", "cumulative-nondecreasing")]),
    "not-in-future": (lambda p: p.set_cell("events", 0, "date", "2030-01-01"), [(E, 2, "date", "not-in-future")]),
    "date-precision": (lambda p: p.set_cell("events", 1, "date_precision", "month"), [(E, 3, "date", "date-precision")]),
    "twins-symmetric": (lambda p: p.set_cell("models", 4, "twin_id", "tama-fx"), [(M, 6, "twin_id", "twins-symmetric")]),
    "lineage-acyclic": (lambda p: p.set_cell("models", 0, "predecessor_id", "nissan-leaf-ze1"), [(M, 2, "predecessor_id", "lineage-acyclic")]),
    "kei-flag": (lambda p: p.set_cell("models", 3, "is_kei", "false"), [(M, 5, "is_kei", "kei-flag")]),
    # one message per bad reference (an unknown event, an unknown table), and one for a checkable claim citing nothing
    "claim-evidence": (lambda p: (p.set_cell("claims", 0, "evidence", "events:ev-kyushu-plan; events:no-such-event; nowhere:x"),
                                  p.set_cell("claims", 1, "evidence", "")),
                       [(C, 2, "evidence", "claim-evidence"), (C, 2, "evidence", "claim-evidence"), (C, 3, "evidence", "claim-evidence")]),
}

CHECKS = {**DESCRIPTOR_RULES, **FRICTIONLESS_RULES, **TEXT_RULES, **{r.id: r.description for r in RULES.values()}}


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("ATLAS_TODAY", "2026-12-01")


def test_the_tiny_fixture_is_valid(tiny):
    assert tiny.places() == []


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_every_check_has_a_failing_case_and_a_description(check):
    assert check in CASES, f"check {check!r} has no failing case in CASES"
    assert CHECKS[check].endswith("."), check


@pytest.mark.parametrize("check", sorted(CASES))
def test_each_corruption_yields_exactly_its_problems(tiny, check):
    corrupt, expected = CASES[check]
    corrupt(tiny)
    problems = tiny.problems()
    assert [(p.file, p.row, p.column, p.rule) for p in problems] == expected
    # each case is about its own check; an unreadable table also says which checks it silenced (not-checked),
    # and the case of that line needs a table that cannot be read (here: one without records)
    assert {rule for *_, rule in expected} - {"not-checked", "type-error" if check == "error-limit" else ""} == (
        {"no-records"} if check == "not-checked" else {check, "value-form"} if check == "error-limit" else {check})
    assert [str(p) for p in problems] == MESSAGES[check]


# --- cascades: one fault, one message --------------------------------------------------------------

def test_a_rejected_total_is_not_checked_again_by_the_share_and_sum_rules(tiny):
    # units -3 would also break parts-within-whole and share-matches-computed if the rules saw it.
    tiny.set_cell("market_totals", 0, "units", "-3")
    assert tiny.places() == [(MT, 2, "units", "minimum")]


def test_a_share_out_of_range_is_not_compared_with_the_computed_one(tiny):
    tiny.set_cell("market_share", 0, "share_pct", "101")
    assert tiny.places() == [(MS, 2, "share_pct", "maximum")]


def test_a_badly_spelled_flag_is_one_type_error_not_a_preferred_row_count(tiny):
    tiny.set_cell("sales", 5, "preferred", "True")
    assert [str(p) for p in tiny.problems()] == [f"{S}:7:preferred: [type-error] found 'True', expected true or false"]


def test_an_impossible_date_is_one_type_error(tiny):
    tiny.set_cell("sales", 0, "period_end", "2023-02-30")
    assert tiny.places() == [(S, 2, "period_end", "type-error")]


def test_a_loop_through_three_models_is_one_message(tiny):
    tiny.set_cell("models", 0, "predecessor_id", "nissan-leaf-ze1")
    assert [str(p) for p in tiny.problems()] == [
        f"{M}:2:predecessor_id: [lineage-acyclic] found 'nissan-leaf-ze1', expected a chain of predecessors that does not "
        "come back to this model (loop: nissan-leaf-ze0, nissan-leaf-ze1, tama-fx)"]


def test_a_model_that_is_its_own_predecessor_is_a_loop(tiny):
    tiny.set_cell("models", 3, "predecessor_id", "nissan-sakura")
    assert tiny.places() == [(M, 5, "predecessor_id", "lineage-acyclic")]


def test_all_problems_are_reported_not_only_the_first(tiny):
    tiny.set_cell("sales", 0, "units", "-1")
    tiny.set_cell("models", 0, "maker", "")
    tiny.set_cell("sources", 1, "url", "https:///x")
    assert tiny.places() == [(M, 2, "maker", "required"), (S, 2, "units", "minimum"), (P, 3, "url", "absolute-url")]


@pytest.mark.parametrize("path", ["/etc/passwd", "https://example.org/sales.csv", "datasets/../../sales.csv", "escape/sales.csv"])
def test_a_resource_path_outside_the_project_is_refused_before_anything_is_read(tiny, path):
    (tiny.root / "escape").symlink_to("/tmp", target_is_directory=True)
    resource_path(tiny, "sales", path)
    assert [str(p) for p in tiny.problems()] == [
        f"datapackage.json::resources[5].path: [resource-path] found {path!r}, expected a relative path to a file inside the project folder"]


# --- what a message says -----------------------------------------------------------------------------

def test_a_broken_self_reference_names_the_table_it_points_into(tiny):
    tiny.set_cell("models", 1, "predecessor_id", "nope")
    assert [str(p) for p in tiny.problems()] == [
        f"{M}:3:predecessor_id: [foreign-key] found 'nope', expected a value that exists in models.model_id"]


def test_a_constraint_without_a_wording_of_its_own_is_named_with_its_value(tiny):
    constrain(tiny, "models", "name", maxLength=11)
    assert [str(p) for p in tiny.problems()] == [f"{M}:2:name: [maxLength] found 'Tama Fixture', expected maxLength 11"]


def test_a_model_that_is_its_own_twin_is_one_message(tiny):
    tiny.set_cell("models", 0, "twin_id", "tama-fx")
    assert [str(p) for p in tiny.problems()] == [
        f"{M}:2:twin_id: [twins-symmetric] found 'tama-fx', expected another model's id: a model is not its own twin"]


@pytest.mark.parametrize("url, rule", [("https://:80", "absolute-url"), ("https:///path", "absolute-url"),
                                       ("http://", "pattern"), ("mailto:someone@example.org", "pattern")])
def test_a_url_without_a_host_is_refused_once(tiny, url, rule):
    tiny.set_cell("sources", 0, "url", url)
    assert tiny.places() == [(P, 2, "url", rule)]


def test_date_precision_year_asks_for_1_january(tiny):
    tiny.set_cell("events", 1, "date_precision", "year")
    assert [str(p) for p in tiny.problems()] == [
        f"{E}:3:date: [date-precision] found '2022-06-16', expected day 01 and month 01 when date_precision is year"]


REF_SHAPE = "table:key (key = the row's primary-key values joined by |, in primary-key order; references separated by '; ')"


@pytest.mark.parametrize("evidence, line", [
    ("events:no-such-event", f"{C}:2:evidence: [claim-evidence] found 'events:no-such-event', expected a reference {REF_SHAPE} "
                             "to a row that exists in events (its key: event_id)"),
    # a key of the wrong length, or one whose parts are in the wrong order, names no row
    ("sales:nissan-sakura|JP|2023|sales|false", f"{C}:2:evidence: [claim-evidence] found 'sales:nissan-sakura|JP|2023|sales|false', "
     f"expected a reference {REF_SHAPE} to a row that exists in sales (its key: model_id|geography|period|measure|cumulative|source_id)"),
    ("production:nissan-kyushu|nissan-next-kei-ev|fx-news", f"{C}:2:evidence: [claim-evidence] found 'production:nissan-kyushu|nissan-next-kei-ev|fx-news', "
     f"expected a reference {REF_SHAPE} to a row that exists in production (its key: model_id|plant_id|source_id)"),
    ("nowhere:ev-kyushu-plan", f"{C}:2:evidence: [claim-evidence] found 'nowhere:ev-kyushu-plan', expected a reference {REF_SHAPE} naming a table "
     "of the package (claims, codes_markets, codes_measures, codes_production_statuses, codes_reliability_tiers, codes_statuses, codes_verdicts, company_results, events, market_share, market_totals, models, plants, production, sales, sources) and a row that exists in it"),
    ("", f"{C}:2:evidence: [claim-evidence] found '', expected at least one reference {REF_SHAPE} to a row that exists; "
         "only a claim whose verdict is not checkable may cite none"),
])
def test_a_claim_reference_that_names_no_row_is_one_message(tiny, evidence, line):
    tiny.set_cell("claims", 0, "evidence", evidence)
    assert [str(p) for p in tiny.problems()] == [line]


@pytest.mark.parametrize("evidence", ["ev-kyushu-plan", "events:ev-kyushu-plan;events:ev-kyushu-denial", "events:ev-kyushu-plan;"])
def test_evidence_that_is_not_a_list_of_references_is_one_pattern_error(tiny, evidence):
    tiny.set_cell("claims", 0, "evidence", evidence)
    assert tiny.places() == [(C, 2, "evidence", "pattern")]


def test_every_key_form_of_a_claim_reference_resolves(tiny):
    # company_results (maker|fiscal_year|source_id), plants, models and the claims table itself are all citable
    tiny.set_cell("claims", 0, "evidence", "company_results:Toyota|FY2023|fx-news; plants:nissan-kyushu; models:nissan-sakura; claims:fx-rivals")
    assert tiny.places() == []


def test_a_claim_not_checkable_may_still_cite_context_rows(tiny):
    tiny.set_cell("claims", 2, "evidence", "events:ev-kyushu-plan")
    assert tiny.places() == []


def test_a_fiscal_year_label_that_names_other_months_is_one_message(tiny):
    tiny.set_cell("company_results", 2, "fiscal_year", "FY2024")  # Toyota's own label, for April 2023 to March 2024
    assert [str(p) for p in tiny.problems()] == [
        f"{CR}:4:fiscal_year: [period-dates] found 'FY2024', expected the label of 2023-04-01 to 2024-03-31, "
        "or dates 2024-04-01 to 2025-03-31 for FY2024"]


def test_a_registered_model_flagged_kei_is_told_the_flag_its_segment_wants(tiny):
    tiny.set_cell("models", 0, "is_kei", "true")  # the Tama is a compact car
    assert [str(p) for p in tiny.problems()] == [f"{M}:2:is_kei: [kei-flag] found 'true', expected false for segment compact"]


@pytest.mark.parametrize("column, value, first", [("latitude", "north", (PL, 2, "latitude", "type-error")),
                                                  ("country", "DE", (PL, 2, "country", "coordinates-in-country"))])
def test_a_plant_that_cannot_be_placed_does_not_stop_the_check_of_the_plants_after_it(tiny, column, value, first):
    tiny.set_cell("plants", 0, column, value)  # a rejected latitude, or a country whose outline is not shipped
    tiny.set_cell("plants", 3, "latitude", "-54.90465")  # Sunderland moved to the southern ocean
    assert tiny.places() == [first, (PL, 5, "latitude,longitude", "coordinates-in-country")]


def test_one_wrong_date_is_named_by_its_column(tiny):
    tiny.set_cell("company_results", 1, "period_end", "2023-10-31")
    assert tiny.places() == [(CR, 3, "period_end", "period-dates")]


def test_a_share_within_tolerance_passes_and_one_beyond_fails(tiny):
    tiny.set_cell("market_share", 0, "share_pct", "41")  # computed 40.0: 1 point is within the tolerance
    assert tiny.places() == []
    tiny.set_cell("market_share", 0, "share_pct", "41.1")
    assert tiny.places() == [(MS, 2, "share_pct", "share-matches-computed")]
    tiny.set_cell("market_share", 0, "status", "approx")  # "about 41%": 5 points of room
    assert tiny.places() == []


def test_a_figure_for_a_period_not_yet_over_must_be_an_estimate(tiny):
    (row,) = tiny.append("sales", dict(tiny.rows("sales")[4], period="2027", period_start="2027-01-01", period_end="2027-12-31"))
    assert tiny.places() == [(S, row, "period_end", "not-in-future")]
    tiny.set_cell("sales", row - 2, "status", "estimate")
    assert tiny.places() == []


def test_a_planned_start_after_today_is_allowed_only_as_a_plan(tiny):
    tiny.set_cell("production", 2, "status", "active")
    assert tiny.places() == [("datasets/production.csv", 4, "start_year", "not-in-future")]


# --- the real package, and the command line -----------------------------------------------------------

@pytest.fixture
def released_today(monkeypatch):
    """The real data checked as of its release date (no source can be read after the release), not the tiny
    fixture's pinned day."""
    monkeypatch.setenv("ATLAS_TODAY", json.loads(DATAPACKAGE.read_text(encoding="utf-8"))["created"][:10])


def test_real_package_is_valid(released_today):
    assert [str(p) for p in validate_package(DATAPACKAGE)] == []


def test_cli_passes_on_real_package(released_today):
    out = atlas("validate", str(DATAPACKAGE))
    assert (out.returncode, out.stdout, out.stderr) == (0, f"ok: {DATAPACKAGE} is valid (frictionless and the project's rules)\n", "")


def test_cli_prints_one_line_per_problem_and_no_traceback(tiny):
    tiny.set_cell("sales", 0, "units", "-5")
    tiny.set_cell("sources", 0, "url", "https:///page")
    out = atlas("validate", str(tiny.descriptor), env={"ATLAS_TODAY": "2026-12-01"})
    assert out.returncode == 1
    assert out.stdout.splitlines() == [
        f"{S}:2:units: [minimum] found '-5', expected a value >= 0",
        f"{P}:2:url: [absolute-url] found 'https:///page', expected an absolute http(s) URL",
    ]
    assert out.stderr == f"2 problem(s) in {tiny.descriptor}\n"


def test_cli_reports_an_unreadable_descriptor_without_traceback(tmp_path):
    bad = tmp_path / "datapackage.json"
    bad.write_text("{ not json", encoding="utf-8")
    out = atlas("validate", str(bad))
    assert (out.returncode, out.stdout, out.stderr) == (
        1, "datapackage.json: [descriptor] found 'Expecting property name enclosed in double quotes: line 1 column 3 (char 2)', "
           "expected a readable JSON Data Package descriptor\n", f"1 problem(s) in {bad}\n")


# The whole line each corruption prints (read and checked by hand): the value found and what was expected.
MESSAGES = {
    'descriptor-version': ["datapackage.json::version: [descriptor-version] found '../../outside', expected a version such as 0.2.0"],
    'descriptor-resources': ["datapackage.json::resources: [descriptor-resources] found '[]', expected a list of one or more resources"],
    'resource-path': ["datapackage.json::resources[4].path: [resource-path] found '../events.csv', expected a relative path to a file inside the project folder"],
    'type-error': ["datasets/sales.csv:2:units: [type-error] found 'lots', expected a value of type integer"],
    'required': ["datasets/models.csv:2:maker: [required] found '', expected a value (the column is required)"],
    'minimum': ["datasets/sales.csv:2:units: [minimum] found '-5', expected a value >= 0"],
    'maximum': ["datasets/market_share.csv:2:share_pct: [maximum] found '101', expected a value <= 100"],
    'enum': ["datasets/sources.csv:2:kind: [enum] found 'rumour', expected one of ['press-release', 'statistics', 'news', 'trade-press', 'reference', 'blog']"],
    'pattern': ["datasets/sources.csv:2:language: [pattern] found 'english', expected text matching ^[a-z]{2}$"],
    'missing-cell': ["datasets/events.csv:3:source_id: [missing-cell] found '7 cells', expected 9 cells, one per column (missing: source_id, notes)"],
    'extra-cell': ["datasets/events.csv:3: [extra-cell] found 'surplus', expected no more cells than the header has columns"],
    'blank-row': ["datasets/sources.csv:3: [blank-row] found 'an empty row', expected no blank rows"],
    'missing-label': ["datasets/events.csv:1:notes: [missing-label] found 'no such column', expected a column named 'notes', as datapackage.json says"],
    'extra-label': ["datasets/events.csv:1:colour: [extra-label] found 'colour', expected only the columns that datapackage.json names"],
    'incorrect-label': ["datasets/events.csv:1:notes: [incorrect-label] found 'remarks', expected the column named in datapackage.json"],
    'duplicate-label': ["datasets/models.csv:1:notes: [duplicate-label] found 'name', expected unique column names"],
    'blank-label': ["datasets/plants.csv:1:notes: [blank-label] found '', expected a name for every column"],
    'unique-error': ["datasets/plants.csv:3:city: [unique-error] found 'Kurashiki', expected a value no other row has (the same as in the row at position 2)"],
    'primary-key': ["datasets/models.csv:10: [primary-key] found 'model_id=tama-fx', expected a unique primary key (model_id); the same as in the row at position 2"],
    'foreign-key': ["datasets/sales.csv:2:source_id: [foreign-key] found 'no-such-source', expected a value that exists in sources.source_id"],
    'file-exists': ["datasets/production.csv: [file-exists] found 'no such file', expected the file named by datapackage.json", "datasets/production.csv: [not-checked] found 'its rows (no such file); the rules source-cited, not-in-future, claim-evidence', expected a table that can be read; until then these checks are not run"],
    'no-bom': ["datasets/models.csv:1: [no-bom] found 'a UTF-8 byte order mark', expected UTF-8 without a BOM"],
    'encoding': ["datasets/events.csv: [not-checked] found 'its rows (not UTF-8); the rules source-cited, not-in-future, date-precision, claim-evidence', expected a table that can be read; until then these checks are not run", 'datasets/events.csv:6: [encoding] found "b\'\\\\xe9,fx\'", expected UTF-8 text'],
    'line-ends': ["datasets/models.csv:1: [line-ends] found 'CR or CRLF line end', expected LF line ends"],
    'final-newline': ["datasets/models.csv:9: [final-newline] found 'no newline at end of file', expected a newline after the last row"],
    'no-surrounding-space': ["datasets/models.csv:2:name: [no-surrounding-space] found ' Tama', expected no leading or trailing spaces"],
    'period-label': ["datasets/sales.csv:2:period: [period-label] found '2023-13', expected a known period label (unknown period label '2023-13')"],
    'period-dates': ["datasets/sales.csv:2:period_end: [period-dates] found '2023-01-30', expected 2023-01-31 for period 2023-01"],
    'one-preferred': ["datasets/sales.csv:8:preferred: [one-preferred] found '2 preferred of 2 rows for model_id=nissan-sakura, geography=JP, period=2023, measure=sales, cumulative=false', expected exactly one preferred row per fact"],
    'parts-within-whole': ["datasets/sales.csv:7:units: [parts-within-whole] found 'month rows of 2023 add up to 1050', expected at most 1000, the 2023 figure"],
    'share-matches-computed': ["datasets/market_share.csv:2:share_pct: [share-matches-computed] found '45', expected within 1 points of 40.0, computed from sales row 7 and market_totals row 2"],
    'coordinates-in-country': ["datasets/plants.csv:2:latitude,longitude: [coordinates-in-country] found '34.58333, -133.76667', expected a point inside JP's outline, or within 10 km of it for coord_precision city (this one is over 1,000 km outside)"],
    'source-cited': ["datasets/sources.csv:6:source_id: [source-cited] found 'never-cited', expected a source cited by at least one row"],
    'absolute-url': ["datasets/sources.csv:2:url: [absolute-url] found 'https:///path', expected an absolute http(s) URL"],
    'cumulative-nondecreasing': ["datasets/sales.csv:11:units: [cumulative-nondecreasing] found '700', expected at least 800, the running total at 2023-06-30 (row 10)"],
    'not-in-future': ["datasets/events.csv:2:date: [not-in-future] found '2030-01-01', expected a date no later than 2026-12-01; a plan belongs in production with status planned or reported"],
    'date-precision': ["datasets/events.csv:3:date: [date-precision] found '2022-06-16', expected day 01 when date_precision is month"],
    'twins-symmetric': ["datasets/models.csv:6:twin_id: [twins-symmetric] found 'tama-fx', expected nissan-sakura, whose twin_id names this model"],
    'lineage-acyclic': ["datasets/models.csv:2:predecessor_id: [lineage-acyclic] found 'nissan-leaf-ze1', expected a chain of predecessors that does not come back to this model (loop: nissan-leaf-ze0, nissan-leaf-ze1, tama-fx)"],
    'kei-flag': ["datasets/models.csv:5:is_kei: [kei-flag] found 'false', expected true for segment kei"],
    'claim-evidence': ["datasets/claims.csv:2:evidence: [claim-evidence] found 'events:no-such-event', expected a reference table:key (key = the row's primary-key values joined by |, in primary-key order; references separated by '; ') to a row that exists in events (its key: event_id)", "datasets/claims.csv:2:evidence: [claim-evidence] found 'nowhere:x', expected a reference table:key (key = the row's primary-key values joined by |, in primary-key order; references separated by '; ') naming a table of the package (claims, codes_markets, codes_measures, codes_production_statuses, codes_reliability_tiers, codes_statuses, codes_verdicts, company_results, events, market_share, market_totals, models, plants, production, sales, sources) and a row that exists in it", "datasets/claims.csv:3:evidence: [claim-evidence] found '', expected at least one reference table:key (key = the row's primary-key values joined by |, in primary-key order; references separated by '; ') to a row that exists; only a claim whose verdict is not checkable may cite none"],
    'field-type': ["datapackage.json::resources[5].schema.fields[6].type: [field-type] found 'number', expected integer, the type the project's rules read sales.units as"],
    'descriptor': ["datapackage.json: [descriptor] found 'list', expected a JSON object (a Data Package descriptor)"],
    'resource-encoding': ["datapackage.json::resources[5].encoding: [resource-encoding] found 'shift_jis', expected utf-8"],
    'chart-declaration': ["datapackage.json::resources[5].atlas.charts[0].value: [chart-declaration] found 'model_id', expected a numeric field of sales"],
    'no-records': ["datasets/production.csv: [not-checked] found 'its rows (no records); the rules source-cited, not-in-future, claim-evidence', expected a table that can be read; until then these checks are not run", "datasets/production.csv:1: [no-records] found 'a header and no records', expected a header row and at least one record"],
    'not-checked': ["datasets/sources.csv: [not-checked] found 'its rows (no records); the foreign keys claims.source_id, company_results.source_id, events.source_id, market_share.source_id, market_totals.source_id, models.source_id, models.specs_source_id, plants.coord_source_id, plants.source_id, production.source_id, sales.source_id; the rules source-cited, absolute-url, not-in-future, claim-evidence', expected a table that can be read; until then these checks are not run", "datasets/sources.csv:1: [no-records] found 'a header and no records', expected a header row and at least one record"],
    'quote': ["datasets/events.csv: [not-checked] found 'its rows (a broken quote); the rules source-cited, not-in-future, date-precision, claim-evidence', expected a table that can be read; until then these checks are not run", 'datasets/events.csv:3: [quote] found \'ev-sakura-launch,2022-06-16,day,launch,nissan-sakura,,"The f…\', expected a quoted cell closed by " before the end of the file'],
    'delimiter': ["datasets/events.csv: [not-checked] found 'its rows (another delimiter); the rules source-cited, not-in-future, date-precision, claim-evidence', expected a table that can be read; until then these checks are not run", "datasets/events.csv:1: [delimiter] found 'columns separated by a tab', expected columns separated by commas"],
    'repeated-header': ["datasets/events.csv:4: [repeated-header] found 'event_id,date,date_precision,kind,model_id,plant_id,summary,', expected a record, not the header again"],
    'control-character': ["datasets/events.csv:2:notes: [control-character] found 'a\\x00b', expected text without control characters (U+0000 to U+001F but the newline, U+007F to U+009F) or U+FEFF"],
    'cell-size': ["datasets/events.csv:2:notes: [cell-size] found '10,001 characters', expected at most 10,000 characters"],
    'value-form': ["datasets/sales.csv:2:units: [value-form] found '１００', expected an integer in ASCII digits, without a sign or leading zeros"],
}
# The error-limit case prints a thousand type errors; its lines are written once here, not a thousand times.
MESSAGES["error-limit"] = (
    ["datasets/events.csv: [error-limit] found '1,000 errors', expected fewer than 1,000: frictionless stopped there, "
     "and its checks of the rows after line 1005 did not run"]
    + [f"datasets/events.csv:{r}:date: [type-error] found 'x', expected a value of type date" for r in range(6, 1006)]
    + ["datasets/events.csv:1006:date: [value-form] found 'x', expected a date written YYYY-MM-DD"])


# --- frictionless' verdicts kept while nothing it read has changed ------------------------------------------

def test_frictionless_checks_again_exactly_the_tables_an_edit_can_change(tiny, monkeypatch):
    """A verdict is kept while a table's descriptor and bytes, and those of the tables its foreign keys read, are
    unchanged: the same package again is checked by frictionless not at all; an edit of sales.csv has it check
    sales alone (no table's foreign keys read sales); an edit of sources.csv, sources and every table that cites a
    source, and the rows that cite the renamed source are reported though their own files did not change. A
    faulty table's findings are kept for its own folder only; mended, every table is back to its first verdict."""
    from frictionless import Resource

    from atlas import frictionless_check

    monkeypatch.setattr(frictionless_check, "_VALID", set())
    checked: list[str] = []
    validate = Resource.validate

    def spy(self, *args, **kwargs):
        checked.append(self.name)
        return validate(self, *args, **kwargs)

    monkeypatch.setattr(Resource, "validate", spy)

    def run(project=tiny) -> tuple[list[str], list[str]]:
        checked.clear()
        return [str(p) for p in validate_package(project.descriptor)], list(checked)

    names = [r["name"] for r in json.loads(tiny.descriptor.read_text(encoding="utf-8"))["resources"]]
    assert run() == ([], names)
    assert run() == ([], [])
    tiny.set_cell("sales", 0, "notes", "an edit that breaks nothing")
    assert run() == ([], ["sales"])
    sources = tiny.root / "datasets" / "sources.csv"
    original = sources.read_text(encoding="utf-8")
    sources.write_text(original.replace("\nfx-trade,", "\nfx-trades,"), encoding="utf-8")
    fk = "source_id: [foreign-key] found 'fx-trade', expected a value that exists in sources.source_id"
    faults = [
        f"datasets/claims.csv:4:{fk}", f"datasets/market_share.csv:4:{fk}",
        *[f"datasets/market_totals.csv:{n}:{fk}" for n in (3, 4, 5, 6, 7)],
        f"datasets/models.csv:5:specs_{fk}",
        *[f"datasets/sales.csv:{n}:{fk}" for n in (2, 3, 4, 5, 8, 15)],
        "datasets/sources.csv:5:source_id: [source-cited] found 'fx-trades', expected a source cited by at least one row",
    ]
    assert run() == (faults, ["sources", "models", "plants", "production", "events", "sales", "market_totals", "market_share",
                              "company_results", "claims"])
    assert run() == (faults, [])
    elsewhere = Project(tiny.root.parent / "elsewhere")
    shutil.copytree(tiny.root, elsewhere.root)
    assert run(elsewhere) == (faults, ["models", "sales", "market_totals", "market_share", "claims"])
    sources.write_text(original, encoding="utf-8")
    assert run() == ([], [])
