"""Repeating an event: the first-Tuesday rule, weekly repeats, the clock change, draft copies.

UK clocks go forward on Sunday 28 March 2027 and back on Sunday 31 October 2027. A 6pm event
stays at 6pm for the people coming to it, so its UTC time moves by an hour.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import HUB_COMMS, sync_roles
from core.localization import synchronise_trees
from events.models import EventPage, Registration
from events.series import MAX_COPIES, Rule, repeat_dates, repeat_event, repeat_times
from events.tests.factories import EventPageFactory
from fostering_types.tests.factories import FosteringTypePageFactory
from testkit.admin import assert_refused, comms_group
from testkit.html import clean, soup

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC


def london(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


def test_first_tuesday_of_each_month():
    first = datetime.date(2027, 1, 5)  # the first Tuesday of January 2027
    assert repeat_dates(first, Rule.MONTHLY_WEEKDAY, 6) == [
        datetime.date(2027, 2, 2),
        datetime.date(2027, 3, 2),
        datetime.date(2027, 4, 6),
        datetime.date(2027, 5, 4),
        datetime.date(2027, 6, 1),
        datetime.date(2027, 7, 6),
    ]
    assert all(
        day.weekday() == 1 and day.day <= 7 for day in repeat_dates(first, "monthly_weekday", 24)
    )


def test_third_thursday_across_the_year_end():
    first = datetime.date(2027, 11, 18)  # third Thursday
    assert repeat_dates(first, Rule.MONTHLY_WEEKDAY, 3) == [
        datetime.date(2027, 12, 16),
        datetime.date(2028, 1, 20),
        datetime.date(2028, 2, 17),
    ]


def test_a_fifth_weekday_repeats_on_the_last_such_weekday():
    first = datetime.date(2027, 3, 30)  # the fifth (and last) Tuesday of March 2027
    assert repeat_dates(first, Rule.MONTHLY_WEEKDAY, 2) == [
        datetime.date(2027, 4, 27),  # April has four Tuesdays: the last one
        datetime.date(2027, 5, 25),
    ]


def test_weekly():
    assert repeat_dates(datetime.date(2027, 3, 16), Rule.WEEKLY, 3) == [
        datetime.date(2027, 3, 23),
        datetime.date(2027, 3, 30),
        datetime.date(2027, 4, 6),
    ]


def test_wall_clock_time_is_kept_across_the_clock_change():
    starts = london(2027, 3, 16, 18, 0)  # GMT: 18:00 UTC
    times = repeat_times(starts, starts + datetime.timedelta(hours=2), Rule.WEEKLY, 2)
    (before_start, _before_end), (after_start, after_end) = times
    assert before_start.astimezone(UTC) == datetime.datetime(2027, 3, 23, 18, tzinfo=UTC)
    assert after_start.astimezone(UTC) == datetime.datetime(2027, 3, 30, 17, tzinfo=UTC)  # BST
    assert after_start.astimezone(LONDON).hour == 18
    assert after_end.astimezone(LONDON).hour == 20
    assert after_end - after_start == datetime.timedelta(hours=2)


def test_and_back_in_october():
    starts = london(2027, 10, 5, 10, 30)  # first Tuesday, BST
    ((nov_start, _end),) = repeat_times(
        starts, starts + datetime.timedelta(hours=1), Rule.MONTHLY_WEEKDAY, 1
    )
    assert nov_start.astimezone(UTC) == datetime.datetime(2027, 11, 2, 10, 30, tzinfo=UTC)
    assert starts.astimezone(UTC).hour == 9


# --- Copies --------------------------------------------------------------------------------------


@pytest.fixture
def march_event(councils):
    starts = london(2027, 3, 2, 18, 0)  # first Tuesday of March 2027, GMT
    event = EventPageFactory(
        title="First Tuesday information evening",
        slug="first-tuesday",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        hosts=[councils["derby"]],
        capacity=15,
    )
    Registration.objects.create(
        event=event, first_name="A", last_name="B", email="a@example.org", postcode="DE1 1AA"
    )
    return event


@pytest.mark.django_db
def test_repeat_event_makes_draft_copies_under_the_same_index(march_event, councils):
    copies = repeat_event(march_event, rule=Rule.MONTHLY_WEEKDAY, count=6)
    assert len(copies) == 6
    parent = march_event.get_parent()
    for copy in copies:
        copy = EventPage.objects.get(pk=copy.pk)
        assert not copy.live
        assert copy.get_parent().pk == parent.pk
        assert copy.title == march_event.title
        assert copy.capacity == 15
        assert list(copy.hosts.all()) == [councils["derby"]]
        assert copy.registrations.count() == 0
        local = copy.starts_at.astimezone(LONDON)
        assert (local.weekday(), local.hour, local.minute) == (1, 18, 0)
        assert local.day <= 7
        assert copy.ends_at.astimezone(LONDON).hour == 20
    april = EventPage.objects.get(pk=copies[0].pk)
    assert april.starts_at.astimezone(UTC) == datetime.datetime(2027, 4, 6, 17, tzinfo=UTC)
    assert april.slug == "first-tuesday-2027-04-06"
    march_event.refresh_from_db()
    assert march_event.live and march_event.registrations.count() == 1


@pytest.mark.django_db
def test_slugs_stay_unique_when_repeating_twice(march_event):
    first = repeat_event(march_event, rule=Rule.WEEKLY, count=2)
    second = repeat_event(march_event, rule=Rule.WEEKLY, count=2)
    slugs = [page.slug for page in [*first, *second]]
    assert len(set(slugs)) == 4
    assert slugs[2] == "first-tuesday-2027-03-09-2"


@pytest.mark.django_db
def test_no_more_than_24_copies(march_event):
    with pytest.raises(ValidationError):
        repeat_event(march_event, rule=Rule.WEEKLY, count=MAX_COPIES + 1)
    with pytest.raises(ValidationError):
        repeat_event(march_event, rule=Rule.WEEKLY, count=0)
    assert EventPage.objects.count() == 1
    assert len(repeat_event(march_event, rule=Rule.WEEKLY, count=MAX_COPIES)) == MAX_COPIES


# --- The admin view --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_comms_officers_repeat_an_event_from_the_admin(march_event, make_user, client):
    client.force_login(make_user("comms", HUB_COMMS))
    url = reverse("event_repeat", args=[march_event.pk])
    explorer = client.get(reverse("wagtailadmin_explore", args=[march_event.get_parent().pk]))
    assert url in explorer.content.decode()  # "Repeat this event" in the event's row menu
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[march_event.pk]))
    assert url in edit.content.decode()  # and in the page header's menu
    assert client.get(url).status_code == 200
    response = client.post(url, {"rule": "monthly_weekday", "count": "3"})
    assert response.status_code == 302
    drafts = EventPage.objects.filter(live=False, alias_of__isnull=True).order_by("starts_at")
    assert [page.starts_at.astimezone(LONDON).date() for page in drafts] == [
        datetime.date(2027, 4, 6),
        datetime.date(2027, 5, 4),
        datetime.date(2027, 6, 1),
    ]


@pytest.mark.django_db
def test_the_form_refuses_more_than_24(march_event, make_user, client):
    client.force_login(make_user("comms", HUB_COMMS))
    response = client.post(
        reverse("event_repeat", args=[march_event.pk]), {"rule": "weekly", "count": "25"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["count"]
    assert EventPage.objects.count() == 1


@pytest.mark.django_db
def test_council_comms_officers_may_repeat_their_own_event_and_own_the_drafts(
    march_event, councils, make_user, client
):
    sync_roles()  # gives council comms "add" under the events index, which exists now
    user = make_user("derby-comms", comms_group(councils["derby"]))
    march_event.owner = user  # they drafted it, so they may edit it
    march_event.save(update_fields=["owner"])
    client.force_login(user)
    response = client.post(
        reverse("event_repeat", args=[march_event.pk]), {"rule": "weekly", "count": "1"}
    )
    assert response.status_code == 302
    draft = EventPage.objects.get(live=False, alias_of__isnull=True)
    assert draft.owner == user
    assert draft.permissions_for_user(user).can_edit()


@pytest.mark.django_db
def test_people_who_cannot_add_events_cannot_repeat_them(march_event, people, client):
    client.force_login(people["derby"])  # fostering staff: bookings, not pages
    url = reverse("event_repeat", args=[march_event.pk])
    assert_refused(client.get(url))
    assert_refused(client.post(url, {"rule": "weekly", "count": "1"}))
    assert EventPage.objects.count() == 1


@pytest.mark.django_db
def test_repeat_is_refused_for_an_event_the_person_cannot_edit(councils, make_user, client):
    """Nottingham's comms team drafted an online event: Derby's comms officers, who may add
    events beside it, may not edit it, so they may not copy it (joining details and all)."""
    sync_roles()
    nottingham = make_user("nottingham-comms", comms_group(councils["nottingham"]))
    event = EventPageFactory(
        title="Nottingham online Q&A",
        hosts=[councils["nottingham"]],
        format="online",
        venue_name="",
        venue_address="",
        venue_postcode="",
        joining_details="https://meet.example.org/nottingham-room",
        owner=nottingham,
        live=False,
    )
    sync_roles()  # the events index exists now: council comms may add events under it
    derby = make_user("derby-comms", comms_group(councils["derby"]))
    assert event.get_parent().permissions_for_user(derby).can_add_subpage()
    client.force_login(derby)
    url = reverse("event_repeat", args=[event.pk])
    explorer = client.get(reverse("wagtailadmin_explore", args=[event.get_parent().pk]))
    assert explorer.status_code == 200 and url not in explorer.content.decode()
    assert_refused(client.get(url))
    assert_refused(client.post(url, {"rule": "weekly", "count": "2"}))
    assert EventPage.objects.filter(alias_of__isnull=True).count() == 1


# --- Telling the copies apart in the admin ---------------------------------------------------------


def listed_titles(html: str, title: str) -> list[str]:
    """The titles the admin shows for pages called `title` (explorer rows, chooser rows)."""
    return sorted(
        clean(node.get_text())
        for node in soup(html).find_all(string=lambda text: text and title in text)
    )


@pytest.mark.django_db
def test_the_copies_are_listed_by_their_date_in_the_explorer_and_the_chooser(
    march_event, make_user, client
):
    repeat_event(march_event, rule=Rule.MONTHLY_WEEKDAY, count=2)
    client.force_login(make_user("comms", HUB_COMMS))
    parent = march_event.get_parent()
    expected = [
        "First Tuesday information evening – Tue 2 Mar 2027",
        "First Tuesday information evening – Tue 4 May 2027",
        "First Tuesday information evening – Tue 6 Apr 2027",
    ]
    explorer = client.get(reverse("wagtailadmin_explore", args=[parent.pk])).content.decode()
    assert listed_titles(explorer, march_event.title) == expected
    chooser = client.get(reverse("wagtailadmin_choose_page_child", args=[parent.pk])).json()
    assert listed_titles(chooser["html"], march_event.title) == expected
    # Visitors still read the title the editor gave it (the date is on the page already).
    assert {page.title for page in EventPage.objects.all()} == {march_event.title}
    heading = soup(client.get(march_event.url)).find("h1")
    assert clean(heading.get_text()) == march_event.title


# --- Choosing an event's types of fostering ------------------------------------------------------


def choice_labels(response, name: str) -> list[str]:
    """The labels of a form's choices for `name` (a select's options or its checkboxes)."""
    document = soup(response)
    options = document.select(f'select[name="{name}"] option')
    if options:
        return [clean(o.get_text()) for o in options if o["value"]]
    return [clean(b.find_parent("label").get_text()) for b in document.select(f'[name="{name}"]')]


@pytest.mark.django_db
def test_the_event_form_lists_each_type_of_fostering_once(march_event, make_user, client):
    for title in ("Teenagers", "Sibling groups"):
        FosteringTypePageFactory(title=title)
    synchronise_trees()  # each type (and the event) now has a Polish and an Urdu copy
    client.force_login(make_user("comms", HUB_COMMS))
    parent = march_event.get_parent()
    for url in (
        reverse("wagtailadmin_pages:add", args=["events", "eventpage", parent.pk]),
        reverse("wagtailadmin_pages:edit", args=[march_event.pk]),
    ):
        assert choice_labels(client.get(url), "fostering_types") == ["Teenagers", "Sibling groups"]
