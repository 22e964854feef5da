"""Helpers for the enquiry admin tests (their fixtures are in tests/conftest.py)."""

from __future__ import annotations

import re

from django.contrib.auth.models import Group
from django.urls import reverse

from councils.models import CouncilTeam
from tests.markup import parse

REFERENCE_RE = re.compile(r"HUB-\d{4}-\d{6}")
WEBHOOK_SECRET = "s" * 40


def fostering_group(council) -> Group:
    return CouncilTeam.objects.get(council=council, role=CouncilTeam.Role.FOSTERING).group


def comms_group(council) -> Group:
    return CouncilTeam.objects.get(council=council, role=CouncilTeam.Role.COMMS).group


def listed(response) -> list[str]:
    """The enquiries a listing page shows (their references, linked to their detail view)."""
    assert response.status_code == 200
    inspect = reverse("enquiries:inspect", args=[0]).removesuffix("0/")
    return list(
        dict.fromkeys(
            link.text
            for link in parse(response).links
            if link.href.startswith(inspect) and REFERENCE_RE.fullmatch(link.text)
        )
    )


def index_url(**params) -> str:
    from urllib.parse import urlencode

    url = reverse("enquiries:index")
    return f"{url}?{urlencode(params, doseq=True)}" if params else url


def assert_refused(response) -> None:
    """Wagtail answers a forbidden admin page with a redirect to the dashboard (or a 403)."""
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert response.url == reverse("wagtailadmin_home")
