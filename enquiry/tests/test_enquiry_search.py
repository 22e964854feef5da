"""Finding an enquiry in the admin by the phone number or postcode the person gave.

Officers type numbers and postcodes the way they hear them ("07700 900982", "+44 7700 900982",
"de12ab"): the search compares them normalised on both sides, always within the row rule (a
council's fostering staff still find only their council's enquiries).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enquiry.data_protection import erase_person
from enquiry.tests.factories import EnquiryFactory
from testkit.admin import index_url, listed

pytestmark = pytest.mark.django_db


@pytest.fixture
def callers(councils):
    """Two people who called, one for each council, with numbers written differently."""
    return {
        "derby": EnquiryFactory(
            council=councils["derby"],
            first_name="Dana",
            phone="07700 900982",
            postcode="DE1 2AB",
        ),
        "nottingham": EnquiryFactory(
            council=councils["nottingham"],
            first_name="Nia",
            phone="+44 (0)7700 900982",
            postcode="NG1 5AA",
        ),
        "other": EnquiryFactory(
            council=councils["derby"], first_name="Omar", phone="01632 960001", postcode="DE22 1AB"
        ),
    }


@pytest.mark.parametrize(
    "query",
    ["07700 900982", "07700900982", "+447700900982", "+44 7700 900 982", "0044 7700 900982"],
)
def test_hub_officers_find_an_enquiry_by_phone_however_it_is_written(
    query, people, callers, client
):
    client.force_login(people["hub"])
    found = listed(client.get(index_url(q=query)))
    assert sorted(found) == sorted([callers["derby"].reference, callers["nottingham"].reference])
    assert callers["other"].reference not in found


@pytest.mark.parametrize("query", ["de12ab", "DE1 2AB", "de1 2ab", " DE12AB "])
def test_officers_find_an_enquiry_by_postcode_with_or_without_the_space(
    query, people, callers, client
):
    client.force_login(people["hub"])
    assert listed(client.get(index_url(q=query))) == [callers["derby"].reference]
    assert listed(client.get(reverse("enquiries:index_results") + f"?q={query}")) == [
        callers["derby"].reference
    ]


def test_part_of_a_number_with_a_name_narrows_the_search(people, callers, client):
    client.force_login(people["hub"])
    assert listed(client.get(index_url(q="Dana 900982"))) == [callers["derby"].reference]


def test_council_staff_find_only_their_councils_enquiry_by_phone(people, callers, client):
    client.force_login(people["derby"])
    assert listed(client.get(index_url(q="+447700900982"))) == [callers["derby"].reference]
    assert listed(client.get(index_url(q="NG15AA"))) == []
    client.force_login(people["nottingham"])
    assert listed(client.get(index_url(q="07700 900982"))) == [callers["nottingham"].reference]


def test_an_erased_persons_number_and_postcode_find_nothing(people, callers, client):
    erase_person(callers["derby"].email, by=people["hub"], reason="Asked to be forgotten")
    client.force_login(people["hub"])
    assert listed(client.get(index_url(q="07700 900982"))) == [callers["nottingham"].reference]
    assert listed(client.get(index_url(q="de12ab"))) == []


def test_a_search_costs_the_same_queries_for_few_or_many_matches(people, councils, client):
    client.force_login(people["hub"])
    EnquiryFactory(council=councils["derby"], phone="07700 900123")
    client.get(index_url(q="07700900123"))  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        assert len(listed(client.get(index_url(q="07700900123")))) == 1
    for _n in range(6):
        EnquiryFactory(council=councils["nottingham"], phone="+44 7700 900123")
    with CaptureQueriesContext(connection) as many:
        assert len(listed(client.get(index_url(q="07700900123")))) == 7
    assert len(many) == len(few)


def test_enquiries_saved_before_the_search_keys_are_found_after_the_migration(
    people, callers, client
):
    import importlib

    from django.apps import apps

    from enquiry.models import Enquiry

    Enquiry.objects.update(search_phone="", search_postcode="")  # as before migration 0010
    client.force_login(people["hub"])
    assert listed(client.get(index_url(q="de12ab"))) == []

    migration = importlib.import_module(
        "enquiry.migrations.0010_search_keys_and_source_corrections"
    )
    migration.fill_search_keys(apps, None)
    assert listed(client.get(index_url(q="de12ab"))) == [callers["derby"].reference]
    assert sorted(listed(client.get(index_url(q="+44 7700 900982")))) == sorted(
        [callers["derby"].reference, callers["nottingham"].reference]
    )
