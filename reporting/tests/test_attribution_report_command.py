"""`manage.py attribution_report`: the regional-vs-local figures for scheduled reporting.

A small fixed data set, with every expected figure worked out by hand below (not by the code
under test), printed as CSV and as JSON.

Campaigns and spend (1 January to 31 March 2026 is the period):
  R  "Hub radio"            regional, audio    £300.00 on 1 Feb (in), £999.00 on 15 Apr (out)
  D  "Derby bus sides"      Derby, offline     £100.00 on 10 Jan, £50.00 on 31 Mar (both in)
  N  "Nottingham leaflets"  Nottingham, print  £80.00 on 20 Feb (in), and no enquiries at all

Enquiries (London time):
  1  R  Derby          5 Jan 10:00    visit, application, approval (approved in September)
  2  R  Nottingham    10 Feb 12:00    visit
  3  R  not sure yet  31 Mar 23:30    (BST: 22:30 UTC, still 31 March in London: counted)
  4  D  Derby         20 Jan          visit, application
  5  D  Derby         15 Mar          -
  6  -  Derby          2 Feb          visit (organic search, no campaign)
  7  -  not sure yet  15 Jan          - (direct)
  8  R  Derby         31 Dec 2025 23:30 GMT                 before the period: not counted
  9  D  Derby          1 Apr 00:30 BST (31 Mar 23:30 UTC)   after the period: not counted

By owner:
  The hub (regional): 1,2,3 → 3 enquiries, 2 visits, 1 application, 1 approval.
      visit rate 2/3 = 66.7 %, visit→application 1/2 = 50.0 %, application 1/3 = 33.3 %,
      approval 1/3 = 33.3 %; its spend brought all 3 and the application; spend £300.00;
      per enquiry 300/3 = £100.00, per application £300.00
  Derby (local): 4,5 → 2, 1, 1, 0. 1/2 = 50.0 %, 1/1 = 100.0 %, 1/2 = 50.0 %, 0/2 = 0.0 %;
      brought 2 and 1; spend 100 + 50 = £150.00; per enquiry £75.00; per application £150.00
  Nottingham (local): no enquiries → 0s, every rate undefined (empty), spend £80.00, brought
      0 and 0, costs undefined
  No campaign: 6,7 → 2, 1, 0, 0. 50.0 %, 0/1 = 0.0 %, 0.0 %, 0.0 %; no spend possible (empty)
  All enquiries: 7, 4, 2, 1. 4/7 = 57.1 %, 2/4 = 50.0 %, 2/7 = 28.6 %, 1/7 = 14.3 %;
      spend 300 + 150 + 80 = £530.00, over the 5 enquiries campaigns brought (1-5, not 6 and
      7): per enquiry 530/5 = £106.00; over their 2 applications (1, 4): 530/2 = £265.00
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from attribution.tests.factories import AttributedEnquiryFactory, CampaignFactory, SpendEntryFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
PERIOD = ["--from", "2026-01-01", "--to", "2026-03-31"]
HEADINGS = [
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


def at(year, month, day, hour=12, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def data(councils):
    derby, nottingham = councils["derby"], councils["nottingham"]
    start = date(2025, 6, 1)
    radio = CampaignFactory(
        name="Hub radio", code="hub-radio", channel="audio", start_date=start, medium="radio"
    )
    bus = CampaignFactory(
        name="Derby bus sides", code="derby-bus", council=derby, channel="offline", start_date=start
    )
    leaflets = CampaignFactory(
        name="Nottingham leaflets",
        code="nottingham-leaflets",
        council=nottingham,
        channel="offline",
        start_date=start,
    )
    for campaign, day, amount in [
        (radio, date(2026, 2, 1), "300.00"),
        (radio, date(2026, 4, 15), "999.00"),
        (bus, date(2026, 1, 10), "100.00"),
        (bus, date(2026, 3, 31), "50.00"),
        (leaflets, date(2026, 2, 20), "80.00"),
    ]:
        SpendEntryFactory(campaign=campaign, spent_on=day, amount=Decimal(amount))

    def enquiry(created_at, council, campaign, channel, **milestones):
        return AttributedEnquiryFactory(
            created_at=created_at, council=council, campaign=campaign, channel=channel, **milestones
        )

    enquiry(
        at(2026, 1, 5, 10),
        derby,
        radio,
        "audio",
        visit_done_on=date(2026, 2, 1),
        application_on=date(2026, 3, 1),
        approved_on=date(2026, 9, 1),
    )
    enquiry(at(2026, 2, 10), nottingham, radio, "audio", visit_done_on=date(2026, 3, 1))
    enquiry(at(2026, 3, 31, 23, 30), None, radio, "audio")
    enquiry(
        at(2026, 1, 20),
        derby,
        bus,
        "offline",
        visit_done_on=date(2026, 2, 15),
        application_on=date(2026, 3, 10),
    )
    enquiry(at(2026, 3, 15), derby, bus, "offline")
    enquiry(at(2026, 2, 2), derby, None, "organic-search", visit_done_on=date(2026, 3, 1))
    enquiry(at(2026, 1, 15), None, None, "direct")
    enquiry(at(2025, 12, 31, 23, 30), derby, radio, "audio")
    enquiry(at(2026, 4, 1, 0, 30), derby, bus, "offline")
    return {"derby": derby, "radio": radio}


def run(*arguments: str) -> str:
    out = io.StringIO()
    call_command("attribution_report", *arguments, stdout=out)
    return out.getvalue()


def test_csv_by_owner_has_headings_rows_and_totals(data):
    rows = list(csv.reader(io.StringIO(run(*PERIOD, "--by", "owner", "--format", "csv"))))
    assert rows == [
        HEADINGS,
        [
            "The hub (regional)", "3", "2", "1", "1", "66.7", "50.0", "33.3", "33.3", "3", "1",
            "300.00", "100.00", "300.00",
        ],
        [
            "Derby City Council (local)", "2", "1", "1", "0", "50.0", "100.0", "50.0", "0.0", "2",
            "1", "150.00", "75.00", "150.00",
        ],
        [
            "Nottingham City Council (local)", "0", "0", "0", "0", "", "", "", "", "0", "0",
            "80.00", "", "",
        ],
        ["No campaign", "2", "1", "0", "0", "50.0", "0.0", "0.0", "0.0", "", "", "", "", ""],
        [
            "All enquiries", "7", "4", "2", "1", "57.1", "50.0", "28.6", "14.3", "5", "2",
            "530.00", "106.00", "265.00",
        ],
    ]  # fmt: skip


def test_json_by_owner_has_the_same_figures_with_exact_decimals(data):
    report = json.loads(run(*PERIOD, "--format", "json"))
    assert report["from"] == "2026-01-01"
    assert report["to"] == "2026-03-31"
    assert report["by"] == "owner"
    assert report["filters"] == {"council": None, "owner": None, "channel": None, "campaign": None}
    assert [column["label"] for column in report["columns"]] == HEADINGS
    assert {column["key"]: column["kind"] for column in report["columns"]} == {
        "group": "text",
        "enquiries": "count",
        "initial_visits": "count",
        "applications": "count",
        "approvals": "count",
        "visit_rate": "percent",
        "visit_to_application_rate": "percent",
        "application_rate": "percent",
        "approval_rate": "percent",
        "campaign_enquiries": "count",
        "campaign_applications": "count",
        "spend": "money",
        "cost_per_enquiry": "money",
        "cost_per_application": "money",
    }
    regional, derby, nottingham, no_campaign = report["rows"]
    assert regional == {
        "group": "The hub (regional)",
        "enquiries": 3,
        "initial_visits": 2,
        "applications": 1,
        "approvals": 1,
        "visit_rate": "66.7",
        "visit_to_application_rate": "50.0",
        "application_rate": "33.3",
        "approval_rate": "33.3",
        "campaign_enquiries": 3,
        "campaign_applications": 1,
        "spend": "300.00",
        "cost_per_enquiry": "100.00",
        "cost_per_application": "300.00",
    }
    assert derby["group"] == "Derby City Council (local)"
    assert (derby["enquiries"], derby["spend"], derby["cost_per_enquiry"]) == (2, "150.00", "75.00")
    assert nottingham["enquiries"] == 0
    assert nottingham["visit_rate"] is None and nottingham["cost_per_enquiry"] is None
    assert nottingham["spend"] == "80.00"
    assert no_campaign["spend"] is None and no_campaign["visit_rate"] == "50.0"
    assert report["totals"] == {
        "group": "All enquiries",
        "enquiries": 7,
        "initial_visits": 4,
        "applications": 2,
        "approvals": 1,
        "visit_rate": "57.1",
        "visit_to_application_rate": "50.0",
        "application_rate": "28.6",
        "approval_rate": "14.3",
        "campaign_enquiries": 5,
        "campaign_applications": 2,
        "spend": "530.00",
        "cost_per_enquiry": "106.00",
        "cost_per_application": "265.00",
    }


def test_filters_reach_the_report(data):
    """Not sure yet: enquiries 3 (the hub's radio) and 7 (no campaign); spend cannot belong
    to a council nobody chose, so there is none. 0 visits of 1 enquiry = 0.0 %; visit to
    application 0/0 is undefined."""
    report = json.loads(run(*PERIOD, "--council", "not-sure", "--format", "json"))
    assert report["filters"]["council"] == "not-sure"
    rows = [
        (row["group"], row["enquiries"], row["visit_rate"], row["spend"]) for row in report["rows"]
    ]
    assert rows == [("The hub (regional)", 1, "0.0", None), ("No campaign", 1, "0.0", None)]
    assert report["totals"]["enquiries"] == 2
    assert report["totals"]["visit_to_application_rate"] is None
    assert report["totals"]["spend"] is None

    # Derby's enquiries by channel, only the hub's: enquiry 1 (audio).
    derby = str(data["derby"].pk)
    rows = list(
        csv.reader(
            io.StringIO(run(*PERIOD, "--council", derby, "--owner", "regional", "--by", "channel"))
        )
    )
    assert rows[0][0] == "Channel"
    assert [row[:5] for row in rows[1:]] == [
        ["Audio: radio and podcasts", "1", "1", "1", "1"],
        ["All enquiries", "1", "1", "1", "1"],
    ]
    campaign = json.loads(
        run(*PERIOD, "--campaign", str(data["radio"].pk), "--by", "campaign", "--format", "json")
    )
    assert [(row["group"], row["enquiries"], row["spend"]) for row in campaign["rows"]] == [
        ("Hub radio", 3, "300.00")
    ]


def test_the_command_and_the_admins_spreadsheet_have_the_same_figures(data, make_user, client):
    """A board pack made by cron and one downloaded from the admin agree, cell for cell: both
    are the report function's table, every column, the totals row last."""
    from accounts.roles import MARKETING_LEADS, sync_roles
    from testkit.reports import url

    sync_roles()
    client.force_login(make_user("marketing-lead", MARKETING_LEADS))
    for by in ("owner", "council", "channel"):
        command = list(csv.reader(io.StringIO(run(*PERIOD, "--by", by))))
        response = client.get(
            url("regional-and-local"),
            {
                "date_from_day": "1", "date_from_month": "1", "date_from_year": "2026",
                "date_to_day": "31", "date_to_month": "3", "date_to_year": "2026",
                "by": by, "export": "csv",
            },
        )  # fmt: skip
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert list(csv.reader(io.StringIO(body))) == command, by


def test_the_period_defaults_to_the_last_twelve_months(data):
    report = json.loads(run("--format", "json"))
    today = timezone.localdate()
    assert report["to"] == today.isoformat()
    assert report["from"] == today.replace(year=today.year - 1).isoformat()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--from", "2026-13-01"], "--from must be a date written YYYY-MM-DD"),
        (["--from", "1 January 2026"], "--from must be a date written YYYY-MM-DD"),
        (["--to", "yesterday"], "--to must be a date written YYYY-MM-DD"),
        (["--from", "2026-03-01", "--to", "2026-02-28"], "--to (2026-02-28) is before --from"),
        (["--council", "derby"], "--council must be a council's id"),
        (["--by", "region"], "invalid choice"),
        (["--format", "xlsx"], "invalid choice"),
        (["--owner", "council"], "invalid choice"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message(db, arguments, message):
    with pytest.raises(CommandError) as error:
        run(*arguments)
    assert message in str(error.value)


def test_csv_shows_a_campaign_name_a_spreadsheet_would_run_as_text(councils):
    """The CSV is mailed to the board and opened in a spreadsheet; the JSON keeps the name."""
    name = '=HYPERLINK("http://x")'
    campaign = CampaignFactory(name=name, code="hostile", start_date=date(2025, 6, 1))
    AttributedEnquiryFactory(created_at=at(2026, 2, 1), campaign=campaign, channel="paid-social")

    rows = list(csv.reader(io.StringIO(run(*PERIOD, "--by", "campaign", "--format", "csv"))))
    assert "'" + name in [row[0] for row in rows]
    assert name not in [row[0] for row in rows]
    labels = [
        row["group"]
        for row in json.loads(run(*PERIOD, "--by", "campaign", "--format", "json"))["rows"]
    ]
    assert name in labels
