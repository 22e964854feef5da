"""Channels over time and funnel cohorts, against figures worked out by hand.

Times are London times; British Summer Time ends at 02:00 BST on Sunday 25 October 2026.

The month data set:
  j1 direct, no campaign       15 Jan 12:00
  s1 organic search            30 Sep 23:30 BST (22:30 UTC): September
  o1 offline, regional "Bus"    1 Oct 00:10 BST (30 Sep 23:10 UTC): October; visit, application
  o2 offline, regional "Bus"   15 Oct 12:00; visit
  o3 offline, regional "Bus"   31 Oct 23:30 GMT: October (last evening of the month)
  o4 staff entered, "Bus"      12 Oct 10:00
  o5 audio, Derby's "Radio"    10 Oct 10:00; visit, application, approval
  o6 direct, no campaign       20 Oct 09:00
  n1 offline, regional "Bus"    1 Nov 00:30 GMT: November
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from attribution.tests.factories import AttributedEnquiryFactory, CampaignFactory
from councils.tests.factories import CouncilFactory
from reporting.reports.base import ReportFilters
from reporting.reports.trends import channels_over_time, funnel_cohorts

pytestmark = pytest.mark.django_db

FUNNEL = ("enquiries", "initial_visits", "applications", "approvals")
RATES = ("visit_rate", "visit_to_application_rate", "application_rate", "approval_rate")


def london(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def months():
    derby = CouncilFactory(name="Derby")
    bus = CampaignFactory(name="Bus", channel="offline", start_date=date(2026, 9, 1))
    radio = CampaignFactory(
        name="Radio", council=derby, channel="audio", start_date=date(2026, 10, 1)
    )
    make = AttributedEnquiryFactory
    make(channel="direct", created_at=london(2026, 1, 15, 12, 0))
    make(channel="organic-search", created_at=london(2026, 9, 30, 23, 30))
    make(
        campaign=bus,
        channel="offline",
        created_at=london(2026, 10, 1, 0, 10),
        visit_done_on=date(2026, 10, 10),
        application_on=date(2026, 10, 25),
    )
    make(
        campaign=bus,
        channel="offline",
        created_at=london(2026, 10, 15, 12, 0),
        visit_done_on=date(2026, 10, 20),
    )
    make(campaign=bus, channel="offline", created_at=london(2026, 10, 31, 23, 30))
    make(campaign=bus, channel="staff-entered", created_at=london(2026, 10, 12, 10, 0))
    make(
        campaign=radio,
        channel="audio",
        created_at=london(2026, 10, 10, 10, 0),
        visit_done_on=date(2026, 10, 15),
        application_on=date(2026, 10, 30),
        approved_on=date(2026, 11, 20),
    )
    make(channel="direct", created_at=london(2026, 10, 20, 9, 0))
    make(campaign=bus, channel="offline", created_at=london(2026, 11, 1, 0, 30))
    return {"derby": derby}


def counts(table, *keys: str) -> list[tuple]:
    return [tuple(row[key] for key in ("period", *keys)) for row in table.rows]


def test_months_in_a_range_fill_empty_months_and_count_by_london_date(months):
    table = channels_over_time(
        ReportFilters(date_from=date(2026, 8, 1), date_to=date(2026, 11, 30))
    )

    # Channels in classification order: staff entered, offline, audio, organic search, direct.
    keys = ["staff-entered", "offline", "audio", "organic-search", "direct"]
    assert [column.key for column in table.columns] == ["period", "period_start", *keys, "total"]
    assert [column.label for column in table.columns[2:]] == [
        "Entered by staff",
        "Offline: print, outdoor and events",
        "Audio: radio and podcasts",
        "Organic search",
        "Direct",
        "All channels",
    ]
    assert counts(table, "period_start", *keys, "total") == [
        ("Aug 2026", date(2026, 8, 1), 0, 0, 0, 0, 0, 0),  # empty month shown
        ("Sep 2026", date(2026, 9, 1), 0, 0, 0, 1, 0, 1),  # s1 (23:30 BST on 30 Sep)
        # o4; o1 (00:10 BST on 1 Oct), o2, o3 (23:30 on 31 Oct); o5; o6
        ("Oct 2026", date(2026, 10, 1), 1, 3, 1, 0, 1, 6),
        ("Nov 2026", date(2026, 11, 1), 0, 1, 0, 0, 0, 1),  # n1
    ]
    assert [table.totals[key] for key in (*keys, "total")] == [1, 4, 1, 1, 1, 8]
    assert table.chart.kind == "line"
    assert table.chart.label_key == "period"
    assert table.chart.series == keys


def test_last_day_of_the_range_is_included_up_to_midnight_london_time(months):
    table = channels_over_time(
        ReportFilters(date_from=date(2026, 10, 1), date_to=date(2026, 10, 31))
    )

    # o1..o6 only: s1 (30 Sep 23:30 BST) is before, n1 (1 Nov 00:30) after.
    assert [(row["period"], row["total"]) for row in table.rows] == [("Oct 2026", 6)]
    assert [column.key for column in table.columns[2:]] == [
        "staff-entered",
        "offline",
        "audio",
        "direct",
        "total",
    ]


def test_months_without_a_range_run_from_first_to_last_enquiry(months):
    table = channels_over_time(ReportFilters())

    # January to November: 11 months, February to August empty.
    assert [row["period"] for row in table.rows][:3] == ["Jan 2026", "Feb 2026", "Mar 2026"]
    assert len(table.rows) == 11
    assert [row["total"] for row in table.rows] == [1, 0, 0, 0, 0, 0, 0, 0, 1, 6, 1]


def test_weeks_start_on_monday_across_the_october_clock_change():
    make = AttributedEnquiryFactory
    # 00:30 BST on Monday 19 Oct is 23:30 UTC on Sunday 18 Oct: London week of 19 Oct.
    make(channel="paid-social", created_at=london(2026, 10, 19, 0, 30))
    # 23:30 GMT on Sunday 25 Oct, after the clocks went back: still the week of 19 Oct.
    make(channel="paid-social", created_at=london(2026, 10, 25, 23, 30))
    # 00:30 GMT on Monday 26 Oct: the week of 26 Oct.
    make(channel="email", created_at=london(2026, 10, 26, 0, 30))
    make(channel="email", created_at=london(2026, 11, 9, 10, 0))

    table = channels_over_time(ReportFilters(), period="week")

    assert table.title == "Enquiries by channel, week by week"
    assert counts(table, "period_start", "paid-social", "email", "total") == [
        ("w/c 19 Oct 2026", date(2026, 10, 19), 2, 0, 2),
        ("w/c 26 Oct 2026", date(2026, 10, 26), 0, 1, 1),
        ("w/c 2 Nov 2026", date(2026, 11, 2), 0, 0, 0),  # empty week shown
        ("w/c 9 Nov 2026", date(2026, 11, 9), 0, 1, 1),
    ]

    # A range from Wednesday 21 Oct to Tuesday 3 Nov spans exactly the weeks holding those days;
    # the Monday 19 Oct enquiry is outside it.
    ranged = channels_over_time(
        ReportFilters(date_from=date(2026, 10, 21), date_to=date(2026, 11, 3)), period="week"
    )
    assert counts(ranged, "paid-social", "email", "total") == [
        ("w/c 19 Oct 2026", 1, 0, 1),
        ("w/c 26 Oct 2026", 0, 1, 1),
        ("w/c 2 Nov 2026", 0, 0, 0),
    ]


def test_a_range_without_enquiries_shows_its_periods_as_zero(db):
    table = channels_over_time(ReportFilters(date_from=date(2026, 1, 1), date_to=date(2026, 2, 28)))

    assert [(row["period"], row["total"]) for row in table.rows] == [
        ("Jan 2026", 0),
        ("Feb 2026", 0),
    ]
    assert table.chart.series == []


def test_unknown_period_is_refused(db):
    with pytest.raises(ValueError):
        channels_over_time(ReportFilters(), period="day")


def cohort_rows(table) -> list[tuple]:
    return [
        (row["cohort"], row["group"], *(row[key] for key in FUNNEL), row["months_since"])
        for row in table.rows
    ]


def test_cohorts_by_channel(months):
    table = funnel_cohorts(ReportFilters(), by="channel", today=date(2026, 11, 23))

    # months_since: from the end of the cohort month (the 1st of the next) to 23 Nov 2026.
    assert cohort_rows(table) == [
        (date(2026, 1, 1), "Direct", 1, 0, 0, 0, 9),  # 1 Feb to 23 Nov: 9 months
        (date(2026, 9, 1), "Organic search", 1, 0, 0, 0, 1),  # 1 Oct to 23 Nov
        (date(2026, 10, 1), "Entered by staff", 1, 0, 0, 0, 0),
        (date(2026, 10, 1), "Offline: print, outdoor and events", 3, 2, 1, 0, 0),
        (date(2026, 10, 1), "Audio: radio and podcasts", 1, 1, 1, 1, 0),
        (date(2026, 10, 1), "Direct", 1, 0, 0, 0, 0),
        (date(2026, 11, 1), "Offline: print, outdoor and events", 1, 0, 0, 0, 0),  # not ended
    ]
    assert [row["maturity"] for row in table.rows] == ["Mature"] + ["Still maturing"] * 6
    # Offline, October: 2/3 = 66.7, 1/2 = 50.0, 1/3 = 33.3, 0/3 = 0.0
    assert [table.rows[3][key] for key in RATES] == [
        Decimal("66.7"),
        Decimal("50.0"),
        Decimal("33.3"),
        Decimal("0.0"),
    ]
    assert [table.totals[key] for key in FUNNEL] == [9, 3, 2, 1]
    assert any("6 to 9 months" in note for note in table.notes)
    assert table.column("cohort").kind == "month"


def test_cohorts_by_owner(months):
    table = funnel_cohorts(
        ReportFilters(date_from=date(2026, 10, 1), date_to=date(2026, 10, 31)),
        by="owner",
        today=date(2026, 11, 23),
    )

    # October: regional Bus o1, o2, o3, o4; Derby's Radio o5; no campaign o6.
    assert cohort_rows(table) == [
        (date(2026, 10, 1), "The hub (regional)", 4, 2, 1, 0, 0),
        (date(2026, 10, 1), "Derby (local)", 1, 1, 1, 1, 0),
        (date(2026, 10, 1), "No campaign", 1, 0, 0, 0, 0),
    ]


def test_cohort_matures_nine_whole_months_after_its_month_ends(months):
    january = ReportFilters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))

    # January ends on 1 Feb; 31 Oct is 8 months and 30 days later, 1 Nov exactly 9 months.
    before = funnel_cohorts(january, today=date(2026, 10, 31)).rows[0]
    on = funnel_cohorts(january, today=date(2026, 11, 1)).rows[0]

    assert (before["months_since"], before["maturity"]) == (8, "Still maturing")
    assert (on["months_since"], on["maturity"]) == (9, "Mature")


def test_unknown_cohort_grouping_is_refused(db):
    with pytest.raises(ValueError):
        funnel_cohorts(ReportFilters(), by="council")


# --- A handful of series, the rest as "Other" (issue 17) ----------------------------------------

# October and November 2026: enquiries per channel, eight channels in all.
EIGHT_CHANNELS = {
    "direct": (8, 0),
    "offline": (7, 0),
    "paid-social": (6, 0),
    "organic-search": (5, 0),
    "audio": (4, 0),
    "email": (2, 1),
    "referral": (2, 0),
    "paid-search": (1, 0),
}


@pytest.fixture
def eight_channels(db):
    for channel, (october, november) in EIGHT_CHANNELS.items():
        for _ in range(october):
            AttributedEnquiryFactory(channel=channel, created_at=london(2026, 10, 14, 12, 0))
        for _ in range(november):
            AttributedEnquiryFactory(channel=channel, created_at=london(2026, 11, 3, 12, 0))


def test_channels_over_time_draws_the_five_largest_channels_and_the_rest_as_other(
    eight_channels,
):
    """The five largest over the period (direct 8, offline 7, paid social 6, organic search 5,
    audio 4) are drawn in the classification order of the columns; email (3), referral (2) and
    paid search (1) are "Other channels": 2 + 2 + 1 = 5 in October, 1 in November, 6 in all.
    Every channel stays a column of the table and of the spreadsheet."""
    table = channels_over_time(
        ReportFilters(date_from=date(2026, 10, 1), date_to=date(2026, 11, 30))
    )
    assert table.chart.series == [
        "offline",
        "paid-social",
        "audio",
        "organic-search",
        "direct",
        "other",
    ]
    assert [(row["period"], row["other"], row["total"]) for row in table.rows] == [
        ("Oct 2026", 5, 35),
        ("Nov 2026", 1, 1),
    ]
    assert table.totals["other"] == 6
    other = table.column("other")
    assert (other.label, other.exported) == ("Other channels", False)
    exported = [column.key for column in table.exported_columns]
    assert set(EIGHT_CHANNELS) <= set(exported) and "other" not in exported
    # On screen by default: the month, the five drawn, Other and the total.
    assert [column.key for column in table.columns if column.on_screen] == [
        "period",
        "offline",
        "paid-social",
        "audio",
        "organic-search",
        "direct",
        "other",
        "total",
    ]


def test_the_funnel_chart_compares_at_most_six_groups_over_the_stages(eight_channels):
    """Nine cohort rows (eight channels in October, one in November) make one chart group
    per channel for the five largest and one for the rest, each with a bar per stage, summed
    over the months: Other is email 3 + referral 2 + paid search 1 = 6 enquiries."""
    table = funnel_cohorts(
        ReportFilters(date_from=date(2026, 10, 1), date_to=date(2026, 11, 30)),
        today=date(2026, 12, 1),
    )
    assert len(table.rows) == 9
    chart = table.chart
    assert chart.series == ["enquiries", "initial_visits", "applications", "approvals"]
    assert [(row["group"], row["enquiries"]) for row in chart.rows] == [
        ("Offline: print, outdoor and events", 7),
        ("Paid social", 6),
        ("Audio: radio and podcasts", 4),
        ("Organic search", 5),
        ("Direct", 8),
        ("Other channels", 6),
    ]
