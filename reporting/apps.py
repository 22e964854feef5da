from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """The reports: campaigns, channels, the journey and events, read from enquiries and bookings.

    A floor above events and enquiries (it reads both) and apart from the attribution record
    (campaigns, touches, classification), which the apps below it write. No models: the
    permission to see reports stays with the campaigns (`attribution.view_attribution_reports`).
    """

    name = "reporting"
    verbose_name = _("Reports")
