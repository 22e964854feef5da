"""The journey reports: first versus last touch, tracked versus self-reported source, and how
quickly councils respond. Every expected figure is worked out by hand in the comments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from attribution.tests.factories import AttributedEnquiryFactory, CampaignFactory
from councils.tests.factories import CouncilFactory
from enquiry.tests.factories import HearAboutOptionFactory
from reporting.reports import journey
from reporting.reports.base import ReportFilters

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(day: str, clock: str = "12:00") -> datetime:
    """A London wall-clock time, as an aware datetime."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LONDON)


def by_group(table) -> dict[str, dict]:
    return {row["group"]: row for row in table.rows}


def pick(row: dict, *keys: str) -> tuple:
    return tuple(row[key] for key in keys)


# --- First touch versus last touch ---------------------------------------------------------------

JANUARY = ReportFilters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))
FIGURES = ("first_touch", "last_touch", "difference", "first_touch_applications")


@pytest.fixture
def journeys():
    derby = CouncilFactory(name="Derby City Council")
    regional = CampaignFactory(name="Hub winter", channel="paid-social")
    local = CampaignFactory(name="Derby posters", council=derby, channel="offline")
    applied = {"application_on": date(2026, 3, 1)}

    def make(channel, first_channel, campaign, first_campaign, when=None, **more):
        return AttributedEnquiryFactory(
            created_at=when or at("2026-01-15"),
            council=derby,
            channel=channel,
            first_channel=first_channel,
            campaign=campaign,
            first_campaign=first_campaign,
            **more,
        )

    make("paid-social", "organic-search", regional, None, **applied)  # e1
    make("paid-social", "paid-social", regional, regional)  # e2
    make("offline", "", local, None, **applied)  # e3: an old row (no first channel)
    make("organic-search", "email", None, None)  # e4
    make("direct", "paid-social", None, regional, **applied)  # e5
    make("paid-social", "offline", regional, local)  # e8
    make("email", "email", None, None, when=at("2026-01-31", "23:30"))  # e7: last day, in
    make("email", "email", None, None, when=at("2026-02-01", "00:30"))  # e6: out of range
    return derby


def test_first_vs_last_by_channel(journeys, django_assert_max_num_queries):
    # First touch (an empty first channel counts as the channel):
    #   e1 organic search (applied), e2 paid social, e3 offline (applied), e4 email,
    #   e5 paid social (applied), e8 offline, e7 email.
    # Last touch: e1 e2 e8 paid social, e3 offline, e4 organic search, e5 direct, e7 email.
    with django_assert_max_num_queries(1):
        table = journey.first_vs_last(JANUARY)

    assert [row["group"] for row in table.rows] == [
        "Offline: print, outdoor and events",
        "Paid social",
        "Email",
        "Organic search",
        "Direct",
    ]
    rows = by_group(table)
    assert pick(rows["Offline: print, outdoor and events"], *FIGURES) == (2, 1, -1, 1)
    assert pick(rows["Paid social"], *FIGURES) == (2, 3, 1, 1)
    assert pick(rows["Email"], *FIGURES) == (2, 1, -1, 0)
    assert pick(rows["Organic search"], *FIGURES) == (1, 1, 0, 1)
    assert pick(rows["Direct"], *FIGURES) == (0, 1, 1, 0)
    # 1 of 2, 1 of 2, 0 of 2, 1 of 1, and no first touches at all.
    assert [row["first_touch_application_rate"] for row in table.rows] == [
        Decimal("50.0"),
        Decimal("50.0"),
        Decimal("0.0"),
        Decimal("100.0"),
        None,
    ]
    # 7 enquiries (e6 came in after the range), 3 applications: 3 / 7 = 42.857 %.
    assert pick(table.totals, *FIGURES) == (7, 7, 0, 3)
    assert table.totals["first_touch_application_rate"] == Decimal("42.9")
    assert table.chart.kind == "bar"
    assert table.chart.series == ["first_touch", "last_touch"]
    assert "first touch" in table.notes[0]
    assert {column.key for column in table.columns} >= set(FIGURES)
    for row in table.rows:
        assert set(row) == {column.key for column in table.columns}


def test_first_vs_last_by_owner(journeys, django_assert_max_num_queries):
    # First touch owner is the first campaign's; an old row (e3) falls back to its campaign:
    #   regional: e2, e5 (applied) = 2; Derby local: e3 (applied), e8 = 2;
    #   no campaign: e1 (applied), e4, e7 = 3.
    # Last touch owner: regional e1 e2 e8 = 3; Derby local e3 = 1; none e4 e5 e7 = 3.
    with django_assert_max_num_queries(3):
        table = journey.first_vs_last(JANUARY, by="owner")

    assert [row["group"] for row in table.rows] == [
        "The hub (regional)",
        "Derby City Council (local)",
        "No campaign",
    ]
    rows = by_group(table)
    assert pick(rows["The hub (regional)"], *FIGURES) == (2, 3, 1, 1)
    assert pick(rows["Derby City Council (local)"], *FIGURES) == (2, 1, -1, 1)
    assert pick(rows["No campaign"], *FIGURES) == (3, 3, 0, 1)
    assert rows["No campaign"]["first_touch_application_rate"] == Decimal("33.3")
    assert pick(table.totals, *FIGURES) == (7, 7, 0, 3)


def test_first_vs_last_refuses_other_groupings(db):
    with pytest.raises(ValueError):
        journey.first_vs_last(JANUARY, by="campaign")


def test_first_vs_last_with_no_enquiries(db):
    table = journey.first_vs_last(JANUARY)
    assert table.rows == []
    assert pick(table.totals, *FIGURES) == (0, 0, 0, 0)
    assert table.totals["first_touch_application_rate"] is None


# --- Tracked versus self-reported ----------------------------------------------------------------


def test_self_reported_agreement_matrix(db, django_assert_max_num_queries):
    social = HearAboutOptionFactory(
        label="Social media", sort_order=0, matching_channels=["paid-social", "organic-social"]
    )
    search = HearAboutOptionFactory(
        label="Search engine", sort_order=1, matching_channels=["organic-search", "paid-search"]
    )
    friend = HearAboutOptionFactory(label="Friend or family", sort_order=2, matching_channels=[])
    radio = HearAboutOptionFactory(
        label="Radio", sort_order=3, is_active=False, matching_channels=["audio"]
    )
    # Retired and never given in the period: not a column.
    HearAboutOptionFactory(
        label="Old poster", sort_order=4, is_active=False, matching_channels=["offline"]
    )

    def make(channel: str, answer, times: int = 1) -> None:
        for _ in range(times):
            AttributedEnquiryFactory(
                created_at=at("2026-01-10"), channel=channel, heard_about=answer
            )

    make("paid-social", social, 3)
    make("paid-social", search)
    make("paid-social", friend)
    make("paid-social", None)
    make("organic-search", search, 2)
    make("organic-search", social)
    make("organic-search", radio)
    make("email", friend)
    make("email", None, 2)
    make("organic-social", social)
    make("direct", None, 2)

    with django_assert_max_num_queries(2):
        table = journey.self_reported_agreement(JANUARY)

    answers = [f"answer_{option.pk}" for option in (social, search, friend, radio)]
    assert [column.key for column in table.columns] == [
        "group",
        *answers,
        "no_answer",
        "enquiries",
        "compared",
        "agreeing",
        "agreement",
    ]
    assert [table.column(key).label for key in answers] == [
        "Social media",
        "Search engine",
        "Friend or family",
        "Radio",
    ]
    assert [row["group"] for row in table.rows] == [
        "Paid social",
        "Email",
        "Organic social",
        "Organic search",
        "Direct",
    ]
    figures = (*answers, "no_answer", "enquiries", "compared", "agreeing", "agreement")
    rows = by_group(table)
    # Paid social: social 3 (agree), search 1 (names other channels), friend 1 (names none),
    # no answer 1: compared 4, agreeing 3 = 75 %.
    assert pick(rows["Paid social"], *figures) == (3, 1, 1, 0, 1, 6, 4, 3, Decimal("75.0"))
    # Organic search: search 2 (agree), social 1, radio 1: compared 4, agreeing 2 = 50 %.
    assert pick(rows["Organic search"], *figures) == (1, 2, 0, 1, 0, 4, 4, 2, Decimal("50.0"))
    # "Social media" matches two channels: it agrees with organic social too.
    assert pick(rows["Organic social"], *figures) == (1, 0, 0, 0, 0, 1, 1, 1, Decimal("100.0"))
    # Answers, but none that names a channel: nothing to compare.
    assert pick(rows["Email"], *figures) == (0, 0, 1, 0, 2, 3, 0, 0, None)
    # No answers at all.
    assert pick(rows["Direct"], *figures) == (0, 0, 0, 0, 2, 2, 0, 0, None)
    # Totals: social 3+1+1, search 1+2, friend 1+1, radio 1, none 1+2+2; 16 enquiries;
    # compared 4+4+1 = 9, agreeing 3+2+1 = 6: 66.7 %.
    assert pick(table.totals, *figures) == (5, 3, 2, 1, 5, 16, 9, 6, Decimal("66.7"))
    assert "Overall agreement: 66.7 %" in table.notes
    assert table.chart.series == ["agreement"]


def test_self_reported_agreement_with_no_enquiries(db):
    option = HearAboutOptionFactory(label="Social media", matching_channels=["paid-social"])
    table = journey.self_reported_agreement(JANUARY)
    assert table.rows == []
    assert table.column(f"answer_{option.pk}").label == "Social media"
    assert table.totals["agreement"] is None
    assert "Overall agreement: –" in table.notes


# --- Timeliness ----------------------------------------------------------------------------------

JUNE = ReportFilters(date_from=date(2026, 6, 1), date_to=date(2026, 6, 30))
TIMES = (
    "enquiries",
    "contacted",
    "median_days_to_contact",
    "mean_days_to_contact",
    "contacted_within_2_days",
    "initial_visits",
    "median_days_to_visit",
    "mean_days_to_visit",
)


@pytest.fixture
def response_times():
    derby = CouncilFactory(name="Derby City Council")
    nottingham = CouncilFactory(name="Nottingham City Council")

    def make(council, when, contacted=None, visited=None):
        AttributedEnquiryFactory(
            created_at=when,
            council=council,
            contacted_on=date.fromisoformat(contacted) if contacted else None,
            visit_done_on=date.fromisoformat(visited) if visited else None,
        )

    # Derby. 23:30 British Summer Time on 10 June, contacted that day: 0 days.
    make(derby, at("2026-06-10", "23:30"), "2026-06-10", "2026-06-20")  # 0 and 10 days
    make(derby, at("2026-06-10", "09:00"), "2026-06-11", "2026-06-14")  # 1 and 4 days
    make(derby, at("2026-06-10"), "2026-06-13")  # 3 days
    make(derby, at("2026-06-10"), "2026-06-17")  # 7 days
    make(derby, at("2026-06-11"))  # not contacted yet
    # Nottingham. 00:30 on 11 June London time is still 10 June in UTC: the local day counts.
    make(nottingham, at("2026-06-11", "00:30"), "2026-06-11")  # 0 days
    make(nottingham, at("2026-06-12"), "2026-06-15", "2026-06-19")  # 3 and 7 days
    # Not sure yet, not contacted.
    make(None, at("2026-06-12"))
    # After the range (00:30 on 1 July London time).
    make(derby, at("2026-07-01", "00:30"), "2026-07-01")


def check_timeliness(table) -> None:
    assert [row["group"] for row in table.rows] == [
        "Derby City Council",
        "Nottingham City Council",
        "Not sure yet",
    ]
    rows = by_group(table)
    d = Decimal
    # Derby: contact days 0, 1, 3, 7: median (1 + 3) / 2 = 2, mean 11 / 4 = 2.75; 2 contacted
    # within 2 days. Visits after 10 and 4 days: median and mean 7.
    assert pick(rows["Derby City Council"], *TIMES) == (
        5, 4, d("2.0"), d("2.8"), 2, 2, d("7.0"), d("7.0")
    )  # fmt: skip
    # Nottingham: 0 and 3 days: median and mean 1.5; 1 within 2 days; one visit, 7 days.
    assert pick(rows["Nottingham City Council"], *TIMES) == (
        2, 2, d("1.5"), d("1.5"), 1, 1, d("7.0"), d("7.0")
    )  # fmt: skip
    # Not sure yet: nobody contacted, so no days (None, shown as a dash), none in 2 days.
    assert pick(rows["Not sure yet"], *TIMES) == (1, 0, None, None, 0, 0, None, None)
    # All: contact days 0, 0, 1, 3, 3, 7: median (1 + 3) / 2 = 2, mean 14 / 6 = 2.33; 3
    # within 2 days. Visits 10, 4, 7: median 7, mean 21 / 3 = 7.
    assert pick(table.totals, *TIMES) == (
        8, 6, d("2.0"), d("2.3"), 3, 3, d("7.0"), d("7.0")
    )  # fmt: skip
    assert table.totals["group"] == "All enquiries"
    for row in table.rows:
        assert set(row) == {column.key for column in table.columns}


def test_timeliness_by_council(response_times, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the grouped counts and the council names
        table = journey.timeliness(JUNE)
    check_timeliness(table)
    assert table.chart.series == ["median_days_to_contact", "median_days_to_visit"]


def test_the_share_contacted_within_2_days_is_of_those_contacted(response_times):
    """The share sits beside the median of the enquiries contacted, so it is over the same
    base. Derby: 4 contacted (0, 1, 3, 7 days), 2 of them within 2 days: 50.0 %, not 2 of all
    5 enquiries. Nottingham: 1 of 2 contacted (0 and 3 days) = 50.0 %. Not sure yet: nobody
    contacted, so no share at all. All: 3 of 6 contacted (0, 0, 1 of 0, 0, 1, 3, 3, 7) = 50.0 %,
    median 2 days."""
    table = journey.timeliness(JUNE)
    rows = by_group(table)
    keys = ("contacted", "contacted_within_2_days", "contacted_within_2_days_rate")
    assert pick(rows["Derby City Council"], *keys) == (4, 2, Decimal("50.0"))
    assert pick(rows["Nottingham City Council"], *keys) == (2, 1, Decimal("50.0"))
    assert pick(rows["Not sure yet"], *keys) == (0, 0, None)
    assert pick(table.totals, *keys) == (6, 3, Decimal("50.0"))
    rate = table.column("contacted_within_2_days_rate")
    assert rate.base == ("contacted_within_2_days", "contacted")
    assert (
        "All enquiries: 50.0% of those contacted were contacted within 2 days (3 of 6 "
        "contacted); the median time to first contact was 2.0 days."
    ) in table.notes


def test_timeliness_with_no_enquiries(db):
    table = journey.timeliness(JUNE)
    assert table.rows == []
    assert pick(table.totals, *TIMES) == (0, 0, None, None, 0, 0, None, None)
    assert table.totals["contacted_within_2_days_rate"] is None


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([], None),
        ([(5, 1)], 5),
        ([(3, 1), (1, 1)], 2),  # even: the mean of the middle two
        ([(0, 2), (7, 1), (1, 1), (3, 2)], 2),  # 0 0 1 3 3 7
        ([(2, 3), (9, 1)], 2),  # 2 2 2 9
        ([(1, 1), (4, 0), (6, 2)], 6),  # a zero count is no value
    ],
)
def test_median_of_counts(counts, expected):
    assert journey.median_of_counts(counts) == expected
