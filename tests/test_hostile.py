"""The hostile corpus (issue 15): more than a hundred bad packages, each made from the `tiny` fixture one way,
each with the exact lines `python -m atlas validate` prints for it. A bad package is rejected with one line
per fault (file:row:column, rule, value found, value expected), never a traceback, never a cascade of lines
about other files; a table that cannot be read silences the checks that need it, and one `not-checked` line
says which. A few of the cases also go through `python -m atlas site`, which must fail with the same lines
and leave the site built before it byte for byte as it was.

Byte-level faults (line ends, encodings, NUL, a broken quote) are data files in tests/fixtures/hostile/;
the rest are written in code below. Cases marked `# enum` are refused by an enum constraint of
datapackage.json today; when a code table replaces that enum, their line becomes a foreign-key line.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from atlas.rules import rules_reading
from projects import Project, atlas
from test_validate import add_column, constrain, edit_descriptor, edit_lines, rename_column, replace_bytes, resource_path

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
DP = "datapackage.json"
S, M, E, P, MT, MS, PL, CR, C, PR = (f"datasets/{n}.csv" for n in ("sales", "models", "events", "sources", "market_totals",
                                                                  "market_share", "plants", "company_results", "claims", "production"))


def overlay(fault_file: str):
    """Put tests/fixtures/hostile/<resource>.<fault>.csv in place of the fixture's <resource>.csv."""
    resource = fault_file.split(".")[0]
    return lambda p: shutil.copyfile(HOSTILE / fault_file, p.path(resource))


def lines(resource, fn):
    return lambda p: edit_lines(p, resource, fn)


def line(i, fn):
    """Change line i (0 = the header) of a file."""
    return lambda L: L.__setitem__(i, fn(L[i]))


def cell(resource, index, column, value):
    return lambda p: p.set_cell(resource, index, column, value)


def cells(*changes):
    return lambda p: [p.set_cell(*c) for c in changes]


def desc(change):
    return lambda p: edit_descriptor(p, change)


def res(name):
    """A resource of the descriptor being edited, by name."""
    return lambda m: next(r for r in m["resources"] if r["name"] == name)


def field(meta, resource, name):
    return next(f for f in res(resource)(meta)["schema"]["fields"] if f["name"] == name)


def drop_column(resource, column):
    return lambda p: p.write_rows(resource, p.rows(resource), [h for h in p.header(resource) if h != column])


def swap_columns(resource, a, b):
    def change(p):
        header = p.header(resource)
        i, j = header.index(a), header.index(b)
        header[i], header[j] = header[j], header[i]
        p.write_rows(resource, p.rows(resource), header)
    return change


def insert_column(resource, after, name, value):
    def change(p):
        header = p.header(resource)
        header.insert(header.index(after) + 1, name)
        p.write_rows(resource, [dict(r, **{name: value}) for r in p.rows(resource)], header)
    return change


def header_only(resource):
    return lambda p: replace_bytes(p, resource, lambda b: b.split(b"\n")[0] + b"\n")


def symlink_outside(p):
    p.path("sales").unlink()
    p.path("sales").symlink_to("/etc/hostname")


def NOT_CHECKED(file: str, reason: str) -> str:
    """The line that says which checks an unusable table silenced, from the descriptor's foreign keys and the
    rule registry (so that a new rule or a new code table does not mean editing every case)."""
    from atlas.package import DataPackage
    from atlas.paths import DATAPACKAGE

    name = Path(file).stem
    meta = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    refs = sorted({f"{r['name']}.{','.join(fk['fields']) if isinstance(fk['fields'], list) else fk['fields']}"
                   for r in meta["resources"] if r["name"] != name for fk in r["schema"].get("foreignKeys", [])
                   if fk["reference"].get("resource") == name})
    parts = [f"its rows ({reason})"] + (["the foreign keys " + ", ".join(refs)] if refs else []) + ["the rules " + ", ".join(rules_reading({name}, DataPackage(DATAPACKAGE)))]
    return f"{file}: [not-checked] found '{'; '.join(parts)}', expected a table that can be read; until then these checks are not run"


# Good packages belong in the corpus too: text that looks hostile and is not.
GOOD_NOTES = {
    "japanese-text-is-fine": "日産の軽EV「サクラ」",
    "an-embedded-newline-alone-is-fine": "first line\nsecond line",
    "doubled-quotes-are-fine": 'the "Tama" car',
    "markup-in-a-note-is-text": "<script>alert(1)</script> [[chart:nothing]]",
}

CORRUPTIONS = {
    # --- the descriptor steers the build: refused before any file is read -------------------------------
    "descriptor-invalid-json": lambda p: p.descriptor.write_text("{ not json", encoding="utf-8"),
    "descriptor-empty-file": lambda p: p.descriptor.write_text("", encoding="utf-8"),
    "descriptor-a-list": lambda p: p.descriptor.write_text("[]", encoding="utf-8"),
    "descriptor-not-utf8": lambda p: p.descriptor.write_bytes(p.descriptor.read_bytes().replace(b"Kei EV Atlas", b"Kei EV \xe9", 1)),
    "resources-empty-list": desc(lambda m: m.update(resources=[])),
    "resources-an-object": desc(lambda m: m.update(resources={})),
    "resources-missing": desc(lambda m: m.pop("resources")),
    "resource-without-path": desc(lambda m: res("events")(m).pop("path")),
    "resource-path-a-list": desc(lambda m: res("events")(m).update(path=["datasets/events.csv"])),
    "resource-path-absolute": lambda p: resource_path(p, "sales", "/etc/passwd"),
    "resource-path-dotdot": lambda p: resource_path(p, "sales", "../sales.csv"),
    "resource-path-url": lambda p: resource_path(p, "sales", "https://example.org/sales.csv"),
    "resource-path-symlink-outside": symlink_outside,
    "resource-path-a-folder": lambda p: resource_path(p, "sales", "datasets"),
    "resource-name-dotdot": desc(lambda m: res("events")(m).update(name="../evil")),
    "resource-name-twice": desc(lambda m: res("events")(m).update(name="sources")),
    "version-dotdot": desc(lambda m: m.update(version="../../outside")),
    "version-a-number": desc(lambda m: m.update(version=2)),
    "version-missing": desc(lambda m: m.pop("version")),
    "version-trailing-space": desc(lambda m: m.update(version="0.2.0 ")),
    "encoding-latin-1": desc(lambda m: res("sales")(m).update(encoding="latin-1")),
    "encoding-shift-jis": desc(lambda m: res("sources")(m).update(encoding="shift_jis")),
    "dialect-tab": desc(lambda m: res("sales")(m)["dialect"].update(delimiter="\t")),
    "dialect-single-quote": desc(lambda m: res("sales")(m)["dialect"].update(quoteChar="'")),
    "schema-missing": desc(lambda m: res("sales")(m).pop("schema")),
    "schema-no-fields": desc(lambda m: res("sales")(m)["schema"].update(fields=[])),
    "field-without-name": desc(lambda m: res("sales")(m)["schema"]["fields"][0].pop("name")),
    "field-type-unknown": desc(lambda m: field(m, "models", "range_km").update(type="wibble")),
    "field-type-integer-to-number": desc(lambda m: field(m, "sales", "units").update(type="number")),
    "field-dropped-from-the-schema": desc(lambda m: res("market_totals")(m)["schema"]["fields"].pop(6)),
    "field-type-changed-under-its-constraint": desc(lambda m: field(m, "models", "battery_kwh").update(type="string")),
    "primary-key-a-number": desc(lambda m: res("sources")(m)["schema"].update(primaryKey=5)),
    "foreign-key-reference-a-string": desc(lambda m: res("sales")(m)["schema"]["foreignKeys"][0].update(reference="sources")),
    "primary-key-unknown-field": desc(lambda m: res("sources")(m)["schema"].update(primaryKey=["nope"])),
    "foreign-key-into-no-resource": desc(lambda m: res("sales")(m)["schema"]["foreignKeys"][0]["reference"].update(resource="nope")),

    # --- the structure of a CSV -----------------------------------------------------------------------
    "unterminated-quote": overlay("events.unterminated-quote.csv"),
    "text-after-a-closing-quote": lines("events", line(2, lambda s: s.replace(",The fixture Sakura went on sale.,", ',"The fixture" Sakura,'))),
    "tab-delimited": overlay("events.tab-delimited.csv"),
    "semicolon-delimited": lambda p: replace_bytes(p, "plants", lambda b: b.replace(b",", b";")),
    "cr-only-line-ends": overlay("models.cr-only.csv"),
    "crlf-line-ends": lambda p: replace_bytes(p, "sources", lambda b: b.replace(b"\n", b"\r\n")),
    "one-crlf-line": overlay("sales.crlf-one-line.csv"),
    "header-trailing-space": lines("events", line(0, lambda s: s.replace("notes", "notes "))),
    "header-leading-space": lines("events", line(0, lambda s: s.replace(",summary", ", summary"))),
    "header-repeated-as-a-record": lines("events", lambda L: L.insert(3, L[0])),
    "two-files-pasted-together": lambda p: replace_bytes(p, "production", lambda b: b + b),
    "record-cut-short": lines("events", line(2, lambda s: s[:20])),
    "record-with-an-extra-cell": lines("models", line(3, lambda s: s + ",surplus")),
    "a-10-mb-cell": cell("events", 0, "notes", "x" * 10_000_000),
    "required-column-dropped": drop_column("sales", "units"),
    "required-column-renamed": lambda p: rename_column(p, "sales", "units", "unit"),
    "last-column-dropped": drop_column("plants", "notes"),
    "first-column-dropped": drop_column("models", "model_id"),
    "two-columns-swapped": swap_columns("sales", "period_start", "period_end"),
    "column-inserted-in-the-middle": insert_column("events", "date", "colour", "red"),
    "column-added-at-the-end": lambda p: add_column(p, "sources", "colour", "red"),
    "blank-column-name": lines("plants", line(0, lambda s: s.replace(",notes", ","))),
    "column-named-twice": lines("models", line(0, lambda s: s.replace("notes", "name"))),
    "header-only-models": header_only("models"),
    "header-only-sources": header_only("sources"),
    "empty-sources": lambda p: p.path("sources").write_bytes(b""),
    "empty-events": lambda p: p.path("events").write_bytes(b""),
    "missing-sources": lambda p: p.path("sources").unlink(),
    "blank-line-at-the-end": lambda p: replace_bytes(p, "events", lambda b: b + b"\n"),
    "blank-line-in-the-middle": lines("sales", lambda L: L.insert(4, "")),
    "a-row-of-commas": lines("sales", lambda L: L.insert(4, "," * 11)),
    "no-final-newline": lambda p: replace_bytes(p, "plants", lambda b: b.rstrip(b"\n")),
    "byte-order-mark": lambda p: replace_bytes(p, "sales", lambda b: b"\xef\xbb\xbf" + b),
    "shift-jis-sources": overlay("sources.shift_jis.csv"),
    "latin-1-events": lambda p: replace_bytes(p, "events", lambda b: b.replace(b"Tama first", "Tama caf\u00e9".encode("latin-1"))),
    "utf-16-events": overlay("events.utf-16.csv"),
    # rows are the physical lines of the file: after a cell with an embedded newline, every later row is one more
    "embedded-newline-then-a-bad-date": overlay("events.embedded-newline.csv"),
    "embedded-newline-then-a-rule": cells(("events", 0, "notes", "first line\nsecond line"), ("events", 2, "date", "2030-01-01")),
    "embedded-newlines-then-type-and-sum": cells(("sales", 0, "notes", "a\nb\nc"), ("sales", 1, "units", "x"), ("sales", 9, "units", "700")),
    "embedded-newline-then-a-short-record": lambda p: (p.set_cell("events", 0, "notes", "a\nb"), edit_lines(p, "events", line(4, lambda s: s[:30]))),

    # --- values that pass frictionless and then break the build or the downloads ------------------------
    "full-width-digits": cell("sales", 0, "units", "\uff11\uff10\uff10"),
    "full-width-year": cell("models", 1, "launch_year", "\uff12\uff10\uff11\uff10"),
    "integer-beyond-64-bits": cell("sales", 0, "units", "99999999999999999999999"),
    "integer-just-beyond-64-bits": cell("plants", 0, "geonames_id", str(2**63)),
    "integer-with-a-plus": cell("sales", 0, "units", "+100"),
    "integer-with-leading-zeros": cell("sales", 0, "units", "0100"),
    "integer-with-a-thousands-comma": cell("sales", 0, "units", "1,000"),
    "integer-with-a-decimal-point": cell("sales", 0, "units", "100.0"),
    "infinity-latitude": cell("plants", 0, "latitude", "Infinity"),
    "inf-battery": cell("models", 1, "battery_kwh", "inf"),
    "nan-share": cell("market_share", 1, "share_pct", "NaN"),
    "nan-battery": cell("models", 1, "battery_kwh", "nan"),
    "number-with-an-exponent": cell("models", 1, "battery_kwh", "2.4e1"),
    "number-with-a-decimal-comma": cell("models", 1, "battery_kwh", "24,0"),
    "unpadded-date": cell("events", 1, "date", "2022-6-16"),
    "unpadded-period-end": cell("sales", 0, "period_end", "2023-1-31"),
    "date-with-a-time": cell("events", 1, "date", "2022-06-16T09:00:00"),
    "date-with-slashes": cell("events", 1, "date", "2022/06/16"),
    "full-width-date": cell("events", 1, "date", "\uff12\uff10\uff12\uff12-06-16"),
    "nul-in-a-cell": overlay("events.nul.csv"),
    "bell-in-a-cell": cell("events", 0, "summary", "The fixture Tama\x07 first rolled out."),
    "tab-in-a-cell": cell("events", 0, "summary", "The fixture\tTama"),
    "escape-in-a-cell": cell("models", 0, "name", "Tama \x1b[31mFixture"),
    "c1-control-in-a-cell": cell("models", 0, "name", "Tama\x85Fixture"),
    "delete-in-a-cell": cell("models", 0, "name", "Tama\x7fFixture"),
    "feff-inside-a-cell": overlay("models.feff-in-cell.csv"),
    "feff-before-an-id": cell("models", 3, "twin_id", "\ufeffmitsubishi-ek-x-ev"),
    "space-before-an-id": cell("models", 3, "twin_id", " mitsubishi-ek-x-ev"),
    "boolean-in-capitals": cell("sales", 0, "preferred", "TRUE"),
    "boolean-as-a-digit": cell("sales", 0, "cumulative", "0"),
    "impossible-date": cell("sales", 0, "period_end", "2023-02-30"),

    # --- cascades: one fault, one line ----------------------------------------------------------------
    "id-with-a-space-is-a-pattern-not-a-foreign-key": cell("models", 1, "predecessor_id", "Tama FX"),
    "status-unknown-is-one-line": cell("market_share", 0, "status", "bogus"),  # a foreign key into codes_statuses
    "negative-total-is-not-summed-or-shared": cell("market_totals", 0, "units", "-3"),
    "month-13-is-one-line": cell("sales", 0, "period", "2023-13"),
    "emptied-model-id": cell("models", 1, "model_id", ""),
    "share-above-100-is-not-compared": cell("market_share", 0, "share_pct", "101"),
    "bad-source-id-in-sales": cell("sales", 0, "source_id", "Fixture News"),
    "unpadded-period-start-is-one-line": cell("market_share", 0, "period_start", "2023-1-1"),
    "two-faults-in-two-files": cells(("sales", 0, "units", "NaN"), ("plants", 0, "latitude", "1e1")),

    # --- rules that used to check nothing ----------------------------------------------------------
    "plant-in-seoul-named-japan": cells(("plants", 0, "latitude", "37.56"), ("plants", 0, "longitude", "126.97")),
    "plant-in-busan-named-japan": cells(("plants", 1, "latitude", "35.18"), ("plants", 1, "longitude", "129.07")),
    "plant-in-the-pacific": cells(("plants", 2, "latitude", "30.0"), ("plants", 2, "longitude", "140.0")),
    "plant-with-latitude-and-longitude-swapped": cells(("plants", 3, "latitude", "-1.38222"), ("plants", 3, "longitude", "54.90465")),
    "plant-in-a-country-without-an-outline": cell("plants", 3, "country", "XX"),
    "plant-named-in-the-wrong-country": cell("plants", 3, "country", "FR"),
    # in Tokyo Bay off Oppama, 5.7 km from the 1:50m outline: a city centre may be that far, a site may not
    "coastal-city-within-tolerance": cells(("plants", 2, "latitude", "35.32"), ("plants", 2, "longitude", "139.74")),
    "coastal-site-beyond-tolerance": cells(("plants", 2, "latitude", "35.32"), ("plants", 2, "longitude", "139.74"), ("plants", 2, "coord_precision", "site")),
    "country-outlines-missing": lambda p: (p.root / "vendor").unlink(),
    "model-its-own-twin": cell("models", 0, "twin_id", "tama-fx"),
    "url-with-only-a-port": cell("sources", 0, "url", "https://:80"),
    "fiscal-year-in-the-makers-own-label": cell("company_results", 2, "fiscal_year", "FY2024"),
    "fiscal-year-ending-in-october": cell("company_results", 1, "period_end", "2023-10-31"),

    # --- accepted: hostile-looking input that is valid ------------------------------------------------
    **{case: cell("events", 0, "notes", text) for case, text in GOOD_NOTES.items()},
    "symlink-inside-the-project": lambda p: (os.rename(p.path("sales"), p.root / "sales-real.csv"), p.path("sales").symlink_to(p.root / "sales-real.csv")),
}

EXPECTED = {
    'descriptor-invalid-json': [
        "datapackage.json: [descriptor] found 'Expecting property name enclosed in double quotes: line 1 column 3 (char 2)', expected a readable JSON Data Package descriptor",
    ],
    'descriptor-empty-file': [
        "datapackage.json: [descriptor] found 'Expecting value: line 1 column 1 (char 0)', expected a readable JSON Data Package descriptor",
    ],
    'descriptor-a-list': [
        "datapackage.json: [descriptor] found 'list', expected a JSON object (a Data Package descriptor)",
    ],
    'descriptor-not-utf8': [
        'datapackage.json: [descriptor] found "\'utf-8\' codec can\'t decode byte 0xe9 in position 84: invalid continuation byte", expected a readable JSON Data Package descriptor',
    ],
    'resources-empty-list': [
        "datapackage.json::resources: [descriptor-resources] found '[]', expected a list of one or more resources",
    ],
    'resources-an-object': [
        "datapackage.json::resources: [descriptor-resources] found '{}', expected a list of one or more resources",
    ],
    'resources-missing': [
        "datapackage.json::resources: [descriptor-resources] found 'None', expected a list of one or more resources",
    ],
    'resource-without-path': [
        'datapackage.json::resources[4]: [descriptor-resources] found \'{\\\'name\\\': \\\'events\\\', \\\'title\\\': \\\'Events\\\', \\\'description\\\': "Dated milestones: launches\', expected a resource with a name and a path',
    ],
    'resource-path-a-list': [
        'datapackage.json::resources[4]: [descriptor-resources] found "{\'name\': \'events\', \'path\': [\'datasets/events.csv\'], \'title\': \'Events\', \'descript", expected a resource with a name and a path',
    ],
    'resource-path-absolute': [
        "datapackage.json::resources[5].path: [resource-path] found '/etc/passwd', expected a relative path to a file inside the project folder",
    ],
    'resource-path-dotdot': [
        "datapackage.json::resources[5].path: [resource-path] found '../sales.csv', expected a relative path to a file inside the project folder",
    ],
    'resource-path-url': [
        "datapackage.json::resources[5].path: [resource-path] found 'https://example.org/sales.csv', expected a relative path to a file inside the project folder",
    ],
    'resource-path-symlink-outside': [
        "datapackage.json::resources[5].path: [resource-path] found 'datasets/sales.csv', expected a relative path to a file inside the project folder",
    ],
    'resource-path-a-folder': [
        "datapackage.json::resources[5].path: [resource-path] found 'datasets', expected a relative path to a file inside the project folder",
    ],
    'resource-name-dotdot': [
        "datapackage.json::resources[4].name: [descriptor-resources] found '../evil', expected a lower-case name (letters, digits, _) that no other resource has",
    ],
    'resource-name-twice': [
        "datapackage.json::resources[4].name: [descriptor-resources] found 'sources', expected a lower-case name (letters, digits, _) that no other resource has",
    ],
    'version-dotdot': [
        "datapackage.json::version: [descriptor-version] found '../../outside', expected a version such as 0.2.0",
    ],
    'version-a-number': [
        "datapackage.json::version: [descriptor-version] found '2', expected a version such as 0.2.0",
    ],
    'version-missing': [
        "datapackage.json::version: [descriptor-version] found 'None', expected a version such as 0.2.0",
    ],
    'version-trailing-space': [
        "datapackage.json::version: [descriptor-version] found '0.2.0 ', expected a version such as 0.2.0",
    ],
    'encoding-latin-1': [
        "datapackage.json::resources[5].encoding: [resource-encoding] found 'latin-1', expected utf-8",
    ],
    'encoding-shift-jis': [
        "datapackage.json::resources[0].encoding: [resource-encoding] found 'shift_jis', expected utf-8",
    ],
    'dialect-tab': [
        "datapackage.json::resources[5].dialect.delimiter: [resource-encoding] found '\\t', expected ','",
    ],
    'dialect-single-quote': [
        'datapackage.json::resources[5].dialect.quoteChar: [resource-encoding] found "\'", expected \'"\'',
    ],
    'schema-missing': [
        "datapackage.json::resources[5].schema: [descriptor-resources] found 'None', expected a schema with a list of named fields",
    ],
    'schema-no-fields': [
        'datapackage.json::resources[5].schema: [descriptor-resources] found "{\'fields\': [], \'primaryKey\': [\'model_id\', \'geography\', \'period\', \'measure\', \'cum", expected a schema with a list of named fields',
    ],
    'field-without-name': [
        'datapackage.json::resources[5].schema: [descriptor-resources] found "{\'fields\': [{\'type\': \'string\', \'title\': \'Model\', \'description\': \'The model conce", expected a schema with a list of named fields',
    ],
    'field-type-unknown': [
        'datapackage.json: [field-error] found \'field type "wibble" is not supported\', expected a valid Data Package descriptor',
    ],
    'field-type-integer-to-number': [
        "datapackage.json::resources[5].schema.fields[6].type: [field-type] found 'number', expected integer, the type the project's rules read sales.units as",
    ],
    'field-dropped-from-the-schema': [
        "datapackage.json::resources[6].schema.fields: [field-type] found 'no field units', expected a field units of type integer, which the project's rules read",
    ],
    'field-type-changed-under-its-constraint': [
        'datapackage.json: [package-error] found \'constraint "minimum" is not supported by type "string"\', expected a valid Data Package descriptor',
    ],
    'primary-key-a-number': [
        "datapackage.json::resources[0].schema.primaryKey: [descriptor-resources] found '5', expected a field name or a list of field names",
    ],
    'foreign-key-reference-a-string': [
        'datapackage.json::resources[5].schema.foreignKeys: [descriptor-resources] found "[{\'fields\': \'model_id\', \'reference\': \'sources\'}, {\'fields\': \'source_id\', \'refere", expected a list of foreign keys, each with fields and a reference to a resource',
    ],
    'primary-key-unknown-field': [
        'datapackage.json: [package-error] found \'primary key "[\\\'nope\\\']" does not match the fields "[\\\'source_id\\\', \\\'title\\\', \\\'publisher\\\', \\\'url\\\', \\\'published\\\', \\\'accessed\\\', \\\'kind\\\', \\\'reliability\\\', \\\'language\\\', \\\'notes\\\']"\', expected a valid Data Package descriptor',
    ],
    'foreign-key-into-no-resource': [
        'datapackage.json::resources.sales: [resource-error] found \'failed to handle a foreign key for resource "sales" as resource "nope" does not exist\', expected a valid Data Package descriptor',
    ],
    'unterminated-quote': [
        NOT_CHECKED(E, 'a broken quote'),
        'datasets/events.csv:3: [quote] found \'ev-sakura-launch,2022-06-16,day,launch,nissan-sakura,,"The f…\', expected a quoted cell closed by " before the end of the file',
    ],
    'text-after-a-closing-quote': [
        NOT_CHECKED(E, 'a broken quote'),
        'datasets/events.csv:3: [quote] found \'ev-sakura-launch,2022-06-16,day,launch,nissan-sakura,,"The f…\', expected a quoted cell closed by " followed by a comma or the end of the line',
    ],
    'tab-delimited': [
        NOT_CHECKED(E, 'another delimiter'),
        "datasets/events.csv:1: [delimiter] found 'columns separated by a tab', expected columns separated by commas",
    ],
    'semicolon-delimited': [
        NOT_CHECKED(PL, 'another delimiter'),
        "datasets/plants.csv:1: [delimiter] found 'columns separated by a semicolon', expected columns separated by commas",
    ],
    'cr-only-line-ends': [
        "datasets/models.csv:1: [line-ends] found 'CR or CRLF line end', expected LF line ends",
    ],
    'crlf-line-ends': [
        "datasets/sources.csv:1: [line-ends] found 'CR or CRLF line end', expected LF line ends",
    ],
    'one-crlf-line': [
        "datasets/sales.csv:2: [line-ends] found 'CR or CRLF line end', expected LF line ends",
    ],
    'header-trailing-space': [
        "datasets/events.csv:1:notes: [no-surrounding-space] found 'notes ', expected no leading or trailing spaces",
    ],
    'header-leading-space': [
        "datasets/events.csv:1:summary: [no-surrounding-space] found ' summary', expected no leading or trailing spaces",
    ],
    'header-repeated-as-a-record': [
        "datasets/events.csv:4: [repeated-header] found 'event_id,date,date_precision,kind,model_id,plant_id,summary,', expected a record, not the header again",
    ],
    'two-files-pasted-together': [
        "datasets/production.csv:7: [repeated-header] found 'model_id,plant_id,start_year,end_year,status,source_id,notes', expected a record, not the header again",
        "datasets/production.csv:8: [primary-key] found 'model_id=nissan-sakura, plant_id=mitsubishi-mizushima, source_id=fx-maker-release', expected a unique primary key (model_id, plant_id, source_id); the same as in the row at position 2",
        "datasets/production.csv:9: [primary-key] found 'model_id=mitsubishi-ek-x-ev, plant_id=mitsubishi-mizushima, source_id=fx-maker-release', expected a unique primary key (model_id, plant_id, source_id); the same as in the row at position 3",
        "datasets/production.csv:10: [primary-key] found 'model_id=nissan-next-kei-ev, plant_id=nissan-kyushu, source_id=fx-news', expected a unique primary key (model_id, plant_id, source_id); the same as in the row at position 4",
        "datasets/production.csv:11: [primary-key] found 'model_id=nissan-leaf-ze1, plant_id=nissan-oppama, source_id=fx-maker-release', expected a unique primary key (model_id, plant_id, source_id); the same as in the row at position 5",
        "datasets/production.csv:12: [primary-key] found 'model_id=nissan-leaf-ze0, plant_id=nissan-sunderland, source_id=fx-maker-release', expected a unique primary key (model_id, plant_id, source_id); the same as in the row at position 6",
    ],
    'record-cut-short': [
        "datasets/events.csv:3:date_precision: [missing-cell] found '2 cells', expected 9 cells, one per column (missing: date_precision, kind, model_id, plant_id, summary, source_id, notes)",
    ],
    'record-with-an-extra-cell': [
        "datasets/models.csv:4: [extra-cell] found 'surplus', expected no more cells than the header has columns",
    ],
    'a-10-mb-cell': [
        "datasets/events.csv:2:notes: [cell-size] found '10,000,000 characters', expected at most 10,000 characters",
    ],
    'required-column-dropped': [
        NOT_CHECKED(S, 'its columns shifted'),
        "datasets/sales.csv:1:units: [missing-label] found 'no such column', expected a column named 'units', as datapackage.json says",
    ],
    'required-column-renamed': [
        "datasets/sales.csv:1:units: [incorrect-label] found 'unit', expected the column named in datapackage.json",
    ],
    'last-column-dropped': [
        "datasets/plants.csv:1:notes: [missing-label] found 'no such column', expected a column named 'notes', as datapackage.json says",
    ],
    'first-column-dropped': [
        NOT_CHECKED(M, 'its columns shifted'),
        "datasets/models.csv:1:model_id: [missing-label] found 'no such column', expected a column named 'model_id', as datapackage.json says",
    ],
    'two-columns-swapped': [
        NOT_CHECKED(S, 'columns in another order'),
        "datasets/sales.csv:1:period_start: [incorrect-label] found 'model_id,geography,period,period_end,period_start,measure,units,cumulative,status,preferred,source_id,notes', expected the columns in datapackage.json's order: model_id,geography,period,period_start,period_end,measure,units,cumulative,status,preferred,source_id,notes",
    ],
    'column-inserted-in-the-middle': [
        NOT_CHECKED(E, 'its columns shifted'),
        "datasets/events.csv:1:colour: [extra-label] found 'colour', expected only the columns that datapackage.json names",
    ],
    'column-added-at-the-end': [
        "datasets/sources.csv:1:colour: [extra-label] found 'colour', expected only the columns that datapackage.json names",
    ],
    'blank-column-name': [
        "datasets/plants.csv:1:notes: [blank-label] found '', expected a name for every column",
    ],
    'column-named-twice': [
        "datasets/models.csv:1:notes: [duplicate-label] found 'name', expected unique column names",
    ],
    'header-only-models': [
        NOT_CHECKED(M, 'no records'),
        "datasets/models.csv:1: [no-records] found 'a header and no records', expected a header row and at least one record",
    ],
    'header-only-sources': [
        NOT_CHECKED(P, 'no records'),
        "datasets/sources.csv:1: [no-records] found 'a header and no records', expected a header row and at least one record",
    ],
    'empty-sources': [
        "datasets/sources.csv: [no-records] found 'an empty file', expected a header row and at least one record",
        NOT_CHECKED(P, 'no records'),
    ],
    'empty-events': [
        "datasets/events.csv: [no-records] found 'an empty file', expected a header row and at least one record",
        NOT_CHECKED(E, 'no records'),
    ],
    'missing-sources': [
        "datasets/sources.csv: [file-exists] found 'no such file', expected the file named by datapackage.json",
        NOT_CHECKED(P, 'no such file'),
    ],
    'blank-line-at-the-end': [
        "datasets/events.csv:6: [blank-row] found 'an empty row', expected no blank rows",
    ],
    'blank-line-in-the-middle': [
        "datasets/sales.csv:5: [blank-row] found 'an empty row', expected no blank rows",
    ],
    'a-row-of-commas': [
        "datasets/sales.csv:5: [blank-row] found 'an empty row', expected no blank rows",
    ],
    'no-final-newline': [
        "datasets/plants.csv:5: [final-newline] found 'no newline at end of file', expected a newline after the last row",
    ],
    'byte-order-mark': [
        "datasets/sales.csv:1: [no-bom] found 'a UTF-8 byte order mark', expected UTF-8 without a BOM",
    ],
    'shift-jis-sources': [
        NOT_CHECKED(P, 'not UTF-8'),
        'datasets/sources.csv:5: [encoding] found "b\'\\\\x8fT\\\\x8a\\\\xa7\'", expected UTF-8 text',
    ],
    'latin-1-events': [
        NOT_CHECKED(E, 'not UTF-8'),
        'datasets/events.csv:2: [encoding] found "b\'\\\\xe9 ro\'", expected UTF-8 text',
    ],
    'utf-16-events': [
        NOT_CHECKED(E, 'not UTF-8'),
        'datasets/events.csv:1: [encoding] found "b\'\\\\xff\\\\xfee\\\\x00\'", expected UTF-8 text',
    ],
    'embedded-newline-then-a-bad-date': [
        "datasets/events.csv:5:date: [type-error] found '2024-13-08', expected a value of type date",
    ],
    'embedded-newline-then-a-rule': [
        "datasets/events.csv:5:date: [not-in-future] found '2030-01-01', expected a date no later than 2026-12-01; a plan belongs in production with status planned or reported",
    ],
    'embedded-newlines-then-type-and-sum': [
        "datasets/sales.csv:5:units: [type-error] found 'x', expected a value of type integer",
        "datasets/sales.csv:13:units: [cumulative-nondecreasing] found '700', expected at least 800, the running total at 2023-06-30 (row 12)",
    ],
    'embedded-newline-then-a-short-record': [
        "datasets/events.csv:5:model_id: [missing-cell] found '4 cells', expected 9 cells, one per column (missing: model_id, plant_id, summary, source_id, notes)",
    ],
    'full-width-digits': [
        "datasets/sales.csv:2:units: [value-form] found '１００', expected an integer in ASCII digits, without a sign or leading zeros",
    ],
    'full-width-year': [
        "datasets/models.csv:3:launch_year: [value-form] found '２０１０', expected a year of four ASCII digits",
    ],
    'integer-beyond-64-bits': [
        "datasets/sales.csv:2:units: [value-form] found '99999999999999999999999', expected an integer within 64 bits (-2^63 to 2^63-1)",
    ],
    'integer-just-beyond-64-bits': [
        "datasets/plants.csv:2:geonames_id: [value-form] found '9223372036854775808', expected an integer within 64 bits (-2^63 to 2^63-1)",
    ],
    'integer-with-a-plus': [
        "datasets/sales.csv:2:units: [value-form] found '+100', expected an integer in ASCII digits, without a sign or leading zeros",
    ],
    'integer-with-leading-zeros': [
        "datasets/sales.csv:2:units: [value-form] found '0100', expected an integer in ASCII digits, without a sign or leading zeros",
    ],
    'integer-with-a-thousands-comma': [
        "datasets/sales.csv:2:units: [type-error] found '1,000', expected a value of type integer",
    ],
    'integer-with-a-decimal-point': [
        "datasets/sales.csv:2:units: [type-error] found '100.0', expected a value of type integer",
    ],
    'infinity-latitude': [
        "datasets/plants.csv:2:latitude: [value-form] found 'Infinity', expected a number in ASCII digits with an optional '.' (no Infinity, NaN or exponent)",
    ],
    'inf-battery': [
        "datasets/models.csv:3:battery_kwh: [value-form] found 'inf', expected a number in ASCII digits with an optional '.' (no Infinity, NaN or exponent)",
    ],
    'nan-share': [
        "datasets/market_share.csv:3:share_pct: [value-form] found 'NaN', expected a number in ASCII digits with an optional '.' (no Infinity, NaN or exponent)",
    ],
    'nan-battery': [
        "datasets/models.csv:3:battery_kwh: [value-form] found 'nan', expected a number in ASCII digits with an optional '.' (no Infinity, NaN or exponent)",
    ],
    'number-with-an-exponent': [
        "datasets/models.csv:3:battery_kwh: [value-form] found '2.4e1', expected a number in ASCII digits with an optional '.' (no Infinity, NaN or exponent)",
    ],
    'number-with-a-decimal-comma': [
        "datasets/models.csv:3:battery_kwh: [type-error] found '24,0', expected a value of type number",
    ],
    'unpadded-date': [
        "datasets/events.csv:3:date: [value-form] found '2022-6-16', expected a date written YYYY-MM-DD",
    ],
    'unpadded-period-end': [
        "datasets/sales.csv:2:period_end: [value-form] found '2023-1-31', expected a date written YYYY-MM-DD",
    ],
    'date-with-a-time': [
        "datasets/events.csv:3:date: [type-error] found '2022-06-16T09:00:00', expected a value of type date",
    ],
    'date-with-slashes': [
        "datasets/events.csv:3:date: [type-error] found '2022/06/16', expected a value of type date",
    ],
    'full-width-date': [
        "datasets/events.csv:3:date: [value-form] found '２０２２-06-16', expected a date written YYYY-MM-DD",
    ],
    'nul-in-a-cell': [
        "datasets/events.csv:2:summary: [control-character] found 'The fixture Tama\\x00 first rolled out.', expected text without control characters (U+0000 to U+001F but the newline, U+007F to U+009F) or U+FEFF",
    ],
    'bell-in-a-cell': [
        "datasets/events.csv:2:summary: [control-character] found 'The fixture Tama\\x07 first rolled out.', expected text without control characters (U+0000 to U+001F but the newline, U+007F to U+009F) or U+FEFF",
    ],
    'tab-in-a-cell': [
        "datasets/events.csv:2:summary: [control-character] found 'The fixture\\tTama', expected text without control characters (U+0000 to U+001F but the newline, U+007F to U+009F) or U+FEFF",
    ],
    'escape-in-a-cell': [
        "datasets/models.csv:2:name: [control-character] found 'Tama \\x1b[31mFixture', expected text without control characters (U+0000 to U+001F but the newline, U+007F to U+009F) or U+FEFF",
    ],
    'c1-control-in-a-cell': [
        "datasets/models.csv:2:name: [control-character] found 'Tama\\x85Fixture', expected text without control characters (U+0000 to U+001F but the newline, U+007F to U+009F) or U+FEFF",
    ],
    'delete-in-a-cell': [
        "datasets/models.csv:2:name: [control-character] found 'Tama\\x7fFixture', expected text without control characters (U+0000 to U+001F but the newline, U+007F to U+009F) or U+FEFF",
    ],
    'feff-inside-a-cell': [
        "datasets/models.csv:2:name: [control-character] found 'Tama\\ufeffFixture', expected text without control characters (U+0000 to U+001F but the newline, U+007F to U+009F) or U+FEFF",
    ],
    'feff-before-an-id': [
        "datasets/models.csv:5:twin_id: [control-character] found '\\ufeffmitsubishi-ek-x-ev', expected text without control characters (U+0000 to U+001F but the newline, U+007F to U+009F) or U+FEFF",
    ],
    'space-before-an-id': [
        "datasets/models.csv:5:twin_id: [no-surrounding-space] found ' mitsubishi-ek-x-ev', expected no leading or trailing spaces",
    ],
    'boolean-in-capitals': [
        "datasets/sales.csv:2:preferred: [type-error] found 'TRUE', expected true or false",
    ],
    'boolean-as-a-digit': [
        "datasets/sales.csv:2:cumulative: [type-error] found '0', expected true or false",
    ],
    'impossible-date': [
        "datasets/sales.csv:2:period_end: [type-error] found '2023-02-30', expected a value of type date",
    ],
    'id-with-a-space-is-a-pattern-not-a-foreign-key': [
        "datasets/models.csv:3:predecessor_id: [pattern] found 'Tama FX', expected text matching ^[a-z0-9][a-z0-9-]*$",
    ],
    'status-unknown-is-one-line': [
        "datasets/market_share.csv:2:status: [foreign-key] found 'bogus', expected a value that exists in codes_statuses.code",
    ],
    'negative-total-is-not-summed-or-shared': [
        "datasets/market_totals.csv:2:units: [minimum] found '-3', expected a value >= 0",
    ],
    'month-13-is-one-line': [
        "datasets/sales.csv:2:period: [period-label] found '2023-13', expected a known period label (unknown period label '2023-13')",
    ],
    'emptied-model-id': [
        "datasets/models.csv:3:model_id: [required] found '', expected a value (the column is required)",
    ],
    'share-above-100-is-not-compared': [
        "datasets/market_share.csv:2:share_pct: [maximum] found '101', expected a value <= 100",
    ],
    'bad-source-id-in-sales': [
        "datasets/sales.csv:2:source_id: [pattern] found 'Fixture News', expected text matching ^[a-z0-9][a-z0-9-]*$",
    ],
    'unpadded-period-start-is-one-line': [
        "datasets/market_share.csv:2:period_start: [value-form] found '2023-1-1', expected a date written YYYY-MM-DD",
    ],
    'two-faults-in-two-files': [
        "datasets/plants.csv:2:latitude: [value-form] found '1e1', expected a number in ASCII digits with an optional '.' (no Infinity, NaN or exponent)",
        "datasets/sales.csv:2:units: [type-error] found 'NaN', expected a value of type integer",
    ],
    'plant-in-seoul-named-japan': [
        "datasets/plants.csv:2:latitude,longitude: [coordinates-in-country] found '37.56, 126.97', expected a point inside JP's outline, or within 10 km of it for coord_precision city (this one is 387 km outside)",
    ],
    'plant-in-busan-named-japan': [
        "datasets/plants.csv:3:latitude,longitude: [coordinates-in-country] found '35.18, 129.07', expected a point inside JP's outline, or within 10 km of it for coord_precision city (this one is 65 km outside)",
    ],
    'plant-in-the-pacific': [
        "datasets/plants.csv:4:latitude,longitude: [coordinates-in-country] found '30.0, 140.0', expected a point inside JP's outline, or within 10 km of it for coord_precision city (this one is 339 km outside)",
    ],
    'plant-with-latitude-and-longitude-swapped': [
        "datasets/plants.csv:5:latitude,longitude: [coordinates-in-country] found '-1.38222, 54.90465', expected a point inside GB's outline, or within 10 km of it for coord_precision city (this one is over 1,000 km outside)",
    ],
    'plant-in-a-country-without-an-outline': [
        "datasets/plants.csv:5:country: [coordinates-in-country] found 'XX', expected a country whose outline the project ships and geo.py names (BR, CN, ES, FR, GB, ID, IN, JP, KR, MX, TH, TW, US, ZA)",
    ],
    'plant-named-in-the-wrong-country': [
        "datasets/plants.csv:5:latitude,longitude: [coordinates-in-country] found '54.90465, -1.38222', expected a point inside FR's outline, or within 10 km of it for coord_precision city (this one is 484 km outside)",
    ],
    'coastal-city-within-tolerance': [],
    'coastal-site-beyond-tolerance': [
        "datasets/plants.csv:4:latitude,longitude: [coordinates-in-country] found '35.32, 139.74', expected a point inside JP's outline, or within 2 km of it for coord_precision site (this one is 6 km outside)",
    ],
    'country-outlines-missing': [
        "datasets/plants.csv: [coordinates-in-country] found 'no file vendor/world-atlas/countries-50m.json', expected the country outlines the project ships beside datapackage.json",
    ],
    'model-its-own-twin': [
        "datasets/models.csv:2:twin_id: [twins-symmetric] found 'tama-fx', expected another model's id: a model is not its own twin",
    ],
    'url-with-only-a-port': [
        "datasets/sources.csv:2:url: [absolute-url] found 'https://:80', expected an absolute http(s) URL",
    ],
    'fiscal-year-in-the-makers-own-label': [
        "datasets/company_results.csv:4:fiscal_year: [period-dates] found 'FY2024', expected the label of 2023-04-01 to 2024-03-31, or dates 2024-04-01 to 2025-03-31 for FY2024",
    ],
    'fiscal-year-ending-in-october': [
        "datasets/company_results.csv:3:period_end: [period-dates] found '2023-10-31', expected 2023-09-30 for period FY2023-H1",
    ],
    'japanese-text-is-fine': [],
    'an-embedded-newline-alone-is-fine': [],
    'doubled-quotes-are-fine': [],
    'markup-in-a-note-is-text': [],
    'symlink-inside-the-project': [],
}


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("ATLAS_TODAY", "2026-12-01")


def test_the_corpus_has_more_than_a_hundred_cases_each_with_its_lines():
    assert (len(CORRUPTIONS) >= 100, sorted(CORRUPTIONS)) == (True, sorted(EXPECTED))


def old_site(project: Project) -> None:
    """A build/site from before: what a failed `make site` must leave byte for byte as it was."""
    project.site.mkdir(parents=True)
    (project.site / "index.html").write_bytes(b"<p>the site built before</p>\n")
    (project.site / "data").mkdir()
    (project.site / "data" / "sales.csv").write_bytes(b"model_id,units\nsakura,1\n")


@pytest.mark.parametrize("case", list(CORRUPTIONS))
def test_each_hostile_package_gets_exactly_its_lines_exit_status_and_an_untouched_site(tiny, case, capsys, monkeypatch):
    """Every case through both entries that `make validate` and `make site` call (in this process, so that it
    stays cheap and a mutation tool's mutants are what runs): `validate` prints exactly the case's lines and
    exits 1 (0 and its ok line for a good package); for a bad package `site` exits 1 with the same lines,
    and the project (build/site included) and the folder around it are byte for byte as they were."""
    from atlas import site, validate

    # No chart workers, as under mutation testing: a refused build would start and stop a pool of processes for
    # nothing (a fifth of a second a case); the build through the command line, with its pool, is the SITE_CASES'.
    monkeypatch.setenv("ATLAS_CHART_WORKERS", "0")

    old_site(tiny)
    CORRUPTIONS[case](tiny)
    expected = EXPECTED[case]
    status = validate.main([str(tiny.descriptor)])
    out = capsys.readouterr()
    if not expected:  # a good package; test_the_good_packages_of_the_corpus_build builds them
        assert (status, out.out, out.err) == (0, f"ok: {tiny.descriptor} is valid (frictionless and the project's rules)\n", "")
        return
    assert (status, out.out.splitlines(), out.err) == (1, expected, f"{len(expected)} problem(s) in {tiny.descriptor}\n")

    project_before = snapshot(tiny.root)
    around_before = sorted(p.name for p in tiny.root.parent.iterdir())
    status = site.main([str(tiny.root)])
    out = capsys.readouterr()
    assert (status, out.out, out.err) == (
        1, "", "make site: validation failed:\n" + "\n".join(expected) + "\nbuild/site was left as it was.\n")
    assert sorted(p.name for p in (tiny.root / "build").iterdir()) == ["site"]
    assert snapshot(tiny.root) == project_before
    assert sorted(p.name for p in tiny.root.parent.iterdir()) == around_before


@pytest.mark.build
def test_the_good_packages_of_the_corpus_build(tiny, capsys):
    """The corpus's good packages, all in one build (a build costs seconds): each good note on an events row
    of its own, the other good cases (a coastal plant, the sales table behind a symlink inside the project)
    as they are. The build exits 0, replaces the old
    site, and leaves nothing beside build/site."""
    from atlas import site

    old_site(tiny)
    for index, text in enumerate(GOOD_NOTES.values()):
        tiny.set_cell("events", index, "notes", text)
    others = [case for case in CORRUPTIONS if not EXPECTED[case] and case not in GOOD_NOTES]
    for case in others:
        CORRUPTIONS[case](tiny)
    around_before = sorted(p.name for p in tiny.root.parent.iterdir())
    status = site.main([str(tiny.root)])
    out = capsys.readouterr()
    assert (status, out.out, out.err) == (0, "ok: site built in build/site\n", "")
    assert (tiny.site / "index.html").read_bytes() != b"<p>the site built before</p>\n"
    assert not (tiny.site / "data" / "sales.csv").exists()
    assert sorted(p.name for p in (tiny.root / "build").iterdir()) == ["site"]
    assert sorted(p.name for p in tiny.root.parent.iterdir()) == around_before
    assert others == ["coastal-city-within-tolerance", "symlink-inside-the-project"]


# Through the real command line, in a process of its own: the exit status, every printed line, and no traceback.
# (A handful: each is a fresh interpreter importing frictionless, seconds apiece on a busy machine.)
CLI_CASES = ["descriptor-not-utf8", "shift-jis-sources", "required-column-renamed", "markup-in-a-note-is-text"]


@pytest.mark.parametrize("case", CLI_CASES)
def test_the_command_line_prints_the_same_lines_and_exit_status(tiny, case):
    CORRUPTIONS[case](tiny)
    out = atlas("validate", str(tiny.descriptor), env={"ATLAS_TODAY": "2026-12-01"})
    expected = EXPECTED[case]
    if expected:
        assert (out.returncode, out.stdout.splitlines(), out.stderr) == (1, expected, f"{len(expected)} problem(s) in {tiny.descriptor}\n")
    else:
        assert (out.returncode, out.stdout, out.stderr) == (0, f"ok: {tiny.descriptor} is valid (frictionless and the project's rules)\n", "")


# --- `make site` on a bad package: the same lines, the old site untouched, nothing written elsewhere --------

def snapshot(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file under `folder` (symlinked folders not followed) with its bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if any(rel == s or rel.startswith(s + "/") for s in skip) or path.is_symlink() or not path.is_file():
            continue
        out[rel] = path.read_bytes()
    return out


SITE_CASES = ["version-dotdot", "shift-jis-sources", "required-column-renamed"]


@pytest.mark.parametrize("case", SITE_CASES)
def test_a_site_build_of_a_hostile_package_fails_with_its_lines_and_touches_nothing(tiny_site, tmp_path, case):
    built = tiny_site.parent.parent
    project = Project(tmp_path / "work" / "tiny")
    shutil.copytree(built, project.root, symlinks=True)
    site_before = snapshot(project.site)
    CORRUPTIONS[case](project)
    project_before = snapshot(project.root, skip=("build",))
    around_before = sorted(p.name for p in (tmp_path / "work").iterdir()), sorted(p.name for p in tmp_path.iterdir())
    out = project.build(env={"ATLAS_TODAY": "2026-12-01"})
    assert (out.returncode, out.stdout, out.stderr) == (
        1, "", "make site: validation failed:\n" + "\n".join(EXPECTED[case]) + "\nbuild/site was left as it was.\n")
    assert snapshot(project.site) == site_before
    assert snapshot(project.root, skip=("build",)) == project_before
    assert sorted(p.name for p in (project.root / "build").iterdir()) == ["site"]
    assert (sorted(p.name for p in (tmp_path / "work").iterdir()), sorted(p.name for p in tmp_path.iterdir())) == around_before


# --- the same bytes from a source tarball -----------------------------------------------------------------

@pytest.mark.real
def test_a_build_from_git_archive_and_one_from_a_clone_are_byte_identical(tmp_path):
    """A release tarball has no .git: nothing the build writes may depend on it (dates come from the
    descriptor's `created`, or SOURCE_DATE_EPOCH). Both copies are of the commit checked out here."""
    from atlas.paths import ROOT

    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    clone, unpacked = tmp_path / "clone", tmp_path / "archive"
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", commit], check=True)
    unpacked.mkdir()
    tar = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(unpacked)], input=tar, check=True)
    assert not (unpacked / ".git").exists()
    sites = []
    for tree in (clone, unpacked):
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        env["PYTHONPATH"] = str(tree / "scripts")  # each tree builds with its own copy of the code
        # the real data, checked as of its own release date, not the corpus' pinned day
        env["ATLAS_TODAY"] = json.loads((tree / "datapackage.json").read_text(encoding="utf-8"))["created"][:10]
        out = subprocess.run([sys.executable, "-m", "atlas", "site", str(tree)], cwd=tree, env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        sites.append(snapshot(tree / "build" / "site"))
    from_clone, from_archive = sites
    assert sorted(from_clone) == sorted(from_archive)
    assert [name for name in from_clone if from_clone[name] != from_archive[name]] == []
