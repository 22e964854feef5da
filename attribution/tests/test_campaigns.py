"""Campaigns in the admin, as the hub's and a council's comms officers and marketing leads use them.

Everyone logs in as a real person in the real groups `sync_roles()` makes (fixtures `councils`
and `people` in testkit/fixtures.py) and drives the admin pages with the test client.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image
from wagtail.models import Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from accounts.roles import MARKETING_LEADS, sync_roles
from attribution.models import Campaign
from attribution.tests.factories import CampaignFactory, SpendEntryFactory
from core.localization import synchronise_trees
from fostering_types.models import FosteringTypePage
from fostering_types.tests.factories import FosteringTypePageFactory
from home.tests.factories import StandardPageFactory
from testkit.admin import assert_refused
from testkit.html import clean, parse, soup

pytestmark = pytest.mark.django_db

ROOT = "http://localhost"  # the default site's root URL in the tests


@pytest.fixture
def campaigns(councils):
    """A running regional campaign with spend, one for Derby and one for Nottingham that ended."""
    today = timezone.localdate()
    regional = CampaignFactory(
        name="Hub winter radio",
        code="hub-winter-radio",
        channel="audio",
        source="heart-radio",
        medium="radio",
        short_code="radio26",
    )
    SpendEntryFactory(campaign=regional, amount=Decimal("1200.00"))
    SpendEntryFactory(campaign=regional, amount=Decimal("300.50"))
    derby = CampaignFactory(
        name="Derby bus sides",
        code="derby-bus-sides",
        council=councils["derby"],
        channel="offline",
        source="bus-side",
        medium="outdoor",
        short_code="bus26",
    )
    nottingham = CampaignFactory(
        name="Nottingham teenagers",
        code="nottingham-teenagers",
        council=councils["nottingham"],
        start_date=today - timedelta(days=90),
        end_date=today - timedelta(days=10),
    )
    return {"regional": regional, "derby": derby, "nottingham": nottingham}


def index_url(**params) -> str:
    url = reverse("campaigns:index")
    return f"{url}?{urlencode(params)}" if params else url


def listed(response) -> list[str]:
    """The campaigns a listing shows (their names, linked to their inspect page)."""
    assert response.status_code == 200
    prefix = reverse("campaigns:inspect", args=[0]).removesuffix("0/")
    return [link.text for link in parse(response).links if link.href.startswith(prefix)]


def exported(client, **params) -> list[dict[str, str]]:
    response = client.get(index_url(export="csv", **params))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def campaign_form(**overrides) -> dict:
    """The create/edit form as the browser posts it, with one spend entry."""
    today = timezone.localdate()
    data = {
        "name": "Libraries poster run",
        "code": "libraries-posters",
        "council": "",
        "channel": "offline",
        "source": "library",
        "medium": "print",
        "start_date": today.isoformat(),
        "end_date": "",
        "landing_page": "",
        "short_code": "lib26",
        "notes": "",
        "spend": inline_formset(
            [{"spent_on": today.isoformat(), "amount": "450.00", "description": "A3 posters"}]
        ),
    }
    data.update(overrides)
    return nested_form_data(data)


# --- The list, filters, search and export ---------------------------------------------------


def test_hub_comms_see_every_campaign_with_owner_channel_dates_and_spend(people, campaigns, client):
    client.force_login(people["hub_comms"])
    response = client.get(index_url())
    assert sorted(listed(response)) == [
        "Derby bus sides",
        "Hub winter radio",
        "Nottingham teenagers",
    ]
    page = parse(response)
    for text in ("Owner", "Channel", "Total spend", "£1,500.50", "Derby City Council", "Audio"):
        assert page.has_text(text), text
    assert page.has_text("The hub (regional)")
    assert page.has_text("Add campaign")
    assert page.has_text("Link builder")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"owner": "regional"}, ["Hub winter radio"]),
        ({"owner": "local"}, ["Derby bus sides", "Nottingham teenagers"]),
        ({"channel": "offline"}, ["Derby bus sides"]),
        ({"running": "yes"}, ["Derby bus sides", "Hub winter radio"]),
        ({"running": "no"}, ["Nottingham teenagers"]),
        ({"q": "bus-sides"}, ["Derby bus sides"]),
        ({"q": "winter"}, ["Hub winter radio"]),
    ],
)
def test_the_list_filters_by_owner_channel_running_and_searches(
    people, campaigns, client, params, expected
):
    client.force_login(people["hub_comms"])
    assert sorted(listed(client.get(index_url(**params)))) == expected


def test_the_owner_filter_picks_one_council(people, campaigns, councils, client):
    client.force_login(people["hub_comms"])
    response = client.get(index_url(owner=f"council-{councils['nottingham'].pk}"))
    assert listed(response) == ["Nottingham teenagers"]


def test_export_lists_the_campaigns_with_total_spend(people, campaigns, client):
    client.force_login(people["hub_comms"])
    rows = {row["Name"]: row for row in exported(client)}
    assert set(rows) == {"Hub winter radio", "Derby bus sides", "Nottingham teenagers"}
    assert rows["Hub winter radio"]["Owner"] == "The hub (regional)"
    assert rows["Hub winter radio"]["Channel"] == "Audio: radio and podcasts"
    assert Decimal(rows["Hub winter radio"]["Total spend (£)"]) == Decimal("1500.50")
    assert rows["Derby bus sides"]["Owner"] == "Derby City Council"


FORMULA = '=HYPERLINK("http://x")'


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_a_campaign_name_a_spreadsheet_would_run_exports_as_inert_text(export, people, client):
    """A name is typed by a comms officer: a spreadsheet must show it, never run it."""
    CampaignFactory(name=FORMULA, code="hostile", source="facebook")
    client.force_login(people["hub_comms"])
    response = client.get(index_url(export=export))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if export == "csv":
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
        cells = [rows[0]["Name"]]
    else:
        sheet = load_workbook(io.BytesIO(body)).active
        header, *rows = sheet.iter_rows()
        name = [cell.value for cell in header].index("Name")
        cells = [rows[0][name].value]
        assert all(cell.data_type != "f" for row in rows for cell in row)
    assert cells == ["'" + FORMULA]


# --- Creating and editing with spend entries ------------------------------------------------


def test_hub_comms_create_a_regional_campaign_with_spend(people, client, councils):
    client.force_login(people["hub_comms"])
    response = client.post(reverse("campaigns:add"), campaign_form())
    assert response.status_code == 302, parse(response).text[:2000]
    campaign = Campaign.objects.get(code="libraries-posters")
    assert campaign.is_regional
    assert campaign.short_code == "lib26"
    assert [(e.amount, e.description) for e in campaign.spend.all()] == [
        (Decimal("450.00"), "A3 posters")
    ]
    assert campaign.total_spend() == Decimal("450.00")


def test_a_negative_spend_is_refused(people, client):
    client.force_login(people["hub_comms"])
    data = campaign_form(
        spend=inline_formset([{"spent_on": "2026-01-05", "amount": "-10", "description": ""}])
    )
    response = client.post(reverse("campaigns:add"), data)
    assert response.status_code == 200
    assert not Campaign.objects.filter(code="libraries-posters").exists()


def test_hub_comms_edit_any_campaign_and_add_spend(people, campaigns, client):
    client.force_login(people["hub_comms"])
    campaign = campaigns["nottingham"]
    assert client.get(reverse("campaigns:edit", args=[campaign.pk])).status_code == 200
    data = campaign_form(
        name="Nottingham teenagers (extended)",
        code=campaign.code,
        council=str(campaign.council_id),
        short_code="",
        start_date=campaign.start_date.isoformat(),
        end_date=campaign.end_date.isoformat(),
    )
    response = client.post(reverse("campaigns:edit", args=[campaign.pk]), data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Nottingham teenagers (extended)"
    assert campaign.total_spend() == Decimal("450.00")


def test_the_inspect_page_shows_the_tagged_url_short_link_and_qr_code(people, campaigns, client):
    landing = StandardPageFactory(title="Foster teenagers", slug="foster-teenagers")
    campaign = campaigns["regional"]
    campaign.landing_page = landing
    campaign.save()
    client.force_login(people["hub_comms"])
    response = client.get(reverse("campaigns:inspect", args=[campaign.pk]))
    assert response.status_code == 200
    page = parse(response)
    assert page.has_text(
        f"{ROOT}/foster-teenagers/?utm_source=heart-radio&utm_medium=radio"
        "&utm_campaign=hub-winter-radio"
    )
    assert page.has_text(f"{ROOT}/go/radio26/")
    assert page.has_text(f"QR code that opens {ROOT}/go/radio26/")
    assert re.search(r'<svg role="img"[^>]*>\s*<title>QR code that opens', response.text)
    hrefs = {link.href for link in page.links}
    assert reverse("campaigns:qr", args=[campaign.pk, "svg"]) in hrefs
    assert reverse("campaigns:qr", args=[campaign.pk, "png"]) in hrefs


# --- QR codes ----------------------------------------------------------------------------------


def test_the_qr_code_downloads_as_svg_and_png(people, campaigns, client):
    client.force_login(people["hub_comms"])
    campaign = campaigns["derby"]

    svg = client.get(reverse("campaigns:qr", args=[campaign.pk, "svg"]))
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert 'filename="derby-bus-sides-qr.svg"' in svg["Content-Disposition"]
    body = svg.content.decode()
    assert re.search(r"<svg\b[^>]*xmlns=\"http://www.w3.org/2000/svg\"", body)
    assert body.rstrip().endswith("</svg>")

    png = client.get(reverse("campaigns:qr", args=[campaign.pk, "png"]))
    assert png.status_code == 200
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png.content))
    image.load()
    # Big enough to print: at least 25 modules plus the 4-module quiet zone each side, 20 px each.
    assert image.width == image.height >= (25 + 8) * 20
    # The quiet zone is white.
    assert image.convert("L").getpixel((5, 5)) == 255

    assert client.get(reverse("campaigns:qr", args=[campaign.pk, "gif"])).status_code == 404


def test_a_campaign_without_a_short_code_gets_a_qr_code_of_its_tagged_url(
    people, campaigns, client
):
    campaign = campaigns["nottingham"]
    client.force_login(people["hub_comms"])
    page = parse(client.get(reverse("campaigns:inspect", args=[campaign.pk])))
    assert page.has_text(
        f"QR code that opens {ROOT}/?utm_source=facebook&utm_medium=paid-social"
        "&utm_campaign=nottingham-teenagers"
    )


# --- The link builder -------------------------------------------------------------------------


def test_the_link_builder_adds_content_and_landing_page(people, campaigns, client):
    landing = StandardPageFactory(title="Fostering in libraries", slug="libraries")
    client.force_login(people["hub_comms"])
    builder = reverse("campaigns:link_builder")
    assert client.get(builder).status_code == 200
    params = {
        "campaign": campaigns["regional"].pk,
        "utm_content": "poster-a3-library",
        "landing_page": landing.pk,
    }
    response = client.get(f"{builder}?{urlencode(params)}")
    assert response.status_code == 200
    expected = (
        f"{ROOT}/libraries/?utm_source=heart-radio&utm_medium=radio"
        "&utm_campaign=hub-winter-radio&utm_content=poster-a3-library"
    )
    page = parse(response)
    assert page.has_text(expected)
    assert page.has_text(f"QR code that opens {expected}")

    png = client.get(f"{reverse('campaigns:link_builder_qr', args=['png'])}?{urlencode(params)}")
    assert png["Content-Type"] == "image/png"
    assert 'filename="hub-winter-radio-poster-a3-library-qr.png"' in png["Content-Disposition"]
    Image.open(io.BytesIO(png.content)).load()


def test_the_link_builder_refuses_tags_that_are_not_tag_shaped(people, campaigns, client):
    client.force_login(people["hub_comms"])
    params = {"campaign": campaigns["regional"].pk, "utm_content": "Poster A3!"}
    response = client.get(f"{reverse('campaigns:link_builder')}?{urlencode(params)}")
    assert response.status_code == 200
    assert not parse(response).has_text("QR code that opens")
    url = f"{reverse('campaigns:link_builder_qr', args=['svg'])}?{urlencode(params)}"
    assert client.get(url).status_code == 404


# --- A council's comms officers: their own council's local campaigns only --------------------


def test_council_comms_see_only_their_councils_campaigns(people, campaigns, client):
    client.force_login(people["derby_comms"])
    assert listed(client.get(index_url())) == ["Derby bus sides"]
    assert listed(client.get(index_url(owner="regional"))) == []
    assert [row["Name"] for row in exported(client)] == ["Derby bus sides"]


@pytest.mark.parametrize("other", ["regional", "nottingham"])
def test_council_comms_get_a_404_for_other_campaigns(people, campaigns, client, other):
    client.force_login(people["derby_comms"])
    pk = campaigns[other].pk
    for url in (
        reverse("campaigns:edit", args=[pk]),
        reverse("campaigns:delete", args=[pk]),
        reverse("campaigns:inspect", args=[pk]),
        reverse("campaigns:qr", args=[pk, "svg"]),
        reverse("campaigns:qr", args=[pk, "png"]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("campaigns:delete", args=[pk])).status_code == 404
    assert Campaign.objects.filter(pk=pk).exists()
    builder = f"{reverse('campaigns:link_builder')}?campaign={pk}"
    assert not parse(client.get(builder)).has_text("QR code that opens")


def test_council_comms_manage_their_own_campaign(people, campaigns, client, councils):
    client.force_login(people["derby_comms"])
    campaign = campaigns["derby"]
    assert client.get(reverse("campaigns:inspect", args=[campaign.pk])).status_code == 200
    assert client.get(reverse("campaigns:qr", args=[campaign.pk, "svg"])).status_code == 200
    response = client.post(
        reverse("campaigns:delete", args=[campaign.pk]),
    )
    assert response.status_code == 302
    assert not Campaign.objects.filter(pk=campaign.pk).exists()


def test_council_comms_create_campaigns_only_for_their_own_council(people, councils, client):
    client.force_login(people["derby_comms"])
    form = client.get(reverse("campaigns:add")).text
    council_select = re.search(r'<select name="council".*?</select>', form, re.S).group(0)
    assert "Derby City Council" in council_select
    assert "Nottingham City Council" not in council_select

    # Not regional, not another council's.
    response = client.post(reverse("campaigns:add"), campaign_form(council=""))
    assert response.status_code == 200
    response = client.post(
        reverse("campaigns:add"), campaign_form(council=str(councils["nottingham"].pk))
    )
    assert response.status_code == 200
    assert not Campaign.objects.exists()

    response = client.post(
        reverse("campaigns:add"), campaign_form(council=str(councils["derby"].pk))
    )
    assert response.status_code == 302
    assert Campaign.objects.get().council == councils["derby"]


def test_council_comms_cannot_move_their_campaign_to_another_council(
    people, campaigns, councils, client
):
    client.force_login(people["derby_comms"])
    campaign = campaigns["derby"]
    data = campaign_form(
        code=campaign.code, council=str(councils["nottingham"].pk), short_code="bus26"
    )
    response = client.post(reverse("campaigns:edit", args=[campaign.pk]), data)
    assert response.status_code == 200
    campaign.refresh_from_db()
    assert campaign.council == councils["derby"]


# --- Marketing leads: read-only ----------------------------------------------------------------


def test_marketing_leads_see_every_campaign_but_change_none(people, campaigns, client):
    client.force_login(people["marketing"])
    assert sorted(listed(client.get(index_url()))) == [
        "Derby bus sides",
        "Hub winter radio",
        "Nottingham teenagers",
    ]
    pk = campaigns["derby"].pk
    assert client.get(reverse("campaigns:inspect", args=[pk])).status_code == 200
    assert client.get(reverse("campaigns:qr", args=[pk, "png"])).status_code == 200
    assert_refused(client.get(reverse("campaigns:edit", args=[pk])))
    assert_refused(client.get(reverse("campaigns:add")))
    assert_refused(client.post(reverse("campaigns:delete", args=[pk])))
    assert Campaign.objects.filter(pk=pk).exists()
    assert not parse(client.get(index_url())).has_text("Add campaign")


def test_people_without_a_campaign_role_are_refused(people, campaigns, client):
    client.force_login(people["hub"])  # a hub enquiry officer
    assert_refused(client.get(index_url()))
    response = client.get(reverse("campaigns:qr", args=[campaigns["regional"].pk, "svg"]))
    assert response.status_code in (302, 403)
    assert client.get(reverse("campaigns:link_builder")).status_code in (302, 403)


def test_sync_roles_stays_idempotent_with_campaign_permissions(councils):
    marketing = Group.objects.get(name=MARKETING_LEADS)
    before = set(marketing.permissions.values_list("codename", flat=True))
    sync_roles()
    sync_roles()
    assert set(marketing.permissions.values_list("codename", flat=True)) == before
    assert {"view_campaign", "view_all_campaigns"} <= before
    assert "change_campaign" not in before


def test_a_campaign_that_brought_enquiries_cannot_be_deleted(people, campaigns, client):
    from enquiry.models import Enquiry
    from enquiry.tests.factories import EnquiryFactory

    campaign = campaigns["derby"]
    enquiry = EnquiryFactory(council=campaign.council)
    Enquiry.objects.filter(pk=enquiry.pk).update(campaign=campaign)
    client.force_login(people["hub_comms"])
    response = client.post(reverse("campaigns:delete", args=[campaign.pk]), follow=True)
    assert parse(response).has_text("brought 1 enquiry")
    assert Campaign.objects.filter(pk=campaign.pk).exists()


def test_spend_entries_keep_their_dates(campaigns):
    SpendEntryFactory(campaign=campaigns["derby"], spent_on=date(2026, 3, 1), amount=Decimal(5))
    assert campaigns["derby"].spend.filter(spent_on=date(2026, 3, 1)).count() == 1


# --- Audience focus: each type of fostering once ------------------------------------------------


def choice_labels(response, name: str) -> dict[str, str]:
    """{value: label} of a form's choices for `name` (a select's options or its checkboxes)."""
    document = soup(response)
    options = document.select(f'select[name="{name}"] option')
    if options:
        return {o["value"]: clean(o.get_text()) for o in options if o["value"]}
    boxes = document.select(f'input[name="{name}"]')
    return {box["value"]: clean(box.find_parent("label").get_text()) for box in boxes}


@pytest.fixture
def fostering_types(home):
    """Three types of fostering, each with its Polish and Urdu copy (as on the demo site)."""
    made = [
        FosteringTypePageFactory(title=title)
        for title in ("Teenagers", "Parent and child", "Short breaks")
    ]
    synchronise_trees()
    assert FosteringTypePage.objects.count() == 9  # the English, the Polish and the Urdu pages
    return made


def test_audience_focus_lists_each_type_of_fostering_once(people, fostering_types, client):
    client.force_login(people["hub_comms"])
    choices = choice_labels(client.get(reverse("campaigns:add")), "audience_focus")
    # The English originals (what reports and every language's pages point at), in the
    # editors' order.
    assert list(choices.values()) == ["Teenagers", "Parent and child", "Short breaks"]
    assert set(choices) == {str(page.pk) for page in fostering_types}

    data = campaign_form()
    data["audience_focus"] = [str(fostering_types[0].pk)]
    response = client.post(reverse("campaigns:add"), data)
    assert response.status_code == 302
    chosen = Campaign.objects.get(code="libraries-posters").audience_focus.get()
    assert chosen == fostering_types[0]


def test_a_copy_chosen_before_stays_chosen_when_the_campaign_is_saved(
    people, campaigns, fostering_types, client
):
    """Before the list showed originals only, someone may have ticked a Polish copy: saving the
    campaign for another reason must not silently drop it."""
    polish = FosteringTypePage.objects.get(
        translation_key=fostering_types[1].translation_key, locale__language_code="pl"
    )
    campaign = campaigns["nottingham"]
    campaign.audience_focus.set([polish])
    campaign.save()
    client.force_login(people["hub_comms"])
    choices = choice_labels(
        client.get(reverse("campaigns:edit", args=[campaign.pk])), "audience_focus"
    )
    assert list(choices.values()).count("Parent and child") == 2  # the original and the copy
    assert len(choices) == 4
    data = campaign_form(
        name=campaign.name,
        code=campaign.code,
        council=str(campaign.council_id),
        short_code="",
        start_date=campaign.start_date.isoformat(),
        end_date=campaign.end_date.isoformat(),
    )
    data["audience_focus"] = [str(polish.pk)]
    assert client.post(reverse("campaigns:edit", args=[campaign.pk]), data).status_code == 302
    assert list(Campaign.objects.get(pk=campaign.pk).audience_focus.all()) == [polish]


# --- Who owns a campaign -----------------------------------------------------------------------


def inspected(response) -> dict[str, str]:
    """{label: value} of an inspect page's fields."""
    document = soup(response)
    return {
        clean(dt.get_text()): clean(dt.find_next_sibling("dd").get_text())
        for dt in document.select("dl dt")
    }


def test_a_regional_campaign_is_owned_by_the_hub(people, campaigns, client):
    client.force_login(people["hub_comms"])
    regional = inspected(client.get(reverse("campaigns:inspect", args=[campaigns["regional"].pk])))
    assert regional["Owner"] == "The hub (regional)"
    local = inspected(client.get(reverse("campaigns:inspect", args=[campaigns["derby"].pk])))
    assert local["Owner"] == "Derby City Council"
    assert parse(client.get(index_url(owner="regional"))).has_text("The hub (regional)")


# --- Links and QR codes only for the public address -------------------------------------------

WARNING = "which is not the site's public https address"


def use_site_address(hostname: str, port: int) -> None:
    """Set the default site's address, which every link and QR code is built on."""
    Site.objects.filter(is_default_site=True).update(hostname=hostname, port=port)


@pytest.mark.parametrize(
    ("hostname", "port", "address"),
    [
        ("localhost", 80, "http://localhost"),  # the tests' own default site
        ("localhost", 8000, "http://localhost:8000"),
        ("127.0.0.1", 443, "https://127.0.0.1"),
        ("192.168.1.20", 443, "https://192.168.1.20"),
        ("fosterhub.local", 443, "https://fosterhub.local"),
        ("fosterhub.example.org", 80, "http://fosterhub.example.org"),
    ],
)
def test_the_campaign_and_qr_screens_warn_while_the_site_address_is_not_public(
    people, campaigns, client, hostname, port, address
):
    use_site_address(hostname, port)
    client.force_login(people["hub_comms"])
    inspect = parse(client.get(reverse("campaigns:inspect", args=[campaigns["regional"].pk])))
    assert inspect.has_text(f"QR code that opens {address}/go/radio26/")
    assert inspect.has_text(f"open {address}, {WARNING}")
    builder = reverse("campaigns:link_builder")
    built = parse(client.get(f"{builder}?campaign={campaigns['regional'].pk}"))
    assert built.has_text(f"open {address}, {WARNING}")


def test_no_warning_once_the_site_has_its_public_https_address(people, campaigns, client):
    use_site_address("fosterhub.example.org", 443)
    client.force_login(people["hub_comms"])
    inspect = parse(client.get(reverse("campaigns:inspect", args=[campaigns["regional"].pk])))
    assert inspect.has_text("QR code that opens https://fosterhub.example.org/go/radio26/")
    assert not inspect.has_text(WARNING)
    builder = reverse("campaigns:link_builder")
    built = parse(client.get(f"{builder}?campaign={campaigns['regional'].pk}"))
    assert built.has_text("https://fosterhub.example.org/?utm_source=heart-radio")
    assert not built.has_text(WARNING)
