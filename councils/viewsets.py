"""Admin for partner councils: comms officers and hub staff keep the partnership up to date.

The list exports as CSV/XLSX through `core.exports`, so a council's name or districts typed to
look like a formula open in a spreadsheet as text, never run.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from core.exports import SafeSpreadsheetExportMixin

from .models import Council

EXPORTED = [
    "name",
    "short_name",
    "official_code",
    "postcode_districts",
    "handover_email",
    "is_active",
]


def _column(name: str):
    """(key, the field's own label, its value) for one exported field."""
    return (
        name,
        capfirst(Council._meta.get_field(name).verbose_name),
        lambda council: getattr(council, name),
    )


class CouncilIndexView(SafeSpreadsheetExportMixin, SnippetViewSet.index_view_class):
    export_columns = [_column(name) for name in EXPORTED]
    export_filename_stem = "partner-councils"


class CouncilViewSet(SnippetViewSet):
    """Partner councils for the people who manage them (hub comms officers: model permissions;
    nobody else sees a council's record beyond its public name). No copy view: a council is
    one of a kind (its name, short name and ONS code are unique): a new partner is added."""

    model = Council
    icon = "group"
    menu_label = _("Partner councils")
    menu_order = 150
    add_to_admin_menu = True
    copy_view_enabled = False
    index_view_class = CouncilIndexView
    list_display = ["name", "short_name", "official_code", "postcode_districts", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "short_name", "official_code"]
    # The export's columns are the index view's (CouncilIndexView.export_columns).
    ordering = ["name"]
