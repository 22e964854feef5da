"""The page a visitor sees when the site cannot reach its database (`handler500`).

Why: during a database outage (a restart, a fail-over) every page fails, and Django's 500 page
says only "something went wrong". Someone who has just pressed "Send" must know for certain
that their enquiry or booking did NOT go through, or they wait for a call that never comes. So
a lost or refused database connection gets a 503 with `Retry-After`, saying that nothing was
saved and offering "Send again", a form holding exactly what they posted (the same signed form
token, so a second press can never make a second enquiry). The form page itself cannot be
shown again: it is a Wagtail page, and finding it needs the database.

Rendered without the database: no request context processors (they read the hub's settings),
a self-contained template, and the language LocaleMiddleware already chose from the address.
Any other error is Django's own 500 page.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

# What a lost or refused database connection raises (psycopg's errors, wrapped by Django).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# Set on the request by a form view once its submission is committed: an error after that point
# (saving the session on the way out) must not tell the person that nothing was saved.
SUBMISSION_SAVED = "_hub_submission_saved"
# Public forms that can be sent again as they were: they carry the signed form token.
RESENDABLE_FIELD = "form_token"
RETRY_AFTER_SECONDS = 30


def mark_submission_saved(request: HttpRequest) -> None:
    """Call once an enquiry or booking is committed."""
    setattr(request, SUBMISSION_SAVED, True)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, or the database-unavailable page when that was the error."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    return defaults.server_error(request)


def posted_fields(request: HttpRequest) -> list[tuple[str, str]]:
    """What a public form posted, to send again; nothing for anything else (the admin's login
    must never have a password written back into a page)."""
    if request.method != "POST" or request.path.startswith("/admin/"):
        return []
    try:
        fields = [(name, value) for name, values in request.POST.lists() for value in values]
    except Exception:  # an unreadable or oversized body: there is nothing to offer back
        return []
    return fields if any(name == RESENDABLE_FIELD for name, _value in fields) else []


def database_unavailable(request: HttpRequest) -> HttpResponse:
    fields = posted_fields(request)
    context = {
        "saved": bool(getattr(request, SUBMISSION_SAVED, False)),
        "was_post": request.method == "POST",
        "fields": fields,
        "action": request.get_full_path(),
    }
    response = HttpResponse(loader.render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)  # what someone typed, and a state that will pass
    return response
