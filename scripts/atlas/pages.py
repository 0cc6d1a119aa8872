"""Generated pages: one per resource (description, dictionary, preview, downloads, sources), the Sources
page, the Conflicts page; and the chart markers `[[chart:slug]]` in hand-written pages replaced by figures.

Everything a page says about a field comes from datapackage.json.
"""
from __future__ import annotations

import re
from html import escape
from pathlib import Path

import pandas as pd

from .figures import cell_text, table_html
from .package import DataPackage
from .rules import FACT_KEYS

MARKER = re.compile(r"^\[\[(chart|block):([a-z0-9-]+)\]\]$", re.MULTILINE)
VALUE_COLUMNS = {"sales": ["units"], "market_totals": ["units"], "market_share": ["share_pct"],
                 "company_results": ["revenue_jpy_bn", "operating_profit_jpy_bn", "operating_margin_pct"]}
PREVIEW_ROWS = 25  # page weight must not grow with the data: the full table is a download away


def root_prefix(page: str) -> str:
    """Relative path from a page's URL back to the site root, with MkDocs' directory URLs."""
    parts = Path(page).with_suffix("").parts
    depth = len(parts) - (1 if parts[-1] == "index" else 0)
    return "../" * depth


def replace_markers(text: str, page: str, makers: dict[str, dict]) -> str:
    """Replace `[[chart:slug]]` and `[[block:name]]` lines with the HTML their makers return for this page."""
    prefix = root_prefix(page)

    def sub(m):
        kind, name = m.group(1), m.group(2)
        if name not in makers[kind]:
            raise KeyError(f"{page}: [[{kind}:{name}]] names nothing (known: {', '.join(sorted(makers[kind]))})")
        return makers[kind][name](prefix)

    return MARKER.sub(sub, text)


def dictionary_html(pkg: DataPackage, resource: str) -> str:
    rows = []
    pk = set(pkg.primary_key(resource))
    for f in pkg.fields(resource):
        cons = ", ".join(f"{k}: {v}" for k, v in f.constraints.items() if k != "enum")
        if "enum" in f.constraints:
            cons = ", ".join(filter(None, [cons, "one of: " + " · ".join(map(str, f.constraints["enum"]))]))
        if f.name in pk:
            cons = ", ".join(filter(None, ["primary key", cons]))
        rows.append(
            f'<tr id="{escape(resource)}-{escape(f.name)}"><td><code>{escape(f.name)}</code></td><td>{escape(f.title)}</td>'
            f"<td>{escape(f.type)}</td><td>{escape(f.unit or '')}</td><td>{escape(cons)}</td><td>{escape(f.description)}</td></tr>"
        )
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Name", "Title", "Type", "Unit", "Constraints", "Description"))
    return f'<div class="atlas-table-wrap"><table class="atlas-dictionary">\n<thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody></table></div>"


def resource_page(pkg: DataPackage, resource: str, tables: dict[str, pd.DataFrame]) -> str:
    meta = pkg.resources[resource]
    df = tables[resource]
    prefix = root_prefix(f"data/{resource}.md")
    cited = []
    if resource != "sources":
        ids = set()
        for col in ("source_id", "specs_source_id", "coord_source_id"):
            if col in df.columns:
                ids |= set(df[col].dropna())
        src = tables["sources"]
        cited = src[src["source_id"].isin(ids)].sort_values("source_id")
    lines = [
        f"# {escape(meta.get('title', resource))}",
        "",
        escape(meta.get("description", "")),
        "",
        f'<p class="atlas-downloads"><a class="md-button md-button--primary" href="{prefix}data/latest/{resource}.csv" download>Download {resource}.csv</a> '
        f'<a class="md-button" href="{prefix}data/latest/{resource}.parquet" download>Parquet</a> '
        f'<a class="md-button" href="{prefix}data/latest/{resource}.json" download>JSON</a> '
        f'<a class="md-button" href="{prefix}data/latest/datapackage.json">datapackage.json</a></p>',
        "",
        f"{len(df)} rows · primary key: <code>{escape(', '.join(pkg.primary_key(resource)))}</code> · "
        f"every format, checksums and the citation: [Download](../download.md)",
        "",
        "## Data dictionary",
        "",
        dictionary_html(pkg, resource),
        "",
        "## Preview",
        "",
        f"The first {min(PREVIEW_ROWS, len(df))} of {len(df)} rows; the full table is in the download.",
        "",
        table_html(pkg, resource, df.head(PREVIEW_ROWS), prefix),
        "",
    ]
    if resource != "sources":
        lines += ["## Sources cited", "", f"{len(cited)} documents are cited by this table.", ""]
        lines += [table_html(pkg, "sources", cited[["source_id", "publisher", "title", "published", "reliability"]], prefix), ""]
    return "\n".join(lines)


def data_index_page(pkg: DataPackage, tables: dict[str, pd.DataFrame]) -> str:
    rows = "\n".join(
        f'<tr><td><a href="{r}/">{escape(pkg.resources[r].get("title", r))}</a></td><td>{len(tables[r])}</td>'
        f'<td><a href="latest/{r}.csv" download>{r}.csv</a></td><td>{escape(pkg.resources[r].get("description", ""))}</td></tr>'
        for r in pkg.resources
    )
    return f"""# Data

Every table of the atlas, with its data dictionary, a preview and its download. The whole package
is described by [`datapackage.json`](latest/datapackage.json) (a Frictionless Data Package): load it with any
Frictionless tool and the types, units, keys and sources come with the data.
Licence: [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/); cite as described on the [home page](../index.md#cite).

<div class="atlas-table-wrap"><table>
<thead><tr><th scope="col">Table</th><th scope="col">Rows</th><th scope="col">Download</th><th scope="col">Description</th></tr></thead>
<tbody>
{rows}
</tbody></table></div>
"""


def sources_page(pkg: DataPackage, tables: dict[str, pd.DataFrame]) -> str:
    src = tables["sources"].sort_values("source_id")
    cites = {}
    for name, df in tables.items():
        if name == "sources":
            continue
        for col in ("source_id", "specs_source_id", "coord_source_id"):
            if col in df.columns:
                for sid in df[col].dropna():
                    cites.setdefault(sid, {}).setdefault(name, 0)
                    cites[sid][name] += 1
    rows = []
    for r in src.itertuples(index=False):
        used = ", ".join(f'<a href="../data/{escape(t)}/">{escape(t)}</a> ({n})' for t, n in sorted(cites.get(r.source_id, {}).items()))
        rows.append(
            f'<tr id="{escape(r.source_id)}"><td><code>{escape(r.source_id)}</code></td>'
            f'<td><a href="{escape(r.url)}" rel="nofollow noopener">{escape(r.title)}</a></td>'
            f"<td>{escape(r.publisher)}</td><td>{escape(cell_text(r.published))}</td><td>{escape(r.kind)}</td>"
            f'<td class="atlas-tier atlas-tier--{escape(r.reliability)}">{escape(r.reliability)}</td><td>{escape(r.language)}</td><td>{used}</td></tr>'
        )
    tiers = src["reliability"].value_counts().to_dict()
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Source", "Title", "Publisher", "Published", "Kind", "Tier", "Language", "Cited by"))
    return f"""# Sources

Every document the atlas cites: {len(src)} in all ({", ".join(f"{tiers.get(t, 0)} of tier {t}" for t in "ABCD")}).
Tiers: **A** official (makers, statistical bodies), **B** major news agency or newspaper, **C** trade
press or aggregator, **D** blog, forum or wiki mirror. See [Methodology](methodology.md) for how sources are chosen.

<div class="atlas-table-wrap" data-search-exclude><table class="atlas-sources">
<thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></div>
"""


def conflicts_page(pkg: DataPackage, tables: dict[str, pd.DataFrame]) -> str:
    parts = ["# Conflicts", "", "Facts on which sources disagree or give the figure more than once. Every row stays in the data; "
             "the preferred one is marked and the notes say why. See [Methodology](methodology.md#conflicts).", ""]
    count = 0
    for name, key in FACT_KEYS.items():
        df = tables[name]
        values = VALUE_COLUMNS[name]
        groups = [g for _, g in df.groupby(key, dropna=False, sort=True) if len(g) > 1]
        if not groups:
            continue
        parts += [f"## {escape(pkg.resources[name].get('title', name))}", ""]
        for g in groups:
            count += 1
            first = g.iloc[0]
            label = " · ".join(escape(cell_text(first[k])) for k in key)
            distinct = g[values].astype(str).drop_duplicates()
            verdict = "agree" if len(distinct) == 1 else "disagree"
            parts += [f'<h3 id="conflict-{count}">{label}</h3>', "", f"{len(g)} rows from {g['source_id'].nunique()} sources {verdict}.", "",
                      table_html(pkg, name, g[values + ["status", "preferred", "source_id", "notes"]], "../"), ""]
    if count == 0:
        parts += ["No fact has more than one source yet."]
    return "\n".join(parts) + "\n"


def write_generated_pages(pkg: DataPackage, tables: dict[str, pd.DataFrame], docs: Path) -> list[Path]:
    out = []
    data_dir = docs / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    pages = {data_dir / "index.md": data_index_page(pkg, tables), docs / "sources.md": sources_page(pkg, tables),
             docs / "conflicts.md": conflicts_page(pkg, tables)}
    for resource in pkg.resources:
        pages[data_dir / f"{resource}.md"] = resource_page(pkg, resource, tables)
    for path, text in pages.items():
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out
