"""Admin hooks of the hub pages app; the views live in their own modules."""

from django.urls import path
from wagtail import hooks

from . import page_cache
from .translation_views import EditorsSubmitPageTranslationView


@hooks.register("before_serve_page")
def allow_page_cache(page, request, serve_args, serve_kwargs):
    page_cache.allow(page, request)


@hooks.register("register_admin_urls")
def register_translation_urls():
    # The same address as wagtail-localize's own view, registered first so this one answers.
    return [
        path(
            "localize/submit/page/<int:page_id>/",
            EditorsSubmitPageTranslationView.as_view(),
            name="home_submit_page_translation",
        )
    ]
