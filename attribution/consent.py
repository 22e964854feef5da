"""The visitor's cookie choices, in one first-party cookie the site reads on every request.

`hub_cookie_choices` holds "analytics:yes" or "analytics:no" once the person has chosen, plus
"statistics:no" when they object to the visit-only record of where they came from
(the statistical-purposes exemption; see settings.ATTRIBUTION_WITHOUT_CONSENT). No choice yet:
no cookie. The banner and the cookies page write it; attribution and analytics read it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "hub_cookie_choices"
COOKIE_MAX_AGE = 60 * 60 * 24 * 365  # a year, then we ask again


def choices(request: HttpRequest) -> set[str]:
    """The recorded choices ("analytics:yes", "statistics:no"), empty before any choice."""
    return {part.strip() for part in request.COOKIES.get(COOKIE_NAME, "").split(",") if part}


def analytics_consent(request: HttpRequest) -> bool | None:
    """True when analytics cookies were accepted, False when refused, None before a choice."""
    chosen = choices(request)
    if "analytics:yes" in chosen:
        return True
    if "analytics:no" in chosen:
        return False
    return None


def objects_to_statistics(request: HttpRequest) -> bool:
    """The person objected to the visit-only record of where they came from."""
    return "statistics:no" in choices(request)


def session_attribution_allowed(request: HttpRequest) -> bool:
    """May this visit's touches be kept (in a first-party cookie that ends with the visit)?"""
    if analytics_consent(request):
        return True
    if settings.ATTRIBUTION_WITHOUT_CONSENT != "session":
        return False
    return not objects_to_statistics(request)


def set_choices(response: HttpResponse, *, analytics: bool, statistics: bool = True) -> None:
    """Record the person's choices (a strictly necessary cookie: it remembers a refusal too)."""
    value = ",".join(
        ["analytics:yes" if analytics else "analytics:no"]
        + ([] if statistics else ["statistics:no"])
    )
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
