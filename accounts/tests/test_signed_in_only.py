"""Pages and documents for signed-in people only need the second factor too (issue 17).

Wagtail's "signed-in users only" view restrictions used to send people to Wagtail's own
frontend login (`/_util/login/`), a password-only form whose session opened the page. Now that
address sends people through the admin's sign-in and its code step, and a restriction lets
through only a session verified by the second factor, however it was signed in.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from home.tests.factories import StandardPageFactory
from testkit.clients import ADMIN_PASSWORD, signed_in
from testkit.html import parse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_login_failures")]

FRONTEND_LOGIN = "/_util/login/"
ADMIN_LOGIN = reverse("wagtailadmin_login")
CODE = reverse("accounts_two_factor_code")
SETUP = reverse("accounts_two_factor_setup")
SECRET = "The duty rota for the weekend social workers"


@pytest.fixture
def app(officer) -> TOTPDevice:
    return TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)


@pytest.fixture
def staff_page(home):
    """A page any signed-in person may read, and nobody else."""
    page = StandardPageFactory(parent=home, title="Staff notices", intro=SECRET)
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    return page


@pytest.fixture
def staff_document(home):
    """A document in a collection any signed-in person may read, and nobody else."""
    collection = Collection.get_first_root_node().add_child(name="Staff only")
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    return get_document_model().objects.create(
        title="Duty rota",
        collection=collection,
        file=ContentFile(SECRET.encode(), name="duty-rota.txt"),
    )


def code_now(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def content(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def path_and_next(address: str) -> tuple[str, str | None]:
    parts = urlsplit(address)
    return parts.path, parse_qs(parts.query).get("next", [None])[0]


def password_at_the_frontend_login(client: Client, going_to: str):
    """What Wagtail's frontend login form posts (an old tab, a bookmark, a script)."""
    return client.post(
        FRONTEND_LOGIN,
        {"username": "hub.officer", "password": ADMIN_PASSWORD, "next": going_to},
        follow=True,
    )


# --- A password alone opens nothing ----------------------------------------------------------


def test_a_password_alone_at_the_frontend_login_does_not_open_a_signed_in_only_page(
    app, staff_page
):
    client = Client()
    response = password_at_the_frontend_login(client, staff_page.url)
    assert SECRET not in content(response)
    response = client.get(staff_page.url, follow=True)
    assert response.status_code == 200
    assert SECRET not in content(response)
    assert "_auth_user_id" not in client.session, "the frontend form signs nobody in"


def test_a_password_alone_at_the_frontend_login_does_not_open_a_signed_in_only_document(
    app, staff_document
):
    client = Client()
    password_at_the_frontend_login(client, staff_document.url)
    response = client.get(staff_document.url, follow=True)
    assert SECRET not in content(response)


@pytest.mark.parametrize("restricted", ["staff_page", "staff_document"])
def test_a_session_signed_in_with_a_password_only_is_sent_to_the_code_step(
    request, app, officer, restricted
):
    """However a password-only session came about, a restriction does not let it through."""
    address = request.getfixturevalue(restricted).url
    client = signed_in(officer, second_factor=False)
    response = client.get(address)
    assert response.status_code == 302
    assert path_and_next(response["Location"]) == (CODE, address)
    assert "no-store" in response["Cache-Control"]


# --- The way in: the admin's sign-in, then its second step -------------------------------------


def test_a_signed_in_only_page_sends_people_through_both_sign_in_steps(app, staff_page):
    client = Client()
    response = client.get(staff_page.url, follow=True)
    sign_in, going_to = path_and_next(response.redirect_chain[-1][0])
    assert (sign_in, going_to) == (ADMIN_LOGIN, staff_page.url)
    assert parse(response).has_heading("Sign in")

    response = client.post(
        ADMIN_LOGIN,
        {"username": "hub.officer", "password": ADMIN_PASSWORD, "next": going_to},
        follow=True,
    )
    step, going_to = path_and_next(response.redirect_chain[-1][0])
    assert step == CODE and going_to == staff_page.url
    assert parse(response).has_heading("Enter the code from your authenticator app")
    assert SECRET not in content(response)

    response = client.post(f"{CODE}?next={going_to}", {"code": code_now(app), "next": going_to})
    assert response["Location"] == staff_page.url
    opened = client.get(staff_page.url)
    assert opened.status_code == 200
    assert SECRET in content(opened)
    assert "no-store" in opened["Cache-Control"]


def test_a_signed_in_only_document_opens_after_both_steps(app, officer, staff_document):
    client = signed_in(officer, second_factor=False)
    response = client.get(staff_document.url)
    assert path_and_next(response["Location"]) == (CODE, staff_document.url)
    client.post(CODE, {"code": code_now(app), "next": staff_document.url})
    response = client.get(staff_document.url)
    assert response.status_code == 200
    assert content(response) == SECRET


def test_staff_without_an_app_are_taken_to_set_one_up(officer, staff_page):
    client = Client()
    client.post(
        ADMIN_LOGIN,
        {"username": "hub.officer", "password": ADMIN_PASSWORD, "next": staff_page.url},
    )
    response = client.get(staff_page.url)
    assert path_and_next(response["Location"]) == (SETUP, staff_page.url)
    assert SECRET not in content(client.get(staff_page.url, follow=True))


def test_the_frontend_login_address_sends_someone_half_signed_in_to_the_code_step(
    app, officer, staff_page
):
    client = signed_in(officer, second_factor=False)
    response = client.get(f"{FRONTEND_LOGIN}?next={staff_page.url}")
    assert path_and_next(response["Location"]) == (CODE, staff_page.url)


def test_the_frontend_login_address_never_sends_anyone_off_the_site():
    response = Client().get(f"{FRONTEND_LOGIN}?next=https://evil.example/")
    assert path_and_next(response["Location"]) == (ADMIN_LOGIN, "/")


# --- Signed in with both steps, but not in the page's groups ---------------------------------


def test_someone_outside_the_pages_groups_is_told_so_not_sent_round_in_circles(
    home, officer, councils
):
    page = StandardPageFactory(parent=home, title="Panel papers", intro=SECRET)
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Fostering panel members"))
    response = signed_in(officer).get(page.url)
    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]
    shown = parse(response)
    assert shown.has_heading("You cannot see this page")
    assert SECRET not in content(response)
