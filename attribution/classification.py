"""Which channel brought a visit: one pure function over plain values.

`classify(touch, context)` maps a visit's campaign tags, referrer domain and a few yes/no facts to
one channel group. It reads no database and no settings: the caller passes what it needs (the
partner councils' domains, the hub's own domains, the campaign registry) in a `Context`, so the
same function classifies a live visit, a staff-entered enquiry, and, when the rules change, every
stored enquiry again (each result carries the RULESET_VERSION it was made under).

The rules follow GA4's default channel group definitions, so figures can be reconciled with the
hub's analytics tool, adapted to a fostering hub: offline media, partner council websites and
partner organisations are channels of their own, and groups GA4 has but a hub does not need
(paid video, paid other) fold into display. RULES lists the rules in the order they are tried;
the first that matches decides. Lists of search engines, social and video sites are data in
attribution/sources.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from urllib.parse import urlsplit

from attribution import sources

# Bump whenever a rule or a list in sources.py changes the answer for some input, so enquiries
# classified under an older version can be found and reclassified.
RULESET_VERSION = "2026-11.1"

# Longest values kept from a visit: enough for any real tag, bounded for hostile ones.
MAX_TAG_LENGTH = 200
MAX_PATH_LENGTH = 500
MAX_REFERRER_LENGTH = 2048

# The tag parameters read from a landing URL, with the Matomo aliases that stand in for each
# when the utm_* one is absent (mtm_* is Matomo's current form, pk_* its older one).
TAG_PARAMETERS: dict[str, tuple[str, ...]] = {
    "utm_source": ("utm_source", "mtm_source", "pk_source"),
    "utm_medium": ("utm_medium", "mtm_medium", "pk_medium"),
    "utm_campaign": ("utm_campaign", "mtm_campaign", "pk_campaign"),
    "utm_content": ("utm_content", "mtm_content", "pk_content"),
    "utm_term": ("utm_term", "mtm_keyword", "mtm_kwd", "pk_keyword", "pk_kwd"),
    "utm_id": ("utm_id", "mtm_cid", "pk_cid"),
}

DOMAIN_RE = re.compile(
    r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$"
)
# A scheme such as "javascript:" or "mailto:" (but not "host:8080", a host and port).
SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*:(?![0-9])", re.IGNORECASE)
PAID_MEDIUM_RE = re.compile(sources.PAID_MEDIUM_PATTERN)
# Invisible characters: controls (NUL breaks PostgreSQL text), formatting (bidirectional
# overrides can disguise a value in an admin report) and lone surrogates (not valid UTF-8).
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


class Channel(StrEnum):
    """The channel groups, in the order their rules are tried (see RULES for the exact order)."""

    STAFF_ENTERED = "staff-entered"
    OFFLINE = "offline"
    PAID_SEARCH = "paid-search"
    PAID_SOCIAL = "paid-social"
    DISPLAY = "display"
    AUDIO = "audio"
    PARTNER_COUNCIL = "partner-council"
    EMAIL = "email"
    SMS = "sms"
    ORGANIC_SOCIAL = "organic-social"
    ORGANIC_VIDEO = "organic-video"
    ORGANIC_SEARCH = "organic-search"
    PARTNER_ORGANISATION = "partner-organisation"
    REFERRAL = "referral"
    DIRECT = "direct"
    UNASSIGNED = "unassigned"

    @property
    def label(self) -> str:
        """The name marketing leads see in reports."""
        return CHANNEL_LABELS[self]


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.STAFF_ENTERED: "Entered by staff",
    Channel.OFFLINE: "Offline: print, outdoor and events",
    Channel.PAID_SEARCH: "Paid search",
    Channel.PAID_SOCIAL: "Paid social",
    Channel.DISPLAY: "Display",
    Channel.AUDIO: "Audio: radio and podcasts",
    Channel.PARTNER_COUNCIL: "Partner council website",
    Channel.EMAIL: "Email",
    Channel.SMS: "Text message (SMS)",
    Channel.ORGANIC_SOCIAL: "Organic social",
    Channel.ORGANIC_VIDEO: "Organic video",
    Channel.ORGANIC_SEARCH: "Organic search",
    Channel.PARTNER_ORGANISATION: "Partner organisation",
    Channel.REFERRAL: "Referral",
    Channel.DIRECT: "Direct",
    Channel.UNASSIGNED: "Unassigned",
}

# Channels a campaign in the registry may stand for: the others are facts about a visit
# (or the lack of one), never a campaign's choice.
CAMPAIGN_CHANNELS = frozenset(Channel) - {
    Channel.STAFF_ENTERED,
    Channel.DIRECT,
    Channel.UNASSIGNED,
}


# --- Cleaning values -------------------------------------------------------------------------


def _clean(value: object, limit: int) -> str:
    """Trim, collapse white space and drop invisible characters; at most `limit` characters."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):  # a parse_qs-style list: the last value wins, as in Django
        value = value[-1] if value else ""
    text = value if isinstance(value, str) else str(value)
    text = " ".join(text[: limit * 4].split())  # bound the work on hostile input first
    text = "".join(ch for ch in text if unicodedata.category(ch) not in INVISIBLE_CATEGORIES)
    return text.strip()[:limit]


# Tags are never personal data: an email address (email tools often put the subscriber's in
# utm_content) or a phone-number-length run of digits is replaced before anything keeps it.
REDACTED_TAG = "redacted"
PERSONAL_LOOKING = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+|(?:\d[\s-]?){10,}")


def clean_tag(value: object) -> str:
    """A tag value as compared and stored: trimmed, lower-case, "" for placeholder values."""
    tag = _clean(value, MAX_TAG_LENGTH).lower()[:MAX_TAG_LENGTH]
    if PERSONAL_LOOKING.search(tag):
        return REDACTED_TAG
    return "" if tag in sources.EMPTY_TAG_VALUES else tag


def _key(value: str) -> str:
    """The form the lists in sources.py are written in: "e_mail" and "e mail" become "e-mail"."""
    return re.sub(r"[\s_]+", "-", value)


def referrer_domain(referrer: object) -> str:
    """The referrer's host, lower-case, without "www." or port; "" when it is not a website.

    Only the domain is kept: a referrer's path and query can hold search words or other
    personal details. Non-web referrers (javascript:, data:, mailto:, IP addresses) give "".
    """
    text = _clean(referrer, MAX_REFERRER_LENGTH)
    if not text:
        return ""
    if "://" in text:
        scheme, _, rest = text.partition("://")
        scheme = scheme.lower()
        if scheme == "android-app":
            package = rest.split("/", 1)[0].lower()
            return sources.ANDROID_APP_REFERRERS.get(package, "")
        if scheme not in {"http", "https"}:
            return ""
    elif not text.startswith("//"):
        if SCHEME_RE.match(text):
            return ""
        text = "//" + text  # a bare domain ("www.google.com/search"): read it as a host
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""
    host = host.rstrip(".")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return ""
    host = host.lower().removeprefix("www.")
    return host if DOMAIN_RE.match(host) else ""


def landing_path(value: object) -> str:
    """The path a visit landed on, without query string or fragment ("" if not a path)."""
    text = _clean(value, MAX_PATH_LENGTH * 4)
    if "://" in text or text.startswith("//"):
        try:
            text = urlsplit(text).path
        except ValueError:
            return ""
    path = text.split("#", 1)[0].split("?", 1)[0]
    return path[:MAX_PATH_LENGTH] if path.startswith("/") else ""


def _lower_keys(params: Mapping[str, object]) -> dict[str, object]:
    """Parameters by lower-case name ("UTM_Source" is read too; an exact "utm_source" wins)."""
    lowered: dict[str, object] = {}
    for name, value in params.items():
        if not isinstance(name, str):
            continue
        key = name.strip().lower()
        if key not in lowered or name == key:
            lowered[key] = value
    return lowered


# --- Inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Touch:
    """One arrival at the site (or one staff-entered contact), reduced to what classification
    and reports need. Every value is normalised on construction, so a Touch rebuilt from stored
    fields classifies exactly as the original did.

    No ad click id is ever kept: only `had_ad_click_id` and the ad platform it came from
    (`ad_click_platform`, e.g. "google"), which is what tells a Google ad click (paid search)
    from a Facebook share (fbclid, added to organic links too).
    """

    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    utm_content: str = ""
    utm_term: str = ""
    utm_id: str = ""
    referrer_domain: str = ""
    landing_path: str = ""
    had_ad_click_id: bool = False
    ad_click_platform: str = ""
    via_short_link: bool = False
    entered_by_staff: bool = False
    staff_channel: str = ""

    def __post_init__(self) -> None:
        for name in TAG_PARAMETERS:
            object.__setattr__(self, name, clean_tag(getattr(self, name)))
        object.__setattr__(self, "referrer_domain", referrer_domain(self.referrer_domain))
        object.__setattr__(self, "landing_path", landing_path(self.landing_path))
        platform = clean_tag(self.ad_click_platform)
        if platform not in sources.AD_CLICK_PLATFORMS:
            platform = ""
        object.__setattr__(self, "ad_click_platform", platform)
        object.__setattr__(self, "had_ad_click_id", bool(self.had_ad_click_id) or bool(platform))
        object.__setattr__(self, "via_short_link", bool(self.via_short_link))
        object.__setattr__(self, "entered_by_staff", bool(self.entered_by_staff))
        object.__setattr__(self, "staff_channel", clean_tag(self.staff_channel))

    @classmethod
    def from_query(
        cls,
        params: Mapping[str, str],
        referrer: str = "",
        landing_path: str = "",
        via_short_link: bool = False,
    ) -> Touch:
        """A visit's touch from its landing URL's query parameters (e.g. request.GET), the
        Referer header, the landing path and whether it came through a /go/ short link or QR.

        Only the known tag parameters are read; anything else in the query is ignored.
        """
        lowered = _lower_keys(params)

        def first(names: Iterable[str]) -> str:
            for name in names:
                if value := clean_tag(lowered.get(name)):
                    return value
            return ""

        platform = next(
            (
                platform
                for name, platform in sources.CLICK_ID_PARAMETERS.items()
                if _clean(lowered.get(name), MAX_TAG_LENGTH)
            ),
            "",
        )
        return cls(
            **{attr: first(names) for attr, names in TAG_PARAMETERS.items()},
            referrer_domain=referrer,
            landing_path=landing_path,
            had_ad_click_id=bool(platform),
            ad_click_platform=platform,
            via_short_link=via_short_link,
        )

    @classmethod
    def for_staff(cls, channel: str = "", campaign: str = "") -> Touch:
        """A contact staff entered by hand (a phone call, a walk-in), with the channel and
        campaign code they picked."""
        return cls(entered_by_staff=True, staff_channel=channel, utm_campaign=campaign)

    @property
    def tagged(self) -> bool:
        """Whether the visit carried any campaign tag."""
        return any(getattr(self, name) for name in TAG_PARAMETERS)


def _domain_keys(values: Iterable[str]) -> frozenset[str]:
    return frozenset(domain for value in values if (domain := referrer_domain(value)))


@dataclass(frozen=True)
class Context:
    """What classification needs to know about this hub, passed in as plain values.

    council_domains: website domain -> council short name ({"derby.gov.uk": "derby"}); a domain
        also covers its subdomains.
    council_sources: utm_source values that mean a council -> its short name
        ({"derby-city-council": "derby", "derby": "derby"}).
    own_domains: the hub's own site domains: a visit from one is not a referral.
    partner_domains / partner_sources: partner organisations (employers, charities, local
        businesses) by website domain or utm_source.
    campaign_codes: campaign code (utm_campaign) -> the channel value the campaign stands for;
        used only when the tags themselves say nothing recognisable.
    Keys are normalised like the touch's values, so callers may pass them as entered.
    """

    council_domains: Mapping[str, str] = field(default_factory=dict)
    council_sources: Mapping[str, str] = field(default_factory=dict)
    own_domains: frozenset[str] = frozenset()
    partner_domains: frozenset[str] = frozenset()
    partner_sources: frozenset[str] = frozenset()
    campaign_codes: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        council_domains = {
            domain: clean_tag(name)
            for value, name in self.council_domains.items()
            if (domain := referrer_domain(value))
        }
        council_sources = {
            _key(source): clean_tag(name)
            for value, name in self.council_sources.items()
            if (source := clean_tag(value))
        }
        campaign_codes = {}
        for code, channel in self.campaign_codes.items():
            try:
                channel = Channel(clean_tag(channel))
            except ValueError:
                continue
            if (code := clean_tag(code)) and channel in CAMPAIGN_CHANNELS:
                campaign_codes[code] = channel
        object.__setattr__(self, "council_domains", MappingProxyType(council_domains))
        object.__setattr__(self, "council_sources", MappingProxyType(council_sources))
        object.__setattr__(self, "campaign_codes", MappingProxyType(campaign_codes))
        object.__setattr__(self, "own_domains", _domain_keys(self.own_domains))
        object.__setattr__(self, "partner_domains", _domain_keys(self.partner_domains))
        object.__setattr__(
            self,
            "partner_sources",
            frozenset(_key(s) for value in self.partner_sources if (s := clean_tag(value))),
        )


# --- Matching domains ------------------------------------------------------------------------

# Second-level labels under which a country ending has two parts (google.co.uk, google.com.au).
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go"})
_GENERIC_ENDINGS = frozenset({"com", "net", "org", "info"})


def _is_public_ending(labels: list[str]) -> bool:
    """Whether the labels after a brand name are a generic or country ending (com, co.uk, de)."""
    if len(labels) == 1:
        return labels[0] in _GENERIC_ENDINGS or (len(labels[0]) == 2 and labels[0].isalpha())
    if len(labels) == 2:
        return labels[0] in _SECOND_LEVEL and len(labels[1]) == 2 and labels[1].isalpha()
    return False


def _parents(host: str) -> list[str]:
    """The host and each parent domain with at least two labels, longest first."""
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


class DomainList:
    """A list of domains from sources.py, matched with subdomains and "brand.*" endings."""

    def __init__(self, entries: Iterable[str]) -> None:
        entries = frozenset(entries)
        self.exact = frozenset(e for e in entries if not e.endswith(".*"))
        self.brands = frozenset(e.removesuffix(".*") for e in entries if e.endswith(".*"))
        assert all("." not in brand for brand in self.brands), "brand.* takes one label"

    def match(self, host: str) -> bool:
        if "." not in host:
            return False
        if any(parent in self.exact for parent in _parents(host)):
            return True
        labels = host.split(".")
        return any(
            label in self.brands and _is_public_ending(labels[i + 1 :])
            for i, label in enumerate(labels)
        )


def _lookup(host: str, domains: Mapping[str, str]) -> str:
    """The value for the host or its nearest parent domain in `domains`, or ""."""
    if "." not in host:
        return ""
    return next((domains[p] for p in _parents(host) if p in domains), "")


SEARCH_ENGINES = DomainList(sources.SEARCH_ENGINE_DOMAINS)
NOT_SEARCH = DomainList(sources.NOT_SEARCH_DOMAINS)
AI_ASSISTANTS = DomainList(sources.AI_ASSISTANT_DOMAINS)
SOCIAL_SITES = DomainList(sources.SOCIAL_DOMAINS)
VIDEO_SITES = DomainList(sources.VIDEO_DOMAINS)
AUDIO_SITES = DomainList(sources.AUDIO_DOMAINS)
EMAIL_SITES = DomainList(sources.EMAIL_DOMAINS)
AD_NETWORKS = DomainList(sources.AD_NETWORK_DOMAINS)


def _named(name: str, names: frozenset[str], domains: DomainList) -> bool:
    """Whether a source name or domain is on a list ("facebook", "fb", "l.facebook.com")."""
    return _key(name) in names or domains.match(name)


def _is_search(name: str) -> bool:
    return _named(name, sources.SEARCH_ENGINE_SOURCES, SEARCH_ENGINES) and not NOT_SEARCH.match(
        name
    )


def _is_social(name: str) -> bool:
    return _named(name, sources.SOCIAL_SOURCES, SOCIAL_SITES)


def _is_video(name: str) -> bool:
    return _named(name, sources.VIDEO_SOURCES, VIDEO_SITES)


def _is_own(domain: str, context: Context) -> bool:
    return any(parent in context.own_domains for parent in _parents(domain))


def _external_referrer(touch: Touch, context: Context) -> str:
    """The referrer's domain unless it is empty or one of the hub's own (a self-referral)."""
    domain = touch.referrer_domain
    return "" if not domain or _is_own(domain, context) else domain


def _is_partner(name: str, context: Context) -> bool:
    return _key(name) in context.partner_sources or any(
        parent in context.partner_domains for parent in _parents(name)
    )


def is_direct(touch: Touch, context: Context) -> bool:
    """A visit that says nothing about where the person came from: no tags, no ad click id, no
    short link, and no referrer but the hub's own site. Staff-entered contacts are never direct.

    "Last non-direct touch" skips these, so a later bookmark visit does not wipe out the
    campaign that brought the person.
    """
    return not (
        touch.entered_by_staff
        or touch.tagged
        or touch.had_ad_click_id
        or touch.via_short_link
        or _external_referrer(touch, context)
    )


def is_meaningful(touch: Touch, context: Context) -> bool:
    """Whether a touch may replace the stored last touch (it is not direct)."""
    return not is_direct(touch, context)


# --- Rules -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Facts:
    """A touch read once for the rules: medium in list form, and every name for its source
    (the utm_source, the external referrer's domain, the platform an ad click id implies)."""

    touch: Touch
    medium: str
    names: tuple[str, ...]
    referrer: str
    click_kind: str
    council: str
    partner: bool
    campaign_channel: Channel | None
    direct: bool

    @classmethod
    def of(cls, touch: Touch, context: Context) -> Facts:
        referrer = _external_referrer(touch, context)
        implied_source, click_kind = sources.AD_CLICK_PLATFORMS.get(
            touch.ad_click_platform, ("", "")
        )
        names = tuple(dict.fromkeys(n for n in (touch.utm_source, referrer, implied_source) if n))
        council = next(
            (
                found
                for name in names
                if (
                    found := context.council_sources.get(_key(name))
                    or _lookup(name, context.council_domains)
                )
            ),
            "",
        )
        return cls(
            touch=touch,
            medium=_key(touch.utm_medium),
            names=names,
            referrer=referrer,
            click_kind=click_kind,
            council=council,
            partner=any(_is_partner(name, context) for name in names),
            campaign_channel=context.campaign_codes.get(touch.utm_campaign),
            direct=is_direct(touch, context),
        )

    def any_name(self, test: Callable[[str], bool]) -> bool:
        return any(test(name) for name in self.names)

    @property
    def paid(self) -> bool:
        return bool(PAID_MEDIUM_RE.match(self.medium))


def _channel_medium(medium: str) -> bool:
    """A medium that names a channel of its own (email, text, social, video, organic search):
    it wins over "this came from a council", so a council's newsletter counts as email."""
    return (
        medium in sources.EMAIL_MEDIUMS
        or medium in sources.SMS_VALUES
        or medium in sources.SOCIAL_MEDIUMS
        or medium in sources.SEARCH_MEDIUMS
        or "video" in medium
    )


@dataclass(frozen=True, slots=True)
class Rule:
    """One classification rule. `channel` None: the channel comes from the campaign registry."""

    name: str
    channel: Channel | None
    test: Callable[[Facts], bool]


RULES: tuple[Rule, ...] = (
    # Staff chose the channel by hand (phone calls, walk-ins): nothing else applies.
    Rule("staff_entered", Channel.STAFF_ENTERED, lambda f: f.touch.entered_by_staff),
    # A /go/ short link or QR code is only ever printed, shown or read out; a radio or podcast
    # short link still counts as audio (the medium says what was heard).
    Rule(
        "short_link",
        Channel.OFFLINE,
        lambda f: f.touch.via_short_link and f.medium not in sources.AUDIO_MEDIUMS,
    ),
    Rule(
        "offline_medium",
        Channel.OFFLINE,
        lambda f: (
            f.medium in sources.OFFLINE_MEDIUMS
            or (not f.medium and _key(f.touch.utm_source) in sources.OFFLINE_SOURCES)
        ),
    ),
    # GA4: a paid medium from a search engine (a search-named medium such as "paid-search" too).
    Rule(
        "paid_search",
        Channel.PAID_SEARCH,
        lambda f: f.paid and ("search" in f.medium or f.medium == "sem" or f.any_name(_is_search)),
    ),
    # Auto-tagged Google or Microsoft ad click with no medium, arriving from a search engine or
    # from nowhere (apps, privacy settings): a search ad.
    Rule(
        "paid_search_click_id",
        Channel.PAID_SEARCH,
        lambda f: (
            not f.medium and f.click_kind == "search" and (not f.referrer or _is_search(f.referrer))
        ),
    ),
    Rule(
        "paid_social",
        Channel.PAID_SOCIAL,
        lambda f: f.paid and ("social" in f.medium or f.any_name(_is_social)),
    ),
    # ttclid, li_fat_id, twclid, ScCid and epik are added to ad clicks only. fbclid is not here:
    # Meta adds it to shared links too, so untagged fbclid visits count as organic social.
    Rule(
        "paid_social_click_id",
        Channel.PAID_SOCIAL,
        lambda f: not f.medium and f.click_kind == "social",
    ),
    Rule("display_medium", Channel.DISPLAY, lambda f: f.medium in sources.DISPLAY_MEDIUMS),
    # dclid, or a Google/Microsoft ad click arriving from a site that is not a search engine
    # (YouTube, Gmail, a news site in the display network).
    Rule(
        "display_click_id",
        Channel.DISPLAY,
        lambda f: (
            not f.medium
            and (f.click_kind == "display" or (f.click_kind == "search" and bool(f.referrer)))
        ),
    ),
    Rule(
        "display_ad_network",
        Channel.DISPLAY,
        lambda f: not f.medium and bool(f.referrer) and AD_NETWORKS.match(f.referrer),
    ),
    Rule(
        "audio",
        Channel.AUDIO,
        lambda f: (
            f.medium in sources.AUDIO_MEDIUMS
            or f.any_name(lambda n: _named(n, sources.AUDIO_SOURCES, AUDIO_SITES))
        ),
    ),
    # GA4's "Paid Video" and "Paid Other" groups: a hub buys both as placements, so display.
    Rule("paid_video", Channel.DISPLAY, lambda f: f.paid and f.any_name(_is_video)),
    Rule("paid_other", Channel.DISPLAY, lambda f: f.paid),
    # A council's own site or tags, unless the medium names a channel of its own.
    Rule(
        "partner_council",
        Channel.PARTNER_COUNCIL,
        lambda f: bool(f.council) and not _channel_medium(f.medium),
    ),
    Rule(
        "email",
        Channel.EMAIL,
        lambda f: (
            f.medium in sources.EMAIL_MEDIUMS
            or f.any_name(lambda n: _named(n, sources.EMAIL_SOURCES, EMAIL_SITES))
        ),
    ),
    Rule(
        "sms",
        Channel.SMS,
        lambda f: (
            f.medium in sources.SMS_VALUES or f.any_name(lambda n: _key(n) in sources.SMS_VALUES)
        ),
    ),
    Rule(
        "organic_social",
        Channel.ORGANIC_SOCIAL,
        lambda f: f.medium in sources.SOCIAL_MEDIUMS or f.any_name(_is_social),
    ),
    Rule(
        "organic_video",
        Channel.ORGANIC_VIDEO,
        lambda f: "video" in f.medium or f.any_name(_is_video),
    ),
    # Before organic_search: gemini.google.com would otherwise count as Google search.
    Rule(
        "ai_assistant",
        Channel.ORGANIC_SEARCH,
        lambda f: f.any_name(lambda n: _named(n, sources.AI_ASSISTANT_SOURCES, AI_ASSISTANTS)),
    ),
    Rule(
        "organic_search",
        Channel.ORGANIC_SEARCH,
        lambda f: f.medium in sources.SEARCH_MEDIUMS or f.any_name(_is_search),
    ),
    Rule(
        "partner_organisation",
        Channel.PARTNER_ORGANISATION,
        lambda f: f.medium in sources.PARTNER_MEDIUMS or f.partner,
    ),
    Rule(
        "referral",
        Channel.REFERRAL,
        lambda f: f.medium in sources.REFERRAL_MEDIUMS or bool(f.referrer),
    ),
    # Tags nothing above recognised, but the campaign code is registered with a channel.
    Rule("campaign_registry", None, lambda f: f.campaign_channel is not None),
    Rule("direct", Channel.DIRECT, lambda f: f.direct),
    # Tagged (or carrying an ad click id) yet nothing matched: the tags need fixing.
    Rule("unassigned", Channel.UNASSIGNED, lambda f: True),
)


@dataclass(frozen=True, slots=True)
class Classification:
    """A touch's channel group, the rule that decided it and the ruleset version it was made
    under. `council` is the partner council's short name when the channel is its website."""

    channel: Channel
    rule: str
    ruleset_version: str = RULESET_VERSION
    council: str = ""


def classify(touch: Touch, context: Context) -> Classification:
    """The channel group of a touch: the first rule in RULES that matches decides."""
    facts = Facts.of(touch, context)
    for rule in RULES:
        if rule.test(facts):
            channel = rule.channel or facts.campaign_channel
            assert channel is not None
            council = facts.council if channel is Channel.PARTNER_COUNCIL else ""
            return Classification(channel=channel, rule=rule.name, council=council)
    raise AssertionError("the last rule always matches")  # pragma: no cover
