"""Forms for enquiries.

`EnquiryDetailsForm` holds every field a person tells us and its validation, shared by the public
form (with its spam checks and consent boxes) and the admin form staff use to record a phone call,
so an enquiry is validated the same way however it arrives. Error messages follow the GOV.UK
Design System's wording.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from core.forms import UNUSUAL_CHARACTERS, PersonDetailsMixin, clean_text
from core.localization import translated_titles
from councils.models import Council
from fostering_types.models import FosteringTypePage

from .models import ContactMethod, ContactTime, HearAboutOption, SpareBedroom
from .services import EnquiryDetails

NOT_SURE = "not-sure"


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


class EnquiryDetailsForm(PersonDetailsMixin, forms.Form):
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
