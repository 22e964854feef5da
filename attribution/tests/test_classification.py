"""Classification of a visit's source into a channel group, over a table of real-world tag and
referrer cases. The function is pure: no database, no settings."""

from __future__ import annotations

import dataclasses
import re

import pytest

from attribution import sources
from attribution.classification import (
    DOMAIN_RE,
    MAX_PATH_LENGTH,
    MAX_TAG_LENGTH,
    RULES,
    RULESET_VERSION,
    Channel,
    Classification,
    Context,
    Touch,
    classify,
    is_direct,
    is_meaningful,
    landing_path,
    referrer_domain,
)

HUB = "fosterhub.org.uk"

CONTEXT = Context(
    council_domains={
        "derby.gov.uk": "derby",
        "derbyshire.gov.uk": "derbyshire",
        "nottinghamcity.gov.uk": "nottingham",
        "nottinghamshire.gov.uk": "nottinghamshire",
    },
    council_sources={
        "derby-city-council": "derby",
        "derby": "derby",
        "derbyshire-county-council": "derbyshire",
        "nottingham": "nottingham",
    },
    own_domains=frozenset({HUB}),
    partner_domains=frozenset({"acme-logistics.co.uk"}),
    partner_sources=frozenset({"acme-logistics"}),
    campaign_codes={"bus-tour-2026": "offline", "teens-2026": "paid-social"},
)

C = Channel


def case(
    case_id: str,
    channel: Channel,
    rule: str,
    referrer: str = "",
    short: bool = False,
    **query: str,
):
    """One row: the landing URL's query, referrer and short-link flag -> channel and rule."""
    return pytest.param(query, referrer, short, channel, rule, id=case_id)


CASES = [
    # Organic search: GA4 rewrites a search engine's referral as organic search.
    case("google-uk-organic", C.ORGANIC_SEARCH, "organic_search", "https://www.google.co.uk/"),
    case("google-com-organic", C.ORGANIC_SEARCH, "organic_search", "https://www.google.com"),
    case("google-ie-organic", C.ORGANIC_SEARCH, "organic_search", "https://www.google.ie/"),
    case(
        "bing-organic",
        C.ORGANIC_SEARCH,
        "organic_search",
        "https://www.bing.com/search?q=fostering+derby",
    ),
    case("duckduckgo-organic", C.ORGANIC_SEARCH, "organic_search", "https://duckduckgo.com/"),
    case("yahoo-uk-subdomain", C.ORGANIC_SEARCH, "organic_search", "https://uk.search.yahoo.com/"),
    case(
        "ecosia-organic",
        C.ORGANIC_SEARCH,
        "organic_search",
        "https://www.ecosia.org/search?q=foster",
    ),
    case(
        "google-app-android",
        C.ORGANIC_SEARCH,
        "organic_search",
        "android-app://com.google.android.googlequicksearchbox/",
    ),
    case(
        "srsltid-is-not-an-ad",
        C.ORGANIC_SEARCH,
        "organic_search",
        "https://www.google.co.uk/",
        srsltid="AfmBOoq",
    ),
    case(
        "tagged-organic",
        C.ORGANIC_SEARCH,
        "organic_search",
        utm_source="google",
        utm_medium="organic",
    ),
    case(
        "chatgpt",
        C.ORGANIC_SEARCH,
        "ai_assistant",
        "https://chatgpt.com/",
        utm_source="chatgpt.com",
    ),
    case(
        "gemini-not-google-search",
        C.ORGANIC_SEARCH,
        "ai_assistant",
        "https://gemini.google.com/app",
    ),
    case(
        "google-docs-is-referral", C.REFERRAL, "referral", "https://docs.google.com/document/d/1x/"
    ),
    # Paid search.
    case("gclid-only", C.PAID_SEARCH, "paid_search_click_id", gclid="Cj0KCQjw"),
    case(
        "gclid-from-google",
        C.PAID_SEARCH,
        "paid_search_click_id",
        "https://www.google.co.uk/",
        gclid="Cj0KCQjw",
    ),
    case(
        "gclid-with-campaign-only",
        C.PAID_SEARCH,
        "paid_search_click_id",
        gclid="Cj0KCQjw",
        utm_campaign="teens-2026",
    ),
    case("gbraid-ios", C.PAID_SEARCH, "paid_search_click_id", gbraid="0AAAAA"),
    case("gad-source-gclid-stripped", C.PAID_SEARCH, "paid_search_click_id", gad_source="1"),
    case(
        "google-ads-tagged",
        C.PAID_SEARCH,
        "paid_search",
        utm_source="google",
        utm_medium="cpc",
        gclid="Cj0KCQjw",
    ),
    case(
        "msclkid-from-bing",
        C.PAID_SEARCH,
        "paid_search_click_id",
        "https://www.bing.com/",
        msclkid="abc123",
    ),
    case("bing-ppc-tagged", C.PAID_SEARCH, "paid_search", utm_source="bing", utm_medium="ppc"),
    case(
        "paid-search-medium-agency-source",
        C.PAID_SEARCH,
        "paid_search",
        utm_source="agency",
        utm_medium="paid-search",
    ),
    case("google-cpm-as-ga4", C.PAID_SEARCH, "paid_search", utm_source="google", utm_medium="cpm"),
    # Paid social.
    case(
        "facebook-paid-social",
        C.PAID_SOCIAL,
        "paid_social",
        utm_source="facebook",
        utm_medium="paid_social",
    ),
    case(
        "fb-cpc-with-fbclid",
        C.PAID_SOCIAL,
        "paid_social",
        "https://l.facebook.com/",
        utm_source="fb",
        utm_medium="cpc",
        fbclid="IwAR3x",
    ),
    case("instagram-paid", C.PAID_SOCIAL, "paid_social", utm_source="ig", utm_medium="paid"),
    case(
        "social-paid-suffix",
        C.PAID_SOCIAL,
        "paid_social",
        utm_source="facebook",
        utm_medium="social-paid",
    ),
    case(
        "paid-social-medium-unknown-source",
        C.PAID_SOCIAL,
        "paid_social",
        utm_source="agency",
        utm_medium="paid-social",
    ),
    case("tiktok-ttclid", C.PAID_SOCIAL, "paid_social_click_id", ttclid="E.C.P.abc"),
    case(
        "linkedin-li-fat-id",
        C.PAID_SOCIAL,
        "paid_social_click_id",
        "https://www.linkedin.com/",
        li_fat_id="a1b2",
    ),
    case("x-twclid", C.PAID_SOCIAL, "paid_social_click_id", "https://t.co/abc", twclid="2abc"),
    case("snapchat-ScCid", C.PAID_SOCIAL, "paid_social_click_id", ScCid="abc"),
    case("snapchat-sccid", C.PAID_SOCIAL, "paid_social_click_id", sccid="abc"),
    # Organic social: fbclid alone is added to shared posts too.
    case("fbclid-only", C.ORGANIC_SOCIAL, "organic_social", fbclid="IwAR3x"),
    case(
        "fbclid-from-l-facebook",
        C.ORGANIC_SOCIAL,
        "organic_social",
        "https://l.facebook.com/",
        fbclid="IwAR3x",
    ),
    case("facebook-mobile", C.ORGANIC_SOCIAL, "organic_social", "https://m.facebook.com/"),
    case("facebook-lm", C.ORGANIC_SOCIAL, "organic_social", "https://lm.facebook.com/l.php?u=x"),
    case("instagram-l", C.ORGANIC_SOCIAL, "organic_social", "https://l.instagram.com/"),
    case("linkedin-lnkd-in", C.ORGANIC_SOCIAL, "organic_social", "https://lnkd.in/eXyZ"),
    case(
        "linkedin-android-app",
        C.ORGANIC_SOCIAL,
        "organic_social",
        "android-app://com.linkedin.android/",
    ),
    case("x-t-co", C.ORGANIC_SOCIAL, "organic_social", "https://t.co/xyz"),
    case("nextdoor", C.ORGANIC_SOCIAL, "organic_social", "https://nextdoor.co.uk/news_feed/"),
    case("mumsnet", C.ORGANIC_SOCIAL, "organic_social", "https://www.mumsnet.com/talk/fostering"),
    case("pinterest-uk", C.ORGANIC_SOCIAL, "organic_social", "https://uk.pinterest.com/pin/1/"),
    case("whatsapp-source", C.ORGANIC_SOCIAL, "organic_social", utm_source="whatsapp"),
    case(
        "tagged-social",
        C.ORGANIC_SOCIAL,
        "organic_social",
        utm_source="facebook",
        utm_medium="social",
    ),
    # Video.
    case("youtube", C.ORGANIC_VIDEO, "organic_video", "https://www.youtube.com/watch?v=abc"),
    case("youtube-mobile", C.ORGANIC_VIDEO, "organic_video", "https://m.youtube.com/"),
    case("youtu-be", C.ORGANIC_VIDEO, "organic_video", "https://youtu.be/abc"),
    case("vimeo", C.ORGANIC_VIDEO, "organic_video", "https://vimeo.com/123"),
    case("video-medium", C.ORGANIC_VIDEO, "organic_video", utm_source="hub", utm_medium="video"),
    # Display (GA4's paid video and paid other fold in here).
    case("display-medium", C.DISPLAY, "display_medium", utm_source="dv360", utm_medium="display"),
    case(
        "banner-medium", C.DISPLAY, "display_medium", utm_source="local-news", utm_medium="banner"
    ),
    case("dclid", C.DISPLAY, "display_click_id", dclid="CJ_abc"),
    case(
        "gclid-from-youtube", C.DISPLAY, "display_click_id", "https://www.youtube.com/", gclid="x"
    ),
    case(
        "gclid-from-gmail-ad", C.DISPLAY, "display_click_id", "https://mail.google.com/", gclid="x"
    ),
    case(
        "gclid-from-news-site",
        C.DISPLAY,
        "display_click_id",
        "https://www.derbytelegraph.co.uk/news/",
        gclid="x",
    ),
    case(
        "doubleclick-referrer",
        C.DISPLAY,
        "display_ad_network",
        "https://googleads.g.doubleclick.net/",
    ),
    case("youtube-cpv", C.DISPLAY, "paid_video", utm_source="youtube", utm_medium="cpv"),
    case("paid-other", C.DISPLAY, "paid_other", utm_source="newsnow", utm_medium="paid"),
    # Audio.
    case("radio", C.AUDIO, "audio", utm_source="gem-radio", utm_medium="radio"),
    case("podcast", C.AUDIO, "audio", utm_source="local-podcast", utm_medium="podcast"),
    case("audio-spotify", C.AUDIO, "audio", utm_source="spotify", utm_medium="audio"),
    case(
        "radio-short-link", C.AUDIO, "audio", short=True, utm_source="gem-radio", utm_medium="radio"
    ),
    case("spotify-referrer", C.AUDIO, "audio", "https://open.spotify.com/episode/abc"),
    # Offline: print, outdoor, events.
    case(
        "qr-short-link-print",
        C.OFFLINE,
        "short_link",
        short=True,
        utm_source="leaflet",
        utm_medium="print",
    ),
    case("short-link-untagged", C.OFFLINE, "short_link", short=True),
    case("short-link-beats-paid-tags", C.OFFLINE, "short_link", short=True, utm_medium="cpc"),
    case(
        "poster-no-short-link",
        C.OFFLINE,
        "offline_medium",
        utm_source="library",
        utm_medium="poster",
    ),
    case("bus-advert", C.OFFLINE, "offline_medium", utm_source="trent-barton", utm_medium="bus"),
    case("event", C.OFFLINE, "offline_medium", utm_medium="event", utm_campaign="coffee-morning"),
    case("tv", C.OFFLINE, "offline_medium", utm_source="itv-central", utm_medium="tv"),
    case("qr-source-no-medium", C.OFFLINE, "offline_medium", utm_source="qr"),
    case("event-follow-up-email", C.EMAIL, "email", utm_source="event", utm_medium="email"),
    # Partner council website.
    case(
        "council-referrer",
        C.PARTNER_COUNCIL,
        "partner_council",
        "https://www.derby.gov.uk/fostering",
    ),
    case(
        "council-subdomain",
        C.PARTNER_COUNCIL,
        "partner_council",
        "https://fostering.derbyshire.gov.uk/",
    ),
    case("council-source", C.PARTNER_COUNCIL, "partner_council", utm_source="derby-city-council"),
    case(
        "council-short-name-referral",
        C.PARTNER_COUNCIL,
        "partner_council",
        utm_source="Nottingham",
        utm_medium="referral",
    ),
    case(
        "council-source-as-domain",
        C.PARTNER_COUNCIL,
        "partner_council",
        utm_source="nottinghamshire.gov.uk",
    ),
    case(
        "council-newsletter-is-email",
        C.EMAIL,
        "email",
        utm_source="derby-city-council",
        utm_medium="email",
    ),
    case(
        "council-facebook-post-is-social",
        C.ORGANIC_SOCIAL,
        "organic_social",
        utm_source="derby-city-council",
        utm_medium="social",
    ),
    case("council-paid-is-display", C.DISPLAY, "paid_other", utm_source="derby", utm_medium="cpc"),
    case("council-lookalike-domain", C.REFERRAL, "referral", "https://notderby.gov.uk/"),
    case("council-lookalike-prefix", C.REFERRAL, "referral", "https://derby.gov.uk.example.com/"),
    # Email.
    case("newsletter-email", C.EMAIL, "email", utm_source="newsletter", utm_medium="email"),
    case("mailchimp", C.EMAIL, "email", utm_source="mailchimp", utm_medium="email"),
    case("e-underscore-mail", C.EMAIL, "email", utm_medium="E_Mail"),
    case("e-space-mail", C.EMAIL, "email", utm_medium="e mail"),
    case("gmail-referrer", C.EMAIL, "email", "https://mail.google.com/mail/u/0/"),
    case(
        "outlook-safe-links",
        C.EMAIL,
        "email",
        "https://eur02.safelinks.protection.outlook.com/?url=x",
    ),
    case("govdelivery-source", C.EMAIL, "email", utm_source="govdelivery"),
    # SMS.
    case("sms-medium", C.SMS, "sms", utm_source="hub", utm_medium="sms"),
    case("sms-source", C.SMS, "sms", utm_source="SMS"),
    case("text-message", C.SMS, "sms", utm_medium="text message"),
    # Partner organisations.
    case(
        "partner-medium",
        C.PARTNER_ORGANISATION,
        "partner_organisation",
        utm_source="fostering-charity",
        utm_medium="partner",
    ),
    case(
        "affiliate-medium",
        C.PARTNER_ORGANISATION,
        "partner_organisation",
        utm_source="x-network",
        utm_medium="affiliate",
    ),
    case(
        "employer-medium",
        C.PARTNER_ORGANISATION,
        "partner_organisation",
        utm_source="nhs-trust",
        utm_medium="employer",
    ),
    case(
        "partner-domain-referrer",
        C.PARTNER_ORGANISATION,
        "partner_organisation",
        "https://intranet.acme-logistics.co.uk/staff-news",
    ),
    case(
        "partner-source",
        C.PARTNER_ORGANISATION,
        "partner_organisation",
        utm_source="acme-logistics",
    ),
    # Referral.
    case(
        "bbc-referral", C.REFERRAL, "referral", "https://www.bbc.co.uk/news/uk-england-derbyshire-1"
    ),
    case(
        "referral-port-path-query",
        C.REFERRAL,
        "referral",
        "https://www.bbc.co.uk:443/news?x=1#top",
    ),
    case(
        "referral-medium",
        C.REFERRAL,
        "referral",
        utm_source="fostering-blog",
        utm_medium="referral",
    ),
    case(
        "unknown-tags-with-referrer",
        C.REFERRAL,
        "referral",
        "https://www.bbc.co.uk/",
        utm_source="zzz",
        utm_medium="zzz",
    ),
    # Campaign registry, only when tags say nothing recognisable.
    case("registry-campaign-only", C.OFFLINE, "campaign_registry", utm_campaign="bus-tour-2026"),
    case(
        "registry-does-not-override-tags",
        C.EMAIL,
        "email",
        utm_campaign="teens-2026",
        utm_medium="email",
    ),
    # Matomo aliases.
    case("matomo-mtm", C.EMAIL, "email", mtm_source="newsletter", mtm_medium="EMAIL"),
    case("matomo-pk", C.PAID_SEARCH, "paid_search", pk_source="google", pk_medium="cpc"),
    case("utm-wins-over-mtm", C.EMAIL, "email", utm_medium="email", mtm_medium="cpc"),
    case("empty-utm-falls-back-to-mtm", C.SMS, "sms", utm_medium="", mtm_medium="sms"),
    # Case and white space.
    case(
        "case-and-whitespace",
        C.PAID_SOCIAL,
        "paid_social",
        utm_source="  FaceBook ",
        utm_medium=" PAID_SOCIAL\t",
    ),
    case(
        "upper-case-parameter-names",
        C.PAID_SEARCH,
        "paid_search",
        UTM_SOURCE="Google",
        UTM_MEDIUM="CPC",
    ),
    # Direct.
    case("direct", C.DIRECT, "direct"),
    case("own-domain", C.DIRECT, "direct", f"https://{HUB}/fostering/"),
    case("own-domain-www", C.DIRECT, "direct", f"https://www.{HUB}/"),
    case("own-subdomain", C.DIRECT, "direct", f"https://staging.{HUB}/"),
    case("javascript-referrer", C.DIRECT, "direct", "javascript:alert(document.cookie)"),
    case("malformed-referrer", C.DIRECT, "direct", "not a url at all"),
    case("broken-ipv6-referrer", C.DIRECT, "direct", "http://[::1"),
    case("ga-placeholders", C.DIRECT, "direct", utm_source="(direct)", utm_medium="(none)"),
    case(
        "undefined-from-broken-builder",
        C.DIRECT,
        "direct",
        utm_source="undefined",
        utm_medium="null",
    ),
    case("empty-click-id", C.DIRECT, "direct", gclid=""),
    case("unrelated-parameters", C.DIRECT, "direct", email="jo@example.com", page="2"),
    # Unassigned: tagged, but nothing recognisable.
    case("unknown-tags", C.UNASSIGNED, "unassigned", utm_source="zzz", utm_medium="zzz"),
    case("content-only", C.UNASSIGNED, "unassigned", utm_content="hero-button"),
    case(
        "own-domain-with-tags", C.UNASSIGNED, "unassigned", f"https://{HUB}/", utm_source="homepage"
    ),
    case("fullwidth-email-is-not-email", C.UNASSIGNED, "unassigned", utm_medium="ｅｍａｉｌ"),
    case("javascript-as-source", C.UNASSIGNED, "unassigned", utm_source="javascript:alert(1)"),
]

COUNCIL_CASES = {
    "council-referrer": "derby",
    "council-subdomain": "derbyshire",
    "council-source": "derby",
    "council-short-name-referral": "nottingham",
    "council-source-as-domain": "nottinghamshire",
}


def touch_for(query: dict[str, str], referrer: str, short: bool) -> Touch:
    return Touch.from_query(query, referrer=referrer, landing_path="/", via_short_link=short)


@pytest.mark.parametrize(("query", "referrer", "short", "channel", "rule"), CASES)
def test_classification_table(query, referrer, short, channel, rule, request):
    touch = touch_for(query, referrer, short)
    result = classify(touch, CONTEXT)
    assert (result.channel, result.rule) == (channel, rule)
    assert result.ruleset_version == RULESET_VERSION
    expected_council = COUNCIL_CASES.get(request.node.callspec.id, "")
    assert result.council == expected_council


@pytest.mark.parametrize(("query", "referrer", "short", "channel", "rule"), CASES)
def test_direct_exactly_when_is_direct(query, referrer, short, channel, rule):
    """The direct channel and the helper used for last-non-direct-touch agree on every case."""
    touch = touch_for(query, referrer, short)
    assert (classify(touch, CONTEXT).channel is Channel.DIRECT) == is_direct(touch, CONTEXT)
    assert is_meaningful(touch, CONTEXT) is not is_direct(touch, CONTEXT)


@pytest.mark.parametrize(("query", "referrer", "short", "channel", "rule"), CASES)
def test_stored_touch_classifies_the_same(query, referrer, short, channel, rule):
    """A touch rebuilt from its stored fields (reclassification) is the same touch."""
    touch = touch_for(query, referrer, short)
    rebuilt = Touch(**dataclasses.asdict(touch))
    assert rebuilt == touch
    assert classify(rebuilt, CONTEXT) == classify(touch, CONTEXT)


def test_the_table_covers_every_rule():
    used = {values[4] for values in (param.values for param in CASES)}
    assert used == {rule.name for rule in RULES} - {"staff_entered"}


def test_case_ids_are_unique():
    ids = [param.id for param in CASES]
    assert len(ids) == len(set(ids))


# --- Staff-entered ---------------------------------------------------------------------------


def test_staff_entered_wins_over_everything():
    touch = Touch(
        utm_source="google",
        utm_medium="cpc",
        referrer_domain="www.derby.gov.uk",
        had_ad_click_id=True,
        ad_click_platform="google",
        via_short_link=True,
        entered_by_staff=True,
        staff_channel="Radio",
    )
    assert classify(touch, CONTEXT) == Classification(Channel.STAFF_ENTERED, "staff_entered")
    assert touch.staff_channel == "radio"


def test_staff_touch_keeps_the_picked_channel_and_campaign():
    touch = Touch.for_staff("Offline", "Bus-Tour-2026")
    assert (touch.entered_by_staff, touch.staff_channel, touch.utm_campaign) == (
        True,
        "offline",
        "bus-tour-2026",
    )
    assert classify(touch, CONTEXT).channel is Channel.STAFF_ENTERED
    assert not is_direct(touch, CONTEXT)


# --- Capturing a touch -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("referrer", "domain"),
    [
        pytest.param(
            "https://www.Google.CO.UK:443/search?q=fostering#x",
            "google.co.uk",
            id="port-path-query",
        ),
        pytest.param("http://derby.gov.uk./fostering", "derby.gov.uk", id="trailing-dot"),
        pytest.param("www.bbc.co.uk/news", "bbc.co.uk", id="no-scheme"),
        pytest.param("bbc.co.uk:8080/news", "bbc.co.uk", id="no-scheme-with-port"),
        pytest.param("//cdn.example.com/x", "cdn.example.com", id="scheme-relative"),
        pytest.param("https://user:secret@www.bbc.co.uk/", "bbc.co.uk", id="credentials-dropped"),
        pytest.param("https://bücher.de/", "xn--bcher-kva.de", id="unicode-domain"),
        pytest.param("android-app://com.google.android.gm/", "mail.google.com", id="android-gmail"),
        pytest.param("android-app://com.example.unknown/", "", id="android-unknown-app"),
        pytest.param("javascript:alert(1)", "", id="javascript"),
        pytest.param("data:text/html,<script>alert(1)</script>", "", id="data-url"),
        pytest.param("mailto:someone@evil.example", "", id="mailto"),
        pytest.param("ftp://files.example.com/", "", id="ftp"),
        pytest.param("http://192.168.0.1/admin", "", id="ip-address"),
        pytest.param("http://[::1]/", "", id="ipv6"),
        pytest.param("http://[::1", "", id="broken-ipv6"),
        pytest.param("http://localhost:8000/", "", id="localhost"),
        pytest.param("https://" + "a" * 300 + ".com/", "", id="overlong-host"),
        pytest.param("https://exa mple.com/", "", id="space-in-host"),
        pytest.param("https://\u202eevil.com/", "evil.com", id="bidi-override-dropped"),
        pytest.param("", "", id="empty"),
        pytest.param("   ", "", id="blank"),
        pytest.param(None, "", id="none"),
    ],
)
def test_referrer_domain(referrer, domain):
    assert referrer_domain(referrer) == domain


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ("/fostering/?utm_source=facebook&gclid=x", "/fostering/"),
        ("/fostering/teenagers/#enquire", "/fostering/teenagers/"),
        ("https://fosterhub.org.uk/enquire/?council=derby", "/enquire/"),
        ("/Fostering/Types/", "/Fostering/Types/"),
        ("javascript:alert(1)", ""),
        ("fostering/", ""),
        ("", ""),
        ("/" + "a" * 5000, "/" + "a" * (MAX_PATH_LENGTH - 1)),
    ],
)
def test_landing_path_drops_the_query(value, path):
    assert landing_path(value) == path


def test_from_query_keeps_tags_domain_and_path():
    touch = Touch.from_query(
        {
            "utm_source": " Facebook",
            "utm_medium": "Paid_Social ",
            "utm_campaign": "Teens-2026",
            "utm_content": "Video-A",
            "utm_term": "Foster Teenagers",
            "utm_id": "123",
        },
        referrer="https://l.facebook.com/l.php?u=https%3A%2F%2Ffosterhub.org.uk",
        landing_path="/fostering/teenagers/?utm_source=Facebook",
    )
    assert dataclasses.asdict(touch) == {
        "utm_source": "facebook",
        "utm_medium": "paid_social",
        "utm_campaign": "teens-2026",
        "utm_content": "video-a",
        "utm_term": "foster teenagers",
        "utm_id": "123",
        "referrer_domain": "l.facebook.com",
        "landing_path": "/fostering/teenagers/",
        "had_ad_click_id": False,
        "ad_click_platform": "",
        "via_short_link": False,
        "entered_by_staff": False,
        "staff_channel": "",
    }


def test_matomo_aliases_fill_every_tag():
    mtm = Touch.from_query(
        {
            "mtm_source": "a",
            "mtm_medium": "b",
            "mtm_campaign": "c",
            "mtm_content": "d",
            "mtm_keyword": "e",
            "mtm_cid": "f",
        }
    )
    pk = Touch.from_query(
        {
            "pk_source": "a",
            "pk_medium": "b",
            "pk_campaign": "c",
            "pk_content": "d",
            "pk_keyword": "e",
            "pk_cid": "f",
        }
    )
    expected = ("a", "b", "c", "d", "e", "f")
    for touch in (mtm, pk):
        assert (
            touch.utm_source,
            touch.utm_medium,
            touch.utm_campaign,
            touch.utm_content,
            touch.utm_term,
            touch.utm_id,
        ) == expected


@pytest.mark.parametrize(
    ("parameter", "platform"),
    [
        ("gclid", "google"),
        ("gbraid", "google"),
        ("wbraid", "google"),
        ("dclid", "google-display"),
        ("fbclid", "meta"),
        ("msclkid", "microsoft"),
        ("ttclid", "tiktok"),
        ("li_fat_id", "linkedin"),
        ("twclid", "x"),
        ("ScCid", "snapchat"),
        ("sccid", "snapchat"),
    ],
)
def test_ad_click_id_is_a_flag_never_the_id(parameter, platform):
    secret = "Cj0KCQjwSECRETclickID_123"
    touch = Touch.from_query({parameter: secret, "utm_source": "x"})
    assert touch.had_ad_click_id is True
    assert touch.ad_click_platform == platform
    assert secret.lower() not in repr(touch).lower()
    assert all(
        secret.lower() not in str(value).lower() for value in dataclasses.asdict(touch).values()
    )
    assert not {f.name for f in dataclasses.fields(Touch)} & set(sources.CLICK_ID_PARAMETERS)


def test_the_first_listed_click_id_decides_the_platform():
    touch = Touch.from_query({"fbclid": "a", "gclid": "b"})
    assert touch.ad_click_platform == "google"


def test_unknown_parameters_are_never_kept():
    touch = Touch.from_query({"email": "jo@example.com", "name": "Jo", "srsltid": "AfmB"})
    assert touch == Touch()
    assert "jo@example.com" not in repr(touch)


def test_click_id_flag_without_a_known_platform_is_not_direct():
    """An old row that kept only the flag: not direct, and nothing to classify it by."""
    touch = Touch(had_ad_click_id=True, ad_click_platform="something-new")
    assert touch.ad_click_platform == ""
    assert not is_direct(touch, CONTEXT)
    assert classify(touch, CONTEXT).channel is Channel.UNASSIGNED


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("a" * 100_000, id="very-long"),
        pytest.param("email\x00", id="nul"),
        pytest.param("em\u200bail", id="zero-width"),
        pytest.param("\u202eliame", id="bidi-override"),
        pytest.param("\ud800email", id="lone-surrogate"),
        pytest.param("<script>alert(1)</script>", id="markup"),
        pytest.param("Ünïcödé 🙂 郵便", id="unicode"),
        pytest.param("' OR 1=1 --", id="sql"),
        pytest.param(12345, id="not-a-string"),
        pytest.param(["cpc", "email"], id="list-last-wins"),
    ],
)
def test_hostile_tag_values_are_bounded_and_storable(value):
    touch = Touch.from_query({"utm_medium": value, "utm_source": value, "utm_campaign": value})
    for tag in (touch.utm_source, touch.utm_medium, touch.utm_campaign):
        assert len(tag) <= MAX_TAG_LENGTH
        assert tag == tag.strip().lower()
        assert not re.search(r"[\x00-\x1f\x7f\u200b\u202e\ud800-\udfff]", tag)
        tag.encode("utf-8")  # storable in PostgreSQL text
    assert isinstance(classify(touch, CONTEXT), Classification)


def test_invisible_characters_cannot_smuggle_a_channel_past_the_lists():
    assert Touch.from_query({"utm_medium": "em\u200bail\x00"}).utm_medium == "email"
    assert Touch.from_query({"utm_medium": ["cpc", "email"]}).utm_medium == "email"


# --- is_direct -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("touch", "direct"),
    [
        pytest.param(Touch(), True, id="nothing"),
        pytest.param(Touch(referrer_domain=HUB), True, id="own-domain"),
        pytest.param(Touch(referrer_domain=f"https://www.{HUB}/x"), True, id="own-domain-url"),
        pytest.param(Touch(referrer_domain=f"beta.{HUB}"), True, id="own-subdomain"),
        pytest.param(Touch(landing_path="/enquire/"), True, id="landing-path-only"),
        pytest.param(Touch(referrer_domain="bbc.co.uk"), False, id="external-referrer"),
        pytest.param(Touch(referrer_domain=f"{HUB}.evil.example"), False, id="own-lookalike"),
        pytest.param(Touch(utm_campaign="teens-2026"), False, id="campaign-tag"),
        pytest.param(Touch(utm_id="42"), False, id="utm-id-only"),
        pytest.param(Touch(had_ad_click_id=True), False, id="ad-click-id"),
        pytest.param(Touch(via_short_link=True), False, id="short-link"),
        pytest.param(Touch(entered_by_staff=True), False, id="staff"),
    ],
)
def test_is_direct(touch, direct):
    assert is_direct(touch, CONTEXT) is direct
    assert is_meaningful(touch, CONTEXT) is not direct


def test_without_own_domains_a_self_referral_is_a_referral():
    touch = Touch(referrer_domain=HUB)
    assert not is_direct(touch, Context())
    assert classify(touch, Context()).channel is Channel.REFERRAL


# --- Context ---------------------------------------------------------------------------------


def test_context_normalises_what_callers_pass():
    context = Context(
        council_domains={"https://www.Derby.gov.uk/fostering": "Derby", "not a domain": "x"},
        council_sources={" Derby City Council ": "derby"},
        own_domains=frozenset({"https://www.FosterHub.org.uk/"}),
        partner_domains=frozenset({"WWW.Acme-Logistics.co.uk"}),
        partner_sources=frozenset({"ACME_Logistics"}),
        campaign_codes={" Bus-Tour ": "Offline", "nope": "not-a-channel", "bad": "direct"},
    )
    assert dict(context.council_domains) == {"derby.gov.uk": "derby"}
    assert dict(context.council_sources) == {"derby-city-council": "derby"}
    assert context.own_domains == {"fosterhub.org.uk"}
    assert context.partner_domains == {"acme-logistics.co.uk"}
    assert context.partner_sources == {"acme-logistics"}
    assert dict(context.campaign_codes) == {"bus-tour": Channel.OFFLINE}
    assert classify(Touch(utm_source="derby_city_council"), context).council == "derby"


def test_council_referrer_without_councils_in_context_is_a_referral():
    touch = Touch(referrer_domain="www.derby.gov.uk")
    assert classify(touch, Context()) == Classification(Channel.REFERRAL, "referral")


# --- Rules, determinism and data -------------------------------------------------------------


def test_rules_follow_the_channel_group_order():
    """The first rule of each channel group appears in the agreed order (Channel's order)."""
    first_seen = list(dict.fromkeys(rule.channel for rule in RULES if rule.channel is not None))
    assert first_seen == list(Channel)
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    assert names[0] == "staff_entered"
    assert names[-1] == "unassigned"


def test_classify_is_deterministic_and_versioned():
    touch = Touch.from_query(
        {"utm_source": "facebook", "utm_medium": "paid_social"}, referrer="https://m.facebook.com/"
    )
    results = {classify(touch, CONTEXT) for _ in range(20)}
    results.add(classify(dataclasses.replace(touch), CONTEXT))
    assert results == {Classification(Channel.PAID_SOCIAL, "paid_social", RULESET_VERSION)}
    assert RULESET_VERSION == "2026-11.1"


def test_every_channel_has_a_label_and_a_stable_value():
    assert all(channel.label for channel in Channel)
    assert Channel("partner-council") is Channel.PARTNER_COUNCIL
    assert str(Channel.PAID_SEARCH) == "paid-search"


def test_source_lists_are_written_in_compared_form():
    """Lists are compared lower-case with hyphens for spaces and underscores, domains without
    "www."; an entry in any other form would silently never match."""
    for name in dir(sources):
        values = getattr(sources, name)
        if not isinstance(values, frozenset):
            continue
        for value in values:
            assert value == value.strip().lower(), (name, value)
            if name.endswith("_DOMAINS"):
                assert not value.startswith("www."), (name, value)
                assert value.endswith(".*") or DOMAIN_RE.match(value), (name, value)
            elif name != "EMPTY_TAG_VALUES":
                assert not re.search(r"[\s_]", value), (name, value)
    assert set(sources.CLICK_ID_PARAMETERS.values()) <= set(sources.AD_CLICK_PLATFORMS)
    assert set(sources.ANDROID_APP_REFERRERS.values()) == {
        referrer_domain(domain) for domain in sources.ANDROID_APP_REFERRERS.values()
    }


@pytest.mark.parametrize(
    ("content", "kept"),
    [
        ("jane.doe@example.org", "redacted"),
        ("subscriber-jane@example.org-link2", "redacted"),
        ("07700 900123", "redacted"),
        ("447700900123", "redacted"),
        ("bus-side-a", "bus-side-a"),
        ("spring-2026-carousel-3", "spring-2026-carousel-3"),
    ],
)
def test_tags_never_keep_an_email_address_or_phone_number(content, kept):
    """Email tools put the subscriber's address in utm_content: it is never stored."""
    touch = Touch.from_query(
        {"utm_source": "newsletter", "utm_content": content, "utm_term": content}
    )
    assert (touch.utm_content, touch.utm_term, touch.utm_source) == (kept, kept, "newsletter")
