"""Run frictionless on the whole package (never a bare CSV: that would skip the keys) and turn its errors into Problems."""
from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import re
from pathlib import Path

from frictionless import FrictionlessException, Package

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
    "primary-key": "No two rows share a primary key.",
    "unique-error": "A field declared unique holds no value twice.",
    "foreign-key": "A reference (a source, a model, a plant) names a row that exists.",
    "error-limit": "frictionless stops after 1,000 errors in one table; reaching that limit is itself reported.",
}


# frictionless stops reading a table after this many errors; reaching it is reported, never hidden.
ERROR_LIMIT = 1000
# The label errors come from textchecks (which compares the header with the schema itself, so that a dropped
# column is one line, not one per column after it); frictionless' own are dropped.
LABEL_ERRORS = ("missing-label", "extra-label", "incorrect-label", "duplicate-label", "blank-label")
# When one cell breaks several checks, the first of these is the one reported.
PRECEDENCE = ("type-error", "constraint-error", "unique-error", "foreign-key")


def usable_descriptor(pkg: DataPackage, unusable) -> dict:
    """The descriptor without the unusable tables and without the foreign keys that point into them, so that
    frictionless checks everything else in full and says nothing about rows it could not compare."""
    meta = copy.deepcopy(pkg.meta)
    meta["resources"] = [r for r in meta["resources"] if r["name"] not in unusable]
    for r in meta["resources"]:
        schema = r.get("schema", {})
        if "foreignKeys" in schema:
            schema["foreignKeys"] = [fk for fk in schema["foreignKeys"] if (fk.get("reference", {}).get("resource") or r["name"]) not in unusable]
    return meta


def check_frictionless(pkg: DataPackage, tables: dict, claimed: set) -> list[Problem]:
    """frictionless' findings on the usable tables, row numbers turned into lines of the file. `claimed` holds the
    (file, line, column) of cells the text checks already reported (column None: the whole record); frictionless
    says nothing more about them, and nothing more than one line about any one cell."""
    unusable = {name for name, t in tables.items() if t.unusable}
    meta = usable_descriptor(pkg, unusable)
    if not meta["resources"]:
        return []
    try:
        errors, tasks = _validate(meta, pkg.root)
    except FrictionlessException as e:  # a descriptor frictionless cannot even load (a field type it does not know)
        notes = [r.note for r in getattr(e, "reasons", []) or [] if getattr(r, "note", None)] or [e.error.note or str(e)]
        return [Problem(pkg.descriptor.name, None, None, e.error.type, "; ".join(notes), "a valid Data Package descriptor")]
    problems = [Problem(pkg.descriptor.name, None, None, e.type, e.note or "", "a valid Data Package descriptor") for e in errors]
    references = []
    for task in tasks:
        name = task.name
        file = tables[name].file if name in tables else task.place
        line_of = tables[name].line_of if name in tables else (lambda n: n)
        fields = {f.name: f for f in pkg.fields(name)} if name in pkg.resources else {}
        key = set(pkg.primary_key(name)) if name in pkg.resources else set()
        missing: dict[int, list[str]] = {}
        for e in task.errors:
            if e.type == "missing-cell":
                missing.setdefault(e.row_number, []).append(e.field_name)
        found: dict[tuple, Problem] = {}
        origin: dict[Problem, object] = {}
        for e in sorted(task.errors, key=lambda e: PRECEDENCE.index(e.type) if e.type in PRECEDENCE else len(PRECEDENCE)):
            if e.type == "missing-cell" or e.type in LABEL_ERRORS:
                continue
            if not hasattr(e, "row_number"):  # the resource's descriptor (a foreign key into no resource, a bad dialect)
                problems.append(Problem(pkg.descriptor.name, None, f"resources.{name}", e.type, e.note or "", "a valid Data Package descriptor"))
                continue
            row = getattr(e, "row_number", None)
            # A short record is one missing-cell line: its last cell is likely cut, the rest of it untrustworthy.
            if row in missing and e.type != "extra-cell":
                continue
            # A blank row, or an empty key cell, is reported once (as a blank row, or as a required value),
            # not again as a primary-key clash.
            if e.type == "primary-key":
                key_cells = [c for k, c in zip(fields, e.cells or []) if k in key]
                if not key_cells or not all(key_cells):
                    continue
            p = _problem(pkg, file, name, fields, e)
            if p.row is not None:
                p = dataclasses.replace(p, row=line_of(p.row))
            if (p.file, p.row, None) in claimed or any((p.file, p.row, c) in claimed for c in (p.column or "").split(",")):
                continue
            cell = (p.file, p.row, p.column) if p.row is not None and p.column and e.type != "primary-key" else p
            if cell not in found:
                found[cell], origin[p] = p, e
        problems += found.values()
        references += [(p, e.reference_name or name, tuple(e.reference_field_names)) for p, e in origin.items() if e.type == "foreign-key"]
        for row, columns in missing.items():
            # One short record, one message, however many cells it lacks.
            problems.append(Problem(file, line_of(row), columns[0], "missing-cell", f"{len(fields) - len(columns)} cells",
                                    f"{len(fields)} cells, one per column (missing: {', '.join(columns)})"))
        if any(w.startswith("reached error limit") for w in task.warnings):
            last = max((p.row for p in found.values() if p.row), default=1)
            problems.append(Problem(file, None, None, "error-limit", f"{ERROR_LIMIT:,} errors",
                                    f"fewer than {ERROR_LIMIT:,}: frictionless stopped there, and its checks of the rows after line {last} did not run"))
    # A reference to a row whose key cell was itself refused (emptied, misspelt) is that one fault, already
    # reported on the key cell: not again on every row that points to it.
    refused = {(p.file, p.column) for p in problems if p.row is not None and p.column and p.rule != "foreign-key"}
    refused |= {(file, column) for file, _, column in claimed if column}
    dropped = {id(p) for p, ref, columns in references if ref in tables and any((tables[ref].file, c) in refused for c in columns)}
    return [p for p in problems if id(p) not in dropped]


# frictionless' verdicts, kept for as long as nothing they rest on has changed: a table's descriptor and bytes, and
# those of every table its foreign keys look up. Most of a check's time goes to frictionless' copying of field
# descriptors, not to rows, so the live preview re-checks only the table an edit touched, and the tests'
# hundred-odd packages, each one corruption of the same fixture and each checked by `validate` and then by
# `site`, check in a fraction of the time. A valid table's verdict holds wherever
# the project is; a faulty table's findings name the files they were read from, so they are kept for that
# project folder only, and only the latest few.
_VALID: set[str] = set()
_FAULTY: dict[str, list] = {}
KEEP_FAULTY = 32


def _validate(meta: dict, root: Path) -> tuple[list, list]:
    """What `Package(meta).validate()` gives (the descriptor's errors, or one task per table), less the tasks of
    the valid tables already seen (they carry no error or warning); the package is not even read when every
    verdict is known."""
    package = None

    def opened() -> Package:
        nonlocal package
        if package is None:
            package = Package(meta, basepath=str(root))
        return package

    described = "descriptor:" + hashlib.sha256(json.dumps(meta, sort_keys=True).encode()).hexdigest()
    if described not in _VALID:
        try:
            opened().to_descriptor(validate=True)  # as Package.validate does first
        except FrictionlessException as e:
            if package is None:  # the descriptor could not even be loaded: the caller reports that
                raise
            return e.to_errors(), []
        _VALID.add(described)
    tasks = []
    for name in [r["name"] for r in meta["resources"]]:
        key = _verdict_key(meta, name, root)
        if key in _VALID:
            continue
        here = f"{key}:{root.resolve()}" if key else None
        if here in _FAULTY:
            tasks += _FAULTY[here]
            continue
        report = opened().get_resource(name).validate(limit_errors=ERROR_LIMIT)
        tasks += report.tasks
        if key and report.valid and not any(t.warnings for t in report.tasks):
            _VALID.add(key)
        elif here:
            _FAULTY[here] = report.tasks
            while len(_FAULTY) > KEEP_FAULTY:
                del _FAULTY[next(iter(_FAULTY))]
    return [], tasks


def _verdict_key(meta: dict, name: str, root: Path) -> str | None:
    """A digest of all that frictionless reads to check table `name`, or None where that is not only the
    descriptor and files (a path list, a schema or dialect kept in a file of its own, an unreadable file)."""
    by_name = {r["name"]: r for r in meta["resources"]}
    refs = [fk.get("reference", {}).get("resource") for fk in by_name[name].get("schema", {}).get("foreignKeys", [])]
    digest = hashlib.sha256(json.dumps({k: v for k, v in meta.items() if k != "resources"}, sort_keys=True).encode())
    for table in [name] + sorted({r for r in refs if r and r != name}):
        r = by_name.get(table)
        if r is None or not isinstance(r.get("path"), str) or not isinstance(r.get("schema", {}), dict) \
                or not isinstance(r.get("dialect", {}), dict):
            return None
        try:
            data = (root / r["path"]).read_bytes()
        except OSError:
            return None
        digest.update(json.dumps(r, sort_keys=True).encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


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
