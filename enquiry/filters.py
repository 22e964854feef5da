"""Filters for the enquiries list in the admin.

The filters narrow the rows a person may already see (`Enquiry.objects.for_user`); they never
widen them. The council filter offers only the councils whose enquiries the person may see.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from councils.models import Council, councils_of

from .forms import fostering_type_choices
from .models import Enquiry, HearAboutOption, ReceivedVia, Stage

NOT_SURE_YET = "not-sure"


def council_choices(user) -> list[tuple[str, str]]:
    """The councils this person may filter by: all (and "not sure yet") for the hub."""
    if user.has_perm("enquiry.view_all_enquiries"):
        councils = Council.objects.order_by("name")
        return [
            *((str(council.pk), council.name) for council in councils),
            (NOT_SURE_YET, _("Not sure yet")),
        ]
    councils = Council.objects.filter(pk__in=councils_of(user)).order_by("name")
    return [(str(council.pk), council.name) for council in councils]


def _fostering_types(request) -> QuerySet:
    return fostering_type_choices()


class EnquiryFilterSet(WagtailFilterSet):
    stage = django_filters.MultipleChoiceFilter(
        label=_("Stage"), choices=Stage.choices, widget=forms.CheckboxSelectMultiple
    )
    council = django_filters.ChoiceFilter(
        label=_("Council"), method="filter_council", empty_label=_("Any council")
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Received"), widget=DateRangePickerWidget
    )
    fostering_types = django_filters.ModelChoiceFilter(
        label=_("Type of fostering"),
        queryset=_fostering_types,
        empty_label=_("Any type"),
    )
    heard_about = django_filters.ModelChoiceFilter(
        label=_("How they heard about us"),
        queryset=HearAboutOption.objects.originals(),
        empty_label=_("Any answer"),
    )
    received_via = django_filters.ChoiceFilter(
        label=_("How it came in"), choices=ReceivedVia.choices, empty_label=_("Any way")
    )

    class Meta:
        model = Enquiry
        fields = [
            "stage",
            "council",
            "created_at",
            "fostering_types",
            "heard_about",
            "received_via",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        self.filters["council"].extra["choices"] = council_choices(user) if user else []

    def filter_council(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        if value == NOT_SURE_YET:
            return queryset.filter(council__isnull=True)
        return queryset.filter(council_id=value)
