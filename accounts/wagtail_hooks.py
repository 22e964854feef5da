"""The second-factor pages in the admin, the superusers' reset action, its history entry;
Wagtail's page move confirmation asking the page permissions its move does; and the second
factor for pages and documents only signed-in people may see (accounts.restrictions)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from accounts import restrictions, views


@hooks.register("register_admin_urls")
def second_factor_urls():
    return [
        path("two-factor/code/", views.app_code, name="accounts_two_factor_code"),
        path("two-factor/recovery/", views.recovery_code, name="accounts_two_factor_recovery"),
        path("two-factor/set-up/", views.setup, name="accounts_two_factor_setup"),
        path(
            "two-factor/recovery-codes/",
            views.new_recovery_codes,
            name="accounts_two_factor_recovery_codes",
        ),
        path(
            "two-factor/reset/<int:user_id>/",
            views.reset,
            name="accounts_two_factor_reset",
        ),
    ]


@hooks.register("register_user_listing_buttons")
def reset_second_factor_button(user, request_user):
    """In the users list, a superuser can reset someone else's second factor."""
    if request_user.is_superuser and user.pk != request_user.pk:
        yield Button(
            _("Reset two-factor authentication"),
            reverse("accounts_two_factor_reset", args=[user.pk]),
            icon_name="key",
            priority=50,
        )


@hooks.register("register_log_actions")
def second_factor_log_actions(actions):
    actions.register_action(
        views.RESET_ACTION,
        _("Reset two-factor authentication"),
        _("Two-factor authentication reset"),
    )


@hooks.register("before_serve_page")
def signed_in_pages_need_the_second_factor(page, request, serve_args, serve_kwargs):
    """Before Wagtail's own check of the page's view restrictions (on_serve_page)."""
    if request.user.is_authenticated:
        return restrictions.refusal(request, page.get_view_restrictions())
    return None


@hooks.register("before_serve_document", order=-1)
def signed_in_documents_need_the_second_factor(document, request):
    """Before Wagtail's own check (which would send someone outside the groups to sign in)."""
    if request.user.is_authenticated:
        return restrictions.refusal(request, document.collection.get_view_restrictions())
    return None


@hooks.register("before_move_page")
def only_who_may_move_it_sees_the_move(request, page, destination):
    """Wagtail's "Move this page?" confirmation checks nothing on a GET (its move checks on the
    POST), so anyone in the admin could read any page's title, a draft's included, and where it
    sits. Ask what the move itself asks."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied
