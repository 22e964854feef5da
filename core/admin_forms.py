"""Admin forms list each translatable item once: its English original.

wagtail-localize keeps a copy of every page (and translated snippet) in each language's tree,
so a choice field built from all of a type's rows lists each item once per language, under the
same title (issue 17: "Audience focus" showed every type of fostering three times). Enquiries,
bookings, campaigns and tags point at the originals, and every language's page shows them in
its own words, so the originals are the only right choice. Chooser widgets (a page or snippet
chooser's modal) are left alone: they have their own locale filter.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.widgets.chooser import BaseChooser

from .localization import is_translatable, originals


def _chosen_pks(value) -> list:
    """The primary keys of a field's initial value (a key, an instance, or several)."""
    if value is None or value == "":
        return []
    items = value if isinstance(value, list | tuple | set | QuerySet) else [value]
    return [getattr(item, "pk", item) for item in items]


class OriginalChoicesMixin:
    """For a form (model form or not): every model choice field of a translatable model that
    lists its choices (select, checkboxes, radios) offers the originals, and whatever the form
    starts with (`initial`) stays listed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or isinstance(
                field.widget, BaseChooser
            ):
                continue
            if field.queryset is None or not is_translatable(field.queryset.model):
                continue
            field.queryset = originals(field.queryset, keep=_chosen_pks(self.initial.get(name)))


class HubPageForm(OriginalChoicesMixin, WagtailAdminPageForm):
    """The base form of every page type of ours (`BasePage.base_form_class`)."""
