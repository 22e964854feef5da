"""`core.charts` and `core.formatting` on plain data, without any report or database.

The charts are shared kit (attribution reports, the board pack, admin reports), so what a reader
relies on is checked here directly: every series is named in the key and drawn in its own colour
and pattern (bars) or dash and marker (lines), bars carry their values as text, the drawing has
an accessible name and a written summary, figures read as counts, percentages and pounds, and an
empty chart draws nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from core.charts import (
    COLOURS,
    MAX_SERIES,
    Chart,
    Series,
    chart_figure,
    chart_svg,
    nice_max,
    tick_label,
    wrap_label,
)
from core.colours import contrast_ratio
from core.formatting import Kind, format_value, is_numeric

COUNCILS = ["Derby City Council", "Nottingham City Council", "Leicester City Council"]


def draw(chart: Chart, chart_id: str = "test-chart") -> BeautifulSoup:
    return BeautifulSoup(str(chart_figure(chart, chart_id=chart_id)), "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


def svg_texts(page: BeautifulSoup) -> list[str]:
    return [text(node) for node in page.svg.find_all("text")]


def bar_chart(*series: Series, categories=COUNCILS, title="Enquiries by council") -> Chart:
    return Chart(title, categories, series, "bar", category_title="Council")


def line_chart(*series: Series) -> Chart:
    return Chart(
        "Enquiries over time", ["Jan 2026", "Feb 2026", "Mar 2026"], series, "line", "Month"
    )


ENQUIRIES = Series("Enquiries", [12, 30, 7], Kind.COUNT)
VISITS = Series("Initial visits", [5, 9, None], Kind.COUNT)


# --- Bar charts ------------------------------------------------------------------------------


def test_a_bar_chart_is_a_captioned_image_with_a_title_and_a_summary():
    page = draw(bar_chart(ENQUIRIES))
    figure = page.find("figure")
    assert text(figure.figcaption) == "Enquiries by council"
    svg = figure.find("svg")
    assert svg["role"] == "img"
    assert text(page.find(id=svg["aria-labelledby"])) == "Enquiries by council"
    assert text(page.find(id=svg["aria-describedby"])) == (
        "Bar chart: Enquiries by council. It shows Enquiries for 3 rows. "
        "Highest enquiries: Nottingham City Council (30). The figures are in the table."
    )
    # A chart too wide for the screen scrolls in its own region, named by the caption.
    region = figure.find("div", class_="report-chart__scroll")
    assert region["role"] == "region" and region["tabindex"] == "0"
    assert region["aria-labelledby"] == figure.figcaption["id"]


def test_every_bar_carries_its_value_and_every_category_its_label():
    texts = svg_texts(draw(bar_chart(ENQUIRIES, VISITS)))
    for value in ["12", "30", "7", "5", "9"]:
        assert value in texts
    assert "–" in texts  # the missing figure is shown as missing, not as 0
    assert all(council in texts for council in COUNCILS)
    assert "Council" in texts  # the category axis title
    assert "Number" in texts  # the value axis title


def test_each_bar_series_is_named_in_the_key_with_its_own_colour_and_pattern():
    applications = Series("Applications", [1, 2, 3])
    page = draw(bar_chart(ENQUIRIES, VISITS, applications))
    svg = page.svg
    patterns = {pattern["id"]: pattern for pattern in svg.find_all("pattern")}
    swatches = [rect for rect in svg.find_all("rect") if rect.get("width") == "16"]
    assert len(swatches) == 3
    styles = set()
    for swatch, name in zip(swatches, ["Enquiries", "Initial visits", "Applications"], strict=True):
        # The name is written beside the swatch in the key.
        assert text(swatch.find_next_sibling("text")) == name
        pattern = patterns[swatch["fill"].removeprefix("url(#").removesuffix(")")]
        drawing = "".join(str(child) for child in pattern.children)
        styles.add((swatch["stroke"], drawing.replace(swatch["stroke"], "")))
    # Three colours, and three fills that differ even with the colour taken away.
    assert len({colour for colour, _fill in styles}) == 3
    assert len({fill for _colour, fill in styles}) == 3


def test_long_category_labels_wrap_rather_than_being_cut():
    long_name = "Derbyshire County Council and Derby City Council together"
    page = draw(bar_chart(Series("Enquiries", [3]), categories=[long_name]))
    label = next(node for node in page.svg.find_all("text") if node.tspan)
    lines = [text(tspan) for tspan in label.find_all("tspan")]
    assert 2 <= len(lines) <= 3
    assert " ".join(lines) == long_name
    assert wrap_label("one two three four five six", 5) == ["one", "two", "thre…"]


# --- Line charts -----------------------------------------------------------------------------


def test_a_line_chart_draws_a_named_line_per_series_each_with_its_own_dash_and_colour():
    page = draw(line_chart(ENQUIRIES, VISITS))
    svg = page.svg
    assert text(svg.desc).startswith(
        "Line chart: Enquiries over time. It shows Enquiries, Initial visits for 3 rows."
    )
    lines = svg.find_all("polyline")
    assert len(lines) == 2
    assert len({(line["stroke"], line["stroke-dasharray"]) for line in lines}) == 2
    # A missing figure leaves a gap rather than a point at 0.
    assert len(lines[1]["points"].split()) == 2
    # The key: a swatch in each line's colour and dash, with the series' name beside it.
    swatches = [line for line in svg.find_all("line") if line.get("stroke-width") == "2.5"]
    assert [(s["stroke"], s["stroke-dasharray"]) for s in swatches] == [
        (line["stroke"], line["stroke-dasharray"]) for line in lines
    ]
    texts = svg_texts(page)
    assert {"Enquiries", "Initial visits", "Jan 2026", "Feb 2026", "Mar 2026", "Month"} <= set(
        texts
    )


def test_charts_use_no_style_attributes_and_escape_their_text():
    hostile = Series("<script>alert(1)</script>", [1, 2, 3])
    for chart in (bar_chart(hostile, categories=["<b>a</b>", "b", "c"]), line_chart(hostile)):
        markup = str(chart_figure(chart, chart_id="x"))
        assert "<script>" not in markup and "<b>" not in markup
        assert "&lt;script&gt;" in markup
        assert BeautifulSoup(markup, "html.parser").select("[style]") == []


# --- A handful of series, each told apart without its colour (issue 17) --------------------


def six_series() -> list[Series]:
    names = ["Paid social", "Offline", "Audio", "Organic search", "Direct", "Other channels"]
    return [Series(name, [index + 1, index + 2, index + 3]) for index, name in enumerate(names)]


def test_a_chart_draws_at_most_six_series_and_refuses_more():
    """Past six, the palette and the patterns would repeat: the caller groups the rest as
    "Other" (the reports do) rather than drawing two series alike."""
    assert MAX_SERIES == 6
    seven = [*six_series(), Series("Referral", [1, 1, 1])]
    with pytest.raises(ValueError, match="at most 6 series"):
        line_chart(*seven)
    with pytest.raises(ValueError, match="at most 6 series"):
        bar_chart(*seven)


def test_the_palette_is_readable_on_white_and_has_a_colour_per_series():
    assert len(set(COLOURS)) == MAX_SERIES
    assert all(contrast_ratio(colour, "#ffffff") >= 3 for colour in COLOURS)


def test_six_lines_differ_in_colour_and_again_in_dash_and_marker_without_it():
    """In greyscale only the dash and the marker shape are left: each line's pair is its own."""
    svg = draw(line_chart(*six_series())).svg
    lines = svg.find_all("polyline")
    assert len(lines) == 6
    assert len({line["stroke"] for line in lines}) == 6
    swatches = [line for line in svg.find_all("line") if line.get("stroke-width") == "2.5"]
    assert len(swatches) == 6
    marks = set()
    for swatch in swatches:
        marker = swatch.find_next_sibling()
        shape = (marker.name, marker.get("d", "").partition(" ")[2])  # the shape, not its place
        marks.add((swatch["stroke-dasharray"], shape))
    assert len(marks) == 6


def test_six_bar_series_differ_in_colour_and_again_in_pattern_without_it():
    svg = draw(bar_chart(*six_series())).svg
    patterns = {pattern["id"]: pattern for pattern in svg.find_all("pattern")}
    swatches = [rect for rect in svg.find_all("rect") if rect.get("width") == "16"]
    assert len({swatch["stroke"] for swatch in swatches}) == 6
    fills = set()
    for swatch in swatches:
        pattern = patterns[swatch["fill"].removeprefix("url(#").removesuffix(")")]
        fills.add("".join(str(child) for child in pattern.children).replace(swatch["stroke"], ""))
    assert len(fills) == 6


# --- Figures as they read --------------------------------------------------------------------


def test_money_charts_read_in_pounds():
    spend = Series("Spend", [Decimal("1234.5"), Decimal("300.00"), None], Kind.MONEY)
    page = draw(bar_chart(spend, title="Spend by council"))
    texts = svg_texts(page)
    assert {"£1,234.50", "£300.00", "–"} <= set(texts)
    assert "Pounds" in texts and "£1,500" in texts  # the axis and its last tick
    assert "Highest spend: Derby City Council (£1,234.50)." in text(page.svg.desc)


def test_percentage_charts_read_in_percent():
    rate = Series(
        "Enquiry to approval", [Decimal("33.3"), Decimal("100.0"), Decimal("0.0")], Kind.PERCENT
    )
    texts = svg_texts(draw(bar_chart(rate)))
    assert {"33.3%", "100.0%", "0.0%"} <= set(texts)
    assert "Percentage" in texts and "100%" in texts


def test_values_and_ticks_are_formatted_by_kind():
    assert format_value(12345, Kind.COUNT) == "12,345"
    assert format_value(Decimal("33.33"), Kind.PERCENT) == "33.3%"
    assert format_value(Decimal("1234.5"), Kind.MONEY) == "£1,234.50"
    assert format_value(Decimal("4.25"), Kind.DAYS) == "4.2"
    assert format_value(date(2026, 1, 1), Kind.MONTH) == "January 2026"
    assert format_value(date(2026, 2, 3), Kind.DATE) == "3 Feb 2026"
    assert format_value("Derby", Kind.TEXT) == "Derby"
    assert format_value(None, Kind.MONEY) == ""
    assert tick_label(25.0, Kind.PERCENT) == "25%"
    assert tick_label(1500.0, Kind.MONEY) == "£1,500"
    assert tick_label(1000.0, Kind.COUNT) == "1,000"
    assert all(is_numeric(kind) for kind in (Kind.COUNT, Kind.PERCENT, Kind.MONEY, Kind.DAYS))
    assert not any(is_numeric(kind) for kind in (Kind.TEXT, Kind.MONTH, Kind.DATE))


def test_the_value_axis_ends_at_a_round_number_above_the_highest_figure():
    assert nice_max(30) == (30, 10)
    assert nice_max(31) == (40, 10)
    assert nice_max(7) == (8, 2)
    assert nice_max(0.7) == pytest.approx((0.8, 0.2))
    assert nice_max(0) == (1.0, 1.0)  # an axis even when every figure is 0


# --- Nothing to draw -------------------------------------------------------------------------


def test_an_empty_chart_draws_nothing():
    assert str(chart_figure(bar_chart(categories=[]))) == ""
    assert str(chart_figure(bar_chart(categories=COUNCILS))) == ""  # no series
    assert str(chart_svg(line_chart(), "x")) == ""


def test_a_chart_of_only_zeros_still_draws_its_axis_without_a_highest_figure():
    page = draw(bar_chart(Series("Approvals", [0, 0, 0])))
    assert "Highest" not in text(page.svg.desc)
    assert svg_texts(page).count("0") >= 3


def test_charts_are_told_apart_on_a_page_and_refuse_inconsistent_data():
    first, second = str(chart_figure(bar_chart(ENQUIRIES))), str(chart_figure(bar_chart(VISITS)))
    first_id = BeautifulSoup(first, "html.parser").svg["aria-labelledby"]
    assert first_id != BeautifulSoup(second, "html.parser").svg["aria-labelledby"]
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        bar_chart(Series("Enquiries", [1, 2]))
    with pytest.raises(ValueError, match="bar"):
        Chart("Pie", COUNCILS, [ENQUIRIES], "pie")  # type: ignore[arg-type]
