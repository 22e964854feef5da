"""Demo events under /events/: every format and type, across the four councils and the hub.

Dates are counted from the day the demo is loaded, so a fresh demo always has upcoming events
(and two past ones for the archive). One event is small and fully booked, to show the waiting
list; one is online; one is a drop-in that needs no booking. Like the rest of the demo, each
event is found by its slug and left as it is when it exists, so loading twice creates nothing.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from events.models import EventIndexPage, Registration

from .refs import CouncilRef, Img, PageRef, p, rich_text

if TYPE_CHECKING:
    from .loader import DemoLoader

LONDON = zoneinfo.ZoneInfo("Europe/London")
JOIN = "The link to the video call and a short guide to joining are in your confirmation email."


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A UK wall-clock time `days` from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def _event(
    slug: str,
    title: str,
    *,
    days: int,
    start: tuple[int, int],
    hours: float,
    event_type: str,
    summary: str,
    body: str,
    event_format: str = "in_person",
    venue: tuple[str, str, str] | None = None,
    access: str = "",
    hosts: tuple[str, ...] = (),
    types: tuple[str, ...] = (),
    capacity: int | None = 20,
    booking_required: bool = True,
    image: str = "chat",
) -> dict[str, Any]:
    starts = at(days, *start)
    fields: dict[str, Any] = {
        "event_type": event_type,
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=hours),
        "format": event_format,
        "listing_summary": summary,
        "listing_image": Img(image),
        "access_information": access,
        "hosts": [CouncilRef(name) for name in hosts],
        "fostering_types": [PageRef(f"/types-of-fostering/{slug_}/") for slug_ in types],
        "capacity": capacity,
        "booking_required": booking_required,
        "body": [rich_text(body)],
    }
    if venue:
        fields["venue_name"], fields["venue_address"], fields["venue_postcode"] = venue
    if event_format in ("online", "hybrid"):
        # Demo only: a made-up meeting address that people receive by email once they book.
        fields["joining_details"] = f"https://meet.example.org/fostering-{slug}\nPasscode: 2468"
    return {"model": "events.EventPage", "slug": slug, "title": title, "fields": fields}


def event_specs() -> list[dict[str, Any]]:
    return [
        _event(
            "derby-information-evening",
            "Fostering information evening in Derby",
            days=9,
            start=(18, 30),
            hours=1.5,
            event_type="information_session",
            summary="Hear from a Derby foster carer and our team, then ask anything you like.",
            body=p(
                "A foster carer from Derby talks about their first year, and someone from our "
                "team explains the steps from your first question to becoming a carer.",
                "There is tea, coffee and plenty of time for questions. You can come on your own "
                "or bring someone from your household.",
            ),
            venue=("Derby Central Library", "Wardwick\nDerby", "DE1 1HS"),
            access=(
                "Step-free entrance from Wardwick. Lift to the first-floor meeting room. "
                "Accessible toilet and a hearing loop in the room."
            ),
            hosts=("derby",),
            types=("short-term", "long-term"),
            image="city",
        ),
        _event(
            "online-evening-with-carers",
            "Online evening: ask foster carers anything",
            days=14,
            start=(19, 0),
            hours=1,
            event_type="online_qa",
            event_format="online",
            summary="Three foster carers answer your questions on a video call. Cameras optional.",
            body=p(
                "Three foster carers from across the region share what a normal week looks like "
                "and answer your questions honestly.",
                "You can type questions in the chat instead of speaking. " + JOIN,
            ),
            types=("teenagers", "sibling-groups"),
            capacity=60,
            image="chat",
        ),
        _event(
            "nottingham-coffee-morning",
            "Coffee morning at Nottingham Central Library",
            days=5,
            start=(10, 0),
            hours=1.5,
            event_type="coffee_morning",
            summary="A small, relaxed chat over coffee. Only a few places, so book early.",
            body=p(
                "Meet a member of the Nottingham fostering team and a carer over coffee and "
                "cake. Small groups mean everyone gets time to talk.",
            ),
            venue=("Nottingham Central Library", "Angel Row\nNottingham", "NG1 6HL"),
            access="Step-free entrance and lift. Baby changing on the ground floor.",
            hosts=("nottingham",),
            types=("short-breaks",),
            capacity=2,  # fully booked in the demo: shows the waiting list
            image="garden",
        ),
        _event(
            "matlock-drop-in",
            "Fostering drop-in in Matlock",
            days=12,
            start=(11, 0),
            hours=3,
            event_type="drop_in",
            summary="Pop in any time between 11am and 2pm. No need to book.",
            body=p(
                "Come along whenever suits you. Our Derbyshire team will be there to chat, "
                "answer questions and give you information to take home.",
            ),
            venue=("Matlock Town Hall", "Bank Road\nMatlock", "DE4 3NN"),
            access="Ramp at the side entrance on Bank Road. Free parking nearby for Blue Badge holders.",
            hosts=("derbyshire",),
            types=("parent-and-child",),
            capacity=None,
            booking_required=False,
            image="peaks",
        ),
        _event(
            "mansfield-pop-up",
            "Pop-up stand at Four Seasons Shopping Centre",
            days=20,
            start=(10, 0),
            hours=6,
            event_type="pop_up",
            summary="Find our stand near the main entrance and pick up a free information pack.",
            body=p(
                "Say hello at our stand while you shop. You can chat to our team for a minute or "
                "for half an hour.",
            ),
            venue=("Four Seasons Shopping Centre", "Mansfield", "NG18 1SU"),
            access="Step-free throughout. Seating by the stand.",
            hosts=("nottinghamshire",),
            capacity=None,
            booking_required=False,
            image="path",
        ),
        _event(
            "hybrid-training-taster",
            "Training taster: what Skills to Foster covers",
            days=26,
            start=(18, 0),
            hours=2,
            event_type="training_taster",
            event_format="hybrid",
            summary="Try a short part of the training every new carer does, in the room or online.",
            body=p(
                "Our trainers run a short session from the course every new foster carer takes. "
                "Join us in Derby or from home. " + JOIN,
            ),
            venue=("The Council House", "Corporation Street\nDerby", "DE1 2FS"),
            access="Step-free entrance on Corporation Street. Accessible toilet on every floor.",
            hosts=("derby", "derbyshire"),
            types=("therapeutic",),
            capacity=30,
            image="home",
        ),
        _event(
            "spring-information-session",
            "Spring information session in Beeston",
            days=-21,
            start=(18, 0),
            hours=2,
            event_type="information_session",
            summary="Our spring information session with carers from Nottinghamshire.",
            body=p("Thank you to everyone who came along and asked such good questions."),
            venue=("Beeston Library", "Foster Avenue\nBeeston", "NG9 1AE"),
            access="Step-free entrance and a hearing loop.",
            hosts=("nottinghamshire",),
            types=("long-term",),
            image="siblings",
        ),
        _event(
            "winter-online-evening",
            "Online evening: fostering teenagers",
            days=-45,
            start=(19, 0),
            hours=1,
            event_type="online_qa",
            event_format="online",
            summary="Carers who look after teenagers talked about the ups and downs.",
            body=p("Thank you for joining us. Our next online evening is listed on this page."),
            types=("teenagers",),
            capacity=50,
            image="teen",
        ),
    ]


# Demo bookings that fill the small coffee morning (made-up people at a reserved domain).
FULL_EVENT = "nottingham-coffee-morning"
FULL_EVENT_BOOKINGS = [("Alex", "Morgan"), ("Priya", "Shah")]


def load_demo_events(loader: DemoLoader) -> None:
    """Create the demo events (and the bookings that fill one) where they are missing."""

    index = EventIndexPage.objects.child_of(loader.home).first()
    if index is None:
        return  # the site has kept an edited interim /events/ page: leave it be
    for spec in event_specs():
        event = loader.ensure_page(index, spec)
        if spec["slug"] == FULL_EVENT and not event.registrations.exists():
            for first_name, last_name in FULL_EVENT_BOOKINGS:
                Registration.objects.create(
                    event=event,
                    places=1,
                    first_name=first_name,
                    last_name=last_name,
                    email=f"{first_name.lower()}.{last_name.lower()}@example.org",
                    postcode="NG1 5AA",
                    postcode_district="NG1",
                    confirmed_at=timezone.now(),
                )
            loader.created("event booking", event.title, len(FULL_EVENT_BOOKINGS))
