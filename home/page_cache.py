"""The page cache: the public pages anonymous visitors see, served from the shared cache.

Why: a TV slot or a viral post sends thousands of people to the same few pages within minutes.
Rendering a page costs a dozen queries and tens of milliseconds; a cached copy costs one round
trip to Redis, so the database stays free for what must reach it: enquiries and bookings.

What is stored: the 200 response to an anonymous GET of a Wagtail page that allows it
(`page_cache = False` on a page type opts out: the enquiry page, whose form carries a token of
its own for each visit), with no view restrictions, and not marked private or no-store (the
booking, cancellation and thank-you views mark themselves). Never for a signed-in person, or
while a message is waiting to be shown.

The key: scheme, host and the full path with its query string (the language is in the path),
and the visitor's cookie choices (the banner and the analytics tags depend on them).

What differs per request is swapped: the cookie banner's CSRF token and the CSP nonce are stored
as placeholders and filled in with this request's values, so a cached page never hands one
visitor another's token, and the nonce is new in every response.

Purge: publishing, unpublishing, moving or deleting a page, and saving a snippet, a setting, an
image, a document, a site, a locale or a booking (places left), make every cached page stale at
once (a new generation), after the change commits. Content changes a few times a day and a page
shows up in menus, listings and cards all over the site, so "everything" is the only rule that
is both small and right; TTL (PAGE_CACHE_SECONDS) bounds what time alone changes (events that
have started). A CDN in front is purged through Wagtail's frontend cache with the same rule.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

KEY_PREFIX = "hub-page-cache"
GENERATION_KEY = f"{KEY_PREFIX}:generation"
# Set on the request by the middleware (it may use the cache), then by the before_serve_page
# hook (this Wagtail page may be stored).
CANDIDATE = "_hub_page_cache_candidate"
ALLOWED = "_hub_page_cache_allowed"
STATUS_HEADER = "X-Page-Cache"
MAX_BODY_BYTES = 2 * 1024 * 1024

CSRF_PLACEHOLDER = b"hub-page-cache-csrf-token-placeholder"
NONCE_PLACEHOLDER = b"hub-page-cache-csp-nonce-placeholder"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")([^"]+)(")')
# Headers the middleware outside this one sets for each response; never stored.
_NOT_STORED = {"content-length", "vary", "date", "expires", "set-cookie"}


def seconds() -> int:
    """How long a stored page lives (0: the page cache is off)."""
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0) or 0)


def entry_key(request: HttpRequest) -> str:
    """The visitor-independent identity of what this request would see."""
    from attribution import consent

    choices = ",".join(sorted(consent.choices(request)))
    identity = "|".join(
        [request.scheme, request.get_host(), request.get_full_path(), choices]
    ).encode()
    return f"{KEY_PREFIX}:page:{hashlib.sha256(identity).hexdigest()}"


def may_use(request: HttpRequest) -> bool:
    """May this request be answered from, or fill, the page cache?"""
    if request.method not in ("GET", "HEAD") or seconds() <= 0:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    # A message waiting to be shown ("Your booking was cancelled") belongs to this visitor.
    return len(get_messages(request)) == 0


def allow(page: Any, request: HttpRequest) -> None:
    """Called as each Wagtail page is served: mark the response as one that may be stored.

    Costs two queries (the page's view restrictions), and only on a miss with the cache on."""
    if not getattr(request, CANDIDATE, False) or not getattr(
        page.specific_class, "page_cache", True
    ):
        return
    if page.get_view_restrictions().exists():  # passwords and signed-in-only pages
        return
    setattr(request, ALLOWED, True)


def storable(request: HttpRequest, response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        getattr(request, ALLOWED, False)
        and request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        and len(response.content) <= MAX_BODY_BYTES
    )


def _generation(cache, current: str | None) -> str:
    """The current generation; a new one when it is missing (evicted or never set), so pages
    stored before it went missing can never be served again."""
    if current:
        return current
    fresh = uuid.uuid4().hex
    if cache.add(GENERATION_KEY, fresh, timeout=None):
        return fresh
    return cache.get(GENERATION_KEY) or fresh


def _csp_nonce_used(request: HttpRequest) -> str | None:
    """The CSP nonce this response used, if the page asked for one (django-csp makes it lazily)."""
    nonce = getattr(request, "_csp_nonce", None)
    return str(nonce) if nonce else None


def freeze(request: HttpRequest, response: HttpResponse, generation: str) -> dict:
    """What is stored: the page with this request's token and nonce replaced by placeholders."""
    from attribution.consent_views import DEPENDS_ON_CHOICES

    body = response.content
    body, csrf_swaps = _CSRF_INPUT.subn(rb"\1" + CSRF_PLACEHOLDER + rb"\3", body)
    nonce = _csp_nonce_used(request)
    if nonce:
        body = body.replace(nonce.encode(), NONCE_PLACEHOLDER)
    return {
        "generation": generation,
        "body": body,
        "headers": [
            (name, value)
            for name, value in response.items()
            if name.lower() not in _NOT_STORED and name != STATUS_HEADER
        ],
        "csrf": bool(csrf_swaps),
        "nonce": bool(nonce),
        "depends_on_choices": bool(getattr(request, DEPENDS_ON_CHOICES, False)),
    }


def thaw(request: HttpRequest, entry: dict) -> HttpResponse:
    """The stored page for this request, with its own token and nonce."""
    from attribution.consent_views import DEPENDS_ON_CHOICES

    body = entry["body"]
    if entry["csrf"]:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    if entry["nonce"]:
        # str() makes the nonce (django-csp's lazy object is falsy until it is made), and the
        # policy header then carries it.
        nonce = str(request.csp_nonce) if hasattr(request, "csp_nonce") else ""
        body = body.replace(NONCE_PLACEHOLDER, nonce.encode())
    response = HttpResponse(body)
    for name, value in entry["headers"]:
        response[name] = value
    response[STATUS_HEADER] = "hit"
    if entry["depends_on_choices"]:
        setattr(request, DEPENDS_ON_CHOICES, True)
    return response


class PageCacheMiddleware:
    """Answer from the page cache, or store what a cacheable page rendered.

    Innermost but for django-axes (which only answers sign-ins), so everything outside it runs for a cached page: the session,
    attribution capture (a campaign visit is recorded even when the page comes from the cache),
    the CSRF cookie, the CSP header with the new nonce and `Vary: Cookie`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not may_use(request):
            return self.get_response(request)
        cache = caches["default"]
        key = entry_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = _generation(cache, found.get(GENERATION_KEY))
        entry = found.get(key)
        if entry and entry.get("generation") == generation:
            response = thaw(request, entry)
        else:
            setattr(request, CANDIDATE, True)
            response = self.get_response(request)
            if storable(request, response):
                cache.set(key, freeze(request, response, generation), timeout=seconds())
                response[STATUS_HEADER] = "miss"
        if response.get(STATUS_HEADER):
            patch_vary_headers(response, ["Cookie"])
        return response


# --- Purging -------------------------------------------------------------------------------


def purge_all(cdn_pages: list[int] | None = None) -> None:
    """Make every stored page stale once the change that called for it commits, and purge the
    CDN: the pages `cdn_pages` names (a booking changes one event's places), or every page.

    However many rows one transaction saves, the purge runs once: its callbacks share a batch.
    """
    connection = transaction.get_connection()
    batch = None
    if connection.in_atomic_block:
        batch = next(
            (
                func.batch
                for _savepoints, func, _robust in connection.run_on_commit
                if isinstance(func, _Purge) and not func.batch.done
            ),
            None,
        )
    batch = batch or _PurgeBatch()
    batch.add(cdn_pages)
    transaction.on_commit(_Purge(batch))


class _PurgeBatch:
    """What one transaction's changes call for: a new generation, then the CDN's pages."""

    def __init__(self) -> None:
        self.everything = False
        self.pages: set[int] = set()
        self.done = False

    def add(self, cdn_pages: list[int] | None) -> None:
        if cdn_pages is None:
            self.everything = True
        else:
            self.pages.update(cdn_pages)

    def run(self) -> None:
        if self.done:
            return
        self.done = True
        try:
            caches["default"].set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        except Exception:  # the cache being down must never fail a publish or a booking
            logger.exception("Could not purge the page cache.")
        if getattr(settings, "WAGTAILFRONTENDCACHE", None):
            from .tasks import purge_frontend_cache

            try:  # by the worker: a CDN's purge API can take seconds
                purge_frontend_cache.enqueue(None if self.everything else sorted(self.pages))
            except Exception:
                logger.exception("Could not ask the worker to purge the CDN.")


class _Purge:
    """The on-commit callback of one change; the first of a transaction's runs its batch."""

    def __init__(self, batch: _PurgeBatch) -> None:
        self.batch = batch

    def __call__(self) -> None:
        self.batch.run()


_content_model_cache: dict[type, bool] = {}


def is_content_model(model: type) -> bool:
    """Does a saved row of this model change what public pages show?

    Pages are purged by their publish signals (a draft save changes nothing public); snippets,
    settings, images, documents, sites, locales, page privacy and bookings by every save, and
    so are the inline rows (ParentalKey children) of a snippet or setting.
    """
    if model not in _content_model_cache:
        _content_model_cache[model] = _decide(model)
    return _content_model_cache[model]


def _decide(model: type) -> bool:
    from modelcluster.fields import ParentalKey
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage
    from wagtail.models import Locale, Page, PageViewRestriction, Site
    from wagtail.snippets.models import get_snippet_models

    from events.models import Registration

    if issubclass(model, Page):
        return False
    direct = (
        BaseSiteSetting,
        BaseGenericSetting,
        AbstractImage,
        AbstractDocument,
        Site,
        Locale,
        PageViewRestriction,
        Registration,
        *get_snippet_models(),
    )
    if issubclass(model, direct):
        return True
    return any(
        isinstance(field, ParentalKey)
        and not issubclass(field.related_model, Page)
        and is_content_model(field.related_model)
        for field in model._meta.get_fields()
    )


def anything_to_purge() -> bool:
    # i14-perf: the fragment cache (home.fragments) is keyed by this generation too, so it moves
    # on with every content change while fragments are cached, even with no page cache or CDN.
    return (
        seconds() > 0
        or bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))
        or bool(getattr(settings, "FRAGMENT_CACHE", True))
    )


def _cdn_pages_for(instance: Any) -> list[int] | None:
    """A booking changes only its event's places: the CDN drops that event and its listing."""
    from events.models import Registration

    if isinstance(instance, Registration) and getattr(settings, "WAGTAILFRONTENDCACHE", None):
        event = instance.event
        return [event.pk, event.get_parent().pk]
    return None


def purge_on_save(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw and anything_to_purge() and is_content_model(sender):
        purge_all(_cdn_pages_for(instance))


def purge_on_delete(sender: type, instance: Any, **kwargs: Any) -> None:
    from wagtail.models import Page

    if anything_to_purge() and (issubclass(sender, Page) or is_content_model(sender)):
        purge_all(_cdn_pages_for(instance))


def purge_on_page_change(sender: type, **kwargs: Any) -> None:
    if anything_to_purge():
        purge_all()


def connect_purges() -> None:
    """Wire the purge to the changes that call for it (from HomeConfig.ready)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    post_save.connect(purge_on_save, dispatch_uid="home.page_cache.save")
    post_delete.connect(purge_on_delete, dispatch_uid="home.page_cache.delete")
    page_published.connect(purge_on_page_change, dispatch_uid="home.page_cache.published")
    page_unpublished.connect(purge_on_page_change, dispatch_uid="home.page_cache.unpublished")
    post_page_move.connect(purge_on_page_change, dispatch_uid="home.page_cache.moved")
