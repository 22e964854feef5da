"""The attribution reports in the Wagtail admin: who sees them, what each page shows (filter form,
chart, accessible table), and the CSV/XLSX exports of the same rows.

The small data set (all in January to March 2026, London time):
- Derby and Nottingham councils; a regional hub campaign "Hub winter" (paid social, spend
  £300.00) and Derby's local "Derby radio" (paid search, spend £120.50).
- Enquiry 1: Hub winter, Derby, initial visit and application.
- Enquiry 2: Hub winter, Nottingham, nothing more yet.
- Enquiry 3: Derby radio, Derby, initial visit; received 23:30 London time on 31 March (the last
  day of the range: in).
- Enquiry 4: no campaign, "not sure yet", direct.
- Enquiry 5: 1 April 00:30 London time: outside the range.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse

from accounts.roles import HUB_COMMS, HUB_ENQUIRY, MARKETING_LEADS, sync_roles
from attribution.classification import Channel
from attribution.tests.factories import AttributedEnquiryFactory, CampaignFactory, SpendEntryFactory
from councils.tests.factories import CouncilFactory
from events.models import Registration
from events.tests.factories import EventPageFactory
from reporting.views import REPORTS
from testkit.admin import assert_refused, comms_group, fostering_group
from testkit.reports import RANGE, soup, table_of, text, url

LONDON = ZoneInfo("Europe/London")


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


@pytest.fixture
def data(db):
    derby = CouncilFactory(name="Derby City Council", short_name="derby")
    nottingham = CouncilFactory(name="Nottingham City Council", short_name="nottingham")
    sync_roles()
    hub = CampaignFactory(
        name="Hub winter",
        code="hub-winter",
        channel=Channel.PAID_SOCIAL.value,
        start_date=date(2026, 1, 1),
    )
    local = CampaignFactory(
        name="Derby radio",
        code="derby-radio",
        council=derby,
        channel=Channel.PAID_SEARCH.value,
        start_date=date(2026, 1, 1),
    )
    SpendEntryFactory(campaign=hub, spent_on=date(2026, 1, 10), amount=Decimal("300.00"))
    SpendEntryFactory(campaign=local, spent_on=date(2026, 2, 10), amount=Decimal("120.50"))
    AttributedEnquiryFactory(
        created_at=at(2026, 1, 15, 10),
        council=derby,
        campaign=hub,
        channel=Channel.PAID_SOCIAL.value,
        visit_done_on=date(2026, 2, 1),
        application_on=date(2026, 3, 1),
        first_touch={"utm_source": "facebook", "utm_medium": "paid-social"},
        last_touch={
            "utm_source": "facebook",
            "utm_medium": "paid-social",
            "utm_content": "=HYPERLINK(1)",
        },
    )
    AttributedEnquiryFactory(
        created_at=at(2026, 2, 20, 9),
        council=nottingham,
        campaign=hub,
        channel=Channel.PAID_SOCIAL.value,
        last_touch={"utm_source": "instagram", "utm_medium": "paid-social", "utm_content": "story"},
    )
    AttributedEnquiryFactory(
        created_at=at(2026, 3, 31, 23, 30),
        council=derby,
        campaign=local,
        channel=Channel.PAID_SEARCH.value,
        visit_done_on=date(2026, 4, 20),
    )
    AttributedEnquiryFactory(
        created_at=at(2026, 3, 5, 12), council=None, channel=Channel.DIRECT.value
    )
    AttributedEnquiryFactory(
        created_at=at(2026, 4, 1, 0, 30),
        council=derby,
        campaign=local,
        channel=Channel.PAID_SEARCH.value,
    )
    # One event booking, so that the events reports have a row too.
    Registration.objects.create(
        event=EventPageFactory(starts_at=at(2026, 2, 10, 18), hosts=[derby]),
        created_at=at(2026, 1, 20, 10),
        first_name="Report",
        last_name="Fixture",
        email="booker@example.org",
        postcode="DE1 1AA",
        campaign=hub,
        owner="regional",
        channel=Channel.PAID_SOCIAL.value,
        attended=True,
    )
    return {"derby": derby, "nottingham": nottingham, "hub": hub, "local": local}


@pytest.fixture
def lead(data, make_user, client):
    client.force_login(make_user("marketing-lead", MARKETING_LEADS))
    return client


# Regional and local by owner, worked out by hand (every column chosen):
#   Hub (regional): enquiries 1+2 = 2; visits 1; applications 1; approvals 0;
#     visit rate 1/2 = 50.0%, visit→application 1/1 = 100.0%, application 1/2 = 50.0%, approval 0.0%;
#     its spend brought both enquiries and the application; spend £300.00; per enquiry
#     300/2 = £150.00; per application £300.00.
#   Derby (local): enquiry 3 (23:30 on the last day: in) = 1; visits 1; applications 0;
#     100.0%, 0.0%, 0.0%, 0.0%; spend £120.50; per enquiry £120.50; it brought no application.
#   No campaign: enquiry 4 = 1; 0.0%, none (no visits), 0.0%, 0.0%; no spend.
#   All: 4, 2, 1, 0; 50.0%, 50.0%, 25.0%, 0.0%; £420.50 over the 3 enquiries campaigns brought
#     (not enquiry 4): 420.50/3 = 140.1666 → £140.17; over their 1 application £420.50.
# The regional report's columns, and those it shows before anyone chooses.
REGIONAL_KEYS = [
    "group",
    "enquiries",
    "initial_visits",
    "applications",
    "approvals",
    "visit_rate",
    "visit_to_application_rate",
    "application_rate",
    "approval_rate",
    "campaign_enquiries",
    "campaign_applications",
    "spend",
    "cost_per_enquiry",
    "cost_per_application",
]
REGIONAL_ON_SCREEN = [
    "Owner",
    "Enquiries",
    "Applications",
    "Enquiry to application",
    "Enquiries the spend brought",
    "Spend",
    "Cost per enquiry",
    "Cost per application",
]


HEAD = [
    "Owner",
    "Enquiries",
    "Initial visits",
    "Applications",
    "Approvals",
    "Enquiry to initial visit",
    "Initial visit to application",
    "Enquiry to application",
    "Enquiry to approval",
    "Enquiries the spend brought",
    "Applications the spend brought",
    "Spend",
    "Cost per enquiry",
    "Cost per application",
]
ALL_COLUMNS = {**RANGE, "columns": REGIONAL_KEYS}
NA = "– not applicable"
BODY = [
    [
        "The hub (regional)",
        "2",
        "1",
        "1",
        "0",
        "50.0% 1 of 2",
        "100.0% 1 of 1",
        "50.0% 1 of 2",
        "0.0% 0 of 2",
        "2",
        "1",
        "£300.00",
        "£150.00",
        "£300.00",
    ],
    [
        "Derby City Council (local)",
        "1",
        "1",
        "0",
        "0",
        "100.0% 1 of 1",
        "0.0% 0 of 1",
        "0.0% 0 of 1",
        "0.0% 0 of 1",
        "1",
        "0",
        "£120.50",
        "£120.50",
        "Brought no applications",
    ],
    ["No campaign", "1", "0", "0", "0", "0.0% 0 of 1", NA, "0.0% 0 of 1", "0.0% 0 of 1"] + [NA] * 5,
]
FOOT = [
    "All enquiries",
    "4",
    "2",
    "1",
    "0",
    "50.0% 2 of 4",
    "50.0% 1 of 2",
    "25.0% 1 of 4",
    "0.0% 0 of 4",
    "3",
    "1",
    "£420.50",
    "£140.17",
    "£420.50",
]


# --- Who may see the reports ---------------------------------------------------------------------


def reports_menu_names(client) -> set[str]:
    from wagtail.admin.menu import admin_menu

    response = client.get(reverse("wagtailadmin_home"))
    request = response.wsgi_request
    names = set()
    for item in admin_menu.menu_items_for_request(request):
        for sub in getattr(getattr(item, "menu", None), "menu_items_for_request", lambda r: [])(
            request
        ):
            names.add(sub.name)
    return names


@pytest.mark.parametrize(
    "group",
    [MARKETING_LEADS, HUB_COMMS, HUB_ENQUIRY],
)
def test_marketing_and_hub_staff_see_the_reports(group, data, make_user, client):
    client.force_login(make_user("someone", group))
    names = reports_menu_names(client)
    assert {f"attribution-{report.slug}" for report in REPORTS} <= names
    page = soup(client.get(url("regional-and-local"), RANGE))
    assert page.find("svg", attrs={"role": "img"}) is not None


@pytest.mark.parametrize("role", ["fostering", "comms"])
def test_council_staff_get_no_menu_item_and_are_refused(role, data, make_user, client):
    group = fostering_group(data["derby"]) if role == "fostering" else comms_group(data["derby"])
    client.force_login(make_user("council-person", group))
    assert not any(name.startswith("attribution-") for name in reports_menu_names(client))
    for report in REPORTS:
        assert_refused(client.get(url(report.slug)))
        assert_refused(client.get(reverse(report.results_url_name)))
    assert_refused(client.get(url("regional-and-local"), {**RANGE, "export": "csv"}))


# --- The regional and local report ---------------------------------------------------------------


def test_regional_report_shows_hand_computed_figures_chart_and_table(lead):
    page = soup(lead.get(url("regional-and-local"), ALL_COLUMNS))
    table = table_of(page)
    assert table["caption"] == "Regional and local campaigns: 1 Jan 2026 to 31 Mar 2026"
    assert table["head"] == HEAD
    assert table["head_scopes"] == {"col"}
    assert table["row_scopes"] == {"row"}
    assert table["body"] == BODY
    assert table["foot"] == FOOT
    # Numbers are right-aligned (their cells carry the number class).
    first_row = page.find("table", class_="report-table").tbody.tr
    assert "report-table__number" in first_row.find_all("td")[0]["class"]
    # The chart: a figure with a caption, an SVG image with a title and a summary.
    figure = page.find("figure", class_="report-chart")
    assert text(figure.figcaption) == "Enquiries and how far they got, by owner"
    svg = figure.find("svg")
    assert svg["role"] == "img"
    # Named by its title, described (once) by its summary.
    assert svg["aria-labelledby"] == svg.title["id"]
    assert svg["aria-describedby"] == svg.desc["id"]
    assert "Bar chart" in text(svg.desc)
    assert text(svg.title) == "Enquiries and how far they got, by owner"
    assert "The hub (regional)" in text(svg)
    assert page.find("script", src=False, string=lambda s: s and "report-chart" in s) is None
    # The table scrolls sideways inside its own region, focusable and named by the caption.
    region = page.find("table", class_="report-table").parent
    assert (region["role"], region["tabindex"]) == ("region", "0")
    assert region["aria-labelledby"] == page.find("table", class_="report-table").caption["id"]
    # Notes are above the table.
    html = str(page)
    assert html.index("Spend is counted by the date it was spent") < html.index(
        'class="report-table"'
    )
    # Export buttons in the header keep the filters.
    assert page.find("a", href=lambda h: h and "export=csv" in h and "date_from_year=2026" in h)
    assert page.find("a", href=lambda h: h and "export=xlsx" in h)


def test_filters_and_grouping_change_the_figures(lead, data):
    # Derby only: enquiries 1 (hub) and 3 (Derby radio). Regional spend is not split onto a
    # council, so the hub row has none and the total spend is Derby's own £120.50.
    page = soup(lead.get(url("regional-and-local"), {**RANGE, "council": data["derby"].pk}))
    table = table_of(page)
    assert [row[:2] for row in table["body"]] == [
        ["The hub (regional)", "1"],
        ["Derby City Council (local)", "1"],
    ]
    spend = REGIONAL_ON_SCREEN.index("Spend")
    assert table["body"][0][spend] == NA
    assert table["foot"][1] == "2" and table["foot"][spend] == "£120.50"
    # Not sure yet: only enquiry 4, and no spend at all.
    table = table_of(soup(lead.get(url("regional-and-local"), {**RANGE, "council": "not-sure"})))
    assert table["foot"][:2] == ["All enquiries", "1"]
    assert table["foot"][spend] == NA
    # Group by council: Derby 2 (enquiries 1, 3), Nottingham 1, Not sure yet 1.
    table = table_of(soup(lead.get(url("regional-and-local"), {**RANGE, "by": "council"})))
    assert table["head"][0] == "Council"
    assert [row[:2] for row in table["body"]] == [
        ["Derby City Council", "2"],
        ["Nottingham City Council", "1"],
        ["Not sure yet", "1"],
    ]
    # Channel filter: paid search → enquiry 3 only.
    table = table_of(
        soup(lead.get(url("regional-and-local"), {**RANGE, "channel": Channel.PAID_SEARCH.value}))
    )
    assert table["foot"][1] == "1"


def test_defaults_are_the_last_twelve_months(lead):
    from reporting.forms import default_range

    start, end = default_range()
    page = soup(lead.get(url("regional-and-local")))
    assert page.find("input", attrs={"name": "date_from_year"})["value"] == str(start.year)
    assert page.find("input", attrs={"name": "date_from_day"})["value"] == "1"
    assert page.find("input", attrs={"name": "date_to_day"})["value"] == str(end.day)
    assert start <= end and (end.year - start.year) * 12 + end.month - start.month == 11


def test_default_range_crosses_the_year():
    from reporting.forms import default_range

    assert default_range(date(2026, 3, 15)) == (date(2025, 4, 1), date(2026, 3, 15))
    assert default_range(date(2026, 12, 31)) == (date(2026, 1, 1), date(2026, 12, 31))


def test_invalid_date_shows_the_error_and_keeps_what_was_typed(lead):
    response = lead.get(
        url("regional-and-local"), {**RANGE, "date_from_day": "31", "date_from_month": "2"}
    )
    page = soup(response)
    summary = page.find(class_="report-error-summary")
    assert text(summary.h2) == "There is a problem"
    link = summary.find("a")
    assert text(link) == "Date from must be a real date"
    assert link["href"] == "#id_date_from_day"
    # No script is needed to move focus to the summary: it takes it when the page loads.
    assert summary.has_attr("autofocus") and summary["tabindex"] == "-1"
    assert page.find(id="id_date_from_day")["value"] == "31"
    assert page.find(id="id_date_from_month")["value"] == "2"
    error = page.find(id="date_from-error")
    assert "Date from must be a real date" in text(error)
    assert (
        "date_from-error"
        in page.find("fieldset", attrs={"aria-describedby": True})["aria-describedby"]
    )
    assert page.find("table", class_="report-table") is None
    # A missing part names it; an export of an invalid form shows the page, not a file.
    page = soup(
        lead.get(url("regional-and-local"), {**RANGE, "date_to_month": "", "export": "csv"})
    )
    assert "Date to must include a month" in text(page.find(class_="report-error-summary"))
    # The end before the start.
    page = soup(lead.get(url("regional-and-local"), {**RANGE, "date_to_year": "2025"}))
    assert "Date to must be the same as or after date from" in text(page)


# --- Exports -------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_csv_export_has_the_same_rows_and_totals(lead):
    response = lead.get(url("regional-and-local"), {**RANGE, "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="regional-and-local-')
    assert response["Content-Disposition"].endswith('.csv"')
    rows = read_csv(response)
    # Every column, whichever the screen shows.
    assert rows[0] == HEAD
    # Numbers as numbers: a percentage as 50.0, money as 300.00; nothing for "not applicable".
    assert rows[1:] == [
        [
            "The hub (regional)", "2", "1", "1", "0", "50.0", "100.0", "50.0", "0.0", "2", "1",
            "300.00", "150.00", "300.00",
        ],
        [
            "Derby City Council (local)", "1", "1", "0", "0", "100.0", "0.0", "0.0", "0.0", "1",
            "0", "120.50", "120.50", "",
        ],
        ["No campaign", "1", "0", "0", "0", "0.0", "", "0.0", "0.0", "", "", "", "", ""],
        [
            "All enquiries", "4", "2", "1", "0", "50.0", "50.0", "25.0", "0.0", "3", "1",
            "420.50", "140.17", "420.50",
        ],
    ]  # fmt: skip
    # The same rows as on screen.
    table = table_of(soup(lead.get(url("regional-and-local"), RANGE)))
    assert [row[0] for row in rows[1:]] == [row[0] for row in table["body"]] + [table["foot"][0]]


def test_xlsx_export_opens_with_the_same_values(lead):
    response = lead.get(url("regional-and-local"), {**RANGE, "export": "xlsx"})
    assert response.status_code == 200
    assert ".xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert values[0] == HEAD
    assert values[1][:6] == ["The hub (regional)", 2, 1, 1, 0, 50]
    assert values[1][HEAD.index("Spend")] == 300
    assert values[-1][0] == "All enquiries"
    assert values[-1][1] == 4 and values[-1][HEAD.index("Cost per enquiry")] == pytest.approx(
        140.17
    )
    assert values[3][6] is None  # no visits: no visit→application rate
    assert len(values) == 5


def test_exports_neutralise_formulas(lead, data):
    data["hub"].name = '=HYPERLINK("http://evil")'
    data["hub"].save()
    rows = read_csv(
        lead.get(url("regional-and-local"), {**RANGE, "by": "campaign", "export": "csv"})
    )
    assert '\'=HYPERLINK("http://evil")' in [row[0] for row in rows]
    response = lead.get(url("regional-and-local"), {**RANGE, "by": "campaign", "export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [row[0] for row in book.active.iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://evil")' in cells


# --- The other reports ---------------------------------------------------------------------------


@pytest.mark.parametrize("report", REPORTS, ids=lambda report: report.slug)
def test_every_report_renders_chart_and_table(report, lead):
    page = soup(lead.get(url(report.slug), RANGE))
    assert page.find(string="This report is not available yet.") is None
    table = table_of(page)
    assert table["caption"]
    assert table["head_scopes"] == {"col"}
    assert table["body"], report.slug
    assert page.find("figure", class_="report-chart").find("svg", attrs={"role": "img"})
    rows = read_csv(lead.get(url(report.slug), {**RANGE, "export": "csv"}))
    # The screen's columns are the spreadsheet's (which has them all), in the same order.
    assert [heading for heading in rows[0] if heading in table["head"]] == table["head"]
    assert len(rows) - 1 == len(table["body"]) + (1 if table["foot"] else 0)
    # Each option works.
    for value, _label in report.option_choices:
        soup(lead.get(url(report.slug), {**RANGE, report.option_name: value}))


@pytest.mark.parametrize("report", REPORTS, ids=lambda report: report.slug)
def test_charts_have_no_inline_styles_and_scroll_in_a_named_region(report, lead):
    """The admin's content security policy will forbid style attributes: charts use SVG
    presentation attributes and classes. A chart too wide for a phone scrolls in its own
    focusable region, named by its caption."""
    page = soup(lead.get(url(report.slug), RANGE))
    assert page.select(".report-results [style]") == []
    figure = page.find("figure", class_="report-chart")
    region = figure.find("div", class_="report-chart__scroll")
    assert (region["role"], region["tabindex"]) == ("region", "0")
    assert figure.figcaption["id"] == region["aria-labelledby"]


def test_channels_over_time_draws_a_line_chart_with_a_key(lead):
    page = soup(lead.get(url("channels-over-time"), RANGE))
    svg = page.find("svg", attrs={"role": "img"})
    assert "Line chart" in text(svg.desc)
    polylines = svg.find_all("polyline")
    assert polylines
    # A key below the lines (not labels at the line ends, which collide): one dashed swatch
    # per series with the same dash as its line.
    texts = [text(node) for node in svg.find_all("text")]
    assert "Paid social" in texts and "Paid search" in texts and "Direct" in texts
    swatches = [line for line in svg.find_all("line") if line.get("stroke-width") == "2.5"]
    assert [line["stroke-dasharray"] for line in swatches][: len(polylines)] == [
        line["stroke-dasharray"] for line in polylines
    ]
    # The range has three months, each labelled along the bottom, all inside the drawing.
    assert {"Jan 2026", "Feb 2026", "Mar 2026"} <= set(texts)
    height = int(svg["viewbox"].split()[3])  # html.parser lowercases names
    assert all(float(node["y"]) < height for node in svg.find_all("text") if node.get("y"))
    # Dates are not broken over lines in the table.
    page = soup(lead.get(url("channels-over-time"), {**RANGE, "columns": ["period_start"]}))
    assert page.find("td", class_="report-table__nowrap")


def test_bar_chart_wraps_long_labels_instead_of_cutting_them(lead, data):
    data["derby"].name = "Derbyshire County Council and Derby City Council together"
    data["derby"].save()
    page = soup(lead.get(url("regional-and-local"), {**RANGE, "by": "council"}))
    svg = page.find("svg", attrs={"role": "img"})
    assert "…" not in text(svg)
    label = next(node for node in svg.find_all("text") if "Derbyshire" in text(node) and node.tspan)
    lines = [text(tspan) for tspan in label.find_all("tspan")]
    assert 2 <= len(lines) <= 3
    assert " ".join(lines) == "Derbyshire County Council and Derby City Council together"


def test_wrap_breaks_at_spaces_and_keeps_at_most_three_lines():
    from core.charts import wrap_label as _wrap

    assert _wrap("Derbyshire County Council (local)", 18) == [
        "Derbyshire County",
        "Council (local)",
    ]
    assert _wrap("Short", 18) == ["Short"]
    assert _wrap("one two three four five six", 5) == ["one", "two", "thre…"]


def test_campaign_drill_down_shows_source_medium_content(lead, data):
    page = soup(lead.get(url("campaigns"), {**RANGE, "owner": "regional"}))
    link = page.find("a", string="Hub winter")
    assert link is not None
    href = link["href"]
    assert f"campaign={data['hub'].pk}" in href and "breakdown=1" in href
    assert "owner=regional" in href and "date_from_year=2026" in href
    page = soup(lead.get(href))
    table = table_of(page)
    assert "Source (utm_source)" in table["head"]
    assert "Medium (utm_medium)" in table["head"]
    assert "Content (utm_content)" in table["head"]
    cells = {cell for row in table["body"] for cell in row}
    assert {"facebook", "instagram", "story"} <= cells
    assert page.find("a", string="Back to all campaigns")
    # The breakdown exports too, with hostile content made inert.
    response = lead.get(href + "&export=csv")
    assert "campaigns-breakdown-" in response["Content-Disposition"]
    rows = read_csv(response)
    assert any("'=HYPERLINK(1)" in row for row in rows)


def test_far_off_years_are_refused_with_a_clear_error(lead):
    """A typo like 9999 would otherwise ask for half a million weeks."""
    page = soup(
        lead.get(url("channels-over-time"), {**RANGE, "date_to_year": "9999", "period": "week"})
    )
    summary = page.find(class_="error-summary") or page.find(attrs={"role": "alert"})
    assert summary is not None
    assert "Date to must be between 2000 and" in text(summary)
    assert page.find("table", class_="report-table") is None


def test_a_choice_error_is_tied_to_its_select(lead):
    page = soup(lead.get(url("regional-and-local"), {**RANGE, "campaign": "999999"}))
    select = page.find("select", attrs={"name": "campaign"})
    assert select["aria-describedby"] == "campaign-error"
    assert page.find(id="campaign-error") is not None


# --- A board could read them (issue 17) ----------------------------------------------------------


def test_the_table_shows_its_key_columns_and_says_where_the_rest_are(lead):
    """Eight of the fourteen columns fit a laptop's screen, spend and costs among them; the hint
    says so and links to the spreadsheets, which keep every column; the chooser (a plain part
    of the filter form) shows any others."""
    page = soup(lead.get(url("regional-and-local"), RANGE))
    table = table_of(page)
    assert table["head"] == REGIONAL_ON_SCREEN
    # The hub: 2 enquiries, 1 application (50.0 %, 1 of 2), both from its campaign; £300.
    assert table["body"][0] == [
        "The hub (regional)", "2", "1", "50.0% 1 of 2", "2", "£300.00", "£150.00", "£300.00"
    ]  # fmt: skip
    hint = page.find(class_="report-columns-hint")
    assert text(hint).startswith("Showing 8 of 14 columns.")
    links = {text(link): link["href"] for link in hint.find_all("a")}
    csv_link, xlsx_link = links["CSV spreadsheet"], links["XLSX spreadsheet"]
    assert "export=csv" in csv_link and "date_from_year=2026" in csv_link
    assert "export=xlsx" in xlsx_link
    boxes = page.select('.report-columns input[type="checkbox"][name="columns"]')
    assert [box["value"] for box in boxes] == REGIONAL_KEYS[1:]
    assert [box["value"] for box in boxes if box.has_attr("checked")] == [
        "enquiries", "applications", "application_rate", "campaign_enquiries", "spend",
        "cost_per_enquiry", "cost_per_application",
    ]  # fmt: skip
    # The spreadsheet has every column.
    rows = read_csv(lead.get(url("regional-and-local"), {**RANGE, "export": "csv"}))
    assert len(rows[0]) == 14
    # Chosen columns are shown, in the table's order, the row header always first.
    chosen = table_of(
        soup(lead.get(url("regional-and-local"), {**RANGE, "columns": ["spend", "visit_rate"]}))
    )
    assert chosen["head"] == ["Owner", "Enquiry to initial visit", "Spend"]
    # Every column at once: no hint.
    page = soup(lead.get(url("regional-and-local"), {**RANGE, "columns": REGIONAL_KEYS}))
    assert len(table_of(page)["head"]) == 14
    assert page.find(class_="report-columns-hint") is None


def test_rows_without_spend_show_no_money_on_screen(lead):
    """By channel: nobody spent on Direct (enquiry 4). Its spend says "No spend" and its costs
    are not applicable; nowhere does the table show £0.00."""
    page = soup(lead.get(url("regional-and-local"), {**RANGE, "by": "channel"}))
    table = table_of(page)
    direct = next(row for row in table["body"] if row[0] == "Direct")
    assert direct[-4:] == [NA, "No spend", NA, NA]
    assert "£0.00" not in text(page.find("table", class_="report-table"))
    rows = read_csv(
        lead.get(url("regional-and-local"), {**RANGE, "by": "channel", "export": "csv"})
    )
    direct = next(row for row in rows if row[0] == "Direct")
    assert direct[-3:] == ["", "", ""]


def test_the_all_row_costs_only_the_enquiries_campaigns_brought(lead):
    """£420.50 over the 3 enquiries campaigns brought (enquiry 4 came from none): £140.17, and
    over their 1 application: £420.50. The note says so."""
    page = soup(lead.get(url("regional-and-local"), RANGE))
    assert table_of(page)["foot"] == [
        "All enquiries", "4", "1", "25.0% 1 of 4", "3", "£420.50", "£140.17", "£420.50"
    ]  # fmt: skip
    assert (
        "In the “All enquiries” row, cost per enquiry is the spend (£420.50) divided by the "
        "enquiries its campaigns brought (3 of 4), not by every enquiry."
    ) in text(page.find(class_="report-notes"))


def many_channels() -> None:
    """Enquiries in eight channels in each month of the range (seven more than the fixture's
    direct one): more than a chart can tell apart."""
    for index, channel in enumerate(
        ["offline", "paid-search", "paid-social", "display", "email", "organic-search", "referral"]
    ):
        for month, times in ((1, 1), (2, index + 1), (3, 1)):
            for _ in range(times):
                AttributedEnquiryFactory(created_at=at(2026, month, 14, 12), channel=channel)


def test_channels_over_time_draws_a_handful_of_lines_each_its_own_style(lead):
    many_channels()
    page = soup(lead.get(url("channels-over-time"), RANGE))
    svg = page.find("svg", attrs={"role": "img"})
    lines = svg.find_all("polyline")
    assert len(lines) == 6
    assert len({line["stroke"] for line in lines}) == 6
    assert len({line["stroke-dasharray"] for line in lines}) == 6
    assert "Other channels" in [text(node) for node in svg.find_all("text")]
    assert "Other channels" in table_of(page)["head"]


def test_the_funnel_chart_is_a_sensible_height(lead):
    """Three months of eight channels are 24 cohort rows; the chart compares at most six
    groups, each with a bar per stage, so it stays shorter than a screen."""
    many_channels()
    page = soup(lead.get(url("funnel-by-source"), RANGE))
    assert len(table_of(page)["body"]) >= 20
    svg = page.find("svg", attrs={"role": "img"})
    assert int(svg["height"]) <= 700
    # The chart adds up the months, so its figures are shown beside it as a table of their own.
    figures = page.find("details", class_="report-chart__figures")
    assert text(figures.summary) == "The chart’s figures"
    groups = [text(row.th) for row in figures.find("tbody").find_all("tr")]
    assert len(groups) == 6 and groups[-1] == "Other channels"


def test_a_bar_chart_of_many_rows_draws_the_largest_and_says_so(lead, data):
    """Fourteen campaigns with enquiries (and "No campaign"): the chart draws the twelve with
    the most enquiries, about a screen's height; the table has every row."""
    for number in range(1, 13):
        campaign = CampaignFactory(name=f"Campaign {number}", code=f"campaign-{number}")
        for _ in range(number):
            AttributedEnquiryFactory(created_at=at(2026, 2, 1, 12), campaign=campaign)
    page = soup(lead.get(url("campaigns"), RANGE))
    assert len(table_of(page)["body"]) == 15
    figure = page.find("figure", class_="report-chart")
    assert text(figure.figcaption) == (
        "Enquiries and applications by campaign (the 12 largest of 15 rows; the table has them all)"
    )
    labels = {text(node) for node in figure.svg.find_all("text")}
    assert "Campaign 12" in labels and "Campaign 1" not in labels
