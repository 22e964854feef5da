"""The GOV.UK form kit every public form builds on: ids and an error summary, a person's
details cleaned one way, and the signed form token.

Enquiries, event bookings and whatever form comes next validate a name, an email address, a
phone number and a postcode the same way, with the GOV.UK Design System's wording, so a person
meets the same rules (and the same messages) on every form of the site. The field definitions
stay with each form (labels and hints differ); what is shared is how their values are cleaned.
"""

from __future__ import annotations

import re
import time
import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from . import spam
from .postcodes import normalise_postcode

NAME_PUNCTUATION = set(" '\u2019.-")
# Zero-width (non-)joiners are format characters, but ordinary text needs them: Persian and
# Indic names, emoji sequences (a family emoji). Other format characters (bidi overrides) are
# refused.
JOINERS = "\u200c\u200d"
UNUSUAL_CHARACTERS = _("Remove the unusual characters")
PHONE_ALLOWED_RE = re.compile(r"^[0-9+() \-]+$")


def clean_text(value: str) -> str:
    """Strip, fold runs of spaces and refuse control characters (pasted or hostile input)."""
    value = unicodedata.normalize("NFC", value or "").strip()
    if any(
        unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cs"}
        for ch in value
        if ch not in "\n\r\t" + JOINERS
    ):
        raise ValidationError(UNUSUAL_CHARACTERS, code="control_characters")
    return value


def is_name(value: str) -> bool:
    """Letters in any script (with their accents), spaces, hyphens, apostrophes and full stops."""
    return any(unicodedata.category(ch).startswith("L") for ch in value) and all(
        unicodedata.category(ch)[0] in "LM" or ch in NAME_PUNCTUATION or ch in JOINERS
        for ch in value
    )


def normalise_phone(value: str) -> str:
    """Accept UK numbers as people write them; keep their spacing but check the digits."""
    if not PHONE_ALLOWED_RE.match(value) or value.count("+") > 1 or "+" in value[1:]:
        raise ValidationError(
            _("Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"),
            code="invalid_phone",
        )
    digits = re.sub(r"\D", "", value)
    if value.startswith("+"):
        if not digits.startswith("44"):
            if not 8 <= len(digits) <= 15:
                raise ValidationError(
                    _(
                        "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
                    ),
                    code="invalid_phone",
                )
            return re.sub(r"\s+", " ", value).strip()
        digits = "0" + digits[2:].removeprefix("0")
    if not (digits.startswith("0") and len(digits) in (10, 11)):
        raise ValidationError(
            _("Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"),
            code="invalid_phone",
        )
    return re.sub(r"\s+", " ", value).strip()


# --- Ids, hints and the error summary -------------------------------------------------------


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


class PublicFormMixin:
    """Inputs as the GOV.UK Design System styles them, and no `maxlength`: it cuts pasted text
    off silently, where a clear "too long" error keeps what was typed."""

    bound_field_class = GovUKBoundField
    # Errors come from the server, in the error summary; browsers' own pop-ups are not
    # accessible and do not follow our wording, and `required` on every box is noise.
    use_required_attribute = False

    def style_inputs(self) -> None:
        for field in self.fields.values():
            field.error_messages.setdefault("null_characters_not_allowed", UNUSUAL_CHARACTERS)
            widget = field.widget
            widget.attrs.pop("maxlength", None)
            if isinstance(widget, forms.Textarea):
                widget.attrs["class"] = "textarea"
            elif isinstance(widget, forms.TextInput | forms.EmailInput):
                widget.attrs["class"] = " ".join(filter(None, ["input", widget.attrs.get("class")]))


# --- A person's details --------------------------------------------------------------------


class PersonDetailsMixin:
    """The cleaning of `first_name`, `last_name`, `email`, `phone` and `postcode`, for any form
    that declares them (an optional phone may be left empty)."""

    def _clean_name(self, field: str) -> str:
        value = re.sub(r"\s+", " ", clean_text(self.cleaned_data[field]))
        if not value:
            raise ValidationError(self.fields[field].error_messages["required"], code="required")
        if not is_name(value):
            raise ValidationError(
                _("%(label)s must only include letters, spaces, hyphens and apostrophes"),
                params={"label": str(self.fields[field].label)},
                code="invalid_name",
            )
        return value

    def clean_first_name(self) -> str:
        return self._clean_name("first_name")

    def clean_last_name(self) -> str:
        return self._clean_name("last_name")

    def clean_email(self) -> str:
        return clean_text(self.cleaned_data["email"]).lower()

    def clean_phone(self) -> str:
        value = clean_text(self.cleaned_data.get("phone") or "")
        return normalise_phone(value) if value else ""

    def clean_postcode(self) -> str:
        return normalise_postcode(clean_text(self.cleaned_data["postcode"]))


# --- The signed form token (core.spam) ----------------------------------------------------------


class FormTokenMixin:
    """A form that carries `spam.TOKEN_FIELD`: a post without a genuine, recent token is
    refused with `token_message` and shown again with what was typed."""

    token_message = ""

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
            raise ValidationError(self.token_message, code="form_token")
        return cleaned_data
