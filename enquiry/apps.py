from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnquiryConfig(AppConfig):
    name = "enquiry"
    verbose_name = _("Enquiries")

    def ready(self) -> None:
        from . import held_views, quarantine

        # Held enquiries, registered the way other apps register their kinds of post.
        quarantine.register_kind(
            quarantine.Kind.ENQUIRY,
            release=quarantine.release_enquiry,
            describe=held_views.enquiry_rows,
            explanation=held_views.ENQUIRY_EXPLANATION,
            released=held_views.enquiry_released,
        )
