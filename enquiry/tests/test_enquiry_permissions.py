"""Who sees which enquiry, in every view of the admin.

Hub enquiry officers see every enquiry. A council's fostering staff see only their council's:
in the list, the search, the filters, the export, the detail view, the edit, stage and handover
views and the outcome import; anything else answers 404, exactly like an enquiry that does not
exist. Marketing leads and comms officers see no enquiry at all. Each rule is checked with the
pages a person would use, as a real user in the groups `sync_roles()` makes.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from enquiry.admin_views import EnquiryPermissionPolicy
from enquiry.models import Enquiry, EnquiryHistory, Stage
from enquiry.tests.factories import EnquiryFactory
from outbox.models import OutboxMessage
from testkit.admin import assert_refused, fostering_group, index_url, listed
from testkit.html import parse

pytestmark = pytest.mark.django_db

NOT_DERBYS = ("nottingham", "unsure")


def csv_references(response) -> list[str]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return [row[0] for row in list(csv.reader(io.StringIO(text)))[1:]]


def xlsx_references(response) -> list[str]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_hub_enquiry_officers_see_every_enquiry(people, enquiries, client):
    client.force_login(people["hub"])
    everything = {enquiry.reference for enquiry in enquiries.values()}
    assert set(listed(client.get(index_url()))) == everything
    assert set(csv_references(client.get(index_url(export="csv")))) == everything
    for enquiry in enquiries.values():
        assert client.get(reverse("enquiries:inspect", args=[enquiry.pk])).status_code == 200
        assert client.get(reverse("enquiries:stage", args=[enquiry.pk])).status_code == 200
        assert client.get(reverse("enquiries:handover", args=[enquiry.pk])).status_code == 200


# --- A council's fostering staff: their council's enquiries only ---------------------------------


def test_council_staff_list_only_their_councils_enquiries(people, enquiries, client):
    client.force_login(people["derby"])
    assert listed(client.get(index_url())) == [enquiries["derby"].reference]
    assert listed(client.get(reverse("enquiries:index_results"))) == [enquiries["derby"].reference]
    client.force_login(people["nottingham"])
    assert listed(client.get(index_url())) == [enquiries["nottingham"].reference]


@pytest.mark.parametrize("key", NOT_DERBYS)
def test_council_staff_cannot_find_other_enquiries_by_search(key, people, enquiries, client):
    other = enquiries[key]
    client.force_login(people["derby"])
    for query in (other.reference, other.email, other.last_name, "example.org"):
        found = listed(client.get(index_url(q=query)))
        assert other.reference not in found, query
        assert set(found) <= {enquiries["derby"].reference}


def test_council_staff_cannot_widen_the_list_with_filters(people, enquiries, councils, client):
    client.force_login(people["derby"])
    page = parse(client.get(index_url()))
    assert not page.has_text("Nottingham City Council")
    assert not page.has_text("Not sure yet")
    for council in (councils["nottingham"].pk, "not-sure"):
        assert listed(client.get(index_url(council=council))) in (
            [],
            [enquiries["derby"].reference],
        )
        assert csv_references(client.get(index_url(council=council, export="csv"))) in (
            [],
            [enquiries["derby"].reference],
        )


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_council_staff_export_only_their_councils_enquiries(export, people, enquiries, client):
    client.force_login(people["derby"])
    read = csv_references if export == "csv" else xlsx_references
    assert read(client.get(index_url(export=export))) == [enquiries["derby"].reference]
    other = enquiries["nottingham"]
    assert read(client.get(index_url(export=export, q=other.email))) == []


@pytest.mark.parametrize("key", NOT_DERBYS)
@pytest.mark.parametrize("view", ["inspect", "edit", "stage", "handover"])
def test_another_councils_enquiry_is_not_found(view, key, people, enquiries, client):
    """Another council's enquiry and a "not sure yet" one are both 404 for Derby's staff."""
    other = enquiries[key]
    client.force_login(people["derby"])
    url = reverse(f"enquiries:{view}", args=[other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    # Exactly what a reference that does not exist answers.
    missing = reverse(f"enquiries:{view}", args=[Enquiry.objects.order_by("-pk")[0].pk + 1])
    assert client.get(missing).status_code == 404


@pytest.mark.parametrize("key", NOT_DERBYS)
def test_posting_to_another_councils_enquiry_changes_nothing(key, people, enquiries, client):
    other = enquiries[key]
    client.force_login(people["derby"])
    today = timezone.localdate().isoformat()
    posts = {
        "stage": {"stage": "closed", "on": today, "closed_reason": "withdrawn"},
        "edit": {
            "first_name": "Changed",
            "last_name": "Name",
            "email": "changed@example.org",
            "phone": "07700 900000",
            "postcode": "DE1 2AB",
            "spare_bedroom": "yes",
            "contact_method": "phone",
            "contact_time": "any",
        },
        "handover": {"council": other.council_id or "", "on": today},
    }
    for view, data in posts.items():
        assert client.post(reverse(f"enquiries:{view}", args=[other.pk]), data).status_code == 404
    fresh = Enquiry.objects.get(pk=other.pk)
    assert (fresh.stage, fresh.first_name, fresh.email, fresh.council_id) == (
        Stage.NEW,
        other.first_name,
        other.email,
        other.council_id,
    )
    assert list(fresh.history.values_list("action", flat=True)) == ["created"]


def test_council_staff_handle_their_own_enquiries(people, enquiries, client):
    own = enquiries["derby"]
    client.force_login(people["derby"])
    for view in ("inspect", "edit", "stage"):
        assert client.get(reverse(f"enquiries:{view}", args=[own.pk])).status_code == 200
    response = client.post(
        reverse("enquiries:stage", args=[own.pk]),
        {"stage": "contacted", "on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.stage == Stage.CONTACTED


def test_council_staff_cannot_import_another_councils_outcomes(people, enquiries, client):
    """Another council's reference is reported exactly as an unknown one; nothing is applied."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    derby, nottingham = enquiries["derby"], enquiries["nottingham"]
    today = timezone.localdate().isoformat()
    content = (
        "reference,stage,date,closed_reason,note\n"
        f"{derby.reference},contacted,{today},,\n"
        f"{nottingham.reference},closed,{today},withdrawn,\n"
        f"HUB-1999-999999,contacted,{today},,\n"
    )
    client.force_login(people["derby"])
    response = client.post(
        reverse("enquiries:import"),
        {"file": SimpleUploadedFile("outcomes.csv", content.encode(), "text/csv")},
    )
    assert response.status_code == 200
    errors = response.context["checked"].errors
    assert [(e.row, e.message) for e in errors] == [
        (3, "There is no enquiry with this reference"),
        (4, "There is no enquiry with this reference"),
    ]
    page = parse(response)
    assert page.has_text("Nothing was imported")
    for enquiry in (derby, nottingham):
        enquiry.refresh_from_db()
        assert enquiry.stage == Stage.NEW
    assert not EnquiryHistory.objects.filter(action=EnquiryHistory.Action.STAGE).exists()


# --- People with no enquiry role -----------------------------------------------------------------

NO_ENQUIRY_ROLE = ["marketing", "hub_comms", "derby_comms"]


@pytest.mark.parametrize("role", NO_ENQUIRY_ROLE)
def test_people_without_an_enquiry_role_see_no_enquiry_data(role, people, enquiries, client):
    enquiry = enquiries["derby"]
    client.force_login(people[role])
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert dashboard.status_code == 200
    assert reverse("enquiries:index") not in dashboard.content.decode()  # no menu item

    urls = [
        index_url(),
        index_url(export="csv"),
        index_url(export="xlsx"),
        index_url(q=enquiry.email),
        reverse("enquiries:index_results"),
        reverse("enquiries:add"),
        reverse("enquiries:import"),
        reverse("enquiry_spam_report"),
    ]
    for view in ("inspect", "edit", "stage", "handover"):
        urls.append(reverse(f"enquiries:{view}", args=[enquiry.pk]))
    for url in urls:
        response = client.get(url)
        assert_refused(response)
        assert enquiry.reference not in response.content.decode()
        assert_refused(client.post(url, {}))

    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.NEW
    assert Enquiry.objects.count() == 3


def test_the_menu_shows_enquiries_to_those_who_handle_them(people, client):
    for role in ("hub", "derby", "nottingham"):
        client.force_login(people[role])
        assert (
            reverse("enquiries:index") in client.get(reverse("wagtailadmin_home")).content.decode()
        )


def test_the_permission_policy_applies_the_row_rule_and_forbids_deleting(
    people, enquiries, make_user
):
    policy = EnquiryPermissionPolicy(Enquiry)
    admin = make_user("admin", is_superuser=True)
    derby, nottingham = enquiries["derby"], enquiries["nottingham"]
    for person in (admin, people["hub"], people["derby"]):
        assert not policy.user_has_permission(person, "delete")
        assert not policy.user_has_permission_for_instance(person, "delete", derby)
    assert policy.user_has_permission_for_instance(people["derby"], "change", derby)
    assert not policy.user_has_permission_for_instance(people["derby"], "change", nottingham)
    assert set(policy.instances_user_has_permission_for(people["derby"], "view")) == {derby}
    assert policy.instances_user_has_permission_for(people["hub"], "view").count() == 3
    assert not policy.instances_user_has_permission_for(people["marketing"], "view").exists()
    assert not policy.users_with_permission("delete").exists()


def test_a_council_staff_member_moved_to_another_council_loses_the_old_one(
    people, enquiries, councils, client
):

    person = people["derby"]
    person.groups.set([fostering_group(councils["nottingham"])])
    client.force_login(person)
    assert listed(client.get(index_url())) == [enquiries["nottingham"].reference]
    assert client.get(reverse("enquiries:inspect", args=[enquiries["derby"].pk])).status_code == 404


def test_an_enquiry_handed_over_moves_to_the_new_councils_staff(
    people, enquiries, councils, client
):
    enquiry = enquiries["derby"]
    enquiry.hand_over(councils["nottingham"], by=people["hub"])
    client.force_login(people["derby"])
    assert client.get(reverse("enquiries:inspect", args=[enquiry.pk])).status_code == 404
    client.force_login(people["nottingham"])
    assert client.get(reverse("enquiries:inspect", args=[enquiry.pk])).status_code == 200


def test_outgoing_messages_are_shown_only_with_their_enquiry(people, enquiries, client):
    """The detail view lists messages by the enquiry's own reference, never another's."""
    other = enquiries["nottingham"]
    OutboxMessage.objects.filter(reference=other.reference).update(last_error="Nottingham only")
    client.force_login(people["derby"])
    page = parse(client.get(reverse("enquiries:inspect", args=[enquiries["derby"].pk])))
    assert not page.has_text("Nottingham only")
    assert not page.has_text(other.reference)


def test_a_council_with_no_enquiries_sees_an_empty_list(people, make_user, client):
    from councils.tests.factories import CouncilFactory

    EnquiryFactory(council=None)
    lonely = make_user("lonely", fostering_group(CouncilFactory(name="Rutland County Council")))
    client.force_login(lonely)
    assert listed(client.get(index_url())) == []
    assert csv_references(client.get(index_url(export="csv"))) == []
