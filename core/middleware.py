"""A visitor who follows a link into a language that has no such page gets the page, not a 404."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from wagtail.models import Locale, Page, Site

from .localization import language_codes


class LanguageFallbackMiddleware:
    """On a 404 under a language prefix (/pl/...), look for the same address in English.

    Found: redirect (302, the translation may come later) to the page's version in the asked-for
    language when it exists under another address, otherwise to the English page. Nothing
    found: the 404 stands. Only GET and HEAD, and only for addresses Wagtail serves.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        code, _, rest = request.path.lstrip("/").partition("/")
        if code == settings.LANGUAGE_CODE or code not in language_codes():
            return response
        target = self.fallback_url(request, code, rest)
        return HttpResponseRedirect(target) if target else response

    @staticmethod
    def fallback_url(request: HttpRequest, code: str, rest: str) -> str:
        site = Site.find_for_request(request)
        if site is None:
            return ""
        with translation.override(settings.LANGUAGE_CODE):
            components = [part for part in rest.split("/") if part]
            try:
                route = site.root_page.specific.route(request, components)
            except Exception:  # Http404 or a routable page's own refusal: nothing to offer
                return ""
            page = route.page if hasattr(route, "page") else route[0]
            if not isinstance(page, Page) or not page.live:
                return ""
            english_url = page.get_url(request) or ""
        locale = Locale.objects.filter(language_code=code).first()
        version = page.get_translation_or_none(locale) if locale else None
        if version is not None and version.live:
            url = version.get_url(request) or ""
            if url and url.rstrip("/") != request.path.rstrip("/"):
                return url
        # The English page, keeping any sub-address of a routable page (/past/, /book/).
        below_root = page.url_path[len(site.root_page.url_path) :].strip("/")
        sub = "/".join(components[len(below_root.split("/")) if below_root else 0 :])
        return english_url + (sub + "/" if sub else "") if english_url else ""
