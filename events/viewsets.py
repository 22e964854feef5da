"""Wiring of the event bookings admin: which views, under which URLs and menu items.

The views (and the row-level rule they read through) are in `events.admin_views`.
"""

from __future__ import annotations

from django.contrib.auth import get_permission_codename
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from .admin_views import RegistrationIndexView, RegistrationURLFinder, attendance_view
from .models import Registration


class RegistrationViewSet(ModelViewSet):
    """Event bookings: the list (with export) and attendance marking. Nothing else.

    Bookings are made by people on the site (`events.services.book`) and cancelled through their
    signed link, so there is no add, edit, copy or delete view here.
    """

    model = Registration
    icon = "date"
    menu_label = _("Event bookings")
    menu_order = 195
    url_prefix = "event-bookings"
    url_namespace = "event_bookings"
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_per_page = 100
    index_view_class = RegistrationIndexView

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            **kwargs,
        )

    @property
    def url_finder_class(self):
        """Links to a booking (the site history's) go to its event's bookings: there is no
        edit view for Wagtail's default link, `event_bookings:edit`, to reach."""
        return RegistrationURLFinder

    def get_permissions_to_register(self):
        """Offer view and change (attendance) in the group editor: nobody adds or deletes."""
        excluded = [
            get_permission_codename(action, self.model_opts) for action in ("add", "delete")
        ]
        return super().get_permissions_to_register().exclude(codename__in=excluded)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("attendance/<int:pk>/", attendance_view, name="attendance"),
        ]


registration_viewset = RegistrationViewSet("event_bookings")
