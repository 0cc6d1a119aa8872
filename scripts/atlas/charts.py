"""Charts: pure functions from the package's tables to Altair charts, one per chart, named after what they show.

Axis titles, legends and table headers are field labels read from datapackage.json, never typed here.
Anything other than a reported figure (approximate, estimate, derived) is drawn fainter, and the
legend says which is which.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import altair as alt
import pandas as pd

from . import geo
from .derived import computed_shares, operating_margin
from .package import DataPackage
from .tables import preferred_rows

# Okabe-Ito: distinguishable for the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STATUS_ORDER = ["reported", "approx", "estimate", "derived"]
STATUS_LABELS = {"reported": "reported", "approx": "approximate (source's qualifier)", "estimate": "estimate (source's own)",
                 "derived": "derived (our arithmetic)"}
STATUS_OPACITY = [1.0, 0.55, 0.4, 0.3]
WIDTH = 640  # px; the static image scales down to the column, the live view scrolls inside its box
# Display names of `market` values (values, not fields: their definitions are in the field's description).
MARKET_LABELS = {
    "jp-passenger-bev": "All passenger BEVs",
    "jp-registered-passenger-bev": "Registered (non-kei) passenger BEVs",
    "jp-kei-passenger-bev": "Kei passenger BEVs",
    "jp-imported-bev": "Imported (foreign-brand) BEVs",
    "jp-new-cars-all": "All new vehicles",
    "jp-kei-all": "All new kei vehicles",
    "jp-kei-passenger": "Kei passenger cars",
    "jp-registered-all": "All registered (non-kei) vehicles",
    "jp-registered-passenger": "Registered (non-kei) passenger cars",
    "jp-passenger-all": "All new passenger cars",
    "jp-imported-all": "All foreign-brand vehicles",
}


@dataclass
class ChartResult:
    slug: str
    title: str
    chart: alt.TopLevelMixin
    table: pd.DataFrame  # the rows drawn: shown under the chart
    resource: str  # the CSV the data comes from
    alt: str
    columns: list[str] = field(default_factory=list)  # table columns, named as fields of `resource` where they are
    extra_sources: list[str] = field(default_factory=list)

    @property
    def source_ids(self) -> list[str]:
        ids = set(self.extra_sources)
        for col in ("source_id", "specs_source_id", "coord_source_id"):
            if col in self.table.columns:
                ids |= set(self.table[col].dropna())
        return sorted(ids)


def _status_opacity(title: str) -> alt.Opacity:
    return alt.Opacity("status_label:N", title=title,
                       scale=alt.Scale(domain=[STATUS_LABELS[s] for s in STATUS_ORDER], range=STATUS_OPACITY),
                       legend=alt.Legend(orient="bottom", direction="vertical"))


def _with_labels(df: pd.DataFrame, tables) -> pd.DataFrame:
    df = df.copy()
    if "status" in df.columns:
        df["status_label"] = df["status"].map(STATUS_LABELS)
    if "model_id" in df.columns:
        df["model"] = df["model_id"].map(_model_names(tables))
    return df


def _model_names(tables) -> dict[str, str]:
    m = tables["models"]
    return dict(zip(m["model_id"], m["maker"] + " " + m["name"]))


def _colour(field_: str, title: str, domain=None) -> alt.Color:
    scale = alt.Scale(range=PALETTE) if domain is None else alt.Scale(domain=domain, range=PALETTE[: len(domain)])
    return alt.Color(field_, title=title, scale=scale, legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=320))


def _tip(pkg, resource, name, type_="N", fmt=None, column=None):
    f = pkg.field(resource, name)
    kw = {"format": fmt} if fmt else {}
    return alt.Tooltip(f"{column or name}:{type_}", title=f.label, **kw)


def _n(x) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.1f}"


def _kei_ids(tables) -> set[str]:
    m = tables["models"]
    return set(m.loc[m["is_kei"].fillna(False), "model_id"])


def _flows(tables, measure="sales", geography="JP") -> pd.DataFrame:
    s = preferred_rows(tables["sales"])
    return s[(s["geography"] == geography) & (s["measure"] == measure) & ~s["cumulative"].fillna(False)]


def _describe_series(prefix: str, df: pd.DataFrame, series: str, period: str, value: str) -> str:
    """Alt text that states what the chart shows and its key numbers, generated from the data drawn."""
    if df.empty:
        return f"{prefix}: no figures to show yet."
    parts = []
    for name, g in df.groupby(series, sort=True):
        hi, lo = g.loc[g[value].idxmax()], g.loc[g[value].idxmin()]
        parts.append(f"{name}: {len(g)} figures from {g[period].min()} to {g[period].max()}, "
                     f"highest {_n(hi[value])} in {hi[period]}, lowest {_n(lo[value])} in {lo[period]}")
    return f"{prefix}. " + "; ".join(parts) + "."


SALES_COLUMNS = ["model_id", "period", "units", "status", "source_id"]


def _model_sales_encoding(pkg: DataPackage) -> dict:
    """Units on y, a colour per model, faint for anything not reported, and the tooltip every sales chart shares."""
    return dict(
        y=alt.Y("units:Q", title=pkg.field("sales", "units").label),
        color=_colour("model:N", pkg.field("sales", "model_id").title),
        opacity=_status_opacity(pkg.field("sales", "status").title),
        tooltip=[alt.Tooltip("model:N", title=pkg.field("sales", "model_id").title), _tip(pkg, "sales", "period"),
                 _tip(pkg, "sales", "units", "Q", ","), alt.Tooltip("status_label:N", title=pkg.field("sales", "status").title),
                 _tip(pkg, "sales", "source_id")],
    )


def kei_ev_monthly_sales(pkg: DataPackage, tables) -> ChartResult:
    """Monthly sales in Japan of each kei EV that has a monthly series, one panel per model."""
    s = _flows(tables)
    s = s[s["model_id"].isin(_kei_ids(tables)) & s["period"].str.fullmatch(r"\d{4}-\d{2}")].sort_values(["model_id", "period"])
    df = _with_labels(s, tables)
    df["month"] = df["period_start"].dt.strftime("%Y-%m-01")
    period = pkg.field("sales", "period")
    chart = (
        alt.Chart(df[["month", "model", "units", "status_label", "period", "source_id"]])
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):T", title=period.title, axis=alt.Axis(format="%Y-%m", labelAngle=-45)),
            **_model_sales_encoding(pkg),
        )
        .properties(width=WIDTH, height=110)
        .facet(row=alt.Row("model:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")))
        .resolve_scale(y="independent")
    )
    alt_text = _describe_series("Bar charts of monthly kei EV sales in Japan, one panel per model", df, "model", "period", "units")
    return ChartResult("kei-ev-monthly-sales", "Kei EV sales in Japan by month", chart, s[SALES_COLUMNS], "sales", alt_text, SALES_COLUMNS)


def kei_ev_annual_sales(pkg: DataPackage, tables) -> ChartResult:
    """Calendar-year and fiscal-year sales of the kei EVs side by side."""
    s = _flows(tables)
    s = s[s["model_id"].isin(_kei_ids(tables)) & s["period"].str.fullmatch(r"(FY)?\d{4}")].copy()
    s = s[s["period_start"].dt.year >= 2020].sort_values(["period_start", "model_id"])
    df = _with_labels(s, tables)
    df["kind"] = df["period"].str.startswith("FY").map({True: "Fiscal years (April to March)", False: "Calendar years"})
    period = pkg.field("sales", "period")
    base = (
        alt.Chart(df[["kind", "period", "model", "units", "status_label", "source_id"]])
        .mark_bar()
        .encode(
            x=alt.X("period:N", title=period.title, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("model:N"),
            **_model_sales_encoding(pkg),
        )
        .properties(height=260)
    )
    # Two panels by concatenation: a faceted chart with an offset band scale draws hairline bars (Vega-Lite 6).
    chart = alt.hconcat(*[base.transform_filter(alt.datum.kind == kind).properties(title=kind)
                          for kind in ("Calendar years", "Fiscal years (April to March)")]).resolve_scale(y="shared")
    alt_text = _describe_series("Bar charts of yearly kei EV sales in Japan, calendar years beside Japanese fiscal years", df, "model", "period", "units")
    return ChartResult("kei-ev-annual-sales", "Kei EV sales in Japan by calendar and fiscal year", chart, s[SALES_COLUMNS], "sales", alt_text, SALES_COLUMNS)


def _running_totals(pkg, tables, models: list[str], geographies: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    s = preferred_rows(tables["sales"])
    s = s[s["cumulative"].fillna(False) & s["model_id"].isin(models) & s["geography"].isin(geographies)].sort_values("period_end")
    df = _with_labels(s, tables)
    df["as_of"] = df["period_end"].dt.strftime("%Y-%m-%d")
    df["series"] = df["model"] + ", " + df["measure"] + (", " + df["geography"] if len(geographies) > 1 else "")
    return s, df


def _running_total_chart(pkg, df) -> alt.LayerChart:
    units, end = pkg.field("sales", "units"), pkg.field("sales", "period_end")
    base = alt.Chart(df[["as_of", "series", "units", "status_label", "period", "source_id"]]).encode(
        x=alt.X("as_of:T", title=end.title, axis=alt.Axis(format="%Y-%m")),
        y=alt.Y("units:Q", title=units.label),
        color=_colour("series:N", "Series"),
    )
    points = base.mark_point(filled=True, size=70).encode(
        opacity=_status_opacity(pkg.field("sales", "status").title),
        shape=alt.Shape("series:N", legend=None),
        tooltip=[alt.Tooltip("series:N", title="Series"), _tip(pkg, "sales", "period"), _tip(pkg, "sales", "units", "Q", ","),
                 alt.Tooltip("status_label:N", title=pkg.field("sales", "status").title), _tip(pkg, "sales", "source_id")],
    )
    return (base.mark_line(strokeWidth=1, strokeDash=[3, 3]) + points).properties(width=WIDTH, height=280)


def _describe_running(prefix, df) -> str:
    if df.empty:
        return f"{prefix}: no figures to show yet."
    parts = []
    for name, g in df.groupby("series", sort=True):
        last = g.iloc[-1]
        parts.append(f"{name}: {len(g)} figures, the latest {_n(last['units'])} as of {last['as_of']}")
    return f"{prefix}. " + "; ".join(parts) + "."


RUNNING_COLUMNS = ["model_id", "geography", "period", "measure", "units", "status", "source_id"]


def kei_ev_running_totals(pkg: DataPackage, tables) -> ChartResult:
    """Orders, sales and production since launch for the Sakura and the eK X EV."""
    s, df = _running_totals(pkg, tables, ["nissan-sakura", "mitsubishi-ek-x-ev"], ["JP"])
    return ChartResult("kei-ev-running-totals", "Sakura and eK X EV: running totals since launch", _running_total_chart(pkg, df),
                       s[RUNNING_COLUMNS], "sales", _describe_running("Points of running totals since launch, by date", df), RUNNING_COLUMNS)


def leaf_running_totals(pkg: DataPackage, tables) -> ChartResult:
    """LEAF sales since 2010, in Japan and worldwide."""
    s, df = _running_totals(pkg, tables, ["nissan-leaf-ze0", "nissan-leaf-ze1", "nissan-leaf-3rd-gen"], ["JP", "WORLD"])
    return ChartResult("leaf-running-totals", "LEAF sales since 2010, Japan and worldwide", _running_total_chart(pkg, df),
                       s[RUNNING_COLUMNS], "sales", _describe_running("Points of LEAF running totals since its 2010 launch, by date", df), RUNNING_COLUMNS)


MARKET_COLUMNS = ["market", "period", "units", "status", "source_id"]


def japan_bev_market(pkg: DataPackage, tables) -> ChartResult:
    """Japan's passenger BEV market by calendar year, with its kei, registered and imported parts."""
    m = preferred_rows(tables["market_totals"])
    markets = ["jp-passenger-bev", "jp-kei-passenger-bev", "jp-registered-passenger-bev", "jp-imported-bev"]
    m = m[m["market"].isin(markets) & (m["maker"] == "all") & m["period"].str.fullmatch(r"\d{4}") & (m["period_start"].dt.year >= 2018)]
    m = m.sort_values(["period", "market"])
    df = _with_labels(m, tables)
    df["market_label"] = df["market"].map(MARKET_LABELS)
    units = pkg.field("market_totals", "units")
    domain = [MARKET_LABELS[k] for k in markets]
    chart = (
        alt.Chart(df[["period", "market_label", "units", "status_label", "source_id"]])
        .mark_bar()
        .encode(
            x=alt.X("period:N", title=pkg.field("market_totals", "period").title, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("market_label:N", sort=domain),
            y=alt.Y("units:Q", title=units.label),
            color=_colour("market_label:N", pkg.field("market_totals", "market").title, domain),
            opacity=_status_opacity(pkg.field("market_totals", "status").title),
            tooltip=[alt.Tooltip("market_label:N", title=pkg.field("market_totals", "market").title), _tip(pkg, "market_totals", "period"),
                     _tip(pkg, "market_totals", "units", "Q", ","), alt.Tooltip("status_label:N", title="Status"),
                     _tip(pkg, "market_totals", "source_id")],
        )
        .properties(width=WIDTH, height=280)
    )
    alt_text = _describe_series("Grouped bars of Japan's passenger battery EV sales by calendar year, with the kei, registered and imported parts where sources give them",
                                df, "market_label", "period", "units")
    return ChartResult("japan-bev-market", "Japan's passenger BEV market by year", chart, m[MARKET_COLUMNS], "market_totals", alt_text, MARKET_COLUMNS)


def japan_new_vehicle_market(pkg: DataPackage, tables) -> ChartResult:
    """All new vehicles in Japan by calendar year, and their registered and kei parts."""
    m = preferred_rows(tables["market_totals"])
    markets = ["jp-new-cars-all", "jp-registered-all", "jp-kei-all"]
    m = m[m["market"].isin(markets) & (m["maker"] == "all") & m["period"].str.fullmatch(r"\d{4}")].sort_values(["market", "period"])
    df = _with_labels(m, tables)
    df["market_label"] = df["market"].map({"jp-new-cars-all": "All new vehicles", "jp-registered-all": "Registered (non-kei) vehicles",
                                           "jp-kei-all": "Kei vehicles"})
    domain = ["All new vehicles", "Registered (non-kei) vehicles", "Kei vehicles"]
    units = pkg.field("market_totals", "units")
    base = alt.Chart(df[["period", "market_label", "units", "status_label", "source_id"]]).encode(
        x=alt.X("period:O", title=pkg.field("market_totals", "period").title, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("units:Q", title=units.label),
        color=_colour("market_label:N", pkg.field("market_totals", "market").title, domain),
    )
    points = base.mark_point(filled=True, size=50).encode(
        opacity=_status_opacity(pkg.field("market_totals", "status").title),
        tooltip=[alt.Tooltip("market_label:N", title=pkg.field("market_totals", "market").title), _tip(pkg, "market_totals", "period"),
                 _tip(pkg, "market_totals", "units", "Q", ","), alt.Tooltip("status_label:N", title="Status"),
                 _tip(pkg, "market_totals", "source_id")])
    chart = (base.mark_line(strokeWidth=1.5) + points).properties(width=WIDTH, height=260)
    alt_text = _describe_series("Lines of new-vehicle sales in Japan by calendar year: all vehicles, registered vehicles and kei vehicles",
                                df, "market_label", "period", "units")
    return ChartResult("japan-new-vehicle-market", "Japan's new-vehicle market and its kei part, by year", chart, m[MARKET_COLUMNS],
                       "market_totals", alt_text, MARKET_COLUMNS)


def shares_reported_and_computed(pkg: DataPackage, tables_raw: dict[str, list[dict]], tables) -> ChartResult:
    rows, sources = [], set()
    for r, computed, num, _, den in computed_shares(tables_raw):
        if computed is None:
            continue
        label = f"{_model_names(tables).get(r['subject'], MARKET_LABELS.get(r['subject'], r['subject']))} in {MARKET_LABELS.get(r['market'], r['market'])}, {r['period']}"
        rows.append({"subject": r["subject"], "market": r["market"], "period": r["period"], "share_pct": float(r["share_pct"]),
                     "computed_pct": round(computed, 2), "status": r["status"], "source_id": r["source_id"], "label": label})
        sources |= {num["source_id"], den["source_id"]}
    df = pd.DataFrame(rows, columns=["subject", "market", "period", "share_pct", "computed_pct", "status", "source_id", "label"])
    long = pd.concat([
        df.assign(kind="reported by the source", value=df["share_pct"]),
        df.assign(kind="computed from the atlas (derived)", value=df["computed_pct"]),
    ])
    share = pkg.field("market_share", "share_pct")
    chart = (
        alt.Chart(long[["label", "kind", "value", "source_id"]])
        .mark_point(size=90, filled=True)
        .encode(
            y=alt.Y("label:N", title=None, sort=alt.SortField("label"), axis=alt.Axis(labelLimit=360)),
            x=alt.X("value:Q", title=share.label),
            color=_colour("kind:N", "Share", ["reported by the source", "computed from the atlas (derived)"]),
            shape=alt.Shape("kind:N", legend=None, scale=alt.Scale(range=["circle", "diamond"])),
            opacity=alt.Opacity("kind:N", legend=None, scale=alt.Scale(domain=["reported by the source", "computed from the atlas (derived)"], range=[1.0, 0.55])),
            tooltip=[alt.Tooltip("label:N", title="Share of"), alt.Tooltip("kind:N", title="Kind"),
                     alt.Tooltip("value:Q", title=share.label, format=".2f"), _tip(pkg, "market_share", "source_id")],
        )
        .properties(width=WIDTH - 380, height=max(60, 22 * len(df)))
    )
    parts = [f"{r.label}: reported {_n(r.share_pct)}, computed {r.computed_pct:.1f}" for r in df.itertuples()]
    alt_text = "Dot plot of market shares as sources report them beside the same shares computed from the atlas's sales and market totals. " + "; ".join(parts) + "."
    cols = ["subject", "market", "period", "share_pct", "computed_pct", "status", "source_id"]
    return ChartResult("shares-reported-and-computed", "Reported shares beside computed ones", chart, df[cols], "market_share", alt_text, cols, sorted(sources))


def ev_share_of_new_passenger_cars(pkg: DataPackage, tables) -> ChartResult:
    m = preferred_rows(tables["market_share"])
    m = m[(m["subject"] == "jp-passenger-bev") & (m["market"] == "jp-passenger-all") & m["period"].str.fullmatch(r"(FY)?\d{4}")].sort_values("period")
    df = _with_labels(m, tables)
    df["kind"] = df["period"].str.startswith("FY").map({True: "Fiscal year", False: "Calendar year"})
    share = pkg.field("market_share", "share_pct")
    chart = (
        alt.Chart(df[["period", "kind", "share_pct", "status_label", "source_id"]])
        .mark_bar()
        .encode(
            x=alt.X("period:N", title=pkg.field("market_share", "period").title, sort=alt.SortField("period"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("share_pct:Q", title=share.label),
            color=_colour("kind:N", "Period", ["Calendar year", "Fiscal year"]),
            opacity=_status_opacity(pkg.field("market_share", "status").title),
            tooltip=[_tip(pkg, "market_share", "period"), _tip(pkg, "market_share", "share_pct", "Q", ".2f"),
                     alt.Tooltip("status_label:N", title="Status"), _tip(pkg, "market_share", "source_id")],
        )
        .properties(width=WIDTH, height=240)
    )
    parts = [f"{r.period}: {r.share_pct:g}%" for r in df.itertuples()]
    alt_text = "Bar chart of battery EVs' share of new passenger-car sales in Japan by year. " + "; ".join(parts) + "."
    cols = ["subject", "market", "period", "share_pct", "status", "source_id"]
    return ChartResult("ev-share-of-new-passenger-cars", "Battery EVs' share of new passenger cars in Japan", chart, m[cols], "market_share", alt_text, cols)


def operating_margins(pkg: DataPackage, tables) -> ChartResult:
    """Operating margin by fiscal year for Nissan, Toyota and Honda; margins not stated by a source are derived."""
    c = preferred_rows(tables["company_results"]).copy()
    months = (c["period_end"].dt.year - c["period_start"].dt.year) * 12 + c["period_end"].dt.month - c["period_start"].dt.month + 1
    c = c[months == 12].copy()
    margin, status = [], []
    for r in c.itertuples():
        if pd.notna(r.operating_margin_pct):
            margin.append(float(r.operating_margin_pct)), status.append(r.status)
        else:
            margin.append(operating_margin(r.revenue_jpy_bn, r.operating_profit_jpy_bn))
            status.append("estimate" if r.status == "estimate" else "derived")
    c["operating_margin_pct"], c["status"] = margin, status
    c = c[c["operating_margin_pct"].notna()].sort_values(["period_end", "maker"])
    df = _with_labels(c, tables)
    df["year"] = df["period_start"].dt.strftime("%b %Y") + " to " + df["period_end"].dt.strftime("%b %Y")
    df["operating_margin_pct"] = df["operating_margin_pct"].round(2)
    mg = pkg.field("company_results", "operating_margin_pct")
    chart = (
        alt.Chart(df[["year", "maker", "fiscal_year", "operating_margin_pct", "status_label", "source_id", "period_end"]])
        .mark_bar()
        .encode(
            x=alt.X("year:N", title="Fiscal year", sort=alt.SortField("period_end"), axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("maker:N"),
            y=alt.Y("operating_margin_pct:Q", title=mg.label),
            color=_colour("maker:N", pkg.field("company_results", "maker").title, ["Nissan", "Toyota", "Honda"]),
            opacity=_status_opacity(pkg.field("company_results", "status").title),
            tooltip=[_tip(pkg, "company_results", "maker"), _tip(pkg, "company_results", "fiscal_year"),
                     _tip(pkg, "company_results", "operating_margin_pct", "Q", ".2f"), alt.Tooltip("status_label:N", title="Status"),
                     _tip(pkg, "company_results", "source_id")],
        )
        .properties(width=WIDTH, height=260)
    )
    parts = [f"{r.maker} {r.fiscal_year}: {r.operating_margin_pct:.1f}% ({r.status})" for r in df.itertuples()]
    alt_text = "Grouped bars of operating margin by fiscal year for Nissan, Toyota and Honda. " + "; ".join(parts) + "."
    cols = ["maker", "fiscal_year", "revenue_jpy_bn", "operating_profit_jpy_bn", "operating_margin_pct", "status", "source_id"]
    return ChartResult("operating-margins", "Operating margins: Nissan, Toyota and Honda", chart, c[cols], "company_results", alt_text, cols)


def model_lineage_timeline(pkg: DataPackage, tables) -> ChartResult:
    """Each model as a bar from launch to end year; a model whose end year no source gives is a point at
    its launch; a reported or planned production start is a hollow diamond."""
    m = tables["models"].copy()
    m = m[m["launch_year"].notna()].copy()
    m["label"] = m["name"] + m["generation"].fillna("").map(lambda g: f" ({g})" if g else "")
    m = m.sort_values(["launch_year", "label"])
    p = tables["production"]
    plans = p[p["status"].isin(["reported", "planned"]) & p["start_year"].notna()].merge(tables["models"][["model_id", "maker", "name"]], on="model_id")
    plans = plans.sort_values("start_year").drop_duplicates("model_id", keep="first")
    plans["label"] = plans["name"]
    order = list(m["label"]) + [x for x in plans["label"] if x not in set(m["label"])]
    last_year = int(max([m["launch_year"].max(), m["end_year"].max(), *(plans["start_year"].tolist() or [0])]))
    x = alt.X("launch_year:Q", title="Year", scale=alt.Scale(domain=[1945, last_year + 2]), axis=alt.Axis(format="d"))
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=240))
    colour = _colour("maker:N", pkg.field("models", "maker").title)
    tips = [alt.Tooltip("label:N", title=pkg.field("models", "name").title), _tip(pkg, "models", "maker"),
            _tip(pkg, "models", "launch_year", "Q", "d"), _tip(pkg, "models", "end_year", "Q", "d"), _tip(pkg, "models", "source_id")]
    cols = ["label", "maker", "launch_year", "end_year", "source_id"]
    ended = m[m["end_year"].notna()]
    open_ended = m[m["end_year"].isna()]
    bars = alt.Chart(ended[cols]).mark_bar(height=10).encode(y=y, x=x, x2="end_year:Q", color=colour, tooltip=tips)
    starts = alt.Chart(open_ended[cols]).mark_point(filled=True, size=60, shape="circle").encode(y=y, x=x, color=colour, tooltip=tips)
    planned = alt.Chart(plans[["label", "start_year", "status", "source_id"]]).mark_point(shape="diamond", size=130, filled=False, strokeWidth=2, color="#D55E00").encode(
        y=y, x="start_year:Q",
        tooltip=[alt.Tooltip("label:N", title=pkg.field("models", "name").title), _tip(pkg, "production", "start_year", "Q", "d"),
                 _tip(pkg, "production", "status"), _tip(pkg, "production", "source_id")],
    )
    chart = (bars + starts + planned).properties(width=WIDTH - 260, height=16 * len(order))
    first, last = m.iloc[0], m.iloc[-1]
    plan_text = "; ".join(f"{r.maker} {r.label}: production start {int(r.start_year)}, {r.status} (hollow diamond)" for r in plans.itertuples())
    alt_text = (f"Timeline of {len(m)} electric models from the {first['maker']} {first['label']} ({int(first['launch_year'])}) to the "
                f"{last['maker']} {last['label']} ({int(last['launch_year'])}). {len(ended)} are bars from launch to end year; "
                f"{len(open_ended)} whose end year no source gives, most of them still sold, are points at their launch. {plan_text}.")
    table_cols = ["model_id", "maker", "name", "launch_year", "end_year", "predecessor_id", "twin_id", "source_id"]
    return ChartResult("model-lineage-timeline", "Nissan's electric line and its kei neighbours, 1947 to today", chart,
                       m[table_cols], "models", alt_text, table_cols, sorted(set(plans["source_id"])))


def _plants_frame(tables) -> pd.DataFrame:
    pl = tables["plants"].copy().sort_values(["country", "plant_id"]).reset_index(drop=True)
    pl["number"] = range(1, len(pl) + 1)
    names = _model_names(tables)
    prod = tables["production"]
    built = prod.groupby("plant_id")["model_id"].apply(lambda ids: ", ".join(sorted({names.get(i, i) for i in ids})))
    pl["models"] = pl["plant_id"].map(built).fillna("")
    return pl


def _plants_layers(pkg, features, plants, projection, width, height, title=None):
    outline = alt.Chart(alt.Data(values=features)).mark_geoshape(fill="#d9dde4", stroke="#8a909c", strokeWidth=0.4)
    pts = alt.Chart(plants[["number", "name", "operator", "city", "country", "latitude", "longitude", "models", "coord_precision"]])
    enc = dict(longitude="longitude:Q", latitude="latitude:Q")
    dots = pts.mark_circle(size=230, color="#0072B2", opacity=0.95, stroke="#ffffff", strokeWidth=1).encode(
        **enc, tooltip=[alt.Tooltip("number:Q", title="No."), _tip(pkg, "plants", "name"), _tip(pkg, "plants", "operator"),
                        _tip(pkg, "plants", "city"), alt.Tooltip("models:N", title="Models"), _tip(pkg, "plants", "coord_precision")])
    labels = pts.mark_text(fontSize=9, fontWeight="bold", color="#ffffff").encode(**enc, text="number:Q")
    props = {"width": width, "height": height}
    if title:
        props["title"] = title
    return (outline + dots + labels).project(**projection).properties(**props)


def _plants_result(slug, title, chart, plants, prefix) -> ChartResult:
    listing = "; ".join(f"{r.number} {r.name} in {r.city}" for r in plants.itertuples())
    alt_text = f"{prefix} with {len(plants)} numbered plants: {listing}."
    cols = ["number", "plant_id", "name", "operator", "city", "region", "country", "coord_precision", "source_id", "models"]
    return ChartResult(slug, title, chart, plants[cols], "plants", alt_text, cols, sorted(set(plants["coord_source_id"].dropna())))


# Japan's main islands, and the Tokyo area where several plants stand within a few kilometres.
JAPAN_VIEW = {"type": "mercator", "center": [136.8, 37.4], "scale": 1250, "translate": [190, 220]}
TOKYO_VIEW = {"type": "mercator", "center": [139.6, 35.75], "scale": 9000, "translate": [120, 120]}


def plants_map_japan(pkg: DataPackage, tables) -> ChartResult:
    pl = _plants_frame(tables)
    jp = pl[pl["country"] == "JP"]
    features = geo.countries(pkg.root, "countries-50m.json", {geo.ISO_NUMERIC["JP"]})
    chart = alt.hconcat(
        _plants_layers(pkg, features, jp, JAPAN_VIEW, 380, 440, "Japan"),
        _plants_layers(pkg, features, jp, TOKYO_VIEW, 240, 240, "Tokyo area"),
    )
    return _plants_result("plants-map-japan", "Plants in Japan", chart, jp, "Map of Japan, with an enlarged Tokyo area,")


def plants_map_world(pkg: DataPackage, tables) -> ChartResult:
    pl = _plants_frame(tables)
    features = [f for f in geo.countries(pkg.root, "countries-110m.json") if f["properties"].get("name") != "Antarctica"]
    chart = _plants_layers(pkg, features, pl, {"type": "equalEarth"}, WIDTH, 340)
    return _plants_result("plants-map-world", "Plants worldwide", chart, pl, "World map")


def all_charts(pkg: DataPackage, tables: dict[str, pd.DataFrame], raw: dict[str, list[dict]]) -> list[ChartResult]:
    """Every chart of the site, in the order the pages use them."""
    return [
        kei_ev_monthly_sales(pkg, tables),
        kei_ev_annual_sales(pkg, tables),
        kei_ev_running_totals(pkg, tables),
        leaf_running_totals(pkg, tables),
        japan_bev_market(pkg, tables),
        japan_new_vehicle_market(pkg, tables),
        shares_reported_and_computed(pkg, raw, tables),
        ev_share_of_new_passenger_cars(pkg, tables),
        operating_margins(pkg, tables),
        model_lineage_timeline(pkg, tables),
        plants_map_japan(pkg, tables),
        plants_map_world(pkg, tables),
    ]
