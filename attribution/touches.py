"""Touches as stored: plain dicts of a `Touch`'s non-empty values plus the time it happened.

The same dict shape lives in the attribution cookies (hub_visit, hub_attribution), the enquiry
form's hidden field and `Enquiry.first_touch`/`last_touch`, so any of them rebuilds the `Touch` that
classification reads. A stored touch never holds an IP address, a user agent or a click id
value: `Touch` has no field for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from councils.models import Council

from .classification import Context, Touch, referrer_domain

TOUCH_FIELDS = tuple(f.name for f in fields(Touch))
AT = "at"


def to_dict(touch: Touch, at: datetime | None = None) -> dict:
    """A touch as stored: only its non-empty values, and when it happened (ISO 8601, UTC)."""
    data = {name: value for name in TOUCH_FIELDS if (value := getattr(touch, name))}
    data[AT] = (at or timezone.now()).astimezone(UTC).isoformat(timespec="seconds")
    return data


def from_dict(data: Mapping | None) -> Touch | None:
    """The `Touch` a stored dict describes; None for nothing or something not a dict.

    Unknown keys are ignored and every value is cleaned again by `Touch`, so a dict from a
    cookie or a hidden field cannot carry anything a genuine touch could not.
    """
    if not isinstance(data, Mapping) or not data:
        return None
    values = {name: data[name] for name in TOUCH_FIELDS if name in data}
    for flag in ("had_ad_click_id", "via_short_link", "entered_by_staff"):
        if flag in values:
            values[flag] = values[flag] is True
    for name, value in list(values.items()):
        if not isinstance(value, str | bool):
            values.pop(name)
    return Touch(**values)


def when(data: Mapping | None) -> datetime | None:
    """When a stored touch happened, or None if it does not say (or says nonsense)."""
    if not isinstance(data, Mapping) or not isinstance(data.get(AT), str):
        return None
    try:
        moment = datetime.fromisoformat(data[AT])
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else None


def clean(data: Mapping | None) -> dict | None:
    """A stored touch read back from the device: rebuilt from its Touch (dropping anything
    else) with its time, or None when it is not a touch or has no valid time."""
    touch = from_dict(data)
    moment = when(data)
    if touch is None or moment is None:
        return None
    return to_dict(touch, moment)


def within_window(data: Mapping | None, now: datetime | None = None) -> bool:
    """Whether a stored touch is recent enough to count (ATTRIBUTION_CONSENTED_DAYS)."""
    moment = when(data)
    if moment is None:
        return False
    now = now or timezone.now()
    return (
        now - timedelta(days=settings.ATTRIBUTION_CONSENTED_DAYS)
        <= moment
        <= now + timedelta(minutes=5)
    )


def own_domains(extra: str = "") -> set[str]:
    """The hub's own site domains: visits from these are not referrals."""
    from wagtail.models import Site

    hosts = {h for h in settings.ALLOWED_HOSTS if h and h != "*"}
    hosts.add(urlsplit(getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").hostname or "")
    hosts.update(Site.objects.values_list("hostname", flat=True))
    if extra:
        hosts.add(extra)
    return {domain for host in hosts if (domain := referrer_domain(host.lstrip(".")))}


def classification_context(request_host: str = "") -> Context:
    """Everything classification needs to know about this hub, read from the database once:
    active councils' website domains and names, the hub's own domains, the campaign codes."""

    from .models import Campaign

    council_domains: dict[str, str] = {}
    council_sources: dict[str, str] = {}
    for council in Council.objects.active().only("name", "short_name", "website_domains"):
        for domain in council.domains:
            council_domains[domain] = council.short_name
        council_sources[council.short_name] = council.short_name
        council_sources[slugify(council.name)] = council.short_name
    return Context(
        council_domains=council_domains,
        council_sources=council_sources,
        own_domains=frozenset(own_domains(request_host)),
        campaign_codes=dict(Campaign.objects.values_list("code", "channel")),
    )
