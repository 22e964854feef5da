"""Partner council records: what editors type is cleaned up or refused with a clear reason, and
an enquirer's postcode finds their council when (and only when) that is unambiguous."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from councils.models import Council, CouncilPage
from councils.tests.factories import CouncilFactory, CouncilPageFactory


def valid_council(**fields) -> Council:
    """An unsaved council with valid data, overridden by `fields`."""
    data = {
        "name": "Derby City Council",
        "short_name": "derby",
        "official_code": "E06000015",
        "website_domains": "derby.gov.uk",
        "postcode_districts": "DE1 DE3",
    }
    data.update(fields)
    return Council(**data)


def errors_of(council: Council) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        council.full_clean()
    return caught.value.message_dict


# --- Cleaning what editors type -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("de1, ng5", "DE1 NG5"),
        ("DE1\nDE21;de22", "DE1 DE21 DE22"),
        ("  de1   de1 DE1 ", "DE1"),
        ("w1a sw1a", "W1A SW1A"),
        ("", ""),
    ],
)
def test_districts_are_normalised(typed, stored):
    council = valid_council(postcode_districts=typed)
    council.full_clean()
    assert council.postcode_districts == stored


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["DE1 2AB", "DERBY", "1DE", "DE", "D E1X9"])
def test_bad_districts_are_refused_naming_them(bad):
    errors = errors_of(valid_council(postcode_districts=f"DE1 {bad}"))
    message = " ".join(errors["postcode_districts"])
    assert "not postcode districts" in message
    assert "e.g. DE1" in message
    # The message names what was wrong, upper-cased as it would have been stored.
    assert any(token.upper() in message for token in bad.split() if token.upper() != "DE1")


@pytest.mark.django_db
def test_website_domains_are_normalised():
    council = valid_council(
        website_domains="https://www.Derby.gov.uk/fostering, derby.gov.uk\nfosterderby.co.uk"
    )
    council.full_clean()
    assert council.website_domains == "derby.gov.uk\nfosterderby.co.uk"
    assert council.domains == ["derby.gov.uk", "fosterderby.co.uk"]


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["derby", "derby..gov.uk", "-derby.gov.uk", "derby.gov.uk_x"])
def test_bad_domains_are_refused(bad):
    errors = errors_of(valid_council(website_domains=bad))
    message = " ".join(errors["website_domains"])
    assert bad in message
    assert "not a website domain such as derby.gov.uk" in message


@pytest.mark.django_db
def test_official_code_is_upper_cased():
    council = valid_council(official_code="e06000015")
    council.full_clean()
    assert council.official_code == "E06000015"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["E0600001", "E060000155", "X06000015", "derby", "E06-00015"])
def test_bad_official_codes_are_refused(bad):
    errors = errors_of(valid_council(official_code=bad))
    assert "Use the nine-character ONS code, e.g. E06000015." in errors["official_code"]


@pytest.mark.django_db
def test_all_problems_are_reported_together():
    errors = errors_of(
        valid_council(official_code="nope", postcode_districts="???", website_domains="x")
    )
    assert {"official_code", "postcode_districts", "website_domains"} <= set(errors)


@pytest.mark.django_db
def test_factory_councils_are_valid():
    CouncilFactory().full_clean()
    CouncilFactory().full_clean()


# --- Finding a council from a postcode ------------------------------------------------------


@pytest.fixture
def east_midlands(db):
    """Four councils; NG9 is covered by two of them (a district straddling a boundary)."""
    return {
        "derby": CouncilFactory(name="Derby City Council", postcode_districts="DE1 DE3 DE21"),
        "derbyshire": CouncilFactory(
            name="Derbyshire County Council", postcode_districts="DE4 DE45 S40 NG9"
        ),
        "nottingham": CouncilFactory(
            name="Nottingham City Council", postcode_districts="NG1 NG5 NG9"
        ),
        "gone": CouncilFactory(
            name="Former Partner Council", postcode_districts="LE1", is_active=False
        ),
    }


@pytest.mark.parametrize(
    ("postcode", "council"),
    [
        ("DE1 2AB", "derby"),
        ("de12ab", "derby"),
        ("  de21 4xy ", "derby"),
        ("DE45 1AA", "derbyshire"),
        ("S40 1AA", "derbyshire"),
        ("NG5 1AA", "nottingham"),
    ],
)
def test_for_postcode_finds_the_council(east_midlands, postcode, council):
    assert Council.objects.for_postcode(postcode) == east_midlands[council]


@pytest.mark.parametrize(
    "postcode",
    [
        "NG9 2AB",  # two councils cover NG9: the person chooses
        "LE1 1AA",  # only an inactive council covers LE1
        "M1 1AA",  # nobody in the partnership
        "DE2 1AA",  # a district that is a prefix of a covered one is not covered
        "DE1",  # not a full postcode
        "",
        "not a postcode",
    ],
)
def test_for_postcode_returns_none_when_not_one_active_council(east_midlands, postcode):
    assert Council.objects.for_postcode(postcode) is None


def test_inactive_councils_are_left_out(east_midlands):
    assert set(Council.objects.active()) == {
        east_midlands["derby"],
        east_midlands["derbyshire"],
        east_midlands["nottingham"],
    }


# --- Council pages and links ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_council_has_one_page():
    first = CouncilPageFactory()
    second = CouncilPage(
        title="Fostering with the same council again", council=first.council, intro="Again."
    )
    with pytest.raises(ValidationError) as caught:
        first.get_parent().add_child(instance=second)
    assert caught.value.message_dict["council"] == ["This council already has a page."]
    assert CouncilPage.objects.filter(council=first.council).count() == 1


@pytest.mark.django_db
def test_a_council_page_can_be_saved_again():
    page = CouncilPageFactory()
    page.intro = "Updated introduction."
    page.full_clean()
    page.save_revision().publish()
    assert CouncilPage.objects.get(pk=page.pk).intro == "Updated introduction."


@pytest.mark.django_db
def test_local_offer_lists_only_sections_with_content():
    page = CouncilPageFactory(
        allowances="<p>£450 a week</p>", support_groups="", mockingbird="<p>Two</p>", training=""
    )
    assert [str(heading) for heading, _text in page.local_offer] == [
        "Fees and allowances",
        "Mockingbird",
    ]


# --- The list's export ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_export_of_partner_councils_shows_a_formula_as_text(export, people, client):
    """Whatever a hub comms officer typed, a spreadsheet opening the export never runs it."""
    Council.objects.filter(short_name="derby").update(name='=HYPERLINK("http://x")')
    client.force_login(people["hub_comms"])
    response = client.get(reverse("wagtailsnippets_councils_council:list"), {"export": export})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if export == "csv":
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
        names = [row["Name"] for row in rows]
        assert list(rows[0]) == [
            "Name",
            "Short name",
            "Official code",
            "Postcode districts",
            "Handover email address",
            "Active partner",
        ]
    else:
        sheet = load_workbook(io.BytesIO(body)).active
        header, *rows = sheet.iter_rows(values_only=True)
        names = [row[header.index("Name")] for row in rows]
    assert '\'=HYPERLINK("http://x")' in names
    assert "Nottingham City Council" in names
