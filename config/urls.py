from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from accounts.documents import serve_document
from accounts.restrictions import frontend_sign_in
from home import consent_views
from home import views as home_views
from home.sitemaps import HubSitemap

urlpatterns = [
    path("cookie-choices/", consent_views.cookie_choices, name="cookie_choices"),
    # Site history with the row rules (accounts/site_history.py), in place of Wagtail's own.
    path("admin/reports/site-history/", include("accounts.site_history")),
    path("admin/", include(wagtailadmin_urls)),
    # Admin accounts (issue 7): documents are served with a CSP sandbox (accounts/documents.py).
    path(
        "documents/<int:document_id>/<str:document_filename>",
        serve_document,
        name="wagtaildocs_serve",
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": HubSitemap}}, name="sitemap"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("health/", home_views.health, name="health"),
    # Short links for print, outdoor, radio and events: one URL whatever the language.
    path("", include("attribution.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Pages and search: English keeps unprefixed URLs; other languages get /pl/, /ur/...
urlpatterns += i18n_patterns(
    path("search/", home_views.search, name="search"),
    # In place of Wagtail's password-only frontend login (issue 17): the admin's two steps.
    path("_util/login/", frontend_sign_in, name="accounts_frontend_sign_in"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

# Resilience (issue 7): a lost database connection gets a 503 that says nothing was saved and
# offers to send the form again; any other error gets Django's 500 page (site/templates/500.html).
handler500 = "core.errors.server_error"
