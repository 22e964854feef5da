from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FosteringTypesConfig(AppConfig):
    name = "fostering_types"
    verbose_name = _("Types of fostering")
