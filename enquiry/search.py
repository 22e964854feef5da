"""Finding an enquiry by what an officer hears on the phone: a number, a postcode, a name.

People write numbers and postcodes in many ways ("07700 900982", "+44 (0)7700 900982",
"de12ab"), so each enquiry keeps a search key of its phone number and of its postcode, kept on
save (`Enquiry.save`) and blanked with them, and the officer's words are turned into the same
keys. Comparing plain columns keeps the listing's queries the same in number and works on every
database the project runs on.
"""

from __future__ import annotations

import re

from django.db.models import Q

NOT_DIGITS = re.compile(r"\D")
NOT_POSTCODE = re.compile(r"[^A-Z0-9]")
# What a phone number may be typed with; a word with anything else is not a number.
PHONE_CHARACTERS = re.compile(r"^[0-9+().\- ]+$")
UK = "44"


def phone_key(text: str) -> str:
    """A phone number as digits, UK numbers in their national form ("+44 (0)7700 900982" and
    "07700 900982" both give "07700900982"); other countries' keep a leading "+".

    "" for text that holds no digits.
    """
    text = (text or "").strip()
    digits = NOT_DIGITS.sub("", text)
    if not digits:
        return ""
    if not (text.startswith("+") or digits.startswith("00")):
        return digits
    digits = digits if text.startswith("+") else digits.removeprefix("00")
    if digits.startswith(UK):
        return "0" + digits[len(UK) :].removeprefix("0")
    return "+" + digits


def postcode_key(text: str) -> str:
    """A postcode in capitals without spaces ("de1 2ab" -> "DE12AB")."""
    return NOT_POSTCODE.sub("", (text or "").upper())


def _looks_like_phone(text: str) -> bool:
    return bool(PHONE_CHARACTERS.match(text)) and len(NOT_DIGITS.sub("", text)) >= 3


def search_condition(query: str) -> Q:
    """The enquiries a search matches: every word must match the reference, a name, the email
    address, the phone number or the postcode; or the whole query, read as one phone number or
    one postcode, must (so "07700 900982" and "DE1 2AB" need not be split into words)."""
    query = " ".join(query.split())
    if not query:
        return Q()
    every_word = Q()
    for term in query.split():
        word = (
            Q(reference__icontains=term)
            | Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
        )
        if key := postcode_key(term):
            word |= Q(search_postcode__contains=key)
        if _looks_like_phone(term):
            word |= Q(search_phone__contains=phone_key(term))
        every_word &= word
    whole = Q(pk__in=[])
    if " " in query:
        if _looks_like_phone(query):
            whole |= Q(search_phone__contains=phone_key(query))
        if (key := postcode_key(query)) and len(key) <= 8 and query.replace(" ", "").isalnum():
            whole |= Q(search_postcode__contains=key)
    return every_word | whole
