"""Validation stage: text checks, frictionless on datapackage.json, then the project's own rules.

All problems are collected and printed together, one line each; the exit status says whether any were found.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .descriptor_checks import check_descriptor
from .frictionless_check import check_frictionless
from .package import DataPackage
from .paths import DATAPACKAGE
from .problems import Problem, sort_key
from .rules import check_rules
from .textchecks import check_text


def validate_package(descriptor: Path = DATAPACKAGE) -> list[Problem]:
    try:
        pkg = DataPackage(descriptor)
    except (OSError, ValueError) as e:
        return [Problem(str(descriptor), None, None, "descriptor", str(e), "a readable JSON Data Package descriptor")]
    unsafe = check_descriptor(pkg)
    if unsafe:  # nothing is read through a descriptor that points outside the project
        return sorted(unsafe, key=sort_key)
    found = check_text(pkg) + check_frictionless(pkg)
    # The project's rules skip what these checks refused, so one bad cell gives one message.
    rejected = {(p.file, p.row, column) for p in found if p.row is not None
                for column in (p.column.split(",") if p.column else [None])}
    problems = found + check_rules(pkg, rejected)
    return sorted(set(problems), key=sort_key)


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
