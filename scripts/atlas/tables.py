"""Load the package's resources as typed pandas DataFrames, with types taken from the Table Schema."""
from __future__ import annotations

import pandas as pd

from .package import DataPackage

_DTYPES = {"integer": "Int64", "year": "Int64", "number": "Float64", "boolean": "boolean"}


def load_table(pkg: DataPackage, resource: str) -> pd.DataFrame:
    df = pd.read_csv(pkg.path(resource), dtype=str, keep_default_na=False, encoding="utf-8")
    for f in pkg.fields(resource):
        if f.name not in df.columns:
            continue
        col = df[f.name].replace("", None)
        if f.type in ("integer", "year", "number"):
            df[f.name] = pd.to_numeric(col).astype(_DTYPES[f.type])
        elif f.type == "boolean":
            df[f.name] = col.map({"true": True, "false": False}).astype("boolean")
        elif f.type == "date":
            df[f.name] = pd.to_datetime(col, format="%Y-%m-%d")
        else:
            df[f.name] = col.astype("string")
    return df


def load_tables(pkg: DataPackage) -> dict[str, pd.DataFrame]:
    return {name: load_table(pkg, name) for name in pkg.resources}


def preferred_rows(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["preferred"].fillna(False)]
