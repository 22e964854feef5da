"""The one endpoint that records cookie choices, from the banner or from the cookies page.

Both are plain POST forms, so choosing works without JavaScript: the choice is written by
`consent.set_choices` and the browser goes back to the page it came from, with
`hub_cookies=accepted|rejected|saved` in the address so that page can confirm the choice. A GET
(the banner's "View cookies" link) goes to the cookies page, so no page has to look that page up.

The forms carry no CSRF token, because the banner is on every page and a page must be the same
bytes for every visitor to be cached (home.page_cache). A cross-site post is refused all the
same, by the headers browsers send with every form post and a page cannot forge: `Origin` must
be this site, or, without it, `Sec-Fetch-Site` must not say cross-site, and over HTTPS a
`Referer` from this site is required when neither is sent (as Django's own CSRF check does).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
)
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.models import Site

from attribution import capture, consent
from core.http import HttpResponseSeeOther
from core.localization import localized_versions

from .models import PolicyPage

# The query parameter a page reads to confirm a choice just made (never anything personal).
CONFIRMATION_PARAM = "hub_cookies"
COOKIES_PAGE_SLUG = "cookies"
# Set on the request by the template tags when a page's content depends on the choices cookie.
DEPENDS_ON_CHOICES = "_hub_depends_on_cookie_choices"


def cookies_page_url(request: HttpRequest) -> str | None:
    """The live cookies page of this site (a PolicyPage with the slug "cookies"), if any."""
    site = Site.find_for_request(request)
    pages = PolicyPage.objects.live().filter(slug=COOKIES_PAGE_SLUG)
    if site is not None:
        pages = pages.descendant_of(site.root_page, inclusive=True)
    page = pages.first()
    if page is None:
        return None
    versions, _lang = localized_versions([page])  # the visitor's language's version, if any
    return versions.get(page.translation_key, page).get_url(request=request)


def safe_next_url(request: HttpRequest, url: str | None) -> str:
    """The page to go back to: only a path on this site, never another host (open redirect)."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(url)
        # Back to the same site, as a path: drop any scheme and host the form carried.
        return urlunsplit(("", "", parts.path or "/", parts.query, ""))
    return "/"


def with_confirmation(url: str, outcome: str) -> str:
    """`url` with `hub_cookies=<outcome>` (replacing an earlier one)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = [(k, v) for k, v in query if k != CONFIRMATION_PARAM] + [(CONFIRMATION_PARAM, outcome)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def from_this_site(request: HttpRequest) -> bool:
    """Was this post sent by a page of this site? (see the module docstring)"""
    ours = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin in ours
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    if request.is_secure():
        return _origin(request.META.get("HTTP_REFERER", "")) in ours
    return True


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def cookie_choices(request: HttpRequest) -> HttpResponse:
    """Save the choices posted by the banner or the cookies page form, then go back."""
    if request.method == "GET":
        url = cookies_page_url(request)
        if url is None:
            raise Http404("No cookies page")
        return HttpResponseRedirect(url)
    if not from_this_site(request):
        return HttpResponseForbidden(
            "Your cookie choices were not saved: the form was sent from another website."
        )

    next_url = safe_next_url(request, request.POST.get("next"))
    analytics = _yes_no(request.POST.get("analytics"))
    if analytics is None:
        # Nothing chosen (not possible from our forms): change nothing, go back.
        return HttpResponseSeeOther(next_url)
    if request.POST.get("form") == "cookies-page":
        statistics = _yes_no(request.POST.get("statistics"))
        if statistics is None:
            statistics = not consent.objects_to_statistics(request)
        outcome = "saved"
    else:
        # The banner asks about analytics only; an earlier objection stays in force.
        statistics = not consent.objects_to_statistics(request)
        outcome = "accepted" if analytics else "rejected"
    response = HttpResponseSeeOther(with_confirmation(next_url, outcome))
    consent.set_choices(response, analytics=analytics, statistics=statistics)
    # A choice takes effect at once: consent keeps this visit's record for 90 days; a refusal
    # keeps it for the visit only; an objection (or the hub's "nothing") removes it.
    if analytics:
        mode = "cookie"
    elif statistics and settings.ATTRIBUTION_WITHOUT_CONSENT == "session":
        mode = "visit"
    else:
        mode = ""
    capture.keep_as_allowed(request, response, mode)
    return response


class ConsentVaryMiddleware:
    """Add `Vary: Cookie` to responses whose content depends on the cookie choices.

    The banner, the confirmation and the analytics snippets differ by visitor, so a shared cache
    must never serve one person's version to another. The template tags mark the request; this
    marks the response. (A page showing the banner already varies, through its CSRF token; a
    page rendered after a choice would not without this.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, DEPENDS_ON_CHOICES, False):
            patch_vary_headers(response, ["Cookie"])
        return response
