"""Enquiry handling in the admin (skeleton; filled in by the admin work)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Enquiry


class EnquiryViewSet(ModelViewSet):
    model = Enquiry
    icon = "mail"
    menu_label = _("Enquiries")
    url_prefix = "enquiries"
    url_namespace = "enquiries"
    add_to_admin_menu = True
    inspect_view_enabled = True
    form_fields = ["stage"]


enquiry_viewset = EnquiryViewSet("enquiries")
