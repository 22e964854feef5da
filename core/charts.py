"""Server-rendered, accessible charts: inline SVG from plain data.

The attribution reports, the board pack and the admin's other reports all need the same few
charts, so the drawing lives here on the ground floor and takes a small plain-data `Chart`
(categories, labelled series of figures, a value kind), not any app's report objects: it imports
only the standard library, Django and `core.formatting`, never an app of this project.

Charts are inline SVG: no JavaScript and no external library, so they work under the admin's
content security policy (no style attributes, only SVG presentation attributes) and print as
they look. A chart draws at most six series (`MAX_SERIES`; callers group the rest as "Other"),
each with its own colour of at least 3:1 contrast against the white chart background AND its
own fill pattern (bars) or dash and marker shape (lines), so no two series look alike even in
greyscale; every bar carries its value as a label, so nothing depends on telling colours apart. Each drawing has a
title and a written summary for screen readers; the figures themselves belong in a table beside.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .formatting import Kind, format_value

__all__ = [
    "COLOURS",
    "MAX_SERIES",
    "PATTERNS",
    "Chart",
    "ChartKind",
    "Series",
    "chart_figure",
    "chart_svg",
    "nice_max",
    "tick_label",
    "ticks",
    "wrap_label",
]

ChartKind = Literal["bar", "line"]
Figure = int | float | Decimal

# (colour, pattern) per series. Contrast against white: #1d70b8 5.2:1, #d4351c 4.5:1,
# #00703c 6.0:1, #4c2c92 10.6:1, #505a5f 6.9:1, #912b88 7.5:1.
COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#505a5f", "#912b88"]
PATTERNS = ["solid", "stripes", "dots", "crosshatch", "horizontal", "vertical"]
# A line's dash, and its marker shape, are its own among six, so lines differ without colour.
DASHES = ["", "8 4", "2 4", "10 4 2 4", "4 4", "14 4 2 4 2 4"]
MARKERS = ["circle", "square", "triangle", "diamond", "triangle-down", "cross"]
# More series than this would repeat a colour and a pattern: a reader could not tell them apart.
MAX_SERIES = len(COLOURS)
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
# Font sizes (SVG user units = CSS px at full size) and the average glyph width as a share of
# the size, used to lay text out without a browser to measure it (generous for DejaVu Sans).
FONT_SIZE = 13
SMALL_SIZE = 11
GLYPH = 0.62
LINE_HEIGHT = 15

_chart_ids = itertools.count(1)


# --- What to draw --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One labelled set of figures, one per category (None where there is none), all of one
    `Kind` (count, percent, money or days), which decides how they and the axis are written."""

    label: str
    values: Sequence[Figure | None]
    kind: str = Kind.COUNT

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(self.values))


@dataclass(frozen=True)
class Chart:
    """A chart: a bar (or point) per category for each series.

    `kind` "bar" draws grouped horizontal bars, one group per category; "line" draws a trend
    over the categories in order, one line per series. `categories` are the category labels as
    they should read (a dash is drawn for an empty one); `category_title` names the axis they lie
    along. `title` names the chart (its caption and accessible name).
    """

    title: str
    categories: Sequence[str]
    series: Sequence[Series]
    kind: ChartKind = "bar"
    category_title: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("bar", "line"):
            raise ValueError(f'A chart is "bar" or "line", not {self.kind!r}.')
        object.__setattr__(self, "categories", tuple(self.categories))
        object.__setattr__(self, "series", tuple(self.series))
        if len(self.series) > MAX_SERIES:
            raise ValueError(
                f"A chart draws at most {MAX_SERIES} series, not {len(self.series)}: group the "
                'rest as "Other".'
            )
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(
                    f"Series {series.label!r} has {len(series.values)} values for "
                    f"{len(self.categories)} categories."
                )

    @property
    def is_empty(self) -> bool:
        """Nothing to draw: no categories or no series."""
        return not self.categories or not self.series

    @property
    def labels(self) -> list[str]:
        return [category or "–" for category in self.categories]


# --- Public entry points -------------------------------------------------------------------------


def chart_figure(chart: Chart, *, chart_id: str | None = None) -> SafeString:
    """The chart as a <figure> holding inline SVG and captioned by its title; "" when empty.

    The drawing scrolls inside a focusable region named by the caption when the screen is
    narrower than its minimum readable width, so the page itself never scrolls sideways.
    `chart_id` prefixes the ids inside (unique per page); by default each chart drawn by this
    process gets the next "report-chart-<n>".
    """
    if chart.is_empty:
        return mark_safe("")
    if chart_id is None:
        chart_id = f"report-chart-{next(_chart_ids)}"
    return format_html(
        '<figure class="report-chart"><div class="report-chart__scroll" role="region" '
        'aria-labelledby="{id}-caption" tabindex="0">{svg}</div>'
        '<figcaption id="{id}-caption">{caption}</figcaption></figure>',
        id=chart_id,
        svg=chart_svg(chart, chart_id),
        caption=chart.title,
    )


def chart_svg(chart: Chart, chart_id: str) -> SafeString:
    """The chart's <svg> element alone (role="img", with a title and summary); "" when empty."""
    if chart.is_empty:
        return mark_safe("")
    if chart.kind == "line":
        return _line_chart(chart, chart_id)
    return _bar_chart(chart, chart_id)


def nice_max(maximum: float) -> tuple[float, float]:
    """An axis end at or above `maximum` and a tick step giving about four ticks."""
    if maximum <= 0:
        return 1.0, 1.0
    raw = maximum / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw:
            break
    if step < 1 and maximum >= 1:
        step = 1.0
    return step * math.ceil(maximum / step), step


def ticks(maximum: float, step: float) -> list[float]:
    """The axis ticks from 0 to `maximum` (included) every `step`."""
    found, tick = [], 0.0
    while tick <= maximum + 1e-9:
        found.append(tick)
        tick += step
    return found


def tick_label(value: float, kind: str) -> str:
    """An axis tick as it reads: "25%", "£1,500", "1,000" (no needless decimals)."""
    if kind == Kind.PERCENT:
        return f"{value:g}%"
    if kind == Kind.MONEY:
        return f"£{value:,.0f}"
    return f"{value:,g}"


def wrap_label(label: str, width: int, max_lines: int = 3) -> list[str]:
    """Break a label at spaces into lines of at most `width` characters (a word longer than
    that stands alone); past `max_lines` the last line ends with an ellipsis."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        last = " ".join(lines[max_lines - 1 :])
        lines = [*lines[: max_lines - 1], last[: width - 1].rstrip() + "…"]
    return lines or [label]


# --- Drawing -------------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _axis_title(kinds: set[str]) -> str:
    if kinds == {Kind.PERCENT}:
        return _("Percentage")
    if kinds == {Kind.MONEY}:
        return _("Pounds")
    if kinds == {Kind.DAYS}:
        return _("Days")
    return _("Number")


def _pattern_defs(chart_id: str, count: int) -> SafeString:
    defs = []
    for index in range(count):
        colour = COLOURS[index % len(COLOURS)]
        pattern = PATTERNS[index % len(PATTERNS)]
        pid = f"{chart_id}-p{index}"
        if pattern == "solid":
            body = format_html('<rect width="8" height="8" fill="{}"/>', colour)
        elif pattern == "stripes":
            body = format_html(
                '<rect width="8" height="8" fill="#fff"/>'
                '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{}" stroke-width="3"/>',
                colour,
            )
        elif pattern == "dots":
            body = format_html(
                '<rect width="8" height="8" fill="#fff"/><circle cx="4" cy="4" r="2.5" fill="{}"/>',
                colour,
            )
        elif pattern == "crosshatch":
            body = format_html(
                '<rect width="8" height="8" fill="#fff"/>'
                '<path d="M0,0 l8,8 M8,0 l-8,8" stroke="{}" stroke-width="2"/>',
                colour,
            )
        elif pattern == "horizontal":
            body = format_html(
                '<rect width="8" height="8" fill="#fff"/>'
                '<rect y="1" width="8" height="3" fill="{}"/>',
                colour,
            )
        else:
            body = format_html(
                '<rect width="8" height="8" fill="#fff"/>'
                '<rect x="1" width="3" height="8" fill="{}"/>',
                colour,
            )
        defs.append(
            format_html(
                '<pattern id="{}" width="8" height="8" patternUnits="userSpaceOnUse">{}</pattern>',
                pid,
                body,
            )
        )
    return mark_safe("".join(defs))


def _text_width(text: str, size: int = FONT_SIZE) -> float:
    """Roughly how wide `text` is drawn at `size`: enough to keep labels apart and inside."""
    return len(text) * size * GLYPH


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = FONT_SIZE,
    anchor: str = "start",
    bold: bool = False,
    rotate: int = 0,
) -> SafeString:
    """A <text> element with presentation attributes only (no style attribute: the admin's
    content security policy will not allow inline styles)."""
    transform = format_html(' transform="rotate({} {} {})"', rotate, x, y) if rotate else ""
    weight = mark_safe(' font-weight="700"') if bold else ""
    return format_html(
        '<text x="{}" y="{}" font-size="{}" fill="{}" text-anchor="{}"{}{}>{}</text>',
        x,
        y,
        size,
        TEXT,
        anchor,
        weight,
        transform,
        content,
    )


def _style(index: int) -> tuple[str, str, str]:
    """(colour, dash, marker) of series `index`."""
    return (
        COLOURS[index % len(COLOURS)],
        DASHES[index % len(DASHES)],
        MARKERS[index % len(MARKERS)],
    )


def _legend(
    series: Sequence[Series], chart_id: str, kind: str, y: float, width: int
) -> tuple[SafeString, float]:
    """The key, wrapped to the chart's width: each series' swatch (bars: its fill pattern;
    lines: its dash and marker) and name. Returns the markup and its height."""
    items = []
    x = 0.0
    for index, one in enumerate(series):
        colour, dash, _shape = _style(index)
        item_width = 30 + _text_width(one.label) + 18
        if x > 0 and x + item_width > width:
            x, y = 0.0, y + 20
        if kind == "bar":
            swatch = format_html(
                '<rect x="{}" y="{}" width="16" height="12" fill="url(#{}-p{})" stroke="{}"/>',
                x,
                y,
                chart_id,
                index,
                colour,
            )
        else:
            swatch = format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5" '
                'stroke-dasharray="{}"/>{}',
                x,
                y + 6,
                x + 24,
                y + 6,
                colour,
                dash,
                _marker(index, x + 12, y + 6),
            )
        items.append(swatch + _text(x + 30, y + 11, one.label))
        x += round(item_width, 1)
    return mark_safe("".join(items)), y + 20


def _marker(index: int, x: float, y: float) -> SafeString:
    colour, _dash, shape = _style(index)
    if shape == "circle":
        return format_html('<circle cx="{}" cy="{}" r="4" fill="{}"/>', x, y, colour)
    if shape == "square":
        return format_html(
            '<rect x="{}" y="{}" width="8" height="8" fill="{}"/>', x - 4, y - 4, colour
        )
    if shape == "triangle":
        return format_html('<path d="M{},{} l5,9 h-10 z" fill="{}"/>', x, y - 5, colour)
    if shape == "triangle-down":
        return format_html('<path d="M{},{} l5,-9 h-10 z" fill="{}"/>', x, y + 5, colour)
    if shape == "cross":
        return format_html(
            '<path d="M{},{} l8,8 m0,-8 l-8,8" stroke="{}" stroke-width="2.5" fill="none"/>',
            x - 4,
            y - 4,
            colour,
        )
    return format_html('<path d="M{},{} l5,5 l-5,5 l-5,-5 z" fill="{}"/>', x, y - 5, colour)


def _summary(chart: Chart) -> str:
    """What a screen reader hears instead of the picture: the kind of chart, its title, what
    it shows, and the category with the highest figure of the first series."""
    kind_word = _("Bar chart") if chart.kind == "bar" else _("Line chart")
    names = ", ".join(one.label for one in chart.series)
    text = _("%(kind)s: %(title)s. It shows %(series)s for %(count)d rows.") % {
        "kind": kind_word,
        "title": chart.title,
        "series": names,
        "count": len(chart.categories),
    }
    if chart.series and chart.categories:
        first = chart.series[0]
        best = max(range(len(chart.categories)), key=lambda i: _number(first.values[i]) or 0)
        if _number(first.values[best]):
            text += " " + _("Highest %(series)s: %(row)s (%(value)s).") % {
                "series": first.label.lower(),
                "row": chart.labels[best],
                "value": format_value(first.values[best], first.kind),
            }
    return text + " " + _("The figures are in the table.")


def _scale(chart: Chart) -> tuple[float, float, str]:
    """The value axis: its end, its tick step, and the kind its ticks are written in (the
    series' kind when they share one, else plain numbers)."""
    values = [_number(value) for one in chart.series for value in one.values]
    maximum, step = nice_max(max([v for v in values if v is not None] or [0]))
    kinds = {one.kind for one in chart.series}
    return maximum, step, next(iter(kinds)) if len(kinds) == 1 else Kind.COUNT


def _bar_chart(chart: Chart, chart_id: str) -> SafeString:
    """Horizontal bars, one group per category. Category labels wrap onto up to three lines and
    the label gutter is as wide as the longest line; the category axis title sits above the
    labels."""
    series = chart.series
    width, bar, gap, group_gap, top = 760, 14, 3, 14, 30
    labels = chart.labels
    # The narrowest gutter (16 to 30 characters) in which every label fits on three lines.
    wrap_at = next(
        (
            width
            for width in range(16, 31)
            if all(len(wrap_label(label, width, max_lines=99)) <= 3 for label in labels)
        ),
        30,
    )
    wrapped = [wrap_label(label, wrap_at) for label in labels]
    gutter = max(_text_width(line) for lines in wrapped for line in lines)
    left = round(max(gutter + 16, 80))
    value_texts = [format_value(value, one.kind) for one in series for value in one.values]
    right = round(max(40, max(_text_width(t, SMALL_SIZE) for t in value_texts) + 12))
    plot = width - left - right
    maximum, step, tick_kind = _scale(chart)
    bars_height = len(series) * (bar + gap) - gap
    parts = [_text(4, 16, chart.category_title, bold=True)]
    rows_parts = []
    y = top
    for row, lines in enumerate(wrapped):
        group = max(bars_height, len(lines) * LINE_HEIGHT)
        bars_top = y + (group - bars_height) / 2
        first = bars_top + bars_height / 2 - (len(lines) - 1) * LINE_HEIGHT / 2 + 4.5
        tspans = format_html_join(
            "",
            '<tspan x="{}" y="{}">{}</tspan>',
            ((left - 8, round(first + i * LINE_HEIGHT, 1), line) for i, line in enumerate(lines)),
        )
        rows_parts.append(
            format_html(
                '<text font-size="{}" fill="{}" text-anchor="end">{}</text>',
                FONT_SIZE,
                TEXT,
                tspans,
            )
        )
        for index, one in enumerate(series):
            raw = one.values[row]
            value = _number(raw)
            by = round(bars_top + index * (bar + gap), 1)
            length = 0 if value is None else round(plot * value / maximum, 1)
            rows_parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{}-p{})" '
                    'stroke="{}" stroke-width="1"/>',
                    left,
                    by,
                    length,
                    bar,
                    chart_id,
                    index,
                    COLOURS[index % len(COLOURS)],
                )
            )
            rows_parts.append(
                _text(
                    left + length + 4,
                    by + bar - 3,
                    format_value(raw, one.kind) if value is not None else "–",
                    size=SMALL_SIZE,
                )
            )
        y += group + group_gap
    axis_y = y - group_gap / 2
    # Grid lines and ticks along the bottom axis, under the bars.
    for tick in ticks(maximum, step):
        x = round(left + plot * tick / maximum, 1)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
                x,
                top - 4,
                x,
                axis_y,
                GRID,
            )
        )
        parts.append(_text(x, axis_y + 16, tick_label(tick, tick_kind), anchor="middle"))
    parts.extend(rows_parts)
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            left,
            top - 4,
            left,
            axis_y,
            TEXT,
        )
    )
    kinds = {one.kind for one in series}
    parts.append(_text(left + plot / 2, axis_y + 36, _axis_title(kinds), anchor="middle"))
    legend, height = _legend(series, chart_id, "bar", axis_y + 52, width)
    return _svg(chart, chart_id, width, round(height + 4), mark_safe("".join(parts)), legend)


def _line_chart(chart: Chart, chart_id: str) -> SafeString:
    """Lines over the categories in order, with a key below (no labels at the line ends, which
    collide when series end close together). Labels along the bottom are rotated and thinned
    when they would not fit side by side; the drawing grows to hold them."""
    series = chart.series
    width, top, plot_height = 760, 12, 260
    maximum, step, kind = _scale(chart)
    count = len(chart.categories)
    axis_ticks = ticks(maximum, step)
    tick_width = max(_text_width(tick_label(tick, kind)) for tick in axis_ticks)
    labels = chart.labels
    label_width = max(_text_width(label, SMALL_SIZE) for label in labels)
    left = max(tick_width + 40, 70)
    right = 20
    plot = width - left - right
    spacing = plot / (count - 1) if count > 1 else plot
    rotate = count > 1 and spacing < label_width + 10
    if rotate:
        # 45 degrees: each label needs about 20 units along the axis; it reaches down and
        # to the left by its width times sin 45.
        every = max(1, math.ceil(20 / spacing))
        reach = label_width * 0.71
        left = round(max(left, reach + 8))
        band = reach + SMALL_SIZE + 12
    else:
        every = 1
        right = round(max(right, label_width / 2 + 4))
        band = 22
    plot = width - left - right
    axis_y = top + plot_height

    def x_at(index: int) -> float:
        return round(left + (plot * index / (count - 1) if count > 1 else plot / 2), 1)

    def y_at(value: float) -> float:
        return round(axis_y - plot_height * value / maximum, 1)

    parts = []
    for tick in axis_ticks:
        y = y_at(tick)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
                left,
                y,
                left + plot,
                y,
                GRID,
            )
        )
        parts.append(_text(left - 6, y + 4, tick_label(tick, kind), anchor="end"))
    for index, label in enumerate(labels):
        if index % every:
            continue
        x = x_at(index)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
                x,
                axis_y,
                x,
                axis_y + 4,
                TEXT,
            )
        )
        if rotate:
            parts.append(
                _text(x + 3, axis_y + 12, label, size=SMALL_SIZE, anchor="end", rotate=-45)
            )
        else:
            parts.append(_text(x, axis_y + 17, label, size=SMALL_SIZE, anchor="middle"))
    for index, one in enumerate(series):
        colour, dash, _shape = _style(index)
        points = [
            (x_at(i), y_at(v))
            for i, raw in enumerate(one.values)
            if (v := _number(raw)) is not None
        ]
        if not points:
            continue
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5" '
                'stroke-dasharray="{}"/>',
                " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                colour,
                dash,
            )
        )
        if len(points) <= 60:
            parts.extend(_marker(index, x, y) for x, y in points)
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            left,
            top,
            left,
            axis_y,
            TEXT,
            left,
            axis_y,
            left + plot,
            axis_y,
            TEXT,
        )
    )
    title_y = round(axis_y + band + 14)
    parts.append(_text(left + plot / 2, title_y, chart.category_title, anchor="middle"))
    middle = top + plot_height / 2
    kinds = {one.kind for one in series}
    parts.append(_text(14, middle, _axis_title(kinds), anchor="middle", rotate=-90))
    legend, height = _legend(series, chart_id, "line", title_y + 16, width)
    return _svg(chart, chart_id, width, round(height + 4), mark_safe("".join(parts)), legend)


def _svg(
    chart: Chart,
    chart_id: str,
    width: int,
    height: int,
    body: SafeString,
    legend: SafeString,
) -> SafeString:
    """The whole drawing: its viewBox is the size every part was laid out within."""
    return format_html(
        '<svg class="report-chart__svg" role="img" aria-labelledby="{id}-title" '
        'aria-describedby="{id}-desc" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'xmlns="http://www.w3.org/2000/svg" focusable="false">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{summary}</desc>'
        "<defs>{defs}</defs>"
        '<rect width="{w}" height="{h}" fill="#fff"/>{body}{legend}</svg>',
        id=chart_id,
        summary=_summary(chart),
        w=width,
        h=height,
        title=chart.title,
        defs=_pattern_defs(chart_id, len(chart.series)),
        body=body,
        legend=legend,
    )
