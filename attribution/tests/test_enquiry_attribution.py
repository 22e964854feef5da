"""Every enquiry is attributed when it is saved: first and last touch, campaign, owner, channel.

A person who arrives from a council's campaign, browses and then enquires counts for that
council (local); one who scans a hub poster's QR code counts for the hub (regional, offline).
A tagged visit that lands on the form itself is attributed even when nothing may be stored on
the device. Staff recording a phone call pick the campaign and channel by hand. When the rules
change, a command reclassifies stored enquiries from the touches they kept.
"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from attribution import capture
from attribution.classification import RULESET_VERSION
from attribution.consent import COOKIE_NAME as CHOICES_COOKIE
from attribution.models import Campaign
from councils.tests.factories import CouncilFactory
from enquiry.models import Enquiry
from enquiry.tests.factories import EnquiryFactory, HearAboutOptionFactory
from testkit.admin import staff_enquiry
from testkit.html import soup

pytestmark = pytest.mark.django_db

URL = "/enquire/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def derby(db):
    return CouncilFactory(
        name="Derby City Council", short_name="derby", website_domains="derby.gov.uk"
    )


@pytest.fixture
def local_campaign(derby):
    return Campaign.objects.create(
        name="Derby teenagers winter 2026",
        code="derby-teens-2026",
        council=derby,
        channel="paid-social",
        source="facebook",
        medium="paid-social",
        start_date=datetime.date(2026, 10, 1),
    )


@pytest.fixture
def regional_campaign(db):
    return Campaign.objects.create(
        name="Hub bus sides",
        code="hub-bus-2026",
        council=None,
        channel="offline",
        source="bus-side",
        medium="outdoor",
        start_date=datetime.date(2026, 9, 1),
        short_code="bus26",
    )


def answers(page_response, **overrides) -> dict:
    """A valid enquiry, with the hidden fields the form page carried."""
    page = soup(page_response)
    data = {
        tag["name"]: tag["value"] for tag in page.select("form.enquiry-form input[type=hidden]")
    }
    data.update(
        {
            "first_name": "Sam",
            "last_name": "Okafor",
            "email": "sam.okafor@example.org",
            "phone": "07700 900982",
            "postcode": "DE1 2AB",
            "council": "not-sure",
            "spare_bedroom": "yes",
            "contact_method": "phone",
            "contact_time": "evening",
            "website": "",
        }
    )
    data.update(overrides)
    return data


def enquire(client, form_url: str = URL, **overrides) -> Enquiry:
    """Open the form (at `form_url`) and send it; the saved enquiry."""
    page = client.get(form_url)
    assert page.status_code == 200
    response = client.post(URL, answers(page, **overrides))
    assert response.status_code == 303, response.content.decode()[:500]
    return Enquiry.objects.get(email=overrides.get("email", "sam.okafor@example.org"))


def test_a_local_campaign_visit_then_browsing_is_attributed_to_the_council(
    client, enquiry_page, local_campaign, derby
):
    heard = HearAboutOptionFactory(label="Local radio")
    client.get(
        "/?utm_source=facebook&utm_medium=paid-social&utm_campaign=Derby-Teens-2026&fbclid=X1",
        HTTP_REFERER="https://l.facebook.com/",
    )
    client.get("/")  # browsing: direct page views change nothing
    enquiry = enquire(client, heard_about=heard.pk)

    assert enquiry.campaign == local_campaign  # codes match whatever their case
    assert enquiry.owner == "local"
    assert enquiry.owner_council == derby
    assert enquiry.channel == "paid-social"
    assert enquiry.channel_rule == "paid_social"
    assert enquiry.ruleset_version == RULESET_VERSION
    assert enquiry.first_touch["utm_campaign"] == "derby-teens-2026"
    assert enquiry.first_touch["landing_path"] == "/"
    assert enquiry.first_touch["referrer_domain"] == "l.facebook.com"
    assert enquiry.last_touch == enquiry.first_touch
    assert "X1" not in str(enquiry.first_touch)  # the click id itself is never kept
    # The person's own answer stays as they gave it.
    assert enquiry.heard_about == heard
    assert enquiry.heard_about_label == "Local radio"


def test_a_regional_qr_short_link_counts_for_the_hub_as_offline(
    client, enquiry_page, regional_campaign
):
    client.get("/?utm_source=bus-side&utm_medium=outdoor&utm_campaign=hub-bus-2026&hub_link=short")
    enquiry = enquire(client)
    assert enquiry.campaign == regional_campaign
    assert enquiry.owner == "regional"
    assert enquiry.owner_council is None
    assert enquiry.channel == "offline"
    assert enquiry.channel_rule == "short_link"
    assert enquiry.last_touch["via_short_link"] is True


def test_the_last_non_direct_touch_decides_and_the_first_is_kept(
    client, enquiry_page, local_campaign, derby
):
    client.get("/?utm_source=facebook&utm_medium=paid-social&utm_campaign=derby-teens-2026")
    client.get("/", HTTP_REFERER="https://www.derby.gov.uk/children/fostering/")
    enquiry = enquire(client)
    assert enquiry.first_touch["utm_campaign"] == "derby-teens-2026"
    assert enquiry.last_touch["referrer_domain"] == "derby.gov.uk"
    assert enquiry.channel == "partner-council"
    # The last touch carried no campaign code: no campaign, no owner.
    assert enquiry.campaign is None
    assert enquiry.owner == ""
    assert enquiry.owner_council is None


def test_a_direct_enquiry_is_direct_with_no_owner(client, enquiry_page):
    enquiry = enquire(client)
    assert (enquiry.channel, enquiry.channel_rule) == ("direct", "direct")
    assert enquiry.campaign is None
    assert enquiry.owner == ""
    assert enquiry.first_touch == {} and enquiry.last_touch == {}


def test_strict_setting_no_cookie_yet_a_tagged_landing_on_the_form_is_attributed(
    client, enquiry_page, local_campaign, derby, settings
):
    settings.ATTRIBUTION_WITHOUT_CONSENT = "nothing"
    page = client.get(
        URL + "?utm_source=facebook&utm_medium=paid-social&utm_campaign=derby-teens-2026"
    )
    # Nothing about the visit is written to the device: no attribution cookie, no session.
    assert capture.COOKIE_NAME not in page.cookies
    assert "sessionid" not in page.cookies
    assert set(page.cookies) <= {"csrftoken"}
    hidden = answers(page)
    assert capture.read_landing(hidden[capture.LANDING_FIELD])["utm_campaign"] == (
        "derby-teens-2026"
    )

    response = client.post(URL, answers(page))
    assert response.status_code == 303
    enquiry = Enquiry.objects.get()
    assert enquiry.campaign == local_campaign
    assert (enquiry.owner, enquiry.owner_council) == ("local", derby)
    assert enquiry.channel == "paid-social"
    assert enquiry.first_touch["landing_path"] == URL
    # The thank-you page needs a session for the reference, but it holds no attribution.
    for session in Session.objects.all():
        assert "attribution" not in session.get_decoded()


def test_an_objection_still_lets_the_form_carry_its_landing(
    client, enquiry_page, regional_campaign
):
    client.cookies[CHOICES_COOKIE] = "analytics:no,statistics:no"
    enquiry = enquire(
        client, URL + "?utm_source=bus-side&utm_medium=outdoor&utm_campaign=hub-bus-2026"
    )
    assert enquiry.campaign == regional_campaign
    assert enquiry.channel == "offline"


def test_stored_touches_win_over_the_forms_landing(client, enquiry_page, local_campaign):
    client.get("/?utm_source=facebook&utm_medium=paid-social&utm_campaign=derby-teens-2026")
    enquiry = enquire(client, URL + "?utm_source=newsletter&utm_medium=email")
    # Both visits were stored: the first campaign visit is the first touch, the newsletter last.
    assert enquiry.first_touch["utm_campaign"] == "derby-teens-2026"
    assert enquiry.last_touch["utm_source"] == "newsletter"
    assert enquiry.channel == "email"


def test_a_forged_landing_is_ignored(client, enquiry_page, local_campaign):
    page = client.get(URL)
    data = answers(page, **{capture.LANDING_FIELD: '{"utm_campaign": "derby-teens-2026"}'})
    assert client.post(URL, data).status_code == 303
    enquiry = Enquiry.objects.get()
    assert enquiry.campaign is None
    assert enquiry.channel == "direct"


def test_with_consent_the_cookie_attributes_a_later_enquiry(client, enquiry_page, local_campaign):
    client.cookies[CHOICES_COOKIE] = "analytics:yes"
    client.get("/?utm_source=facebook&utm_medium=paid-social&utm_campaign=derby-teens-2026")
    assert "sessionid" not in client.cookies
    enquiry = enquire(client)
    assert enquiry.campaign == local_campaign


# --- Staff-entered enquiries -------------------------------------------------------------------


def test_a_staff_entered_enquiry_is_staff_entered_by_default(people, councils, client):
    client.force_login(people["hub"])
    response = client.post(reverse("enquiries:add"), staff_enquiry())
    assert response.status_code == 302
    enquiry = Enquiry.objects.get(email="jo@example.org")
    assert (enquiry.channel, enquiry.channel_rule) == ("staff-entered", "staff_entered")
    assert enquiry.campaign is None
    assert enquiry.owner == ""
    assert enquiry.first_touch["entered_by_staff"] is True


def test_staff_pick_a_campaign_and_channel_by_hand(people, councils, client):
    derby = councils["derby"]
    campaign = Campaign.objects.create(
        name="Derby radio",
        code="derby-radio",
        council=derby,
        channel="audio",
        source="radio-derby",
        medium="radio",
        start_date=datetime.date(2026, 10, 1),
    )
    client.force_login(people["hub"])
    form = client.get(reverse("enquiries:add")).content.decode()
    assert 'name="campaign"' in form and 'name="channel"' in form
    response = client.post(
        reverse("enquiries:add"), staff_enquiry(campaign=campaign.pk, channel="audio")
    )
    assert response.status_code == 302
    enquiry = Enquiry.objects.get(email="jo@example.org")
    assert (enquiry.channel, enquiry.channel_rule) == ("audio", "staff_picked")
    assert enquiry.campaign == campaign
    assert (enquiry.owner, enquiry.owner_council) == ("local", derby)

    # A campaign alone keeps the staff-entered channel, with the campaign's owner.
    response = client.post(
        reverse("enquiries:add"),
        staff_enquiry(email="kim@example.org", campaign=campaign.pk, channel=""),
    )
    enquiry = Enquiry.objects.get(email="kim@example.org")
    assert enquiry.channel == "staff-entered"
    assert enquiry.campaign == campaign


def test_council_staff_choose_only_their_own_or_the_hubs_campaigns(people, councils, client):
    common = {"channel": "print", "source": "leaflet", "medium": "print"}
    start = datetime.date(2026, 1, 1)
    Campaign.objects.create(name="Hub leaflets", code="hub-leaflets", start_date=start, **common)
    Campaign.objects.create(
        name="Nottingham leaflets",
        code="nottingham-leaflets",
        council=councils["nottingham"],
        start_date=start,
        **{**common, "channel": "offline"},
    )
    client.force_login(people["derby"])
    form = client.get(reverse("enquiries:add")).content.decode()
    assert "Hub leaflets" in form
    assert "Nottingham leaflets" not in form


# --- Reclassifying ------------------------------------------------------------------------------


def test_reclassify_runs_the_current_rules_over_stored_touches(councils):
    touch = {
        "referrer_domain": "google.co.uk",
        "landing_path": "/",
        "at": "2026-11-01T10:00:00+00:00",
    }
    searched = EnquiryFactory(email="a@example.org")
    current = EnquiryFactory(email="b@example.org")
    Enquiry.objects.filter(pk=searched.pk).update(
        first_touch=touch,
        last_touch=touch,
        channel="referral",
        channel_rule="referral",
        ruleset_version="2020-01.1",
    )

    out = StringIO()
    call_command("reclassify_enquiries", "--dry-run", stdout=out)
    assert "referral -> organic-search: 1" in out.getvalue()
    assert "Would change 1 of 1" in out.getvalue()
    searched.refresh_from_db()
    assert searched.channel == "referral"  # a dry run changes nothing

    out = StringIO()
    call_command("reclassify_enquiries", stdout=out)
    assert "referral -> organic-search: 1" in out.getvalue()
    searched.refresh_from_db()
    assert (searched.channel, searched.channel_rule, searched.ruleset_version) == (
        "organic-search",
        "organic_search",
        RULESET_VERSION,
    )

    # --all looks at every enquiry, but only changes those whose answer differs.
    Enquiry.objects.filter(pk=current.pk).update(channel="email")
    out = StringIO()
    call_command("reclassify_enquiries", "--all", stdout=out)
    assert "email -> direct: 1" in out.getvalue()
    assert "Changed 1 of 2" in out.getvalue()


# --- First touch on its own (for the first-versus-last-touch report) ----------------------------


def _touch(**tags) -> dict:
    from attribution.classification import Touch
    from attribution.touches import to_dict

    referrer = tags.pop("referrer", "")
    short = tags.pop("short", False)
    return to_dict(
        Touch.from_query(tags, referrer=referrer, landing_path="/", via_short_link=short)
    )


def test_the_first_touch_keeps_its_own_channel_and_campaign(local_campaign, regional_campaign):
    """Derby's Facebook advert introduced the person; the hub's bus poster brought them back."""
    from attribution.attribute import attribution_fields

    first = _touch(utm_source="facebook", utm_medium="paid-social", utm_campaign="derby-teens-2026")
    last = _touch(
        utm_source="bus-side", utm_medium="outdoor", utm_campaign="hub-bus-2026", short=True
    )
    fields = attribution_fields(first, last)
    assert (fields["channel"], fields["campaign"], fields["owner"]) == (
        "offline",
        regional_campaign,
        "regional",
    )
    assert (fields["first_channel"], fields["first_campaign"]) == ("paid-social", local_campaign)


def test_a_single_touch_is_both_first_and_last(local_campaign):
    from attribution.attribute import attribution_fields

    first = _touch(utm_source="facebook", utm_medium="paid-social", utm_campaign="derby-teens-2026")
    fields = attribution_fields(first, None)
    assert fields["first_channel"] == fields["channel"] == "paid-social"
    assert fields["first_campaign"] == fields["campaign"] == local_campaign

    nothing = attribution_fields(None, None)
    assert (nothing["first_channel"], nothing["first_campaign"]) == ("direct", None)


def test_a_staff_entered_enquiry_uses_the_picked_campaign_for_both_touches(regional_campaign):
    from attribution.attribute import attribution_fields

    fields = attribution_fields(
        None, None, entered_by_staff=True, staff_channel="offline", staff_campaign=regional_campaign
    )
    assert fields["first_channel"] == fields["channel"] == "offline"
    assert fields["first_campaign"] == fields["campaign"] == regional_campaign


def test_reclassify_fills_the_first_touch_channel_of_older_enquiries(councils):
    searched = {
        "referrer_domain": "google.co.uk",
        "landing_path": "/",
        "at": "2026-11-01T10:00:00+00:00",
    }
    emailed = {
        "utm_source": "newsletter",
        "utm_medium": "email",
        "landing_path": "/",
        "at": "2026-11-02T10:00:00+00:00",
    }
    enquiry = EnquiryFactory(email="c@example.org")
    Enquiry.objects.filter(pk=enquiry.pk).update(
        first_touch=searched, last_touch=emailed, first_channel="", ruleset_version="2020-01.1"
    )
    call_command("reclassify_enquiries", stdout=StringIO())
    enquiry.refresh_from_db()
    assert (enquiry.first_channel, enquiry.channel) == ("organic-search", "email")
