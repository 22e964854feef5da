"""Template helpers for the public site: navigation, breadcrumbs, pagination and video links.

Every helper here works from data already in the request (settings are cached per request) or
runs one query, so a page's query count does not grow with its content. `{% fragment %}` keeps
markup every visitor shares (header, footer, breadcrumbs, bodies, cards) in the fragment cache
(core.fragments).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qs, urlsplit

from django import template
from django.conf import settings
from django.db.models import Model
from django.http import QueryDict
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from core import bidi, dates, fragments
from core.blocks import SocialLinkBlock
from core.localization import (
    PageLanguages,
    html_lang,
    is_bidi,
    page_languages,
    versions_for,
    words_language,
)
from home.models import NavigationSettings

register = template.Library()

YOUTUBE_ID = re.compile(r"^[\w-]{6,20}$")
VIMEO_ID = re.compile(r"^\d+$")


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    is_current: bool
    lang: str = ""  # set when the label is in another language than the page around it
    key: str = ""  # the linked page's translation key (data-item), "" for another address


@dataclass(frozen=True)
class MenuLink:
    """A menu link as the navigation settings give it in one language (the same on every
    page, so kept in the fragment cache); which one is current is worked out per request."""

    label: str
    url: str
    lang: str
    exact: bool  # current on its own address only (the home page), not the pages below it
    key: str = ""  # the linked page's translation key, "" for another address

    def is_current(self, path: str) -> bool:
        if not self.url.startswith("/") or self.url.startswith("//"):
            return False
        if self.exact:
            return path == self.url
        return path == self.url or (self.url.endswith("/") and path.startswith(self.url))


def _is_site_root(value) -> bool:
    page = value.get("page")
    return bool(page) and page.depth <= 2


def _menu_links(request, field: str) -> tuple[MenuLink, ...]:
    """The links in the visitor's language: each chosen page's version there, else the English
    original (core.localization.in_language), under the editors' label, marked as English,
    unless it is translated (then its own title)."""

    navigation = NavigationSettings.for_request(request)
    blocks = list(getattr(navigation, field))
    code = translation.get_language() or settings.LANGUAGE_CODE
    versions = versions_for(
        [block.value.get("page") for block in blocks if block.value.get("page")], code
    )
    # The editors write the labels in English: marked as such on other languages' pages.
    english = html_lang(settings.LANGUAGE_CODE) if code != settings.LANGUAGE_CODE else ""
    links = []
    for block in blocks:
        value = block.value
        label, lang, key = value["label"], english, ""
        page = value.get("page")
        if page:
            version = versions.get(page.translation_key)
            if version is None:  # live in neither language: no link to a 404
                continue
            url, key = version.url or "", str(version.translation_key)
            if english and words_language(version) == code:
                label, lang = version.title, ""  # translated: its own title, in this language
        else:
            url = value.url()
        if not url:
            continue
        links.append(MenuLink(label, url, lang, exact=url == "/" or _is_site_root(value), key=key))
    return tuple(links)


def site_key(request) -> int | None:
    """Which site's settings a fragment shows (each site has its own)."""
    from wagtail.models import Site

    site = Site.find_for_request(request)
    return site.pk if site else None


def _menu(context, field: str) -> list[MenuItem]:
    request = context.get("request")
    if request is None:
        return []
    links = fragments.get_or_make(
        f"menu-links:{field}", (site_key(request),), lambda: _menu_links(request, field)
    )
    path = request.path
    return [
        MenuItem(
            label=link.label,
            url=link.url,
            is_current=link.is_current(path),
            lang=link.lang,
            key=link.key,
        )
        for link in links
    ]


@register.simple_tag(takes_context=True)
def main_menu(context) -> list[MenuItem]:
    """The main navigation links; the one whose section holds this page is marked current."""
    return _menu(context, "main_menu")


@register.simple_tag(takes_context=True)
def footer_menu(context) -> list[MenuItem]:
    return _menu(context, "footer_menu")


@register.filter
def current_marks(items: list[MenuItem]) -> str:
    """Which menu items are current ("0100"): part of the key of a fragment showing a menu."""
    return "".join("1" if item.is_current else "0" for item in items)


class FragmentNode(template.Node):
    def __init__(self, name: str, parts: list, nodelist: template.NodeList) -> None:
        self.name = name
        self.parts = parts
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        request = context.get("request")
        if request is None or fragments.in_preview(request):
            return self.nodelist.render(context)
        parts = (site_key(request), *(_key_part(part.resolve(context)) for part in self.parts))
        return mark_safe(
            fragments.get_or_make(self.name, parts, lambda: str(self.nodelist.render(context)))
        )


def _key_part(value):
    if isinstance(value, Model):
        return (value._meta.label, value.pk)
    return value if isinstance(value, int | str | bool | type(None)) else str(value)


@register.tag
def fragment(parser: template.base.Parser, token: template.base.Token) -> FragmentNode:
    """`{% fragment "name" part... %}...{% endfragment %}`: the enclosed markup, kept in the
    fragment cache (core.fragments) for this site, language and content generation and the
    values of the parts. What is inside must be the same for every visitor: anything that
    depends on the request or the page must be a part of the key, or stay outside."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "'\"" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("{% fragment %} takes a quoted name, then the parts.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]], nodelist)


@register.simple_tag(takes_context=True)
def languages_of_page(context) -> PageLanguages:
    """This page in every language, for the switcher and the `hreflang` links (one query, and
    none while the fragment cache has them: they are the same for every visitor of the page)."""
    page, request = context.get("page"), context.get("request")
    if request is None or getattr(page, "pk", None) is None or fragments.in_preview(request):
        return page_languages(page, request)
    return fragments.get_or_make(
        "page-languages",
        (site_key(request), page.pk, request.scheme, request.get_host(), request.path),
        lambda: page_languages(page, request),
    )


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


@register.filter
def isolate_ltr(html) -> SafeString:
    """Rich text with its phone numbers, references and postcodes kept left to right (every
    rich text goes through it: site/templates/wagtailcore/shared/richtext.html)."""
    return bidi.isolate_ltr(html)


@register.filter
def long_date(value) -> str:
    """A date in words in the active language's own format: "16 grudnia 2026" (core.dates)."""
    return dates.long_date(value)


@register.filter
def day_date(value) -> str:
    """The same with the day of the week: "Środa, 16 grudnia 2026"."""
    return dates.day_date(value)


@register.filter
def quotes(body, text: str) -> bool:
    """Whether a StreamField body already holds a quote block with these words (the home page
    then shows its featured story without the same pull quote a second time)."""
    words = " ".join((text or "").split())
    if not words or not body:
        return False
    return any(
        block.block_type == "quote" and " ".join(str(block.value.get("quote", "")).split()) == words
        for block in body
    )


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


WATCH_PREFIX = re.compile(r"^\s*watch\b\s*[:\-–—]?\s*", re.IGNORECASE)


@register.filter
def video_title(title: str) -> str:
    """A video's title as the link "Watch {title} on YouTube" can use: an editor's own "Watch:"
    at the start is dropped, or the link would read "Watch Watch: …"."""
    title = (title or "").strip()
    rest = WATCH_PREFIX.sub("", title, count=1)
    return rest[:1].upper() + rest[1:] if rest and rest != title else title


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

    choices = SocialLinkBlock().child_blocks["network"].field.choices
    return {key: label for key, label in choices if key}


@register.filter
def social_network_name(key: str) -> str:
    return str(_social_network_names().get(key, key))
