"""Charts: pure functions from the package's tables to Altair charts, one per chart, named after what they show.

Axis titles and table headers are field labels read from datapackage.json, never typed here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import altair as alt
import pandas as pd

from .package import DataPackage
from .tables import preferred_rows

# Okabe-Ito: distinguishable for the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STATUS_ORDER = ["reported", "approx", "estimate", "derived"]
STATUS_LABELS = {"reported": "reported", "approx": "approximate (source's qualifier)", "estimate": "estimate (source's own)",
                 "derived": "derived (our arithmetic)"}
STATUS_OPACITY = [1.0, 0.55, 0.4, 0.3]


@dataclass
class ChartResult:
    slug: str
    title: str
    chart: alt.TopLevelMixin
    table: pd.DataFrame  # the rows drawn, with source_id: shown under the chart
    resource: str  # the CSV the data comes from
    alt: str
    columns: list[str] = field(default_factory=list)  # table columns, named as fields of `resource`

    @property
    def source_ids(self) -> list[str]:
        return sorted(set(self.table["source_id"].dropna()))


def _status_encoding() -> alt.Opacity:
    return alt.Opacity("status_label:N", title="Status",
                       scale=alt.Scale(domain=[STATUS_LABELS[s] for s in STATUS_ORDER], range=STATUS_OPACITY),
                       legend=alt.Legend(orient="bottom", direction="vertical"))


def _with_status_label(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["status_label"] = df["status"].map(STATUS_LABELS)
    return df


def _model_names(tables) -> dict[str, str]:
    m = tables["models"]
    return dict(zip(m["model_id"], m["maker"] + " " + m["name"]))


def kei_ev_monthly_sales(pkg: DataPackage, tables: dict[str, pd.DataFrame]) -> ChartResult:
    """Monthly sales in Japan of the kei EVs that have a monthly series (Sakura, eK X EV and others)."""
    s = preferred_rows(tables["sales"])
    s = s[(s["geography"] == "JP") & (s["measure"] == "sales") & ~s["cumulative"] & (s["period"].str.len() == 7)]
    s = s[s["period"].str.match(r"^\d{4}-\d{2}$")].sort_values(["period_start", "model_id"])
    names = _model_names(tables)
    df = _with_status_label(s)
    df["model"] = df["model_id"].map(names)
    df["month"] = df["period_start"].dt.strftime("%Y-%m-01")
    units, period = pkg.field("sales", "units"), pkg.field("sales", "period")
    chart = (
        alt.Chart(df[["month", "model", "units", "status_label", "period", "source_id"]])
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):T", title=period.title, axis=alt.Axis(format="%Y-%m", labelAngle=-45)),
            xOffset=alt.XOffset("model:N"),
            y=alt.Y("units:Q", title=units.label),
            color=alt.Color("model:N", title=pkg.field("sales", "model_id").title, scale=alt.Scale(range=PALETTE),
                            legend=alt.Legend(orient="bottom", direction="vertical")),
            opacity=_status_encoding(),
            tooltip=[alt.Tooltip("model:N", title=pkg.field("sales", "model_id").title),
                     alt.Tooltip("period:N", title=period.title),
                     alt.Tooltip("units:Q", title=units.label, format=","),
                     alt.Tooltip("status_label:N", title=pkg.field("sales", "status").title),
                     alt.Tooltip("source_id:N", title=pkg.field("sales", "source_id").title)],
        )
        .properties(width="container", height=280)
    )
    alt_text = _series_alt("Bar chart of monthly sales in Japan", df, "model", "period", "units")
    return ChartResult("kei-ev-monthly-sales", "Kei EV sales in Japan by month", chart,
                       s[["model_id", "period", "units", "status", "source_id"]], "sales", alt_text,
                       ["model_id", "period", "units", "status", "source_id"])


def _series_alt(prefix: str, df: pd.DataFrame, series: str, period: str, value: str) -> str:
    """Alt text that states what the chart shows and its key numbers, generated from the data drawn."""
    if df.empty:
        return f"{prefix}: no rows to show."
    parts = []
    for name, g in df.groupby(series, sort=True):
        hi, lo = g.loc[g[value].idxmax()], g.loc[g[value].idxmin()]
        parts.append(f"{name}: {len(g)} figures from {g[period].min()} to {g[period].max()}, "
                     f"highest {int(hi[value]):,} in {hi[period]}, lowest {int(lo[value]):,} in {lo[period]}")
    return f"{prefix}. " + "; ".join(parts) + "."


CHARTS = [kei_ev_monthly_sales]
