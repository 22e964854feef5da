from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from wagtail.signals import page_published, page_unpublished

        from enquiry.signals import enquiry_recorded

        from . import data_protection, enquiry_section, quarantine
        from .linking import link_on_record
        from .models import EventPage
        from .reminders import event_published, event_unpublished

        # Re-time and re-write booked people's reminders when an event is published with changes.
        page_published.connect(
            event_published, sender=EventPage, dispatch_uid="events.reminders.event_published"
        )
        page_unpublished.connect(
            event_unpublished, sender=EventPage, dispatch_uid="events.reminders.event_unpublished"
        )
        # Link a new enquiry to the person's earlier bookings, in the enquiry's transaction.
        enquiry_recorded.connect(link_on_record, dispatch_uid="events.linking.link_on_record")
        # How a booking held as suspected spam is released and shown.
        quarantine.register()
        # Bookings under the data protection rules: subject access, erasure and retention.
        data_protection.register()
        # The person's bookings on their enquiry's page in the admin.
        enquiry_section.register()
