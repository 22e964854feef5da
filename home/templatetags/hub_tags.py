"""Template helpers for the public site: navigation, breadcrumbs, pagination and video links.

Every helper here works from data already in the request (settings are cached per request) or
runs one query, so a page's query count does not grow with its content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qs, urlsplit

from django import template
from django.http import QueryDict
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from home.localization import (
    PageLanguages,
    html_lang,
    is_bidi,
    localized_versions,
    page_languages,
    words_language,
)

register = template.Library()

YOUTUBE_ID = re.compile(r"^[\w-]{6,20}$")
VIMEO_ID = re.compile(r"^\d+$")


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    is_current: bool
    lang: str = ""  # set when the label is in another language than the page around it


def _is_site_root(value) -> bool:
    page = value.get("page")
    return bool(page) and page.depth <= 2


def _menu(context, field: str) -> list[MenuItem]:
    request = context.get("request")
    if request is None:
        return []
    from home.models import NavigationSettings

    navigation = NavigationSettings.for_request(request)
    blocks = list(getattr(navigation, field))
    versions, other_language = localized_versions(
        [block.value.get("page") for block in blocks if block.value.get("page")]
    )
    path = request.path
    items = []
    for block in blocks:
        value = block.value
        label, lang = value["label"], other_language
        page = value.get("page")
        version = versions.get(page.translation_key) if page and versions else None
        if version is not None:
            url = version.url
            if version.alias_of_id is None:  # translated: its own title, in this language
                label, lang = version.title, ""
        else:
            url = value.url()
        if not url:
            continue
        is_current = False
        if url.startswith("/") and not url.startswith("//"):
            if url == "/" or _is_site_root(value):
                is_current = path == url
            else:
                is_current = path == url or (url.endswith("/") and path.startswith(url))
        items.append(MenuItem(label=label, url=url, is_current=is_current, lang=lang))
    return items


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[MenuItem]:
    """The main navigation links; the one whose section holds this page is marked current."""
    return _menu(context, "main_menu")


@register.simple_tag(takes_context=True)
def footer_menu(context) -> list[MenuItem]:
    return _menu(context, "footer_menu")


@register.simple_tag(takes_context=True)
def languages_of_page(context) -> PageLanguages:
    """This page in every language, for the switcher and the `hreflang` links (one query)."""
    return page_languages(context.get("page"), context.get("request"))


@register.filter
def lang_of(page) -> str:
    """` lang=".." dir=".."` for an element holding a page's words (a card's title or summary)
    when they are in another language than the text around them: a Polish listing shows the
    English words of pages nobody has translated yet, and says so to screen readers."""
    if page is None or not hasattr(page, "alias_of_id"):
        return ""
    code = words_language(page)
    if code == translation.get_language():
        return ""
    direction = "rtl" if is_bidi(code) else "ltr"
    return format_html(' lang="{}" dir="{}"', html_lang(code), direction)


@register.filter
def word(hub, field: str) -> SafeString:
    """One of the hub settings' words (strapline, phone_hours) in the visitor's language; where
    nobody has translated it, the English, marked as English."""
    words = hub.words()
    text = getattr(words, field)
    if field in words.lang:
        return format_html('<span lang="{}" dir="ltr">{}</span>', words.lang[field], text)
    return format_html("{}", text)


@register.filter
def plain_word(hub, field: str) -> str:
    """The same words for a plain-text email, in the language it is being written in."""
    return getattr(hub.words(), field)


@register.filter
def language_tag(code: str) -> str:
    """A Django language code as HTML's lang attribute spells it: "en-gb" -> "en-GB"."""
    return html_lang(code or "")


@register.filter
def ltr(value) -> SafeString:
    """Keep a phone number, reference or postcode reading left to right inside right-to-left
    text: "0300 123 4567" must not come out as "4567 123 0300" in Urdu."""
    return format_html('<bdi dir="ltr">{}</bdi>', value) if value not in (None, "") else ""


@register.simple_tag
def breadcrumb_ancestors(page):
    """The live ancestors of a page below the tree root (the home page first), in one query."""
    if page is None or not hasattr(page, "get_ancestors"):
        return []
    return page.get_ancestors().live().filter(depth__gt=1)


@register.simple_tag(takes_context=True)
def absolute_url(context, url: str) -> str:
    """Make a path absolute for the current request (Open Graph images need full addresses)."""
    if not url or urlsplit(url).scheme:
        return url or ""
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url


@register.simple_tag
def elided_page_range(page_obj, on_each_side: int = 2, on_ends: int = 1):
    """Page numbers for a pagination nav, with None where a gap is shown."""
    paginator = page_obj.paginator
    return [
        None if number == paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(
            page_obj.number, on_each_side=on_each_side, on_ends=on_ends
        )
    ]


@register.simple_tag(takes_context=True)
def page_link(context, number) -> str:
    """'?page=N', keeping the request's other query parameters (such as the search query)."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    params["page"] = number
    return "?" + params.urlencode()


def _video(url: str) -> tuple[str, str]:
    """(provider name, video id) for a YouTube or Vimeo address; ('', '') if not recognised."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    if host == "youtube.com":
        video_id = parse_qs(parts.query).get("v", [""])[0]
        return ("YouTube", video_id) if YOUTUBE_ID.match(video_id) else ("YouTube", "")
    if host == "youtu.be":
        video_id = parts.path.strip("/").split("/")[0]
        return ("YouTube", video_id) if YOUTUBE_ID.match(video_id) else ("YouTube", "")
    if host == "vimeo.com":
        video_id = parts.path.strip("/").split("/")[0]
        return ("Vimeo", video_id) if VIMEO_ID.match(video_id) else ("Vimeo", "")
    return ("", "")


@register.filter
def video_provider(url: str) -> str:
    """'YouTube' or 'Vimeo' (or a generic name) for the visible link text."""
    return _video(url)[0] or str(_("the video site"))


@register.filter
def video_embed_url(url: str) -> str:
    """The privacy-enhanced player address, used only after the visitor presses Play."""
    provider, video_id = _video(url)
    if not video_id:
        return ""
    if provider == "YouTube":
        return f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1&rel=0"
    return f"https://player.vimeo.com/video/{video_id}?autoplay=1&dnt=1"


@cache
def _social_network_names() -> dict[str, str]:
    """The display names of SocialLinkBlock's networks, from the block's own choices."""
    from home.models import SocialLinkBlock

    choices = SocialLinkBlock().child_blocks["network"].field.choices
    return {key: label for key, label in choices if key}


@register.filter
def social_network_name(key: str) -> str:
    return str(_social_network_names().get(key, key))
