from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: shared kit with no models, installed for its template tags and checks.

    Nothing here imports an app of ours; every feature app builds on it (README, Architecture).
    """

    name = "core"
    verbose_name = _("Shared kit")

    def ready(self) -> None:
        from .security import analytics_outside_the_policy

        checks.register(analytics_outside_the_policy, checks.Tags.security)
