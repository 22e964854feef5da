"""Admin for partner councils: comms officers and hub staff keep the partnership up to date."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Council


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
    list_display = ["name", "short_name", "official_code", "postcode_districts", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "short_name", "official_code"]
    list_export = [
        "name",
        "short_name",
        "official_code",
        "postcode_districts",
        "handover_email",
        "is_active",
    ]
    ordering = ["name"]
