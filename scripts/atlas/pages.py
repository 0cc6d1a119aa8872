"""Generated pages: one per resource (description, dictionary, preview, downloads, sources), the Sources
page, the Conflicts page, the story checked claim by claim; and the chart markers `[[chart:slug]]` in hand-written pages replaced by figures.

Everything a page says about a field comes from datapackage.json.
"""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from html import escape
from pathlib import Path

import pandas as pd

from . import codes, facts
from .figures import breakable, cell_text, eager, lang_attr, table_html
from .package import DataPackage
from .rawhtml import mark
from .rules import EVIDENCE_SEPARATOR, KEY_SEPARATOR

MARKER = re.compile(r"^\[\[(chart|block):([a-z0-9-]+)\]\]$", re.MULTILINE)
# What the story page shows of a row cited as evidence, besides its key: the words that check the claim. A fact
# table shows its value columns and status, read from the descriptor (`evidence_columns`).
ENTITY_EVIDENCE_COLUMNS = {"events": ["date", "kind", "summary"], "models": ["maker", "name", "launch_year", "end_year"],
                           "plants": ["name", "city", "country"], "production": ["start_year", "end_year", "status"],
                           "sources": ["publisher", "title", "published"]}
PREVIEW_ROWS = 25  # page weight must not grow with the data: the full table is a download away


def root_prefix(page: str) -> str:
    """Relative path from a page's URL back to the site root, with MkDocs' directory URLs."""
    parts = Path(page).with_suffix("").parts
    depth = len(parts) - (1 if parts[-1] == "index" else 0)
    return "../" * depth


def replace_markers(text: str, page: str, makers: dict[str, dict]) -> str:
    """Replace `[[chart:slug]]` and `[[block:name]]` lines with the HTML their makers return for this page."""
    prefix = root_prefix(page)
    charts_seen = []

    def sub(m):
        kind, name = m.group(1), m.group(2)
        if name not in makers[kind]:
            raise KeyError(f"{page}: [[{kind}:{name}]] names nothing (known: {', '.join(sorted(makers[kind]))})")
        html = makers[kind][name](prefix)
        if kind == "chart":
            charts_seen.append(name)
            if len(charts_seen) == 1:
                html = eager(html)
        return html

    return MARKER.sub(sub, text)


def evidence_columns(pkg: DataPackage, resource: str) -> list[str]:
    fact = facts.fact_tables(pkg).get(resource)
    return fact.value + ["status"] if fact else ENTITY_EVIDENCE_COLUMNS.get(resource, [])


def dictionary_html(pkg: DataPackage, resource: str) -> str:
    """One row per field. A coded field lists its codes and links its code table, where labels and meanings are."""
    rows = []
    pk = set(pkg.primary_key(resource))
    prefix = root_prefix(f"data/{resource}.md")
    for f in pkg.fields(resource):
        cons = ", ".join(f"{k}: {v}" for k, v in f.constraints.items() if k != "enum")
        if "enum" in f.constraints:
            cons = ", ".join(filter(None, [cons, "one of: " + " · ".join(map(str, f.constraints["enum"]))]))
        if f.name in pk:
            cons = ", ".join(filter(None, ["primary key", cons]))
        cons = escape(cons)
        table = codes.table_of(pkg, resource, f.name)
        if table:
            listed = escape(" · ".join(codes.codes(pkg, table)))
            cons = ", ".join(filter(None, [cons, f'one of <a href="{prefix}data/{escape(table)}/">{escape(table)}</a>: {listed}']))
        rows.append(
            f'<tr id="{escape(resource)}-{escape(f.name)}"><td><code>{breakable(f.name)}</code></td><td>{escape(f.title)}</td>'
            f"<td>{escape(f.type)}</td><td>{escape(f.unit or '')}</td><td>{cons}</td><td class=\"atlas-prose\">{escape(f.description)}</td></tr>"
        )
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Name", "Title", "Type", "Unit", "Constraints", "Description"))
    return mark(f'<div class="atlas-table-wrap"><table class="atlas-dictionary">\n<thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody></table></div>")


def resource_page(pkg: DataPackage, resource: str, tables: dict[str, pd.DataFrame]) -> str:
    meta = pkg.resources[resource]
    df = tables[resource]
    prefix = root_prefix(f"data/{resource}.md")
    citing = facts.source_columns(pkg, resource)
    cited = []
    if citing:
        ids = set()
        for col in citing:
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
    if citing:
        lines += ["## Sources cited", "", f"{len(cited)} documents are cited by this table.", ""]
        lines += [table_html(pkg, "sources", cited[["source_id", "publisher", "title", "published", "reliability", "language"]], prefix), ""]
    return "\n".join(lines)


def data_index_page(pkg: DataPackage, tables: dict[str, pd.DataFrame]) -> str:
    code_tables = codes.code_tables(pkg)

    def rows(names) -> str:
        return "\n".join(
            f'<tr><td><a href="{escape(r)}/">{escape(pkg.resources[r].get("title", r))}</a></td><td>{len(tables[r])}</td>'
            f'<td><a href="latest/{escape(r)}.csv" download>{escape(r)}.csv</a></td><td class="atlas-prose">{escape(pkg.resources[r].get("description", ""))}</td></tr>'
            for r in names)

    head = ('<thead><tr><th scope="col">Table</th><th scope="col">Rows</th><th scope="col">Download</th>'
            '<th scope="col">Description</th></tr></thead>')
    fact_list, code_list = (mark(f'<div class="atlas-table-wrap"><table>\n{head}\n<tbody>\n{rows(names)}\n</tbody></table></div>')
                            for names in ([r for r in pkg.resources if r not in code_tables], code_tables))
    return f"""# Data

Every table of the atlas, with its data dictionary, a preview and its download. The whole package
is described by [`datapackage.json`](latest/datapackage.json) (a Frictionless Data Package): load it with any
Frictionless tool and the types, units, keys and sources come with the data.
Licence: [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/); cite as described on the [home page](../index.md#cite).

{fact_list}

## Code tables

What each code in the tables above means: one row per code, with the label the site shows for it.

{code_list}
"""


# The Sources page's tables, one per reliability tier, are laid out only when scrolled to (CSS
# content-visibility); until then each holds the space of this many pixels per row, a phone's row height.
SOURCE_ROW_PX = 64


def sources_page(pkg: DataPackage, tables: dict[str, pd.DataFrame]) -> str:
    """Every source, one table per reliability tier (in the code table's order), rows by source_id. One page,
    so that every `sources/#<source_id>` link holds; a tier's table costs the browser nothing until it is
    scrolled to (atlas.css), where one table of every source cost a phone 1.7 s of blocked main thread."""
    src = tables["sources"].sort_values("source_id")
    cites = {}
    for name, df in tables.items():
        for col in facts.source_columns(pkg, name):
            for sid in df[col].dropna():
                cites.setdefault(sid, {}).setdefault(name, 0)
                cites[sid][name] += 1

    def row(r) -> str:
        used = ", ".join(f'<a href="../data/{escape(t)}/">{escape(t)}</a> ({n})' for t, n in sorted(cites.get(r.source_id, {}).items()))
        return (f'<tr id="{escape(r.source_id)}"><td><code>{breakable(r.source_id)}</code></td>'
                f'<td{lang_attr(r.language)}><a href="{escape(r.url)}" rel="nofollow noopener">{escape(r.title)}</a></td>'
                f"<td>{escape(r.publisher)}</td><td>{escape(cell_text(r.published))}</td><td>{escape(r.kind)}</td>"
                f'<td class="atlas-tier atlas-tier--{escape(r.reliability)}">{escape(r.reliability)}</td><td>{escape(r.language)}</td><td>{used}</td></tr>')

    counts = src["reliability"].value_counts().to_dict()
    tiers = codes.labels(pkg, codes.table_of(pkg, "sources", "reliability"))
    reliability = pkg.field("sources", "reliability").title
    titles = [pkg.field("sources", c).title for c in ("source_id", "title", "publisher", "published", "kind", "reliability", "language")]
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in (*titles, "Cited by"))
    legend = ", ".join(f"<strong>{escape(t)}</strong> {escape(label)}" for t, label in tiers.items())
    sections = []
    for tier, label in tiers.items():
        rows = [row(r) for r in src[src["reliability"] == tier].itertuples(index=False)]
        if not rows:
            continue
        # The tier and its label are CSV text: escaped, inside HTML tags on one line, never read as Markdown.
        sections.append(
            f'<h2 id="tier-{escape(tier)}">{escape(reliability)} {escape(tier)}: {escape(label)}</h2>\n\n'
            + mark(f'<div class="atlas-table-wrap atlas-sources__tier" data-search-exclude style="contain-intrinsic-size: auto {len(rows) * SOURCE_ROW_PX}px">'
                   f'<table class="atlas-sources">\n<thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody></table></div>") + "\n")
    # The labels are CSV text: inside an HTML paragraph on one line, Markdown never reads them as markup.
    # The tier headings are HTML, which Material's table of contents does not list: the page hides that empty
    # sidebar, whose 12rem the eight-column tables need on a desktop.
    return f"""---
hide:
  - toc
---

# Sources

<p class="atlas-sources__summary">Every document the atlas cites: {len(src)} in all ({", ".join(f"{counts.get(t, 0)} of tier {escape(t)}" for t in tiers)}). {escape(reliability)}: {legend}.</p>

See [Methodology](methodology.md) for how sources are chosen.

{chr(10).join(sections)}"""


def conflicts_page(pkg: DataPackage, tables: dict[str, pd.DataFrame]) -> str:
    parts = ["# Conflicts", "", "Facts on which sources disagree or give the figure more than once. Every row stays in the data; "
             "the preferred one is marked and the notes say why. See [Methodology](methodology.md#conflicts).", ""]
    count = 0
    for name, fact in facts.fact_tables(pkg).items():
        df, key, values = tables[name], fact.key, fact.value
        # Only the rows whose key recurs are grouped: a group made of every single row cost most of this page's time.
        repeated = df[df.duplicated(key, keep=False)]
        groups = [g for _, g in repeated.groupby(key, dropna=False, sort=True) if len(g) > 1]
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


def _source_line(sources: pd.DataFrame, sid: str, prefix: str) -> str:
    row = sources[sources["source_id"] == sid]
    if row.empty:
        return f"<code>{escape(sid)}</code>"
    r = row.iloc[0]
    return (f'<a href="{prefix}sources/#{escape(sid)}">{escape(cell_text(r["publisher"]))}, {escape(cell_text(r["published"]) or "n.d.")}</a>: '
            f'<a href="{escape(cell_text(r["url"]))}" rel="nofollow noopener">{escape(cell_text(r["title"]))}</a>')


def evidence_refs(evidence) -> list[tuple[str, tuple[str, ...]]]:
    """A claim's evidence cell as (table, key values) pairs, in the order written."""
    text = cell_text(evidence)
    refs = []
    for ref in text.split(EVIDENCE_SEPARATOR) if text else []:
        name, _, key = ref.partition(":")
        refs.append((name, tuple(key.split(KEY_SEPARATOR))))
    return refs


def evidence_tables(pkg: DataPackage, tables: dict[str, pd.DataFrame], evidence, prefix: str, firsts: dict | None = None) -> list[str]:
    """One table per cited table, in the order first cited: each row's key columns, then what it says, then its source.
    `firsts` keeps each table's key positions (_first_rows) from one claim to the next."""
    firsts = {} if firsts is None else firsts
    by_table: dict[str, list[tuple[str, ...]]] = {}
    for name, key in evidence_refs(evidence):
        by_table.setdefault(name, []).append(key)
    parts = []
    for name, keys in by_table.items():
        if name not in tables:  # the validator's claim-evidence rule stops a build before this
            continue
        df, pk = tables[name], pkg.primary_key(name)
        if name not in firsts:
            firsts[name] = _first_rows(df, pk)
        first = firsts[name]
        rows = df.iloc[[first[key] for key in keys if key in first]]
        cols = [c for c in pk if c != "source_id"] + [c for c in evidence_columns(pkg, name) if c not in pk and c in df.columns]
        cols += ["source_id"] if "source_id" in df.columns else []
        title = escape(pkg.resources[name].get("title", name))
        parts += [f'<p class="atlas-evidence__table">{title} (<a href="{prefix}data/{escape(name)}/">{escape(name)}</a>), {len(rows)} '
                  f'{"row" if len(rows) == 1 else "rows"}:</p>', table_html(pkg, name, rows[cols], prefix)]
    return parts


def _first_rows(df: pd.DataFrame, pk: list[str]) -> dict[tuple[str, ...], int]:
    """The position of the first row of each key (the key's cells as text), worked out once per table: a claim's
    evidence is looked up in it, where a scan of the table per claim cost most of the story page's time."""
    first: dict[tuple[str, ...], int] = {}
    for i, key in enumerate(zip(*(df[c].map(cell_text) for c in pk))):
        first.setdefault(tuple(key), i)
    return first


def verdict_class(verdict: str) -> str:
    return "atlas-verdict atlas-verdict--" + re.sub(r"[^a-z0-9]+", "-", verdict.lower()).strip("-")


def claim_reviews(pkg: DataPackage, tables: dict[str, pd.DataFrame]) -> str:
    """schema.org ClaimReview for every claim, as JSON fit to sit inside a <script>: `<`, `>` and `&` are
    written as \\u escapes, so no CSV text can close the script or open a comment."""
    src = tables["sources"].set_index("source_id")
    reviewer = ", ".join(c["title"] for c in pkg.meta.get("contributors", []) if c.get("title")) or pkg.meta.get("title", "")
    reviews = []
    for c in tables["claims"].itertuples(index=False):
        item = {"@type": "Claim"}
        if c.source_id in src.index:
            s = src.loc[c.source_id]
            item["author"] = {"@type": "Organization", "name": cell_text(s["publisher"])}
            item["appearance"] = {"@type": "CreativeWork", "url": cell_text(s["url"]), "headline": cell_text(s["title"])}
            if cell_text(s["published"]):
                item["datePublished"] = cell_text(s["published"])
        reviews.append({"@type": "ClaimReview", "claimReviewed": cell_text(c.claim), "datePublished": cell_text(c.verdict_date),
                        "author": {"@type": "Organization", "name": reviewer},
                        "reviewRating": {"@type": "Rating", "alternateName": cell_text(c.verdict)}, "itemReviewed": item})
    data = json.dumps({"@context": "https://schema.org", "@graph": reviews}, ensure_ascii=False, indent=1)
    return data.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def story_page(pkg: DataPackage, tables: dict[str, pd.DataFrame]) -> str:
    """The source article claim by claim. Every piece of CSV text sits escaped inside HTML tags on one line,
    so Markdown never reads it as markup and no cell can become a `[[chart:...]]` marker."""
    prefix = root_prefix("story.md")
    claims = tables["claims"]
    firsts: dict = {}
    counts = claims["verdict"].value_counts()
    verdicts = codes.codes(pkg, codes.table_of(pkg, "claims", "verdict"))
    summary = ", ".join(f"{counts[v]} {escape(v)}" for v in verdicts if v in counts)
    parts = ["# The story, checked", "",
             "In March 2024 Reuters reported that Nissan was considering building kei EVs itself, at Nissan Motor Kyushu, "
             "from FY2028; the report was retold widely. Here it is claim by claim: what each claim says, whether the atlas's "
             "rows bear it out as of the date given, why, and the rows that check it.", "",
             f'<p class="atlas-story__summary">{len(claims)} claims: {summary}. The verdicts and what they mean are in the '
             f'<a href="{prefix}data/claims/#claims-verdict">data dictionary</a>; every claim is also in '
             f'<a href="{prefix}data/claims/">claims.csv</a>.</p>', ""]
    for c in claims.itertuples(index=False):
        cid = escape(cell_text(c.claim_id))
        verdict = cell_text(c.verdict)
        section = ['<section class="atlas-claim">',
                  f'<h2 class="atlas-claim__text" id="{cid}">{escape(cell_text(c.claim))}</h2>',
                  f'<p class="atlas-claim__meta"><span class="atlas-claim__kind">{escape(cell_text(c.kind))}</span> · '
                  f'verdict: <strong class="{escape(verdict_class(verdict))}">{escape(verdict)}</strong> · '
                  f'as of <time datetime="{escape(cell_text(c.verdict_date))}">{escape(cell_text(c.verdict_date))}</time></p>',
                  f'<p class="atlas-claim__reason">{escape(cell_text(c.reason))}</p>']
        if cell_text(c.notes):
            section.append(f'<p class="atlas-claim__notes">Note: {escape(cell_text(c.notes))}</p>')
        evidence = evidence_tables(pkg, tables, c.evidence, prefix, firsts)
        section += ['<div class="atlas-evidence">', *(evidence or ['<p class="atlas-evidence__none">No row of the atlas checks this claim.</p>']), "</div>"]
        section += [f'<p class="atlas-claim__source">Claim stated in: {_source_line(tables["sources"], cell_text(c.source_id), prefix)}</p>',
                    "</section>"]
        parts += [mark("\n".join(section)), ""]
    parts += ['<script type="application/ld+json">', claim_reviews(pkg, tables), "</script>", ""]
    return "\n".join(parts)


def page_makers(pkg: DataPackage, tables: dict[str, pd.DataFrame]) -> dict[str, Callable[[dict[str, pd.DataFrame]], str]]:
    """The generated pages, by path in the docs, each made from the tables it is given: the preview (incremental.PageCache)
    makes again only those that read a table an edit changed."""
    makers = {"data/index.md": functools.partial(data_index_page, pkg), "sources.md": functools.partial(sources_page, pkg),
              "conflicts.md": functools.partial(conflicts_page, pkg)}
    if "claims" in tables:
        makers["story.md"] = functools.partial(story_page, pkg)
    for resource in pkg.resources:
        makers[f"data/{resource}.md"] = functools.partial(resource_page, pkg, resource)
    return makers


def write_generated_pages(pkg: DataPackage, tables: dict[str, pd.DataFrame], docs: Path, make=None) -> list[Path]:
    """Every generated page written into `docs`; `make(path, maker)` (default: `maker(tables)`) gives a page's text."""
    out = []
    (docs / "data").mkdir(parents=True, exist_ok=True)
    for rel, maker in page_makers(pkg, tables).items():
        path = docs / rel
        path.write_text(maker(tables) if make is None else make(rel, maker), encoding="utf-8")
        out.append(path)
    return out
