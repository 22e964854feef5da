"""Enquiries from people thinking about fostering, and how each one progresses.

An enquiry is created only by `enquiry.services.record_enquiry` (the website form, or staff
recording a phone call), which saves it, its keep-in-touch consents, its first history row and its
notifications in one transaction. Stage changes go through `Enquiry.move_to`, which keeps the
milestone dates the reports read and writes a dated history row.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, TranslatableMixin

from attribution.attribute import STAFF_CORRECTED_RULE, campaign_owner
from attribution.classification import CHANNEL_LABELS, Channel
from attribution.touches import from_dict
from core import spam
from core.pages import HubPageMixin
from councils.models import Council, councils_of

from .search import phone_key, postcode_key

logger = logging.getLogger("core.spam")


class HearAboutOptionQuerySet(models.QuerySet):
    def originals(self) -> HearAboutOptionQuerySet:
        """The English answers: what forms offer and enquiries store, whatever the language."""
        return self.filter(locale__language_code=settings.LANGUAGE_CODE)

    def labels_in(self, language_code: str) -> dict[uuid.UUID, str]:
        """{translation_key: label} of the answers' translations into a language (one query)."""
        return dict(
            self.filter(locale__language_code=language_code).values_list("translation_key", "label")
        )


class HearAboutOption(TranslatableMixin, Orderable):
    """One answer to "How did you hear about us?" (editable by hub staff, translated with
    wagtail-localize like a page). Forms list the English answers under their translated
    labels, so an enquiry in Urdu records the same answer as one in English."""

    label = models.CharField(_("label"), max_length=80)
    is_active = models.BooleanField(
        _("offered on forms"),
        default=True,
        help_text=_("Untick to stop offering it; enquiries that chose it keep the answer."),
    )
    matching_channels = models.JSONField(
        _("matching channels"),
        default=list,
        blank=True,
        help_text=_(
            "The tracked channel groups this answer agrees with, for the tracked versus "
            "self-reported report (e.g. “Social media” agrees with paid and organic social)."
        ),
    )

    panels = [FieldPanel("label"), FieldPanel("is_active"), FieldPanel("matching_channels")]

    objects = HearAboutOptionQuerySet.as_manager()

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["label", "locale"], name="hear_about_label_per_locale")
        ]
        verbose_name = _("“How did you hear about us?” answer")
        verbose_name_plural = _("“How did you hear about us?” answers")

    def __str__(self) -> str:
        return self.label


class Stage(models.TextChoices):
    """Where an enquiry has got to. The first six are the recruitment journey, in order."""

    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted (initial response)")
    VISIT_BOOKED = "visit_booked", _("Initial visit booked")
    VISIT_DONE = "visit_done", _("Initial visit done")
    APPLICATION = "application", _("Application received")
    APPROVED = "approved", _("Approved")
    KEEP_IN_TOUCH = "keep_in_touch", _("Not ready yet, keep in touch")
    CLOSED = "closed", _("Closed")


# The journey in order, and the milestone date each stage sets the first time it is reached.
JOURNEY = [
    Stage.NEW,
    Stage.CONTACTED,
    Stage.VISIT_BOOKED,
    Stage.VISIT_DONE,
    Stage.APPLICATION,
    Stage.APPROVED,
]
MILESTONE_FIELDS = {
    Stage.CONTACTED: "contacted_on",
    Stage.VISIT_BOOKED: "visit_booked_on",
    Stage.VISIT_DONE: "visit_done_on",
    Stage.APPLICATION: "application_on",
    Stage.APPROVED: "approved_on",
    Stage.CLOSED: "closed_on",
}


class ClosedReason(models.TextChoices):
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    NOT_PROCEEDING = "not_proceeding", _("Not proceeding")


class ReceivedVia(models.TextChoices):
    WEBSITE = "website", _("Website form")
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("Email")
    IN_PERSON = "in_person", _("In person")


class SpareBedroom(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_YET = "not_yet", _("Not yet")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("Email")
    TEXT = "text", _("Text message")


class ContactTime(models.TextChoices):
    ANY = "any", _("Any time")
    MORNING = "morning", _("Morning (9am to 12pm)")
    AFTERNOON = "afternoon", _("Afternoon (12pm to 5pm)")
    EVENING = "evening", _("Early evening (5pm to 7pm)")


class EnquiryQuerySet(models.QuerySet):
    def for_user(self, user) -> EnquiryQuerySet:
        """The enquiries this person may see: the one row-level rule every view uses.

        Hub enquiry officers (view_all_enquiries) see all; a council's fostering staff see only
        the enquiries for their council; anyone else sees none.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_perm("enquiry.view_all_enquiries"):
            return self
        if not user.has_perm("enquiry.view_enquiry"):
            return self.none()
        return self.filter(council_id__in=councils_of(user))

    def personal(self) -> EnquiryQuerySet:
        """Enquiries that still hold personal data (not anonymised)."""
        return self.filter(anonymised_at__isnull=True)

    def matching_email(self, email: str) -> EnquiryQuerySet:
        return self.filter(email__iexact=email.strip())


class ReferenceCounter(models.Model):
    """The last enquiry number used in a year: references restart at 000001 each year."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"

    @classmethod
    def next_reference(cls, year: int | None = None) -> str:
        """Take the next number atomically (one statement; safe under concurrent requests)."""
        year = year or timezone.localdate().year
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "
                f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 "
                "RETURNING last_number",
                [year],
            )
            (number,) = cursor.fetchone()
        return f"{settings.ENQUIRY_REFERENCE_PREFIX}-{year}-{number:06d}"


# Columns save() derives from another: saving the one (update_fields) saves the other too.
KEPT_ON_SAVE = {
    "created_at": "received_on",
    "phone": "search_phone",
    "postcode": "search_postcode",
}


class Enquiry(models.Model):
    reference = models.CharField(_("reference"), max_length=30, unique=True, editable=False)
    submission_token = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="One per form shown: a repeated post of the same form finds this enquiry.",
    )
    # A keyed hash of the normalised answers (core.duplicates): the same answers sent again
    # within ENQUIRY_DUPLICATE_WINDOW_HOURS find this enquiry. Blanked with the personal data.
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    # The UK date it came in, kept beside the moment so reports group and count days by plain
    # dates instead of converting a million timestamps to London time (set by save()).
    received_on = models.DateField(_("received on"), editable=False, db_index=True)
    received_via = models.CharField(
        _("how it came in"),
        max_length=12,
        choices=ReceivedVia.choices,
        default=ReceivedVia.WEBSITE,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=10, default="en-gb")

    # About the person (blanked when the enquiry is anonymised).
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email address"), max_length=254, db_index=True)
    phone = models.CharField(_("phone number"), max_length=30)
    postcode = models.CharField(_("postcode"), max_length=10)
    question = models.TextField(_("question"), max_length=2000, blank=True)
    # The phone number and postcode as the admin search compares them (`enquiry.search`), kept
    # by save() and so blanked with them.
    search_phone = models.CharField(max_length=31, blank=True, editable=False)
    search_postcode = models.CharField(max_length=10, blank=True, editable=False)

    # What they told us (kept after anonymisation, for the reports).
    postcode_district = models.CharField(_("postcode district"), max_length=4, blank=True)
    council = models.ForeignKey(
        Council,
        verbose_name=_("council"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enquiries",
        help_text=_("Empty while the person is not sure yet."),
    )
    fostering_types = models.ManyToManyField(
        "fostering_types.FosteringTypePage",
        verbose_name=_("types of fostering"),
        blank=True,
        related_name="+",
    )
    spare_bedroom = models.CharField(
        _("spare bedroom"), max_length=10, choices=SpareBedroom.choices
    )
    contact_method = models.CharField(
        _("best way to contact"), max_length=10, choices=ContactMethod.choices
    )
    contact_time = models.CharField(
        _("best time to contact"), max_length=10, choices=ContactTime.choices
    )
    heard_about = models.ForeignKey(
        HearAboutOption,
        verbose_name=_("how they heard about us"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enquiries",
    )
    heard_about_label = models.CharField(
        _("how they heard about us (as shown)"), max_length=80, blank=True
    )

    # Where they came from (attribution: see attribution/). A touch is a dict of the campaign tags,
    # the referrer's domain, the landing path, flags and the time: never an address or a click id.
    first_touch = models.JSONField(_("first touch"), default=dict, blank=True)
    last_touch = models.JSONField(_("last non-direct touch"), default=dict, blank=True)
    campaign = models.ForeignKey(
        "attribution.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enquiries",
    )
    owner = models.CharField(
        _("campaign owner"),
        max_length=10,
        blank=True,
        choices=[("regional", _("The hub (regional)")), ("local", _("A council (local)"))],
        help_text=_("Empty when no campaign brought the enquiry."),
    )
    owner_council = models.ForeignKey(
        Council,
        verbose_name=_("owning council"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=30, blank=True, db_index=True)
    # The first touch classified on its own, for the first-versus-last-touch report.
    first_channel = models.CharField(_("first-touch channel"), max_length=30, blank=True)
    first_campaign = models.ForeignKey(
        "attribution.Campaign",
        verbose_name=_("first-touch campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="first_touch_enquiries",
    )
    channel_rule = models.CharField(_("channel rule"), max_length=40, blank=True)
    ruleset_version = models.CharField(_("classification ruleset"), max_length=20, blank=True)

    # Progress.
    stage = models.CharField(
        _("stage"), max_length=15, choices=Stage.choices, default=Stage.NEW, db_index=True
    )
    closed_reason = models.CharField(
        _("closed because"), max_length=20, choices=ClosedReason.choices, blank=True
    )
    contacted_on = models.DateField(_("first contacted"), null=True, blank=True)
    visit_booked_on = models.DateField(_("initial visit booked"), null=True, blank=True)
    visit_done_on = models.DateField(_("initial visit done"), null=True, blank=True)
    application_on = models.DateField(_("application received"), null=True, blank=True)
    approved_on = models.DateField(_("approved"), null=True, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    handed_over_on = models.DateField(_("handed over to the council"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        ordering = ["-created_at"]
        permissions = [
            ("view_all_enquiries", "Can see every council's enquiries"),
            ("import_outcomes", "Can import enquiry outcomes from a council's system"),
            ("manage_personal_data", "Can export or erase a person's data on request"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage=Stage.CLOSED) | ~Q(closed_reason=""),
                name="closed_enquiry_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs) -> None:
        # The UK date, whatever time zone the admin user who saves it has chosen.
        self.received_on = timezone.localdate(self.created_at, timezone.get_default_timezone())
        self.search_phone = phone_key(self.phone)
        self.search_postcode = postcode_key(self.postcode)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kept = {column for field, column in KEPT_ON_SAVE.items() if field in update_fields}
            if kept:
                kwargs["update_fields"] = {*update_fields, *kept}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def furthest_stage(self) -> Stage:
        """The furthest point on the journey reached, whatever the current stage."""
        reached = Stage.NEW
        for stage in JOURNEY[1:]:
            if getattr(self, MILESTONE_FIELDS[stage]):
                reached = stage
        return reached

    def milestones_kept(self, stage: str) -> list[Stage]:
        """The journey milestones that a move to `stage` leaves in place (set or not).

        Moving back along the journey (from one journey stage to an earlier one) corrects a
        mistake, so it keeps only the milestones up to the chosen stage: the later ones never
        happened. Any other move (forwards, closing, keep in touch, reopening) keeps them all,
        because they did happen.
        """
        stage = Stage(stage)
        backwards = (
            stage in JOURNEY
            and self.stage in JOURNEY
            and JOURNEY.index(stage) < JOURNEY.index(Stage(self.stage))
        )
        return JOURNEY[1 : JOURNEY.index(stage) + 1] if backwards else JOURNEY[1:]

    def earliest_allowed_date(
        self, stage: str | None, *, since_received: bool = True
    ) -> tuple[date | None, str]:
        """The earliest date a move to `stage` may carry, and what happened that day.

        It is the latest of the day the enquiry came in and every milestone that stays after the
        move (and, for a reopening, the day it was closed), so the dates never contradict each
        other: no visit before the first contact, no closure before the application. With
        `stage` None only the received date counts.
        """
        whens = {
            Stage.CONTACTED: _("when the person was first contacted"),
            Stage.VISIT_BOOKED: _("when the initial visit was booked"),
            Stage.VISIT_DONE: _("when the initial visit was done"),
            Stage.APPLICATION: _("when the application was received"),
            Stage.APPROVED: _("when the person was approved"),
        }
        earliest, why = None, ""
        if since_received and self.created_at:
            earliest, why = timezone.localdate(self.created_at), _("when the enquiry came in")
        for milestone in self.milestones_kept(stage) if stage else []:
            reached = getattr(self, MILESTONE_FIELDS[milestone])
            if reached is not None and (earliest is None or reached >= earliest):
                earliest, why = reached, whens[milestone]
        reopening = stage and stage != Stage.CLOSED and self.stage == Stage.CLOSED
        if reopening and self.closed_on and (earliest is None or self.closed_on >= earliest):
            earliest, why = self.closed_on, _("when the enquiry was closed")
        return earliest, str(why)

    def check_stage_date(self, stage: str | None, on: date, *, since_received: bool = True) -> None:
        """Refuse a date for a move to `stage` that is before `earliest_allowed_date`."""
        earliest, why = self.earliest_allowed_date(stage, since_received=since_received)
        if earliest is not None and on < earliest:
            raise ValidationError(
                _("The date must be on or after %(date)s, %(why)s"),
                params={"date": date_format(earliest, "j F Y"), "why": why},
                code="before_earlier_milestone",
            )

    def move_to(
        self,
        stage: str,
        *,
        by=None,
        on: date | None = None,
        closed_reason: str = "",
        note: str = "",
        source: str = "admin",
    ) -> EnquiryHistory:
        """Change the stage, keep the milestone dates consistent, and record who did it.

        Reaching a stage also fills any earlier milestone left empty (an application implies an
        initial visit), so the funnel never counts someone at a later step but not an earlier
        one. Moving back along the journey is a correction: the later milestones are cleared
        and the history row says which. Closing or "keep in touch" keeps the milestones;
        reopening clears the closed date and reason. A date before a milestone that stays
        raises ValidationError (forms check it first with `check_stage_date`, which also
        refuses a date before the enquiry came in). Call inside a transaction on a locked row;
        only the stage and its dates are saved.
        """
        stage = Stage(stage)
        on = on or timezone.localdate()
        self.check_stage_date(stage, on, since_received=False)
        previous = self.stage
        kept = self.milestones_kept(stage)
        cleared = [
            milestone
            for milestone in JOURNEY[1:]
            if milestone not in kept and getattr(self, MILESTONE_FIELDS[milestone]) is not None
        ]
        for milestone in cleared:
            setattr(self, MILESTONE_FIELDS[milestone], None)
        self.stage = stage
        self.closed_reason = closed_reason if stage == Stage.CLOSED else ""
        if stage in JOURNEY:
            for earlier in JOURNEY[1 : JOURNEY.index(stage) + 1]:
                field = MILESTONE_FIELDS[earlier]
                if getattr(self, field) is None:
                    setattr(self, field, on)
        if stage == Stage.CLOSED:
            self.closed_on = on
        elif self.closed_on is not None:
            self.closed_on = None  # reopened
        self.save(update_fields=["stage", "closed_reason", *MILESTONE_FIELDS.values()])
        parts = []
        if stage == Stage.CLOSED and closed_reason:
            parts.append(f"{ClosedReason(closed_reason).label}.")
        if cleared:
            parts.append(
                gettext("Corrected: cleared %(milestones)s.")
                % {"milestones": ", ".join(str(milestone.label) for milestone in cleared)}
            )
        parts.append(note)
        return EnquiryHistory.objects.create(
            enquiry=self,
            by=by,
            by_name=history_author(
                by, {"import": "Outcome import", "website": "Website form"}.get(source, "")
            ),
            action=EnquiryHistory.Action.STAGE,
            from_value=previous,
            to_value=stage,
            effective_on=on,
            note=" ".join(part for part in parts if part).strip(),
        )

    def correct_source(
        self, *, channel: str, campaign, by=None, reason: str = ""
    ) -> list[EnquiryHistory]:
        """Correct the channel and campaign (a hub enquiry officer's decision, with the reason),
        and with the campaign its owner; returns the history rows, one per change.

        The reports read these fields, so they count the enquiry under the correction at once;
        the rule becomes "staff_corrected", which `reclassify_enquiries` leaves alone. The touches
        stay as they were recorded. A contact staff took (by phone, email, in person) is its own
        first touch, so its first-touch channel and campaign are corrected with it; a website
        visit's first touch keeps its own. Call inside a transaction on a locked row.
        """
        first = from_dict(self.first_touch)
        staff_first = first.entered_by_staff if first else self.received_via != ReceivedVia.WEBSITE
        changes = []
        if channel != self.channel:
            changes.append(
                (
                    EnquiryHistory.Action.CHANNEL,
                    _channel_words(self.channel),
                    _channel_words(channel),
                )
            )
        if campaign != self.campaign:
            changes.append(
                (
                    EnquiryHistory.Action.CAMPAIGN,
                    _campaign_words(self.campaign),
                    _campaign_words(campaign),
                )
            )
        if not changes:
            return []
        self.channel = channel
        self.channel_rule = STAFF_CORRECTED_RULE
        self.campaign = campaign
        for name, value in campaign_owner(campaign).items():
            setattr(self, name, value)
        fields = ["channel", "channel_rule", "campaign", "owner", "owner_council"]
        if staff_first:
            self.first_channel, self.first_campaign = channel, campaign
            fields += ["first_channel", "first_campaign"]
        self.save(update_fields=fields)
        today = timezone.localdate()
        return [
            EnquiryHistory.objects.create(
                enquiry=self,
                by=by,
                by_name=history_author(by),
                action=action,
                from_value=before[:100],
                to_value=after[:100],
                effective_on=today,
                note=reason,
            )
            for action, before, after in changes
        ]

    def hand_over(
        self, council: Council, *, by=None, on: date | None = None, note: str = ""
    ) -> EnquiryHistory:
        """Record that the hub passed the enquiry to a council's fostering team.

        Only the council and the handover date are saved, so a stale copy of the enquiry cannot
        put back details changed (or removed) meanwhile.
        """
        on = on or timezone.localdate()
        previous = self.council.name if self.council_id else ""
        self.council = council
        self.handed_over_on = on
        self.save(update_fields=["council", "handed_over_on"])
        return EnquiryHistory.objects.create(
            enquiry=self,
            by=by,
            by_name=history_author(by),
            action=EnquiryHistory.Action.HANDOVER,
            from_value=previous,
            to_value=council.name,
            effective_on=on,
            note=note,
        )


def _channel_words(value: str) -> str:
    """A channel as the history records it: its name in the reports (English, like them)."""
    try:
        return CHANNEL_LABELS[Channel(value)]
    except ValueError:
        return "Not classified"


def _campaign_words(campaign) -> str:
    return campaign.name if campaign is not None else "No campaign"


def history_author(user, source: str = "") -> str:
    """How an enquiry's history names who made a change: the member of staff, or what did it
    ("Website form", "Outcome import", …) when nobody signed in did."""
    if user is not None:
        return user.get_full_name() or user.get_username()
    return source or "System"


class EnquiryHistory(models.Model):
    """One dated change to an enquiry: who did what, when. Never edited or deleted by staff."""

    class Action(models.TextChoices):
        CREATED = "created", _("Enquiry received")
        STAGE = "stage", _("Stage changed")
        HANDOVER = "handover", _("Handed over to council")
        COUNCIL = "council", _("Council changed")
        CHANNEL = "channel", _("Channel corrected")
        CAMPAIGN = "campaign", _("Campaign corrected")
        NOTE = "note", _("Note")
        ANONYMISED = "anonymised", _("Personal data removed")

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(_("recorded at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_name = models.CharField(_("by"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    from_value = models.CharField(_("from"), max_length=100, blank=True)
    to_value = models.CharField(_("to"), max_length=100, blank=True)
    effective_on = models.DateField(_("date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("enquiry history entry")
        verbose_name_plural = _("enquiry history")

    def __str__(self) -> str:
        return f"{self.enquiry} {self.get_action_display()} {self.at:%Y-%m-%d}"

    @property
    def from_label(self) -> str:
        return _choice_label(self.action, self.from_value)

    @property
    def to_label(self) -> str:
        return _choice_label(self.action, self.to_value)


def _choice_label(action: str, value: str) -> str:
    if action == EnquiryHistory.Action.STAGE and value in Stage.values:
        return str(Stage(value).label)
    return value


class KeepInTouchConsent(models.Model):
    """Permission to keep in touch by one channel, with the exact words the person agreed to.

    The one record of keep-in-touch permission, whoever holds it: an enquiry (`enquiry`), or an
    app above this one relating its rows to it downwards (an event booking, through
    `events.BookingConsent`, which ties one permission to one booking; `enquiry` is then empty).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        TEXT = "text", _("Text message")

    enquiry = models.ForeignKey(
        Enquiry, null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    wording = models.TextField(_("wording shown"))
    language = models.CharField(_("language"), max_length=10, default="en-gb")
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    renewed_at = models.DateTimeField(_("last renewed"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"),
        max_length=12,
        blank=True,
        choices=[("expired", _("Expired")), ("withdrawn", _("Withdrawn")), ("erased", _("Erased"))],
    )

    class Meta:
        ordering = ["channel"]
        verbose_name = _("keep-in-touch permission")
        verbose_name_plural = _("keep-in-touch permissions")

    def __str__(self) -> str:
        if self.enquiry_id is None:
            return str(self.get_channel_display())
        return f"{self.enquiry}: {self.get_channel_display()}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None

    @property
    def last_confirmed_at(self):
        return self.renewed_at or self.given_at


class RejectedSubmission(models.Model):
    """How many form posts the spam checks doubted, per day, form and reason (no personal data).

    Honeypot posts are discarded and posts with a bad token come back to the person; too-fast
    and rate-limited ones are held for review (`HeldSubmission`), and `released` counts those
    staff found genuine: the checks' false positives.
    """

    # The doubts are the spam checks' vocabulary (core.spam); held ones are kept for review.
    Reason = spam.Reason
    HELD_REASONS = spam.HELD_REASONS

    day = models.DateField(_("day"))
    form = models.CharField(_("form"), max_length=20, default="enquiry")
    reason = models.CharField(_("reason"), max_length=15, choices=Reason.choices)
    count = models.PositiveIntegerField(_("posts turned away"), default=0)
    released = models.PositiveIntegerField(_("released as genuine"), default=0)

    class Meta:
        ordering = ["-day", "form", "reason"]
        constraints = [
            models.UniqueConstraint(fields=["day", "form", "reason"], name="one_counter_per_day")
        ]
        verbose_name = _("rejected form post count")
        verbose_name_plural = _("rejected form posts")

    def __str__(self) -> str:
        return f"{self.day} {self.form} {self.reason}: {self.count}"

    @classmethod
    def record(cls, reason: str, form: str = "enquiry") -> None:
        """Count one rejected post, atomically."""
        day = timezone.localdate()
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (day, form, reason, count, released) "
                "VALUES (%s, %s, %s, 1, 0) "
                f"ON CONFLICT (day, form, reason) DO UPDATE SET count = {table}.count + 1",
                [day, form, reason],
            )

    @classmethod
    def count_post(cls, reason: str, form: str = "enquiry") -> None:
        """Count a doubted post for staff; the log line names the form and reason only."""
        cls.record(reason, form=form)
        if reason in cls.HELD_REASONS:
            logger.info("%s form post held for review: %s", form.capitalize(), reason)
        else:
            logger.info("%s form post turned away: %s", form.capitalize(), reason)

    @classmethod
    def record_release(cls, reason: str, form: str, day: date) -> None:
        """Count one held post that staff released as genuine, on the day it was held."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (day, form, reason, count, released) "
                "VALUES (%s, %s, %s, 0, 1) "
                f"ON CONFLICT (day, form, reason) DO UPDATE SET released = {table}.released + 1",
                [day, form, reason],
            )

    @property
    def outcome(self) -> str:
        """What happened to these posts, in words."""
        if self.reason in self.HELD_REASONS:
            return gettext("Held for review")
        if self.reason == self.Reason.EXPIRED:
            return gettext("Form shown again")
        return gettext("Discarded")


class HeldSubmissionQuerySet(models.QuerySet):
    def for_user(self, user) -> HeldSubmissionQuerySet:
        """The held posts this person may see: the one row rule every view uses.

        Only hub enquiry officers (who see every council's enquiries and may review held posts);
        council staff, comms officers and marketing leads see none, whatever else they may do.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_perm("enquiry.view_heldsubmission") and user.has_perm(
            "enquiry.view_all_enquiries"
        ):
            return self
        return self.none()

    def matching_email(self, email: str) -> HeldSubmissionQuerySet:
        return self.filter(email__iexact=(email or "").strip())


class HeldSubmission(models.Model):
    """A form post the spam checks doubted (sent too fast, or over the rate limit), kept for a
    hub enquiry officer to release into the normal flow or delete: never thrown away behind a
    thank-you page.

    It holds the cleaned answers (what the enquiry or booking service needs), the visit's
    attribution touches, the language and, for a booking, the event. Releasing it runs the
    service with the original time and attribution (`enquiry.quarantine.release`) and deletes
    this row; retention deletes rows nobody released after HELD_SUBMISSION_RETENTION_DAYS.
    """

    class Kind(models.TextChoices):
        ENQUIRY = "enquiry", _("Enquiry")
        BOOKING = "booking", _("Event booking")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.CharField(
        _("why it was held"), max_length=15, choices=RejectedSubmission.Reason.choices
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    # The form's submission id: the same form sent again finds this row, and the enquiry or
    # booking made on release keeps it, so a later resend finds that.
    submission_token = models.UUIDField(unique=True, editable=False)
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    # For subject access and erasure, and for the list (also inside `answers`).
    email = models.EmailField(_("email address"), max_length=254, db_index=True)
    name = models.CharField(_("name"), max_length=201)
    answers = models.JSONField(_("answers"), default=dict)
    touches = models.JSONField(_("attribution touches"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en-gb")
    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    objects = HeldSubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("suspected spam")
        verbose_name_plural = _("suspected spam")

    def __str__(self) -> str:
        # No personal data: this names the row in Wagtail's log of actions.
        return f"{self.get_kind_display()} {self.pk} ({self.received_at:%Y-%m-%d %H:%M})"


class ErasureRecord(models.Model):
    """That a person's data was erased on request: when, by whom, which enquiries. No personal data."""

    at = models.DateTimeField(_("erased at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_name = models.CharField(_("by"), max_length=150)
    references = models.TextField(_("enquiry references"))
    reason = models.CharField(_("request"), max_length=200)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.references}"


class SubjectAccessRecord(models.Model):
    """That someone ran a subject access export: who, when, how it was delivered and what it
    covered (the references and counts it found). No personal data: never the address asked
    about; `person_key`, a keyed hash of it (HMAC with the site's secret), tells two requests
    for the same person apart, and is blanked when that person's data is erased. Deleted
    SUBJECT_ACCESS_RECORD_RETENTION_MONTHS after the export (`apply_retention`)."""

    class DeliveredAs(models.TextChoices):
        SCREEN = "screen", _("Shown on screen")
        JSON = "json", _("JSON download")
        CSV = "csv", _("CSV download")

    at = models.DateTimeField(_("exported at"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_name = models.CharField(_("by"), max_length=150)
    delivered_as = models.CharField(_("delivered as"), max_length=10, choices=DeliveredAs.choices)
    references = models.TextField(_("references found"), blank=True)
    # [[record type, count], ...] in the export's order.
    counts = models.JSONField(_("records found"), default=list, blank=True)
    person_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("subject access record")
        verbose_name_plural = _("subject access records")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.get_delivered_as_display()}"

    @property
    def covered(self) -> str:
        """What the export held ("enquiry: 2, event booking: 1"), or that it held nothing."""
        found = [f"{record_type}: {count}" for record_type, count in self.counts if count]
        return ", ".join(found) or gettext("Nothing held")


class EnquiryPage(RoutablePageMixin, HubPageMixin, Page):
    """The hub's one enquiry form. Editors write the words around it; the form itself is code."""

    # Never from the page cache: the form carries a token of its own for each visit.
    page_cache = False
    cache_query_parameters = ("council",)  # a council's own page links here with it chosen
    route_select_related = ("privacy_page",)

    intro = RichTextField(_("introduction"), features=["bold", "italic", "link", "ul"])
    response_time = models.CharField(
        _("promised response time"),
        max_length=80,
        default="within two working days",
        help_text=_("Completes “We will contact you …”, e.g. “within two working days”."),
    )
    what_happens_next = RichTextField(
        _("what happens next"),
        features=["bold", "italic", "link", "ol", "ul"],
        help_text=_("Shown beside the form and again on the confirmation page."),
    )
    privacy_summary = RichTextField(
        _("privacy summary"),
        features=["bold", "italic", "link", "ul"],
        help_text=_("A short summary of how we use the person's details."),
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy notice page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmation_text = RichTextField(
        _("confirmation page text"),
        blank=True,
        features=["bold", "italic", "link", "ul"],
        help_text=_(
            "Optional extra words on the confirmation page, e.g. what to read while waiting."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("response_time"),
        FieldPanel("what_happens_next"),
        MultiFieldPanel(
            [FieldPanel("privacy_summary"), FieldPanel("privacy_page")],
            heading=_("Privacy"),
        ),
        FieldPanel("confirmation_text"),
    ]

    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "enquiry/enquiry_page.html"

    class Meta:
        verbose_name = _("enquiry page")

    @path("")
    def form_view(self, request):
        from .views import enquiry_form_view

        return enquiry_form_view(self, request)

    @path("thank-you/")
    def confirmation_view(self, request):
        from .views import confirmation_view

        return confirmation_view(self, request)
