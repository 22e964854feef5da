"""Campaign performance and the per-campaign drill-down, against figures worked out by hand.

The data set (London times; British Summer Time ends on Sunday 25 October 2026):

Councils: Derby, Notts. Campaigns and spend:
  R "Bus sides"      regional, offline   £400 on 15 Sep, £200 on 20 Oct
  L "Derby radio"    Derby (local), audio £150 on 5 Oct
  S "Silent search"  regional, paid search £300 on 10 Oct (no enquiries at all)
  Z "Old campaign"   regional, display   £99 on 1 Jun (nothing in October: left out)

Enquiries (council Derby unless said):
  e1 R offline   1 Oct 00:10 BST (30 Sep 23:10 UTC)  visit, application   last touch empty,
                                                       first touch bus/outdoor/route-6
  e2 R offline  15 Oct 12:00                          visit                last touch
                                                       bus/outdoor/route-6, first facebook
  e3 R offline  31 Oct 23:30 GMT (last evening of the range)               last bus/outdoor
  e8 R staff    12 Oct 10:00 entered by staff
  e4 L audio    10 Oct 10:00   visit, application, approval
  e5 none       20 Oct 09:00 direct, council not sure yet
  e6 none       30 Sep 23:30 BST: September, outside the October range
  e7 R offline   1 Nov 00:30 GMT: November, outside the range
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from attribution.models import Campaign
from attribution.tests.factories import AttributedEnquiryFactory, CampaignFactory, SpendEntryFactory
from councils.tests.factories import CouncilFactory
from reporting.reports.base import ReportFilters
from reporting.reports.campaigns import campaign_breakdown, campaign_performance

pytestmark = pytest.mark.django_db

OCTOBER = ReportFilters(date_from=date(2026, 10, 1), date_to=date(2026, 10, 31))


def london(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def data():
    derby = CouncilFactory(name="Derby")
    CouncilFactory(name="Notts")
    bus = CampaignFactory(
        name="Bus sides",
        channel="offline",
        start_date=date(2026, 9, 1),
        end_date=date(2026, 10, 31),
    )
    radio = CampaignFactory(
        name="Derby radio", council=derby, channel="audio", start_date=date(2026, 10, 1)
    )
    silent = CampaignFactory(
        name="Silent search", channel="paid-search", start_date=date(2026, 10, 1)
    )
    old = CampaignFactory(name="Old campaign", channel="display", start_date=date(2026, 6, 1))
    SpendEntryFactory(campaign=bus, spent_on=date(2026, 9, 15), amount=Decimal("400.00"))
    SpendEntryFactory(campaign=bus, spent_on=date(2026, 10, 20), amount=Decimal("200.00"))
    SpendEntryFactory(campaign=radio, spent_on=date(2026, 10, 5), amount=Decimal("150.00"))
    SpendEntryFactory(campaign=silent, spent_on=date(2026, 10, 10), amount=Decimal("300.00"))
    SpendEntryFactory(campaign=old, spent_on=date(2026, 6, 1), amount=Decimal("99.00"))

    route6 = {"utm_source": "bus", "utm_medium": "outdoor", "utm_content": "route-6"}
    make = AttributedEnquiryFactory
    make(
        campaign=bus,
        council=derby,
        channel="offline",
        created_at=london(2026, 10, 1, 0, 10),
        visit_done_on=date(2026, 10, 10),
        application_on=date(2026, 10, 25),
        first_touch=route6,
        last_touch={},
    )
    make(
        campaign=bus,
        council=derby,
        channel="offline",
        created_at=london(2026, 10, 15, 12, 0),
        visit_done_on=date(2026, 10, 20),
        first_touch={"utm_source": "facebook"},
        last_touch=route6,
    )
    make(
        campaign=bus,
        council=derby,
        channel="offline",
        created_at=london(2026, 10, 31, 23, 30),
        last_touch={"utm_source": "bus", "utm_medium": "outdoor"},
    )
    make(
        campaign=bus,
        council=derby,
        channel="staff-entered",
        created_at=london(2026, 10, 12, 10, 0),
        first_touch={"entered_by_staff": True},
        last_touch={"entered_by_staff": True},
    )
    make(
        campaign=radio,
        council=derby,
        channel="audio",
        created_at=london(2026, 10, 10, 10, 0),
        visit_done_on=date(2026, 10, 15),
        application_on=date(2026, 10, 30),
        approved_on=date(2026, 11, 20),
    )
    make(council=None, channel="direct", created_at=london(2026, 10, 20, 9, 0))
    make(council=derby, channel="organic-search", created_at=london(2026, 9, 30, 23, 30))
    make(campaign=bus, council=derby, channel="offline", created_at=london(2026, 11, 1, 0, 30))
    return {"derby": derby, "bus": bus, "radio": radio, "silent": silent, "old": old}


def figures(row: dict, *keys: str) -> tuple:
    return tuple(row[key] for key in keys)


FUNNEL = ("enquiries", "initial_visits", "applications", "approvals")
RATES = ("visit_rate", "visit_to_application_rate", "application_rate", "approval_rate")
MONEY = ("spend", "cost_per_enquiry", "cost_per_application")


def test_campaign_performance_rows_in_order_with_no_campaign_last(data):
    table = campaign_performance(OCTOBER)

    assert [row["campaign"] for row in table.rows] == [
        "Bus sides",  # 4 enquiries
        "Derby radio",  # 1
        "Silent search",  # 0, but spend in October
        "No campaign",  # always last
    ]  # Old campaign: neither enquiries nor spend in October
    assert [row["campaign_id"] for row in table.rows] == [
        data["bus"].pk,
        data["radio"].pk,
        data["silent"].pk,
        None,
    ]
    assert "campaign_id" not in [column.key for column in table.columns]
    bus, radio, silent, none = table.rows

    # Bus sides: e1, e2, e3 (23:30 on the last day counts), e8; e7 (1 Nov) does not.
    # Visits e1, e2; application e1. October spend £200 (the September £400 is outside).
    assert figures(bus, "campaign", "owner", "channel", "start_date", "end_date") == (
        "Bus sides",
        "The hub (regional)",
        "Offline: print, outdoor and events",
        date(2026, 9, 1),
        date(2026, 10, 31),
    )
    assert figures(bus, *FUNNEL) == (4, 2, 1, 0)
    # 2/4 = 50.0, 1/2 = 50.0, 1/4 = 25.0, 0/4 = 0.0
    assert figures(bus, *RATES) == (
        Decimal("50.0"),
        Decimal("50.0"),
        Decimal("25.0"),
        Decimal("0.0"),
    )
    # £200 / 4 = £50.00; £200 / 1 = £200.00
    assert figures(bus, *MONEY) == (Decimal("200.00"), Decimal("50.00"), Decimal("200.00"))

    assert figures(radio, "owner", "channel", "end_date") == (
        "Derby (local)",
        "Audio: radio and podcasts",
        None,
    )
    assert figures(radio, *FUNNEL) == (1, 1, 1, 1)
    assert figures(radio, *RATES) == (Decimal("100.0"),) * 4
    assert figures(radio, *MONEY) == (Decimal("150.00"), Decimal("150.00"), Decimal("150.00"))

    # Spend without enquiries: every rate and cost is undefined.
    assert figures(silent, *FUNNEL) == (0, 0, 0, 0)
    assert figures(silent, *RATES) == (None, None, None, None)
    assert figures(silent, *MONEY) == (Decimal("300.00"), None, None)

    # e5 only (e6 is 30 Sep 23:30 BST: September).
    assert figures(none, *FUNNEL) == (1, 0, 0, 0)
    assert figures(none, *RATES) == (Decimal("0.0"), None, Decimal("0.0"), Decimal("0.0"))
    assert figures(none, *MONEY) == (None, None, None)


def test_campaign_performance_totals_and_chart(data):
    table = campaign_performance(OCTOBER)

    # 4 + 1 + 0 + 1 = 6 enquiries; visits 2 + 1 = 3; applications 1 + 1 = 2; approvals 1.
    # Spend £200 + £150 + £300 = £650, over the 5 enquiries campaigns brought (not e5):
    # £650 / 5 = £130.00; over their 2 applications: £650 / 2 = £325.00.
    # Rates 3/6 = 50.0, 2/3 = 66.7, 2/6 = 33.3, 1/6 = 16.7.
    assert table.totals["campaign"] == "All enquiries"
    assert figures(table.totals, *FUNNEL) == (6, 3, 2, 1)
    assert figures(table.totals, *RATES) == (
        Decimal("50.0"),
        Decimal("66.7"),
        Decimal("33.3"),
        Decimal("16.7"),
    )
    assert figures(table.totals, *MONEY) == (
        Decimal("650.00"),
        Decimal("130.00"),
        Decimal("325.00"),
    )
    assert table.chart.label_key == "campaign"
    assert table.chart.series == ["enquiries", "applications"]
    assert table.chart.kind == "bar"


def test_campaign_performance_for_a_council_leaves_regional_spend_unsplit(data):
    table = campaign_performance(
        ReportFilters(
            date_from=date(2026, 10, 1), date_to=date(2026, 10, 31), council_id=data["derby"].pk
        )
    )

    # Derby's enquiries: Bus sides 4, Derby radio 1. e5 is "not sure yet"; Silent search is
    # regional, so none of its spend is Derby's and it has no Derby enquiries.
    assert [(row["campaign"], row["enquiries"], row["spend"]) for row in table.rows] == [
        ("Bus sides", 4, None),
        ("Derby radio", 1, Decimal("150.00")),
    ]
    assert table.totals["spend"] == Decimal("150.00")
    # £150 over the 1 enquiry Derby radio brought, not the 4 of the hub's Bus sides too.
    assert table.totals["cost_per_enquiry"] == Decimal("150.00")


def test_breakdown_by_deciding_touch_falls_back_to_first_touch(data):
    table = campaign_breakdown(OCTOBER, data["bus"].pk)

    assert table.title == "Campaign: Bus sides"
    rows = [
        (row["utm_source"], row["utm_medium"], row["utm_content"], *figures(row, *FUNNEL))
        for row in table.rows
    ]
    assert rows == [
        # e1 (empty last touch: first touch decides) and e2 (last touch decides, not facebook).
        ("bus", "outdoor", "route-6", 2, 2, 1, 0),
        # e3: no utm_content on the link.
        ("bus", "outdoor", "(none)", 1, 0, 0, 0),
        # e8: entered by staff, a row of its own.
        ("Entered by staff", "", "", 1, 0, 0, 0),
    ]
    assert figures(table.rows[0], *RATES) == (
        Decimal("100.0"),
        Decimal("50.0"),
        Decimal("50.0"),
        Decimal("0.0"),
    )
    assert figures(table.rows[1], *RATES) == (
        Decimal("0.0"),
        None,
        Decimal("0.0"),
        Decimal("0.0"),
    )
    assert figures(table.totals, *FUNNEL) == (4, 2, 1, 0)
    assert table.chart.label_key == "touch"
    assert table.rows[0]["touch"] == "bus / outdoor / route-6"


def test_breakdown_of_a_campaign_without_enquiries_is_empty(data):
    table = campaign_breakdown(OCTOBER, data["silent"].pk)

    assert table.rows == []
    assert figures(table.totals, *FUNNEL) == (0, 0, 0, 0)
    assert table.totals["visit_rate"] is None


def test_breakdown_of_an_unknown_campaign_raises(data):
    with pytest.raises(Campaign.DoesNotExist):
        campaign_breakdown(OCTOBER, 0)


def test_reports_hold_no_personal_data(data):
    for table in (campaign_performance(OCTOBER), campaign_breakdown(OCTOBER, data["bus"].pk)):
        text = repr(table.rows) + repr(table.totals)
        assert "Report" not in text and "example.org" not in text and "DE1" not in text


def test_all_row_cost_is_over_the_enquiries_campaigns_brought(data):
    """October: 6 enquiries, of which e5 came from no campaign. The £650 spent is divided by
    the 5 that campaigns brought (e1, e2, e3, e8 for Bus sides, e4 for Derby radio): £130.00;
    their applications are e1 and e4: £325.00. With Derby chosen only Derby radio's £150 is
    counted, over the 1 enquiry Derby radio brought (not the Bus sides ones): £150.00."""
    table = campaign_performance(OCTOBER)
    assert figures(table.totals, "enquiries", "campaign_enquiries", "campaign_applications") == (
        6,
        5,
        2,
    )
    assert figures(table.totals, *MONEY) == (
        Decimal("650.00"),
        Decimal("130.00"),
        Decimal("325.00"),
    )
    derby = campaign_performance(
        ReportFilters(
            date_from=date(2026, 10, 1), date_to=date(2026, 10, 31), council_id=data["derby"].pk
        )
    )
    assert figures(derby.totals, "enquiries", "campaign_enquiries") == (5, 1)
    assert derby.totals["cost_per_enquiry"] == Decimal("150.00")


def test_a_campaign_without_spend_shows_no_money(data):
    """Old campaign spent nothing in October but brings an enquiry: no £0.00 anywhere."""
    AttributedEnquiryFactory(
        campaign=data["old"], council=data["derby"], channel="display",
        created_at=london(2026, 10, 5, 12, 0),
    )  # fmt: skip
    table = campaign_performance(OCTOBER)
    old = next(row for row in table.rows if row["campaign"] == "Old campaign")
    assert figures(old, *MONEY) == (None, None, None)
    assert old["why_blank"] == {"spend": "No spend"}
