"""Checks on datapackage.json itself that must pass before anything reads a file it names or writes a
folder it names: the version becomes a folder of the published site, and each resource path a file the
build reads, so neither may point outside the project."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from . import chart_declarations
from .package import DataPackage
from .problems import Problem

VERSION = re.compile(r"^\d+\.\d+\.\d+$")
# A resource name becomes a file name of the downloads and a page of the site, and is how claims cite tables.
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# The text checks, the rules and the build read every CSV as UTF-8 with commas and double quotes (RFC 4180).
DIALECT = {"delimiter": ",", "quoteChar": '"'}

DESCRIPTOR_RULES = {
    "descriptor": "datapackage.json is a readable JSON object.",
    "descriptor-version": "The package version is three numbers, MAJOR.MINOR.PATCH (it names a folder of the site).",
    "descriptor-resources": "The package lists at least one resource, each with a unique lower-case name, a path and a schema of named fields.",
    "resource-path": "Each resource path is a relative path to a file inside the project, with no '..' and no URL.",
    "field-type": "Each field the project's rules parse (units, shares, coordinates, dates, flags) is declared with the type they read it as.",
    "resource-encoding": "Each resource is declared UTF-8 (the only encoding the files may have), with commas and double quotes.",
    chart_declarations.RULE: chart_declarations.DESCRIPTION,
}


def check_descriptor(pkg: DataPackage) -> list[Problem]:
    name = pkg.descriptor.name
    if not isinstance(pkg.meta, dict):
        return [Problem(name, None, None, "descriptor", type(pkg.meta).__name__, "a JSON object (a Data Package descriptor)")]
    problems = []
    version = pkg.meta.get("version")
    if not isinstance(version, str) or not VERSION.match(version):
        problems.append(Problem(name, None, "version", "descriptor-version", str(version), "a version such as 0.2.0"))
    resources = pkg.meta.get("resources")
    if not isinstance(resources, list) or not resources:
        return problems + [Problem(name, None, "resources", "descriptor-resources", repr(resources), "a list of one or more resources")]
    root = pkg.root.resolve()
    seen = set()
    for i, r in enumerate(resources):
        where = f"resources[{i}]"
        if not isinstance(r, dict) or not isinstance(r.get("name"), str) or not isinstance(r.get("path"), str):
            problems.append(Problem(name, None, where, "descriptor-resources", repr(r)[:80], "a resource with a name and a path"))
            continue
        bad_name = not NAME.match(r["name"]) or r["name"] in seen
        if bad_name:
            problems.append(Problem(name, None, f"{where}.name", "descriptor-resources", r["name"],
                                    "a lower-case name (letters, digits, _) that no other resource has"))
        seen.add(r["name"])
        schema = r.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        if not isinstance(fields, list) or not fields or not all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields):
            problems.append(Problem(name, None, f"{where}.schema", "descriptor-resources", repr(schema)[:80], "a schema with a list of named fields"))
        else:
            # (a resource under another's name is that one fault, not also the other's missing fields)
            problems += _keys(name, where, schema) + ([] if bad_name else _field_types(name, where, r, fields))
        path = r["path"]
        target = (root / path).resolve()
        if urlparse(path).scheme or Path(path).is_absolute() or ".." in Path(path).parts or not target.is_relative_to(root) \
                or target.is_dir():
            problems.append(Problem(name, None, f"{where}.path", "resource-path", path, "a relative path to a file inside the project folder"))
        encoding = r.get("encoding", "utf-8")
        if not isinstance(encoding, str) or encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
            problems.append(Problem(name, None, f"{where}.encoding", "resource-encoding", str(encoding), "utf-8"))
        dialect = r.get("dialect", {})
        for key, want in DIALECT.items():
            got = dialect.get(key, want) if isinstance(dialect, dict) else None
            if got != want:
                problems.append(Problem(name, None, f"{where}.dialect.{key}", "resource-encoding", str(got), repr(want)))
    return problems


def _field_types(name: str, where: str, resource: dict, fields: list[dict]) -> list[Problem]:
    from .rules import field_types_of

    declared = {f["name"]: (i, f.get("type", "string")) for i, f in enumerate(fields)}
    out = []
    table = resource["name"]
    for column, want in field_types_of(resource).items():
        if column not in declared:
            out.append(Problem(name, None, f"{where}.schema.fields", "field-type", f"no field {column}",
                               f"a field {column} of type {want}, which the project's rules read"))
        elif declared[column][1] != want:
            out.append(Problem(name, None, f"{where}.schema.fields[{declared[column][0]}].type", "field-type", declared[column][1],
                               f"{want}, the type the project's rules read {table}.{column} as"))
    return out


def _names(value) -> bool:
    return isinstance(value, str) or isinstance(value, list) and all(isinstance(v, str) for v in value)


def _keys(name: str, where: str, schema: dict) -> list[Problem]:
    """The shapes of primaryKey and foreignKeys, which the validator reads itself (frictionless checks what they name)."""
    out = []
    if "primaryKey" in schema and not _names(schema["primaryKey"]):
        out.append(Problem(name, None, f"{where}.schema.primaryKey", "descriptor-resources", repr(schema["primaryKey"])[:80],
                           "a field name or a list of field names"))
    fks = schema.get("foreignKeys", [])
    if not isinstance(fks, list) or not all(isinstance(fk, dict) and _names(fk.get("fields")) and isinstance(fk.get("reference"), dict)
                                            and isinstance(fk["reference"].get("resource", ""), str) for fk in fks):
        out.append(Problem(name, None, f"{where}.schema.foreignKeys", "descriptor-resources", repr(fks)[:80],
                           "a list of foreign keys, each with fields and a reference to a resource"))
    return out
