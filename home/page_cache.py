"""The page cache: the public pages anonymous visitors see, as the same bytes for every one of them.

Why: a TV slot or an advert sends thousands of people to the same few pages within minutes, each
carrying campaign tags and a click id of their own. Rendering a page costs queries and tens of
milliseconds; a stored copy costs one round trip to Redis, and the front door (nginx, a CDN) can
hold the very same bytes, so the database stays free for what must reach it: enquiries and
bookings. Nothing in a stored page belongs to one visitor: no CSRF token (the cookie banner's
form checks the Origin instead), no CSP nonce (inline elements are allowed by their hashes).

What is stored: the 200 HTML response to a GET of a Wagtail page that allows it (`page_cache =
False` opts a page type out: the enquiry page, whose form carries a token for each visit), with
no view restrictions, not marked private or no-store, setting no cookie. Only for a request with
no session or messages cookie: a signed-in person, or someone with a message or a reference
waiting to be shown, always gets their own render.

The key (`identity`): host, path, the cookie banner's confirmation parameter, the visitor's
cookie choices, and only the query parameters the page declares that it reads
(`cache_query_parameters` on the page type: the events filters, pagination). Campaign tags, ad
click ids and any other parameter are left out, so `/?gclid=…` and `/?x=1` are the stored `/`;
a flood of random query strings adds no entry. A page that reads parameters is found in two
steps: the entry at its address says which parameters it reads, and the entry at the address
with those parameters holds the page. Before the page renders, `allow()` leaves the request only
those parameters, so a render cannot echo a tag into a link. Attribution capture, outside this
middleware, has read them all first.

Freshness: a stored page is fresh for PAGE_CACHE_SECONDS and while the content generation it was
rendered in is current. Past that it is stale: ONE request re-renders it (a lock in the cache)
while everyone else gets the stale copy, for at most PAGE_CACHE_STALE_SECONDS, so a publish in
the middle of a spike never makes the whole spike render at once. A request the front door sends
to refresh its own copy (`X-Hub-Cache-Refresh`, set only by our nginx) always renders.

Purge: publishing, unpublishing, moving or deleting a page, and saving a snippet, a setting, an
image, a document, a site, a locale or a booking (places left), start a new generation after the
change commits: every stored page is stale at once. Content changes a few times a day and a page
shows up in menus, listings and cards all over the site, so "everything" is the only rule that is
both small and right. The front door is refreshed through Wagtail's frontend cache, by the worker.

Shared caches: a stored page says `Cache-Control: max-age=0, s-maxage=…, stale-while-revalidate=…`
so nginx or a CDN may keep it (browsers always ask again, so a cookie choice shows at once); a
response that answered a query with parameters the page does not read says `s-maxage=0`, so the
front door never keeps a copy per random string.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.cache import patch_cache_control

from attribution import consent
from attribution.capture import is_page_path
from core import generations
from events.models import Registration
from home.consent_views import CONFIRMATION_PARAM

logger = logging.getLogger(__name__)

KEY_PREFIX = "hub-page-cache"
GENERATION_KEY = generations.KEY
STATUS_HEADER = "X-Page-Cache"
# Sent by the front door's refresh server only (the public server clears it): render, store.
REFRESH_HEADER = "HTTP_X_HUB_CACHE_REFRESH"
MAX_BODY_BYTES = 2 * 1024 * 1024
# How long one request may hold a page's render lock before another may render it too.
LOCK_SECONDS = 30
# Set on the request: this request may fill the cache (middleware), then this Wagtail page may be
# stored and reads these query parameters (the before_serve_page hook).
CANDIDATE = "_hub_page_cache_candidate"
ALLOWED = "_hub_page_cache_allowed"
READS = "_hub_page_cache_reads"
UNREAD = "_hub_page_cache_unread_parameters"
# Headers the middleware outside this one sets for each response; never stored.
_NOT_STORED = {"content-length", "date", "expires", "set-cookie", STATUS_HEADER.lower()}


def seconds() -> int:
    """How long a stored page is fresh (0: the page cache is off)."""
    return int(getattr(settings, "PAGE_CACHE_SECONDS", 0) or 0)


def stale_seconds() -> int:
    """How long past its freshness a stored page may still be served while one request
    re-renders it."""
    return int(getattr(settings, "PAGE_CACHE_STALE_SECONDS", 60) or 0)


# --- Identity ----------------------------------------------------------------------------------


def parameters_read_by(page_class: type) -> tuple[str, ...]:
    """The query parameters a page type declares that its rendering reads."""
    return tuple(getattr(page_class, "cache_query_parameters", ()))


def canonical_query(params: QueryDict, reads: Iterable[str]) -> str:
    """Only the parameters in `reads`, sorted by name: the query as the page sees it."""
    wanted = sorted(set(reads))
    query = QueryDict(mutable=True)
    for name in wanted:
        values = params.getlist(name)
        if values:
            query.setlist(name, values)
    return query.urlencode()


def front_door_may_keep(params: QueryDict, reads: Iterable[str]) -> bool:
    """May a shared cache keep this answer? Only for a query of exactly what the page reads,
    each once: the front door keys on the parameters any page reads, by their first value."""
    known = {*reads, CONFIRMATION_PARAM}
    return all(name in known and len(params.getlist(name)) == 1 for name in params)


def _digest(identity: str) -> str:
    return f"{KEY_PREFIX}:page:{hashlib.sha256(identity.encode()).hexdigest()}"


def address_identity(request: HttpRequest) -> str:
    """What every visitor to this address sees, whatever else the query string carries."""
    choices = ",".join(sorted(consent.choices(request)))
    confirmation = request.GET.get(CONFIRMATION_PARAM, "")
    return "|".join([request.get_host(), request.path, confirmation, choices])


def eligible(request: HttpRequest) -> bool:
    """May this request be answered from, or fill, the page cache? Decided from the request
    alone (no session is read): a GET of a public page by someone with no session."""
    if request.method not in ("GET", "HEAD") or seconds() <= 0:
        return False
    if "HTTP_AUTHORIZATION" in request.META or not is_page_path(request.path):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


# --- Filling -----------------------------------------------------------------------------------


def allow(page: Any, request: HttpRequest) -> None:
    """Called as each Wagtail page is served (before_serve_page): leave the request only the
    query parameters the page reads, and mark the response as one that may be stored.

    The view restrictions cost two queries, and only on a miss with the cache on."""
    reads = parameters_read_by(page.specific_class)
    original = request.META.get("QUERY_STRING", "")
    if original:
        if not front_door_may_keep(request.GET, reads):
            setattr(request, UNREAD, True)
        kept = canonical_query(request.GET, (*reads, CONFIRMATION_PARAM))
        if kept != original:
            request.GET = QueryDict(kept)
            request.META["QUERY_STRING"] = kept
    if not getattr(request, CANDIDATE, False) or not getattr(
        page.specific_class, "page_cache", True
    ):
        return
    if page.get_view_restrictions().exists():  # passwords and signed-in-only pages
        return
    setattr(request, READS, reads)
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


def shared_cache_control(response: HttpResponse, shared_seconds: int) -> None:
    """What a front door (nginx, a CDN) may do with this page: keep it `shared_seconds`, and
    serve it stale while it fetches a new copy; browsers always ask again."""
    patch_cache_control(
        response,
        max_age=0,
        s_maxage=shared_seconds,
        stale_while_revalidate=stale_seconds(),
    )


def freeze(response: HttpResponse, generation: str) -> dict:
    return {
        "generation": generation,
        "stored_at": time.time(),
        "body": response.content,
        "headers": [
            (name, value) for name, value in response.items() if name.lower() not in _NOT_STORED
        ],
    }


def thaw(entry: dict, status: str) -> HttpResponse:
    response = HttpResponse(entry["body"])
    for name, value in entry["headers"]:
        response[name] = value
    response[STATUS_HEADER] = status
    return response


# --- Generations -------------------------------------------------------------------------------


new_generation = generations.new


def stale_since(entry: dict, generation: str) -> float:
    """When a stored page stopped being fresh (in the future while it still is)."""
    expires = entry["stored_at"] + seconds()
    if entry.get("generation") != generation:
        return min(expires, generations.began(generation))
    return expires


class PageCacheMiddleware:
    """Answer from the page cache, or store what a cacheable page rendered.

    Near the top of the stack (inside SecurityMiddleware and attribution capture): a stored page
    carries the headers the middleware below added (the Content-Security-Policy, which holds no
    nonce, Permissions-Policy, Vary), so a hit runs no session, no authentication and no query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not eligible(request):
            return self.get_response(request)
        cache = caches["default"]
        identity = address_identity(request)
        key = _digest(identity)
        found = cache.get_many([GENERATION_KEY, key])
        generation = generations.current(cache, found.get(GENERATION_KEY))
        entry = found.get(key)
        reads: tuple[str, ...] = ()
        if entry is not None and "reads" in entry:  # this page reads some parameters
            reads = tuple(entry["reads"])
            key = _digest(identity + "?" + canonical_query(request.GET, reads))
            entry = cache.get(key)
        refresh = REFRESH_HEADER in request.META
        if entry is not None and not refresh:
            now = time.time()
            since = stale_since(entry, generation)
            if now < since:
                response = thaw(entry, "hit")
                # A shared cache may keep it for what is left of its freshness, not afresh.
                shared_cache_control(response, int(since - now))
            elif now - since < stale_seconds() and not cache.add(
                key + ":rendering", 1, timeout=LOCK_SECONDS
            ):
                # Someone is rendering the new copy: this visitor gets the previous one, and
                # the front door keeps nothing of it.
                response = thaw(entry, "stale")
                shared_cache_control(response, 0)
                return response
            else:
                return self._render(request, cache, identity, generation, locked=key)
            if not front_door_may_keep(request.GET, reads):
                shared_cache_control(response, 0)  # not the page's own address: not kept
            return response
        return self._render(request, cache, identity, generation, locked=None)

    def _render(
        self,
        request: HttpRequest,
        cache,
        identity: str,
        generation: str,
        locked: str | None,
    ) -> HttpResponse:
        setattr(request, CANDIDATE, True)
        try:
            response = self.get_response(request)
            if storable(request, response):
                self._store(request, response, cache, identity, generation)
        finally:
            if locked:
                cache.delete(locked + ":rendering")
        return response

    def _store(self, request, response, cache, identity: str, generation: str) -> None:
        shared_cache_control(response, 0 if getattr(request, UNREAD, False) else seconds())
        entry = freeze(response, generation)
        lifetime = seconds() + stale_seconds()
        reads = getattr(request, READS, ())
        if reads:
            page_key = _digest(identity + "?" + request.META.get("QUERY_STRING", ""))
            cache.set_many(
                {_digest(identity): {"reads": list(reads)}, page_key: entry}, timeout=lifetime
            )
        else:
            cache.set(_digest(identity), entry, timeout=lifetime)
        response[STATUS_HEADER] = "miss"


# --- Purging -------------------------------------------------------------------------------


def purge_all(cdn_pages: list[int] | None = None, first: list[int] | None = None) -> None:
    """Make every stored page stale once the change that called for it commits, and purge the
    front door: the pages `cdn_pages` names (a booking changes one event's places), or every
    page, the pages `first` names (the one just published) before the rest.

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
    batch.add(cdn_pages, first)
    transaction.on_commit(_Purge(batch))


class _PurgeBatch:
    """What one transaction's changes call for: a new generation, then the front door's pages."""

    def __init__(self) -> None:
        self.everything = False
        self.pages: set[int] = set()
        self.first: list[int] = []
        self.done = False

    def add(self, cdn_pages: list[int] | None, first: list[int] | None = None) -> None:
        if cdn_pages is None:
            self.everything = True
        else:
            self.pages.update(cdn_pages)
        self.first += [pk for pk in first or () if pk not in self.first]

    def run(self) -> None:
        if self.done:
            return
        self.done = True
        try:
            caches["default"].set(GENERATION_KEY, new_generation(), timeout=None)
        except Exception:  # the cache being down must never fail a publish or a booking
            logger.exception("Could not purge the page cache.")
        if getattr(settings, "WAGTAILFRONTENDCACHE", None):
            from .tasks import purge_frontend_cache

            try:  # by the worker: a CDN's purge API can take seconds
                purge_frontend_cache.enqueue(
                    None if self.everything else sorted(self.pages), first=self.first
                )
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
    # i14-perf: the fragment cache (core.fragments) is keyed by this generation too, so it moves
    # on with every content change while fragments are cached, even with no page cache or CDN.
    return (
        seconds() > 0
        or bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))
        or bool(getattr(settings, "FRAGMENT_CACHE", True))
    )


def _cdn_pages_for(instance: Any) -> list[int] | None:
    """A booking changes only its event's places: the CDN drops that event and its listing."""

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


def purge_on_page_change(sender: type, instance: Any = None, **kwargs: Any) -> None:
    if anything_to_purge():
        purge_all(first=[instance.pk] if instance is not None else None)


def connect_purges() -> None:
    """Wire the purge to the changes that call for it (from HomeConfig.ready)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    post_save.connect(purge_on_save, dispatch_uid="home.page_cache.save")
    post_delete.connect(purge_on_delete, dispatch_uid="home.page_cache.delete")
    page_published.connect(purge_on_page_change, dispatch_uid="home.page_cache.published")
    page_unpublished.connect(purge_on_page_change, dispatch_uid="home.page_cache.unpublished")
    post_page_move.connect(purge_on_page_change, dispatch_uid="home.page_cache.moved")
