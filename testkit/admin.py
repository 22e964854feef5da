"""The admin as the tests of several apps drive it: the council teams' groups, permissions, the
enquiry list and its export, the staff's enquiry form, a refused page and the site history. (Their fixtures,
`councils`, `people` and `enquiries`, are in testkit/fixtures.py.)"""

from __future__ import annotations

import csv
import io
import re
import uuid

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from councils.models import CouncilTeam
from testkit.html import clean, parse, soup

REFERENCE_RE = re.compile(r"HUB-\d{4}-\d{6}")
WEBHOOK_SECRET = "s" * 40


def fostering_group(council) -> Group:
    return CouncilTeam.objects.get(council=council, role=CouncilTeam.Role.FOSTERING).group


def comms_group(council) -> Group:
    return CouncilTeam.objects.get(council=council, role=CouncilTeam.Role.COMMS).group


def grant(user, *names: str):
    """Give the user admin access and these permissions ("app_label.codename")."""
    for name in ("wagtailadmin.access_admin", *names):
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


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


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())  # so that Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def staff_enquiry(**changes) -> dict:
    """A filled-in "Record an enquiry" form, as first shown (each call: a new form token)."""
    data = {
        "submission_token": str(uuid.uuid4()),
        "received_via": "phone",
        "first_name": "Jo",
        "last_name": "Bloggs",
        "email": "jo@example.org",
        "phone": "01632 960001",
        "postcode": "DE1 2AB",
        "council": "derby",
        "spare_bedroom": "yes",
        "contact_method": "phone",
        "contact_time": "evening",
        "question": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def site_history(client, **params) -> list[dict[str, str]]:
    """Reports → Site history as the client's person reads it: each entry's name, its link
    (empty when there is none), type, action and who."""
    response = client.get(reverse("wagtailadmin_reports:site_history"), params)
    assert response.status_code == 200
    entries = []
    for row in soup(response).select("table.listing tbody tr"):
        name, kind, action, user, _when = row.find_all("td")
        link = name.find("a")
        entries.append(
            {
                "name": clean(name.get_text()),
                "link": link["href"] if link else "",
                "type": clean(kind.get_text()),
                "action": clean(action.get_text()),
                "user": clean(user.get_text()),
            }
        )
    return entries
