"""Run frictionless on the whole package (never a bare CSV: that would skip the keys) and turn its errors into Problems."""
from __future__ import annotations

import re

from frictionless import validate

from .package import DataPackage
from .problems import Problem

_EXPECTED = {
    "type-error": "a value of type {type}",
    "missing-cell": "a value for every column",
    "extra-cell": "no more cells than the header has columns",
    "blank-row": "no blank rows",
    "duplicate-label": "unique column names",
    "blank-label": "a name for every column",
    "incorrect-label": "the column named in datapackage.json",
    "missing-label": "every column that datapackage.json names",
    "extra-label": "only the columns that datapackage.json names",
    "primary-key": "a unique primary key ({key})",
    "unique-error": "a value no other row has",
    "foreign-key": "a value that exists in {ref}",
}


# The frictionless errors and constraints this module maps, each with what it asks: the Methodology page
# lists them and the tests demand a failing case for each.
FRICTIONLESS_RULES = {
    "type-error": "A cell holds a value of its field's type (integer, number, date, year, boolean true/false).",
    "required": "A required field has a value in every row.",
    "minimum": "A number is at least the field's minimum.",
    "maximum": "A number is at most the field's maximum.",
    "enum": "A coded field holds one of its listed codes.",
    "pattern": "A text field matches its pattern (ids, country codes, URLs).",
    "missing-cell": "A record has a cell for every column.",
    "extra-cell": "A record has no more cells than the header.",
    "blank-row": "No row is blank.",
    "missing-label": "Every column that datapackage.json names is in the header.",
    "extra-label": "The header names no column that datapackage.json lacks.",
    "incorrect-label": "Each column stands where datapackage.json puts it, under its name.",
    "duplicate-label": "No column name appears twice in the header.",
    "blank-label": "Every column in the header has a name.",
    "primary-key": "No two rows share a primary key.",
    "unique-error": "A field declared unique holds no value twice.",
    "foreign-key": "A reference (a source, a model, a plant) names a row that exists.",
}


def check_frictionless(pkg: DataPackage) -> list[Problem]:
    report = validate(str(pkg.descriptor))
    problems = [Problem(pkg.descriptor.name, None, None, e.type, e.note or "", "a valid Data Package descriptor") for e in report.errors]
    for task in report.tasks:
        file = task.place
        name = task.name
        if name in pkg.resources and not _readable(pkg, name):
            continue  # the text checks report a missing or non-UTF-8 file once, with its row
        fields = {f.name: f for f in pkg.fields(name)} if name in pkg.resources else {}
        key = set(pkg.primary_key(name)) if name in pkg.resources else set()
        missing: dict[int, list[str]] = {}
        for e in task.errors:
            if e.type == "missing-cell":
                missing.setdefault(e.row_number, []).append(e.field_name)
        for e in task.errors:
            if e.type == "missing-cell":
                continue
            # A blank row, or an empty key cell, is reported once (as a blank row, or as a required value),
            # not again as a primary-key clash.
            if e.type == "primary-key":
                key_cells = [c for k, c in zip(fields, e.cells or []) if k in key]
                if not key_cells or not all(key_cells):
                    continue
            # A cell that is missing altogether is not also an empty required value.
            if e.type == "constraint-error" and e.field_name in missing.get(e.row_number, []):
                continue
            problems.append(_problem(pkg, file, name, fields, e))
        for row, columns in missing.items():
            # One short record, one message, however many cells it lacks.
            problems.append(Problem(file, row, columns[0], "missing-cell", f"{len(fields) - len(columns)} cells",
                                    f"{len(fields)} cells, one per column (missing: {', '.join(columns)})"))
    return problems


def _readable(pkg: DataPackage, name: str) -> bool:
    try:
        pkg.path(name).read_bytes().decode("utf-8")
        return True
    except (OSError, UnicodeDecodeError):
        return False


def _problem(pkg, file, name, fields, e) -> Problem:
    row = getattr(e, "row_number", None)
    column = getattr(e, "field_name", None) or getattr(e, "label", None)
    value = getattr(e, "cell", None)
    rule = e.type
    expected = _EXPECTED.get(e.type, e.note or e.title)
    if e.type == "constraint-error":
        m = re.match(r'constraint "(\w+)" is "(.*)"$', e.note or "")
        if m:
            rule, expected = m.group(1), _constraint_expected(m.group(1), m.group(2))
    elif e.type == "type-error" and column in fields:
        expected = "true or false" if fields[column].type == "boolean" else expected.format(type=fields[column].type)
    elif e.type == "unique-error":
        expected = f"{expected} ({e.note})"
    elif e.type == "primary-key":
        key = pkg.primary_key(name)
        value = ", ".join(f"{k}={c}" for k, c in zip([f.name for f in fields.values()], e.cells) if k in key)
        expected = f"a unique primary key ({', '.join(key)}); {e.note}"
    elif e.type == "foreign-key":
        column = ",".join(e.field_names)
        value = ",".join(e.field_cells)
        expected = f"a value that exists in {e.reference_name or name}.{','.join(e.reference_field_names)}"
    elif e.type == "missing-label":
        value, row, expected = "no such column", 1, f"a column named {column!r}, as datapackage.json says"
    elif e.type in ("extra-label", "incorrect-label", "blank-label", "duplicate-label"):
        value = getattr(e, "label", "") or ""
        row = 1
    if value is None:
        value = e.note or ""
    if e.type == "blank-row":
        value = "an empty row"
    if e.type in ("missing-cell", "extra-cell"):
        value = value or ""
    return Problem(file, row, column, rule, str(value), expected)


def _constraint_expected(rule: str, spec: str) -> str:
    return {
        "required": "a value (the column is required)",
        "minimum": f"a value >= {spec}",
        "maximum": f"a value <= {spec}",
        "enum": f"one of {spec}",
        "pattern": f"text matching {spec}",
    }.get(rule, f"{rule} {spec}")
