"""sitemap.xml in every language, with each page's translations as `hreflang` alternates."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from core.localization import below, html_lang


class HubSitemap(Sitemap):
    """Every live, public page of the site in every language, except copies of English pages
    waiting for a translation (they would be duplicates: their canonical is the English page).

    Each entry lists the page's versions in its own words in every language (and x-default, the
    English), fetched with one query for the whole sitemap page.
    """

    def items(self):
        site = self.get_wagtail_site()
        # Every language's tree of the site: each language lists its own pages (the originals
        # in English, the translations in theirs), so no page is listed twice.
        pages = below(Page.objects.all(), site.root_page, inclusive=True)
        return (
            pages.live()
            .public()
            .filter(alias_of__isnull=True)
            .select_related("locale")
            .order_by("path")
            .defer_streamfields()
            .specific()
        )

    def _urls(self, page, protocol, domain):
        items = list(self.paginator.page(page).object_list)
        versions = defaultdict(list)
        for version in (
            Page.objects.filter(translation_key__in={item.translation_key for item in items})
            .live()
            .public()
            .filter(alias_of__isnull=True)
            .select_related("locale")
            .order_by("path")
        ):
            versions[version.translation_key].append(version)

        urls = []
        last_mods = set()
        for item in items:
            for url_info in item.get_sitemap_urls(self.request):
                same_page = versions.get(item.translation_key, [])
                if len(same_page) > 1:
                    url_info["alternates"] = [
                        {
                            "location": version.get_full_url(self.request),
                            "lang_code": html_lang(version.locale.language_code),
                        }
                        for version in same_page
                    ] + [
                        {
                            "location": version.get_full_url(self.request),
                            "lang_code": "x-default",
                        }
                        for version in same_page
                        if version.locale.language_code == settings.LANGUAGE_CODE
                    ]
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
