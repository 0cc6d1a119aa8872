"""Read the code tables: the resources whose `atlas.role` is `codes` (datasets/codes_*.csv), each holding
one row per code with its label and description, the way PUDL keeps its `core_pudl__codes_*` tables.

Every display label of a market, a status, a tier, a measure or a verdict is read here, never typed
elsewhere. A code table is named by its resource name or by that name without the `codes_` prefix:
`labels(pkg, "markets")` reads `codes_markets`. Rows keep the order of the file, which is the order
legends and lists show them in.
"""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from .package import DataPackage

PREFIX = "codes_"


def code_tables(pkg: DataPackage) -> list[str]:
    """The resource names of every code table, in the descriptor's order."""
    return [name for name, r in pkg.resources.items() if r.get("atlas", {}).get("role") == "codes"]


def resource_of(pkg: DataPackage, table: str) -> str:
    name = table if table.startswith(PREFIX) else PREFIX + table
    if name not in code_tables(pkg):
        raise KeyError(f"{table!r} is not a code table of {pkg.descriptor.name} (code tables: {', '.join(code_tables(pkg))})")
    return name


def rows(source: DataPackage | Mapping[str, pd.DataFrame], table: str, pkg: DataPackage | None = None) -> list[dict[str, str]]:
    """The code table's rows as dicts of text, in file order. `source` is the package (the CSV is read) or
    the loaded tables of `load_tables` (then give `pkg` too, or name the table by its resource name)."""
    if isinstance(source, DataPackage):
        name = resource_of(source, table)
        return [{k: v for k, v in r.items() if k != "_row"} for r in source.rows(name)]
    name = resource_of(pkg, table) if pkg is not None else (table if table.startswith(PREFIX) else PREFIX + table)
    df = source[name]
    return [{c: ("" if pd.isna(v) else str(v)) for c, v in zip(df.columns, rec)} for rec in df.itertuples(index=False)]


def column(source, table: str, name: str, pkg: DataPackage | None = None) -> dict[str, str]:
    """code -> the value of one column of the code table, in file order."""
    return {r["code"]: r[name] for r in rows(source, table, pkg)}


def labels(source, table: str, pkg: DataPackage | None = None) -> dict[str, str]:
    """code -> label, in file order: what charts, legends and pages show for a code."""
    return column(source, table, "label", pkg)


def codes(source, table: str, pkg: DataPackage | None = None) -> list[str]:
    """The codes in file order (the order legends and lists use)."""
    return [r["code"] for r in rows(source, table, pkg)]


def table_of(pkg: DataPackage, resource: str, field: str) -> str | None:
    """The code table a field's foreign key points into, or None when the field holds no code."""
    tables = set(code_tables(pkg))
    for fk in pkg.resources[resource]["schema"].get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        if fields == [field] and fk["reference"]["resource"] in tables:
            return fk["reference"]["resource"]
    return None


def coded_fields(pkg: DataPackage) -> dict[tuple[str, str], str]:
    """(resource, field) -> code table, for every field with a foreign key into a code table."""
    out = {}
    for resource in pkg.resources:
        for f in pkg.fields(resource):
            table = table_of(pkg, resource, f.name)
            if table:
                out[(resource, f.name)] = table
    return out


def unused_allowed(pkg: DataPackage, table: str) -> dict[str, str]:
    """code -> why the code table keeps a code no row uses yet (the descriptor's `atlas.unused`)."""
    return dict(pkg.resources[resource_of(pkg, table)].get("atlas", {}).get("unused", {}))
