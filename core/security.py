"""Security headers the settings alone cannot express.

- The Content-Security-Policy (django-csp) has two shapes: the public site's strict policy
  (inline scripts and styles only by their hashes, see home/templatetags/csp_tags.py; never a
  nonce, so a page's headers are the same for every visitor), widened only for what is
  configured (the analytics service's origins, off-site media and static files), and the Wagtail
  admin's own policy (settings.ADMIN_CONTENT_SECURITY_POLICY), which still needs inline scripts
  and styles (see the README's security section).
- Every admin response is `Cache-Control: no-store`: admin pages show personal data, and a
  shared cache or the browser's back button must never serve them to the next person.

Public pages that collect personal data set no-store in their own views (enquiry, booking,
cancellation); content pages stay cacheable even though each has the cookie banner's form.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import HEADER
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core import checks
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers

from core.templatetags.csp_tags import inline_hashes

# What each django-analytical service loads and talks to, by the setting that turns it on.
# A service missing here would be blocked by the policy: `analytics_outside_the_policy` (a
# system check) says so at start-up.
GOOGLE_TAG_ORIGINS = {
    "script-src": ["https://*.googletagmanager.com"],
    "img-src": ["https://*.google-analytics.com", "https://*.googletagmanager.com"],
    "connect-src": [
        "https://*.google-analytics.com",
        "https://*.analytics.google.com",
        "https://*.googletagmanager.com",
    ],
}
ANALYTICS_SERVICE_ORIGINS: dict[str, dict[str, list[str]]] = {
    "GOOGLE_ANALYTICS_GTAG_PROPERTY_ID": GOOGLE_TAG_ORIGINS,
    "GOOGLE_ANALYTICS_JS_PROPERTY_ID": {
        "script-src": ["https://www.google-analytics.com"],
        "img-src": ["https://www.google-analytics.com"],
        "connect-src": ["https://www.google-analytics.com"],
    },
}
# Matomo runs on the hub's own server: its origin comes from MATOMO_DOMAIN_PATH.
MATOMO_SETTING = "MATOMO_DOMAIN_PATH"


# The django-analytical tag modules whose origins the table above (or Matomo's setting) covers.
ANALYTICS_MODULES_IN_POLICY = frozenset({"google_analytics_gtag", "google_analytics_js", "matomo"})


def analytics_outside_the_policy(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Warn when a configured analytics service would be blocked by the policy."""
    from analytical.templatetags import analytical

    configured = {
        node.__module__.rsplit(".", 1)[-1]
        for nodes in analytical._load_template_nodes().values()
        for node in nodes
    }
    return [
        checks.Warning(
            f"The analytics service '{name}' is configured, but the Content-Security-Policy "
            "does not allow its origins, so browsers will block it.",
            hint="Add its origins to core.security.ANALYTICS_SERVICE_ORIGINS.",
            id="home.W001",
        )
        for name in sorted(configured - ANALYTICS_MODULES_IN_POLICY)
    ]


def admin_prefix() -> str:
    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:  # pragma: no cover - the admin is always installed here
        return "/admin/"


def is_admin_path(path: str) -> bool:
    return path.startswith(admin_prefix())


def configured_analytics_origins() -> dict[str, list[str]]:
    """The origins of the analytics services configured now, per CSP directive."""
    directives: dict[str, list[str]] = {}

    def add(origins: dict[str, list[str]]) -> None:
        for directive, values in origins.items():
            directives.setdefault(directive, []).extend(values)

    for setting, origins in ANALYTICS_SERVICE_ORIGINS.items():
        if getattr(settings, setting, None):
            add(origins)
    matomo = getattr(settings, MATOMO_SETTING, "")
    if matomo:
        origin = "https://" + matomo.split("/")[0]
        add({"script-src": [origin], "img-src": [origin], "connect-src": [origin]})
    return directives


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


@cache
def asset_origins() -> dict[str, list[str]]:
    """Where uploaded images (S3, a CDN) and static files (a CDN) come from, when that is not
    this site: their origins, per CSP directive."""
    extra: dict[str, list[str]] = {}
    if media := origin_of(storages["default"].url("csp-probe.jpg")):
        extra["img-src"] = [media]
    if static := origin_of(settings.STATIC_URL or ""):
        for directive in ["script-src", "style-src", "font-src", "img-src"]:
            extra[directive] = [*extra.get(directive, []), static]
    return extra


@receiver(setting_changed)
def _forget_asset_origins(setting: str, **kwargs: object) -> None:
    if setting in {"STORAGES", "MEDIA_URL", "STATIC_URL"} or setting.startswith("AWS_"):
        asset_origins.cache_clear()


def widened(directives: dict[str, list[str]], extra: dict[str, list[str]]) -> dict:
    """A copy of a policy with more sources added to some directives."""
    policy = {
        key: list(value) if isinstance(value, list | tuple) else value
        for key, value in directives.items()
    }
    for directive, values in extra.items():
        policy[directive] = [*policy.get(directive, []), *values]
    return policy


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the admin's policy under /admin/ and adding the
    configured analytics and media origins to the public one."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if is_admin_path(request.path_info) and getattr(response, "_csp_config", None) is None:
            # An editor's preview renders the page through the middleware again, for a made-up
            # request at the page's own address: the response the admin sends gets its policy.
            del response[HEADER]
        return super().process_response(request, response)

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponse, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts
        extra = asset_origins()
        if is_admin_path(request.path_info):
            directives = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        else:
            directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
            extra = widened(extra, configured_analytics_origins())
            extra = widened(extra, inline_hashes(request))
        parts.config = widened(directives, extra)
        return parts


class AdminNoStoreMiddleware:
    """Every admin response (pages, listings, exports, the login page) is no-store."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_admin_path(request.path_info):
            add_never_cache_headers(response)
        return response


def inline_style_hash(template: Path) -> str:
    """The CSP source for the one `<style>` of a template rendered without a request (500)."""
    match = re.search(r"<style>(.*?)</style>", template.read_text(encoding="utf-8"), re.S)
    if match is None:
        raise ValueError(f"{template} has no <style> element")
    digest = hashlib.sha256(match.group(1).encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
