"""Public URLs of attribution: the short links printed on posters (outside the language prefix)."""

from django.urls import path

from . import views

urlpatterns = [
    path("go/<slug:code>/", views.short_link_redirect, name="short_link"),
]
