"""When an enquiry staff record came in: a call taken on Friday and typed in on Monday is
Friday's enquiry, in its record, its history and the reports (which count enquiries by the UK
date they came in), and the history says it was entered on Monday, by whom.

The time defaults to now; it cannot be in the future, nor before the campaign chosen started,
and a refused time is shown again as it was typed, with the reason.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from attribution.tests.factories import CampaignFactory
from attribution.touches import when
from enquiry.models import Enquiry, EnquiryHistory, Stage
from reporting.reports.base import ReportFilters
from reporting.reports.journey import timeliness
from reporting.reports.regional import regional_vs_local
from testkit.admin import staff_enquiry
from testkit.html import parse, soup

pytestmark = pytest.mark.django_db


def last_friday() -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=(today.weekday() - 4) % 7 or 7)


def typed(day: datetime.date, time: str = "16:40") -> str:
    return f"{day.isoformat()} {time}"


def enquiries_received(day: datetime.date) -> int:
    table = regional_vs_local(ReportFilters(date_from=day, date_to=day), by="owner")
    return sum(row["enquiries"] for row in table.rows)


def shown_value(response, name: str = "received_at") -> str:
    field = soup(response).find("input", attrs={"name": name})
    assert field is not None
    return field.get("value", "")


def test_the_form_asks_when_it_came_in_and_defaults_to_now(people, councils, client):
    client.force_login(people["hub"])
    response = client.get(reverse("enquiries:add"))
    assert parse(response).has_text("When did the enquiry come in?")
    shown = datetime.datetime.strptime(shown_value(response), "%Y-%m-%d %H:%M")
    now = timezone.localtime().replace(tzinfo=None)
    assert abs(now - shown) < datetime.timedelta(minutes=2)


def test_a_call_taken_last_friday_and_entered_today_is_fridays_enquiry(people, councils, client):
    friday = last_friday()
    client.force_login(people["hub"])
    response = client.post(
        reverse("enquiries:add"),
        staff_enquiry(received_at=typed(friday), keep_in_touch=["phone"]),
    )
    assert response.status_code == 302
    enquiry = Enquiry.objects.get(email="jo@example.org")

    # Stored as Friday: the moment, the UK date the reports count, the permission given on the
    # call and the call itself as the enquiry's one touch.
    received = timezone.localtime(enquiry.created_at)
    assert (received.date(), received.strftime("%H:%M")) == (friday, "16:40")
    assert enquiry.received_on == friday
    assert enquiry.reference.split("-")[1] == str(friday.year)
    assert timezone.localdate(enquiry.consents.get().given_at) == friday
    assert timezone.localtime(when(enquiry.last_touch)) == received

    # The history: entered today by the officer, about a call on Friday.
    created = enquiry.history.get(action=EnquiryHistory.Action.CREATED)
    assert created.by == people["hub"]
    assert timezone.localdate(created.at) == timezone.localdate()
    assert created.effective_on == friday
    assert friday.strftime("%-d %B %Y") in created.note
    page = parse(client.get(response.url))
    assert page.has_text(f"Received {friday.strftime('%-d %B %Y')}, 16:40")
    assert page.has_text(created.note)

    # Reported as Friday's enquiry, and its first contact today took the days since Friday.
    assert enquiries_received(friday) == 1
    assert enquiries_received(timezone.localdate()) == 0
    with_contact = Enquiry.objects.get(pk=enquiry.pk)
    with_contact.move_to(Stage.CONTACTED, by=people["hub"])
    [derby] = [
        row for row in timeliness(ReportFilters()).rows if row["group"] == "Derby City Council"
    ]
    assert derby["median_days_to_contact"] == (timezone.localdate() - friday).days


def test_a_form_left_without_a_time_is_dated_now(people, councils, client):
    client.force_login(people["hub"])
    client.post(reverse("enquiries:add"), staff_enquiry(received_at=""))
    enquiry = Enquiry.objects.get(email="jo@example.org")
    assert abs(enquiry.created_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert enquiry.history.get(action=EnquiryHistory.Action.CREATED).note == ""


def test_a_time_in_the_future_is_refused_and_kept_as_typed(people, councils, client):
    tomorrow = typed(timezone.localdate() + datetime.timedelta(days=1), "09:15")
    client.force_login(people["hub"])
    response = client.post(reverse("enquiries:add"), staff_enquiry(received_at=tomorrow))
    assert response.status_code == 200
    assert parse(response).has_text("The time the enquiry came in must be now or in the past")
    assert shown_value(response) == tomorrow
    assert not Enquiry.objects.exists()


def test_a_time_before_the_campaign_started_is_refused_and_kept_as_typed(people, councils, client):
    started = timezone.localdate() - datetime.timedelta(days=3)
    campaign = CampaignFactory(name="Winter bus tour", start_date=started)
    before = typed(started - datetime.timedelta(days=1), "10:00")
    client.force_login(people["hub"])
    response = client.post(
        reverse("enquiries:add"), staff_enquiry(received_at=before, campaign=campaign.pk)
    )
    assert response.status_code == 200
    page = parse(response)
    assert page.has_text(
        "The enquiry cannot have come in before the campaign “Winter bus tour” started "
        f"on {started.strftime('%-d %B %Y')}"
    )
    assert shown_value(response) == before
    assert not Enquiry.objects.exists()

    # On the day it started is fine.
    response = client.post(
        reverse("enquiries:add"),
        staff_enquiry(received_at=typed(started, "00:05"), campaign=campaign.pk),
    )
    assert response.status_code == 302
    assert Enquiry.objects.get().received_on == started


def test_an_unreadable_time_is_refused_and_kept_as_typed(people, councils, client):
    client.force_login(people["hub"])
    response = client.post(reverse("enquiries:add"), staff_enquiry(received_at="last Friday"))
    assert response.status_code == 200
    assert parse(response).has_text("Enter the date and time it came in, like 2026-11-20 16:40")
    assert shown_value(response) == "last Friday"
    assert not Enquiry.objects.exists()
