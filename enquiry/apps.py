from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnquiryConfig(AppConfig):
    name = "enquiry"
    verbose_name = _("Enquiries")
