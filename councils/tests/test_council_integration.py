"""Where a council's system receives enquiries is set only by people trusted with it, and the
shared secret can be replaced but never read back."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.roles import HUB_COMMS, sync_roles
from councils.tests.factories import CouncilFactory
from testkit.html import soup

pytestmark = pytest.mark.django_db

SECRET = "k" * 40


@pytest.fixture
def council(home):
    council = CouncilFactory(
        webhook_url="https://cases.northby.example/enquiries", webhook_secret=SECRET
    )
    sync_roles()
    return council


def edit_url(council) -> str:
    return reverse("wagtailsnippets_councils_council:edit", args=[council.pk])


def get(client, url) -> tuple[str, BeautifulSoup]:
    html = client.get(url).content.decode()
    return html, soup(html)


def form_data(soup, **changes) -> dict:
    """The edit form's current values, as a browser would post them back."""
    form = soup.find("input", attrs={"name": "short_name"}).find_parent("form")
    data = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or element.get("type") in ("submit", "button"):
            continue
        if element.name == "textarea":
            data[name] = element.text
        elif element.get("type") == "checkbox":
            if element.has_attr("checked"):
                data[name] = element.get("value", "on")
        else:
            data[name] = element.get("value", "")
    data.update(changes)
    return data


def test_hub_comms_officers_neither_see_nor_change_the_integration(council, make_user, client):
    client.force_login(make_user("comms", HUB_COMMS))
    html, soup = get(client, edit_url(council))
    assert soup.find(attrs={"name": "webhook_url"}) is None
    assert SECRET not in html

    client.post(edit_url(council), form_data(soup, webhook_url="https://attacker.example/"))
    council.refresh_from_db()
    assert council.webhook_url == "https://cases.northby.example/enquiries"


def test_the_secret_is_write_only_for_those_who_manage_it(council, client):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(admin)
    html, soup = get(client, edit_url(council))
    assert soup.find("input", attrs={"name": "webhook_secret", "type": "password"})
    assert SECRET not in html

    # Saving other changes keeps the secret; typing a new one replaces it.
    response = client.post(edit_url(council), form_data(soup, name="Northby Borough Council"))
    assert response.status_code == 302
    council.refresh_from_db()
    assert (council.name, council.webhook_secret) == ("Northby Borough Council", SECRET)

    client.post(edit_url(council), form_data(soup, webhook_secret="n" * 40))
    council.refresh_from_db()
    assert council.webhook_secret == "n" * 40
