"""Template tags for the cookie banner, the cookies page form and consent-gated analytics.

`{% cookie_banner %}` shows the question until the person chooses, then (once) the
confirmation; `{% analytics_allowed as allowed %}` is True only after they accepted analytics
cookies, and never on the admin, in previews or on a page that shows an enquiry reference;
`{% cookie_choices_form %}` is the form on the cookies page. Each marks the request so
`ConsentVaryMiddleware` adds `Vary: Cookie` to the response.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from attribution import consent
from home.consent_views import (
    CONFIRMATION_PARAM,
    COOKIES_PAGE_SLUG,
    DEPENDS_ON_CHOICES,
)

register = template.Library()

# Pages that show an enquiry reference (or could): no analytics service may see them at all.
NO_ANALYTICS_TEMPLATES = frozenset({"enquiry/enquiry_confirmation.html"})


def _admin_prefix() -> str:
    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:  # pragma: no cover - the admin is always installed here
        return "/admin/"


def _is_public_page(request: HttpRequest | None) -> bool:
    """A visitor-facing page: not the admin and not an editor's preview."""
    if request is None or getattr(request, "is_preview", False):
        return False
    return not request.path.startswith(_admin_prefix())


def _mark(request: HttpRequest) -> None:
    setattr(request, DEPENDS_ON_CHOICES, True)


def _is_cookies_page(context: template.Context) -> bool:
    page = context.get("page")
    return getattr(page, "slug", None) == COOKIES_PAGE_SLUG and (
        type(page).__name__ == "PolicyPage"
    )


def _path_without_confirmation(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop(CONFIRMATION_PARAM, None)
    encoded = query.urlencode()
    return request.path + (f"?{encoded}" if encoded else "")


@register.inclusion_tag("includes/cookie_banner.html", takes_context=True)
def cookie_banner(context: template.Context) -> dict:
    """The banner's state: "question" before a choice, "accepted"/"rejected" just after one."""
    request = context.get("request")
    state = ""
    if _is_public_page(request) and not _is_cookies_page(context):
        _mark(request)
        choice = consent.analytics_consent(request)
        just_chose = request.GET.get(CONFIRMATION_PARAM)
        if choice is None:
            state = "question"
        elif just_chose == "accepted" and choice:
            state = "accepted"
        elif just_chose == "rejected" and not choice:
            state = "rejected"
    return {
        "request": request,
        "hub": context.get("hub"),
        "state": state,
        "next_url": _path_without_confirmation(request) if state else "",
    }


@register.simple_tag(takes_context=True)
def analytics_allowed(context: template.Context) -> bool:
    """May this page load the configured analytics services? Only after an explicit yes."""
    request = context.get("request")
    if not _is_public_page(request):
        return False
    _mark(request)
    if context.get("no_analytics"):
        return False
    rendered = getattr(getattr(context, "template", None), "name", None)
    if rendered in NO_ANALYTICS_TEMPLATES:
        return False
    return consent.analytics_consent(request) is True


@register.inclusion_tag("includes/cookie_choices_form.html", takes_context=True)
def cookie_choices_form(context: template.Context) -> dict:
    """The cookies page form, pre-filled with what applies now (no choice yet means no)."""
    request = context.get("request")
    if request is not None:
        _mark(request)
    return {
        "request": request,
        "analytics": bool(request is not None and consent.analytics_consent(request)),
        "statistics": request is None or not consent.objects_to_statistics(request),
        "ask_statistics": settings.ATTRIBUTION_WITHOUT_CONSENT == "session",
        "saved": request is not None and request.GET.get(CONFIRMATION_PARAM) == "saved",
        "next_url": _path_without_confirmation(request) if request is not None else "/",
    }
