"""Checks on the text of each CSV, made before frictionless reads it: encoding, BOM, line ends, quoting,
the header against datapackage.json, and what a cell may hold. (Booleans spelled other than true/false
are refused by the descriptor's trueValues and falseValues, in frictionless.)

The scan also decides which tables can be checked at all. A table that is missing, not UTF-8, empty,
without records, broken by a quote, written with another delimiter or with its columns shifted is
*unusable*: frictionless does not read it, no other table's foreign keys into it and no rule that reads it
are run (they would report every row of the other files), and one `not-checked` line says what was
skipped. Everyone reads the records from here, keyed by the schema's field names by position (as
frictionless matches them), each with `_row`, the physical line its record starts on: after a cell with
an embedded newline, frictionless' record numbers and the file's lines differ, and a row is a line.
"""
from __future__ import annotations

import csv
import io
import re
import sys
from dataclasses import dataclass, field

from .package import DataPackage
from .problems import Problem

# The csv module refuses cells over 128 KiB by default; the limit on a cell's size is ours (CELL_LIMIT),
# reported as a problem, never a csv.Error.
csv.field_size_limit(sys.maxsize)

# No curated cell is longer than about 900 characters; a cell of ten thousand is a pasted file or a quote
# that swallowed the records after it, and would reach every page and download whole.
CELL_LIMIT = 10_000
# C0 controls except the newline a quoted cell may hold, DEL, C1 controls, and U+FEFF (a BOM inside a cell):
# invisible in an editor, raw in the HTML, and a NUL ends strings in the SQLite and C readers.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff]")

# Each check's id and what it asks, for the Methodology page and the tests (as rules.RULES is for the rules).
TEXT_RULES = {
    "file-exists": "Every file that datapackage.json names exists.",
    "no-bom": "CSV files are UTF-8 without a byte order mark.",
    "encoding": "CSV files are UTF-8 text.",
    "line-ends": "Lines end with LF, not CR or CRLF.",
    "final-newline": "The last row ends with a newline.",
    "no-records": "A table has a header and at least one record (an empty table would silence every check that refers to it).",
    "quote": "Every quoted cell is closed, and a closing quote is followed by a comma or the end of the line.",
    "delimiter": "Cells are separated by commas (not tabs or semicolons).",
    "missing-label": "Every column that datapackage.json names is in the header.",
    "extra-label": "The header names no column that datapackage.json lacks.",
    "incorrect-label": "Each column stands where datapackage.json puts it, under its name.",
    "duplicate-label": "No column name appears twice in the header.",
    "blank-label": "Every column in the header has a name.",
    "repeated-header": "The header is not repeated as a record (two files pasted together).",
    "no-surrounding-space": "No cell or column name starts or ends with a space.",
    "control-character": "No cell holds a control character (NUL, tab, bell...) or a U+FEFF byte order mark.",
    "cell-size": f"No cell is longer than {CELL_LIMIT:,} characters.",
    "not-checked": "When a table cannot be read, the checks that depend on it are not run, and one line says which.",
}


@dataclass
class Table:
    """One resource's CSV as the validator reads it."""
    name: str
    file: str
    fields: list[str]
    header: list[str] = field(default_factory=list)
    records: list[tuple[int, list[str]]] = field(default_factory=list)  # (line the record starts on, cells); blank rows included
    unusable: str | None = None  # why its rows cannot be checked; None when they can

    def line_of(self, record_number: int) -> int:
        """The physical line of frictionless' row number (header = 1, counting blank rows)."""
        i = record_number - 2
        return self.records[i][0] if 0 <= i < len(self.records) else record_number

    def rows(self) -> list[dict]:
        """Each record as {field name: text} by position, with `_row`; a short record's missing cells are ''."""
        out = []
        for line, cells in self.records:
            if not cells:
                continue  # a blank row: reported by frictionless
            rec = {f: (cells[i] if i < len(cells) else "") for i, f in enumerate(self.fields)}
            rec["_row"] = line
            out.append(rec)
        return out


def check_text(pkg: DataPackage) -> tuple[list[Problem], dict[str, Table]]:
    problems: list[Problem] = []
    tables = {}
    for name in pkg.resources:
        table = Table(name, pkg.relpath(name), [f.name for f in pkg.fields(name)])
        problems += _scan(pkg, table)
        tables[name] = table
    return problems, tables


def _scan(pkg: DataPackage, t: Table) -> list[Problem]:
    file = t.file
    path = pkg.path(t.name)
    if not path.exists():
        t.unusable = "no such file"
        return [Problem(file, None, None, "file-exists", "no such file", "the file named by datapackage.json")]
    problems = []
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(file, 1, None, "no-bom", "a UTF-8 byte order mark", "UTF-8 without a BOM"))
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        t.unusable = "not UTF-8"
        row = raw[: e.start].count(b"\n") + 1
        return problems + [Problem(file, row, None, "encoding", repr(raw[e.start : e.start + 4]), "UTF-8 text")]
    if "\r" in text:
        row = text[: text.index("\r")].count("\n") + 1
        problems.append(Problem(file, row, None, "line-ends", "CR or CRLF line end", "LF line ends"))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text and not text.endswith("\n"):
        problems.append(Problem(file, text.count("\n") + 1, None, "final-newline", "no newline at end of file", "a newline after the last row"))
    problems += _parse(t, text)
    if t.unusable is None and not [c for _, c in t.records if c]:
        t.unusable = "no records"
        return problems + [Problem(file, 1 if t.header else None, None, "no-records", "a header and no records" if t.header else "an empty file",
                                   "a header row and at least one record")]
    if t.unusable is None:
        problems += _check_header(t)
    if t.unusable is None:
        problems += _check_cells(t)
    return problems


def _parse(t: Table, text: str) -> list[Problem]:
    # strict: a quote left open, or text after a closing quote, is an error here instead of a record that
    # swallows the ones after it (which frictionless would report as an extra or missing cell).
    reader = csv.reader(io.StringIO(text), strict=True)
    start = 1
    try:
        for cells in reader:
            if start == 1:
                t.header = cells
            else:
                t.records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as e:
        t.unusable = "a broken quote"
        line = text.split("\n")[start - 1] if start - 1 < len(text.split("\n")) else ""
        why = "before the end of the file" if "end of data" in str(e) or "EOF" in str(e) else "followed by a comma or the end of the line"
        return [Problem(t.file, start, None, "quote", line[:60] + ("…" if len(line) > 60 else ""), f'a quoted cell closed by " {why}')]
    return []


def _check_header(t: Table) -> list[Problem]:
    file, fields = t.file, t.fields
    header = [h.strip() for h in t.header]
    problems = [Problem(file, 1, h.strip() or None, "no-surrounding-space", h, "no leading or trailing spaces")
                for h in t.header if h != h.strip()]
    if header == fields:
        return problems
    if len(header) == 1 and len(fields) > 1:
        for name, sep in (("a tab", "\t"), ("a semicolon", ";"), ("a pipe", "|")):
            if sep in header[0]:
                t.unusable = "another delimiter"
                return problems + [Problem(file, 1, None, "delimiter", f"columns separated by {name}", "columns separated by commas")]
    if len(header) == len(fields) and sorted(header) == sorted(fields):
        # the right columns in another order: one fault, on the first column out of place
        t.unusable = "columns in another order"
        first = next(f for h, f in zip(header, fields) if h != f)
        return problems + [Problem(file, 1, first, "incorrect-label", ",".join(header), f"the columns in datapackage.json's order: {','.join(fields)}")]
    extra = [h for h in header if h not in fields]
    missing = [f for f in fields if f not in header]
    for i, (h, f) in enumerate(zip(header, fields)):
        if h == f or f not in missing or not (h == "" or h in header[:i] or h in extra):
            continue
        # the column in its own place, renamed, blank or a repeat of another: frictionless matches columns by
        # position, so the rows still line up and are checked
        rule, expected = (("blank-label", "a name for every column") if h == "" else
                          ("duplicate-label", "unique column names") if h in header[:i] else
                          ("incorrect-label", "the column named in datapackage.json"))
        problems.append(Problem(file, 1, f, rule, h, expected))
        missing.remove(f)
        if h in extra and h not in header[:i]:
            extra.remove(h)
    for f in missing:
        problems.append(Problem(file, 1, f, "missing-label", "no such column", f"a column named {f!r}, as datapackage.json says"))
    for h in extra:
        problems.append(Problem(file, 1, h or None, "extra-label", h, "only the columns that datapackage.json names"))
    # A column dropped or added anywhere but at the end puts the cells after it under other fields' names.
    if any(h in fields and fields.index(h) != i and header.index(h) == i for i, h in enumerate(header[: len(fields)])):
        t.unusable = "its columns shifted"
    return problems


def _check_cells(t: Table) -> list[Problem]:
    problems = []
    header = [h.strip() for h in t.header]
    columns = t.fields if len(header) <= len(t.fields) else t.fields + header[len(t.fields):]
    for line, cells in t.records:
        if not cells or all(c == "" for c in cells):
            continue  # frictionless reports blank rows
        if [c.strip() for c in cells] == header:
            problems.append(Problem(t.file, line, None, "repeated-header", ",".join(cells)[:60], "a record, not the header again"))
            continue
        for col, cell in zip(columns, cells):
            if len(cell) > CELL_LIMIT:
                problems.append(Problem(t.file, line, col, "cell-size", f"{len(cell):,} characters", f"at most {CELL_LIMIT:,} characters"))
            elif m := CONTROL.search(cell):
                problems.append(Problem(t.file, line, col, "control-character", cell[max(0, m.start() - 20) : m.start() + 20],
                                        "text without control characters (U+0000 to U+001F but the newline, U+007F to U+009F) or U+FEFF"))
            elif cell != cell.strip():
                problems.append(Problem(t.file, line, col, "no-surrounding-space", cell, "no leading or trailing spaces"))
    return problems


# What frictionless accepts but the downloads and pages cannot carry: Python's int() and float() read
# full-width digits, '+5', 'Infinity' and 'NaN' (which then reach the published JSON as non-JSON tokens),
# integers wider than the 64 bits of SQLite and Parquet; its dates read 2023-2-1 (which the rules cannot).
VALUE_FORMS = {
    "integer": (re.compile(r"-?(0|[1-9][0-9]*)"), "an integer in ASCII digits, without a sign or leading zeros"),
    "year": (re.compile(r"[0-9]{4}"), "a year of four ASCII digits"),
    "number": (re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?"), "a number in ASCII digits with an optional '.' (no Infinity, NaN or exponent)"),
    "date": (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"), "a date written YYYY-MM-DD"),
}
INT64 = (-(2**63), 2**63 - 1)
TEXT_RULES["value-form"] = ("A number, year or date is written as the downloads can carry it: ASCII digits, no Infinity or NaN, "
                            "integers within 64 bits, dates as YYYY-MM-DD.")


def check_values(pkg: DataPackage, tables: dict[str, Table], rejected: set) -> list[Problem]:
    """The cells of numeric and date fields that frictionless accepted (not in `rejected`) but that are not
    in the project's plain form."""
    problems = []
    for name, t in tables.items():
        if t.unusable:
            continue
        forms = [(i, f.name, *VALUE_FORMS[f.type]) for i, f in enumerate(pkg.fields(name)) if f.type in VALUE_FORMS]
        for line, cells in t.records:
            if (t.file, line, None) in rejected:
                continue
            for i, col, form, expected in forms:
                cell = cells[i] if i < len(cells) else ""
                if not cell or (t.file, line, col) in rejected:
                    continue
                if not form.fullmatch(cell):
                    problems.append(Problem(t.file, line, col, "value-form", cell, expected))
                elif form is VALUE_FORMS["integer"][0] and not INT64[0] <= int(cell) <= INT64[1]:
                    problems.append(Problem(t.file, line, col, "value-form", cell, "an integer within 64 bits (-2^63 to 2^63-1)"))
    return problems
