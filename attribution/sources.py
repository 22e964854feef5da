"""The lists behind source classification, kept as data so they change without touching rules.

Conventions, relied on by attribution.classification:
- *_SOURCES are utm_source names, compared after lower-casing with spaces and underscores turned
  into hyphens ("Mail Chimp" and "mail_chimp" both become "mail-chimp").
- *_MEDIUMS are utm_medium values, compared the same way ("e mail" and "e_mail" become "e-mail").
- *_DOMAINS are website domains without "www.". A domain also covers its subdomains
  ("facebook.com" covers "l.facebook.com" and "lm.facebook.com"). An entry ending in ".*" covers
  the name under any country or generic ending ("google.*": google.com, google.co.uk, google.ie).
  A utm_source that is itself a domain ("l.facebook.com") is matched against them too.

Changing any list can change how an enquiry is classified: bump RULESET_VERSION in
attribution/classification.py in the same change, so old results can be told apart and
reclassified.
"""

from __future__ import annotations

# Values that analytics tools and broken link builders write when they mean "nothing".
EMPTY_TAG_VALUES = frozenset({"(none)", "(not set)", "(direct)", "undefined", "null"})

# Click id parameters and the ad platform each one comes from. Only the platform is kept, never
# the id. In precedence order: when a link carries several, the first listed decides.
CLICK_ID_PARAMETERS: dict[str, str] = {
    "gclid": "google",
    "gbraid": "google",
    "wbraid": "google",
    # Google Ads adds gad_source beside gclid; it survives Safari's link tracking protection,
    # which strips gclid. It says "a Google ad", not who clicked.
    "gad_source": "google",
    "dclid": "google-display",
    "msclkid": "microsoft",
    "ttclid": "tiktok",
    "li_fat_id": "linkedin",
    "twclid": "x",
    "sccid": "snapchat",
    "epik": "pinterest",
    "fbclid": "meta",
}

# Query parameters attribution capture reads: the campaign tags (by prefix: utm_*, Matomo's
# mtm_* and its older pk_*), the ad click ids above and the short link's marker. No page reads
# them, so no cache keys on them (home.page_cache), but a front door that caches pages must let
# a request carrying one of them through to the site, or its touch is never recorded
# (home.front_door builds nginx's rule from these). Compared without regard to case.
CAPTURED_PARAMETER_PREFIXES: tuple[str, ...] = ("utm_", "mtm_", "pk_")
CAPTURED_PARAMETERS: tuple[str, ...] = (*CLICK_ID_PARAMETERS, "hub_link")

# What a click id on its own says, per platform: the source name it implies, and its kind.
# "search": a search ad (may also be the platform's display network: see classification).
# "display": a display or video ad. "social": an ad on a social network (these ids are added to
# ad clicks only). "share": Meta adds fbclid to nearly every outbound link, shared posts
# included, so on its own it says "came from Facebook or Instagram", not "paid".
AD_CLICK_PLATFORMS: dict[str, tuple[str, str]] = {
    "google": ("google", "search"),
    "microsoft": ("bing", "search"),
    "google-display": ("", "display"),
    "tiktok": ("tiktok", "social"),
    "linkedin": ("linkedin", "social"),
    "x": ("x", "social"),
    "snapchat": ("snapchat", "social"),
    "pinterest": ("pinterest", "social"),
    "meta": ("facebook", "share"),
}

# Android apps send "android-app://<package>" as the referrer. Known apps map to the site they
# stand for; other apps are dropped, as an app name is not a website domain.
ANDROID_APP_REFERRERS: dict[str, str] = {
    "com.google.android.googlequicksearchbox": "google.com",
    "com.google.android.gm": "mail.google.com",
    "com.microsoft.office.outlook": "outlook.office.com",
    "com.facebook.katana": "facebook.com",
    "com.facebook.orca": "messenger.com",
    "com.instagram.android": "instagram.com",
    "com.linkedin.android": "linkedin.com",
    "com.twitter.android": "x.com",
    "com.reddit.frontpage": "reddit.com",
    "com.pinterest": "pinterest.com",
    "com.zhiliaoapp.musically": "tiktok.com",
    "com.whatsapp": "whatsapp.com",
    "com.google.android.youtube": "youtube.com",
    "com.spotify.music": "spotify.com",
}

# GA4's paid medium pattern ^(.*cp.*|ppc|retargeting|paid.*)$, widened with the forms hubs'
# agencies write ("social-paid", "sponsored", "boosted" posts, "remarketing", "sem").
PAID_MEDIUM_PATTERN = (
    r"^(.*cp.*|ppc|sem|retargeting|remarketing|paid.*|.*-paid|sponsored|boosted|ads?)$"
)

# Media a person meets away from a screen. TV and cinema are here too: people type or scan the
# address they saw. Radio is audio, not offline (see AUDIO_MEDIUMS).
OFFLINE_MEDIUMS = frozenset(
    {
        "offline",
        "print",
        "press",
        "newspaper",
        "magazine",
        "poster",
        "leaflet",
        "flyer",
        "postcard",
        "direct-mail",
        "outdoor",
        "ooh",
        "dooh",
        "billboard",
        "bus",
        "bus-advert",
        "bus-stop",
        "tram",
        "event",
        "events",
        "roadshow",
        "pop-up",
        "popup",
        "stall",
        "qr",
        "qr-code",
        "qrcode",
        "tv",
        "television",
        "cinema",
    }
)
OFFLINE_SOURCES = frozenset(
    {"qr", "qr-code", "qrcode", "print", "poster", "leaflet", "flyer", "billboard", "bus", "event"}
)

# GA4: display, banner, expandable, interstitial, cpm; plus programmatic and native placements.
DISPLAY_MEDIUMS = frozenset(
    {"display", "banner", "expandable", "interstitial", "cpm", "programmatic", "native"}
)
# Ad servers and native ad networks: an untagged visit referred by one is an ad click.
AD_NETWORK_DOMAINS = frozenset(
    {
        "doubleclick.net",
        "googlesyndication.com",
        "adnxs.com",
        "taboola.com",
        "outbrain.com",
        "criteo.com",
        "amazon-adsystem.com",
    }
)

# GA4 has "audio"; radio and podcast adverts are the same channel for a hub.
AUDIO_MEDIUMS = frozenset(
    {"audio", "radio", "podcast", "podcasts", "dab", "digital-audio", "streaming-audio"}
)
AUDIO_SOURCES = frozenset(
    {"spotify", "acast", "audioboom", "globalplayer", "global-player", "dax", "radioplayer"}
)
AUDIO_DOMAINS = frozenset(
    {
        "spotify.com",
        "podcasts.apple.com",
        "podcasts.google.com",
        "globalplayer.com",
        "planetradio.co.uk",
        "radioplayer.co.uk",
        "acast.com",
        "audioboom.com",
        "pocketcasts.com",
        "overcast.fm",
        "soundcloud.com",
    }
)

# GA4: email, e-mail, e_mail, e mail (as source or medium); plus newsletters, the mailing
# services councils and charities use, and the web mail and link-scanning sites a click in an
# email arrives from (Microsoft Safe Links rewrites links in council and NHS mailboxes).
EMAIL_MEDIUMS = frozenset({"email", "e-mail", "newsletter", "e-newsletter", "enewsletter"})
EMAIL_SOURCES = frozenset(
    {
        "email",
        "e-mail",
        "newsletter",
        "e-newsletter",
        "enewsletter",
        "mailchimp",
        "govdelivery",
        "granicus",
        "dotdigital",
        "campaign-monitor",
        "campaignmonitor",
        "brevo",
        "sendinblue",
        "mailerlite",
        "constant-contact",
        "gmail",
        "outlook",
    }
)
EMAIL_DOMAINS = frozenset(
    {
        "mail.google.com",
        "outlook.live.com",
        "outlook.office.com",
        "outlook.office365.com",
        "safelinks.protection.outlook.com",
        "mail.yahoo.com",
        "mail.aol.com",
        "mail.proton.me",
        "lnks.gd",
        "govdelivery.com",
        "list-manage.com",
        "mailchi.mp",
        "campaign-archive.com",
    }
)

# GA4: sms (as source or medium); plus the words people use for a text message.
SMS_VALUES = frozenset({"sms", "text", "txt", "text-message", "mms"})

# GA4's social mediums (social, social-network, social-media, sm) plus organic-social forms.
SOCIAL_MEDIUMS = frozenset(
    {"social", "social-network", "social-media", "sm", "organic-social", "social-organic"}
)
# Meta's {{site_source_name}} macro writes fb, ig and msg. Mumsnet and Netmums are parenting
# forums where fostering is discussed person to person: counted as social, not referral.
SOCIAL_SOURCES = frozenset(
    {
        "facebook",
        "fb",
        "meta",
        "facebook-ads",
        "meta-ads",
        "instagram",
        "ig",
        "insta",
        "msg",
        "messenger",
        "linkedin",
        "linkedin-ads",
        "twitter",
        "x",
        "tiktok",
        "tiktok-ads",
        "pinterest",
        "reddit",
        "snapchat",
        "snap",
        "threads",
        "nextdoor",
        "whatsapp",
        "mumsnet",
        "netmums",
        "bluesky",
        "bsky",
        "mastodon",
        "quora",
        "tumblr",
        "telegram",
        "discord",
    }
)
SOCIAL_DOMAINS = frozenset(
    {
        "facebook.com",
        "fb.com",
        "fb.me",
        "m.me",
        "messenger.com",
        "instagram.com",
        "linkedin.com",
        "lnkd.in",
        "twitter.com",
        "x.com",
        "t.co",
        "tiktok.com",
        "pinterest.*",
        "pin.it",
        "reddit.com",
        "redd.it",
        "snapchat.com",
        "threads.net",
        "threads.com",
        "nextdoor.com",
        "nextdoor.co.uk",
        "whatsapp.com",
        "wa.me",
        "mumsnet.com",
        "netmums.com",
        "bsky.app",
        "mastodon.social",
        "quora.com",
        "tumblr.com",
        "t.me",
        "telegram.org",
        "discord.com",
        "discord.gg",
    }
)

# GA4 also counts any medium containing "video" as video (see classification).
VIDEO_SOURCES = frozenset({"youtube", "yt", "vimeo", "twitch", "dailymotion"})
VIDEO_DOMAINS = frozenset(
    {
        "youtube.com",
        "youtu.be",
        "youtube-nocookie.com",
        "vimeo.com",
        "twitch.tv",
        "dailymotion.com",
    }
)

SEARCH_MEDIUMS = frozenset({"organic", "seo", "organic-search"})
SEARCH_ENGINE_SOURCES = frozenset(
    {
        "google",
        "bing",
        "duckduckgo",
        "ddg",
        "yahoo",
        "ecosia",
        "baidu",
        "yandex",
        "ask",
        "startpage",
        "qwant",
        "brave",
        "aol",
        "mojeek",
        "kagi",
        "google-ads",
        "googleads",
        "adwords",
        "bing-ads",
        "microsoft-ads",
    }
)
SEARCH_ENGINE_DOMAINS = frozenset(
    {
        "google.*",
        "bing.com",
        "duckduckgo.com",
        "yahoo.*",
        "ecosia.org",
        "baidu.com",
        "yandex.*",
        "ask.com",
        "startpage.com",
        "qwant.com",
        "search.brave.com",
        "search.aol.com",
        "mojeek.com",
        "kagi.com",
    }
)
# Sites on a search engine's domain that are not its search results.
NOT_SEARCH_DOMAINS = frozenset(
    {
        "mail.google.com",
        "docs.google.com",
        "drive.google.com",
        "sites.google.com",
        "groups.google.com",
        "calendar.google.com",
        "classroom.google.com",
        "accounts.google.com",
        "mail.yahoo.com",
        "news.yahoo.com",
    }
)

# AI assistants answer the questions people used to search for, and link to their sources:
# counted as organic search, under a rule of their own so reports can tell them apart.
AI_ASSISTANT_SOURCES = frozenset({"chatgpt", "openai", "perplexity", "gemini", "copilot", "claude"})
AI_ASSISTANT_DOMAINS = frozenset(
    {
        "chatgpt.com",
        "chat.openai.com",
        "perplexity.ai",
        "gemini.google.com",
        "copilot.microsoft.com",
        "claude.ai",
    }
)

# Employer partnerships, local businesses and other organisations that send people on purpose.
PARTNER_MEDIUMS = frozenset(
    {
        "partner",
        "partners",
        "partnership",
        "affiliate",
        "affiliates",
        "referral-partner",
        "employer",
        "employer-partner",
        "local-business",
        "community-partner",
    }
)

# GA4: referral, app, link; plus website and web.
REFERRAL_MEDIUMS = frozenset({"referral", "app", "link", "website", "web"})
