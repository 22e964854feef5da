"""Pages and documents for signed-in people only need the second factor too.

Wagtail's "signed-in users only" (and "these groups only") view restrictions accept any
authenticated session, and send everyone else to Wagtail's frontend login, a password-only
form. A password alone must never open what the admin guards with a second factor, so:

- a restriction lets through only a session verified by the person's authenticator app: a
  session signed in with the password alone is sent to the code step (or, with no app yet, to
  set one up) and comes back; someone verified but outside the page's groups is told so (Wagtail
  would send them to sign in again, round in circles);
- the frontend login's address (WAGTAIL_FRONTEND_LOGIN_URL, `/_util/login/`) is no sign-in form:
  it sends people through the admin's sign-in and its code step, then on to the page. It
  replaces Wagtail's view at the same address (config/urls.py), so an old link or form there
  signs nobody in.

People who cannot reach the admin cannot set up a second factor, so they cannot open
signed-in-only pages: every account of the hub is staff who can (accounts.roles).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from wagtail.models import BaseViewRestriction

from accounts.views import next_url, second_step, with_next
from core.http import HttpResponseSeeOther

SIGNED_IN_ONLY = (BaseViewRestriction.LOGIN, BaseViewRestriction.GROUPS)
NOT_ALLOWED_TEMPLATE = "accounts/not_allowed.html"


def refusal(
    request: HttpRequest, restrictions: Iterable[BaseViewRestriction]
) -> HttpResponse | None:
    """The answer to a signed-in person these restrictions do not let through, or None (let
    Wagtail's own check decide: a visitor who is not signed in is sent to sign in)."""
    user = request.user
    if not user.is_authenticated:
        return None
    signed_in_only = [r for r in restrictions if r.restriction_type in SIGNED_IN_ONLY]
    if not signed_in_only:
        return None
    if not user.is_verified():
        response: HttpResponse = HttpResponseRedirect(second_step(user, request.get_full_path()))
    elif all(restriction.accept_request(request) for restriction in signed_in_only):
        return None
    else:
        response = TemplateResponse(request, NOT_ALLOWED_TEMPLATE, status=403)
    add_never_cache_headers(response)
    return response


@never_cache
def frontend_sign_in(request: HttpRequest) -> HttpResponse:
    """Where a restriction sends someone to sign in: the admin's sign-in (password, then the
    code), or straight to the code step when the password is done, then back to the page.
    Never checks a password itself; whatever is posted here is dropped (303)."""
    going_to = next_url(request, default="/")
    user = request.user
    if not user.is_authenticated:
        target = with_next("wagtailadmin_login", going_to)
    elif not user.is_verified():
        target = second_step(user, going_to)
    else:
        target = going_to
    if request.method == "POST":
        return HttpResponseSeeOther(target)
    return HttpResponseRedirect(target)
