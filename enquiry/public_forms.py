"""The public enquiry form: the shared enquiry fields, plus what only the website needs.

`EnquiryForm` adds to `EnquiryDetailsForm` the keep-in-touch consent boxes (each box's exact
wording is what gets recorded), a honeypot and the signed form token (see `core.spam`), and
the GOV.UK Design System's error plumbing: hint and error ids tied to each input with
`aria-describedby`, and an error summary that links to each field.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ErrorSummaryMixin, FormTokenMixin, PublicFormMixin
from councils.models import Council

from .forms import NOT_SURE, EnquiryDetailsForm
from .models import KeepInTouchConsent

Channel = KeepInTouchConsent.Channel

# Each box's visible words, recorded word for word (in the language shown) when it is ticked.
# Each one reads on its own, because it is what the person agreed to.
CONSENT_WORDING = {
    Channel.EMAIL: _("Yes, you can email me news about fostering and events near me"),
    Channel.PHONE: _("Yes, you can phone me from time to time to see how I am getting on"),
    Channel.TEXT: _("Yes, you can send me text messages about fostering events near me"),
}

TOKEN_MESSAGE = _(
    "This form timed out before it was sent. Your answers are still here: check them and "
    "select ‘Send enquiry’ again"
)
COUNCIL_SUGGESTION = _(
    "We have chosen %(council)s because your postcode is in its area. You can change this."
)
SUBMIT_ID = "send-enquiry"


class KeepInTouchMixin:
    """The keep-in-touch boxes' answer as the service records it (enquiries and bookings)."""

    def consents(self) -> dict[str, str]:
        """{channel: the exact words of the ticked box}, for `to_details`."""
        ticked = self.cleaned_data.get("keep_in_touch") or []
        return {
            channel: str(wording)
            for channel, wording in CONSENT_WORDING.items()
            if channel in ticked
        }


class EnquiryForm(
    KeepInTouchMixin, FormTokenMixin, PublicFormMixin, ErrorSummaryMixin, EnquiryDetailsForm
):
    """The form people fill in at /enquire/."""

    submit_id = SUBMIT_ID
    token_message = TOKEN_MESSAGE

    keep_in_touch = forms.MultipleChoiceField(
        label=_("If you are not ready to foster yet, can we keep in touch? (optional)"),
        help_text=_(
            "Tick any you are happy with. We will only contact you in the ways you tick, and you "
            "can ask us to stop at any time."
        ),
        choices=list(CONSENT_WORDING.items()),
        required=False,
        error_messages={"invalid_choice": _("Select ways to keep in touch from the list")},
        widget=forms.CheckboxSelectMultiple,
    )
    # The honeypot: hidden from everyone in the template, so only a bot fills it in.
    website = forms.CharField(
        label=_("Your website"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    form_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.extra_hints: dict[str, str] = {}
        self.suggested_council: Council | None = None
        self.style_inputs()

    def suggest_council(self) -> Council | None:
        """On a form shown again with errors: if the person left "I'm not sure yet" (or chose
        nothing) and their postcode is in exactly one council's area, choose that council for
        them and say why; they can change it."""
        if not self.is_bound or self.data.get("council") not in (None, "", NOT_SURE):
            return None
        postcode = getattr(self, "cleaned_data", {}).get("postcode")
        if not postcode:
            return None
        found = Council.objects.for_postcode(postcode)
        council = self.councils.get(found.short_name) if found else None
        if council is None:
            return None
        self.data = self.data.copy()
        self.data["council"] = council.short_name
        self.errors.pop("council", None)
        self.suggested_council = council
        self.extra_hints["council"] = COUNCIL_SUGGESTION % {"council": council.name}
        return council

    def script_data(self) -> dict:
        """What enquiry.js needs to suggest a council as the person types their postcode
        (embedded with json_script: no inline script)."""
        return {
            "districts": self.district_councils(),
            "notSure": NOT_SURE,
            "suggested": self.suggested_council.short_name if self.suggested_council else "",
            "message": str(COUNCIL_SUGGESTION),
        }

    def district_councils(self) -> dict[str, str]:
        """{postcode district: council short name} for districts in exactly one council's area,
        for the script that suggests a council as the person types their postcode."""
        owners: dict[str, set[str]] = {}
        for short_name, council in self.councils.items():
            for district in council.districts:
                owners.setdefault(district, set()).add(short_name)
        return {
            district: next(iter(names))
            for district, names in sorted(owners.items())
            if len(names) == 1
        }
