"""Each chart on its own, as Our World in Data's grapher offers it: the chart's CSV (exactly the rows of its
table, gaps included), its image as SVG and PNG, a metadata JSON (title, subtitle, measures, period,
sources, licence, version, citation) and a zip of them with a README. Same inputs, same bytes."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd

from .charts import ChartResult
from .downloads import _zip_time
from .figures import cell_text
from .package import DataPackage


def chart_csv(result: ChartResult) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(result.headers)
    for rec in result.table.itertuples(index=False):
        w.writerow([cell_text(v) for v in rec])
    return buf.getvalue()


def chart_citation(pkg: DataPackage, result: ChartResult | None, url: str) -> dict[str, str]:
    """In-line and full citation of the dataset (and of one chart, when given), with the version and date."""
    version, date = pkg.meta.get("version", ""), str(pkg.meta.get("created", ""))[:10]
    who = ", ".join(c.get("title", "") for c in pkg.meta.get("contributors", []) if c.get("title")) or pkg.meta.get("title", "")
    what = f'"{result.title}", chart in ' if result else ""
    cited = {"inline": f"Kei EV Atlas v{version} ({date[:4]})." if version else "",
             "full": f"{who} ({date[:4]}). {what}{pkg.meta.get('title', '')}, version {version}, released {date}. Data CC BY 4.0. {url}"}
    if result:
        key = f"keievatlas{version.replace('.', '')}-{result.slug}"
        # BibTeX text: braces in a title would end its field early, so they go; the rest is the title as shown.
        title = result.title.replace("{", "").replace("}", "")
        cited["bibtex"] = (f"@misc{{{key},\n  author    = {{{{{who}}}}},\n  title     = {{{{{title}}}}},\n"
                           f"  year      = {{{date[:4]}}},\n  version   = {{{version}}},\n"
                           f"  howpublished = {{Chart in {pkg.meta.get('title', '')}, released {date}}},\n"
                           f"  url       = {{{url}}},\n  note      = {{Data licensed CC BY 4.0}}\n}}")
    return cited


def metadata(pkg: DataPackage, result: ChartResult, sources: pd.DataFrame, url: str) -> dict:
    # One dict per cited source, not a pandas lookup per cell (a tenth of a second a build).
    cited = set(result.source_ids)
    src = {row["source_id"]: row for row in sources[sources["source_id"].isin(cited)].to_dict("records")}
    fields = {f.name: f for f in pkg.fields(result.resource)}
    measures = [{"column": h, "field": f, "title": fields[f].title, "unit": fields[f].unit, "description": fields[f].description}
                for f, h in zip(result.table_fields, result.headers) if f in fields and fields[f].type in ("integer", "number")]
    period = {}
    if "period" in result.rows.columns and not result.rows.empty:
        labels = sorted(result.rows["period"].dropna())
        period = {"first": labels[0], "last": labels[-1]} if labels else {}
    return {
        "slug": result.slug, "title": result.title, "subtitle": result.subtitle, "description": result.alt,
        "resource": result.resource, "measures": measures, "period": period, "rows": len(result.table),
        "sources": [{"source_id": sid, "title": str(src[sid]["title"]), "publisher": str(src[sid]["publisher"]),
                     "url": str(src[sid]["url"]), "reliability": str(src[sid]["reliability"])}
                    for sid in result.source_ids if sid in src],
        "license": [{"name": lic.get("name"), "path": lic.get("path")} for lic in pkg.meta.get("licenses", [])],
        "dataset": {"title": pkg.meta.get("title"), "version": pkg.meta.get("version"), "created": pkg.meta.get("created")},
        "citation": chart_citation(pkg, result, url)["full"],
        "url": url,
    }


README = """{title}

{subtitle}

Files:
  {slug}.csv            the rows the chart draws; a period with no figure is a row whose status is "no figure"
  {slug}.svg, .png      the chart
  {slug}.metadata.json  title, measures, period, sources with their addresses, licence, version, citation

From the Kei EV Atlas, version {version}. Data licensed CC BY 4.0.
Cite as: {citation}
"""


def write_chart_downloads(pkg: DataPackage, result: ChartResult, sources: pd.DataFrame, charts_dir: Path, url: str,
                          zips: dict | None = None) -> list[Path]:
    """charts/<slug>.csv, .svg (the desktop light image), .metadata.json and .zip beside the images already drawn.
    `zips` (the preview's) keeps each zip by what it holds, so an edit that leaves a chart's files as they were
    does not compress them again."""
    slug = result.slug
    csv_path, svg_path = charts_dir / f"{slug}.csv", charts_dir / f"{slug}.svg"
    meta_path, zip_path = charts_dir / f"{slug}.metadata.json", charts_dir / f"{slug}.zip"
    csv_path.write_text(chart_csv(result), encoding="utf-8")
    shutil.copyfile(charts_dir / f"{slug}.light.svg", svg_path)
    meta = metadata(pkg, result, sources, url)
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    readme = README.format(title=result.title, subtitle=result.subtitle, slug=slug, version=pkg.meta.get("version"), citation=meta["citation"])
    entries = (("README.txt", readme.encode()), (csv_path.name, csv_path.read_bytes()), (svg_path.name, svg_path.read_bytes()),
               (f"{slug}.png", (charts_dir / f"{slug}.png").read_bytes()), (meta_path.name, meta_path.read_bytes()))
    key = None
    if zips is not None:
        digest = hashlib.sha256(repr(_zip_time()).encode())
        for name, data in entries:
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        key = (slug, digest.hexdigest())
        if key in zips:
            zip_path.write_bytes(zips[key])
            return [csv_path, svg_path, meta_path, zip_path]
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(f"{slug}/{name}", date_time=_zip_time())
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    if key is not None:
        zips[key] = zip_path.read_bytes()
    return [csv_path, svg_path, meta_path, zip_path]
