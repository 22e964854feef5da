"""Background work for the public site: purging the CDN after content changes."""

from __future__ import annotations

from django_tasks import task
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page

from outbox.tasks import OUTBOX_BACKEND


@task(backend=OUTBOX_BACKEND, queue_name="outbox")
def purge_frontend_cache(page_ids: list[int] | None = None) -> int:
    """Ask the CDN to drop pages: those named (in every language), or every live page.

    Runs on the worker: a CDN's purge API can take seconds, and an editor's publish must not
    wait for it. Returns how many addresses were purged.
    """
    pages = Page.objects.live().public().filter(depth__gt=1)
    if page_ids is not None:
        keys = Page.objects.filter(pk__in=page_ids).values("translation_key")
        pages = pages.filter(translation_key__in=keys)
    batch = PurgeBatch()
    batch.add_pages(pages.specific(defer=True))
    batch.purge()
    return len(batch.urls)
