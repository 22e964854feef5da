from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = _("Partner councils")

    def ready(self) -> None:
        from . import signals  # noqa: F401
