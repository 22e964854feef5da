"""Admin for partner councils: comms officers and hub staff keep the partnership up to date."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Council


class CouncilViewSet(SnippetViewSet):
    model = Council
    icon = "group"
    menu_label = _("Partner councils")
    menu_order = 150
    add_to_admin_menu = True
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
