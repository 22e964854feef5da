"""The public booking form for an event.

It follows the enquiry form (`enquiry.public_forms`): the same field definitions and validation
for a person's details, the same keep-in-touch boxes (their exact wording is recorded), the same
spam checks (a honeypot, a signed form token carrying the submission's UUID, a rate limit) and
the GOV.UK Design System's error summary, hints and ids.
"""

from __future__ import annotations

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import (
    ErrorSummaryMixin,
    FormTokenMixin,
    PersonDetailsMixin,
    PublicFormMixin,
    clean_text,
)
from enquiry.forms import EnquiryDetailsForm, offer_hear_about_answers
from enquiry.public_forms import EnquiryForm, KeepInTouchMixin

from .services import BookingDetails

SUBMIT_ID = "book-place"
TOKEN_MESSAGE = _(
    "This form timed out before it was sent. Your answers are still here: check them and "
    "select ‘Book’ again"
)


def _shared(name: str, form_class=EnquiryDetailsForm, **changes) -> forms.Field:
    """A copy of the enquiry form's field (same label, widget and GOV.UK error texts)."""
    field = copy.deepcopy(form_class.base_fields[name])
    for attribute, value in changes.items():
        setattr(field, attribute, value)
    return field


class BookingForm(
    KeepInTouchMixin,
    FormTokenMixin,
    PublicFormMixin,
    ErrorSummaryMixin,
    PersonDetailsMixin,
    forms.Form,
):
    """Book places at one event (or join its waiting list when it is full)."""

    submit_id = SUBMIT_ID
    token_message = TOKEN_MESSAGE

    first_name = _shared("first_name")
    last_name = _shared("last_name")
    email = _shared(
        "email", help_text=_("We’ll send your booking confirmation and a reminder to this address.")
    )
    phone = _shared(
        "phone",
        required=False,
        label=_("Phone number (optional)"),
        help_text=_("In case we need to tell you about a change on the day."),
    )
    postcode = _shared("postcode")
    places = forms.IntegerField(
        label=_("How many places do you need?"),
        help_text=_("Include yourself and anyone coming with you."),
        error_messages={
            "required": _("Enter how many places you need"),
            "invalid": _("Number of places must be a number, like 2"),
        },
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "input--width-2", "autocomplete": "off"}
        ),
    )
    access_needs = forms.CharField(
        label=_("Do you have any access needs? (optional)"),
        help_text=_(
            "For example step-free access, a hearing loop or a British Sign Language interpreter."
        ),
        max_length=1000,
        required=False,
        error_messages={"max_length": _("Access needs must be 1000 characters or fewer")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    heard_about = _shared("heard_about")
    keep_in_touch = _shared("keep_in_touch", form_class=EnquiryForm)
    website = _shared("website", form_class=EnquiryForm)
    form_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, event, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.event = event
        self.max_places = max(event.max_places_per_booking or 1, 1)
        offer_hear_about_answers(self.fields["heard_about"])
        if self.max_places > 1:
            self.fields["places"].help_text = _(
                "Include yourself and anyone coming with you. You can book up to %(most)s places."
            ) % {"most": self.max_places}
        self.style_inputs()

    # --- Cleaning (a person's details are cleaned by core.forms) ---------------------------

    def clean_places(self) -> int:
        places = self.cleaned_data["places"]
        if places < 1 or places > self.max_places:
            if self.max_places == 1:
                message = _("You can book 1 place")
            else:
                message = _("Number of places must be between 1 and %(most)s") % {
                    "most": self.max_places
                }
            raise ValidationError(message, code="places")
        return places

    def clean_access_needs(self) -> str:
        return clean_text(self.cleaned_data.get("access_needs") or "")

    # --- What the service and the template need ---------------------------------------------

    def to_details(self) -> BookingDetails:
        data = self.cleaned_data
        return BookingDetails(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data.get("phone", ""),
            postcode=data["postcode"],
            places=data["places"],
            access_needs=data.get("access_needs", ""),
            heard_about=data.get("heard_about"),
            consents=self.consents(),
        )
