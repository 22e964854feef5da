"""The fragment cache: the parts of a page that many pages and visitors share, rendered once.

Why: a page the page cache cannot answer (a miss, a signed-in editor, a page it never stores)
is rendered in full, and most of that work is the same on every page: the header, the main
menu and the footer (the hub's and the navigation settings, the menu pages in this language)
and every image's responsive <picture> markup (a filter spec parsed and renditions looked up
for each format and width). Cached, a render costs a fraction.

The key of a fragment is its name, the language, the *content generation* and whatever else
it depends on (an image id and spec, which menu item is the current one). The generation is
the page cache's (core.generations; home.page_cache replaces it whenever content
changes, once the change commits), so every fragment goes stale at once with the cached pages:
nothing is ever invalidated one by one, and a missing generation makes a new one. It is read
once per request (request_started opens a scope; outside a request nothing is cached).

Within this process a local serial is part of the generation too, moved on by `changed()` the
moment content is saved (home.apps wires the same changes the page cache purges for, and page
saves): the change is visible here before its transaction commits (and in tests, whose
transactions never commit); it goes back to 0 once the shared generation moves on, so every
process shares one set of fragments again.

What a fragment must never hold: anything per visitor (a CSRF token, a CSP nonce, the query
string, the signed-in user) and anything that depends on the page unless the key says so.
Previews (`request.is_preview`) are rendered afresh: they show unsaved content.

Entries are kept in Redis (shared, FRAGMENT_CACHE_SECONDS) and in a small dictionary in this
process (the second and later renders then make no round trip at all); both are keyed by the
generation, so neither can serve a fragment from before a change. FRAGMENT_CACHE = False turns
it all off.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.utils import translation

from . import generations

logger = logging.getLogger(__name__)

KEY_PREFIX = "hub-fragment"
LOCAL_MAX_ENTRIES = 4000

T = TypeVar("T")

# One dictionary per request (opened by request_started, closed by request_finished): the
# generation read once, and anything else worth working out once per request (memo()).
_request: ContextVar[dict | None] = ContextVar("hub_fragment_request", default=None)

_lock = threading.Lock()
_shared_seen: str | None = None  # the last shared generation this process read
_local_serial = 0  # moved on by changed(); back to 0 when the shared generation moves on
_local: dict[str, Any] = {}  # key -> value, for the current generation only


def enabled() -> bool:
    return bool(getattr(settings, "FRAGMENT_CACHE", True))


def timeout() -> int:
    return int(getattr(settings, "FRAGMENT_CACHE_SECONDS", 3600))


# --- The request scope --------------------------------------------------------------------------


def begin_request(**kwargs: Any) -> None:
    """request_started: a new scope (nothing carries over from the last request)."""
    _request.set({})


def end_request(**kwargs: Any) -> None:
    """request_finished: outside a request, nothing is cached or remembered."""
    _request.set(None)


def memo(name: Hashable, compute: Callable[[], T]) -> T:
    """compute() once per request (every time outside one); forgotten when content changes."""
    scope = _request.get()
    if scope is None:
        return compute()
    key = ("memo", name)
    if key not in scope:
        scope[key] = compute()
    return scope[key]


# --- The generation -----------------------------------------------------------------------------


def _shared_generation() -> str | None:
    """The page cache's generation, made when missing (evicted, or never set); None when the
    cache cannot be reached (then nothing is cached)."""
    try:
        return generations.current(caches["default"])
    except Exception:  # the cache being down must never fail a page: render it all
        logger.warning("Could not read the content generation; rendering without fragments.")
        return None


def current_generation() -> str | None:
    """This request's generation (read once per request), or None: cache nothing."""
    global _shared_seen, _local_serial
    scope = _request.get()
    if scope is None or not enabled():
        return None
    if "generation" not in scope:
        shared = _shared_generation()
        if shared is None:
            scope["generation"] = None
        else:
            with _lock:
                if shared != _shared_seen:
                    _shared_seen, _local_serial = shared, 0
                    _local.clear()
                scope["generation"] = f"{shared}.{_local_serial}"
    return scope["generation"]


def changed(**kwargs: Any) -> None:
    """Content changed in this process: fragments made before it are not served here again,
    even before the change commits (the shared generation moves on only then)."""
    global _local_serial
    with _lock:
        _local_serial += 1
        _local.clear()
    scope = _request.get()
    if scope is not None:
        scope.clear()


# --- Fragments ----------------------------------------------------------------------------------


def key_for(name: str, parts: tuple, generation: str, language: str) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{generation}:{name}:{language}:{digest}"


def get_or_make(
    name: str,
    parts: tuple,
    make: Callable[[], T],
    *,
    language: str | None = None,
    keep: Callable[[T], bool] | None = None,
) -> T:
    """The value of fragment `name` for `parts` in this language and generation: from this
    process, from the shared cache, or `make()` (stored unless `keep` says otherwise).

    `parts` must name everything the value depends on besides the language and the content;
    the value must be immutable and picklable (HTML, tuples, frozen dataclasses)."""
    generation = current_generation()
    if generation is None:
        return make()
    language = language if language is not None else (translation.get_language() or "")
    key = key_for(name, parts, generation, language)
    found = _local.get(key)
    if found is not None:
        return found
    cache = caches["default"]
    try:
        found = cache.get(key)
    except Exception:
        logger.warning("Could not read a fragment from the cache.")
        return make()
    if found is None:
        found = make()
        if keep is not None and not keep(found):
            return found
        try:
            cache.set(key, found, timeout=timeout())
        except Exception:
            logger.warning("Could not store a fragment in the cache.")
    with _lock:
        if current_generation_unchanged(generation):
            if len(_local) >= LOCAL_MAX_ENTRIES:
                _local.clear()
            _local[key] = found
    return found


def current_generation_unchanged(generation: str) -> bool:
    """Is `generation` still this process's (no change since it was read)? Called under _lock."""
    return generation == f"{_shared_seen}.{_local_serial}"


def in_preview(request: Any) -> bool:
    """Previews show unsaved content: never cached, never served from the cache."""
    return bool(getattr(request, "is_preview", False))
