"""Turn a ChartResult into files (per layout a Vega-Lite spec and a light and a dark SVG; a PNG) and the
<figure> that shows them, with its Chart, Table, Sources and Download panels.

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

from . import chartkit as kit
from .charts import ChartResult
from .package import DataPackage
from .rawhtml import mark


def dark_svg(svg: str) -> str:
    """The dark image: the light one with every theme colour swapped for its dark pair (chartkit.THEME).
    Swapping colours costs nothing, where a second Vega render per layout would double the build's renders."""
    for light, dark in kit.THEME.values():
        svg = svg.replace(f'"{light}"', f'"{dark}"')
    return svg


def render_chart_files(result: ChartResult, out_dir: Path) -> dict[str, Path]:
    """Per layout: <slug>[.phone].vl.json, .light.svg and .dark.svg; and <slug>.png of the desktop light image.
    The desktop files keep the names they had before there were layouts: they are what the downloads offer."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for layout in kit.LAYOUTS:
        suffix = "" if layout is kit.DESKTOP else f".{layout.name}"
        spec = json.loads(json.dumps(result.specs[layout.name]))
        spec.setdefault("usermeta", {})["atlas"] = {"slug": result.slug, "layout": layout.name, "title": result.title,
                                                    "subtitle": result.subtitle, "resource": result.resource, "sources": result.source_ids}
        spec_path = out_dir / f"{result.slug}{suffix}.vl.json"
        # Compact: the spec travels to the reader only when they ask for the interactive view, but maps make it large.
        spec_path.write_text(json.dumps(spec, separators=(",", ":"), sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        # Compiled to Vega once: the interactive view's spec and the images are drawn from the same compilation
        # (vegalite_to_svg would compile it a second time; the SVG is the same either way).
        vega = vlc.vegalite_to_vega(spec)
        svg = _accessible_svg(vlc.vega_to_svg(vega))
        light, dark = out_dir / f"{result.slug}{suffix}.light.svg", out_dir / f"{result.slug}{suffix}.dark.svg"
        light.write_text(svg, encoding="utf-8")
        dark.write_text(dark_svg(svg), encoding="utf-8")
        paths[f"spec{suffix}"], paths[f"light{suffix}"], paths[f"dark{suffix}"] = spec_path, light, dark
        paths.update(write_vega_specs(f"{result.slug}{suffix}", vega, out_dir))
        if layout is kit.DESKTOP:
            paths["png"] = out_dir / f"{result.slug}.png"
            paths["png"].write_bytes(_png(svg))
    return paths


def _png(svg: str) -> bytes:
    # On a white ground: a PNG pasted into a document or a slide has no page behind it.
    solid = svg.replace(">", '><rect width="100%" height="100%" fill="#ffffff"/>', 1)
    return vlc.svg_to_png(solid, scale=1)  # the desktop layout at its own size: scale 2 cost seconds a map


def write_vega_specs(slug: str, vega: dict, out_dir: Path) -> dict[str, Path]:
    """<slug>.vg.json and <slug>.dark.vg.json: the spec compiled to Vega at build time (`vega`), so the interactive
    view needs only the Vega runtime, not the Vega-Lite compiler (issue 12). The dark one is the light one
    with the theme's colours swapped, as the dark images are."""
    compiled = json.dumps(vega, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    out = {"vega": out_dir / f"{slug}.vg.json", "vega_dark": out_dir / f"{slug}.dark.vg.json"}
    out["vega"].write_text(compiled + "\n", encoding="utf-8")
    out["vega_dark"].write_text(dark_svg(compiled) + "\n", encoding="utf-8")
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
    return (round(float(w.group(1))), round(float(h.group(1)))) if w and h else (kit.DESKTOP.width, 300)


def _picture(slug: str, scheme: str, prefix: str, alt_text: str, sizes: dict[str, tuple[int, int]]) -> str:
    """One <picture> per colour scheme: the phone layout below 720 px, the desktop one above, each shown at its own size."""
    sources = "".join(
        f'<source media="{layout.media}" srcset="{prefix}charts/{slug}.{layout.name}.{scheme}.svg" '
        f'width="{sizes[layout.name][0]}" height="{sizes[layout.name][1]}">'
        for layout in kit.LAYOUTS if layout.media)
    w, h = sizes[kit.DESKTOP.name]
    # Lazy: a dark image is fetched only when dark mode shows it, a light one only near the screen (eager() makes a
    # page's first chart load at once: on a phone its image is the page's largest paint, and the images below it
    # competed with it for the connection: Market's largest paint 2.35 s to 1.43 s in Lighthouse's slow phone).
    return (f'<picture class="atlas-chart__img atlas-chart__img--{scheme}">{sources}'
            f'<img src="{prefix}charts/{slug}.{scheme}.svg" alt="{alt_text}" width="{w}" height="{h}" loading="lazy" decoding="async"></picture>')


def eager(figure: str) -> str:
    """A figure whose light image loads at once, not lazily: the first chart of a page."""
    return re.sub(r'(<img src="[^"]*\.light\.svg"[^>]*?) loading="lazy"', r"\1", figure, count=1)


def source_line(result: ChartResult, sources: pd.DataFrame) -> str:
    """`Nikkei, Reuters and 9 more`: the publishers the chart's figures cite most, the rest counted."""
    src = sources.set_index("source_id")
    counts: dict[str, int] = {}
    cited = result.rows["source_id"].dropna().tolist() if "source_id" in result.rows.columns else []
    for sid in cited + list(result.extra_sources):
        if sid in src.index:
            publisher = str(src.loc[sid, "publisher"])
            counts[publisher] = counts.get(publisher, 0) + 1
    ranked = sorted(counts, key=lambda k: (-counts[k], k))
    if not ranked:
        return "none"
    if len(ranked) <= 2:
        return " and ".join(ranked)
    return f"{ranked[0]}, {ranked[1]} and {len(ranked) - 2} more"


def tier_note(result: ChartResult, sources: pd.DataFrame) -> str:
    """How many of the figures drawn rest on a tier C or D source: said where the figures are, not only on the Sources page."""
    if "source_id" not in result.rows.columns:
        return ""
    tiers = sources.set_index("source_id")["reliability"]
    cited = result.rows["source_id"].dropna()
    weak = int(cited.map(tiers).isin(["C", "D"]).sum())
    return f" {weak} of {len(cited)} figures rest on a tier C or D source." if weak else ""


def _sources_list(result: ChartResult, sources: pd.DataFrame, prefix: str) -> str:
    src = sources.set_index("source_id")
    items = []
    for sid in result.source_ids:
        if sid not in src.index:
            continue
        row = src.loc[sid]
        date = row["published"].strftime("%Y-%m-%d") if pd.notna(row["published"]) else "n.d."
        items.append(f'<li><a href="{escape(str(row["url"]))}">{escape(str(row["title"]))}</a>, {escape(str(row["publisher"]))} '
                     f'({date}), tier {escape(str(row["reliability"]))}; <a href="{prefix}sources/#{escape(sid)}">{escape(sid)}</a></li>')
    return '<ul class="atlas-chart__sources">' + "".join(items) + "</ul>"


def _tabs(slug: str, panels: list[tuple[str, str]]) -> str:
    """CSS-only tabs in the markup of Material's content tabs (pymdownx.tabbed, alternate style): radio inputs
    switch the panels without JavaScript."""
    name = f"__tabbed_{slug}"
    inputs = "".join(f'<input{" checked" if i == 0 else ""} id="{name}_{i + 1}" name="{name}" type="radio">' for i in range(len(panels)))
    labels = "".join(f'<label for="{name}_{i + 1}">{escape(title)}</label>' for i, (title, _) in enumerate(panels))
    blocks = "".join(f'<div class="tabbed-block">\n{body}\n</div>' for _, body in panels)
    return (f'<div class="tabbed-set tabbed-alternate atlas-chart__tabs" data-tabs="1:{len(panels)}">{inputs}'
            f'<div class="tabbed-labels">{labels}</div>\n<div class="tabbed-content">\n{blocks}\n</div></div>')


CHART_FILES = (("csv", "Data (CSV)"), ("svg", "Image (SVG)"), ("png", "Image (PNG)"), ("metadata.json", "Metadata (JSON)"),
               ("zip", "All four, with a README (zip)"))


def figure_html(result: ChartResult, pkg: DataPackage, sources: pd.DataFrame, prefix: str, *,
                sizes: dict[str, tuple[int, int]], citation: dict[str, str] | None = None) -> str:
    """The <figure> for a page whose path back to the site root is `prefix` (e.g. '../')."""
    slug = escape(result.slug)
    alt_text = escape(f"{result.title}. {result.subtitle}. {result.alt}")
    links = "".join(f'<li><a href="{prefix}charts/{slug}.{ext}" download>{label}</a></li>' for ext, label in CHART_FILES)
    cite = citation or {}
    download = (f'<ul class="atlas-chart__files">{links}</ul>'
                f'<p class="atlas-chart__cite">Cite as: {escape(cite.get("full", ""))} '
                f'<a href="#chart-{slug}">Link to this chart</a></p>'
                + (f'<pre class="atlas-chart__bibtex"><code>{escape(cite["bibtex"])}</code></pre>' if cite.get("bibtex") else ""))
    chart = (f'<div class="atlas-chart__static">{_picture(slug, "light", prefix, alt_text, sizes)}'
             f'{_picture(slug, "dark", prefix, alt_text, sizes)}</div>\n<div class="atlas-chart__live" hidden></div>'
             f'<button type="button" class="md-button atlas-chart__explore" hidden>Explore interactively</button>')
    table = table_html(pkg, result.resource, result.table, prefix, result.headers)
    panels = [("Chart", chart), (f"Table ({len(result.table)} rows)", table), ("Sources", _sources_list(result, sources, prefix)),
              ("Download", download)]
    return mark(f"""<figure class="atlas-chart" id="chart-{slug}" data-spec="{prefix}charts/{slug}.vl.json" data-spec-phone="{prefix}charts/{slug}.phone.vl.json">
{_tabs(slug, panels)}
<figcaption><span class="atlas-chart__title">{escape(result.title)}.</span> Sources: {escape(source_line(result, sources))}.{escape(tier_note(result, sources))} {escape(cite.get("inline", ""))}</figcaption>
</figure>""")


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


def breakable(ident: str) -> str:
    """An identifier as HTML that may wrap only after its hyphens and underscores: `<wbr>` marks those places,
    as no CSS property can, and atlas.css keeps the browser from breaking elsewhere inside the word."""
    return escape(ident).replace("-", "-<wbr>").replace("_", "_<wbr>")


def lang_attr(language) -> str:
    """A document's title is in the document's language (WCAG 3.1.2), which also sets how it may wrap (atlas.css)."""
    return f' lang="{escape(cell_text(language))}"' if cell_text(language) else ""


# A column whose text runs longer than this is prose (notes, titles): atlas.css keeps it wide enough to read.
PROSE_CHARS = 60


def table_html(pkg: DataPackage, resource: str, df: pd.DataFrame, prefix: str, headers: list[str] | None = None) -> str:
    fields = {f.name: f for f in pkg.fields(resource)}
    if headers:  # a chart's table names its own columns (from the fields its declaration maps them to)
        head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    else:
        head = "".join(
            f'<th scope="col" title="{escape(fields[c].description)}">{escape(fields[c].label)}</th>' if c in fields else f"<th scope=\"col\">{escape(c)}</th>"
            for c in df.columns
        )
    prose = {c for c in df.columns if df[c].map(lambda v: len(cell_text(v))).max() > PROSE_CHARS} if len(df) else set()
    body = []
    for rec in df.itertuples(index=False):
        cells = []
        for col, value in zip(df.columns, rec):
            text = escape(cell_text(value))
            if col.endswith("source_id") and text:
                text = f'<a href="{prefix}sources/#{text}">{breakable(cell_text(value))}</a>'
            numeric = col in fields and fields[col].type in ("integer", "number", "year")
            lang = lang_attr(rec.language) if col == "title" and "language" in df.columns else ""
            wide = ' class="atlas-prose"' if col in prose else ""
            cells.append(f'<td class="atlas-num">{text}</td>' if numeric else f"<td{wide}{lang}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    # Rows of data stay out of the search index: it is loaded on every page, and must not grow with the data.
    return mark(f'<div class="atlas-table-wrap" data-search-exclude><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
                + "\n".join(body) + "\n</tbody></table></div>")
