"""Turn a ChartResult into files (Vega-Lite spec, light and dark SVG) and the <figure> that shows them.

Every string from the CSVs goes through html.escape before it reaches the page.
"""
from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

import numpy as np
import pandas as pd
import vl_convert as vlc

from .charts import ChartResult
from .package import DataPackage

# Transparent backgrounds so the static images sit on either Material palette.
LIGHT = {"background": None, "view": {"stroke": None}, "font": "sans-serif"}
DARK = {**LIGHT, "axis": {"domainColor": "#c9cdd6", "gridColor": "#3b3f4a", "tickColor": "#c9cdd6",
                          "labelColor": "#e2e4e9", "titleColor": "#e2e4e9"},
        "legend": {"labelColor": "#e2e4e9", "titleColor": "#e2e4e9"}, "title": {"color": "#e2e4e9"}}


def chart_spec(result: ChartResult) -> dict:
    return result.chart.to_dict()


def render_chart_files(result: ChartResult, out_dir: Path) -> dict[str, Path]:
    """Write <slug>.vl.json, <slug>.light.svg and <slug>.dark.svg; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    spec = chart_spec(result)
    spec.setdefault("usermeta", {})["atlas"] = {"title": result.title, "resource": result.resource, "sources": result.source_ids}
    static = spec
    paths = {
        "spec": out_dir / f"{result.slug}.vl.json",
        "light": out_dir / f"{result.slug}.light.svg",
        "dark": out_dir / f"{result.slug}.dark.svg",
    }
    # Compact: the spec travels to the reader only when they ask for the interactive view, but maps make it large.
    paths["spec"].write_text(json.dumps(spec, separators=(",", ":"), sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    for variant, config in (("light", LIGHT), ("dark", DARK)):
        svg = vlc.vegalite_to_svg(static, config=config)
        paths[variant].write_text(_accessible_svg(svg), encoding="utf-8")
    paths.update(write_vega_specs(result.slug, static, out_dir))
    return paths


def write_vega_specs(slug: str, spec: dict, out_dir: Path) -> dict[str, Path]:
    """<slug>.vg.json and <slug>.dark.vg.json: the spec compiled to Vega at build time, with the same
    configs as the static images, so the interactive view needs only the Vega runtime, not the Vega-Lite
    compiler (issue 12)."""
    out = {}
    for key, config, name in (("vega", LIGHT, f"{slug}.vg.json"), ("vega_dark", DARK, f"{slug}.dark.vg.json")):
        out[key] = out_dir / name
        compiled = vlc.vegalite_to_vega(spec, config=config)
        out[key].write_text(json.dumps(compiled, separators=(",", ":"), sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def _accessible_svg(svg: str) -> str:
    # The <img> carries the alt text; the SVG's own role/label would be read twice by some readers.
    svg = re.sub(r'\s(aria-roledescription|aria-label|role)="[^"]*"', "", svg)
    return _renumber_ids(_round_paths(svg))


def _round_paths(svg: str) -> str:
    """Path coordinates to a tenth of a pixel: Vega writes thousandths, which no screen shows and which
    make a world map's image half again as heavy."""
    number = re.compile(r"-?\d+\.\d{2,}")

    def path(m):
        return m.group(1) + number.sub(lambda n: f"{float(n.group(0)):.1f}".rstrip("0").rstrip("."), m.group(2)) + '"'

    return re.sub(r'(\sd=")([^"]*)"', path, svg)


def _renumber_ids(svg: str) -> str:
    """Vega numbers clip paths and gradients with a counter that lives as long as the process, so the
    same chart rendered twice in one build would differ; number them per file instead."""
    seen: dict[str, str] = {}

    def sub(m):
        key = m.group(0)
        if key not in seen:
            seen[key] = f"{m.group(1)}{len(seen) + 1}"
        return seen[key]

    return re.sub(r"\b(clip|gradient|pattern)(\d+)\b", sub, svg)


def svg_size(path: Path) -> tuple[int, int]:
    head = path.read_text(encoding="utf-8")[:500]
    w = re.search(r'width="([\d.]+)"', head)
    h = re.search(r'height="([\d.]+)"', head)
    return (round(float(w.group(1))), round(float(h.group(1)))) if w and h else (640, 300)


def figure_html(result: ChartResult, pkg: DataPackage, sources: pd.DataFrame, prefix: str, *, size: tuple[int, int]) -> str:
    """The <figure> for a page whose path back to the site root is `prefix` (e.g. '../')."""
    slug = escape(result.slug)
    w, h = size
    alt_text = escape(result.alt)
    src = sources.set_index("source_id")
    cites = []
    for sid in result.source_ids:
        if sid in src.index:
            row = src.loc[sid]
            date = row["published"].strftime("%Y-%m-%d") if pd.notna(row["published"]) else "n.d."
            cites.append(f'<a href="{prefix}sources/#{escape(sid)}">{escape(str(row["publisher"]))} ({date})</a>')
    csv_href = f"{prefix}data/latest/{escape(result.resource)}.csv"
    return f"""<figure class="atlas-chart" id="chart-{slug}" data-spec="{prefix}charts/{slug}.vl.json">
<div class="atlas-chart__static">
<img class="atlas-chart__img atlas-chart__img--light" src="{prefix}charts/{slug}.light.svg" alt="{alt_text}" width="{w}" height="{h}" decoding="async">
<img class="atlas-chart__img atlas-chart__img--dark" src="{prefix}charts/{slug}.dark.svg" alt="{alt_text}" width="{w}" height="{h}" loading="lazy" decoding="async">
</div>
<div class="atlas-chart__live" hidden></div>
<figcaption><strong>{escape(result.title)}.</strong> Sources: {"; ".join(cites) or "none"}.
<a href="{csv_href}" download>Data ({escape(result.resource)}.csv)</a>
<button type="button" class="md-button atlas-chart__explore" hidden>Explore interactively</button></figcaption>
<details class="atlas-chart__table"><summary>Data table ({len(result.table)} rows)</summary>
{table_html(pkg, result.resource, result.table[result.columns], prefix)}
</details>
</figure>"""


def cell_text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (bool, np.bool_)):  # pandas' boolean columns hand out numpy booleans
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value)}"
    return str(value)


def table_html(pkg: DataPackage, resource: str, df: pd.DataFrame, prefix: str) -> str:
    fields = {f.name: f for f in pkg.fields(resource)}
    head = "".join(
        f'<th scope="col" title="{escape(fields[c].description)}">{escape(fields[c].label)}</th>' if c in fields else f"<th scope=\"col\">{escape(c)}</th>"
        for c in df.columns
    )
    body = []
    for rec in df.itertuples(index=False):
        cells = []
        for col, value in zip(df.columns, rec):
            text = escape(cell_text(value))
            if col.endswith("source_id") and text:
                text = f'<a href="{prefix}sources/#{text}">{text}</a>'
            numeric = col in fields and fields[col].type in ("integer", "number", "year")
            cells.append(f'<td class="atlas-num">{text}</td>' if numeric else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    # Rows of data stay out of the search index: it is loaded on every page, and must not grow with the data.
    return (f'<div class="atlas-table-wrap" data-search-exclude><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(body) + "\n</tbody></table></div>")
