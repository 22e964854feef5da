"""The filter form every attribution report shows (a plain GET form that works without
JavaScript), turning what the person chose into `ReportFilters`.

Dates are GOV.UK date inputs (day, month, year as three boxes) so that whatever was typed can be
shown back with an error tied to that date, rather than a browser date picker that silently
drops what it cannot parse.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _

from attribution.classification import CHANNEL_LABELS, Channel
from attribution.models import Campaign
from councils.models import Council

from .reports.base import NOT_SURE_YET, OWNER_CHOICES, ReportFilters

PARTS = ("day", "month", "year")


class DatePartsWidget(forms.MultiWidget):
    """Three text boxes named <name>_day, <name>_month and <name>_year."""

    def __init__(self, attrs: dict | None = None) -> None:
        box = {"inputmode": "numeric"}
        super().__init__(
            {part: forms.TextInput(attrs=box) for part in PARTS},
            attrs=attrs,
        )

    def decompress(self, value: Any) -> list:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


EARLIEST_YEAR = 2000


class DatePartsField(forms.Field):
    """A date typed as day, month and year, with GOV.UK error messages; empty means "any"."""

    widget = DatePartsWidget

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date) or value is None:
            return value
        day, month, year = (str(part or "").strip() for part in value)
        if not (day or month or year):
            return None
        label = self.label
        missing = [name for name, part in zip(PARTS, (day, month, year), strict=True) if not part]
        if missing:
            names = {"day": _("a day"), "month": _("a month"), "year": _("a year")}
            raise forms.ValidationError(
                _("%(label)s must include %(part)s")
                % {
                    "label": label,
                    "part": get_text_list([str(names[name]) for name in missing], _("and")),
                },
                code="incomplete",
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise forms.ValidationError(
                _("%(label)s must be a real date") % {"label": label}, code="invalid"
            )
        try:
            chosen = date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(
                _("%(label)s must be a real date") % {"label": label}, code="invalid"
            ) from None
        # Enquiries began with the site; a far-off year would only make an enormous report.
        latest = timezone.localdate().year + 1
        if not EARLIEST_YEAR <= chosen.year <= latest:
            raise forms.ValidationError(
                _("%(label)s must be between %(first)s and %(last)s")
                % {"label": label, "first": EARLIEST_YEAR, "last": latest},
                code="out_of_range",
            )
        return chosen


def default_range(today: date | None = None) -> tuple[date, date]:
    """The last 12 months: from the first of the month eleven months back to today."""
    today = today or timezone.localdate()
    month_index = today.year * 12 + today.month - 1 - 11
    return date(month_index // 12, month_index % 12 + 1, 1), today


def with_defaults(data: Mapping[str, Any], today: date | None = None) -> QueryDict:
    """The request's GET data with the default dates filled in where no date was sent at all
    (a date sent empty means "any")."""
    merged = QueryDict(mutable=True)
    if isinstance(data, QueryDict):
        merged.update(data)
    else:
        for key, value in data.items():
            merged[key] = value
    start, end = default_range(today)
    for name, default in (("date_from", start), ("date_to", end)):
        if not any(f"{name}_{part}" in merged for part in PARTS):
            merged[f"{name}_day"] = str(default.day)
            merged[f"{name}_month"] = str(default.month)
            merged[f"{name}_year"] = str(default.year)
    return merged


class ReportFilterForm(forms.Form):
    """Date range, council, owner, channel, campaign, and the report's own option."""

    date_from = DatePartsField(label=_("Date from"), required=False)
    date_to = DatePartsField(label=_("Date to"), required=False)
    council = forms.ChoiceField(label=_("Council"), required=False)
    owner = forms.ChoiceField(label=_("Campaign owner"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    campaign = forms.ChoiceField(label=_("Campaign"), required=False)

    def __init__(
        self,
        *args: Any,
        option_name: str = "",
        option_label: str = "",
        option_choices: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.option_name = option_name
        self.fields["council"].choices = [
            ("", _("All councils")),
            *(
                (str(pk), name)
                for pk, name in Council.objects.order_by("name").values_list("pk", "name")
            ),
            (NOT_SURE_YET, _("Not sure yet")),
        ]
        self.fields["owner"].choices = [("", _("All owners")), *OWNER_CHOICES]
        self.fields["channel"].choices = [
            ("", _("All channels")),
            *((channel.value, CHANNEL_LABELS[channel]) for channel in Channel),
        ]
        self.fields["campaign"].choices = [
            ("", _("All campaigns")),
            *(
                (str(pk), name)
                for pk, name in Campaign.objects.order_by("name").values_list("pk", "name")
            ),
        ]
        if option_name and option_choices:
            self.fields[option_name] = forms.ChoiceField(
                label=option_label, choices=option_choices, required=False
            )

    def full_clean(self) -> None:
        super().full_clean()
        # Tie each choice's error message to its select, as the date fieldsets do.
        for name in ("council", "owner", "channel", "campaign", self.option_name):
            if name in self.fields and name in self.errors:
                self.fields[name].widget.attrs["aria-describedby"] = f"{name}-error"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Date to must be the same as or after date from"))
        return cleaned

    @property
    def date_fields(self) -> list[forms.BoundField]:
        return [self["date_from"], self["date_to"]]

    @property
    def choice_fields(self) -> list[forms.BoundField]:
        names = ["council", "owner", "channel", "campaign"]
        if self.option_name in self.fields:
            names.append(self.option_name)
        return [self[name] for name in names]

    def option(self, default: str) -> str:
        """The report's own option (group by, period, by), or its default."""
        if not self.option_name:
            return default
        return self.cleaned_data.get(self.option_name) or default

    def to_filters(self) -> ReportFilters:
        """The filters for the report functions (call only when the form is valid)."""
        data = self.cleaned_data
        council = data.get("council") or ""
        campaign = data.get("campaign") or ""
        return ReportFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            council_id=NOT_SURE_YET
            if council == NOT_SURE_YET
            else int(council)
            if council
            else None,
            owner=data.get("owner") or "",
            channel=data.get("channel") or "",
            campaign_id=int(campaign) if campaign else None,
        )
