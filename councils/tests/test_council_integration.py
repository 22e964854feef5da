"""Where a council's system receives enquiries is set only by people trusted with it, the
shared secret can be replaced but never read back, and the address is checked when it is typed
(https, on the public internet), not found wanting two days of retries later."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
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


# --- Where a council's system may be: checked when it is typed --------------------------------


@pytest.fixture
def integrator(council, client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "x"))
    return client


def save_webhook(client, council, url: str):
    _html, page = get(client, edit_url(council))
    return client.post(edit_url(council), form_data(page, webhook_url=url))


def webhook_error(response) -> str:
    """The error shown with the webhook address field (the form is shown again)."""
    assert response.status_code == 200
    errors = response.context["form"].errors
    return " ".join(errors.get("webhook_url", []))


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("https://10.1.2.3/enquiries", "10.1.2.3"),
        ("https://192.168.1.20/enquiries", "192.168.1.20"),
        ("https://172.16.5.4:8443/enquiries", "172.16.5.4"),
        ("https://169.254.169.254/latest/meta-data", "169.254.169.254"),  # cloud metadata
        ("https://100.64.0.1/enquiries", "100.64.0.1"),  # carrier-grade NAT
        ("https://[fd00::1]/enquiries", "fd00::1"),
    ],
)
def test_an_address_on_a_private_network_is_refused_on_save(integrator, council, url, address):
    error = webhook_error(save_webhook(integrator, council, url))
    assert "private or local network" in error
    assert address in error
    council.refresh_from_db()
    assert council.webhook_url == "https://cases.northby.example/enquiries"


@override_settings(WEBHOOK_ALLOWED_PRIVATE_NETWORKS=[])  # as in production
def test_a_host_name_is_resolved_and_refused_when_it_points_inside(integrator, council):
    error = webhook_error(save_webhook(integrator, council, "https://localhost/enquiries"))
    assert "private or local network" in error and "127.0.0.1" in error
    assert "127.0.0.1" in webhook_error(save_webhook(integrator, council, "https://127.0.0.1/"))


def test_a_host_that_does_not_exist_is_refused_on_save(integrator, council):
    error = webhook_error(save_webhook(integrator, council, "https://cases.northby.invalid/x"))
    assert "could not be found" in error


def test_a_plain_http_address_is_refused_in_production(integrator, council):
    assert settings.WEBHOOK_HTTPS_ONLY  # the test settings keep production's rule
    error = webhook_error(save_webhook(integrator, council, "http://93.184.215.14/enquiries"))
    assert "https://" in error
    council.refresh_from_db()
    assert council.webhook_url == "https://cases.northby.example/enquiries"


def test_a_public_https_address_is_accepted(integrator, council):
    response = save_webhook(integrator, council, "https://93.184.215.14/enquiries")
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.webhook_url == "https://93.184.215.14/enquiries"


@override_settings(WEBHOOK_HTTPS_ONLY=False, WEBHOOK_ALLOWED_PRIVATE_NETWORKS=["127.0.0.0/8"])
def test_a_developer_may_allow_a_local_receiver_explicitly(integrator, council):
    """On a laptop (config/settings/dev.py) a local receiver over http can be given; only the
    networks the setting names are allowed, never the rest of the private ranges."""
    response = save_webhook(integrator, council, "http://127.0.0.1:9000/enquiries")
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.webhook_url == "http://127.0.0.1:9000/enquiries"
    assert "10.1.2.3" in webhook_error(save_webhook(integrator, council, "http://10.1.2.3/"))
