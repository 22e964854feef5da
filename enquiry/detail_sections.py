"""Sections other apps add to an enquiry's detail page in the admin: a seam, so the enquiry app
shows what an app above it knows about the person (the events app: their bookings) without
importing it.

An app registers a section from its `AppConfig.ready()` with `register_detail_section`. On each
detail page, `context(user, enquiry)` gives the section's template its context, or None to
leave the section out for this person (someone who may see the enquiry but not that app's rows):
the section applies its own row rule, as the page applies the enquiry's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import SafeString

from .models import Enquiry


@dataclass(frozen=True)
class DetailSection:
    """One section: its name (also the panel's id), heading, template, context and place
    (lowest first)."""

    name: str
    heading: str | Promise
    template_name: str
    context: Callable[[Any, Enquiry], dict[str, Any] | None]
    position: int


@dataclass(frozen=True)
class ShownSection:
    name: str
    heading: str | Promise
    html: SafeString


SECTIONS: list[DetailSection] = []


def register_detail_section(
    name: str,
    *,
    heading: str | Promise,
    template_name: str,
    context: Callable[[Any, Enquiry], dict[str, Any] | None],
    position: int,
) -> None:
    """Add a section to every enquiry's detail page, after its progress (registering a name
    again replaces it)."""
    SECTIONS[:] = [section for section in SECTIONS if section.name != name]
    SECTIONS.append(DetailSection(name, heading, template_name, context, position))
    SECTIONS.sort(key=lambda section: section.position)


def sections_for(request: HttpRequest, enquiry: Enquiry) -> list[ShownSection]:
    """The sections this person sees on this enquiry's page, rendered."""
    shown = []
    for section in SECTIONS:
        context = section.context(request.user, enquiry)
        if context is None:
            continue
        html = render_to_string(
            section.template_name, {"enquiry": enquiry, **context}, request=request
        )
        shown.append(ShownSection(section.name, section.heading, html))
    return shown
