"""A campaign's history, and campaigns in Reports → Site history, follow the campaign row rule.

`attribution.access.visible_campaigns`: hub comms officers and marketing leads see every
campaign, a council's comms officers their own council's only. Another campaign's history
answers 404 like its edit page; the site history shows a council's comms officer only their
own council's campaigns' entries (a campaign's name, what was done, by whom). Wagtail's usage
page is switched off: campaigns are not in the reference index, so it only ever said "not used".
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from wagtail.log_actions import log

from attribution.tests.factories import CampaignFactory
from testkit.admin import site_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaigns(councils, people):
    """Three campaigns, each edited once by a hub comms officer."""
    made = {
        "regional": CampaignFactory(name="Hub winter radio"),
        "derby": CampaignFactory(name="Derby bus sides", council=councils["derby"]),
        "nottingham": CampaignFactory(name="Nottingham teenagers", council=councils["nottingham"]),
    }
    for campaign in made.values():
        log(campaign, "wagtail.edit", user=people["hub_comms"])
    return made


def usage_url(campaign) -> str:
    return f"{reverse('campaigns:index')}usage/{campaign.pk}/"


@pytest.mark.parametrize("other", ["regional", "nottingham"])
def test_another_campaigns_history_and_usage_are_404_for_a_council_comms_officer(
    other, campaigns, client_as
):
    client = client_as("derby_comms")
    campaign = campaigns[other]
    for url in (
        reverse("campaigns:history", args=[campaign.pk]),
        reverse("campaigns:history_results", args=[campaign.pk]),
        usage_url(campaign),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert campaign.name not in response.content.decode()


def test_council_comms_officers_read_their_own_campaigns_history(campaigns, client_as):
    response = client_as("derby_comms").get(
        reverse("campaigns:history", args=[campaigns["derby"].pk])
    )
    assert response.status_code == 200
    assert "hub-comms" in response.content.decode()  # who edited it


def test_no_campaign_has_a_usage_page(campaigns, client_as):
    assert client_as("hub_comms").get(usage_url(campaigns["regional"])).status_code == 404


def campaign_entries(client) -> list[str]:
    return sorted(entry["name"] for entry in site_history(client) if entry["type"] == "Campaign")


def exported_campaign_entries(client) -> list[str]:
    response = client.get(reverse("wagtailadmin_reports:site_history"), {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return sorted(
        row["Name"] for row in csv.DictReader(io.StringIO(text)) if row["Type"] == "Campaign"
    )


def test_site_history_shows_council_comms_only_their_councils_campaigns(campaigns, client_as):
    assert campaign_entries(client_as("derby_comms")) == ["Derby bus sides"]
    assert exported_campaign_entries(client_as("derby_comms")) == ["Derby bus sides"]
    every = sorted(campaign.name for campaign in campaigns.values())
    assert campaign_entries(client_as("hub_comms")) == every
    assert campaign_entries(client_as("marketing")) == every  # they read every campaign
    assert campaign_entries(client_as("derby")) == []  # fostering staff: no campaigns


def test_each_campaign_entry_links_to_its_edit_page_for_those_who_may_edit_it(campaigns, client_as):
    entries = {e["name"]: e["link"] for e in site_history(client_as("derby_comms"))}
    assert entries["Derby bus sides"] == reverse("campaigns:edit", args=[campaigns["derby"].pk])
