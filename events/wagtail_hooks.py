"""Register the events admin: bookings, event numbers, "Repeat this event". Views live elsewhere."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.permissions import register_permission_policy

from core.localization import canonical, locale_code

from .admin_views import (
    ATTENDANCE_ACTION,
    POLICY,
    EventNumbersView,
    RepeatEventView,
    numbers_menu_item,
    repeat_button,
)
from .models import EventPage, Registration
from .viewsets import registration_viewset

register_permission_policy(Registration, POLICY)


@hooks.register("register_admin_viewset")
def register_registration_viewset():
    return registration_viewset


@hooks.register("register_admin_urls")
def register_event_admin_urls():
    return [
        path("reports/event-numbers/", EventNumbersView.as_view(), name="event_numbers"),
        path("events/repeat/<int:page_id>/", RepeatEventView.as_view(), name="event_repeat"),
    ]


@hooks.register("register_reports_menu_item")
def register_event_numbers_menu_item():
    return numbers_menu_item()


@hooks.register("register_page_listing_more_buttons")
def event_listing_buttons(page, user, next_url=None):
    if button := repeat_button(page, user):
        yield button


@hooks.register("register_page_header_buttons")
def event_header_buttons(page, user, view_name, next_url=None):
    if button := repeat_button(page, user, priority=35):
        yield button


@hooks.register("register_log_actions")
def register_attendance_log_action(actions):
    actions.register_action(ATTENDANCE_ACTION, _("Record attendance"), _("Attendance recorded"))


@hooks.register("before_create_page")
def events_are_made_in_english(request, parent_page, page_class):
    """An event is created in English and translated from there: one made straight into the
    Polish tree would have no original, so its bookings and numbers would stand apart."""
    if issubclass(page_class, EventPage) and (
        locale_code(parent_page.locale_id) != settings.LANGUAGE_CODE
    ):
        messages.error(
            request,
            _("Add the event in English, then translate it: every language books one event."),
        )
        english = canonical(parent_page.specific)
        return redirect("wagtailadmin_explore", english.pk)
    return None
