"""Short links printed on posters, bus sides and event flyers: /go/<code>/.

A short link must always lead somewhere (a poster outlives its campaign and people mistype), carry
the campaign's tags plus `hub_link=short` to the landing page, and record nothing itself.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from attribution.tests.factories import CampaignFactory
from councils.tests.factories import CouncilFactory
from home.tests.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bus_campaign(home):
    landing = StandardPageFactory(parent=home, title="Foster in Derby", slug="foster-in-derby")
    return CampaignFactory(
        code="derby-bus-sides",
        council=CouncilFactory(name="Derby City Council"),
        channel="offline",
        source="bus-side",
        medium="outdoor",
        short_code="bus26",
        landing_page=landing,
    )


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_a_short_link_redirects_to_the_tagged_landing_page(bus_campaign, client):
    response = client.get("/go/bus26/")
    assert response.status_code == 302
    assert urlsplit(response.url).path == "/foster-in-derby/"
    assert query(response.url) == {
        "utm_source": ["bus-side"],
        "utm_medium": ["outdoor"],
        "utm_campaign": ["derby-bus-sides"],
        "hub_link": ["short"],
    }
    assert client.get(response.url).status_code == 200


def test_a_short_link_typed_in_capitals_still_works(bus_campaign, client):
    response = client.get("/go/BUS26/")
    assert response.status_code == 302
    assert query(response.url)["utm_campaign"] == ["derby-bus-sides"]


def test_a_campaign_that_has_ended_still_redirects(bus_campaign, client):
    today = timezone.localdate()
    bus_campaign.start_date = today - timedelta(days=100)
    bus_campaign.end_date = today - timedelta(days=40)
    bus_campaign.save()
    response = client.get("/go/bus26/")
    assert response.status_code == 302
    assert query(response.url)["hub_link"] == ["short"]


def test_an_unknown_code_goes_to_the_home_page_without_tags(home, client):
    response = client.get("/go/no-such-poster/")
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get(response.url).status_code == 200


def test_a_campaign_whose_landing_page_is_unpublished_goes_home_with_its_tags(bus_campaign, client):
    bus_campaign.landing_page.unpublish()
    response = client.get("/go/bus26/")
    assert response.status_code == 302
    assert urlsplit(response.url).path == "/"
    assert query(response.url)["utm_campaign"] == ["derby-bus-sides"]


@pytest.mark.parametrize("code", ["bus26", "unknown"])
def test_the_redirect_sets_no_cookie_records_nothing_and_may_be_cached_briefly(
    bus_campaign, client, code
):
    sessions = Session.objects.count()
    response = client.get(
        f"/go/{code}/", HTTP_REFERER="https://www.facebook.com/", HTTP_USER_AGENT="Poster scan"
    )
    assert response.status_code == 302
    assert not response.cookies
    assert "Set-Cookie" not in response
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=300"} <= cache_control
    assert Session.objects.count() == sessions
    # No personal data rides along: only the campaign's own tags.
    assert "facebook" not in response.url
    assert set(query(response.url)) <= {"utm_source", "utm_medium", "utm_campaign", "hub_link"}


def test_short_links_have_one_address_whatever_the_language(bus_campaign, client):
    """Printed once, in English: the link has no language prefix and no other form."""
    assert client.get("/pl/go/bus26/").status_code == 404
    assert client.get("/go/bus26/").status_code == 302
