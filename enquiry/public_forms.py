"""The public enquiry form: the shared enquiry fields, plus what only the website needs.

`EnquiryForm` adds to `EnquiryDetailsForm` the keep-in-touch consent boxes (each box's exact
wording is what gets recorded), a honeypot and the signed form token (see `enquiry.spam`), and
the GOV.UK Design System's error plumbing: hint and error ids tied to each input with
`aria-describedby`, and an error summary that links to each field.
"""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from councils.models import Council

from . import spam
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


class GovUKBoundField(BoundField):
    """A field with GOV.UK-style ids: `<name>-hint`, `<name>-error`, and an anchor for the
    error summary (the input, or a group's first option)."""

    @property
    def hint_id(self) -> str:
        return f"{self.html_name}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.html_name}-error"

    @property
    def extra_hint_id(self) -> str:
        """A second hint, e.g. why a council was chosen for the person."""
        return f"{self.html_name}-suggestion"

    @property
    def first_error(self) -> str:
        """GOV.UK shows one message per field: the first problem found."""
        return self.errors[0] if self.errors else ""

    @property
    def anchor_id(self) -> str:
        if self.use_fieldset:
            return f"{self.auto_id}_0"
        return self.id_for_label

    @property
    def aria_describedby(self) -> str:
        ids = []
        if self.help_text:
            ids.append(self.hint_id)
        if self.name in getattr(self.form, "extra_hints", {}):
            ids.append(self.extra_hint_id)
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    @property
    def extra_hint(self) -> str:
        return getattr(self.form, "extra_hints", {}).get(self.name, "")

    @property
    def is_group(self) -> bool:
        return self.use_fieldset


class ErrorSummaryMixin:
    """The GOV.UK error summary of a public form: each problem once, in the order of the page,
    linking to its field (or to the send button for a problem with the whole form)."""

    submit_id = ""

    def error_summary(self) -> list[dict[str, str]]:
        items = [
            {"href": f"#{self.submit_id}", "message": str(error)}
            for error in self.non_field_errors()
        ]
        for bound_field in self:
            if bound_field.errors and not bound_field.is_hidden:
                items.append(
                    {"href": f"#{bound_field.anchor_id}", "message": str(bound_field.first_error)}
                )
        return items


class EnquiryForm(ErrorSummaryMixin, EnquiryDetailsForm):
    """The form people fill in at /enquire/."""

    submit_id = SUBMIT_ID
    bound_field_class = GovUKBoundField
    # Errors come from the server, in the error summary; browsers' own pop-ups are not
    # accessible and do not follow our wording, and `required` on every box is noise.
    use_required_attribute = False

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
        for field in self.fields.values():
            widget = field.widget
            # maxlength cuts pasted text off silently; a clear "too long" error is better.
            widget.attrs.pop("maxlength", None)
            if isinstance(widget, forms.Textarea):
                widget.attrs["class"] = "textarea"
            elif isinstance(widget, forms.TextInput | forms.EmailInput):
                widget.attrs["class"] = " ".join(filter(None, ["input", widget.attrs.get("class")]))

    @cached_property
    def token(self) -> spam.FormToken | None:
        """The posted form token, when it is genuine and not too old."""
        if not self.is_bound:
            return None
        try:
            return spam.read_token(self.data.get(spam.TOKEN_FIELD))
        except spam.TokenError:
            return None

    @cached_property
    def token_value(self) -> str:
        """The token to put in the page: the same one through every re-display of a form, so
        the fill time counts from when it was first shown; a new one when it was not valid."""
        if self.token is not None:
            return self.data[spam.TOKEN_FIELD]
        if self.is_bound:
            # The person has filled the form in already (their old token was refused): date the
            # new one back, so sending it again at once is not taken for a bot's speed.
            return spam.issue_token(issued_at=time.time() - settings.ENQUIRY_MIN_FILL_SECONDS)
        return spam.issue_token()

    def clean(self):
        cleaned_data = super().clean()
        if self.token is None:
            raise ValidationError(TOKEN_MESSAGE, code="form_token")
        return cleaned_data

    def consents(self) -> dict[str, str]:
        """{channel: the exact words of the ticked box}, for `to_details`."""
        ticked = self.cleaned_data.get("keep_in_touch") or []
        return {
            channel: str(wording)
            for channel, wording in CONSENT_WORDING.items()
            if channel in ticked
        }

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
