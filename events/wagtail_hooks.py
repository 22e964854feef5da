"""Register the events admin: bookings, event numbers, "Repeat this event". Views live elsewhere."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .admin_views import (
    ATTENDANCE_ACTION,
    EventNumbersView,
    RepeatEventView,
    numbers_menu_item,
    repeat_button,
)
from .viewsets import registration_viewset


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
