"""Regional versus local, against figures worked out by hand.

The data set (period 1 June to 31 August 2026, London time):

    E1  1 Jun 09:00  Derby       hub social (regional)   visit, application
    E2 10 Jun        Nottingham  hub social (regional)   visit
    E3  5 Jul        Derby       hub social (regional)
    E4  6 Jul        Derby       Derby leaflets (local)  visit, application, approval
    E5 31 Aug 23:30  Derby       Derby leaflets (local)              <- last evening: in
    E6  1 Sep 00:30  Derby       Derby leaflets (local)              <- after midnight: out
    E7 31 May 23:30  Derby       hub social (regional)               <- before the range: out
    E8 20 Jul        not sure    no campaign (organic search)  visit
    E9  1 Aug        Nottingham  no campaign (direct)

Spend in the period: hub social 600 (15 Jun) + 300 (31 Aug) = 900 (1,000 on 1 Sep is out);
Derby leaflets 200 (1 Jul; 50 on 31 May is out); Nottingham radio 120 (10 Jul) and no
enquiries at all.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from attribution.tests.factories import AttributedEnquiryFactory, CampaignFactory, SpendEntryFactory
from councils.tests.factories import CouncilFactory
from reporting.reports import ReportFilters, regional_vs_local

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
PERIOD = {"date_from": datetime.date(2026, 6, 1), "date_to": datetime.date(2026, 8, 31)}
FUNNEL = ("enquiries", "initial_visits", "applications", "approvals")
RATES = ("visit_rate", "visit_to_application_rate", "application_rate", "approval_rate")
MONEY = ("spend", "cost_per_enquiry", "cost_per_application")


def at(day: str, clock: str = "12:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LONDON)


def d(day: str) -> datetime.date:
    return datetime.date.fromisoformat(day)


@pytest.fixture
def data(db):
    derby = CouncilFactory(name="Derby City Council", short_name="derby")
    nottingham = CouncilFactory(name="Nottingham City Council", short_name="nottingham")
    social = CampaignFactory(name="Hub social", code="hub-social", council=None)
    leaflets = CampaignFactory(
        name="Derby leaflets", code="derby-leaflets", council=derby, channel="offline"
    )
    radio = CampaignFactory(
        name="Nottingham radio", code="notts-radio", council=nottingham, channel="audio"
    )
    for campaign, day, amount in [
        (social, "2026-06-15", "600"),
        (social, "2026-08-31", "300"),
        (social, "2026-09-01", "1000"),
        (leaflets, "2026-07-01", "200"),
        (leaflets, "2026-05-31", "50"),
        (radio, "2026-07-10", "120"),
    ]:
        SpendEntryFactory(campaign=campaign, spent_on=d(day), amount=Decimal(amount))

    def enquiry(when, council, campaign, channel, *milestones):
        names = ("visit_done_on", "application_on", "approved_on")
        dates = dict(zip(names[: len(milestones)], milestones, strict=True))
        return AttributedEnquiryFactory(
            created_at=when, council=council, campaign=campaign, channel=channel, **dates
        )

    enquiry(
        at("2026-06-01", "09:00"), derby, social, "paid-social", d("2026-06-20"), d("2026-07-30")
    )
    enquiry(at("2026-06-10"), nottingham, social, "paid-social", d("2026-06-25"))
    enquiry(at("2026-07-05"), derby, social, "paid-social")
    enquiry(
        at("2026-07-06"),
        derby,
        leaflets,
        "offline",
        d("2026-07-20"),
        d("2026-08-20"),
        d("2026-11-01"),
    )
    enquiry(at("2026-08-31", "23:30"), derby, leaflets, "offline")
    enquiry(at("2026-09-01", "00:30"), derby, leaflets, "offline")
    enquiry(at("2026-05-31", "23:30"), derby, social, "paid-social")
    enquiry(at("2026-07-20"), None, None, "organic-search", d("2026-08-01"))
    enquiry(at("2026-08-01"), nottingham, None, "direct")
    return {"derby": derby, "nottingham": nottingham, "social": social, "leaflets": leaflets}


def figures(row: dict) -> tuple:
    return (
        row["group"],
        tuple(row[key] for key in FUNNEL),
        tuple(None if row[key] is None else str(row[key]) for key in RATES),
        tuple(None if row[key] is None else str(row[key]) for key in MONEY),
    )


def test_by_owner_the_hub_and_each_council_with_spend_and_costs(data):
    table = regional_vs_local(ReportFilters(**PERIOD), by="owner")
    assert [figures(row) for row in table.rows] == [
        # 3 enquiries, 2 visits, 1 application; 900 / 3 = 300; 900 / 1 application.
        (
            "The hub (regional)",
            (3, 2, 1, 0),
            ("66.7", "50.0", "33.3", "0.0"),
            ("900.00", "300.00", "900.00"),
        ),
        (
            "Derby City Council (local)",
            (2, 1, 1, 1),
            ("50.0", "100.0", "50.0", "50.0"),
            ("200.00", "100.00", "200.00"),
        ),
        # Spent 120 and brought nobody: shown, with no cost per enquiry.
        (
            "Nottingham City Council (local)",
            (0, 0, 0, 0),
            (None, None, None, None),
            ("120.00", None, None),
        ),
        ("No campaign", (2, 1, 0, 0), ("50.0", "0.0", "0.0", "0.0"), (None, None, None)),
    ]
    # 7 enquiries, 4 visits, 2 applications, 1 approval; the costs are over what campaigns
    # brought (E8 and E9 came from none): 1,220 / 5 = 244.00; 1,220 / 2 (E1, E4) = 610.
    assert figures(table.totals) == (
        "All enquiries",
        (7, 4, 2, 1),
        ("57.1", "50.0", "28.6", "14.3"),
        ("1220.00", "244.00", "610.00"),
    )


def test_by_council_spend_is_each_councils_own_local_spend(data):
    table = regional_vs_local(ReportFilters(**PERIOD), by="council")
    # Each council's spend over the enquiries its own campaigns brought: Derby's leaflets
    # brought E4 and E5 (200 / 2 = 100.00; E4's application 200.00); Nottingham's radio none.
    assert [figures(row) for row in table.rows] == [
        (
            "Derby City Council",
            (4, 2, 2, 1),
            ("50.0", "100.0", "50.0", "25.0"),
            ("200.00", "100.00", "200.00"),
        ),
        (
            "Nottingham City Council",
            (2, 1, 0, 0),
            ("50.0", "0.0", "0.0", "0.0"),
            ("120.00", None, None),
        ),
        ("Not sure yet", (1, 1, 0, 0), ("100.0", "0.0", "0.0", "0.0"), (None, None, None)),
    ]
    assert table.totals["enquiries"] == 7
    assert table.totals["spend"] == Decimal("1220.00")
    assert any("not split between councils" in note for note in table.notes)


def test_one_council_chosen_leaves_regional_spend_unsplit(data):
    table = regional_vs_local(ReportFilters(**PERIOD, council_id=data["derby"].pk), by="owner")
    assert [figures(row) for row in table.rows] == [
        # E1 and E3; the hub's spend is not split onto Derby.
        ("The hub (regional)", (2, 1, 1, 0), ("50.0", "100.0", "50.0", "0.0"), (None, None, None)),
        (
            "Derby City Council (local)",
            (2, 1, 1, 1),
            ("50.0", "100.0", "50.0", "50.0"),
            ("200.00", "100.00", "200.00"),
        ),
    ]
    assert (table.totals["enquiries"], table.totals["spend"]) == (4, Decimal("200.00"))


def test_channel_owner_and_campaign_filters(data):
    offline = regional_vs_local(ReportFilters(**PERIOD, channel="offline"), by="owner")
    assert [(row["group"], row["enquiries"], row["spend"]) for row in offline.rows] == [
        ("Derby City Council (local)", 2, Decimal("200.00"))
    ]
    none = regional_vs_local(ReportFilters(**PERIOD, owner="none"), by="owner")
    assert [(row["group"], row["enquiries"]) for row in none.rows] == [("No campaign", 2)]
    assert none.totals["spend"] is None
    social = regional_vs_local(
        ReportFilters(**PERIOD, campaign_id=data["social"].pk), by="campaign"
    )
    assert [(row["group"], row["enquiries"], row["spend"]) for row in social.rows] == [
        ("Hub social", 3, Decimal("900.00"))
    ]


def test_by_channel_spend_follows_the_campaigns_channel(data):
    table = regional_vs_local(ReportFilters(**PERIOD), by="channel")
    assert [(row["group"], row["enquiries"], row["spend"]) for row in table.rows] == [
        ("Offline: print, outdoor and events", 2, Decimal("200.00")),
        ("Paid social", 3, Decimal("900.00")),
        ("Audio: radio and podcasts", 0, Decimal("120.00")),
        ("Organic search", 1, None),  # nothing spent: no money shown (see below)
        ("Direct", 1, None),
    ]
    # Money always carries its pence (CSV shows 120.00, not 120).
    assert str(table.rows[2]["spend"]) == "120.00"


def test_filters_read_from_the_query_string_ignore_nonsense():
    filters = ReportFilters.from_mapping(
        {"date_from": "2026-02-30", "date_to": "2026-03-01", "owner": "nobody", "council": "x"}
    )
    assert filters == ReportFilters(date_to=datetime.date(2026, 3, 1))
    assert ReportFilters.from_mapping({"council": "not-sure"}).council_id == "not-sure"


def test_another_councils_campaign_shows_no_spend_when_one_council_is_chosen(data):
    """A Nottingham enquiry from Derby's leaflets: with Nottingham chosen, Derby's spend is not
    Nottingham's, so the row has no spend (not a misleading £0.00)."""
    AttributedEnquiryFactory(
        created_at=at("2026-07-07"),
        council=data["nottingham"],
        campaign=data["leaflets"],
        channel="offline",
    )
    table = regional_vs_local(ReportFilters(**PERIOD, council_id=data["nottingham"].pk))
    assert [(row["group"], row["enquiries"], row["spend"]) for row in table.rows] == [
        ("The hub (regional)", 1, None),
        ("Derby City Council (local)", 1, None),
        ("Nottingham City Council (local)", 0, Decimal("120.00")),
        ("No campaign", 1, None),
    ]


def test_the_uk_date_is_kept_whatever_time_zone_the_admin_user_chose(db):
    """Wagtail runs admin views in the user's own time zone; reports count UK days."""
    from django.utils import timezone as tz

    with tz.override(ZoneInfo("America/New_York")):
        enquiry = AttributedEnquiryFactory(created_at=at("2026-01-15", "00:30"))
    assert enquiry.received_on == datetime.date(2026, 1, 15)


# --- Costs only where money was spent, over the enquiries the money brought (issue 17) ----------


def test_rows_without_spend_show_no_money(data):
    """Organic search and Direct had no campaign spending on them: no £0.00 spend and no £0.00
    per enquiry, but blanks, the spend's saying why."""
    table = regional_vs_local(ReportFilters(**PERIOD), by="channel")
    rows = {row["group"]: row for row in table.rows}
    for channel in ("Organic search", "Direct"):
        row = rows[channel]
        assert tuple(row[key] for key in MONEY) == (None, None, None), channel
        assert row["why_blank"] == {"spend": "No spend"}
    assert rows["Paid social"]["spend"] == Decimal("900.00")


def test_all_row_cost_is_over_the_enquiries_campaigns_brought(data):
    """7 enquiries in the period, of which E8 and E9 came from no campaign: the £1,220 spent is
    divided by the 5 that campaigns brought (E1-E5): £244.00 per enquiry; their applications
    are E1 and E4: £610.00 per application."""
    table = regional_vs_local(ReportFilters(**PERIOD), by="owner")
    totals = table.totals
    assert (totals["enquiries"], totals["campaign_enquiries"], totals["campaign_applications"]) == (
        7,
        5,
        2,
    )
    assert (totals["spend"], totals["cost_per_enquiry"], totals["cost_per_application"]) == (
        Decimal("1220.00"),
        Decimal("244.00"),
        Decimal("610.00"),
    )
    assert (
        "In the “All enquiries” row, cost per enquiry is the spend (£1,220.00) divided by the "
        "enquiries its campaigns brought (5 of 7), not by every enquiry."
    ) in table.notes


def test_a_councils_cost_is_over_the_enquiries_its_own_campaigns_brought(data):
    """By council, Derby's spend is its leaflets' £200: the Derby enquiries those leaflets
    brought are E4 and E5 (E1 and E3 came from the hub's campaign), so £100.00 per enquiry and
    £200.00 for E4's application. Nottingham's radio spent £120 and brought nobody: its two
    enquiries came from the hub and from no campaign, so it has no cost per enquiry."""
    table = regional_vs_local(ReportFilters(**PERIOD), by="council")
    rows = {row["group"]: row for row in table.rows}
    derby, nottingham = rows["Derby City Council"], rows["Nottingham City Council"]
    assert (derby["enquiries"], derby["campaign_enquiries"]) == (4, 2)
    assert (derby["cost_per_enquiry"], derby["cost_per_application"]) == (
        Decimal("100.00"),
        Decimal("200.00"),
    )
    assert (nottingham["enquiries"], nottingham["campaign_enquiries"]) == (2, 0)
    assert (nottingham["spend"], nottingham["cost_per_enquiry"]) == (Decimal("120.00"), None)
    assert nottingham["why_blank"]["cost_per_enquiry"] == "Brought no enquiries"
