"""The parts every chart is built from: two layouts (phone and desktop), one theme, one palette, and the
marks that draw gaps, direct labels, statuses and annotations the same way on every chart.

A chart is laid out for the width it is shown at, never scaled: each static chart is drawn once at
PHONE width and once at DESKTOP width, with text at TEXT_PX, and the page picks one by media query.
The dark image is the light one with THEME's colours swapped (figures.dark_svg), which halves the
renders a build needs; so every colour of the theme is written here once, in lower case, and used as is.
"""
from __future__ import annotations

import hashlib
import json
import math
import textwrap
from dataclasses import dataclass

import altair as alt
import altair.utils.schemapi as _schemapi
import pandas as pd

TEXT_PX = 13  # every chart text; at the narrowest width it is shown (scale >= 0.93) it stays above 12 CSS px
TITLE_PX = 17
FONT = "sans-serif"

# Light colour -> dark colour. Text pairs keep at least 4.5:1 against Material's page backgrounds
# (#ffffff and slate #1e2129); the data colours below are mid-tones that read on both and are not swapped.
THEME = {
    "text": ("#1f2328", "#e6e8ec"),
    "muted": ("#4d545e", "#c3c8d0"),
    "rule": ("#6e7681", "#9aa3ae"),
    "grid": ("#e4e7eb", "#363b45"),
    "gap": ("#aab1ba", "#6c7480"),
    "land": ("#dfe3e8", "#373c47"),
    "coast": ("#9aa1ab", "#6b7280"),
    "halo": ("#ffffff", "#1e2129"),
}
LIGHT = {k: v[0] for k, v in THEME.items()}

# One colour per maker on every chart (Okabe-Ito hues, distinguishable for the common colour blindnesses);
# a model takes its maker's colour. Makers not listed share OTHER.
MAKER_COLOURS = {"Nissan": "#0072b2", "Mitsubishi": "#d55e00", "Honda": "#009e73", "Toyota": "#cc79a7", "Tama": "#e69f00",
                 "Prince": "#e69f00", "Suzuki": "#56b4e9", "Daihatsu": "#8f7f00", "Tesla": "#7b5ea7", "BYD": "#b8336a"}
OTHER = "#7f8a96"
# Series that are not makers (markets, kinds of figure) take these in their declared order.
SERIES = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8f7f00", "#56b4e9"]

NO_FIGURE = "no figure"

# The data of the chart being drawn, by name. Altair deep-copies the inline data of every layer each time
# layers are combined (seconds for a map's outlines); charts name their data instead, and the spec gets
# the values once, in its top-level `datasets`, when it is written (charts.build).
DATASETS: dict[str, list] = {}


def _deep_copy(obj, by_ref):
    """Altair's schemapi._deep_copy, less its waste: every Altair object holds every property its schema allows,
    nearly all Undefined, and Altair copies each of them with a call of its own (half a million calls a build,
    a second of CPU, when layers are combined). Undefined is a singleton, so it is kept as is; the copy is the same."""
    if isinstance(obj, _schemapi.SchemaBase):
        copier = getattr(obj, "__deepcopy__", None)
        if copier:
            with _schemapi.debug_mode(False):
                return copier(obj)
        args = [_deep_copy(arg, by_ref) for arg in obj._args]
        kwds = {k: (v if v is _schemapi.Undefined or k in by_ref else _deep_copy(v, by_ref)) for k, v in obj._kwds.items()}
        with _schemapi.debug_mode(False):
            return obj.__class__(*args, **kwds)
    if isinstance(obj, list):
        return [_deep_copy(v, by_ref) for v in obj]
    if isinstance(obj, dict):
        return {k: (v if k in by_ref else _deep_copy(v, by_ref)) for k, v in obj.items()}
    return obj


# SchemaBase.copy looks the function up by name at each call (Altair 6.x); a later Altair without it keeps its own.
if hasattr(_schemapi, "_deep_copy"):
    _schemapi._deep_copy = _deep_copy


def no_schema_checks():
    """A context in which Altair builds objects without checking each against the schema."""
    return _schemapi.debug_mode(False)


def sized(chart, **properties):
    """`chart.properties(...)` without its copy: Altair's properties() deep-copies the whole (layered) chart
    to set a width or a title, about two seconds a build; a chart being drawn is nobody else's to share."""
    for key, value in properties.items():
        setattr(chart, key, value)
    return chart


def named(data) -> alt.NamedData:
    """A DataFrame (or a list of records) as a named dataset of the chart being drawn."""
    if isinstance(data, pd.DataFrame):
        values = json.loads(data.to_json(orient="records", date_format="iso", double_precision=10))
    else:
        values = data
    text = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    name = "data-" + hashlib.sha256(text.encode()).hexdigest()[:16]
    DATASETS[name] = values
    return alt.NamedData(name=name)
STATUS_OPACITY = {"reported": 1.0, "approx": 0.6, "estimate": 0.45, "derived": 0.45}


@dataclass(frozen=True)
class Layout:
    name: str
    width: int  # the whole image, axes and labels included
    media: str | None  # the media query that picks it (None: the default)

    @property
    def phone(self) -> bool:
        return self.name == "phone"

    def chars(self, px: int = TEXT_PX, width: int | None = None) -> int:
        """How many characters of text at `px` fit across `width` (sans-serif averages ~0.55 em)."""
        return max(12, int((width or self.width) / (px * 0.55)))


# Material's content column is 358 px at a 390 px viewport and 688 px at 1280 px; below 720 px the
# column is narrower than DESKTOP, so the phone layout (drawn for the narrowest phones) takes over.
PHONE = Layout("phone", 340, "(max-width: 719px)")
DESKTOP = Layout("desktop", 680, None)
LAYOUTS = (PHONE, DESKTOP)


def config() -> dict:
    t = LIGHT
    axis = {"labelFontSize": TEXT_PX, "titleFontSize": TEXT_PX, "labelColor": t["text"], "titleColor": t["muted"],
            "titleFontWeight": "normal", "domainColor": t["rule"], "tickColor": t["rule"], "gridColor": t["grid"],
            "labelAngle": 0, "labelFont": FONT, "titleFont": FONT, "labelOverlap": True}
    return {
        "background": "transparent", "font": FONT, "view": {"stroke": None},
        "axis": axis,
        "legend": {"labelFontSize": TEXT_PX, "titleFontSize": TEXT_PX, "labelColor": t["text"], "titleColor": t["muted"],
                   "titleFontWeight": "normal", "orient": "bottom", "direction": "vertical", "symbolStrokeColor": t["text"],
                   "symbolFillColor": t["text"], "labelLimit": 0},
        "header": {"labelFontSize": TEXT_PX, "titleFontSize": TEXT_PX, "labelColor": t["text"], "titleColor": t["text"],
                   "labelFontWeight": "bold", "labelAnchor": "start", "labelAngle": 0, "labelAlign": "left", "labelOrient": "top"},
        "title": {"fontSize": TITLE_PX, "subtitleFontSize": TEXT_PX, "color": t["text"], "subtitleColor": t["muted"],
                  "anchor": "start", "frame": "group", "offset": 14, "subtitlePadding": 6, "fontWeight": "bold", "font": FONT,
                  "subtitleFont": FONT},
        "text": {"fontSize": TEXT_PX, "color": t["text"], "font": FONT},
        "concat": {"spacing": 24}, "facet": {"spacing": 18},
    }


def wrap(text: str, chars: int) -> list[str]:
    return textwrap.wrap(text, chars, break_long_words=False) or [""]


def title_params(title: str, subtitle: str, layout: Layout) -> alt.TitleParams:
    return alt.TitleParams(text=wrap(title, layout.chars(TITLE_PX) - 2), subtitle=wrap(subtitle, layout.chars() - 2))


def nice_min(value: float) -> float:
    """The bottom of a value axis: 0, or below a negative `value` the mirror of nice_max."""
    return -nice_max(-value) if value < 0 else 0


def nice_max(value: float) -> float:
    """The top of a value axis: the next 1, 2, 2.5 or 5 times a power of ten at or above `value`."""
    if not value or value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * power:
            return step * power
    return 10 * power


# Counts on axes: 40k, 1.5M (a d3 format, so the live view says the same).
COMPACT = "~s"


def colour_scale(domain: list[str], colours: list[str]) -> alt.Scale:
    return alt.Scale(domain=domain, range=colours)


def maker_colour(maker: str) -> str:
    return MAKER_COLOURS.get(maker, OTHER)


def status_opacity(df: pd.DataFrame, status_labels: dict[str, str]) -> alt.Opacity:
    """Fainter for anything not reported; no legend: the chart's subtitle says what the fainter marks are."""
    domain = [status_labels.get(s, s) for s in STATUS_OPACITY]
    return alt.Opacity("status_label:N", scale=alt.Scale(domain=domain, range=list(STATUS_OPACITY.values())), legend=None)


# A label nudged further than this from its line's end (half a line) no longer reads as that line's: a leader joins them.
LEADER_PX = TEXT_PX / 2


def end_labels(df: pd.DataFrame, x: str, y: str, series: str, label: str, height: int, y_max: float,
               min_gap: float = TEXT_PX + 3, room: int | None = None, y_min: float = 0,
               x_frac: dict | None = None, width: int | None = None) -> pd.DataFrame:
    """One label per series at its last figure, nudged apart so that no two overlap, and none runs below the plot
    into the axis labels; one nudged more than half a line from its figure gets a `leader` line back to it. A series
    that ends before another goes on (`x_frac` gives each x its place across the
    plot's `width`) may write its label over that one's marks there; such a label is put above its line instead,
    ending at its last point (`place` "above-end") or, where that runs off the plot, starting at its first
    ("above-start"); if neither is clear it stays to the right.

    Positions are worked out here, in pixels, because Vega-Lite has no label-collision layout for text marks."""
    last = df.dropna(subset=[y]).sort_values(x).groupby(series, sort=False).tail(1).copy()
    if last.empty:
        return last.assign(label_y=[], place=[])
    span = y_max - y_min

    def to_px(value):  # a figure's height in pixels from the plot's top
        return height * (1 - (value - y_min) / span)

    def to_value(px):
        return y_min + span * (1 - px / height)

    last["px"] = to_px(last[y].astype(float))
    last["label"] = [wrap_label(s, room) if room else s for s in last[label]]
    last = last.sort_values("px")
    last["place"] = "right"
    last["label_y"] = to_value(_stacked(last, height, min_gap))
    if x_frac and width:
        shown = df.dropna(subset=[y])
        marks = pd.DataFrame({"series": shown[series], "x": [x_frac.get(v, math.nan) * width for v in shown[x]],
                              "px": to_px(shown[y].astype(float))}).dropna()
        for i, r in last.iterrows():
            own, others = marks[marks["series"] == r[series]], marks[marks["series"] != r[series]]
            label_px = to_px(r["label_y"])
            end = own["x"].max()
            w, tall = _box(r["label"], min_gap)
            if not _hits(others, end + 8, end + 8 + w, label_px - min_gap / 2, label_px - min_gap / 2 + tall):
                continue
            above = _above(own, others, r["label"], r[label], r["px"], min_gap)
            if above:
                anchor, bottom, text = above
                tall = _box(text, min_gap)[1]
                # Vega writes extra lines below the first even on a bottom baseline, so the first is lifted over them.
                last.loc[i, ["place", "label_y", "label"]] = [f"above-{anchor}", to_value(bottom - tall + min_gap), text]
                if anchor == "start":
                    last.loc[i, x] = shown.loc[shown[series] == r[series]].sort_values(x)[x].iloc[0]
        right = last["place"] == "right"
        last.loc[right, "label_y"] = to_value(_stacked(last[right], height, min_gap))
    moved = (to_px(last["label_y"]) - last["px"]).abs()
    last["leader"] = (last["place"] == "right") & (moved > LEADER_PX)
    return last


# Widths of bold sans-serif characters in ems (Arial Bold's metrics, wider than most fallbacks): enough to tell
# whether a label clears a mark, where label_room's one width per character misjudges a word of capitals.
_EMS = {**dict.fromkeys("ijlI.,'", 0.28), **dict.fromkeys("ft- ", 0.33), **dict.fromkeys("mwMW", 0.89),
        **dict.fromkeys("abcdeghknopqrsuvxyz0123456789", 0.58)}


def _above(own: pd.DataFrame, others: pd.DataFrame, wrapped: str, name: str, px: float, min_gap: float):
    """The first clear place above a series' line for its label, as (anchor, foot in pixels, text), or None: the label
    as wrapped, then a word a line; each ending at the last point, then starting at the first."""
    end, start = own["x"].max(), own["x"].min()
    for text in dict.fromkeys((wrapped, textwrap.fill(name, 1, break_long_words=False))):
        w, tall = _box(text, min_gap)
        for x0, anchor in ((end + 4 - w, "end"), (start - 4, "start")):
            under = own[(own["x"] >= x0 - 6) & (own["x"] <= x0 + w + 6)]
            bottom = (under["px"].min() if not under.empty else px) - 6
            if x0 >= -4 and bottom - tall >= 0 and not _hits(others, x0, x0 + w, bottom - tall, bottom):
                return anchor, bottom, text
    return None


def _box(text: str, min_gap: float) -> tuple[float, float]:
    """A label's width and height in pixels."""
    lines = text.split("\n")
    return max(sum(_EMS.get(c, 0.72) for c in s) for s in lines) * TEXT_PX, min_gap * len(lines)


def _hits(marks: pd.DataFrame, x0: float, x1: float, y0: float, y1: float, pad: float = 5) -> bool:
    """Whether any mark's centre falls within a label's box (pixels), widened by a point's radius."""
    return bool(((marks["x"] >= x0 - pad) & (marks["x"] <= x1 + pad) & (marks["px"] >= y0 - pad) & (marks["px"] <= y1 + pad)).any())


def _stacked(last: pd.DataFrame, height: int, min_gap: float) -> pd.Series:
    """Pixel heights of labels (sorted by `px`) right of the plot: each at its figure or just below the one above it."""
    lines = [s.count("\n") + 1 for s in last["label"]]
    placed: list[float] = []
    for i, px in enumerate(last["px"]):  # a wrapped label needs room for all its lines
        placed.append(max(px, placed[-1] + min_gap * lines[i - 1]) if placed else px)  # Vega writes a label's extra lines below its first
    limit = height - min_gap / 2  # where a label's last line must end; then lift only the labels in the way, from the foot up
    for i in reversed(range(len(placed))):
        placed[i] = min(placed[i], limit - min_gap * (lines[i] - 1))
        limit = placed[i] - min_gap
    return pd.Series(placed, index=last.index)


def label_room(labels, layout: Layout) -> int:
    """Pixels to keep right of the plot for end labels (wrapped to at most a third of the width)."""
    longest = max((len(s) for s in labels), default=0)
    return min(int(longest * TEXT_PX * 0.55) + 10, layout.width // 3)


def wrap_label(text: str, room: int) -> str:
    return "\n".join(wrap(text, max(8, int((room - 10) / (TEXT_PX * 0.55)))))


def annotation_layers(events: pd.DataFrame, x_field: str, x_type: str) -> list[alt.Chart]:
    """A dashed rule at each event date and its short label at the top of the plot, the labels of
    successive events staggered over three lines so that close dates do not collide."""
    if events.empty:
        return []
    ev = events.copy().reset_index(drop=True)
    ev["row"] = [i % 3 for i in range(len(ev))]
    x = alt.X(f"{x_field}:{x_type}")
    layers = [alt.Chart(named(ev)).mark_rule(strokeDash=[3, 3], color=LIGHT["rule"], strokeWidth=1).encode(x=x)]
    for row in range(min(3, len(ev))):
        layers.append(alt.Chart(named(ev[ev["row"] == row])).mark_text(
            align="left", baseline="top", dx=3, dy=row * (TEXT_PX + 3), color=LIGHT["text"], fontSize=TEXT_PX).encode(
            x=x, y=alt.YValue(0), text=alt.Text("label:N")))
    return layers
