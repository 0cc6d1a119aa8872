"""Validation: the real package passes; each kind of corruption fails with file, row, column, rule and value."""
from __future__ import annotations

import subprocess
import sys


from atlas.paths import DATAPACKAGE, ROOT
from atlas.validate import validate_package


def messages(descriptor) -> list[str]:
    return [str(p) for p in validate_package(descriptor)]


def test_real_package_is_valid():
    assert messages(DATAPACKAGE) == []


def test_every_resource_has_rows():
    from atlas.package import DataPackage

    pkg = DataPackage(DATAPACKAGE)
    assert {name: len(pkg.rows(name)) > 0 for name in pkg.resources} == {name: True for name in pkg.resources}


# --- frictionless errors, one per type -------------------------------------------------------------

def test_negative_units_names_file_row_column_rule_value(pkg_copy):
    row = pkg_copy.set_cell("sales", 0, "units", "-5")
    assert f"datasets/sales.csv:{row}:units: [minimum] found '-5', expected a value >= 0" in messages(pkg_copy.descriptor)


def test_wrong_type(pkg_copy):
    row = pkg_copy.set_cell("sales", 0, "units", "lots")
    assert f"datasets/sales.csv:{row}:units: [type-error] found 'lots', expected a value of type integer" in messages(pkg_copy.descriptor)


def test_missing_required_value(pkg_copy):
    row = pkg_copy.set_cell("models", 0, "maker", "")
    assert f"datasets/models.csv:{row}:maker: [required] found '', expected a value (the column is required)" in messages(pkg_copy.descriptor)


def test_bad_enum(pkg_copy):
    row = pkg_copy.set_cell("sources", 0, "reliability", "E")
    assert any(m.startswith(f"datasets/sources.csv:{row}:reliability: [enum] found 'E', expected one of") for m in messages(pkg_copy.descriptor))


def test_duplicate_primary_key(pkg_copy):
    first = pkg_copy.rows("models")[0]
    (row,) = pkg_copy.append("models", dict(first))
    assert any(m.startswith(f"datasets/models.csv:{row}: [primary-key] found 'model_id={first['model_id']}'")
               for m in messages(pkg_copy.descriptor))


def test_broken_foreign_key(pkg_copy):
    row = pkg_copy.set_cell("sales", 0, "source_id", "no-such-source")
    assert f"datasets/sales.csv:{row}:source_id: [foreign-key] found 'no-such-source', expected a value that exists in sources.source_id" in messages(pkg_copy.descriptor)


def test_broken_self_reference(pkg_copy):
    row = pkg_copy.set_cell("models", 0, "predecessor_id", "no-such-model")
    assert f"datasets/models.csv:{row}:predecessor_id: [foreign-key] found 'no-such-model', expected a value that exists in models.model_id" in messages(pkg_copy.descriptor)


def test_extra_column(pkg_copy):
    rows = pkg_copy.rows("events")
    for r in rows:
        r["colour"] = "red"
    pkg_copy.write_rows("events", rows, pkg_copy.header("events") + ["colour"])
    assert any(m.startswith("datasets/events.csv:1:colour: [extra-label] found 'colour'") for m in messages(pkg_copy.descriptor))


def test_missing_column(pkg_copy):
    header = [h for h in pkg_copy.header("events") if h != "notes"]
    pkg_copy.write_rows("events", pkg_copy.rows("events"), header)
    assert any(m.startswith("datasets/events.csv:1:notes: [missing-label]") for m in messages(pkg_copy.descriptor))


def test_blank_row(pkg_copy):
    path = pkg_copy.path("sources")
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(2, "")
    path.write_text("\n".join(lines), encoding="utf-8")
    # One message for one blank row: no duplicate from a second checker, no cascade into the primary key.
    assert messages(pkg_copy.descriptor) == ["datasets/sources.csv:3: [blank-row] found 'an empty row', expected no blank rows"]


def test_bad_encoding(pkg_copy):
    path = pkg_copy.path("events")
    path.write_bytes(path.read_bytes() + "x,2024-01-01,day,launch,,,caf\u00e9,y,\n".encode("latin-1"))
    assert any(m.startswith("datasets/events.csv:") and "[encoding]" in m for m in messages(pkg_copy.descriptor))


# --- what frictionless lets pass ----------------------------------------------------------------------

def test_byte_order_mark(pkg_copy):
    path = pkg_copy.path("models")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert "datasets/models.csv:1: [no-bom] found 'a UTF-8 byte order mark', expected UTF-8 without a BOM" in messages(pkg_copy.descriptor)


def test_crlf_line_ends(pkg_copy):
    path = pkg_copy.path("models")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert "datasets/models.csv:1: [line-ends] found 'CR or CRLF line end', expected LF line ends" in messages(pkg_copy.descriptor)


def test_missing_final_newline(pkg_copy):
    path = pkg_copy.path("models")
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    assert any("[final-newline]" in m and m.startswith("datasets/models.csv:") for m in messages(pkg_copy.descriptor))


def test_surrounding_space(pkg_copy):
    row = pkg_copy.set_cell("models", 0, "name", " Sakura")
    assert f"datasets/models.csv:{row}:name: [no-surrounding-space] found ' Sakura', expected no leading or trailing spaces" in messages(pkg_copy.descriptor)


def test_boolean_spelling(pkg_copy):
    row = pkg_copy.set_cell("models", 0, "is_kei", "True")
    assert any(m.startswith(f"datasets/models.csv:{row}:is_kei: [boolean-spelling] found 'True'") for m in messages(pkg_copy.descriptor))


def test_all_problems_are_reported_not_only_the_first(pkg_copy):
    pkg_copy.set_cell("sales", 0, "units", "-1")
    pkg_copy.set_cell("models", 0, "maker", "")
    found = messages(pkg_copy.descriptor)
    assert any("sales.csv" in m and "[minimum]" in m for m in found)
    assert any("models.csv" in m and "[required]" in m for m in found)


# --- the command line --------------------------------------------------------------------------------

def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "atlas", "validate", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "scripts"), "PATH": "/usr/bin:/bin"})


def test_cli_passes_on_real_package():
    out = run_cli(DATAPACKAGE)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("ok:")


def test_cli_fails_with_one_line_per_problem_and_no_traceback(pkg_copy):
    row = pkg_copy.set_cell("sales", 0, "units", "-5")
    pkg_copy.set_cell("sources", 0, "url", "example.com/page")
    out = run_cli(pkg_copy.descriptor)
    assert out.returncode == 1
    assert f"datasets/sales.csv:{row}:units: [minimum]" in out.stdout
    assert "datasets/sources.csv:2:url:" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_cli_reports_an_unreadable_descriptor_without_traceback(tmp_path):
    bad = tmp_path / "datapackage.json"
    bad.write_text("{ not json", encoding="utf-8")
    out = run_cli(bad)
    assert out.returncode == 1
    assert "[descriptor]" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr
