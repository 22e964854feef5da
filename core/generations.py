"""The content generation: one value in the shared cache that every cached copy is keyed by.

Whenever content changes (home.page_cache purges, once the change commits) a new generation is
written, and every stored page and fragment made in an older one is out of date at once:
nothing is invalidated one by one. A generation names when it began, so a stale copy knows how
long it has been stale (the page cache serves one for a bounded time while a new one renders).
A missing generation (evicted, Redis restarted) is replaced by a new one, never trusted.
"""

from __future__ import annotations

import time
import uuid

KEY = "hub-page-cache:generation"


def new() -> str:
    millis = int(time.time() * 1000)  # never rounded up past the moment it names
    return f"{millis / 1000:.3f}-{uuid.uuid4().hex}"


def began(generation: str) -> float:
    """When a generation began (0 for one that does not say)."""
    try:
        return float(generation.split("-", 1)[0])
    except ValueError:
        return 0.0


def current(cache, found: str | None = None) -> str:
    """The current generation (`found` when the caller already read it), made when missing."""
    found = found or cache.get(KEY)
    if found:
        return str(found)
    fresh = new()
    if cache.add(KEY, fresh, timeout=None):
        return fresh
    return str(cache.get(KEY) or fresh)
