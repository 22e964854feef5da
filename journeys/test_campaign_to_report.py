"""From a campaign to the reports, end to end on the demo site in headless Chromium.

Two people enquire today: one lands on the home page from a Derbyshire (local) search advert,
browses and enquires for Derbyshire; the other scans the hub's (regional) bus-side QR code,
which is the /go/bus26/ short link, and enquires for Nottingham. Neither accepts cookies. The
marketing lead's "Regional and local" report and `manage.py attribution_report` then count one
more enquiry under each owner, council and channel, and the report's CSV says what the screen
says.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

EMAIL_DOMAIN = "attribution-journey.example.org"
REFERENCE = re.compile(r"HUB-\d{4}-\d{6}")
REPORT = "/admin/reports/attribution/regional-and-local/"
LOCAL_SEARCH_ADVERT = "/?utm_source=google&utm_medium=cpc&utm_campaign=derbyshire-search"
REGIONAL_QR_CODE = "/go/bus26/"


@pytest.fixture(autouse=True)
def _clean_slate(demo_server, django_db_blocker):
    """A fresh rate-limit allowance, and afterwards no trace of the enquiries made here."""
    cache.clear()
    yield
    cache.clear()
    with django_db_blocker.unblock():
        from enquiry.models import Enquiry
        from outbox.models import OutboxMessage

        made = Enquiry.objects.filter(email__endswith=EMAIL_DOMAIN)
        OutboxMessage.objects.filter(reference__in=made.values("reference")).delete()
        made.delete()


def today_filters() -> dict[str, str]:
    today = timezone.localdate()
    filters = {}
    for name in ("date_from", "date_to"):
        filters.update(
            {f"{name}_day": today.day, f"{name}_month": today.month, f"{name}_year": today.year}
        )
    return {key: str(value) for key, value in filters.items()}


def report_url(server: str, by: str, export: str = "") -> str:
    query = "&".join(f"{key}={value}" for key, value in {**today_filters(), "by": by}.items())
    return f"{server}{REPORT}?{query}" + (f"&export={export}" if export else "")


def screen_table(tab) -> tuple[list[str], dict[str, list[str]]]:
    """The report table as the person sees it: headings, and each row's cells by its group."""
    table = tab.locator("table.report-table")
    headings = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    rows = {}
    for row in table.locator("tbody tr, tfoot tr").all():
        cells = [text.strip() for text in row.locator("th, td").all_inner_texts()]
        rows[cells[0]] = cells[1:]
    return headings, rows


def enquiries_by_group(tab, server: str, by: str) -> dict[str, int]:
    tab.goto(report_url(server, by))
    headings, rows = screen_table(tab)
    column = headings.index("Enquiries") - 1
    return {group: int(cells[column]) for group, cells in rows.items()}


def command_counts(by: str) -> dict[str, int]:
    today = timezone.localdate().isoformat()
    out = io.StringIO()
    call_command(
        "attribution_report", "--from", today, "--to", today, "--by", by, "--format", "json",
        stdout=out,
    )  # fmt: skip
    printed = json.loads(out.getvalue())
    counts = {row["group"]: row["enquiries"] for row in printed["rows"]}
    counts["All enquiries"] = printed["totals"]["enquiries"]
    return counts


def change(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {
        group: after.get(group, 0) - before.get(group, 0)
        for group in {*before, *after}
        if after.get(group, 0) != before.get(group, 0)
    }


def enquire(tab, *, first_name: str, postcode: str, council: str) -> str:
    """Fill the enquiry form the visitor reached, choose the council, send it; the reference."""
    tab.fill("#first_name", first_name)
    tab.fill("#last_name", "Okafor")
    tab.fill("#email", f"{first_name.lower()}@{EMAIL_DOMAIN}")
    tab.fill("#phone", "01332 496000")
    tab.fill("#postcode", postcode)
    tab.get_by_label(council, exact=True).check()
    tab.get_by_label("Yes", exact=True).check()
    tab.get_by_label("Phone call", exact=True).check()
    tab.get_by_label("Any time").check()
    with tab.expect_navigation():
        tab.locator("#send-enquiry").click()
    assert tab.url.endswith("/enquire/thank-you/"), tab.url
    reference = tab.locator(".panel__reference").inner_text().strip()
    assert REFERENCE.fullmatch(reference)
    return reference


def visitor(chromium):
    return chromium.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")


def normalise(value: str) -> str:
    """A screen cell as the CSV writes it: no pound sign, thousands separators or % signs, a
    share without the base written under it ("0 of 1"); the dash that means "not applicable"
    and "No spend" are empty cells."""
    value = value.replace("not applicable", "").strip().splitlines()[0] if value.strip() else ""
    if value in ("–", "No spend"):
        return ""
    return value.replace("£", "").replace(",", "").removesuffix("%")


def test_a_local_advert_and_a_regional_qr_code_are_counted_where_they_belong(
    chromium, demo_server, django_db_blocker, sign_in_as
):
    lead_context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    lead = lead_context.new_page()
    sign_in_as(lead, "marketing.lead")
    groupings = ("owner", "council", "channel")
    before = {by: enquiries_by_group(lead, demo_server, by) for by in groupings}
    with django_db_blocker.unblock():
        before_command = {by: command_counts(by) for by in groupings}

    # 1. A Derbyshire search advert: land on the home page, browse, then enquire.
    context = visitor(chromium)
    try:
        tab = context.new_page()
        tab.goto(demo_server + LOCAL_SEARCH_ADVERT)
        tab.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Types of fostering"
        ).click()
        tab.wait_for_load_state()
        tab.locator('a[href^="/enquire/"]').first.click()
        tab.wait_for_load_state()
        local_reference = enquire(
            tab, first_name="Chioma", postcode="DE4 3AG", council="Derbyshire County Council"
        )
        assert not [c for c in context.cookies() if c["name"] == "hub_attribution"], (
            "no attribution cookie without consent"
        )
    finally:
        context.close()

    # 2. The hub's bus-side QR code (its short link), then straight to the form.
    context = visitor(chromium)
    try:
        tab = context.new_page()
        tab.goto(demo_server + REGIONAL_QR_CODE)
        assert "utm_campaign=bus-tour-2026" in tab.url
        tab.locator('a[href^="/enquire/"]').first.click()
        tab.wait_for_load_state()
        regional_reference = enquire(
            tab, first_name="Bartek", postcode="NG7 2RD", council="Nottingham City Council"
        )
    finally:
        context.close()

    with django_db_blocker.unblock():
        from enquiry.models import Enquiry

        local = Enquiry.objects.select_related("campaign", "owner_council").get(
            reference=local_reference
        )
        regional = Enquiry.objects.select_related("campaign").get(reference=regional_reference)
        assert (local.campaign.code, local.owner, local.owner_council.short_name) == (
            "derbyshire-search",
            "local",
            "derbyshire",
        )
        assert (local.channel, local.first_touch["landing_path"]) == ("paid-search", "/")
        assert (regional.campaign.code, regional.owner, regional.channel) == (
            "bus-tour-2026",
            "regional",
            "offline",
        )
        after_command = {by: command_counts(by) for by in groupings}

    # 3. The reports count each once, under the right owner, council and channel.
    after = {by: enquiries_by_group(lead, demo_server, by) for by in groupings}
    expected = {
        "owner": {
            "The hub (regional)": 1,
            "Derbyshire County Council (local)": 1,
            "All enquiries": 2,
        },
        "council": {
            "Derbyshire County Council": 1,
            "Nottingham City Council": 1,
            "All enquiries": 2,
        },
        "channel": {
            "Paid search": 1,
            "Offline: print, outdoor and events": 1,
            "All enquiries": 2,
        },
    }
    for by in groupings:
        assert change(before[by], after[by]) == expected[by], by
        assert change(before_command[by], after_command[by]) == expected[by], by

    # 4. The CSV says what the screen says, row for row and figure for figure.
    lead.goto(report_url(demo_server, "owner"))
    headings, rows = screen_table(lead)
    response = lead_context.request.get(report_url(demo_server, "owner", export="csv"))
    assert response.ok
    exported = list(csv.reader(io.StringIO(response.text().lstrip("\ufeff"))))
    # The screen shows the key columns; the export has every column, the screen's among them.
    assert exported[0][0] == headings[0] and set(headings) <= set(exported[0])
    shown = [exported[0].index(heading) for heading in headings[1:]]
    on_screen = {group: [normalise(cell) for cell in cells] for group, cells in rows.items()}
    in_csv = {line[0]: [line[index] for index in shown] for line in exported[1:]}
    assert in_csv == on_screen, "\n".join(
        f"{group}: csv {in_csv.get(group)} screen {on_screen.get(group)}"
        for group in {*in_csv, *on_screen}
        if in_csv.get(group) != on_screen.get(group)
    )
    spend = exported[0].index("Spend")
    regional_row = next(line for line in exported if line[0] == "The hub (regional)")
    # A figure without a pound sign, or an empty cell where nothing was spent (never £0.00).
    assert regional_row[spend] == "" or Decimal(regional_row[spend]) >= 0
    lead_context.close()
