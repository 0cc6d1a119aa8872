"""Validation stage: text checks, frictionless on datapackage.json, then the project's own rules.

All problems are collected and printed together, one line each; the exit status says whether any were found.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .chart_declarations import check_declarations
from .descriptor_checks import check_descriptor
from .frictionless_check import check_frictionless
from .package import DataPackage
from .paths import DATAPACKAGE
from .problems import Problem, sort_key
from .rules import check_rules, rules_reading
from .textchecks import check_text, check_values


def validate_package(descriptor: Path = DATAPACKAGE) -> list[Problem]:
    try:
        pkg = DataPackage(descriptor)
    except (OSError, ValueError) as e:
        return [Problem(Path(descriptor).name, None, None, "descriptor", str(e), "a readable JSON Data Package descriptor")]
    unsafe = check_descriptor(pkg)
    if unsafe:  # nothing is read through a descriptor that points outside the project, or that cannot be read
        return sorted(unsafe, key=sort_key)
    declared = check_declarations(pkg)  # a chart the build could not draw; the rows are still checked
    text, tables = check_text(pkg)
    found = check_frictionless(pkg, tables, _cells(text))
    if any(p.file == pkg.descriptor.name for p in found):
        # frictionless refused the descriptor itself: its schemas say nothing reliable about the rows
        return sorted(set(declared + text + found), key=sort_key)
    # The value forms are checked on every cell frictionless could cast; a cell they refuse is reported by
    # them alone (NaN is one value-form line, not a minimum and a maximum).
    structural = {(p.file, p.row, None) for p in found if p.rule in ("missing-cell", "extra-cell")}
    values = check_values(pkg, tables, _cells(text) | structural | {(p.file, p.row, p.column) for p in found if p.rule == "type-error"})
    by_value = _cells(values)
    found = [p for p in found if (p.file, p.row, p.column) not in by_value]
    # The project's rules skip what these checks refused, so one bad cell gives one message.
    problems = declared + text + found + values
    problems += check_rules(pkg, _cells(problems), tables)
    problems += not_checked(pkg, tables)
    return sorted(set(problems), key=sort_key)


def not_checked(pkg: DataPackage, tables) -> list[Problem]:
    """One line per unusable table naming the checks that were not run because of it: its own rows, the
    foreign keys of other tables into it, and the rules that read it."""
    unusable = {name for name, t in tables.items() if t.unusable}
    out = []
    for name in sorted(unusable):
        refs = sorted({f"{other}.{','.join(fk['fields']) if isinstance(fk['fields'], list) else fk['fields']}"
                       for other, r in pkg.resources.items() if other != name
                       for fk in r.get("schema", {}).get("foreignKeys", [])
                       if fk.get("reference", {}).get("resource") == name})
        parts = [f"its rows ({tables[name].unusable})"]
        if refs:
            parts.append("the foreign keys " + ", ".join(refs))
        rules = rules_reading({name}, pkg)
        if rules:
            parts.append("the rules " + ", ".join(rules))
        out.append(Problem(tables[name].file, None, None, "not-checked", "; ".join(parts), "a table that can be read; until then these checks are not run"))
    return out


# Faults of a whole file that carry the line where they were first seen: they do not make that row's cells suspect.
FILE_WIDE = ("no-bom", "line-ends", "final-newline")


def _cells(problems: list[Problem]) -> set[tuple[str, int, str | None]]:
    """The (file, line, column) of each problem with a row; a problem naming several columns gives one each."""
    return {(p.file, p.row, column) for p in problems if p.row is not None and p.rule not in FILE_WIDE
            for column in (p.column.split(",") if p.column else [None])}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    descriptor = Path(args[0]) if args else DATAPACKAGE
    try:
        problems = validate_package(descriptor)
    except Exception as e:  # a crash in a check must still be one readable line, never a traceback
        problems = [Problem(str(descriptor), None, None, "validator-error", f"{type(e).__name__}: {e}", "a package the checks can read")]
    try:
        for p in problems:
            print(p)
    except BrokenPipeError:  # `make validate | head`: the reader has seen enough; no traceback for it
        sys.stdout = open(os.devnull, "w")
        return 1
    if problems:
        print(f"{len(problems)} problem(s) in {descriptor}", file=sys.stderr)
        return 1
    print(f"ok: {descriptor} is valid (frictionless and the project's rules)")
    return 0
