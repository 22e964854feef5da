"""Reports → Site history: account events and the people it names.

The README sends superusers here to check two-factor resets. A reset names the person whose
phone was lost, so everyone else's account events are for superusers only, whatever else a
group may do with accounts. The "User" filter names only the people behind the entries shown:
Wagtail's own offered everyone who ever changed a page, to anyone who opened the report.
(Which entries of campaigns, enquiries and bookings each person sees: their apps' tests.)
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.views import RESET_ACTION
from councils.tests.factories import CouncilPageFactory
from testkit.admin import grant, site_history
from testkit.clients import signed_in

pytestmark = pytest.mark.django_db

RESET = "Two-factor authentication reset"


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "x")


@pytest.fixture
def reset(superuser, people):
    """A superuser resets Nottingham's officer's second factor (a lost phone)."""
    person = people["nottingham"]
    response = signed_in(superuser).post(reverse("accounts_two_factor_reset", args=[person.pk]))
    assert response.status_code == 302
    return person


def resets(client) -> list[str]:
    return [entry["name"] for entry in site_history(client) if entry["action"] == RESET]


def test_superusers_see_two_factor_resets(reset, superuser):
    assert resets(signed_in(superuser)) == [reset.get_username()]
    only_resets = site_history(signed_in(superuser), action=RESET_ACTION)
    assert [entry["name"] for entry in only_resets] == [reset.get_username()]


def test_someone_who_manages_accounts_sees_only_their_own_account_events(
    reset, superuser, make_user
):
    manager = grant(make_user("account-manager"), "auth.change_user", "auth.view_user")
    assert resets(signed_in(manager)) == []
    # Their own account's events they do see.
    signed_in(superuser).post(reverse("accounts_two_factor_reset", args=[manager.pk]))
    assert resets(signed_in(manager)) == [manager.get_username()]


def test_the_user_filter_names_only_the_people_of_the_entries_shown(councils, make_user, client_as):
    """Nottingham's comms officer changes their council's page; a marketing lead (no pages)
    and Derby's fostering officer are not told who."""
    page = CouncilPageFactory(council=councils["nottingham"])
    editor = make_user("page-editor", first_name="Petra", last_name="Editor")
    page.save_revision(user=editor, log_action=True)
    for role in ("marketing", "derby"):
        response = client_as(role).get(reverse("wagtailadmin_reports:site_history"))
        assert response.status_code == 200
        fields = response.context["filters"].form.fields
        assert "user" not in fields or editor not in fields["user"].queryset
        assert "Petra Editor" not in response.content.decode()
