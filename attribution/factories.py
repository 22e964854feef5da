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

from .classification import Channel
from .models import Campaign, SpendEntry


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
