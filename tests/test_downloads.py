"""Downloads: every file loaded back with the tool a data user would use and compared with datasets/."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile

import pandas as pd
import pyarrow.parquet as pq
import pytest
from frictionless import validate

from atlas.package import DataPackage
from atlas.paths import DATAPACKAGE

PKG = DataPackage(DATAPACKAGE)
RESOURCES = list(PKG.resources)


def as_strings(df: pd.DataFrame) -> pd.DataFrame:
    return df.astype(object).where(df.notna(), None).astype(str)


def expected(resource) -> pd.DataFrame:
    return pd.read_csv(PKG.path(resource), dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def release(built_site):
    return built_site / "data" / f"v{PKG.meta['version']}"


def test_latest_and_versioned_folders_are_identical(built_site, release):
    latest = built_site / "data" / "latest"
    def files(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    assert files(latest) == files(release)
    assert {n.split("/")[0] for n in files(release)} >= {"charts", "sales.csv", "SHA256SUMS"}


@pytest.mark.parametrize("resource", RESOURCES)
def test_csv_is_identical_to_datasets(release, resource):
    assert (release / f"{resource}.csv").read_bytes() == PKG.path(resource).read_bytes()


def _normalise(value, type_):
    if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
        return None
    if type_ in ("integer", "year"):
        return int(value)
    if type_ == "number":
        return float(value)
    if type_ == "boolean":
        return value in (True, "true", 1)
    return str(value)[:10] if type_ == "date" else str(value)


def csv_records(resource):
    types = {f.name: f.type for f in PKG.fields(resource)}
    return [{k: _normalise(v, types[k]) for k, v in row.items()} for row in expected(resource).to_dict("records")]


def normalised(resource, rows):
    types = {f.name: f.type for f in PKG.fields(resource)}
    return [{k: _normalise(v if not hasattr(v, "isoformat") else v.isoformat(), types[k]) for k, v in row.items()} for row in rows]


@pytest.mark.parametrize("resource", RESOURCES)
def test_json_records_round_trip(release, resource):
    rows = json.loads((release / f"{resource}.json").read_text(encoding="utf-8"))
    assert normalised(resource, rows) == csv_records(resource)


@pytest.mark.parametrize("resource", RESOURCES)
def test_parquet_round_trips_and_carries_field_descriptions(release, resource):
    table = pq.read_table(release / f"{resource}.parquet")
    assert normalised(resource, table.to_pylist()) == csv_records(resource)
    for f in PKG.fields(resource):
        meta = table.schema.field(f.name).metadata
        assert meta[b"description"].decode() == f.description
        if f.unit:
            assert meta[b"unit"].decode() == f.unit


def test_sqlite_has_every_table_with_keys(release):
    con = sqlite3.connect(release / "kei-ev-atlas.sqlite")
    try:
        for resource in RESOURCES:
            cur = con.execute(f'SELECT * FROM "{resource}"')
            names = [d[0] for d in cur.description]
            rows = [dict(zip(names, r)) for r in cur.fetchall()]
            assert normalised(resource, rows) == csv_records(resource), resource
            pk = [r[1] for r in sorted(con.execute(f'PRAGMA table_info("{resource}")'), key=lambda r: r[5]) if r[5]]
            assert pk == PKG.primary_key(resource), resource
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert {r[0] for r in con.execute('SELECT DISTINCT "table" FROM pragma_foreign_key_list("sales")')} == {"models", "sources", "codes_measures", "codes_statuses"}
        assert con.execute('SELECT unit FROM "_fields" WHERE resource = ? AND name = ?', ("sales", "units")).fetchone() == ("vehicles",)
    finally:
        con.close()


def test_published_datapackage_validates_where_it_lies(release):
    report = validate(str(release / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_zip_holds_the_whole_package_and_validates(release, tmp_path):
    with zipfile.ZipFile(release / "kei-ev-atlas.zip") as zf:
        names = zf.namelist()
        assert names == sorted(names)
        zf.extractall(tmp_path)
    root = tmp_path / "kei-ev-atlas"
    for doc in ("datapackage.json", "README.md", "LICENSE", "CITATION.cff"):
        assert (root / doc).exists(), doc
    for resource in RESOURCES:
        assert (root / PKG.relpath(resource)).read_bytes() == PKG.path(resource).read_bytes()
    report = validate(str(root / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_sha256sums_match_every_file(release):
    lines = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file() and p.name != "SHA256SUMS"}
    assert set(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, name


def files_of(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.mark.build
def test_two_builds_in_other_folders_and_processes_are_byte_identical(tiny_site, tmp_path):
    """Another folder, another process, another hash seed: the site must not notice."""
    from projects import Project

    first = files_of(tiny_site)
    again = Project.from_fixture("tiny", tmp_path / "elsewhere")
    out = again.build(env={"PYTHONHASHSEED": "2"})
    assert out.returncode == 0, out.stderr
    second = files_of(again.site)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


# --- versions, citation and changelog stay in step ---------------------------------------------------

from atlas.paths import ROOT  # noqa: E402
from atlas.release import citation_field, data_fingerprint, latest_changelog_entry  # noqa: E402


def test_citation_cff_version_and_date_match_the_package_and_changelog():
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    entry = latest_changelog_entry((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert citation_field(citation, "type") == "dataset"
    assert citation_field(citation, "version") == PKG.meta["version"] == entry["version"]
    assert citation_field(citation, "date-released") == entry["date"] == PKG.meta["created"][:10]


def test_data_cannot_change_without_a_new_changelog_entry():
    entry = latest_changelog_entry((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    assert entry["fingerprint"] == data_fingerprint(PKG), (
        "datasets/ or datapackage.json changed since the last CHANGELOG entry: bump the version in "
        "datapackage.json and CITATION.cff and add an entry with `python -m atlas fingerprint`")


def test_fingerprint_changes_with_one_cell(tiny):
    from atlas.package import DataPackage

    before = data_fingerprint(DataPackage(tiny.descriptor))
    tiny.set_cell("sales", 0, "notes", "changed")
    assert data_fingerprint(DataPackage(tiny.descriptor)) != before


def test_download_page_lists_every_file_with_its_size_and_checksum(built_site, release):
    html = (built_site / "download" / "index.html").read_text(encoding="utf-8")
    for path in (p for p in (built_site / "data" / "latest").iterdir() if p.is_file()):  # charts/ is listed per chart
        assert f'href="../data/latest/{path.name}"' in html, path.name
        assert hashlib.sha256(path.read_bytes()).hexdigest() in html, path.name
    for tool in ("pandas", "frictionless", "read_package", "read_csv_auto", "sqlite3", "@misc{"):
        assert tool in html
    assert f"data/v{PKG.meta['version']}/" in html


def test_a_table_without_a_title_is_commented_in_sqlite_by_its_name(tmp_path):
    """A title is optional in a Data Package: the table's comment then names the resource, never 'None'."""
    from atlas.downloads import create_table_sql

    meta = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    events = next(r for r in meta["resources"] if r["name"] == "events")
    del events["title"]
    (tmp_path / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")
    first = create_table_sql(DataPackage(tmp_path / "datapackage.json"), "events").splitlines()[0]
    assert first == f'CREATE TABLE "events" ( -- events: {events["description"]}'
