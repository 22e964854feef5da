"""Background work for the public site: purging the CDN after content changes."""

from __future__ import annotations

from django_tasks import task
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page

from outbox.tasks import OUTBOX_BACKEND


def _in_every_language(page_ids: list[int]):
    keys = Page.objects.filter(pk__in=page_ids).values("translation_key")
    return Page.objects.live().public().filter(depth__gt=1, translation_key__in=keys)


@task(backend=OUTBOX_BACKEND, queue_name="outbox")
def purge_frontend_cache(page_ids: list[int] | None = None, first: list[int] | None = None) -> int:
    """Ask the front door (nginx, a CDN) to drop or refresh pages: those named (in every
    language), or every live page; the pages `first` names before the others, so the page an
    editor just published is new at the front door within a moment, not after the whole site.

    Runs on the worker: a CDN's purge API can take seconds, and an editor's publish must not
    wait for it. Returns how many addresses were purged.
    """
    if page_ids is not None:
        pages = _in_every_language(page_ids)
    else:
        pages = Page.objects.live().public().filter(depth__gt=1)
    urls: list[str] = []
    for group in (_in_every_language(first) if first else None, pages):
        if group is None:
            continue
        batch = PurgeBatch()
        batch.add_pages(group.specific(defer=True))
        fresh = [url for url in batch.urls if url not in urls]
        if fresh:
            PurgeBatch(fresh).purge()
            urls += fresh
    return len(urls)
