"""Capturing where visitors came from, on every public page, within the person's choices.

`AttributionMiddleware` reads a page view's campaign tags (utm_*, mtm_*, pk_*), whether an ad
click id was present (yes/no only), whether it came through a /go/ short link, the referrer's
domain (not our own) and the landing path, and keeps two touches: the FIRST, and the LAST
NON-DIRECT one (a later bookmark visit never overwrites the campaign that brought the person).

Where they are kept follows `attribution.consent`, always in a signed first-party cookie and
never on the server, so recording a touch costs no database write and no session, and works the
same for a page served from any cache:
- analytics consent: `hub_attribution`, for ATTRIBUTION_CONSENTED_DAYS (90 days);
- no consent, ATTRIBUTION_WITHOUT_CONSENT = "session" and no objection: `hub_visit`, for the
  visit only (no expiry: it ends when the browser closes); a visit with nothing to record
  writes nothing. Choosing carries the record from one to the other;
- "nothing", or an objection: nothing at all is written to the device.
In every case the enquiry form carries a tagged landing in a signed hidden field
(`landing_token`), so a tagged visit that lands on the form is attributed with no storage.

The touch is read from the request as it arrived (`visit_touch`), before anything below strips
the query parameters a page does not read (home.page_cache.allow).

Capture never blocks a page: any failure is logged (without personal data) and the page served.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from . import consent, touches
from .classification import Context, Touch, is_direct, referrer_domain

logger = logging.getLogger(__name__)

COOKIE_NAME = "hub_attribution"  # with consent: 90 days
VISIT_COOKIE_NAME = "hub_visit"  # without: until the browser closes
COOKIE_SALT = "attribution.cookie"
LANDING_SALT = "attribution.landing"
LANDING_FIELD = "landing"
# Longest hidden-field value accepted back (a signed touch is a few hundred characters).
LANDING_MAX_LENGTH = 2000
# How long a form's hidden landing stays good: as long as the form itself may be open.
LANDING_MAX_AGE = 60 * 60 * 24

SKIPPED_PREFIXES = ("/admin/", "/django-admin/", "/static/", "/media/", "/documents/", "/go/")
# Extensions of pages that are still pages; any other "name.ext" is a file, not a visit.
PAGE_EXTENSIONS = (".html", ".htm")

Pair = tuple[dict | None, dict | None]


# --- Reading a visit ---------------------------------------------------------------------------


def own_host(request: HttpRequest) -> str:
    """The host this request came to, as a domain ("" if it is not a domain, e.g. an IP)."""
    try:
        host = request.get_host()
    except Exception:  # DisallowedHost: not ours to judge here
        return ""
    return referrer_domain(host)


def is_page_path(path: str) -> bool:
    """Whether the path is a public page worth capturing (not admin, files or short links)."""
    if path.startswith(SKIPPED_PREFIXES) or path in {"/admin", "/go"}:
        return False
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return "." not in last or last.lower().endswith(PAGE_EXTENSIONS)


VISIT_TOUCH = "_hub_visit_touch"


def visit_touch(request: HttpRequest) -> Touch:
    """This page view's touch, read once from the request as it arrived."""
    touch = getattr(request, VISIT_TOUCH, None)
    if touch is None:
        touch = touch_from_request(request)
        setattr(request, VISIT_TOUCH, touch)
    return touch


def touch_from_request(request: HttpRequest) -> Touch:
    """This page view as a touch: tags, click id flag, short link, outside referrer, path."""
    referrer = referrer_domain(request.META.get("HTTP_REFERER", ""))
    host = own_host(request)
    if referrer and host and (referrer == host or referrer.endswith("." + host)):
        referrer = ""
    return Touch.from_query(
        request.GET,
        referrer=referrer,
        landing_path=request.path,
        via_short_link=request.GET.get("hub_link") == "short",
    )


def capture_context(request: HttpRequest) -> Context:
    """What `is_direct` needs to tell a self-referral: our own host. (Council domains make
    no difference to whether a visit is direct, so capture reads no database.)"""
    return Context(own_domains=frozenset({own_host(request)} - {""}))


def is_direct_visit(request: HttpRequest, touch: Touch) -> bool:
    return is_direct(touch, capture_context(request))


# --- Storage -----------------------------------------------------------------------------------


def storage_for(request: HttpRequest) -> str:
    """ "cookie" (90 days), "visit" (until the browser closes) or "" (nothing may be written)
    for this person's choices."""
    if consent.analytics_consent(request):
        return "cookie"
    if consent.session_attribution_allowed(request):
        return "visit"
    return ""


def _valid_pair(data: Any) -> Pair:
    """(first, last) from stored data, each cleaned and inside the 90-day window. A first touch
    that has aged out leaves the last touch as the earliest one still known."""
    if not isinstance(data, dict):
        return None, None
    now = timezone.now()
    first, last = (touches.clean(data.get(key)) for key in ("first", "last"))
    first = first if touches.within_window(first, now) else None
    last = last if touches.within_window(last, now) else None
    if first is None and last is not None:
        first = last
    return first, last


def cookie_for(mode: str) -> str:
    return COOKIE_NAME if mode == "cookie" else VISIT_COOKIE_NAME


def _read_cookie(request: HttpRequest, name: str) -> Pair:
    raw = request.COOKIES.get(name)
    if not raw:
        return None, None
    try:
        data = signing.loads(
            raw, salt=COOKIE_SALT, max_age=settings.ATTRIBUTION_CONSENTED_DAYS * 24 * 60 * 60
        )
    except signing.BadSignature:  # forged, altered or older than the window
        return None, None
    return _valid_pair(data)


def touches_for(request: HttpRequest) -> Pair:
    """(first touch, last non-direct touch) kept for this person, as stored dicts (or None).

    Only what the person's current choices allow is read (nothing after an objection, or
    without consent when the hub chose "nothing")."""
    mode = storage_for(request)
    if not mode:
        return None, None
    if mode == "cookie":
        first, last = _read_cookie(request, COOKIE_NAME)
        if first is not None:
            return first, last
    return _read_cookie(request, VISIT_COOKIE_NAME)  # without consent, or from before it


def updated_pair(stored: Pair, touch: dict, direct: bool) -> Pair | None:
    """The pair after a visit, or None when nothing changes: a direct visit never overwrites
    (and on its own never starts) the record; any other visit becomes the last touch, and the
    first touch too when there is none."""
    if direct:
        return None
    first, _last = stored
    return (first or touch), touch


def _forget(request: HttpRequest, response: HttpResponse, *names: str) -> None:
    for name in names:
        if name in request.COOKIES:
            response.delete_cookie(name, samesite="Lax")


def write_cookie(request: HttpRequest, response: HttpResponse, pair: Pair, mode: str) -> None:
    """Signed (and URL-safe, so no browser mangles it); the person cannot edit a campaign in.
    For 90 days with consent ("cookie"); without, for the visit only ("visit"), in a cookie of
    its own name, so anyone looking at their cookies can tell the two apart."""
    first, last = pair
    name = cookie_for(mode)
    _forget(request, response, *({COOKIE_NAME, VISIT_COOKIE_NAME} - {name}))
    response.set_cookie(
        name,
        signing.dumps({"first": first, "last": last}, salt=COOKIE_SALT, compress=True),
        max_age=settings.ATTRIBUTION_CONSENTED_DAYS * 24 * 60 * 60 if mode == "cookie" else None,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def keep_as_allowed(request: HttpRequest, response: HttpResponse, mode: str) -> None:
    """After a change of choices: keep what was recorded for as long as `mode` allows (a yes
    turns the visit's record into the 90-day one; a no turns it back), or remove it."""
    pair = _read_cookie(request, COOKIE_NAME)
    if pair[0] is None:
        pair = _read_cookie(request, VISIT_COOKIE_NAME)
    if mode and pair[0] is not None:
        write_cookie(request, response, pair, mode)
    else:
        _forget(request, response, COOKIE_NAME, VISIT_COOKIE_NAME)


def capture(request: HttpRequest, response: HttpResponse) -> None:
    """Record this page view's touch where the person's choices allow."""
    mode = storage_for(request)
    if not mode:
        _forget(request, response, COOKIE_NAME, VISIT_COOKIE_NAME)  # no longer allowed
        return
    touch = visit_touch(request)
    if is_direct_visit(request, touch):
        return  # nothing to record: no cookie is written for a direct visit
    pair = updated_pair(touches_for(request), touches.to_dict(touch), direct=False)
    if pair is not None:
        write_cookie(request, response, pair, mode)


def should_capture(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and is_page_path(request.path)
        and response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
    )


class AttributionMiddleware:
    """Capture campaign touches on public pages (see module doc). Near the top of the stack:
    it needs no session, and runs for pages the page cache answers too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and is_page_path(request.path):
            try:
                visit_touch(request)  # before anything strips the query
            except Exception:
                logger.exception("Attribution capture failed; the page was served without it.")
        response = self.get_response(request)
        try:
            if should_capture(request, response):
                capture(request, response)
        except Exception:
            logger.exception("Attribution capture failed; the page was served without it.")
        return response


# --- The enquiry form's hidden landing ----------------------------------------------------------


def landing_token(request: HttpRequest) -> str:
    """A signed hidden-field value with this visit's touch, when it says where the person came
    from (tags, short link, click id flag or an outside referrer); "" for a direct visit."""
    touch = visit_touch(request)
    if is_direct_visit(request, touch):
        return ""
    return signing.dumps(touches.to_dict(touch), salt=LANDING_SALT, compress=True)


def read_landing(value: object) -> dict | None:
    """The touch a form's hidden landing field carries, or None when missing, too long, forged
    or older than a form may be open."""
    if not isinstance(value, str) or not value or len(value) > LANDING_MAX_LENGTH:
        return None
    try:
        data = signing.loads(value, salt=LANDING_SALT, max_age=LANDING_MAX_AGE)
    except signing.BadSignature:
        return None
    return touches.clean(data)


def touches_for_enquiry(request: HttpRequest, landing_value: object = None) -> Pair:
    """The touches to attribute an enquiry posted now: what storage kept, else the form's
    hidden landing (a tagged visit that landed on the form itself)."""
    first, last = touches_for(request)
    if first is None and last is None:
        landing = read_landing(landing_value)
        if landing is not None:
            return landing, landing
    return first, last


def landing_value(request: HttpRequest) -> str:
    """The signed hidden landing for a public form: this visit's tags when it landed on the
    form with them, or the one posted back (when genuine) on a form shown again with errors."""
    if request.method == "POST":
        posted = request.POST.get(LANDING_FIELD, "")
        return posted if read_landing(posted) else ""
    return landing_token(request)
