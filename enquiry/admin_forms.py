"""Forms staff use in the admin to record and progress enquiries.

Recording an enquiry that came by phone, email or in person, and editing a person's details,
subclass the public form's `EnquiryDetailsForm`, so every enquiry is validated the same way
however it arrives.
"""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput

from attribution.classification import CHANNEL_LABELS, Channel
from attribution.models import CHANNEL_CHOICES, Campaign
from core.forms import clean_text
from core.postcodes import outward_code
from councils.models import Council, councils_of
from fostering_types.models import FosteringTypePage

from .forms import EnquiryDetailsForm, fostering_type_choices
from .models import (
    ClosedReason,
    Enquiry,
    EnquiryHistory,
    HearAboutOption,
    KeepInTouchConsent,
    ReceivedVia,
    Stage,
    history_author,
)

NOTE_MAX_LENGTH = 2000

# What staff read out (or quote back by email) before ticking a keep-in-touch box. The exact
# words are recorded with the permission, as they are for the website form.
KEEP_IN_TOUCH_SCRIPT = {
    KeepInTouchConsent.Channel.EMAIL: _(
        "Can we keep in touch by email about fostering, for example to tell you about events "
        "near you? You can ask us to stop at any time."
    ),
    KeepInTouchConsent.Channel.PHONE: _(
        "Can we keep in touch by phone about fostering? You can ask us to stop at any time."
    ),
    KeepInTouchConsent.Channel.TEXT: _(
        "Can we keep in touch by text message about fostering? You can ask us to stop at any time."
    ),
}


def staff_consent_wording(channel: str, received_via: str) -> str:
    """The words recorded with a permission staff took: the script and how it was given."""
    return gettext("%(script)s (Agreed when asked by staff: %(how)s.)") % {
        "script": KEEP_IN_TOUCH_SCRIPT[channel],
        "how": ReceivedVia(received_via).label.lower(),
    }


def hub_sees_all(user) -> bool:
    return user.has_perm("enquiry.view_all_enquiries")


def validate_not_future(value) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("The date must be today or in the past"), code="future")


SUBMISSION_TOKEN_MESSAGE = _(
    "The form could not be checked. Check the details and select “Record the enquiry” again."
)


class StaffEnquiryForm(EnquiryDetailsForm):
    """An enquiry that came by phone, email or in person, typed in by staff.

    Council fostering staff record enquiries only for their own council(s), so the council choice
    is limited to theirs and required; the hub may choose any council or "not sure yet".
    """

    received_via = forms.ChoiceField(
        label=_("How did the enquiry come in?"),
        choices=[
            (value, label) for value, label in ReceivedVia.choices if value != ReceivedVia.WEBSITE
        ],
        error_messages={
            "required": _("Select how the enquiry came in"),
            "invalid_choice": _("Select how the enquiry came in"),
        },
        widget=forms.RadioSelect,
    )
    received_at = forms.DateTimeField(
        label=_("When did the enquiry come in?"),
        help_text=_(
            "The date and time, for example 2026-11-20 16:40. Change it for an enquiry taken "
            "earlier, such as a call on Friday typed in on Monday. Left empty, it is now."
        ),
        required=False,
        widget=AdminDateTimeInput,
        error_messages={"invalid": _("Enter the date and time it came in, like 2026-11-20 16:40")},
    )
    keep_in_touch = forms.MultipleChoiceField(
        label=_("Keep-in-touch permissions (optional)"),
        help_text=_(
            "Read out the words for each way of keeping in touch and tick only those the person "
            "agreed to. The words are recorded with the permission."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Select ways of keeping in touch from the list")},
    )

    campaign = forms.ModelChoiceField(
        label=_("Campaign (optional)"),
        help_text=_("The campaign the person mentioned, if any."),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("None or not known"),
        error_messages={"invalid_choice": _("Select a campaign from the list")},
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        help_text=_("Where the person heard about fostering with us, if they said."),
        choices=[
            (channel.value, label)
            for channel, label in CHANNEL_LABELS.items()
            if channel not in (Channel.DIRECT, Channel.UNASSIGNED)
        ],
        initial=Channel.STAFF_ENTERED.value,
        required=False,
        error_messages={"invalid_choice": _("Select a channel from the list")},
    )

    # One per form shown, kept through error re-displays: posting the same form twice (a double
    # click, a resubmitted page) finds the enquiry the first post recorded.
    submission_token = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = ["received_via", "received_at"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.is_bound:
            self.initial["submission_token"] = str(uuid.uuid4())
            self.initial["received_at"] = timezone.localtime().replace(second=0, microsecond=0)
        # Only website enquiries get an acknowledgement email.
        self.fields["email"].help_text = ""
        if not hub_sees_all(user):
            own = set(councils_of(user))
            self.councils = {
                short_name: council
                for short_name, council in self.councils.items()
                if council.pk in own
            }
            self.fields["council"].label = _("Which council is the enquiry for?")
            self.fields["council"].help_text = _("You can record enquiries for your council only.")
            self.fields["council"].error_messages.update(
                required=_("Select a council"), invalid_choice=_("Select a council")
            )
            self.fields["council"].choices = [
                (short_name, council.name) for short_name, council in self.councils.items()
            ]
            if len(self.councils) == 1:
                self.initial.setdefault("council", next(iter(self.councils)))
        self.fields["keep_in_touch"].choices = [
            (channel, f"{label}: “{KEEP_IN_TOUCH_SCRIPT[channel]}”")
            for channel, label in KeepInTouchConsent.Channel.choices
        ]
        # The hub's campaigns, and for council staff their own council's too.
        campaigns = Campaign.objects.select_related("council").order_by("name")
        if not hub_sees_all(user):
            campaigns = campaigns.filter(
                Q(council__isnull=True) | Q(council__in=list(self.councils.values()))
            )
        self.fields["campaign"].queryset = campaigns

    def clean_submission_token(self) -> uuid.UUID | None:
        """The token the form was shown with; a missing or altered one gets a fresh token."""
        try:
            return uuid.UUID(self.cleaned_data["submission_token"])
        except ValueError:
            # A hidden field has nowhere to show its error: say it above the form, and issue a
            # new token so that the corrected form can be sent.
            self.add_error(None, SUBMISSION_TOKEN_MESSAGE)
            self.data = self.data.copy()
            self.data[self.add_prefix("submission_token")] = str(uuid.uuid4())
            return None

    def clean_received_at(self) -> datetime.datetime | None:
        """When it came in (None: now), never later than now."""
        received_at = self.cleaned_data.get("received_at")
        if received_at is not None and received_at > timezone.now():
            raise ValidationError(
                _("The time the enquiry came in must be now or in the past"), code="future"
            )
        return received_at

    def clean(self):
        data = super().clean()
        campaign = data.get("campaign")
        if campaign is not None and "received_at" in data:
            received = timezone.localdate(data["received_at"] or timezone.now())
            if received < campaign.start_date:
                self.add_error(
                    "received_at",
                    ValidationError(
                        _(
                            "The enquiry cannot have come in before the campaign “%(campaign)s” "
                            "started on %(date)s. Check the date, or choose another campaign"
                        ),
                        params={
                            "campaign": campaign.name,
                            "date": date_format(campaign.start_date, "j F Y"),
                        },
                        code="before_campaign",
                    ),
                )
        return data

    def clean_council(self) -> Council | None:
        council = super().clean_council()
        if council is None and not hub_sees_all(self.user):
            # A council's staff cannot file an enquiry where they could not see it again.
            raise ValidationError(self.fields["council"].error_messages["invalid_choice"])
        return council

    def consents(self) -> dict[str, str]:
        received_via = self.cleaned_data["received_via"]
        return {
            channel: staff_consent_wording(channel, received_via)
            for channel in self.cleaned_data.get("keep_in_touch", [])
        }


# The person's details an edit may change, in the order they are listed in a history note.
DETAIL_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "spare_bedroom",
    "contact_method",
    "contact_time",
    "question",
    "heard_about",
]


class EnquiryAnonymised(Exception):
    """The enquiry's personal data was removed after the edit form was loaded."""

    def __init__(self, enquiry: Enquiry):
        super().__init__(enquiry.reference)
        self.enquiry = enquiry


class EnquiryDetailsEditForm(EnquiryDetailsForm):
    """Correct a person's details. The council changes only by a handover, so it is not here.

    Saving writes a history note naming the fields that changed (never their values, so the
    history holds no personal data beyond the enquiry's own fields).
    """

    def __init__(self, *args, instance: Enquiry, for_user=None, **kwargs):
        self.instance = instance
        initial = kwargs.pop("initial", None) or {}
        initial.update({name: getattr(instance, name) for name in DETAIL_FIELDS})
        initial["heard_about"] = instance.heard_about_id
        current_types = list(instance.fostering_types.values_list("pk", flat=True))
        initial["fostering_types"] = current_types
        super().__init__(*args, initial=initial, **kwargs)
        del self.fields["council"]
        self.fields["email"].help_text = ""
        # Keep answers that are no longer offered on the form (a retired option or fostering
        # type page) so that saving other corrections does not drop them.
        self.fields["heard_about"].queryset = HearAboutOption.objects.filter(
            Q(is_active=True, locale__language_code=settings.LANGUAGE_CODE)
            | Q(pk=instance.heard_about_id)
        )
        self.fields["heard_about"].empty_label = _("Not given")
        self.fields["fostering_types"].queryset = FosteringTypePage.objects.filter(
            Q(pk__in=fostering_type_choices().values("pk")) | Q(pk__in=current_types)
        ).order_by("path")

    def changed_labels(self) -> list[str]:
        """The names of the fields whose saved value this form changes."""
        data = self.cleaned_data
        changed = []
        for name in DETAIL_FIELDS:
            new = data.get(name)
            old = getattr(self.instance, name)
            if name == "heard_about":
                new, old = (new.pk if new else None), self.instance.heard_about_id
            if (new or "") != (old or ""):
                changed.append(str(Enquiry._meta.get_field(name).verbose_name))
        new_types = {page.pk for page in data.get("fostering_types") or []}
        if new_types != set(self.instance.fostering_types.values_list("pk", flat=True)):
            changed.append(str(Enquiry._meta.get_field("fostering_types").verbose_name))
        return changed

    @transaction.atomic
    def save(self, by=None) -> Enquiry:
        """Save the corrections on the enquiry as it is now, locked, and only its details.

        The enquiry is read again under a row lock, so a stage change, handover or
        anonymisation that happened since the form was loaded is neither undone nor
        overwritten; an enquiry anonymised meanwhile is refused (`EnquiryAnonymised`).
        """
        enquiry = Enquiry.objects.select_for_update().get(pk=self.instance.pk)
        if enquiry.is_anonymised:
            raise EnquiryAnonymised(enquiry)
        self.instance = enquiry
        changed = self.changed_labels()
        if not changed:
            return enquiry
        data = self.cleaned_data
        heard_about = data.get("heard_about")
        if heard_about is None:
            enquiry.heard_about_label = ""
        elif heard_about.pk != enquiry.heard_about_id:
            enquiry.heard_about_label = heard_about.label
        # else: keep the label as the person saw it, even if the answer was renamed since.
        for name in DETAIL_FIELDS:
            setattr(enquiry, name, data.get(name))
        enquiry.postcode_district = outward_code(enquiry.postcode)
        enquiry.save(update_fields=[*DETAIL_FIELDS, "heard_about_label", "postcode_district"])
        enquiry.fostering_types.set(data.get("fostering_types") or [])
        EnquiryHistory.objects.create(
            enquiry=enquiry,
            by=by,
            by_name=history_author(by),
            action=EnquiryHistory.Action.NOTE,
            effective_on=timezone.localdate(),
            note=gettext("Details changed: %(fields)s.") % {"fields": ", ".join(changed)},
        )
        return enquiry


class StageChangeForm(forms.Form):
    """Move an enquiry along the pipeline (or close it), dated when it happened."""

    stage = forms.ChoiceField(
        label=_("New stage"),
        help_text=_(
            "Moving back to an earlier stage corrects a mistake: the dates of the later stages "
            "are cleared. Closing, or “Not ready yet, keep in touch”, keeps the dates reached "
            "so far."
        ),
        choices=Stage.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the new stage"),
            "invalid_choice": _("Select the new stage"),
        },
    )
    on = forms.DateField(
        label=_("Date it happened"),
        help_text=_(
            "For example 2026-11-23. Today or earlier, and not before the dates already recorded."
        ),
        widget=AdminDateInput,
        validators=[validate_not_future],
        error_messages={
            "required": _("Enter the date it happened"),
            "invalid": _("Enter a real date, like 2026-11-23"),
        },
    )
    closed_reason = forms.ChoiceField(
        label=_("Why is it closed?"),
        help_text=_("Only when the new stage is “Closed”."),
        choices=ClosedReason.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Select why the enquiry is closed")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("The note must be 2000 characters or fewer")},
    )

    def __init__(self, *args, enquiry: Enquiry, **kwargs):
        self.enquiry = enquiry
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean_note(self) -> str:
        return clean_text(self.cleaned_data["note"])

    def clean(self):
        data = super().clean()
        stage = data.get("stage")
        reason = data.get("closed_reason")
        if data.get("on") is not None:
            # Not before the enquiry came in, nor before a milestone the move keeps.
            try:
                self.enquiry.check_stage_date(stage, data["on"])
            except ValidationError as error:
                self.add_error("on", error)
        if stage == Stage.CLOSED and not reason:
            self.add_error("closed_reason", _("Select why the enquiry is closed"))
        elif stage and stage != Stage.CLOSED:
            data["closed_reason"] = ""
        if (
            stage
            and stage == self.enquiry.stage
            and (stage != Stage.CLOSED or reason == self.enquiry.closed_reason)
        ):
            self.add_error("stage", _("The enquiry is already at this stage"))
        return data

    @transaction.atomic
    def save(self, by=None) -> EnquiryHistory:
        """Move the enquiry as it is now, locked. Raises ValidationError if its dates changed
        meanwhile so that the chosen date now comes before one of them."""
        data = self.cleaned_data
        enquiry = Enquiry.objects.select_for_update().get(pk=self.enquiry.pk)
        enquiry.check_stage_date(data["stage"], data["on"])
        entry = enquiry.move_to(
            data["stage"],
            by=by,
            on=data["on"],
            closed_reason=data.get("closed_reason", ""),
            note=data.get("note", ""),
            source="admin",
        )
        self.enquiry = enquiry
        return entry


class HandoverForm(forms.Form):
    """The hub passes an enquiry to a council's fostering team."""

    council = forms.ModelChoiceField(
        label=_("Council"),
        queryset=Council.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the council"),
            "invalid_choice": _("Select the council"),
        },
    )
    on = forms.DateField(
        label=_("Date handed over"),
        help_text=_("For example 2026-11-23. Today or earlier."),
        widget=AdminDateInput,
        validators=[validate_not_future],
        error_messages={
            "required": _("Enter the date it was handed over"),
            "invalid": _("Enter a real date, like 2026-11-23"),
        },
    )
    send_to_council_system = forms.BooleanField(
        label=_("Send the enquiry to the council’s case-management system"),
        help_text=_("Only for councils whose system is set up to receive enquiries."),
        required=False,
        initial=True,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("The note must be 2000 characters or fewer")},
    )

    def __init__(self, *args, enquiry: Enquiry, **kwargs):
        self.enquiry = enquiry
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("on", timezone.localdate())
        if enquiry.council_id:
            initial.setdefault("council", enquiry.council_id)
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = Council.objects.active().order_by("name")

    def clean_on(self):
        on = self.cleaned_data["on"]
        received = timezone.localdate(self.enquiry.created_at)
        if on < received:
            raise ValidationError(
                _("The date must be on or after the day the enquiry came in (%(date)s)"),
                params={"date": date_format(received, "j F Y")},
                code="before_received",
            )
        return on

    def clean_note(self) -> str:
        return clean_text(self.cleaned_data["note"])


class SourceCorrectionForm(forms.Form):
    """A hub enquiry officer corrects where an enquiry came from (its channel and campaign),
    saying why; the correction is dated in the enquiry's history (`Enquiry.correct_source`)."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=CHANNEL_CHOICES,
        error_messages={
            "required": _("Select a channel"),
            "invalid_choice": _("Select a channel from the list"),
        },
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        help_text=_("The hub’s campaigns and every council’s."),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("No campaign"),
        error_messages={"invalid_choice": _("Select a campaign from the list")},
    )
    reason = forms.CharField(
        label=_("Why are you correcting it?"),
        help_text=_("For example: she told us on the phone that she saw the advert on the bus."),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter why you are correcting the channel or campaign"),
            "max_length": _("The reason must be 2000 characters or fewer"),
        },
    )

    def __init__(self, *args, enquiry: Enquiry, **kwargs):
        self.enquiry = enquiry
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("channel", enquiry.channel)
        initial.setdefault("campaign", enquiry.campaign_id)
        super().__init__(*args, **kwargs)
        campaign = self.fields["campaign"]
        campaign.queryset = Campaign.objects.select_related("council").order_by("name")
        campaign.label_from_instance = lambda c: f"{c.name} ({c.owner_label})"

    def clean_reason(self) -> str:
        reason = clean_text(self.cleaned_data["reason"])
        if not reason:
            raise ValidationError(self.fields["reason"].error_messages["required"])
        return reason

    def clean(self):
        data = super().clean()
        if (
            "channel" in data
            and "campaign" in data
            and data["channel"] == self.enquiry.channel
            and data["campaign"] == self.enquiry.campaign
        ):
            raise ValidationError(
                _("Change the channel or the campaign, or cancel"), code="unchanged"
            )
        return data

    @transaction.atomic
    def save(self, by=None) -> list[EnquiryHistory]:
        """Correct the enquiry as it is now, locked (a stage change made meanwhile stays)."""
        enquiry = Enquiry.objects.select_for_update().get(pk=self.enquiry.pk)
        entries = enquiry.correct_source(
            channel=self.cleaned_data["channel"],
            campaign=self.cleaned_data["campaign"],
            by=by,
            reason=self.cleaned_data["reason"],
        )
        self.enquiry = enquiry
        return entries


class OutcomeImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file of outcomes"),
        help_text=_("UTF-8 CSV, at most 2 MB and 5,000 rows."),
        error_messages={
            "required": _("Select a CSV file"),
            "empty": _("The selected file is empty"),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class KeepInTouchForm(forms.Form):
    """Record what the person said about keeping in touch: renewed (the expiry clock restarts)
    or withdrawn, channel by channel. Only current permissions can change."""

    renew = forms.MultipleChoiceField(
        label=_("Renewed today"),
        help_text=_("The person confirmed they still want to hear from us this way."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    withdraw = forms.MultipleChoiceField(
        label=_("Withdrawn today"),
        help_text=_("The person asked us to stop contacting them this way."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, enquiry: Enquiry, **kwargs):
        super().__init__(*args, **kwargs)
        self.enquiry = enquiry
        choices = [
            (str(consent.pk), consent.get_channel_display())
            for consent in enquiry.consents.filter(ended_at__isnull=True)
        ]
        self.fields["renew"].choices = choices
        self.fields["withdraw"].choices = choices

    def clean(self):
        cleaned = super().clean()
        renew, withdraw = set(cleaned.get("renew", [])), set(cleaned.get("withdraw", []))
        if renew & withdraw:
            raise ValidationError(_("A permission cannot be renewed and withdrawn at once."))
        if not renew and not withdraw:
            raise ValidationError(_("Select a permission to renew or withdraw."))
        return cleaned

    def save(self, by) -> EnquiryHistory:
        """Apply the changes to the permissions still current, and note them in the history."""
        now = timezone.now()
        with transaction.atomic():
            current = {
                str(consent.pk): consent
                for consent in self.enquiry.consents.select_for_update().filter(
                    ended_at__isnull=True
                )
            }
            renewed = [current[pk] for pk in self.cleaned_data["renew"] if pk in current]
            withdrawn = [current[pk] for pk in self.cleaned_data["withdraw"] if pk in current]
            for consent in renewed:
                consent.renewed_at = now
                consent.save(update_fields=["renewed_at"])
            for consent in withdrawn:
                consent.ended_at = now
                consent.end_reason = "withdrawn"
                consent.save(update_fields=["ended_at", "end_reason"])
            parts = []
            if renewed:
                parts.append(
                    gettext("renewed: %(ways)s")
                    % {"ways": ", ".join(str(c.get_channel_display()) for c in renewed)}
                )
            if withdrawn:
                parts.append(
                    gettext("withdrawn: %(ways)s")
                    % {"ways": ", ".join(str(c.get_channel_display()) for c in withdrawn)}
                )
            return EnquiryHistory.objects.create(
                enquiry=self.enquiry,
                at=now,
                by=by,
                by_name=history_author(by),
                action=EnquiryHistory.Action.NOTE,
                effective_on=timezone.localdate(now),
                note=gettext("Keep-in-touch permission %(changes)s.")
                % {"changes": "; ".join(parts)},
            )


class HearAboutOptionForm(WagtailAdminModelForm):
    """A "How did you hear about us?" answer, with the channels it agrees with as tick boxes.

    The channels are stored as a list of channel values, in the order the channels are listed,
    for the tracked versus self-reported report.
    """

    matching_channels = forms.MultipleChoiceField(
        label=_("Matching channels"),
        help_text=HearAboutOption._meta.get_field("matching_channels").help_text,
        choices=CHANNEL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Select channels from the list")},
    )

    class Meta:
        model = HearAboutOption
        fields = ["label", "is_active", "matching_channels"]

    def clean_matching_channels(self) -> list[str]:
        chosen = set(self.cleaned_data["matching_channels"])
        return [value for value, _label in CHANNEL_CHOICES if value in chosen]
