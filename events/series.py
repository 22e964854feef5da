"""Repeat an event: draft copies on a rule, at the same local time in Europe/London.

Two rules: "the same weekday in the same week of the month" (an event on the first Tuesday repeats
on the first Tuesday of the following months; one in the fifth week repeats on the last such
weekday, since not every month has a fifth) and "weekly". Times are kept as wall-clock times in
Europe/London: a 6pm event in March is still at 6pm in April, so its UTC offset changes with the
clock change. Copies are drafts (nothing is published) under the same events index, with slugs
that name their date; comms officers check and publish each one.
"""

from __future__ import annotations

import calendar
import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail_localize.synctree import create_aliases_for_new_page

from .models import EventPage

LONDON = ZoneInfo("Europe/London")
MAX_COPIES = 24


class Rule(models.TextChoices):
    MONTHLY_WEEKDAY = "monthly_weekday", _("Every month, on the same weekday of the same week")
    WEEKLY = "weekly", _("Every week")


def week_of_month(day: datetime.date) -> int:
    """1 for the first such weekday of the month (days 1-7), ... 5 for the fifth."""
    return (day.day - 1) // 7 + 1


def nth_weekday(year: int, month: int, weekday: int, week: int) -> datetime.date:
    """The `week`-th `weekday` of the month (Monday = 0); week 5 means the last one."""
    first = datetime.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    day = 1 + offset + 7 * (week - 1)
    last_day = calendar.monthrange(year, month)[1]
    while day > last_day:
        day -= 7
    return datetime.date(year, month, day)


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def repeat_dates(first: datetime.date, rule: str, count: int) -> list[datetime.date]:
    """The dates of `count` repeats after `first` (which is not included)."""
    if rule == Rule.WEEKLY:
        return [first + datetime.timedelta(weeks=n) for n in range(1, count + 1)]
    if rule == Rule.MONTHLY_WEEKDAY:
        week = week_of_month(first)
        dates = []
        for n in range(1, count + 1):
            year, month = _add_months(first.year, first.month, n)
            dates.append(nth_weekday(year, month, first.weekday(), week))
        return dates
    raise ValueError(f"Unknown rule {rule!r}")


def _at_local(day: datetime.date, wall_clock: datetime.datetime) -> datetime.datetime:
    """`day` at the wall-clock time of `wall_clock` (naive, London), as an aware datetime."""
    naive = datetime.datetime.combine(day, wall_clock.time())
    return naive.replace(tzinfo=LONDON)


def repeat_times(
    starts_at: datetime.datetime, ends_at: datetime.datetime, rule: str, count: int
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """(starts, ends) of each repeat, keeping both wall-clock times in Europe/London."""
    start_local = starts_at.astimezone(LONDON).replace(tzinfo=None)
    end_local = ends_at.astimezone(LONDON).replace(tzinfo=None)
    length = end_local - start_local  # in wall-clock terms (an evening stays 6pm to 8pm)
    times = []
    for day in repeat_dates(start_local.date(), rule, count):
        start = _at_local(day, start_local)
        end = (start.replace(tzinfo=None) + length).replace(tzinfo=LONDON)
        times.append((start, end))
    return times


def _unique_slug(parent, base: str) -> str:
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def repeat_event(event: EventPage, *, rule: str, count: int, user=None) -> list[EventPage]:
    """Make `count` draft copies of `event` on `rule` under the same index; return them.

    Refuses more than MAX_COPIES at once (a typo should not make a hundred pages). Copies keep
    everything the event has (hosts, types, venue, capacity, body) except the dates and slug;
    they have no bookings (bookings are not part of the page).
    """
    if not 1 <= count <= MAX_COPIES:
        raise ValidationError(
            _("Make between 1 and %(max)s copies at a time.") % {"max": MAX_COPIES}
        )
    parent = event.get_parent()
    base_slug = event.slug
    copies = []
    for starts_at, ends_at in repeat_times(event.starts_at, event.ends_at, rule, count):
        slug = _unique_slug(parent, f"{base_slug}-{starts_at:%Y-%m-%d}")
        copy = event.copy(
            to=parent,
            update_attrs={"slug": slug, "starts_at": starts_at, "ends_at": ends_at},
            keep_live=False,
            user=user,
        )
        # Like a page made in the admin, each copy appears in every language's tree.
        create_aliases_for_new_page(copy)
        copies.append(copy)
    return copies
