"""Forms for enquiries.

`EnquiryDetailsForm` holds every field a person tells us and its validation, shared by the public
form (with its spam checks and consent boxes) and the admin form staff use to record a phone call,
so an enquiry is validated the same way however it arrives. Error messages follow the GOV.UK
Design System's wording.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from councils.models import Council
from fostering_types.models import FosteringTypePage
from home.localization import translated_titles

from .models import ContactMethod, ContactTime, HearAboutOption, SpareBedroom
from .postcodes import normalise_postcode
from .services import EnquiryDetails

NOT_SURE = "not-sure"
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


def offer_hear_about_answers(field: forms.ModelChoiceField) -> None:
    """The English answers (what is stored), each under its label in the visitor's language
    where a translator has given one (one query, none in English)."""
    field.queryset = HearAboutOption.objects.originals().filter(is_active=True)
    code = translation.get_language()
    if code and code != settings.LANGUAGE_CODE:
        labels = HearAboutOption.objects.labels_in(code)
        field.label_from_instance = lambda option: labels.get(option.translation_key, option.label)


def fostering_type_choices():
    return FosteringTypePage.objects.live().filter(locale=Locale.get_default()).order_by("path")


class EnquiryDetailsForm(forms.Form):
    """Everything a person tells us when they enquire, validated once for every channel."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        error_messages={
            "required": _("Enter your first name"),
            "max_length": _("First name must be 100 characters or fewer"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        error_messages={
            "required": _("Enter your last name"),
            "max_length": _("Last name must be 100 characters or fewer"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We’ll send a copy of your enquiry reference to this address."),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
            "max_length": _("Email address must be 254 characters or fewer"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=30,
        help_text=_("For international numbers include the country code."),
        error_messages={
            "required": _("Enter a phone number"),
            "max_length": _("Phone number must be 30 characters or fewer"),
        },
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        error_messages={
            "required": _("Enter your postcode"),
            "max_length": _("Enter a real postcode, like DE1 2AB"),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "spellcheck": "false", "class": "input--postcode"}
        ),
    )
    council = forms.ChoiceField(
        label=_("Which council would you like to foster for?"),
        help_text=_(
            "Most people foster for the council where they live. You can change your mind later."
        ),
        error_messages={
            "required": _("Select a council, or ‘I’m not sure yet’"),
            "invalid_choice": _("Select a council, or ‘I’m not sure yet’"),
        },
        widget=forms.RadioSelect,
    )
    fostering_types = forms.ModelMultipleChoiceField(
        label=_("Which types of fostering interest you? (optional)"),
        help_text=_("Select all that apply, or none if you are not sure yet."),
        queryset=FosteringTypePage.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _("Select types of fostering from the list"),
            # Django's own message repeats the posted value back ("“x” is not a valid value").
            "invalid_pk_value": _("Select types of fostering from the list"),
        },
        widget=forms.CheckboxSelectMultiple,
    )
    spare_bedroom = forms.ChoiceField(
        label=_("Do you have a spare bedroom?"),
        help_text=_("A child in foster care needs a bedroom of their own."),
        choices=SpareBedroom.choices,
        error_messages={
            "required": _("Select whether you have a spare bedroom"),
            "invalid_choice": _("Select whether you have a spare bedroom"),
        },
        widget=forms.RadioSelect,
    )
    contact_method = forms.ChoiceField(
        label=_("How would you like us to contact you?"),
        choices=ContactMethod.choices,
        error_messages={
            "required": _("Select how you would like us to contact you"),
            "invalid_choice": _("Select how you would like us to contact you"),
        },
        widget=forms.RadioSelect,
    )
    contact_time = forms.ChoiceField(
        label=_("When is the best time to contact you?"),
        choices=ContactTime.choices,
        error_messages={
            "required": _("Select the best time to contact you"),
            "invalid_choice": _("Select the best time to contact you"),
        },
        widget=forms.RadioSelect,
    )
    question = forms.CharField(
        label=_("Is there anything you would like to ask us? (optional)"),
        max_length=2000,
        required=False,
        error_messages={"max_length": _("Your question must be 2000 characters or fewer")},
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    heard_about = forms.ModelChoiceField(
        label=_("How did you hear about us? (optional)"),
        queryset=HearAboutOption.objects.none(),
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": _("Select how you heard about us from the list")},
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Django's own "Null characters are not allowed." for a NUL in a text box.
            field.error_messages.setdefault("null_characters_not_allowed", UNUSUAL_CHARACTERS)
        self.councils = {council.short_name: council for council in Council.objects.active()}
        self.fields["council"].choices = [
            *((short_name, council.name) for short_name, council in self.councils.items()),
            (NOT_SURE, _("I’m not sure yet")),
        ]
        # The English pages are what an enquiry stores, whatever language the form is in;
        # each is listed under its title in the visitor's language where it is translated.
        types = self.fields["fostering_types"]
        types.queryset = fostering_type_choices()
        titles = translated_titles(list(types.queryset))
        types.label_from_instance = lambda page: titles.get(page.translation_key, page.title)
        offer_hear_about_answers(self.fields["heard_about"])

    def _clean_name(self, field: str) -> str:
        value = re.sub(r"\s+", " ", clean_text(self.cleaned_data[field]))
        if not value:
            raise ValidationError(self.fields[field].error_messages["required"], code="required")
        if not is_name(value):
            label = str(self.fields[field].label)
            raise ValidationError(
                _("%(label)s must only include letters, spaces, hyphens and apostrophes"),
                params={"label": label},
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
        return normalise_phone(clean_text(self.cleaned_data["phone"]))

    def clean_postcode(self) -> str:
        return normalise_postcode(clean_text(self.cleaned_data["postcode"]))

    def clean_council(self) -> Council | None:
        """The chosen council, or None for "not sure yet"."""
        return self.councils.get(self.cleaned_data["council"])

    def clean_question(self) -> str:
        return clean_text(self.cleaned_data["question"])

    def to_details(self, consents: dict[str, str] | None = None) -> EnquiryDetails:
        """The validated answers, ready for `record_enquiry`."""
        data = self.cleaned_data
        return EnquiryDetails(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data["phone"],
            postcode=data["postcode"],
            council=data.get("council"),
            fostering_types=list(data.get("fostering_types") or []),
            spare_bedroom=data["spare_bedroom"],
            contact_method=data["contact_method"],
            contact_time=data["contact_time"],
            question=data.get("question", ""),
            heard_about=data.get("heard_about"),
            consents=consents or {},
        )
