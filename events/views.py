"""Booking an event, its confirmation page, and cancelling through the emailed link.

Like the enquiry form: Post/Redirect/Get, the saved registration's id in the session (never in
a URL), and `no-store` on every page that holds what one person typed or their booking. One
booking per address per event: booking again (Back and Book, a second tab) shows the first
booking, "you have already booked", and how to change or cancel it. A post the spam checks
doubt is held for staff to review (it takes no place until released) and a filled honeypot is
discarded; both get the same redirect and the same calm page. A cancellation link carries only
a signed random token, in the query string (never the path, which access logs keep), and works
until the event ends; opening it never cancels anything (mail scanners open links): the person
presses a button.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from attribution import capture
from core.http import HttpResponseSeeOther
from core.localization import canonical, version_in
from enquiry.submissions import PostKind, receive

from . import emails
from .duplicates import booking_fingerprint, find_booking
from .forms import BookingForm
from .models import EventIndexPage, EventPage, Registration
from .quarantine import hold_booking
from .services import BookingClosed, book, cancel

SESSION_KEY = "events.booking"
# Beside SESSION_KEY when the post found the address's earlier booking ("already booked").
REPEAT_KEY = "events.booking.repeat"
HELD = "held"
BOOKING = "booking"  # the form's name in the spam counts
FORM_TEMPLATE = "events/booking_page.html"
CONFIRMATION_TEMPLATE = "events/booking_confirmation.html"
CANCEL_TEMPLATE = "events/cancel_booking.html"


def confirmation_url(page: EventPage, request: HttpRequest) -> str:
    return page.get_url(request=request) + page.reverse_subpage("booking_confirmed")


def places_context(event: EventPage) -> dict:
    places_left = event.places_left()
    return {"places_left": places_left, "is_full": places_left == 0}


def booking_view(page: EventPage, request: HttpRequest) -> HttpResponse:
    """Show the booking form (GET) or book (POST); a clear message when booking is closed.

    `page` may be a translation: the booking, its places and its limits are the original's.
    """
    event = canonical(page)
    if not event.can_book:
        response = render_closed(page, request)
    elif request.method == "POST":
        response = handle_post(page, event, request)
    else:
        response = render_form(
            page, event, request, BookingForm(event=event, initial={"places": 1})
        )
    add_never_cache_headers(response)
    return response


class BookingPost(PostKind):
    """A booking for one event (one booking per address per event)."""

    form_name = BOOKING
    record_class = Registration

    def __init__(self, event: EventPage) -> None:
        self.event = event

    def fingerprint(self, details) -> str:
        return booking_fingerprint(self.event.pk, details.email)

    def find(self, details, fingerprint, token):
        return find_booking(self.event.pk, details.email, token)

    def hold(self, details, **kwargs):
        return hold_booking(self.event, details, **kwargs)

    def save(self, details, **kwargs):
        return book(self.event, details, **kwargs)


def handle_post(page: EventPage, event: EventPage, request: HttpRequest) -> HttpResponse:
    # The booking this browser made before, if any: only then does the page link to cancelling.
    previous = request.session.pop(SESSION_KEY, None)
    request.session.pop(REPEAT_KEY, None)
    form = BookingForm(request.POST, event=event)
    try:
        received = receive(request, form, BookingPost(event))
    except BookingClosed:
        return render_closed(page, request)
    if received.held:
        return held_response(page, request)
    if received.record is None:
        return render_form(page, event, request, form)
    request.session[SESSION_KEY] = received.record.pk
    if not received.created:
        request.session[REPEAT_KEY] = {"same_browser": previous == received.record.pk}
    return HttpResponseSeeOther(confirmation_url(page, request))


def held_response(page: EventPage, request: HttpRequest) -> HttpResponse:
    request.session[SESSION_KEY] = HELD
    return HttpResponseSeeOther(confirmation_url(page, request))


def render_form(
    page: EventPage, event: EventPage, request: HttpRequest, form: BookingForm
) -> TemplateResponse:
    return page.render(
        request,
        template=FORM_TEMPLATE,
        context_overrides={
            "form": form,
            "error_summary": form.error_summary() if form.is_bound else [],
            "when": emails.when(page),
            "landing_field": capture.LANDING_FIELD,
            "landing_value": capture.landing_value(request),
            "booking_url": page.get_url(request=request) + page.reverse_subpage("booking"),
            **places_context(event),
        },
    )


def render_closed(page: EventPage, request: HttpRequest) -> TemplateResponse:
    if page.has_ended:
        reason = "ended"
    elif not page.booking_required:
        reason = "not_required"
    else:
        reason = "closed"
    return page.render(
        request,
        template=FORM_TEMPLATE,
        context_overrides={"closed": reason, "when": emails.when(page)},
    )


def confirmation_view(page: EventPage, request: HttpRequest) -> HttpResponse:
    """This browser's booking for this event (saying so when it was booked before, with how to
    change or cancel it); "we check some requests" after a held post; a neutral page otherwise."""
    registration = None
    registration_id = request.session.get(SESSION_KEY)
    if isinstance(registration_id, int):
        registration = Registration.objects.filter(
            pk=registration_id, event_id=canonical(page).pk, anonymised_at__isnull=True
        ).first()
    repeat = request.session.get(REPEAT_KEY) if registration is not None else None
    cancel_url = ""
    if isinstance(repeat, dict) and repeat.get("same_browser"):
        # This browser made the booking: it may go straight to cancelling it (which asks first).
        cancel_url = emails.cancel_address(page.get_parent().specific, registration)
    response = page.render(
        request,
        template=CONFIRMATION_TEMPLATE,
        context_overrides={
            "registration": registration,
            "already_booked": isinstance(repeat, dict),
            "cancel_url": cancel_url,
            "held": registration_id == HELD,
            "when": emails.when(page),
            "ics_url": page.get_url(request=request) + page.reverse_subpage("calendar_file"),
        },
    )
    add_never_cache_headers(response)
    return response


def cancel_view(index_page: EventIndexPage, request: HttpRequest, token: str = "") -> HttpResponse:
    """Cancel a booking from the emailed link: GET asks, POST (the token in its body) cancels,
    then the page shows the result. Once the event has ended the link only says so, and how to
    contact the hub: it shows nothing of the booking and cancels nothing."""
    if request.method == "POST":
        token = request.POST.get(emails.CANCEL_TOKEN_PARAMETER) or token
    registration = _registration_for(token)
    if registration is None or (
        registration.event.get_parent().translation_key != index_page.translation_key
    ):
        state = "invalid"
    elif registration.event.has_ended:
        state = "ended"
    elif registration.anonymised_at is not None:
        state = "invalid"
    elif registration.status == Registration.Status.CANCELLED:
        state = "cancelled"
    elif request.method == "POST":
        cancel(registration)
        return _private(HttpResponseSeeOther(emails.cancel_address(index_page, registration)))
    else:
        state = "confirm"
    event = None
    if state != "invalid":  # its title and venue in the language of the page
        event = version_in(registration.event, index_page.locale.language_code)
    response = index_page.render(
        request,
        template=CANCEL_TEMPLATE,
        context_overrides={
            "state": state,
            "registration": registration if state in ("confirm", "cancelled") else None,
            "event": event,
            "when": emails.when(event) if event is not None else None,
            "cancel_action": index_page.url + index_page.reverse_subpage("cancel_booking"),
            "token": token if state == "confirm" else "",
            "no_analytics": True,  # the address holds the token
        },
    )
    if state == "invalid":
        response.status_code = 404
    return _private(response)


def cancel_by_path_view(
    index_page: EventIndexPage, request: HttpRequest, token: str
) -> HttpResponse:
    """A link emailed before issue 17, the token in its path: GET goes on to the page with the
    token in the query string (the path is masked in the access logs); a POST from a page
    opened before the change is answered as it was."""
    if request.method == "POST":
        return cancel_view(index_page, request, token)
    query = urlencode({emails.CANCEL_TOKEN_PARAMETER: token})
    address = f"{index_page.url}{index_page.reverse_subpage('cancel_booking')}?{query}"
    return _private(HttpResponseRedirect(address))


def _registration_for(token: str) -> Registration | None:
    """The booking a link's token names (erased ones too: after the event, their link says
    it has ended), or None when the token is forged or mangled."""
    value = emails.read_cancel_token(token or "")
    if not value or not _is_uuid(value):
        return None
    return Registration.objects.select_related("event").filter(cancel_token=value).first()


def _private(response: HttpResponse) -> HttpResponse:
    """No cache keeps it, and the next page is not told this address (it holds the token)."""
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
