"""Template tags that put events on other apps' pages without those apps importing events.

A council's page lists the council's upcoming events: the events app builds on councils, so the
council page's template asks this tag, and the councils app never reaches up for events.
"""

from __future__ import annotations

from typing import Any

from django import template

from ..listing import upcoming_with

register = template.Library()


@register.inclusion_tag("events/includes/council_events.html", takes_context=True)
def council_events(context, page) -> dict[str, Any]:
    """The council page's "Upcoming events with <council>" section (nothing when there are none),
    with the request and the site settings the cards and the "see all" link read."""
    return {
        "request": context.get("request"),
        "settings": context.get("settings"),
        "page": page,
        "council": page.council,
        "upcoming_events": upcoming_with(page.council, page.locale_id),
    }
