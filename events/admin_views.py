"""Event bookings in the Wagtail admin: who booked, attendance on the day, counts per event, and
"Repeat this event".

Which bookings a person sees is decided in one place, `RegistrationQuerySet.for_user`
(`events.querysets`), and every view here reads bookings only through `visible_registrations`.
A booking the person may not see answers 404, exactly like one that does not exist. People who
only need numbers (hub comms officers, marketing leads) get "Event numbers": counts, no names.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from core.admin_links import ViewURLFinder
from core.localization import locale_code

from .exports import RegistrationExportMixin, attended_label
from .models import EventPage, Registration
from .querysets import (
    CHANGE_REGISTRATIONS,
    VIEW_REGISTRATIONS,
    can_see_numbers,
    events_with_numbers,
    visible_registrations,
)
from .series import MAX_COPIES, Rule, repeat_event

ATTENDANCE_ACTION = "events.attendance"
ATTENDED_CHOICES = {"yes": True, "no": False, "unknown": None}


def index_url(**params) -> str:
    from urllib.parse import urlencode

    url = reverse("event_bookings:index")
    return f"{url}?{urlencode(params)}" if params else url


# --- Who may do what with one booking -------------------------------------------------------------


class RegistrationPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, plus the row rule for any one booking: what Wagtail's own views ask
    about a booking (the site history, editing sessions, admin links) gets the same answer as
    the bookings list."""

    def user_has_permission_for_instance(self, user, action: str, instance) -> bool:
        return (
            self.user_has_permission(user, action)
            and visible_registrations(user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        if not self.user_has_any_permission(user, actions):
            return Registration.objects.none()
        return visible_registrations(user)


POLICY = RegistrationPermissionPolicy(Registration)


class RegistrationURLFinder(ViewURLFinder):
    """A booking's admin link (the site history's, for one): the bookings list of its event,
    for people who may see the booking. Bookings have no edit or inspect view to link to."""

    def construct_edit_url(self, instance: Registration) -> str:
        return index_url(event=instance.event_id)


# --- The bookings list -----------------------------------------------------------------------------


def _event_choices(request) -> QuerySet:
    """Only the events whose bookings this person may see."""
    visible = visible_registrations(request.user).values("event_id")
    return EventPage.objects.filter(pk__in=visible).order_by("-starts_at")


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, event: EventPage) -> str:
        return f"{event.title} ({timezone.localtime(event.starts_at):%d/%m/%Y %H:%M})"


class EventFilter(django_filters.ModelChoiceFilter):
    field_class = EventChoiceField


class RegistrationFilterSet(WagtailFilterSet):
    """Filters narrow the rows a person may already see; they never widen them."""

    event = EventFilter(
        label=gettext_lazy("Event"), queryset=_event_choices, empty_label=gettext_lazy("Any event")
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=Registration.Status.choices,
        empty_label=gettext_lazy("Any status"),
    )
    attended = django_filters.ChoiceFilter(
        label=gettext_lazy("Attended"),
        choices=[
            ("yes", gettext_lazy("Yes")),
            ("no", gettext_lazy("No")),
            ("unknown", gettext_lazy("Not recorded")),
        ],
        empty_label=gettext_lazy("Any"),
        method="filter_attended",
    )

    class Meta:
        model = Registration
        fields = ["event", "status", "attended"]

    def filter_attended(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "unknown":
            return queryset.filter(attended__isnull=True)
        return queryset.filter(attended=ATTENDED_CHOICES[value])


def name_label(registration: Registration) -> str:
    return _("Personal data removed") if registration.anonymised_at else registration.full_name


class AttendanceColumn(Column):
    """The attendance recorded, and (for people who may change it) a small form per row."""

    cell_template_name = "events/admin/attendance_cell.html"

    def __init__(self, *args, can_change: bool = False, next_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.can_change = can_change
        self.next_url = next_url

    def get_cell_context_data(self, instance: Registration, parent_context) -> dict:
        context = super().get_cell_context_data(instance, parent_context)
        confirmed = instance.status == Registration.Status.CONFIRMED
        started = has_started(instance.event)
        context.update(
            value=attended_label(instance),
            can_change=self.can_change and confirmed and started,
            not_yet=self.can_change and confirmed and not started,
            action_url=reverse("event_bookings:attendance", args=[instance.pk]),
            next_url=self.next_url,
            name=name_label(instance),
            csrf_token=get_token(parent_context["request"]),
        )
        return context


class RegistrationIndexView(RegistrationExportMixin, generic.IndexView):
    """Bookings, by event and then in the order they came in, with filters and export."""

    filterset_class = RegistrationFilterSet
    default_ordering = ["-event__starts_at", "created_at"]
    page_title = gettext_lazy("Event bookings")
    header_icon = "date"

    def get_base_queryset(self) -> QuerySet:
        return visible_registrations(self.request.user).select_related("event")

    def order_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.order_by("-event__starts_at", "event_id", "created_at", "pk")

    @cached_property
    def columns(self) -> list[Column]:
        user = self.request.user
        return [
            Column("reference", label=_("Reference"), accessor="reference"),
            Column("event", label=_("Event"), accessor=lambda r: r.event.title),
            Column(
                "event_starts",
                label=_("Event starts"),
                accessor=lambda r: timezone.localtime(r.event.starts_at).strftime("%d/%m/%Y %H:%M"),
            ),
            Column("name", label=pgettext("a person", "Name"), accessor=name_label),
            Column("places", label=_("Places"), accessor="places"),
            Column("status", label=_("Status"), accessor="get_status_display"),
            Column(
                "booked",
                label=_("Booked"),
                accessor=lambda r: timezone.localtime(r.created_at).strftime("%d/%m/%Y %H:%M"),
            ),
            Column("access_needs", label=_("Access needs"), accessor="access_needs"),
            AttendanceColumn(
                "attended",
                label=_("Attended"),
                can_change=user.has_perm(CHANGE_REGISTRATIONS),
                next_url=index_url(**self.request.GET.dict()),
            ),
        ]

    def get_list_more_buttons(self, instance: Registration) -> list:
        return []


def has_started(event: EventPage) -> bool:
    """Whether the event has begun: before then nobody can have come or stayed away."""
    return event.starts_at <= timezone.now()


@require_POST
def attendance_view(request, pk: int) -> HttpResponseRedirect:
    """Record whether someone came (yes, no, not recorded); logged in the audit log.

    "Came" and "did not come" only from the event's start (a click on the wrong row the week
    before would otherwise count as a no-show); "not recorded" undoes a mark at any time."""
    if not request.user.has_perm(VIEW_REGISTRATIONS) or not request.user.has_perm(
        CHANGE_REGISTRATIONS
    ):
        raise PermissionDenied
    registration = get_object_or_404(visible_registrations(request.user), pk=pk)
    choice = request.POST.get("attended", "")
    if choice not in ATTENDED_CHOICES or (
        registration.status != Registration.Status.CONFIRMED and choice != "unknown"
    ):
        messages.error(request, _("Attendance can only be recorded for a confirmed booking."))
    elif choice != "unknown" and not has_started(registration.event):
        starts = timezone.localtime(registration.event.starts_at)
        messages.error(
            request,
            _("Attendance can be recorded from the start of the event (%(starts)s), not before.")
            % {"starts": date_format(starts, "j F Y, H:i")},
        )
    else:
        registration.attended = ATTENDED_CHOICES[choice]
        registration.save(update_fields=["attended"])
        log(
            registration,
            ATTENDANCE_ACTION,
            user=request.user,
            data={"attended": registration.attended},
        )
        messages.success(
            request,
            _("Attendance for %(reference)s recorded: %(attended)s.")
            % {"reference": registration.reference, "attended": attended_label(registration)},
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = index_url(event=registration.event_id)
    return redirect(next_url)


# --- Event numbers (counts, no names) -------------------------------------------------------------


def event_numbers(events: QuerySet) -> QuerySet:
    """Bookings, places, waiting, attended and no-shows per event, in one query."""
    confirmed = Q(registrations__status=Registration.Status.CONFIRMED)
    return events.annotate(
        bookings=Count("registrations", filter=confirmed),
        places_booked=Sum("registrations__places", filter=confirmed, default=0),
        waiting=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITING)),
        attended_count=Count("registrations", filter=confirmed & Q(registrations__attended=True)),
        no_shows=Count("registrations", filter=confirmed & Q(registrations__attended=False)),
    ).order_by("-starts_at", "-pk")


class EventNumbersView(WagtailAdminTemplateMixin, TemplateView):
    """How many booked, waited, came and did not come, per event: no personal data."""

    template_name = "events/admin/numbers.html"
    page_title = gettext_lazy("Event numbers")
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        if not can_see_numbers(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict]:
        return [*self.breadcrumbs_items, {"url": "", "label": str(self.page_title)}]

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        with_names = set(visible_registrations(user).values_list("event_id", flat=True).distinct())
        # Published events only, upcoming and past (a past event's attendance is the point):
        # a draft, such as a copy in a series not yet checked, is not an event anyone can book.
        rows = list(event_numbers(events_with_numbers(user).live()))
        for event in rows:
            event.starts_local = timezone.localtime(event.starts_at)
            event.bookings_url = index_url(event=event.pk) if event.pk in with_names else ""
        context["events"] = rows
        return context


class EventNumbersMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_see_numbers(request.user)


def numbers_menu_item() -> MenuItem:
    return EventNumbersMenuItem(
        _("Event numbers"),
        reverse("event_numbers"),
        name="event-numbers",
        icon_name="date",
        order=960,
    )


# --- Repeat this event ----------------------------------------------------------------------------


class RepeatEventForm(forms.Form):
    rule = forms.ChoiceField(
        label=gettext_lazy("Repeat"),
        choices=Rule.choices,
        widget=forms.RadioSelect,
        initial=Rule.MONTHLY_WEEKDAY,
    )
    count = forms.IntegerField(
        label=gettext_lazy("How many copies"),
        min_value=1,
        max_value=MAX_COPIES,
        initial=6,
        help_text=gettext_lazy("At most %(max)s copies at a time.") % {"max": MAX_COPIES},
    )


def can_repeat(event: EventPage, user) -> bool:
    """Whoever may edit this event and add one beside it may repeat it, as Wagtail's own copy
    asks: the copies carry everything the event has, its online joining details included. The
    English original only (a series made from a translation would have no original to book)."""
    if locale_code(event.locale_id) != settings.LANGUAGE_CODE:
        return False
    parent = event.get_parent()
    return (
        parent is not None
        and event.permissions_for_user(user).can_edit()
        and parent.permissions_for_user(user).can_add_subpage()
    )


class RepeatEventView(WagtailAdminTemplateMixin, FormView):
    """Make draft copies of an event on a rule; nothing is published."""

    form_class = RepeatEventForm
    template_name = "events/admin/repeat.html"
    page_title = gettext_lazy("Repeat this event")
    header_icon = "copy"

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(EventPage, pk=kwargs["page_id"])
        if not can_repeat(self.event, request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return self.event.title

    def get_breadcrumbs_items(self) -> list[dict]:
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailadmin_explore", args=[self.event.get_parent().pk]),
                "label": self.event.get_parent().title,
            },
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.event.pk]),
                "label": self.event.title,
            },
            {"url": "", "label": str(self.page_title)},
        ]

    def form_valid(self, form: RepeatEventForm):
        copies = repeat_event(
            self.event,
            rule=form.cleaned_data["rule"],
            count=form.cleaned_data["count"],
            user=self.request.user,
        )
        messages.success(
            self.request,
            _("%(count)s draft copies of “%(title)s” made. Check and publish each one.")
            % {"count": len(copies), "title": self.event.title},
        )
        return redirect("wagtailadmin_explore", self.event.get_parent().pk)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context.update(
            event=self.event,
            starts=timezone.localtime(self.event.starts_at),
            action_url=self.request.path,
            cancel_url=reverse("wagtailadmin_explore", args=[self.event.get_parent().pk]),
        )
        return context


class RepeatEventButton(PageMenuItem):
    label = gettext_lazy("Repeat this event")
    icon_name = "copy"
    url_name = "event_repeat"

    def is_shown(self, user) -> bool:
        return can_repeat(self.page, user)


def repeat_button(page, user, priority: int = 25) -> RepeatEventButton | None:
    """The "Repeat this event" item for an event's row and header menus (or None)."""
    if not issubclass(page.specific_class or type(page), EventPage):
        return None
    return RepeatEventButton(page=page, priority=priority)
