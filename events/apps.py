from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # Re-time and re-write booked people's reminders when an event is published with changes.
        from wagtail.signals import page_published, page_unpublished

        from .models import EventPage
        from .reminders import event_published, event_unpublished

        page_published.connect(
            event_published, sender=EventPage, dispatch_uid="events.reminders.event_published"
        )
        page_unpublished.connect(
            event_unpublished, sender=EventPage, dispatch_uid="events.reminders.event_unpublished"
        )
