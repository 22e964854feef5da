"""Events in the attribution reports: bookings, attendance, no-shows and how many people went on
to enquire, by event, type of event, hosting council or campaign; and bookings by the source
(campaign owner or channel) that brought the person to book.

Hubs count attendance as a campaign KPI and want to see which events lead to enquiries. Like
every report these are aggregates only (no names, no addresses), counted in PostgreSQL: a few
grouped queries whatever the number of bookings.

Bookings are selected by the date they were made (`Registration.received_on`, UK date) and by
the owner, channel and campaign of the booking's own attribution (the same fields and rules as
an enquiry's). The council filter selects events that council hosts ("not sure yet" selects the
hub's own events, which no council hosts).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import EventPage, EventType, Registration

from .base import (
    NOT_SURE_YET,
    OWNER_NONE,
    Chart,
    Column,
    Kind,
    ReportFilters,
    Table,
    group_labels,
    group_sort_key,
    owner_key,
    percentage,
)

EVENT_GROUPINGS = ["event", "type", "council", "campaign"]
SOURCE_GROUPINGS = ["owner", "channel", "language"]
HUB = "hub"
PREFIX = "n_"

NOT_CANCELLED = ~Q(status=Registration.Status.CANCELLED)
CONFIRMED = Q(status=Registration.Status.CONFIRMED)
COUNT_KEYS = (
    "bookings",
    "places",
    "waiting",
    "attended",
    "no_shows",
    "marked",
    "attended_marked",
    "enquired",
    "attendees_enquired",
)


def registrations(filters: ReportFilters) -> QuerySet[Registration]:
    """The bookings the filters select: not cancelled, booked in the range, with the owner,
    channel and campaign of their own attribution, at events the chosen council hosts."""
    queryset = Registration.objects.filter(NOT_CANCELLED).filter(filters.received_range())
    if filters.owner:
        queryset = queryset.filter(owner="" if filters.owner == OWNER_NONE else filters.owner)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.campaign_id:
        queryset = queryset.filter(campaign_id=filters.campaign_id)
    if filters.council_id == NOT_SURE_YET:
        queryset = queryset.filter(event__hosts__isnull=True)
    elif filters.council_id:
        # A subquery, not a join: grouping by host later must not meet this filter's join.
        hosted = EventPage.objects.filter(hosts=filters.council_id).values("pk")
        queryset = queryset.filter(event_id__in=hosted)
    return queryset


def event_counts(now=None) -> dict[str, Any]:
    """The aggregate expressions every events report row holds.

    bookings: not cancelled (confirmed or waiting); places: places on confirmed bookings;
    attended / no-shows: bookings marked as came / did not come; the attendance rate's
    denominator (`marked`) is confirmed bookings at events that have ended whose attendance
    was marked; enquired: bookings later linked to an enquiry by the same person.
    """
    now = now or timezone.now()
    ended_and_marked = CONFIRMED & Q(event__ends_at__lt=now, attended__isnull=False)
    # Prefixed: an aggregate named like a field ("attended") would shadow it in the filters.
    return {
        PREFIX + name: expression
        for name, expression in {
            "events": Count("event", distinct=True, filter=NOT_CANCELLED),
            "bookings": Count("pk", filter=NOT_CANCELLED),
            "places": Sum("places", filter=CONFIRMED, default=0),
            "waiting": Count("pk", filter=Q(status=Registration.Status.WAITING)),
            "attended": Count("pk", filter=NOT_CANCELLED & Q(attended=True)),
            "no_shows": Count("pk", filter=NOT_CANCELLED & Q(attended=False)),
            "marked": Count("pk", filter=ended_and_marked),
            "attended_marked": Count("pk", filter=ended_and_marked & Q(attended=True)),
            "enquired": Count("pk", filter=NOT_CANCELLED & Q(enquiry__isnull=False)),
            "attendees_enquired": Count(
                "pk", filter=NOT_CANCELLED & Q(attended=True, enquiry__isnull=False)
            ),
        }.items()
    }


def _counts(aggregate: dict[str, Any]) -> dict[str, int]:
    """The counts of an aggregate row, without their prefix."""
    return {
        name.removeprefix(PREFIX): value or 0
        for name, value in aggregate.items()
        if name.startswith(PREFIX)
    }


def _empty_row(key: Any) -> dict[str, Any]:
    return {"key": key, "events": 0, **dict.fromkeys(COUNT_KEYS, 0)}


def _add_rates(row: dict[str, Any]) -> dict[str, Any]:
    row["attendance_rate"] = percentage(row["attended_marked"], row["marked"])
    row["enquiry_rate"] = percentage(row["enquired"], row["bookings"])
    row["attendee_enquiry_rate"] = percentage(row["attendees_enquired"], row["attended"])
    return row


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    # The attendance rate's part and whole stay in the row (not columns): the screen states them.
    _add_rates(row)
    row.pop("key", None)
    return row


ATTENDANCE_BASE = ("attended_marked", "marked")


EVENT_GROUP_FIELDS = {
    "event": "event_id",
    "type": "event__event_type",
    "council": "event__hosts",
    "campaign": "campaign_id",
}


def event_performance(filters: ReportFilters, by: str = "event") -> Table:
    """One row per event (or type of event, hosting council, campaign), plus a total row.

    With `by="council"` an event hosted by several councils counts under each of them, and the
    hub's own events (no hosting council) under "The hub"; the total counts each booking once.
    """
    if by not in EVENT_GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(EVENT_GROUPINGS)}")
    now = timezone.now()
    selected = registrations(filters)
    field = EVENT_GROUP_FIELDS[by]
    rows: dict[Any, dict[str, Any]] = {}
    for aggregate in selected.order_by().values(field).annotate(**event_counts(now)):
        key = aggregate[field]
        if key is None:
            key = HUB if by == "council" else OWNER_NONE
        row = rows.setdefault(key, _empty_row(key))
        for name, value in _counts(aggregate).items():
            row[name] += value

    starts: dict[Any, Any] = {}
    if by == "event":
        events = EventPage.objects.filter(pk__in=rows.keys()).values("pk", "title", "starts_at")
        labels = {event["pk"]: event["title"] for event in events}
        starts = {
            event["pk"]: timezone.localdate(event["starts_at"], timezone.get_default_timezone())
            for event in events
        }
    elif by == "type":
        labels = {key: str(EventType(key).label) for key in rows if key in EventType.values}
    elif by == "council":
        labels = group_labels("council", [key for key in rows if key != HUB])
        labels[HUB] = _("The hub")
    else:
        labels = group_labels("campaign", rows.keys())

    for key, row in rows.items():
        row["group"] = labels.get(key, str(key))
        if by == "event":
            row["date"] = starts.get(key)

    def sort_key(row: dict[str, Any]) -> tuple:
        if by == "event":
            return (row["date"], row["group"])
        if by == "council":
            return (row["key"] == HUB, row["group"])
        if by == "campaign":
            return (row["key"] == OWNER_NONE, -row["bookings"], row["group"])
        return (-row["bookings"], row["group"])

    ordered = [_finish(row) for row in sorted(rows.values(), key=sort_key)]
    total = {"group": _("All events"), **_counts(selected.aggregate(**event_counts(now)))}
    if by == "event":
        total["date"] = None
    _finish(total)

    group_label = {
        "event": _("Event"),
        "type": _("Type of event"),
        "council": _("Hosting council"),
        "campaign": _("Campaign"),
    }[by]
    columns = [Column("group", group_label)]
    if by == "event":
        columns.append(Column("date", _("Date"), Kind.DATE))
    else:
        columns.append(Column("events", _("Events"), Kind.COUNT))
    columns += [
        Column("bookings", _("Bookings"), Kind.COUNT),
        Column("places", _("Places booked"), Kind.COUNT, on_screen=False),
        Column("waiting", _("On the waiting list"), Kind.COUNT, on_screen=False),
        Column("attended", _("Attended"), Kind.COUNT),
        Column("no_shows", _("No-shows"), Kind.COUNT, on_screen=False),
        Column("attendance_rate", _("Attendance rate"), Kind.PERCENT, base=ATTENDANCE_BASE),
        Column("enquired", _("Went on to enquire"), Kind.COUNT),
        Column(
            "enquiry_rate", _("Booking to enquiry"), Kind.PERCENT, base=("enquired", "bookings")
        ),
        Column(
            "attendees_enquired",
            _("Attendees who went on to enquire"),
            Kind.COUNT,
            on_screen=False,
        ),
        Column(
            "attendee_enquiry_rate",
            _("Attendee to enquiry"),
            Kind.PERCENT,
            on_screen=False,
            base=("attendees_enquired", "attended"),
        ),
    ]
    notes = [
        _(
            "Bookings made in the period (cancelled ones left out), with the owner, channel and "
            "campaign that brought each person to book. Places are those of confirmed bookings."
        ),
        _(
            "The attendance rate is of confirmed bookings at events that have ended whose "
            "attendance was marked. “Went on to enquire” counts bookings later linked to an "
            "enquiry by the same email address."
        ),
    ]
    if by == "council":
        notes.append(_("An event several councils host counts under each of them."))
    return Table(
        title=_("Events"),
        columns=columns,
        rows=ordered,
        totals=total,
        chart=Chart(
            label_key="group",
            series=["bookings", "attended", "enquired"],
            kind="bar",
            title=_("Bookings, attendance and enquiries, by %(group)s")
            % {"group": group_label.lower()},
        ),
        notes=notes,
    )


SOURCE_GROUP_FIELDS = {
    "owner": ["owner", "owner_council_id"],
    "channel": ["channel"],
    "language": ["language"],
}


def event_registrations_by_source(filters: ReportFilters, by: str = "owner") -> Table:
    """Event bookings and attendance by the campaign owner or channel that brought the person
    (grouped as the regional and local report groups enquiries), or by the language they
    booked in, plus a total row."""
    if by not in SOURCE_GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(SOURCE_GROUPINGS)}")
    now = timezone.now()
    selected = registrations(filters)
    rows: dict[Any, dict[str, Any]] = {}
    for aggregate in (
        selected.order_by().values(*SOURCE_GROUP_FIELDS[by]).annotate(**event_counts(now))
    ):
        if by == "owner":
            key = owner_key(aggregate["owner"], aggregate["owner_council_id"])
        else:
            key = aggregate[by]
        row = rows.setdefault(key, _empty_row(key))
        for name, value in _counts(aggregate).items():
            row[name] += value
    labels = group_labels(by, rows.keys())
    for key, row in rows.items():
        row["group"] = labels.get(key, str(key))
    ordered = [
        _finish(row)
        for row in sorted(
            rows.values(), key=lambda row: group_sort_key(by, row["key"], row["group"])
        )
    ]
    total = _finish(
        {"group": _("All bookings"), **_counts(selected.aggregate(**event_counts(now)))}
    )
    group_label = {"owner": _("Owner"), "channel": _("Channel"), "language": _("Language")}[by]
    return Table(
        title=_("Event bookings by source"),
        columns=[
            Column("group", group_label),
            Column("bookings", _("Bookings"), Kind.COUNT),
            Column("places", _("Places booked"), Kind.COUNT, on_screen=False),
            Column("attended", _("Attended"), Kind.COUNT),
            Column("no_shows", _("No-shows"), Kind.COUNT, on_screen=False),
            Column("attendance_rate", _("Attendance rate"), Kind.PERCENT, base=ATTENDANCE_BASE),
            Column("enquired", _("Went on to enquire"), Kind.COUNT),
            Column(
                "enquiry_rate",
                _("Booking to enquiry"),
                Kind.PERCENT,
                base=("enquired", "bookings"),
            ),
        ],
        rows=ordered,
        totals=total,
        chart=Chart(
            label_key="group",
            series=["bookings", "attended", "enquired"],
            kind="bar",
            title=_("Event bookings and attendance, by %(group)s") % {"group": group_label.lower()},
        ),
        notes=[
            _(
                "Bookings made in the period (cancelled ones left out), by the source of the "
                "booking itself: the campaign owner or channel that brought the person to book."
            )
        ],
    )
