"""Blocks of generated HTML that hand-written pages place with `[[block:name]]`: the headline figures,
the Kyushu plan's story, the model and event tables, the code tables. Each reads the data; nothing is typed in twice."""
from __future__ import annotations

import functools
from html import escape

import pandas as pd

from . import codes
from .figures import cell_text, table_html
from .package import DataPackage
from .tables import preferred_rows

PLAN_MODEL = "nissan-next-kei-ev"


def _qualified(pkg: DataPackage, status: str) -> str:
    """The mark a figure of this status carries on a card (codes_statuses' `prefix`); a mark that ends in a
    letter ("est.") is followed by a space, a symbol ("≈") is not. CSV cells cannot end in a space."""
    mark = codes.column(pkg, codes.table_of(pkg, "sales", "status"), "prefix").get(status, "")
    return mark + " " if mark[-1:].isalpha() else mark


def _source_link(sources: pd.DataFrame, sid: str, prefix: str) -> str:
    row = sources[sources["source_id"] == sid]
    if row.empty:
        return escape(sid)
    r = row.iloc[0]
    date = cell_text(r["published"]) or "n.d."
    return f'<a href="{prefix}sources/#{escape(sid)}">{escape(str(r["publisher"]))}, {escape(date)}</a>'


def _card(value: str, label: str, source: str, status: str = "reported") -> str:
    note = "" if status == "reported" else f' <span class="atlas-status">({escape(status)})</span>'
    return (f'<div class="atlas-card"><p class="atlas-card__value">{value}{note}</p>'
            f'<p class="atlas-card__label">{label}</p><p class="atlas-card__source">Source: {source}</p></div>')


def headlines(pkg: DataPackage, tables: dict[str, pd.DataFrame], prefix: str) -> str:
    cards = []
    src = tables["sources"]
    share = preferred_rows(tables["market_share"])
    share = share[(share["subject"] == "nissan-sakura") & (share["market"] == "jp-passenger-bev") & ~share["period"].str.startswith("FY")]
    if not share.empty:
        r = share.sort_values("period_end").iloc[0]
        cards.append(_card(f"{escape(_qualified(pkg, r['status']))}{r['share_pct']:g}%",
                           f"the Sakura's share of Japan's passenger EV market in {escape(r['period'])}",
                           _source_link(src, r["source_id"], prefix), r["status"]))
    cum = preferred_rows(tables["sales"])
    cum = cum[(cum["model_id"] == "nissan-sakura") & cum["cumulative"].fillna(False) & (cum["measure"] == "sales")]
    if not cum.empty:
        r = cum.sort_values("period_end").iloc[-1]
        cards.append(_card(f"{escape(_qualified(pkg, r['status']))}{int(r['units']):,}",
                           f"Sakuras sold in Japan from launch to {r['period_end']:%B %Y}",
                           _source_link(src, r["source_id"], prefix), r["status"]))
    prod = tables["production"]
    plan = prod[prod["model_id"] == PLAN_MODEL].merge(src[["source_id", "published"]], on="source_id").sort_values("published")
    if not plan.empty:
        latest = plan.iloc[-1]
        first = plan.iloc[0]
        events = _plan_events(tables)
        last_event = events.iloc[-1] if not events.empty else None
        text = (f"kei EV production at Nissan Motor Kyushu from FY{int(latest['start_year'])}: first {escape(first['status'])} "
                f"{first['published']:%B %Y}, latest status <strong>{escape(latest['status'])}</strong>")
        if last_event is not None:
            text += f"; latest news {last_event['date']:%B %Y}: {escape(last_event['summary'])}"
        cards.append(_card(f"FY{int(latest['start_year'])}", text, _source_link(src, latest["source_id"], prefix)))
    return '<div class="atlas-headline">' + "".join(cards) + "</div>"


def _plan_events(tables) -> pd.DataFrame:
    # Only what sources say of the plan itself: other news about the Kyushu plant (Oppama's models moving
    # there) is not news of the kei EV plan, and must not stand as its "latest news".
    ev = tables["events"]
    return ev[ev["model_id"] == PLAN_MODEL].sort_values(["date", "event_id"])


def kyushu_plan(pkg: DataPackage, tables, prefix: str) -> str:
    ev = _plan_events(tables)
    return table_html(pkg, "events", ev[["date", "kind", "summary", "source_id"]], prefix)


def model_table(pkg: DataPackage, tables, prefix: str) -> str:
    m = tables["models"].sort_values(["launch_year", "model_id"], na_position="last")
    cols = ["model_id", "maker", "name", "segment", "launch_year", "end_year", "predecessor_id", "twin_id",
            "battery_kwh", "range_km", "range_cycle", "source_id"]
    return table_html(pkg, "models", m[cols], prefix)


def events_table(pkg: DataPackage, tables, prefix: str) -> str:
    ev = tables["events"].sort_values(["date", "event_id"])
    return table_html(pkg, "events", ev[["date", "kind", "model_id", "plant_id", "summary", "source_id"]], prefix)


def production_table(pkg: DataPackage, tables, prefix: str) -> str:
    p = tables["production"].sort_values(["plant_id", "start_year"], na_position="last")
    return table_html(pkg, "production", p[["model_id", "plant_id", "start_year", "end_year", "status", "source_id"]], prefix)


def validation_rules(pkg: DataPackage, tables, prefix: str) -> str:
    """Every check the validator runs, read from the registries the validator itself uses."""
    from .descriptor_checks import DESCRIPTOR_RULES
    from .frictionless_check import FRICTIONLESS_RULES
    from .rules import RULES
    from .textchecks import TEXT_RULES

    groups = [("The descriptor, before any file is read", DESCRIPTOR_RULES), ("Frictionless, on datapackage.json", FRICTIONLESS_RULES), ("The bytes of each CSV", TEXT_RULES),
              ("The project's rules", {r.id: r.description for r in RULES.values()})]
    rows = "\n".join(f'<tr><td><code>{escape(rule)}</code></td><td>{escape(text)}</td><td>{escape(group)}</td></tr>'
                     for group, checks in groups for rule, text in checks.items())
    return ('<div class="atlas-table-wrap"><table class="atlas-rules">\n<thead><tr><th scope="col">Rule</th>'
            '<th scope="col">What it asks</th><th scope="col">Checked by</th></tr></thead>\n<tbody>\n' + rows + "\n</tbody></table></div>")


def code_table(pkg: DataPackage, tables, prefix: str, *, table: str) -> str:
    """A code table as it stands in datasets/, every column, in file order (the Methodology page's definitions)."""
    name = codes.resource_of(pkg, table)
    return table_html(pkg, name, tables[name], prefix)


# The code tables the Methodology page defines its terms with; every code table also has its own data page.
CODE_TABLE_BLOCKS = {"codes-" + t.replace("_", "-"): functools.partial(code_table, table=t) for t in ("markets", "statuses", "reliability_tiers")}

BLOCKS = {**CODE_TABLE_BLOCKS, "headlines": headlines, "validation-rules": validation_rules, "kyushu-plan": kyushu_plan, "model-table": model_table,
          "events-table": events_table, "production-table": production_table}
