"""Test and demo factories for campaigns and their spend.

`CampaignFactory()` makes a regional (hub) campaign that is running today; pass `council=` for a
local one, `landing_page=` to lead somewhere other than the home page, and `short_code=` for a
/go/ link (none by default, as most online campaigns have none).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from attribution.classification import Channel
from attribution.models import Campaign, SpendEntry


class CampaignFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Winter campaign {n}")
    code = factory.Sequence(lambda n: f"winter-{n}")
    council = None
    channel = Channel.PAID_SOCIAL.value
    source = "facebook"
    medium = "paid-social"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    end_date = None
    landing_page = None
    short_code = None

    class Meta:
        model = Campaign


class SpendEntryFactory(DjangoModelFactory):
    campaign = factory.SubFactory(CampaignFactory)
    spent_on = factory.LazyAttribute(lambda entry: entry.campaign.start_date)
    amount = Decimal("250.00")
    description = "Boosted posts"

    class Meta:
        model = SpendEntry


class AttributedEnquiryFactory(DjangoModelFactory):
    """An enquiry as the reports see it, saved directly (no history, consents or outbox).

    For report fixtures only: pass `created_at`, `council`, `campaign` (owner and owning council
    follow from it), `channel`, `first_channel`, `heard_about` and milestone dates
    (`contacted_on`, `visit_done_on`, `application_on`, `approved_on` ...). Enquiries people
    make go through `enquiry.services.record_enquiry` (see `enquiry.tests.factories.EnquiryFactory`).
    """

    reference = factory.Sequence(lambda n: f"TEST-{n:06d}")
    created_at = factory.LazyFunction(timezone.now)
    first_name = "Report"
    last_name = "Fixture"
    email = factory.Sequence(lambda n: f"report{n}@example.org")
    phone = "07700 900000"
    postcode = "DE1 1AA"
    spare_bedroom = "yes"
    contact_method = "phone"
    contact_time = "any"
    council = None
    campaign = None
    owner = factory.LazyAttribute(
        lambda o: (
            "" if o.campaign is None else "regional" if o.campaign.council_id is None else "local"
        )
    )
    owner_council = factory.LazyAttribute(lambda o: o.campaign.council if o.campaign else None)
    channel = Channel.DIRECT.value
    first_channel = factory.LazyAttribute(lambda o: o.channel)
    first_campaign = factory.LazyAttribute(lambda o: o.campaign)
    ruleset_version = "test"

    class Meta:
        model = "enquiry.Enquiry"
