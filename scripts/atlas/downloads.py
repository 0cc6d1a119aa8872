"""Downloads stage: the package published under data/latest/ and data/v<version>/ in every format a data
user's tools read: CSV (identical to datasets/), JSON records, Parquet, SQLite, a zip of the whole
package, and SHA256SUMS.

Every file is reproducible: the same inputs give the same bytes (no build time inside, fixed zip
timestamps and order).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .package import DataPackage

BUNDLE = "kei-ev-atlas"
# Zip entries carry this fixed time (zip cannot store dates before 1980) unless SOURCE_DATE_EPOCH says otherwise.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
PACKAGE_DOCS = ("README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md")


def published_descriptor(pkg: DataPackage) -> dict:
    """datapackage.json with paths relative to the folder it is published in, so it validates where it lies."""
    meta = json.loads(json.dumps(pkg.meta))
    for r in meta["resources"]:
        r["path"] = Path(r["path"]).name
    return meta


def _json_value(value, type_: str):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if type_ in ("integer", "year"):
        return int(value)
    if type_ == "number":
        return float(value)
    if type_ == "boolean":
        return bool(value)
    if type_ == "date":
        return value.strftime("%Y-%m-%d")
    return str(value)


def records(pkg: DataPackage, resource: str, table: pd.DataFrame) -> list[dict]:
    types = {f.name: f.type for f in pkg.fields(resource)}
    return [{k: _json_value(v, types[k]) for k, v in zip(table.columns, row)} for row in table.itertuples(index=False)]


def write_json(pkg, resource, table, path: Path) -> None:
    path.write_text(json.dumps(records(pkg, resource, table), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


_ARROW = {"integer": pa.int64(), "year": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "date": pa.date32(), "string": pa.string()}


def write_parquet(pkg, resource, table, path: Path) -> None:
    fields = pkg.fields(resource)
    recs = records(pkg, resource, table)
    arrays, schema_fields = [], []
    for f in fields:
        values = [r[f.name] for r in recs]
        if f.type == "date":
            values = [None if v is None else pd.Timestamp(v).date() for v in values]
        meta = {"title": f.title, "description": f.description}
        if f.unit:
            meta["unit"] = f.unit
        schema_fields.append(pa.field(f.name, _ARROW.get(f.type, pa.string()), metadata=meta))
        arrays.append(pa.array(values, type=_ARROW.get(f.type, pa.string())))
    schema = pa.schema(schema_fields, metadata={"frictionless:resource": json.dumps(pkg.resources[resource], ensure_ascii=False)})
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path, compression="zstd")


_SQL = {"integer": "INTEGER", "year": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT", "string": "TEXT"}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(pkg: DataPackage, resource: str) -> str:
    """CREATE TABLE with keys; each column's title, unit and description kept as an SQL comment, which
    SQLite stores with the schema (Datasette and `.schema` show it)."""
    items: list[tuple[str, str]] = []  # (definition, comment)
    for f in pkg.fields(resource):
        check = f" CHECK ({_quote(f.name)} IN (0, 1))" if f.type == "boolean" else ""
        notnull = " NOT NULL" if f.constraints.get("required") else ""
        items.append((f"{_quote(f.name)} {_SQL.get(f.type, 'TEXT')}{notnull}{check}", f"{f.label}: {f.description}"))
    pk = pkg.primary_key(resource)
    if pk:
        items.append((f"PRIMARY KEY ({', '.join(map(_quote, pk))})", ""))
    for fk in pkg.resources[resource]["schema"].get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        target = ref["resource"] or resource
        items.append((f"FOREIGN KEY ({', '.join(map(_quote, fields))}) REFERENCES {_quote(target)} ({', '.join(map(_quote, ref_fields))})", ""))
    body = []
    for i, (definition, comment) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        note = f" -- {comment}".replace("\n", " ") if comment else ""
        body.append(f"  {definition}{comma}{note}")
    meta = pkg.resources[resource]
    # The table's own comment after the parenthesis: SQLite keeps the statement from CREATE on, so a comment
    # before it would be dropped.
    title = f"{meta.get('title', resource)}: {meta.get('description', '')}".replace("\n", " ")
    return f"CREATE TABLE {_quote(resource)} ( -- {title}\n" + "\n".join(body) + "\n)"


def write_sqlite(pkg: DataPackage, tables: dict[str, pd.DataFrame], path: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / path.name
        con = sqlite3.connect(db)
        try:
            for resource in pkg.resources:
                con.execute(create_table_sql(pkg, resource))
            con.execute('CREATE TABLE "_fields" ("resource" TEXT, "name" TEXT, "title" TEXT, "type" TEXT, "unit" TEXT, '
                        '"description" TEXT, PRIMARY KEY ("resource", "name"))')
            for resource in pkg.resources:
                for f in pkg.fields(resource):
                    con.execute('INSERT INTO "_fields" VALUES (?, ?, ?, ?, ?, ?)', (resource, f.name, f.title, f.type, f.unit, f.description))
            # Keys are checked once, after loading, so that the insert order of self-references does not matter.
            with con:
                for resource in pkg.resources:
                    names = [f.name for f in pkg.fields(resource)]
                    rows = [tuple(int(r[n]) if isinstance(r[n], bool) else r[n] for n in names)
                            for r in records(pkg, resource, tables[resource])]
                    con.executemany(f"INSERT INTO {_quote(resource)} VALUES ({', '.join('?' * len(names))})", rows)
            problems = con.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise ValueError(f"foreign key violations in the SQLite export: {problems[:5]}")
            con.execute("VACUUM")
        finally:
            con.close()
        shutil.copyfile(db, path)


def _zip_time() -> tuple:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        import time

        t = time.gmtime(max(int(epoch), 315532800))  # 1980-01-01, the earliest a zip can say
        return t[:6]
    return ZIP_EPOCH


def write_zip(pkg: DataPackage, path: Path) -> None:
    """The whole package: datapackage.json (paths as in the repository), datasets/*.csv and the documents
    that travel with it (found beside datapackage.json), in a fixed order with fixed timestamps and permissions."""
    root = pkg.root
    entries = {"datapackage.json": (json.dumps(pkg.meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8")}
    for resource in pkg.resources:
        entries[pkg.relpath(resource)] = pkg.path(resource).read_bytes()
    for doc in PACKAGE_DOCS:
        if (root / doc).exists():
            entries[doc] = (root / doc).read_bytes()
    stamp = _zip_time()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(f"{BUNDLE}/{name}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, entries[name])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_checksums(folder: Path) -> Path:
    out = folder / "SHA256SUMS"
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p != out)
    out.write_text("".join(f"{sha256(p)}  {p.relative_to(folder).as_posix()}\n" for p in files), encoding="utf-8")
    return out


def write_release_tables(pkg: DataPackage, tables: dict[str, pd.DataFrame], folder: Path) -> None:
    """What the release makes from the tables alone: the site writes it while the charts are still being drawn."""
    folder.mkdir(parents=True, exist_ok=True)
    for resource in pkg.resources:
        shutil.copyfile(pkg.path(resource), folder / f"{resource}.csv")
        write_json(pkg, resource, tables[resource], folder / f"{resource}.json")
        write_parquet(pkg, resource, tables[resource], folder / f"{resource}.parquet")
    (folder / "datapackage.json").write_text(json.dumps(published_descriptor(pkg), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_sqlite(pkg, tables, folder / f"{BUNDLE}.sqlite")
    write_zip(pkg, folder / f"{BUNDLE}.zip")


def finish_release(folder: Path, charts: Path | None = None) -> list[Path]:
    """The charts' own files and the checksums of everything, once the charts are drawn."""
    if charts is not None:  # each chart's own files, so that a citation of this release finds them
        copy_chart_files(charts, folder / "charts")
    write_checksums(folder)
    return sorted(folder.iterdir())


CHART_SUFFIXES = (".csv", ".svg", ".png", ".metadata.json", ".zip")


def copy_chart_files(charts: Path, out: Path) -> None:
    """The per-chart downloads (charts/<slug>.csv, .svg, .png, .metadata.json, .zip), not the page's own images."""
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(charts.iterdir()):
        slug, _, rest = path.name.partition(".")
        if f".{rest}" in CHART_SUFFIXES:
            shutil.copyfile(path, out / path.name)


def start_downloads(pkg: DataPackage, tables: dict[str, pd.DataFrame], out_dir: Path) -> None:
    """data/v<version>/ from the tables alone, written while the charts are still drawn; finish_downloads adds the
    charts' files and the checksums, then copies it all to data/latest/, so the two are byte-identical."""
    write_release_tables(pkg, tables, out_dir / f"v{pkg.meta['version']}")


def finish_downloads(pkg: DataPackage, out_dir: Path, charts: Path | None = None) -> list[Path]:
    version_dir = out_dir / f"v{pkg.meta['version']}"
    written = finish_release(version_dir, charts)
    shutil.copytree(version_dir, out_dir / "latest", dirs_exist_ok=True)
    return written
