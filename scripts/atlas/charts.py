"""The site's charts, one declaration each: what rows it selects, its title and subtitle, the page it
belongs to, its annotations and its table. The list of charts is CHARTS, and the charts datapackage.json
declares (chart_declarations: a line per series of one value by period), nothing else.

Titles and subtitles are templates with no number in them: every figure they state is computed from the
rows at build time (`facts`), so a title can never say what the data does not. Axis titles, legends and
table headers are field labels read from datapackage.json.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterator

import altair as alt
import pandas as pd

from . import chartkit as kit
from . import codes
from . import geo
from .chart_declarations import Declared, declared
from .mapshapes import clip_features, place_labels
from .derived import computed_shares, operating_margin
from .package import DataPackage
from .periods import kind_of, period_bounds
from .rules import SHARE_TOLERANCE_PP
from .tables import preferred_rows

KEI = "kei"  # in Select.models: every model the models table marks as kei


# --- what a chart selects ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Select:
    """The preferred rows of one resource that a chart draws, every filter stated here and nowhere else."""
    resource: str
    models: tuple[str, ...] | str = ()
    markets: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    makers: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    geographies: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()  # period kinds, as periods.kind_of names them
    cumulative: bool | None = None
    months: int | None = None  # only periods of exactly this many months
    since: str | None = None  # only periods starting on or after this date

    def rows(self, data: "Data") -> pd.DataFrame:
        df = data.tables[self.resource]
        if "preferred" in df.columns:
            df = preferred_rows(df)
        models = data.kei_ids if self.models == KEI else set(self.models)
        for column, wanted in (("model_id", models), ("market", self.markets), ("subject", self.subjects),
                               ("maker", self.makers), ("measure", self.measures), ("geography", self.geographies),
                               ("country", self.countries)):
            if wanted:
                df = df[df[column].isin(wanted)]
        if self.cumulative is not None:
            df = df[df["cumulative"].fillna(False) == self.cumulative]
        if self.kinds:
            df = df[df["period"].map(kind_of).isin(self.kinds)]
        if self.since:
            df = df[df["period_start"] >= pd.Timestamp(self.since)]
        if self.months:
            span = (df["period_end"].dt.year - df["period_start"].dt.year) * 12 + df["period_end"].dt.month - df["period_start"].dt.month + 1
            df = df[span == self.months]
        return df.copy()


@dataclass(frozen=True)
class Events:
    """The events a chart marks: their kinds, and the models they are about."""
    kinds: tuple[str, ...]
    models: tuple[str, ...] | str = ()


class Data:
    """The package's tables, and the lookups every chart needs."""

    def __init__(self, pkg: DataPackage, tables: dict[str, pd.DataFrame], raw: dict[str, list[dict]]):
        self.pkg, self.tables, self.raw = pkg, tables, raw

    @cached_property
    def status_labels(self) -> dict[str, str]:
        """Display names of figure statuses, from the package's code table; a gap row's status names itself."""
        return {**codes.labels(self.pkg, "statuses"), kit.NO_FIGURE: kit.NO_FIGURE}

    @cached_property
    def market_labels(self) -> dict[str, str]:
        return codes.labels(self.pkg, "markets")

    @cached_property
    def kei_ids(self) -> set[str]:
        m = self.tables["models"]
        return set(m.loc[m["is_kei"].fillna(False), "model_id"])

    @cached_property
    def models(self) -> pd.DataFrame:
        m = self.tables["models"].copy()
        gen = m["generation"].fillna("")
        shared = m["name"].duplicated(keep=False)  # the generation tells apart models of one name, and only those
        m["short"] = [f"{n} ({g})" if s and g and g not in n else n for n, g, s in zip(m["name"], gen, shared)]
        m["label"] = m["maker"] + " " + m["short"]
        return m.set_index("model_id")

    def model_label(self, model_id: str) -> str:
        return self.models["label"].get(model_id, model_id)

    def maker_of(self, model_id: str) -> str:
        return self.models["maker"].get(model_id, "")

    def label(self, resource: str, name: str) -> str:
        return self.pkg.field(resource, name).label

    def title(self, resource: str, name: str) -> str:
        return self.pkg.field(resource, name).title

    def events(self, spec: Events | None, start, end) -> pd.DataFrame:
        """The chart's events between start and end, one per date, labelled by their kinds."""
        if spec is None:
            return pd.DataFrame(columns=["date", "label"])
        ev = self.tables["events"]
        models = self.kei_ids if spec.models == KEI else set(spec.models)
        ev = ev[ev["kind"].isin(spec.kinds) & (ev["model_id"].isin(models) if models else True)]
        ev = ev[(ev["date"] >= start) & (ev["date"] <= end)].sort_values("date")
        rows = []
        for day, g in ev.groupby(ev["date"].dt.strftime("%Y-%m-%d"), sort=True):
            kinds = list(dict.fromkeys(k.replace("-", " ") for k in g["kind"]))
            rows.append({"date": day, "label": " and ".join(kinds).capitalize(), "event_ids": ", ".join(g["event_id"])})
        return pd.DataFrame(rows, columns=["date", "label", "event_ids"])


# --- the declaration -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Chart:
    slug: str
    page: str  # the docs page (without .md) whose [[chart:slug]] marker shows it
    select: Select
    title: str  # templates: `{name}` placeholders filled from facts(); no digit may appear in them
    subtitle: str
    shape: Callable[["Data", pd.DataFrame], pd.DataFrame]  # the selected rows, labelled, with a row per gap
    facts: Callable[["Data", pd.DataFrame], dict[str, str]]
    draw: Callable[["Data", pd.DataFrame, kit.Layout, pd.DataFrame], alt.TopLevelMixin]
    table: tuple[tuple[str, str], ...]  # (column of the shaped rows, field of select.resource that names it)
    describe: Callable[["Data", pd.DataFrame], str]  # alt text: what is drawn, and its key numbers
    annotate: Events | None = None
    status_mark: str | None = "Hollow points"  # how a figure not reported is drawn, named in the subtitle
    extra_sources: Callable[["Data", pd.DataFrame], list[str]] = lambda data, rows: []


@dataclass
class ChartResult:
    """A declaration applied to the data: the rows drawn, the words computed, one spec per layout. Plain
    data only (no functions), so that charts can be drawn in worker processes."""
    slug: str
    page: str
    resource: str
    table_fields: list[str]
    rows: pd.DataFrame
    title: str
    subtitle: str
    alt: str
    specs: dict[str, dict]  # layout name -> Vega-Lite spec
    table: pd.DataFrame  # the data table: one row per drawn figure, and per period with no figure
    headers: list[str]
    events: pd.DataFrame
    extra_sources: list[str] = field(default_factory=list)

    @property
    def source_ids(self) -> list[str]:
        ids = set(self.extra_sources)
        for col in ("source_id", "specs_source_id", "coord_source_id"):
            if col in self.rows.columns:
                ids |= set(self.rows[col].dropna())
        return sorted(ids)


def n(x) -> str:
    """A figure as the text states it: thousands separated, no decimals it does not have."""
    x = float(x)
    return f"{int(x):,}" if x.is_integer() else f"{x:,.1f}"


def about(status: str) -> str:
    return "" if status == "reported" else "about " if status == "approx" else "an estimated "


def month_name(day) -> str:
    return pd.Timestamp(day).strftime("%B %Y")


def _labelled(data: Data, df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    if "status" in df.columns:
        df["status_label"] = df["status"].map(data.status_labels)
    if "model_id" in df.columns:
        df["model"] = df["model_id"].map(data.model_label)
        df["maker_name"] = df["model_id"].map(data.maker_of)
    if "market" in df.columns:
        df["market_label"] = df["market"].map(data.market_labels).fillna(df["market"])
    return df


def _with_gaps(df: pd.DataFrame, series: str, kind: str, value: str, keep: tuple[str, ...]) -> pd.DataFrame:
    """Add a row for every period of each series' span that has no figure: status `no figure`, no value."""
    freq = {"month": "MS", "year": "YS", "fiscal-year": "YS-APR"}[kind]
    out = [df]
    for name, g in df.groupby(series, sort=False):
        starts = pd.date_range(g["period_start"].min(), g["period_start"].max(), freq=freq)
        missing = sorted(set(starts) - set(g["period_start"]))
        if not missing:
            continue
        first = g.iloc[0]
        gap = pd.DataFrame({"period_start": missing})
        gap["period"] = [_period_label(d, kind) for d in missing]
        gap[value] = pd.NA
        gap["status"] = kit.NO_FIGURE
        gap["status_label"] = kit.NO_FIGURE
        for col in keep:
            gap[col] = first[col]
        out.append(gap)
    return pd.concat(out, ignore_index=True)


def _period_label(day: pd.Timestamp, kind: str) -> str:
    return {"month": f"{day.year}-{day.month:02d}", "year": f"{day.year}", "fiscal-year": f"FY{day.year}"}[kind]


def _describe(prefix: str, df: pd.DataFrame, series: str, period: str, value: str) -> str:
    shown = df.dropna(subset=[value])
    if shown.empty:
        return f"{prefix}: no figures to show yet."
    parts = []
    for name, g in shown.groupby(series, sort=True):
        hi, lo = g.loc[g[value].astype(float).idxmax()], g.loc[g[value].astype(float).idxmin()]
        gaps = int(df[(df[series] == name) & df[value].isna()].shape[0])
        parts.append(f"{name}: {len(g)} figures from {g[period].min()} to {g[period].max()}, highest {n(hi[value])} in {hi[period]}, "
                     f"lowest {n(lo[value])} in {lo[period]}" + (f", no figure for {gaps} periods" if gaps else ""))
    return f"{prefix}. " + "; ".join(parts) + "."


def _tooltip(data: Data, resource: str, *fields: tuple[str, str, str]) -> list[alt.Tooltip]:
    """(column, field for its title, format) triples."""
    tips = []
    for column, name, fmt in fields:
        title = data.title(resource, name) if name in {f.name for f in data.pkg.fields(resource)} else name
        tips.append(alt.Tooltip(f"{column}:{'Q' if fmt else 'N'}", title=title, **({"format": fmt} if fmt else {})))
    return tips


def _y(data: Data, resource: str, column: str, top: float, fmt: str = kit.COMPACT, title: str | None = None, bottom: float = 0) -> alt.Y:
    labels = {"labelExpr": f"datum.value == 0 ? '0' : format(datum.value, '{fmt}')"} if fmt else {}
    return alt.Y(f"{column}:Q", title=title if title is not None else data.label(resource, column),
                 scale=alt.Scale(domain=[bottom, top], nice=False), axis=alt.Axis(tickCount=4, grid=True, **labels))


def _series_colours(names: list[str], makers: dict[str, str] | None = None) -> alt.Scale:
    colours = [kit.maker_colour(makers[s]) for s in names] if makers else [kit.SERIES[i % len(kit.SERIES)] for i in range(len(names))]
    return kit.colour_scale(names, colours)


# --- lines with direct labels: the shared drawing of every chart over time ---------------------------------
def _lines(data: Data, df: pd.DataFrame, layout: kit.Layout, *, resource: str, x: str, x_type: str, value: str, series: str,
           colours: alt.Scale, height: int, fmt: str = kit.COMPACT, x_axis: alt.Axis | None = None,
           tooltip=None, y_title: str | None = None, x_order: list[str] | None = None) -> alt.LayerChart:
    """One line per series, broken where a period has no figure (a faint dotted line bridges the gap, so
    the reader sees that a figure is missing, not that it fell), labelled at its end; a figure that is not
    reported is a hollow point (the subtitle says so)."""
    shown = df.dropna(subset=[value])
    top = kit.nice_max(float(shown[value].astype(float).max()) if not shown.empty else 1)
    bottom = kit.nice_min(float(shown[value].astype(float).min()) if not shown.empty else 0)  # a loss is a negative margin
    room = kit.label_room(shown[series].unique(), layout)
    width = layout.width - room - 60
    ends = kit.end_labels(shown, x, value, series, series, height, top, room=room, y_min=bottom,
                          x_frac=_x_fractions(shown[x], x_type, x_order), width=width)
    above = {side: ends[ends["place"] == f"above-{side}"].drop(columns=[value, "place", "leader"]) for side in ("end", "start")}
    # A leader, thin and grey as annotations are, runs from a line's last figure to its label's first line, so that a
    # label nudged away from its line (three wrapped labels stacked on a phone) still names the right one.
    leaders = ends[ends["leader"]][[series, x, value, "label_y"]]
    ends = ends[ends["place"] == "right"].drop(columns=[value, "place", "leader"])  # a label's data holds its nudged height, never a figure
    scale = alt.Scale(domain=x_order) if x_order else alt.Undefined
    xe = alt.X(f"{x}:{x_type}", title=None, sort=x_order or alt.Undefined, scale=scale,
               axis=x_axis or alt.Axis(labelAngle=0, labelOverlap=True))
    y = _y(data, resource, value, top, fmt, y_title, bottom)
    colour = alt.Color(f"{series}:N", scale=colours, legend=None)
    bridge = alt.Chart(kit.named(shown)).mark_line(strokeDash=[2, 3], strokeWidth=1, opacity=0.7).encode(x=xe, y=y, color=colour, detail=alt.Detail(f"{series}:N"))
    line = alt.Chart(kit.named(df)).mark_line(strokeWidth=2.5).encode(x=xe, y=y, color=colour, detail=alt.Detail(f"{series}:N"))
    fill = alt.condition(alt.datum.status == "reported", colour, alt.value(kit.LIGHT["halo"]))
    points = alt.Chart(kit.named(shown)).mark_point(size=45, strokeWidth=2, opacity=1, shape="circle").encode(
        x=xe, y=y, color=colour, fill=fill, tooltip=tooltip or alt.Undefined)
    # Same title, scale and axis as the figures' y, so that Vega-Lite merges the two into one axis.
    y_label = _y(data, resource, "label_y", top, fmt, y_title if y_title is not None else data.label(resource, value), bottom)
    labels = alt.Chart(kit.named(ends)).mark_text(align="left", dx=8, lineBreak="\n", fontWeight="bold", color=kit.LIGHT["text"]).encode(
        x=xe, y=y_label, text=alt.Text("label:N"))
    layers = [bridge, line, points, labels]
    if not leaders.empty:
        layers.insert(3, alt.Chart(kit.named(leaders)).mark_rule(strokeWidth=1, xOffset=5, x2Offset=7, color=kit.LIGHT["rule"]).encode(
            x=xe, x2=alt.X2(x), y=y, y2=alt.Y2("label_y")))
    for side, align, dx in (("end", "right", 4), ("start", "left", -4)):  # a series that ends early, labelled above its line
        if not above[side].empty:
            layers.append(alt.Chart(kit.named(above[side])).mark_text(align=align, baseline="bottom", dx=dx, lineBreak="\n", fontWeight="bold",
                                                                       color=kit.LIGHT["text"]).encode(x=xe, y=y_label, text=alt.Text("label:N")))
    return kit.sized(alt.layer(*layers), width=width, height=height)


def _x_fractions(values: pd.Series, x_type: str, order: list[str] | None) -> dict:
    """Where each x falls across the plot, from 0 to 1, as Vega-Lite places it: a point scale's steps (padding
    0.5 at each end) for an ordinal axis, a linear one from the first date to the last for a time axis."""
    if x_type == "T":
        t = pd.to_datetime(values)
        lo, hi = t.min(), t.max()
        return {v: ((d - lo) / (hi - lo) if hi > lo else 0.5) for v, d in zip(values, t)}
    steps = list(order) if order else sorted(values.unique())
    return {v: (i + 0.5) / len(steps) for i, v in enumerate(steps)}


def _year_axis(layout: kit.Layout, years: int = 99) -> alt.Axis:
    """Years on a time axis: one tick a year on a desktop, every other year on a phone over more than five years
    (a shorter span would keep a single tick), never a year twice."""
    step = 2 if layout.phone and years > 5 else 1
    return alt.Axis(format="%Y", labelAngle=0, tickCount={"interval": "year", "step": step}, labelOverlap=True)


# --- each chart: shape, facts, drawing -------------------------------------------------------------------
SALES_TABLE = (("model", "model_id"), ("period", "period"), ("units", "units"), ("status", "status"), ("source_id", "source_id"))


def _monthly_shape(data, df):
    df = _labelled(data, df).sort_values(["model", "period_start"])
    return _with_gaps(df, "model", "month", "units", ("model", "model_id", "maker_name")).sort_values(["model", "period_start"])


def _monthly_facts(data, df):
    shown = df.dropna(subset=["units"])
    best = shown.loc[shown["units"].astype(float).idxmax()]
    span = pd.date_range(df["period_start"].min(), df["period_start"].max(), freq="MS")
    leader = df[df["model"] == best["model"]]
    return {"model": data.models["short"].get(best["model_id"]), "best_month": month_name(best["period_start"]),
            "best_units": n(best["units"]), "first": month_name(span[0]), "last": month_name(span[-1]),
            "gaps": str(int(leader["units"].isna().sum())), "months": str(len(leader))}


def _monthly_draw(data, df, layout, events):
    df = df.assign(month=df["period_start"].dt.strftime("%Y-%m-%d"),
                   end=(df["period_start"] + pd.offsets.MonthBegin(1)).dt.strftime("%Y-%m-%d"))
    shown = df.dropna(subset=["units"])
    top = kit.nice_max(float(shown["units"].astype(float).max()))
    models = sorted(df["model"].unique())
    colours = _series_colours(models, dict(zip(df["model"], df["maker_name"])))
    first, last = df["month"].min(), df["end"].max()
    x = alt.X("month:T", title=None, scale=alt.Scale(domain=[first, last]),
              axis=alt.Axis(format="%Y", tickCount="year", labelAlign="left", labelExpr="timeFormat(datum.value, '%Y')"))
    panels = []
    story_panel = data.model_label(STORY.models[0]) if data.model_label(STORY.models[0]) in models else models[0]
    for model in models:
        g = df[df["model"] == model]
        gaps = g[g["units"].isna()]
        bars = alt.Chart(kit.named(g.dropna(subset=["units"]))).mark_bar(binSpacing=1).encode(
            x=x, x2=alt.X2("end:T"), y=_y(data, "sales", "units", top, title=""), y2=alt.datum(0),
            color=alt.Color("model:N", scale=colours, legend=None),
            opacity=kit.status_opacity(shown, data.status_labels),
            tooltip=_tooltip(data, "sales", ("model", "model_id", None), ("period", "period", None), ("units", "units", ","),
                             ("status_label", "status", None), ("source_id", "source_id", None)))
        shade = alt.Chart(kit.named(gaps)).mark_rect(color=kit.LIGHT["gap"], opacity=0.35).encode(x=x, x2=alt.X2("end:T"), y=alt.YValue(0), y2=alt.Y2Value(110))
        # The story's events are marked once, on the panel of the model they are about (or the first, for others).
        layers = [shade, bars] + (kit.annotation_layers(events, "date", "T") if model == story_panel else [])
        panels.append(kit.sized(alt.layer(*layers), width=layout.width - 70, height=110, title=alt.TitleParams(
            model, fontSize=kit.TEXT_PX, anchor="start", color=kit.LIGHT["text"], subtitle="", offset=4)))
    return alt.vconcat(*panels, spacing=16).resolve_scale(opacity="shared")


def _annual_shape(data, df):
    df = _labelled(data, df)
    df["kind"] = df["period"].map(kind_of)
    parts = [_with_gaps(g, "model", kind, "units", ("model", "model_id", "maker_name", "kind")) for kind, g in df.groupby("kind")]
    out = pd.concat(parts, ignore_index=True) if parts else df
    out["year"] = out["period_start"].dt.year
    return out.sort_values(["kind", "model", "period_start"], key=lambda c: c.map(KIND_ORDER) if c.name == "kind" else c)


def _annual_facts(data, df):
    cal = df[(df["kind"] == "year")].dropna(subset=["units"])
    best = cal.loc[cal["units"].astype(float).idxmax()]
    return {"model": data.models["short"].get(best["model_id"]), "units": n(best["units"]), "year": best["period"],
            "first": str(df["year"].min()), "last": str(df["year"].max())}


KIND_TITLES = {"year": "Calendar years", "fiscal-year": "Fiscal years (April to March)"}
KIND_ORDER = {"year": 0, "fiscal-year": 1}


def _annual_draw(data, df, layout, events):
    models = sorted(df["model"].unique())
    colours = _series_colours(models, dict(zip(df["model"], df["maker_name"])))
    panels = []
    for kind in ("year", "fiscal-year"):
        g = df[df["kind"] == kind].copy()
        if g.empty:
            continue
        order = sorted(g["period"].unique(), key=lambda label: period_bounds(label)[0])
        tips = _tooltip(data, "sales", ("model", "model_id", None), ("period", "period", None), ("units", "units", ","),
                        ("status_label", "status", None), ("source_id", "source_id", None))
        chart = _lines(data, g, layout, resource="sales", x="period", x_type="O", value="units", series="model", colours=colours,
                       height=170, tooltip=tips, y_title="", x_order=order)
        panels.append(kit.sized(chart, title=alt.TitleParams(KIND_TITLES[kind], fontSize=kit.TEXT_PX, anchor="start",
                                                             color=kit.LIGHT["text"], subtitle="", offset=4)))
    return alt.vconcat(*panels, spacing=20)


RUNNING_TABLE = (("model", "model_id"), ("geography", "geography"), ("period", "period"), ("measure", "measure"), ("units", "units"),
                 ("status", "status"), ("source_id", "source_id"))


def _running_shape(data, df):
    df = _labelled(data, df).sort_values(["period_end", "model"])
    df["as_of"] = df["period_end"].dt.strftime("%Y-%m-%d")
    df["series"] = df["model"]
    return df


def _running_facts(data, df):
    sales = df[df["measure"] == "sales"]
    top = sales.loc[sales["units"].astype(float).idxmax()] if not sales.empty else df.loc[df["units"].astype(float).idxmax()]
    labels = codes.labels(data.pkg, "measures")
    measures = [labels.get(m, m) for m in sorted(df["measure"].unique())]  # the panels' order
    return {"model": data.models["short"].get(top["model_id"]), "about": about(top["status"]), "units": n(top["units"]),
            "measure": top["measure"], "as_of": month_name(top["period_end"]), "since": month_name(df["period_start"].min()),
            "measures": ", ".join(measures[:-1]) + " and " + measures[-1] if len(measures) > 1 else "".join(measures)}


def _running_draw(data, df, layout, events, panel_by="measure", panel_titles=None):
    models = sorted(df["model"].unique())
    colours = _series_colours(models, dict(zip(df["model"], df["maker_name"])))
    tips = _tooltip(data, "sales", ("model", "model_id", None), ("period", "period", None), ("measure", "measure", None),
                    ("units", "units", ","), ("status_label", "status", None), ("source_id", "source_id", None))
    panels = []
    years = df["period_end"].dt.year.max() - df["period_start"].dt.year.min() + 1 if not df.empty else 99
    for key, g in df.groupby(panel_by, sort=True):
        chart = _lines(data, g, layout, resource="sales", x="as_of", x_type="T", value="units", series="model", colours=colours,
                       height=170, x_axis=_year_axis(layout, years), tooltip=tips, y_title="")
        name = (panel_titles or codes.labels(data.pkg, "measures")).get(key, str(key))
        panels.append(kit.sized(chart, title=alt.TitleParams(name, fontSize=kit.TEXT_PX, anchor="start", color=kit.LIGHT["text"],
                                                             subtitle="", offset=4)))
    # One time axis for every panel: each panel's own would put different dates under the same place.
    return alt.vconcat(*panels, spacing=20).resolve_scale(x="shared")


def _leaf_facts(data, df):
    world = df[df["geography"] == "WORLD"]
    pick = world if not world.empty else df
    top = pick.loc[pick["units"].astype(float).idxmax()]
    return {"about": about(top["status"]), "units": n(top["units"]), "as_of": month_name(top["period_end"]),
            "where": "worldwide" if top["geography"] == "WORLD" else "in Japan", "since": month_name(df["period_start"].min())}


GEOGRAPHY_TITLES = {"JP": "Japan", "WORLD": "Worldwide"}


def _leaf_draw(data, df, layout, events):
    return _running_draw(data, df, layout, events, panel_by="geography", panel_titles=GEOGRAPHY_TITLES)


MARKET_TABLE = (("market_label", "market"), ("period", "period"), ("units", "units"), ("status", "status"), ("source_id", "source_id"))


def _market_shape(data, df):
    df = _labelled(data, df)
    return _with_gaps(df, "market_label", "year", "units", ("market", "market_label")).sort_values(["market_label", "period_start"])


def _bev_facts(data, df):
    total = df[df["market"] == "jp-passenger-bev"].dropna(subset=["units"])
    best = total.loc[total["units"].astype(float).idxmax()]
    latest = total.sort_values("period_start").iloc[-1]
    then = "" if latest["period"] == best["period"] else f"; {n(latest['units'])} in {latest['period']}"
    return {"peak": n(best["units"]), "peak_year": best["period"], "then": then,
            "first": df["period"].min(), "last": df["period"].max()}


def _market_draw(data, df, layout, events):
    order = [data.market_labels[m] for m in dict.fromkeys(df.sort_values("period_start")["market"]) if m in data.market_labels]
    order = sorted(set(df["market_label"]), key=lambda s: (order.index(s) if s in order else 99, s))
    tips = _tooltip(data, "market_totals", ("market_label", "market", None), ("period", "period", None), ("units", "units", ","),
                    ("status_label", "status", None), ("source_id", "source_id", None))
    return _lines(data, df, layout, resource="market_totals", x="period", x_type="O", value="units", series="market_label",
                  colours=_series_colours(order), height=300 if layout.phone else 240, x_order=sorted(df["period"].unique()),
                  tooltip=tips, y_title="")


def _new_vehicle_facts(data, df):
    both = df.dropna(subset=["units"]).pivot_table(index="period", columns="market", values="units", aggfunc="first")
    both = both.dropna(subset=[c for c in ("jp-kei-all", "jp-new-cars-all") if c in both.columns])
    year = both.index.max()
    kei, total = float(both.loc[year, "jp-kei-all"]), float(both.loc[year, "jp-new-cars-all"])
    return {"share": f"{100 * kei / total:.0f}", "year": year, "kei": n(kei), "total": n(total),
            "first": df["period"].min(), "last": df["period"].max()}


SHARE_TABLE = (("subject", "subject"), ("market", "market"), ("period", "period"), ("share_pct", "share_pct"),
               ("computed_pct", "computed_pct"), ("status", "status"), ("source_id", "source_id"))


def _shares_rows(data: Data) -> pd.DataFrame:
    rows = []
    for r, computed, num, _, den in computed_shares(data.raw):
        if computed is None:
            continue
        subject = data.model_label(r["subject"]) if r["subject"] in data.models.index else data.market_labels.get(r["subject"], r["subject"])
        rows.append({"subject": r["subject"], "market": r["market"], "period": r["period"], "share_pct": float(r["share_pct"]),
                     "computed_pct": round(computed, 2), "status": r["status"], "source_id": r["source_id"],
                     "label": f"{subject} in {data.market_labels.get(r['market'], r['market'])}, {r['period']}",
                     "inputs": [num["source_id"], den["source_id"]]})
    return pd.DataFrame(rows, columns=["subject", "market", "period", "share_pct", "computed_pct", "status", "source_id", "label", "inputs"])


def _shares_shape(data, df):
    return _shares_rows(data).sort_values("label").reset_index(drop=True)


def _agrees(r) -> bool:
    return abs(r.share_pct - r.computed_pct) <= SHARE_TOLERANCE_PP.get(r.status, 1.0)


def _shares_facts(data, df):
    return {"agree": str(sum(_agrees(r) for r in df.itertuples())), "total": str(len(df))}


def _shares_draw(data, df, layout, events):
    long = pd.concat([df.assign(kind="reported by the source", value=df["share_pct"]),
                      df.assign(kind="computed from the atlas (derived)", value=df["computed_pct"])])
    kinds = ["reported by the source", "computed from the atlas (derived)"]
    share = data.pkg.field("market_share", "share_pct")
    top = kit.nice_max(float(long["value"].max()) if not long.empty else 1)
    # The label sits above its dots, across the whole width: side labels would leave a phone no room to plot.
    rows = []
    for i, r in enumerate(df.itertuples()):
        rows.append({"label": r.label, "row": i, "caption": "\n".join(kit.wrap(r.label, layout.chars(width=layout.width - 40)))})
    labels = pd.DataFrame(rows, columns=["label", "row", "caption"])
    lines = max((c.count("\n") + 1 for c in labels["caption"]), default=1)
    long = long.merge(labels, on="label")
    y = alt.Y("row:O", axis=None, title=None)
    width = layout.width - 30
    dots = alt.Chart(kit.named(long)).mark_point(size=80, filled=True, yOffset=8).encode(
        y=y, x=alt.X("value:Q", title=share.label, scale=alt.Scale(domain=[0, top], nice=False), axis=alt.Axis(tickCount=5, grid=True)),
        color=alt.Color("kind:N", scale=kit.colour_scale(kinds, kit.SERIES[:2]), title=None),
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=["circle", "diamond"]), title=None),
        tooltip=[alt.Tooltip("label:N", title="Share of"), alt.Tooltip("kind:N", title="Kind"),
                 alt.Tooltip("value:Q", title=share.label, format=".2f"), alt.Tooltip("source_id:N", title=data.title("market_share", "source_id"))])
    text = alt.Chart(kit.named(labels)).mark_text(align="left", baseline="bottom", dy=-2 - (lines - 1) * 8, color=kit.LIGHT["text"],
                                                  lineBreak="\n").encode(y=y, x=alt.XValue(0), text=alt.Text("caption:N"))
    return kit.sized(alt.layer(text, dots), width=width, height=max(60, (30 + 16 * lines) * len(df)))


EV_SHARE_TABLE = (("subject", "subject"), ("market", "market"), ("period", "period"), ("share_pct", "share_pct"),
                  ("status", "status"), ("source_id", "source_id"))


def _ev_share_shape(data, df):
    df = _labelled(data, df)
    df["kind"] = df["period"].map(kind_of)
    parts = [_with_gaps(g, "subject", kind, "share_pct", ("subject", "market", "kind")) for kind, g in df.groupby("kind")]
    return (pd.concat(parts, ignore_index=True) if parts else df).sort_values(
        ["kind", "period_start"], key=lambda c: c.map(KIND_ORDER) if c.name == "kind" else c)


def _ev_share_facts(data, df):
    cal = df[df["kind"] == "year"].dropna(subset=["share_pct"]).sort_values("period_start")
    latest = cal.iloc[-1]
    return {"share": n(latest["share_pct"]), "year": latest["period"], "first": cal["period"].min(), "last": cal["period"].max()}


def _ev_share_draw(data, df, layout, events):
    share = data.pkg.field("market_share", "share_pct")
    shown = df.dropna(subset=["share_pct"])
    top = kit.nice_max(float(shown["share_pct"].astype(float).max()))
    panels = []
    for kind in ("year", "fiscal-year"):
        g = df[df["kind"] == kind]
        if g.empty:
            continue
        x = alt.X("period:O", title=None, sort=sorted(g["period"]), axis=alt.Axis(labelAngle=0))
        bars = alt.Chart(kit.named(g.dropna(subset=["share_pct"]))).mark_bar(color=kit.SERIES[0]).encode(
            x=x, y=_y(data, "market_share", "share_pct", top, fmt="", title=share.label if kind == "year" else ""),
            opacity=kit.status_opacity(shown, data.status_labels),
            tooltip=_tooltip(data, "market_share", ("period", "period", None), ("share_pct", "share_pct", ".2f"),
                             ("status_label", "status", None), ("source_id", "source_id", None)))
        values = alt.Chart(kit.named(g.dropna(subset=["share_pct"]))).mark_text(baseline="bottom", dy=-3, color=kit.LIGHT["text"]).encode(
            x=x, y=alt.Y("share_pct:Q", scale=alt.Scale(domain=[0, top], nice=False)), text=alt.Text("share_pct:Q", format=".1f"))
        gaps = g[g["share_pct"].isna()].assign(y=0)
        gap_marks = alt.Chart(kit.named(gaps)).mark_text(baseline="bottom", dy=-3, color=kit.LIGHT["muted"], text=kit.NO_FIGURE, angle=0).encode(
            x=x, y=alt.Y("y:Q", scale=alt.Scale(domain=[0, top], nice=False)))
        slots = len(g)
        panels.append(kit.sized(alt.layer(bars, values, gap_marks), 
            width=max(80, min(layout.width - 80, 70 * slots)), height=200,
            title=alt.TitleParams(KIND_TITLES[kind], fontSize=kit.TEXT_PX, anchor="start", color=kit.LIGHT["text"], subtitle="", offset=4)))
    return (alt.vconcat if layout.phone else alt.hconcat)(*panels).resolve_scale(y="shared", opacity="shared")


MARGIN_TABLE = (("maker", "maker"), ("fiscal_year", "fiscal_year"), ("revenue_jpy_bn", "revenue_jpy_bn"),
                ("operating_profit_jpy_bn", "operating_profit_jpy_bn"), ("operating_margin_pct", "operating_margin_pct"),
                ("status", "status"), ("source_id", "source_id"))


def _margins_shape(data, df):
    margin, status = [], []
    for r in df.itertuples():
        if pd.notna(r.operating_margin_pct):
            margin.append(float(r.operating_margin_pct)), status.append(r.status)
        else:
            margin.append(operating_margin(r.revenue_jpy_bn, r.operating_profit_jpy_bn))
            status.append("estimate" if r.status == "estimate" else "derived")
    df = df.assign(operating_margin_pct=margin, status=status)
    df = df[df["operating_margin_pct"].notna()].copy()
    df["operating_margin_pct"] = df["operating_margin_pct"].round(2)
    df = _labelled(data, df)
    df["period_start"] = df["period_start"].map(lambda d: pd.Timestamp(year=d.year, month=4, day=1))
    df = _with_gaps(df, "maker", "fiscal-year", "operating_margin_pct", ("maker",))
    if "period" in df.columns:  # a fiscal year with no figure: _with_gaps named it
        df["fiscal_year"] = df["fiscal_year"].fillna(df["period"])
    return df.sort_values(["maker", "period_start"])


def _margins_facts(data, df, subject="Nissan"):
    wide = df.dropna(subset=["operating_margin_pct"]).pivot_table(index="fiscal_year", columns="maker", values="operating_margin_pct")
    wide = wide.dropna()
    lowest = sum(1 for _, r in wide.iterrows() if r[subject] == r.min())
    return {"maker": subject, "lowest": str(lowest), "years": str(len(wide)), "others": " and ".join(sorted(set(wide.columns) - {subject})),
            "first": df["fiscal_year"].min(), "last": df["fiscal_year"].max()}


def _margins_draw(data, df, layout, events):
    makers = sorted(df["maker"].dropna().unique())
    tips = _tooltip(data, "company_results", ("maker", "maker", None), ("fiscal_year", "fiscal_year", None),
                    ("operating_margin_pct", "operating_margin_pct", ".2f"), ("status_label", "status", None), ("source_id", "source_id", None))
    return _lines(data, df, layout, resource="company_results", x="fiscal_year", x_type="O", value="operating_margin_pct", series="maker",
                  colours=_series_colours(makers, {m: m for m in makers}), height=220, fmt="",
                  x_order=sorted(df["fiscal_year"].dropna().unique()), tooltip=tips)


# What a caption adds after the launch year, by what the bar is drawn to (_known_until): a bar that ends where the
# data stops following the model says so, so that it never reads as the model's end.
CAPTION_NOTE = {"end year": "", "built today": "", "latest sales figure": "; sales on record to {to}",
                "no end year on record": "; end not on record"}
LINEAGE_TABLE = (("model_id", "model_id"), ("maker", "maker"), ("name", "name"), ("launch_year", "launch_year"), ("end_year", "end_year"),
                 ("predecessor_id", "predecessor_id"), ("twin_id", "twin_id"), ("source_id", "source_id"))


def _lineage_shape(data, df):
    m = df[df["launch_year"].notna()].copy()
    m["label"] = m["model_id"].map(data.models["short"])
    m["drawn_to"], m["drawn_as"] = zip(*(_known_until(data, r) for r in m.itertuples())) if len(m) else ((), ())
    return m.sort_values(["launch_year", "label"])


def _known_until(data, model) -> tuple[float | None, str]:
    """How far the data follows a model, and on what evidence: its end year; else today, if a production row says it is
    built today; else the year of its latest sales figure; else nowhere past its launch. A missing end year alone is
    no evidence that a model is still sold (the 1990s Nissan EVs have none), so it never runs a bar to today."""
    if pd.notna(model.end_year):
        return float(model.end_year), "end year"
    prod = data.tables["production"]
    if ((prod["model_id"] == model.model_id) & (prod["status"] == "active")).any():
        return float(_this_year(data)), "built today"
    s = data.tables["sales"]
    mine = s[(s["model_id"] == model.model_id) & ~s["cumulative"].fillna(False) & s["units"].notna()]
    if not mine.empty:
        return float(mine["period_end"].max().year), "latest sales figure"
    return None, "no end year on record"


def _plans(data) -> pd.DataFrame:
    p = data.tables["production"]
    plans = p[p["status"].isin(["reported", "planned"]) & p["start_year"].notna()].copy()
    plans["label"] = plans["model_id"].map(data.models["short"])
    plans["maker"] = plans["model_id"].map(data.maker_of)
    return plans.sort_values("start_year").drop_duplicates("model_id", keep="first")


def _this_year(data) -> int:
    return pd.Timestamp(str(data.pkg.meta.get("created", "2000-01-01"))[:10]).year


def _lineage_facts(data, df):
    first, last = df.iloc[0], df.iloc[-1]
    return {"count": str(len(df)), "first": first["label"], "first_year": str(int(first["launch_year"])),
            "last": last["label"], "last_year": str(int(last["launch_year"])), "makers": str(df["maker"].nunique())}


def _named(maker: str, name: str) -> str:
    """`Nissan SAKURA`, but `Tama Junior`, not `Tama Tama Junior`."""
    return name if name.startswith(maker) else f"{maker} {name}"


def _lineage_caption(maker: str, name: str, launch: int, note: str, room: int) -> str:
    noted = f"{_named(maker, name)} ({launch}{note})"
    return noted if len(noted) <= room else f"{_named(maker, name)} ({launch})"


def _lineage_draw(data, df, layout, events):
    plans = _plans(data)
    now = _this_year(data)
    m = df.copy()
    m["to"] = m["drawn_to"].astype(float) + 0.9
    m["running"] = m["drawn_as"] != "end year"
    m["text_end"] = m["to"].fillna(m["launch_year"] + 0.9)  # a dot's caption ends at its launch year
    order = list(m["label"]) + [x for x in plans["label"] if x not in set(m["label"])]
    start = int(m["launch_year"].min()) - 2
    last_year = int(max([now, *(plans["start_year"].tolist() or [now])])) + 2
    makers = sorted(set(m["maker"]) | set(plans["maker"]))
    colours = _series_colours(makers, {k: k for k in makers})
    x = alt.X("launch_year:Q", title=None, scale=alt.Scale(domain=[start, last_year], nice=False), axis=alt.Axis(format="d", tickCount=5))
    chars = layout.chars(width=layout.width - 40)
    plan_rows = plans.assign(caption=["\n".join(kit.wrap(f"{_named(mk, lb)}: production {st} for {int(y)}", chars))
                                      for mk, lb, st, y in zip(plans["maker"], plans["label"], plans["status"], plans["start_year"])])
    # The rows keep 30 px each; a plan's caption that wraps (on a phone) runs down below its row, so the plot
    # grows by its extra lines and the axis moves down out of its way.
    rows_px = 30 * len(order)
    below = max([c.count("\n") for c in plan_rows["caption"]] or [0]) * (kit.TEXT_PX + 2)
    y = alt.Y("label:N", sort=order, axis=None, title=None, scale=alt.Scale(range=[0, rows_px]))
    tips = _tooltip(data, "models", ("label", "name", None), ("maker", "maker", None), ("launch_year", "launch_year", "d"),
                    ("end_year", "end_year", "d"), ("source_id", "source_id", None))
    bars = alt.Chart(kit.named(m[m["to"].notna()])).mark_bar(height=8, yOffset=7).encode(
        y=y, x=x, x2=alt.X2("to:Q"), color=alt.Color("maker:N", scale=colours, legend=None),
        opacity=alt.condition(alt.datum.running, alt.value(0.55), alt.value(1.0)), tooltip=tips)
    launches = alt.Chart(kit.named(m[m["to"].isna()])).mark_point(shape="circle", size=60, filled=True, opacity=1, yOffset=7).encode(
        y=y, x=x, color=alt.Color("maker:N", scale=colours, legend=None), tooltip=tips)
    # A name starting right of the middle would run off the plot, so it is written to end at its bar's end instead.
    mid = (start + last_year) / 2
    layers = [bars, launches]
    if not plans.empty:
        layers.append(alt.Chart(kit.named(plan_rows)).mark_point(shape="diamond", size=110, filled=False, strokeWidth=2, yOffset=7).encode(
            y=y, x=alt.X("start_year:Q"), color=alt.Color("maker:N", scale=colours, legend=None),
            tooltip=_tooltip(data, "production", ("label", "model_id", None), ("start_year", "start_year", "d"),
                             ("status", "status", None), ("source_id", "source_id", None))))
        # Ending left of the diamond, which it would otherwise touch.
        layers.append(alt.Chart(kit.named(plan_rows)).mark_text(align="right", baseline="bottom", dx=-9, dy=2, color=kit.LIGHT["text"], lineBreak="\n").encode(
            y=y, x=alt.X("start_year:Q"), text=alt.Text("caption:N")))
    # The note on where the data stops goes in only where it fits between the caption's anchor and the plot's edge
    # (a phone has little room beside a 1990s dot); the subtitle says what a faint bar and a dot mean either way.
    plot, span = layout.width - 20, last_year - start
    m["caption"] = [_lineage_caption(mk, lb, int(a), CAPTION_NOTE[how].format(to=int(to) if pd.notna(to) else ""),
                                     layout.chars(width=int(plot * ((last_year - a) if a < mid else (e - start)) / span)))
                    for mk, lb, a, how, to, e in zip(m["maker"], m["label"], m["launch_year"], m["drawn_as"], m["drawn_to"], m["text_end"])]
    m_right = m[m["launch_year"] >= mid]
    m_left = m[m["launch_year"] < mid]
    layers.append(alt.Chart(kit.named(m_left)).mark_text(align="left", baseline="bottom", dy=2, color=kit.LIGHT["text"]).encode(
        y=y, x=alt.X("launch_year:Q"), text=alt.Text("caption:N")))
    layers.append(alt.Chart(kit.named(m_right)).mark_text(align="right", baseline="bottom", dy=2, color=kit.LIGHT["text"]).encode(
        y=y, x=alt.X("text_end:Q"), text=alt.Text("caption:N")))
    return kit.sized(alt.layer(*layers), width=layout.width - 20, height=rows_px + below)


PLANTS_TABLE = (("name", "name"), ("plant_status", "production.status"), ("operator", "operator"), ("city", "city"), ("region", "region"),
                ("country", "country"), ("models", "production.model_id"), ("coord_precision", "coord_precision"), ("source_id", "source_id"))
PLANT_STATUS_ORDER = ["active", "reported", "planned", "ended"]
NO_MODEL = "no model recorded"  # a plant whose production rows name no model of the atlas (a battery plant)
PLANT_SHAPES = {"active": "circle", "reported": "diamond", "planned": "diamond", "ended": "square", NO_MODEL: "triangle-up"}
PLANT_COLOURS = {"active": kit.SERIES[0], "reported": kit.SERIES[1], "planned": kit.SERIES[1], "ended": kit.LIGHT["gap"], NO_MODEL: kit.LIGHT["rule"]}
# A reported plan, not confirmed by the company, is the planned diamond drawn hollow (as on the Lineage chart).
PLANT_HOLLOW = {"reported"}


def _plants_shape(data, df):
    pl = df.sort_values(["country", "plant_id"]).reset_index(drop=True).copy()
    prod = data.tables["production"]
    built = prod.groupby("plant_id")["model_id"].apply(lambda ids: ", ".join(sorted({data.model_label(i) for i in ids})))
    pl["models"] = pl["plant_id"].map(built).fillna("")
    state = prod.groupby("plant_id")["status"].apply(lambda s: next((k for k in PLANT_STATUS_ORDER if k in set(s)), ""))
    pl["plant_status"] = pl["plant_id"].map(state).fillna("").replace("", NO_MODEL)
    pl["short"] = pl["name"].str.replace(r"\s*\(.*\)$", "", regex=True)
    return pl


def _plants_facts(data, df):
    jp = df[df["country"] == "JP"]
    return {"count": str(len(jp)), "active": str(int((jp["plant_status"] == "active").sum())),
            "planned": str(int(jp["plant_status"].isin(["planned", "reported"]).sum()))}


# Japan's main islands, and the Tokyo area where several plants stand within a few kilometres.
def _japan_view(width, height):
    return {"type": "mercator", "center": [136.6, 36.6], "scale": width * 3.3, "translate": [width / 2, height / 2]}


TOKYO_BOX = (138.3, 34.6, 140.8, 36.4)  # west, south, east, north: a little more than the inset shows


def _tokyo_view(width, height):
    return {"type": "mercator", "center": [139.55, 35.5], "scale": width * 55, "translate": [width / 2, height / 2]}


def _status_symbol(legend=True) -> dict:
    """A plant's status as shape, fill and outline; the key's settings are the same on each channel, so Vega-Lite
    merges them into one key."""
    domain = [*PLANT_STATUS_ORDER, NO_MODEL]
    key = alt.Legend(title=None, orient="bottom", direction="horizontal", columns=3) if legend else None
    colours = [PLANT_COLOURS[s] for s in domain]
    fills = [kit.LIGHT["halo"] if s in PLANT_HOLLOW else c for s, c in zip(domain, colours)]
    return {"shape": alt.Shape("plant_status:N", scale=alt.Scale(domain=domain, range=[PLANT_SHAPES[s] for s in domain]), legend=key),
            "stroke": alt.Stroke("plant_status:N", scale=alt.Scale(domain=domain, range=colours), legend=key),
            "fill": alt.Fill("plant_status:N", scale=alt.Scale(domain=domain, range=fills), legend=key)}


def _plants_key(plants, countries, width):
    """The plants of a map too crowded to name them on it, one line each below it: symbol, name, place."""
    line = round(kit.TEXT_PX * 1.35)
    rows, y = [], 0
    for r in plants.assign(country_name=plants["country"].map(countries).fillna(plants["country"])).sort_values(["country_name", "city", "name"]).itertuples():
        text = kit.wrap(f"{r.short} ({r.city}, {r.country_name})", int((width - 18) / (kit.TEXT_PX * 0.55)))
        rows.append({"short": r.short, "plant_status": r.plant_status, "caption": "\n".join(text), "y": y, "dot_y": y + line / 2 - 2})  # Vega sets a top-aligned line a little low in its box
        y += line * len(text) + 4
    key = alt.Chart(kit.named(rows))
    x = alt.X("x:Q", scale=alt.Scale(domain=[0, width], range=[0, width]), axis=None)
    dots = key.mark_point(size=90, filled=True, opacity=1, strokeWidth=2).encode(
        x=x, y=alt.Y("dot_y:Q", scale=alt.Scale(domain=[0, y], range=[0, y]), axis=None), **_status_symbol(legend=False)).transform_calculate(x="6")
    names = key.mark_text(align="left", baseline="top", lineBreak="\n", lineHeight=line, color=kit.LIGHT["text"]).encode(
        x=x, y=alt.Y("y:Q", scale=alt.Scale(domain=[0, y], range=[0, y]), axis=None), text=alt.Text("caption:N")).transform_calculate(x="18")
    return kit.sized(alt.layer(dots, names), width=width, height=y)


def _plants_layers(data, features, plants, projection, width, height, labelled=True):
    outline = alt.Chart(kit.named(features)).mark_geoshape(fill=kit.LIGHT["land"], stroke=kit.LIGHT["coast"], strokeWidth=0.5)
    pts = alt.Chart(kit.named(plants))
    enc = dict(longitude=alt.Longitude("longitude:Q"), latitude=alt.Latitude("latitude:Q"))
    tips = _tooltip(data, "plants", ("name", "name", None), ("operator", "operator", None), ("city", "city", None),
                    ("models", "models", None), ("plant_status", "plant_status", None))
    dots = pts.mark_point(size=120, filled=True, opacity=1, strokeWidth=2).encode(**enc, **_status_symbol(), tooltip=tips)
    layers = [outline, dots]
    if labelled and not plants.empty:
        named = plants.assign(caption=["\n".join(kit.wrap(t, 16)) for t in plants["short"]]).sort_values("latitude", ascending=False)
        # Only the Mercator maps of Japan are labelled (place_labels inverts Mercator); the world map has its key.
        spots = place_labels([(float(a), float(b), c) for a, b, c in zip(named["longitude"], named["latitude"], named["caption"])],
                             projection, width, height, kit.TEXT_PX)
        named = named.assign(**{k: [p[k] for p in spots] for k in ("label_lon", "label_lat", "align")})
        for align in ("left", "right", "center"):
            rows = named[named["align"] == align]
            if not rows.empty:
                layers.append(alt.Chart(kit.named(rows)).mark_text(align=align, baseline="middle", fontWeight="bold", color=kit.LIGHT["text"],
                                                                    lineBreak="\n").encode(longitude=alt.Longitude("label_lon:Q"), latitude=alt.Latitude("label_lat:Q"),
                                                                                            text=alt.Text("caption:N")))
    return kit.sized(alt.layer(*layers).project(**projection), width=width, height=height)


def _plants_japan_draw(data, df, layout, events):
    jp = df[df["country"] == "JP"]
    tokyo = jp[(jp["longitude"].astype(float).between(139.0, 140.2)) & (jp["latitude"].astype(float).between(35.0, 36.2))]
    rest = jp[~jp.index.isin(tokyo.index)]
    features = geo.countries(data.pkg.root, "countries-50m.json", {geo.ISO_NUMERIC["JP"]})
    w = layout.width - 10
    main = _plants_layers(data, features, rest, _japan_view(w, w), w, w)
    inset = kit.sized(_plants_layers(data, clip_features(features, TOKYO_BOX), tokyo, _tokyo_view(w, w * 0.6), w, int(w * 0.6)),
                      title=alt.TitleParams("Tokyo area", fontSize=kit.TEXT_PX, anchor="start", color=kit.LIGHT["text"], subtitle="", offset=4))
    return alt.vconcat(main, inset, spacing=18)


def _plants_world_draw(data, df, layout, events):
    w = layout.width - 12  # the concatenation with the key takes a pixel more than the map alone
    h = int(w * 0.55)
    proj = {"type": "equalEarth", "center": [60, 20], "scale": w / 4.2, "translate": [w / 2, h / 2]}
    # A locator map needs no coast finer than a pixel: the outline points within one pixel of the simplified course
    # were most of the Plants page's weight (the phone map's SVG, 37 KiB gzipped, 12 KiB without them).
    one_pixel = round(1.0 / (proj["scale"] * math.pi / 180), 3)  # in degrees, at the equator
    features = [f for f in geo.countries(data.pkg.root, "countries-110m.json", tolerance=one_pixel) if f["properties"].get("name") != "Antarctica"]
    abroad = df[df["country"] != "JP"]
    home = df[df["country"] == "JP"]
    # Four European plants within a few hundred kilometres would overprint one another's names at this scale.
    base = _plants_layers(data, features, abroad, proj, w, h, labelled=False)
    japan = _plants_layers(data, [], home, proj, w, h, labelled=False)
    iso = {number: code for code, number in geo.ISO_NUMERIC.items()}
    countries = {iso[str(f["id"])]: f["properties"]["name"] for f in features if str(f.get("id")) in iso}
    return alt.vconcat(alt.layer(base, japan), _plants_key(abroad, countries, w), spacing=12)


def _plants_world_facts(data, df):
    return {"count": str(len(df)), "countries": str(df["country"].nunique()), "abroad": str(int((df["country"] != "JP").sum()))}


HEADLINE_TABLE = (("label", "model_id"), ("period", "period"), ("units", "units"), ("status", "status"), ("source_id", "source_id"))


def _headline_rows(data: Data) -> pd.DataFrame:
    """Each calendar year with both the Sakura's sales and the passenger BEV total: the Sakura, and the rest (derived)."""
    sakura = Select("sales", models=("nissan-sakura",), measures=("sales",), geographies=("JP",), kinds=("year",), cumulative=False).rows(data)
    total = Select("market_totals", markets=("jp-passenger-bev",), makers=("all",), geographies=("JP",), kinds=("year",)).rows(data)
    both = sakura.merge(total, on="period", suffixes=("", "_total"))
    rows = []
    for r in both.sort_values("period").itertuples():
        share = 100 * float(r.units) / float(r.units_total)
        rows.append({"model_id": "nissan-sakura", "label": data.model_label("nissan-sakura"), "part": "sakura", "period": r.period,
                     "units": int(r.units), "share": share, "status": r.status, "source_id": r.source_id, "total": int(r.units_total)})
        rows.append({"model_id": "", "label": "Other passenger BEVs (total less the Sakura)", "part": "rest", "period": r.period,
                     "units": int(r.units_total) - int(r.units), "share": 100 - share, "status": "derived",
                     "source_id": r.source_id_total, "total": int(r.units_total)})
    return pd.DataFrame(rows, columns=["model_id", "label", "part", "period", "units", "share", "status", "source_id", "total"])


def _headline_shape(data, df):
    return _labelled(data, _headline_rows(data)).assign(model=lambda d: d["label"])


def _headline_facts(data, df):
    s = df[df["part"] == "sakura"]
    best = s.loc[s["share"].idxmax()]
    return {"share": f"{best['share']:.0f}", "year": best["period"], "units": n(best["units"]), "total": n(best["total"]),
            "first": s["period"].min(), "last": s["period"].max()}


def _headline_draw(data, df, layout, events):
    df = df.copy()
    df["order"] = df["part"].map({"sakura": 0, "rest": 1})
    df["caption"] = [f"{n(u)} ({s:.0f}%)" if p == "sakura" else "" for u, s, p in zip(df["units"], df["share"], df["part"])]
    top = kit.nice_max(float(df["total"].max()) if not df.empty else 1)
    parts = ["sakura", "rest"]
    y = alt.Y("period:O", title=None, axis=alt.Axis(labelFontWeight="bold"))
    x = alt.X("units:Q", stack="zero", title=data.label("sales", "units"), scale=alt.Scale(domain=[0, top], nice=False),
              axis=alt.Axis(format=kit.COMPACT, tickCount=4))
    bars = alt.Chart(kit.named(df)).mark_bar(height=26).encode(
        y=y, x=x, order=alt.Order("order:Q"),
        color=alt.Color("part:N", scale=alt.Scale(domain=parts, range=[kit.maker_colour("Nissan"), kit.LIGHT["gap"]]),
                        legend=alt.Legend(title=None, labelExpr="datum.value == 'sakura' ? 'Nissan Sakura' : 'Other passenger BEVs'")),
        tooltip=_tooltip(data, "sales", ("label", "model_id", None), ("period", "period", None), ("units", "units", ","),
                         ("status", "status", None), ("source_id", "source_id", None)))
    text = alt.Chart(kit.named(df[df["part"] == "sakura"])).mark_text(align="left", dx=6, color=kit.LIGHT["text"], fontWeight="bold").encode(
        y=y, x=alt.X("units:Q", scale=alt.Scale(domain=[0, top], nice=False)), text=alt.Text("caption:N"))
    return kit.sized(alt.layer(bars, text), width=layout.width - 70, height=44 * max(1, df["period"].nunique()))


def _headline_describe(data, df):
    s = df[df["part"] == "sakura"]
    parts = [f"{r.period}: Sakura {n(r.units)} of {n(r.total)} ({r.share:.1f}%)" for r in s.itertuples()]
    return "Bars of Japan's passenger battery EV sales by year, the Sakura's part and the rest. " + "; ".join(parts) + "."


def _shares_describe(data, df):
    parts = [f"{r.label}: reported {n(r.share_pct)}, computed {r.computed_pct:.1f}" for r in df.itertuples()]
    return "Dot plot of market shares as sources report them beside the same shares computed from the atlas's sales and market totals. " + "; ".join(parts) + "."


def _lineage_describe(data, df):
    plans = _plans(data)
    first, last = df.iloc[0], df.iloc[-1]
    plan_text = "; ".join(f"{r.maker} {r.label}: production start {int(r.start_year)}, {r.status} (hollow diamond)" for r in plans.itertuples())
    ended, built, sold, unknown = (int((df["drawn_as"] == how).sum()) for how in CAPTION_NOTE)
    return (f"Timeline of {len(df)} electric models from the {first['maker']} {first['label']} ({int(first['launch_year'])}) to the "
            f"{last['maker']} {last['label']} ({int(last['launch_year'])}). {ended} are bars from launch to end year; "
            f"{built} built today run faintly to today; {sold} neither ended on record nor built today run faintly to their latest "
            f"sales figure; {unknown} with nothing on record after launch are a dot at launch. {plan_text}.")


def _plants_describe(prefix):
    def describe(data, df):
        listing = "; ".join(f"{r.short} in {r.city} ({r.plant_status or 'no EV production recorded'})" for r in df.itertuples())
        return f"{prefix} with {len(df)} plants: {listing}."
    return describe


def _running_describe(prefix):
    def describe(data, df):
        parts = []
        for (name, measure), g in df.sort_values("period_end").groupby(["model", "measure"], sort=True):
            last = g.iloc[-1]
            parts.append(f"{name}, {measure}: {len(g)} figures, the latest {n(last['units'])} as of {last['as_of']}")
        return f"{prefix}. " + "; ".join(parts) + "."
    return describe


def _monthly_describe(data, df):
    return _describe("Bar charts of monthly kei EV sales in Japan, one panel per model", df, "model", "period", "units")


def _inputs(data, df):
    return sorted({s for pair in df.get("inputs", []) for s in pair})


def _plan_sources(data, df):
    return sorted(set(_plans(data)["source_id"]))


def _coord_sources(data, df):
    return sorted(set(df["coord_source_id"].dropna()))


STORY = Events(kinds=("launch", "plan-reported", "denial"), models=("nissan-sakura", "nissan-next-kei-ev"))

CHARTS: list[Chart] = [
    Chart("sakura-share-of-passenger-evs", "index",
          Select("sales", models=("nissan-sakura",), measures=("sales",), geographies=("JP",), kinds=("year",), cumulative=False),
          "The Sakura took {share}% of Japan's passenger EV sales in {year}",
          "New passenger battery EVs sold in Japan by calendar year, {first} to {last}: the Sakura ({units} in {year}) against the "
          "whole market ({total})",
          _headline_shape, _headline_facts, _headline_draw, HEADLINE_TABLE, _headline_describe, status_mark=None),
    Chart("kei-ev-monthly-sales", "sales", Select("sales", models=KEI, measures=("sales",), geographies=("JP",), kinds=("month",), cumulative=False),
          "The {model}'s best month was {best_month}, with {best_units} sold",
          "Kei EVs sold in Japan per month, {first} to {last}, by model. Shaded: no figure found ({gaps} of the {model}'s {months} months)",
          _monthly_shape, _monthly_facts, _monthly_draw, SALES_TABLE, _monthly_describe, annotate=STORY, status_mark="Paler bars"),
    Chart("kei-ev-annual-sales", "sales", Select("sales", models=KEI, measures=("sales",), geographies=("JP",), kinds=("year", "fiscal-year"), cumulative=False,
                                                 since="2020-01-01"),
          "The {model} sold {units} in {year}, its best calendar year",
          "Kei EVs sold in Japan per calendar year and per fiscal year (April to March), {first} to {last}",
          _annual_shape, _annual_facts, _annual_draw, SALES_TABLE,
          lambda data, df: _describe("Lines of yearly kei EV sales in Japan, calendar years above Japanese fiscal years", df, "model", "period", "units")),
    Chart("kei-ev-running-totals", "sales", Select("sales", models=("nissan-sakura", "mitsubishi-ek-x-ev"), geographies=("JP",), cumulative=True),
          "The {model}'s {measure} since launch reached {about}{units} by {as_of}",
          "Running totals in Japan since {since}: {measures}, each in its own panel, by model",
          _running_shape, _running_facts, _running_draw, RUNNING_TABLE, _running_describe("Running totals since launch, by date")),
    Chart("leaf-running-totals", "sales", Select("sales", models=("nissan-leaf-ze0", "nissan-leaf-ze1", "nissan-leaf-3rd-gen"),
                                                 geographies=("JP", "WORLD"), measures=("sales",), cumulative=True),
          "LEAF sales {where} reached {about}{units} by {as_of}",
          "LEAF sales since {since}, running totals, in Japan and worldwide; each generation is its own line",
          _running_shape, _leaf_facts, _leaf_draw, RUNNING_TABLE, _running_describe("LEAF running totals since its launch, by date")),
    Chart("japan-bev-market", "market", Select("market_totals", markets=("jp-passenger-bev", "jp-kei-passenger-bev", "jp-registered-passenger-bev",
                                                                       "jp-imported-bev"), makers=("all",), geographies=("JP",), kinds=("year",),
                                               since="2018-01-01"),
          "Japan's passenger EV sales peaked at {peak} in {peak_year}{then}",
          "New passenger battery EVs sold in Japan per calendar year, {first} to {last}, and their kei, registered and imported parts. "
          "A dotted line bridges a year with no figure",
          _market_shape, _bev_facts, _market_draw, MARKET_TABLE,
          lambda data, df: _describe("Lines of Japan's passenger battery EV sales by calendar year, with the kei, registered and imported parts",
                                     df, "market_label", "period", "units")),
    Chart("japan-new-vehicle-market", "market", Select("market_totals", markets=("jp-new-cars-all", "jp-registered-all", "jp-kei-all"),
                                                       makers=("all",), geographies=("JP",), kinds=("year",)),
          "Kei vehicles were {share}% of Japan's new vehicles in {year}",
          "New vehicles sold in Japan per calendar year, {first} to {last}: all, registered and kei ({kei} of {total} in {year})",
          _market_shape, _new_vehicle_facts, _market_draw, MARKET_TABLE,
          lambda data, df: _describe("Lines of new-vehicle sales in Japan by calendar year: all vehicles, registered vehicles and kei vehicles",
                                     df, "market_label", "period", "units")),
    Chart("shares-reported-and-computed", "market", Select("market_share"),
          "{agree} of {total} reported shares match the atlas's own arithmetic",
          "Each market share as its source states it, beside the same share computed from the atlas's sales and market totals (percent)",
          _shares_shape, _shares_facts, _shares_draw, SHARE_TABLE, _shares_describe, extra_sources=_inputs, status_mark=None),
    Chart("ev-share-of-new-passenger-cars", "market", Select("market_share", subjects=("jp-passenger-bev",), markets=("jp-passenger-all",),
                                                             kinds=("year", "fiscal-year")),
          "Battery EVs were {share}% of new passenger cars in Japan in {year}",
          "Battery EVs' share of new passenger cars sold in Japan, by calendar year ({first} to {last}) and by fiscal year (percent)",
          _ev_share_shape, _ev_share_facts, _ev_share_draw, EV_SHARE_TABLE,
          lambda data, df: "Bar chart of battery EVs' share of new passenger-car sales in Japan by year. " + "; ".join(
              f"{r.period}: {r.share_pct:g}%" if pd.notna(r.share_pct) else f"{r.period}: no figure" for r in df.itertuples()) + ".",
          status_mark="Paler bars"),
    Chart("operating-margins", "market", Select("company_results", makers=("Nissan", "Toyota", "Honda"), months=12),
          "{maker}'s operating margin was the lowest of the three in {lowest} of {years} fiscal years",
          "Operating profit as a percentage of revenue, {maker}, {others}, fiscal years {first} to {last} (each named by the year it starts)",
          _margins_shape, _margins_facts, _margins_draw, MARGIN_TABLE,
          lambda data, df: "Lines of operating margin by fiscal year for Nissan, Toyota and Honda. " + "; ".join(
              f"{r.maker} {r.fiscal_year}: {r.operating_margin_pct:.1f}% ({r.status})" for r in df.dropna(subset=["operating_margin_pct"]).itertuples()) + "."),
    Chart("model-lineage-timeline", "lineage", Select("models"),
          "{count} electric models, from the {first} of {first_year} to the {last} of {last_year}",
          "Each model from its launch to its end year; with no end year on record, faintly to today if it is built today, "
          "else to its latest sales figure, else a dot at launch; a hollow diamond is a planned or reported production start",
          _lineage_shape, _lineage_facts, _lineage_draw, LINEAGE_TABLE, _lineage_describe, extra_sources=_plan_sources, status_mark=None),
    Chart("plants-map-japan", "plants", Select("plants", countries=("JP",)),
          "{count} plants in Japan: {active} building EVs today, {planned} with an EV planned or reported",
          "Plants that built, build or are to build the atlas's models; the Tokyo area enlarged below",
          _plants_shape, _plants_facts, _plants_japan_draw, PLANTS_TABLE, _plants_describe("Map of Japan, with an enlarged Tokyo area,"),
          extra_sources=_coord_sources, status_mark=None),
    Chart("plants-map-world", "plants", Select("plants"),
          "{count} plants in {countries} countries, {abroad} of them outside Japan",
          "Plants worldwide; those in Japan are named on the map above",
          _plants_shape, _plants_world_facts, _plants_world_draw, PLANTS_TABLE, _plants_describe("World map"), extra_sources=_coord_sources, status_mark=None),
]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def status_note(decl: Chart, rows: pd.DataFrame, labels: dict[str, str]) -> str:
    """What the fainter marks mean, on the charts that have any: `. Hollow points: <the labels of the statuses drawn>`, from codes_statuses."""
    if decl.status_mark is None or "status" not in rows.columns:
        return ""
    present = [s for s in kit.STATUS_OPACITY if s != "reported" and s in set(rows["status"])]
    return f". {decl.status_mark}: {', '.join(labels[s] for s in present)}" if present else ""


def _header(pkg: DataPackage, resource: str, name: str) -> str:
    """A table column's header: the label of the field it shows (`resource.field` for another table's), or its own name."""
    resource, name = name.split(".") if "." in name else (resource, name)
    return pkg.field(resource, name).label if name in {f.name for f in pkg.fields(resource)} else name


def build(decl: Chart, data: Data) -> ChartResult:
    rows = decl.shape(data, decl.select.rows(data))
    facts = decl.facts(data, rows) if not rows.dropna(how="all").empty else {}
    try:
        title, subtitle = _sentence(decl.title.format(**facts)), _sentence(decl.subtitle.format(**facts) + status_note(decl, rows, data.status_labels))
    except (KeyError, IndexError, ValueError):  # no figure to state: the title says what the chart would show
        title, subtitle = decl.slug.replace("-", " ").capitalize(), "No figures to show yet"
    start = rows["period_start"].min() if "period_start" in rows.columns and not rows.empty else None
    end = rows["period_start"].max() + pd.offsets.MonthEnd(1) if start is not None else None
    events = data.events(decl.annotate, start, end) if start is not None else data.events(None, None, None)
    specs = {}
    for layout in kit.LAYOUTS:
        kit.DATASETS.clear()
        # Altair's checks against the Vega-Lite schema, of each object as it is made (debug mode) and of the whole
        # spec, cost seconds a build and change no spec: tests/test_chart_specs.py checks every spec against the schema.
        with kit.no_schema_checks():
            chart = kit.sized(decl.draw(data, rows, layout, events), title=kit.title_params(title, subtitle, layout))
            spec = chart.to_dict(validate=False)
        spec["datasets"] = dict(sorted(kit.DATASETS.items()))
        spec["config"] = kit.config()
        specs[layout.name] = spec
    columns = [c for c, _ in decl.table]
    headers = [_header(data.pkg, decl.select.resource, f) for _, f in decl.table]
    table = rows.reindex(columns=columns)
    return ChartResult(decl.slug, decl.page, decl.select.resource, [f for _, f in decl.table], rows, title, subtitle, decl.describe(data, rows), specs, table, headers, events, decl.extra_sources(data, rows))


# --- charts declared in datapackage.json: one value by period, a line per series (chart_declarations) ------
def _series_labels(data: Data, resource: str, column: str, values: pd.Series) -> pd.Series:
    """A series' name as readers see it: its code's label, a model's name, or the cell itself."""
    table = codes.table_of(data.pkg, resource, column)
    if table:
        return values.map(codes.labels(data.pkg, table)).fillna(values)
    if any(fk["reference"]["resource"] == "models" and fk["fields"] in (column, [column])
           for fk in data.pkg.resources[resource]["schema"].get("foreignKeys", [])):
        return values.map(data.model_label)
    return values.astype(str)


def from_descriptor(d: Declared) -> Chart:
    def shape(data, df):
        for column, values in d.where.items():
            df = df[df[column].astype(str).isin(values)]
        df = _labelled(data, df)
        df["series_label"] = _series_labels(data, d.resource, d.series, df[d.series])
        df = _with_gaps(df.sort_values(["series_label", "period_start"]), "series_label", d.period_kind, d.value, ("series_label", d.series))
        return df.sort_values(["series_label", "period_start"])

    def stated(data, df):
        shown = df.dropna(subset=[d.value])
        best = shown.loc[shown[d.value].astype(float).idxmax()]
        order = df.sort_values("period_start")["period"]
        return {"peak": n(best[d.value]), "peak_period": best["period"], "peak_series": best["series_label"],
                "first": order.iloc[0], "last": order.iloc[-1], "series": str(df["series_label"].nunique())}

    def draw(data, df, layout, events):
        names = sorted(df["series_label"].unique())
        tips = _tooltip(data, d.resource, ("series_label", d.series, None), ("period", "period", None), (d.value, d.value, ","),
                        ("status_label", "status", None), ("source_id", "source_id", None))
        return _lines(data, df, layout, resource=d.resource, x="period", x_type="O", value=d.value, series="series_label",
                      colours=_series_colours(names), height=220, tooltip=tips,
                      x_order=list(dict.fromkeys(df.sort_values("period_start")["period"])))

    table = (("series_label", d.series), ("period", "period"), (d.value, d.value), ("status", "status"), ("source_id", "source_id"))
    return Chart(d.slug, d.page, Select(d.resource, kinds=(d.period_kind,)), d.title, d.subtitle, shape, stated, draw, table,
                 lambda data, df: _describe(f"Lines of {data.title(d.resource, d.value).lower()} by period", df, "series_label", "period", d.value))


def declarations(pkg: DataPackage) -> list[Chart]:
    """The charts of this module, then those datapackage.json declares."""
    return CHARTS + [from_descriptor(d) for d in declared(pkg)]


def charts(pkg: DataPackage, tables: dict[str, pd.DataFrame], raw: dict[str, list[dict]]) -> Iterator[ChartResult]:
    """Every declared chart, built one at a time: the site draws each while the next is built."""
    data = Data(pkg, tables, raw)
    return (build(decl, data) for decl in declarations(pkg))
