"""Read what the descriptor declares about its fact tables (`atlas` on a resource: `role: fact`, the columns
that identify a fact, those that hold its value, the column that names its period) and which columns cite
a source (derived from the foreign keys to `sources`). Rules, pages and charts ask here instead of keeping
their own lists, so a new fact table is a CSV and a resource entry.
"""
from __future__ import annotations

from dataclasses import dataclass

from .package import DataPackage

SOURCES = "sources"


@dataclass(frozen=True)
class Fact:
    resource: str
    key: list[str]  # the columns that identify one fact, whatever source states it
    value: list[str]  # the columns that hold what the fact says
    period: str | None  # the column that names the fact's period (period_start/period_end agree with it), if any


def fact_tables(pkg: DataPackage) -> dict[str, Fact]:
    """Every fact table, in the descriptor's order."""
    out = {}
    for name, r in pkg.resources.items():
        a = r.get("atlas", {})
        if a.get("role") == "fact":
            out[name] = Fact(name, list(a["key"]), list(a["value"]), a.get("period"))
    return out


def fact_keys(pkg: DataPackage) -> dict[str, list[str]]:
    return {name: f.key for name, f in fact_tables(pkg).items()}


def value_columns(pkg: DataPackage) -> dict[str, list[str]]:
    return {name: f.value for name, f in fact_tables(pkg).items()}


def period_columns(pkg: DataPackage) -> dict[str, str]:
    """resource -> the column that names its period, for every fact table that has one."""
    return {name: f.period for name, f in fact_tables(pkg).items() if f.period}


def source_columns(pkg: DataPackage, resource: str) -> list[str]:
    """The columns of `resource` that cite a document: those with a foreign key to `sources`, in field order."""
    citing = set()
    for fk in pkg.resources[resource]["schema"].get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        if fk["reference"]["resource"] == SOURCES and len(fields) == 1:
            citing.add(fields[0])
    return [f.name for f in pkg.fields(resource) if f.name in citing]


def all_source_columns(pkg: DataPackage) -> list[str]:
    """Every column name that cites a document somewhere in the package, in first-seen order."""
    seen: list[str] = []
    for resource in pkg.resources:
        seen += [c for c in source_columns(pkg, resource) if c not in seen]
    return seen
