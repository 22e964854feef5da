"""`manage.py seed_enquiries`: synthetic enquiries shaped like real ones, for benchmarks and demos.

Run on the test PostgreSQL (the COPY path), with two councils, two "How did you hear about us?"
answers and no campaigns, so the command makes its own "Seed:" campaigns.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from attribution.models import Campaign, SpendEntry
from enquiry.models import JOURNEY, MILESTONE_FIELDS, Enquiry, Stage
from enquiry.tests.factories import HearAboutOptionFactory

pytestmark = pytest.mark.django_db

ORDER = ["contacted_on", "visit_booked_on", "visit_done_on", "application_on", "approved_on"]


@pytest.fixture
def seeded(councils):
    HearAboutOptionFactory(label="Social media", matching_channels=["paid-social"])
    HearAboutOptionFactory(label="Search engine", matching_channels=["organic-search"])
    out = io.StringIO()
    call_command("seed_enquiries", "--count", "500", "--batch-size", "120", stdout=out)
    return out.getvalue()


def test_it_creates_the_enquiries_and_seed_campaigns_and_says_what_it_did(seeded, councils):
    assert Enquiry.objects.count() == 500
    assert "Created 500 synthetic enquiries" in seeded
    assert "By owner:" in seeded and "By stage:" in seeded
    seed_campaigns = Campaign.objects.filter(name__startswith="Seed:")
    # Five regional campaigns and three local ones per council, each with monthly spend (one
    # campaign, the council newsletter, costs nothing).
    assert seed_campaigns.regional().count() == 5
    assert seed_campaigns.filter(council=councils["derby"]).count() == 3
    assert SpendEntry.objects.filter(campaign__in=seed_campaigns).exists()

    enquiries = Enquiry.objects.all()
    assert set(enquiries.values_list("first_name", "last_name").distinct()) == {
        ("Synthetic", "Enquirer")
    }
    assert not enquiries.exclude(email__regex=r"^seed-[0-9]+@example\.invalid$").exists()
    # Spread over councils, not sure yet, owners, channels and stages.
    assert enquiries.filter(council__isnull=True).exists()
    assert enquiries.filter(council=councils["derby"]).exists()
    assert set(enquiries.values_list("owner", flat=True)) == {"regional", "local", ""}
    assert enquiries.values("channel").distinct().count() >= 6
    assert enquiries.exclude(first_channel="").exclude(first_channel=models_f("channel")).exists()
    assert enquiries.filter(heard_about__isnull=False).exists()
    assert enquiries.filter(contacted_on__isnull=False).count() > 150
    # Nobody in the future, nobody older than 24 months.
    now = timezone.now()
    assert not enquiries.filter(created_at__gt=now).exists()
    assert not enquiries.filter(created_at__lt=now - timedelta(days=24 * 31)).exists()


def models_f(name: str):
    from django.db.models import F

    return F(name)


def test_references_are_unique_and_continue_on_a_second_run(seeded):
    first = set(Enquiry.objects.values_list("reference", flat=True))
    call_command("seed_enquiries", "--count", "300", stdout=io.StringIO())
    references = list(Enquiry.objects.values_list("reference", "created_at"))
    assert len(references) == len({reference for reference, _at in references}) == 800
    numbers = []
    for reference, created_at in references:
        match = re.fullmatch(r"SEED-(\d{4})-(\d{7})", reference)
        assert match, reference
        assert int(match.group(1)) == timezone.localtime(created_at).year
        numbers.append(int(match.group(2)))
    assert sorted(numbers) == list(range(1, 801))
    second = {r for r, _at in references} - first
    assert min(int(r[-7:]) for r in second) == 501
    # The second run reuses the seed campaigns rather than making more.
    assert Campaign.objects.filter(name__startswith="Seed:").regional().count() == 5


def test_milestones_are_in_order_after_the_enquiry_and_match_the_stage(seeded):
    today = timezone.localdate()
    stages = set()
    for enquiry in Enquiry.objects.all():
        received = timezone.localdate(enquiry.created_at)
        dates = [getattr(enquiry, name) for name in ORDER]
        reached = [d for d in dates if d is not None]
        # No gaps: a later milestone implies every earlier one.
        assert dates[: len(reached)] == reached, enquiry.reference
        assert reached == sorted(reached)
        assert all(received <= d <= today for d in reached)
        if enquiry.approved_on:
            assert enquiry.approved_on >= received + timedelta(days=183)
        stages.add(enquiry.stage)
        if enquiry.stage == Stage.CLOSED:
            assert enquiry.closed_reason and enquiry.closed_on
            assert enquiry.closed_on >= (reached[-1] if reached else received)
            assert enquiry.closed_on <= today
        else:
            assert not enquiry.closed_reason and enquiry.closed_on is None
        if enquiry.stage in JOURNEY:
            assert enquiry.stage == enquiry.furthest_stage
        if enquiry.stage == Stage.KEEP_IN_TOUCH:
            assert enquiry.approved_on is None
        if enquiry.council_id and enquiry.contacted_on:
            assert enquiry.handed_over_on == enquiry.contacted_on
    assert {Stage.NEW, Stage.CONTACTED, Stage.CLOSED} <= stages
    # The funnel narrows as in real life (roughly 60 % contacted, 25 % initial visit).
    total = Enquiry.objects.count()
    contacted = Enquiry.objects.filter(contacted_on__isnull=False).count()
    visits = Enquiry.objects.filter(visit_done_on__isnull=False).count()
    applications = Enquiry.objects.filter(application_on__isnull=False).count()
    assert 0.45 * total < contacted < 0.7 * total
    assert 0.12 * total < visits < 0.32 * total
    assert applications < visits
    assert MILESTONE_FIELDS[Stage.APPROVED] == "approved_on"


def test_owner_follows_the_campaign(seeded):
    for enquiry in Enquiry.objects.select_related("campaign"):
        if enquiry.campaign is None:
            assert enquiry.owner == "" and enquiry.owner_council_id is None
        elif enquiry.campaign.council_id is None:
            assert enquiry.owner == "regional" and enquiry.owner_council_id is None
        else:
            assert enquiry.owner == "local"
            assert enquiry.owner_council_id == enquiry.campaign.council_id
            assert enquiry.channel == enquiry.campaign.channel
        if enquiry.council_id:
            assert enquiry.postcode_district in enquiry.council.districts
            assert enquiry.postcode.startswith(enquiry.postcode_district + " ")


def test_it_refuses_where_demo_content_is_not_allowed(councils, settings):
    settings.DEMO_CONTENT_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_CONTENT_ALLOWED is False"):
        call_command("seed_enquiries", "--count", "10", stdout=io.StringIO())
    assert not Enquiry.objects.exists()
    assert not Campaign.objects.exists()


def test_it_needs_councils(db):
    with pytest.raises(CommandError, match="no active councils"):
        call_command("seed_enquiries", "--count", "10", stdout=io.StringIO())


def test_a_big_load_rebuilds_the_indexes_and_keys_it_dropped(councils, monkeypatch):
    """Above the threshold the plain indexes and foreign keys are dropped for the COPY and put
    back: afterwards the table has exactly the indexes and constraints it had."""
    from django.db import connection

    from enquiry.management.commands import seed_enquiries

    def indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'enquiry_enquiry'"
            )
            found = sorted(cursor.fetchall())
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'enquiry_enquiry'::regclass"
            )
            return found + sorted(cursor.fetchall())

    before = indexes()
    assert any("created_at" in definition for _name, definition in before)
    assert any("FOREIGN KEY (council_id)" in definition for _name, definition in before)
    monkeypatch.setattr(seed_enquiries, "REBUILD_INDEXES_FROM", 100)
    call_command("seed_enquiries", "--count", "200", stdout=io.StringIO())
    assert Enquiry.objects.count() == 200
    assert indexes() == before
