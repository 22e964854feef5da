"""Site-wide views that are not pages: search and robots.txt."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, Site

from core.localization import below, in_language
from councils.models import CouncilPage

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 100


def search(request: HttpRequest) -> HttpResponse:
    """Search the live, public pages of this site."""
    query = request.GET.get("query", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if query:
        site = Site.find_for_request(request)
        candidates = Page.objects.live().public()
        if site:
            candidates = below(candidates, site.root_page, inclusive=True)
        # Each page once, in the visitor's language: its translation or the copy of the English
        # there, else the English original (the same rule as every listing).
        chosen = in_language(candidates, translation.get_language())
        pages = Page.objects.filter(pk__in=chosen.values("pk")).specific()
        # Pages of councils that have left the partnership are not served, so not found either.
        pages = pages.exclude(
            pk__in=CouncilPage.objects.filter(council__is_active=False).values("pk")
        )
        paginator = Paginator(pages.search(query, operator="and"), RESULTS_PER_PAGE)
        results = paginator.get_page(request.GET.get("page"))
    return render(request, "search.html", {"query": query, "results": results})


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Let search engines in, keep them out of the admin and search results, point at the sitemap."""
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {sitemap}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def health(request: HttpRequest) -> HttpResponse:
    """For load balancers: the process is up and can reach the database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security cookie: explain how to send it again, in the site's
    own layout, instead of Django's bare error page."""
    return render(request, "403_csrf.html", status=403)
