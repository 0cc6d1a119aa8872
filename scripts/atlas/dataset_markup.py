"""schema.org `Dataset` markup (JSON-LD) for the Home and Download pages, so that dataset search engines
find the package, its licence, its coverage and every file it is published as.

Follows Google's Dataset structured-data documentation, read at
https://developers.google.com/search/docs/appearance/structured-data/dataset (stored copy of Google's
devsite page, December 2026): `name` and `description` are required; `creator`, `citation`, `license`,
`version`, `keywords`, `temporalCoverage` (an ISO 8601 interval, "start/end"), `spatialCoverage` (Text
or a Place), `url`, `isAccessibleForFree` and `distribution` (DataDownload with `encodingFormat` and
`contentUrl`) are recommended.

Everything is read from datapackage.json, the tables and the published files: nothing is typed here.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from babel import Locale

from .package import DataPackage

# Fields that date what the data describe (not when a source was published or a verdict given).
COVERAGE_FIELDS = ("date", "launch_date", "period_start", "period_end")
PLACE_FIELDS = ("country", "geography")
MEDIA_TYPES = {".csv": "text/csv", ".json": "application/json", ".parquet": "application/vnd.apache.parquet",
               ".sqlite": "application/vnd.sqlite3", ".zip": "application/zip", "": "text/plain"}
WORLD = "WORLD"  # the geography code of worldwide figures


def temporal_coverage(pkg: DataPackage, tables: dict[str, pd.DataFrame]) -> str | None:
    dates = []
    for resource in pkg.resources:
        for f in pkg.fields(resource):
            if f.name in COVERAGE_FIELDS and f.type == "date":
                dates += list(tables[resource][f.name].dropna())
    if not dates:
        return None
    return f"{min(dates):%Y-%m-%d}/{max(dates):%Y-%m-%d}"


def spatial_coverage(pkg: DataPackage, tables: dict[str, pd.DataFrame]) -> list[dict]:
    names = Locale("en").territories
    codes = set()
    for resource in pkg.resources:
        for col in PLACE_FIELDS:
            if col in tables[resource].columns:
                codes |= set(tables[resource][col].dropna().astype(str))
    places = []
    for code in sorted(codes):
        name = "World" if code == WORLD else names.get(code)
        if name:
            places.append({"@type": "Place", "name": name, **({"identifier": code} if code != WORLD else {})})
    return places


def distribution(pkg: DataPackage, release_dir: Path, base: str) -> list[dict]:
    """One DataDownload per file of the versioned release folder (data/latest/ holds the same bytes
    under a moving address, so the markup names the address that stays)."""
    titles = {name: meta.get("title", name) for name, meta in pkg.resources.items()}
    out = []
    for path in sorted(p for p in release_dir.iterdir() if p.is_file()):
        what = titles.get(path.stem)
        name = f"{what} ({path.name})" if what else path.name
        out.append({"@type": "DataDownload", "name": name, "encodingFormat": MEDIA_TYPES.get(path.suffix, "application/octet-stream"),
                    "contentUrl": f"{base}{path.name}", "contentSize": f"{path.stat().st_size} B"})
    return out


def dataset_jsonld(pkg: DataPackage, tables: dict[str, pd.DataFrame], release_dir: Path, *, prefix: str,
                   site_url: str | None, first_released: str, released: str, page_url: str) -> dict:
    """The Dataset object for a page whose path back to the site root is `prefix`. URLs are absolute when
    the published address is known, else relative to the page (JSON-LD resolves them against it)."""
    meta = pkg.meta
    version = meta["version"]
    root = site_url.rstrip("/") + "/" if site_url else prefix
    base = f"{root}data/v{version}/"
    creators = [{"@type": "Organization", "name": c["title"]} for c in meta.get("contributors", []) if c.get("title")]
    lic = (meta.get("licenses") or [{}])[0]
    authors = ", ".join(c["name"] for c in creators)
    out = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": meta.get("title", meta["name"]),
        "alternateName": meta["name"],
        "description": meta["description"],
        "version": version,
        "datePublished": first_released,
        "dateModified": released,
        "creator": creators,
        "citation": f"{authors}. {meta.get('title', meta['name'])} (dataset), version {version}, {released}. {base}",
        "license": lic.get("path"),
        "isAccessibleForFree": True,
        "keywords": meta.get("keywords", []),
        "url": (root + page_url) if site_url else page_url or "./",
        "temporalCoverage": temporal_coverage(pkg, tables),
        "spatialCoverage": spatial_coverage(pkg, tables),
        "distribution": distribution(pkg, release_dir, base),
    }
    return {k: v for k, v in out.items() if v not in (None, [], "")}


def jsonld_script(data: dict) -> str:
    """The <script> element. `<`, `>` and `&` are written as \\u escapes, so no text in the data can end
    the script early."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def add_dataset_markup(page_path: Path, script: str) -> None:
    text = page_path.read_text(encoding="utf-8").rstrip("\n")
    page_path.write_text(text + "\n\n" + script + "\n", encoding="utf-8")
