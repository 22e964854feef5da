"""Links that editors set never lead visitors to a 404 or run script in their browser."""

from __future__ import annotations

import pytest
from wagtail import blocks
from wagtail.models import Site

from core.blocks import LinkBlock, is_safe_link
from councils.models import HubSettings
from councils.tests.factories import CouncilPageFactory
from home.models import NavigationSettings
from home.tests.factories import StandardPageFactory
from testkit.html import parse


@pytest.mark.parametrize(
    "address",
    [
        "https://www.derby.gov.uk/fostering",
        "http://example.org",
        "mailto:hello@hub.example",
        "tel:03001234567",
        "/enquire/",
        "/enquire/?council=derby",
        "#steps",
    ],
)
def test_web_email_phone_and_site_addresses_are_allowed(address):
    assert is_safe_link(address)
    value = LinkBlock().clean(LinkBlock().to_python({"label": "Go", "external_url": address}))
    assert value.url() == address


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html,<b>hi</b>",
        "//evil.example/",
        "vbscript:msgbox",
        "https://exa mple.org",
        "ftp://files.example",
    ],
)
def test_script_and_other_addresses_are_refused_with_a_clear_error(address):
    block = LinkBlock()
    with pytest.raises(blocks.StructBlockValidationError) as error:
        block.clean(block.to_python({"label": "Go", "external_url": address}))
    assert "external_url" in error.value.block_errors
    # A bad address stored before this rule existed is not rendered either.
    assert block.to_python({"label": "Go", "external_url": address}).url() == ""


@pytest.fixture
def hub(home):
    return HubSettings.for_site(Site.objects.get(is_default_site=True))


@pytest.mark.django_db
def test_links_to_unpublished_pages_disappear(client, home, hub):
    enquire = StandardPageFactory(parent=home, title="Get in touch", slug="get-in-touch")
    faqs = StandardPageFactory(parent=home, title="FAQs", slug="faqs")
    hub.enquiry_page = enquire
    hub.phone_number = "0300 123 4567"
    hub.save()
    navigation = NavigationSettings.for_site(hub.site)
    navigation.main_menu = [
        {"type": "link", "value": {"label": "FAQs", "page": faqs.pk, "external_url": ""}}
    ]
    navigation.save()

    page = parse(client.get("/"))
    assert page.links_to("/get-in-touch/") and page.links_to("/faqs/")

    enquire.unpublish()
    faqs.unpublish()
    page = parse(client.get("/"))
    assert not page.links_to("/get-in-touch/")
    assert not page.links_to("/faqs/")
    assert not page.links_to(""), "no empty links are left behind"
    assert page.links_to("tel:03001234567"), "the phone number is still there to help"


@pytest.mark.django_db
def test_council_enquire_button_uses_the_hubs_enquiry_page(client, home, hub):
    hub.enquiry_page = StandardPageFactory(parent=home, slug="get-in-touch")
    hub.save()
    council_page = CouncilPageFactory(
        council__name="Derby City Council", council__short_name="derby"
    )
    page = parse(client.get(council_page.url))
    assert page.links_to("/get-in-touch/?council=derby")

    hub.enquiry_page.unpublish()
    page = parse(client.get(council_page.url))
    assert not page.has_text("Enquire to foster for Derby City Council")


@pytest.mark.parametrize(
    ("number", "href"),
    [
        ("0300 123 4567", "tel:03001234567"),
        ("+44 (0)300 123 4567", "tel:+443001234567"),
        ("0300 123 4567 (option 2)", "tel:03001234567"),
        ("01332 640000 ext. 12", "tel:01332640000"),
        ("", ""),
    ],
)
def test_phone_links_dial_the_number_as_written(number, href):
    assert HubSettings(phone_number=number).phone_href == href
