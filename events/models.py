"""Information events people can find, book and attend, and the bookings (registrations).

An event is a page under the events index, so comms officers draft, preview, schedule, publish
and copy events with Wagtail's own tools. A registration is created only by
`events.services.book`, which locks the event while it counts places, so capacity holds under
concurrent bookings; cancelling goes through `events.services.cancel`, which offers freed places
to the waiting list.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import PageManager
from wagtail.search import index
from wagtail.url_routing import RouteResult
from wagtail_localize.fields import SynchronizedField

from core.blocks import BodyBlock
from core.pages import BasePage, HubPageQuerySet
from councils.models import Council
from enquiry.models import KeepInTouchConsent

from .links import TOKEN_PARAMETER as CANCEL_TOKEN_PARAMETER
from .querysets import RegistrationQuerySet


class EventType(models.TextChoices):
    INFORMATION_SESSION = "information_session", _("Information session")
    COFFEE_MORNING = "coffee_morning", _("Coffee morning")
    DROP_IN = "drop_in", _("Drop-in")
    POP_UP = "pop_up", _("Pop-up stand")
    ONLINE_QA = "online_qa", _("Online Q&A with foster carers")
    TRAINING_TASTER = "training_taster", _("Training taster")


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


class EventPageQuerySet(HubPageQuerySet):
    """Listing rules, used by the events index, council pages and the calendar feed."""

    def upcoming(self, now: datetime | None = None) -> EventPageQuerySet:
        """Events that have not ended yet, soonest first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now: datetime | None = None) -> EventPageQuerySet:
        """Events that have ended, most recent first (the archive)."""
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")

    def hosted_by(self, council: Council) -> EventPageQuerySet:
        return self.filter(hosts=council)


class EventIndexPage(RoutablePageMixin, BasePage):
    """The events listing (upcoming, with filters), its archive and its calendar feed."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    # The filters (events.listing.EventFilterForm), the archive's pages and the feed's council.
    cache_query_parameters = ("council", "format", "type", "from", "to", "page")

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]
    search_fields = [*BasePage.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("events index page")

    # The views live in their own modules (imported when called, so models never depend on them).
    @path("")
    def upcoming_events(self, request):
        from .listing import index_view

        return index_view(self, request)

    @path("past/")
    def past_events(self, request):
        from .listing import archive_view

        return archive_view(self, request)

    @path("calendar/")
    def calendar_feed(self, request):
        from .feeds import feed_view

        return feed_view(self, request)

    @path("cancel/")
    def cancel_booking(self, request, token: str = ""):
        from .views import cancel_view

        return cancel_view(self, request, token)

    @path("cancel/<str:token>/")
    def cancel_booking_by_path(self, request, token: str):
        """Links emailed before issue 17 carried the token in the path: they keep working
        until their event ends (events.links)."""
        from .views import cancel_by_path_view

        return cancel_by_path_view(self, request, token)

    def route(self, request, path_components):
        """Wagtail's routing, and the cancellation page's token read from the query string
        here: as a page is served, the page cache leaves its request only the parameters its
        listings read (the caches key on those, never on a token)."""
        result = super().route(request, path_components)
        match = getattr(request, "routable_resolver_match", None)
        if result.page is self and match is not None and match.url_name == "cancel_booking":
            view, args, kwargs = result.args
            token = request.GET.get(CANCEL_TOKEN_PARAMETER, "")
            return RouteResult(self, args=(view, args, {**kwargs, "token": token}))
        return result


class EventPage(RoutablePageMixin, BasePage):
    """One event. `listing_summary` (promote tab) is its summary on cards and in the feed."""

    event_type = models.CharField(_("type of event"), max_length=30, choices=EventType.choices)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"), db_index=True)
    format = models.CharField(
        _("format"), max_length=12, choices=EventFormat.choices, default=EventFormat.IN_PERSON
    )
    venue_name = models.CharField(_("venue"), max_length=120, blank=True)
    venue_address = models.TextField(_("address"), max_length=400, blank=True)
    venue_postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    access_information = models.TextField(
        _("access information"),
        blank=True,
        max_length=1000,
        help_text=_("Step-free access, toilets, parking, hearing loop, quiet space…"),
    )
    joining_details = models.TextField(
        _("online joining details"),
        blank=True,
        max_length=1000,
        help_text=_(
            "The link and any code for an online event. Only people who book receive it, in "
            "their confirmation and reminder emails; it never appears on the page."
        ),
    )
    hosts = ParentalManyToManyField(
        Council,
        verbose_name=_("hosting councils"),
        blank=True,
        related_name="events",
        help_text=_("Leave empty when the hub hosts the event."),
    )
    fostering_types = ParentalManyToManyField(
        "fostering_types.FosteringTypePage",
        verbose_name=_("related types of fostering"),
        blank=True,
        related_name="+",
    )
    booking_required = models.BooleanField(
        _("booking needed"),
        default=True,
        help_text=_("Untick for drop-ins that people can just turn up to."),
    )
    booking_open = models.BooleanField(
        _("booking open"), default=True, help_text=_("Untick to stop taking bookings.")
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit. When it is full, people join a waiting list."),
    )
    max_places_per_booking = models.PositiveSmallIntegerField(
        _("most places one person can book"), default=4
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    objects = PageManager.from_queryset(EventPageQuerySet)()

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("event_type"),
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldPanel("format"),
            ],
            heading=_("What and when"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("venue_name"),
                FieldPanel("venue_address"),
                FieldPanel("venue_postcode"),
                FieldPanel("access_information"),
                FieldPanel("joining_details"),
            ],
            heading=_("Where"),
        ),
        MultiFieldPanel(
            [FieldPanel("hosts"), FieldPanel("fostering_types")], heading=_("Who and what for")
        ),
        MultiFieldPanel(
            [
                FieldPanel("booking_required"),
                FieldPanel("booking_open"),
                FieldPanel("capacity"),
                FieldPanel("max_places_per_booking"),
            ],
            heading=_("Booking"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("venue_name"),
        index.SearchField("body"),
        index.FilterField("starts_at"),
    ]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    @path("")
    def event(self, request):
        from .listing import event_view

        return event_view(self, request)

    @path("book/")
    def booking(self, request):
        from .views import booking_view

        return booking_view(self, request)

    @path("book/confirmed/")
    def booking_confirmed(self, request):
        from .views import confirmation_view

        return confirmation_view(self, request)

    @path("add-to-calendar/")
    def calendar_file(self, request):
        from .ics import event_ics_view

        return event_ics_view(self, request)

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The event must end after it starts.")})
        needs_venue = self.format in (EventFormat.IN_PERSON, EventFormat.HYBRID)
        if needs_venue and not (self.venue_name and self.venue_address):
            raise ValidationError(
                {"venue_address": _("An event people attend in person needs a venue and address.")}
            )
        if self.format in (EventFormat.ONLINE, EventFormat.HYBRID) and not self.joining_details:
            raise ValidationError(
                {
                    "joining_details": _(
                        "An online event needs joining details for the people who book."
                    )
                }
            )

    def get_admin_display_title(self) -> str:
        """The title with the day, wherever the admin names the event (explorer, choosers,
        breadcrumbs, history): the copies in a series share a title, so only the date tells
        them apart. Visitors see the title alone, next to the date the page already shows."""
        title = super().get_admin_display_title()
        if self.starts_at is None:  # a new event, not given a date yet
            return title
        return f"{title} – {date_format(timezone.localtime(self.starts_at), 'D j M Y')}"

    @property
    def is_online(self) -> bool:
        return self.format in (EventFormat.ONLINE, EventFormat.HYBRID)

    @property
    def in_person(self) -> bool:
        return self.format in (EventFormat.IN_PERSON, EventFormat.HYBRID)

    @property
    def has_ended(self) -> bool:
        return self.ends_at < timezone.now()

    # What an event *is* (when, where, how, how many places), as opposed to the words about it:
    # a translation always shows the original's, copied to it whenever the original is
    # published. The venue and the joining details are not translated (wagtail-localize keeps
    # them out of the translation editor and of PO files sent to translators): a Polish
    # reader goes to the same address and joins with the same link.
    FACT_FIELDS = (
        "event_type",
        "starts_at",
        "ends_at",
        "format",
        "venue_name",
        "venue_address",
        "venue_postcode",
        "joining_details",
        "booking_required",
        "booking_open",
        "capacity",
        "max_places_per_booking",
    )
    override_translatable_fields = [
        SynchronizedField(name, overridable=False)
        for name in ("venue_name", "venue_address", "venue_postcode", "joining_details")
    ]

    def copy_facts_to_translations(self) -> int:
        """Give every translation of this (original) event its time, format and places now,
        without waiting for a translator to sync; their words stay as translated."""
        translations = EventPage.objects.filter(
            translation_key=self.translation_key, alias_of__isnull=True
        ).exclude(pk=self.pk)
        ids = list(translations.values_list("pk", flat=True))
        translations.update(**{name: getattr(self, name) for name in self.FACT_FIELDS})
        councils = list(self.hosts.values_list("pk", flat=True))
        hosts = EventPage.hosts.through
        hosts.objects.filter(eventpage_id__in=ids).delete()
        hosts.objects.bulk_create(
            hosts(eventpage_id=pk, council_id=council_id) for pk in ids for council_id in councils
        )
        return len(ids)

    def places_taken(self) -> int:
        """Confirmed places (one query; `services.book` counts again under the lock). Counted
        across the event's languages: bookings made on a translation belong to the original."""
        if self.pk is None:  # previewing an event that is not saved yet
            return 0
        return (
            Registration.objects.filter(
                event__translation_key=self.translation_key,
                status=Registration.Status.CONFIRMED,
            ).aggregate(taken=Sum("places"))["taken"]
            or 0
        )

    def places_left(self) -> int | None:
        """Places still free, or None when there is no limit."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.places_taken(), 0)

    @property
    def can_book(self) -> bool:
        """Whether the booking form is offered (a full event still takes waiting-list names).
        Never for an unpublished event (its translations may still be live for a moment)."""
        return self.live and self.booking_required and self.booking_open and not self.has_ended


class Registration(models.Model):
    """A booking for an event: places, who, and where they came from (like an enquiry)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(EventPage, on_delete=models.PROTECT, related_name="registrations")
    submission_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # For the signed cancellation link (never the reference or an address in a URL).
    cancel_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    places = models.PositiveSmallIntegerField(_("places"), default=1)
    created_at = models.DateTimeField(_("booked"), default=timezone.now, db_index=True)
    received_on = models.DateField(_("booked on"), editable=False, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en-gb")

    # About the person (blanked when anonymised).
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email address"), max_length=254, db_index=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10)
    access_needs = models.TextField(_("access needs"), max_length=1000, blank=True)
    postcode_district = models.CharField(_("postcode district"), max_length=4, blank=True)
    heard_about = models.ForeignKey(
        "enquiry.HearAboutOption",
        verbose_name=_("how they heard about us"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    heard_about_label = models.CharField(max_length=80, blank=True)
    # The permissions ticked on the form, as the person agreed (the wording, language, time):
    # rows of the one consent model, each belonging to this booking alone (BookingConsent).
    consents = models.ManyToManyField(
        "enquiry.KeepInTouchConsent",
        through="BookingConsent",
        verbose_name=_("keep-in-touch permissions"),
        blank=True,
        related_name="+",
    )

    # Where they came from (the same fields and meaning as on Enquiry).
    first_touch = models.JSONField(default=dict, blank=True)
    last_touch = models.JSONField(default=dict, blank=True)
    campaign = models.ForeignKey(
        "attribution.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    owner = models.CharField(max_length=10, blank=True)
    owner_council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=30, blank=True, db_index=True)
    first_channel = models.CharField(max_length=30, blank=True)
    first_campaign = models.ForeignKey(
        "attribution.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="first_touch_registrations",
    )
    channel_rule = models.CharField(max_length=40, blank=True)
    ruleset_version = models.CharField(max_length=20, blank=True)

    # On the day and after.
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    enquiry = models.ForeignKey(
        "enquiry.Enquiry",
        verbose_name=_("later enquiry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
        help_text=_("The enquiry the same person made after booking, for event → enquiry reports."),
    )
    reminder_sent = models.BooleanField(default=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("event booking")
        verbose_name_plural = _("event bookings")
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="registration_has_places")
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs) -> None:
        self.received_on = timezone.localdate(self.created_at, timezone.get_default_timezone())
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "created_at" in update_fields:
            kwargs["update_fields"] = {*update_fields, "received_on"}
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        """What the person and staff quote, e.g. EVT-000123 (no personal data)."""
        return f"EVT-{self.pk:06d}" if self.pk else ""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class BookingConsent(models.Model):
    """Ties a keep-in-touch permission (`enquiry.KeepInTouchConsent`, the one consent model,
    kept by the enquiry app below this one) to the booking it was given with.

    One permission belongs to one holder: the OneToOne makes it one booking's at most, and a
    permission held by a booking has no enquiry. On PostgreSQL a deferred constraint trigger
    (migration 0004) checks, at commit, that every permission has exactly one holder.
    """

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="consent_links"
    )
    consent = models.OneToOneField(
        KeepInTouchConsent, on_delete=models.CASCADE, related_name="booking"
    )

    class Meta:
        # A booking's permission is a keep-in-touch permission like any other (and the names
        # are already in the catalogues).
        verbose_name = _("keep-in-touch permission")
        verbose_name_plural = _("keep-in-touch permissions")

    def __str__(self) -> str:
        return f"{self.registration}: {self.consent}"


@receiver(post_delete, sender=BookingConsent, dispatch_uid="events.consent_goes_with_booking")
def consent_goes_with_its_booking(sender, instance: BookingConsent, **kwargs) -> None:
    """A booking deleted (its event deleted, say) takes its keep-in-touch permissions with it:
    they were given with that booking and have no other holder (the holder rule above)."""
    KeepInTouchConsent.objects.filter(pk=instance.consent_id, enquiry__isnull=True).delete()
