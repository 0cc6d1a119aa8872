"""Checks on the bytes of each CSV that frictionless lets pass: encoding, BOM, line ends, final newline
and stray spaces. (Booleans spelled other than true/false are refused by the descriptor's trueValues
and falseValues, in frictionless.)"""
from __future__ import annotations

import csv
import io

from .package import DataPackage
from .problems import Problem

# Each check's id and what it asks, for the Methodology page and the tests (as rules.RULES is for the rules).
TEXT_RULES = {
    "file-exists": "Every file that datapackage.json names exists.",
    "no-bom": "CSV files are UTF-8 without a byte order mark.",
    "encoding": "CSV files are UTF-8 text.",
    "line-ends": "Lines end with LF, not CR or CRLF.",
    "final-newline": "The last row ends with a newline.",
    "no-surrounding-space": "No cell starts or ends with a space.",
}


def check_text(pkg: DataPackage) -> list[Problem]:
    problems: list[Problem] = []
    for name in pkg.resources:
        file = pkg.relpath(name)
        path = pkg.path(name)
        if not path.exists():
            problems.append(Problem(file, None, None, "file-exists", "no such file", "the file named by datapackage.json"))
            continue
        raw = path.read_bytes()
        if raw.startswith(b"\xef\xbb\xbf"):
            problems.append(Problem(file, 1, None, "no-bom", "a UTF-8 byte order mark", "UTF-8 without a BOM"))
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            row = raw[: e.start].count(b"\n") + 1
            problems.append(Problem(file, row, None, "encoding", repr(raw[e.start : e.start + 4]), "UTF-8 text"))
            continue
        if "\r" in text:
            row = text[: text.index("\r")].count("\n") + 1
            problems.append(Problem(file, row, None, "line-ends", "CR or CRLF line end", "LF line ends"))
        if text and not text.endswith("\n"):
            problems.append(Problem(file, text.count("\n") + 1, None, "final-newline", "no newline at end of file", "a newline after the last row"))
        problems += _check_cells(pkg, name, file, text)
    return problems


def _check_cells(pkg: DataPackage, name: str, file: str, text: str) -> list[Problem]:
    problems = []
    reader = csv.reader(io.StringIO(text.replace("\r\n", "\n")))
    header = next(reader, [])
    for row in reader:
        line = reader.line_num
        if not row or all(c == "" for c in row):
            continue  # frictionless reports blank rows
        for col, cell in zip(header, row):
            if cell != cell.strip():
                problems.append(Problem(file, line, col, "no-surrounding-space", cell, "no leading or trailing spaces"))
    return problems
