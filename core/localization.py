"""Languages on the public site.

English pages are the originals. Every other content language is a Wagtail locale whose tree
wagtail-localize keeps in step with the English one: a page nobody has translated yet is an
*alias* of the English page there (the same words, updated when the English is published), so
every link, listing and language switch finds a page in every language, and a translated page
replaces its alias. This module answers what the templates and forms need to know about that:

- which language a page's words are in (an alias shows English words in the Polish tree),
- the page's versions in every language (the switcher, `hreflang`, the sitemap), in one query,
- the canonical English record that enquiries, bookings and reports point at, never a copy,
- which version of each item a listing shows (`in_language`: the one rule every listing, menu,
  search and sitemap follows).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr
from django.dispatch import Signal
from django.urls import reverse, translate_url
from django.utils import translation
from wagtail.models import Locale, Page, Site, TranslatableMixin

# Sent after `migrate` has made a locale for a newly configured language.
locales_added = Signal()


def language_codes() -> list[str]:
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]


def other_languages() -> list[tuple[str, str]]:
    """The site's content languages besides English (choices for translated settings)."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def language_name(code: str) -> str:
    return dict(settings.WAGTAIL_CONTENT_LANGUAGES).get(code, code)


def is_bidi(code: str) -> bool:
    return translation.get_language_info(code)["bidi"]


def html_lang(code: str) -> str:
    """A language code as HTML and hreflang want it: "en-gb" -> "en-GB"."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


def default_locale() -> Locale:
    return Locale.get_default()


def canonical(instance: Model) -> Model:
    """The default-language original of a translatable page or snippet (itself when it is the
    original). Enquiries, bookings and reports store this, so a Polish booking counts against
    the same event's places as an English one."""
    if locale_code(instance.locale_id) == settings.LANGUAGE_CODE:
        return instance
    original = instance.get_translation_or_none(default_locale())
    if original is None:
        return instance
    return original.specific if isinstance(original, Page) else original


def is_translatable(model: type[Model]) -> bool:
    """Whether items of this model have a version per language (pages, translated snippets)."""
    return issubclass(model, TranslatableMixin)


def originals(queryset: QuerySet, *, keep: Iterable[Any] = ()) -> QuerySet:
    """The default-language originals among a translatable model's items (no translation, no
    copy of the English in another tree, no alias): each item once, as enquiries, bookings,
    campaigns and tags store it. What choice fields offer editors; pages in the editors'
    order. `keep` (primary keys) stays in whatever its language: the choices already made,
    so saving a form for another reason never drops one."""
    wanted = Q(locale__language_code=settings.LANGUAGE_CODE)
    if issubclass(queryset.model, Page):
        wanted &= Q(alias_of__isnull=True)
        queryset = queryset.order_by("path")
    keep = [pk for pk in keep if pk is not None]
    if keep:
        wanted |= Q(pk__in=keep)
    return queryset.filter(wanted)


def version_in(page: Page, language_code: str) -> Page:
    """The page as a reader of `language_code` sees it: its live version in that language
    (translated, or the copy of the English there), or the page itself when there is none.
    Emails use it so a Polish booking's email names the event as the Polish page does."""
    if page.locale.language_code == language_code:
        return page
    version = (
        Page.objects.filter(
            translation_key=page.translation_key,
            locale__language_code=language_code,
            live=True,
        )
        .select_related("locale")
        .first()
    )
    return version.specific if version is not None else page


def own_words_in(page: Page, language_code: str) -> Page | None:
    """The version of `page` whose own words are in `language_code` (the page itself, or its
    live translation), or None when that language has only the copy of the English. Emails use
    it: an editor's words go into a Polish email only when someone wrote them in Polish."""
    if page.locale.language_code == language_code:
        return page if page.alias_of_id is None else None
    version = version_in(page, language_code)
    if version.locale.language_code != language_code or version.alias_of_id is not None:
        return None
    return version


def translated_titles(pages: list[Page]) -> dict[Any, str]:
    """{translation_key: title} of these pages' live versions in the active language (one
    query): forms list the canonical English pages under the titles the visitor can read."""
    code = translation.get_language()
    keys = [page.translation_key for page in pages]
    if not keys or all(locale_code(page.locale_id) == code for page in pages):
        return {page.translation_key: page.title for page in pages}
    rows = Page.objects.filter(
        translation_key__in=keys, locale__language_code=code, live=True
    ).values_list("translation_key", "title")
    return dict(rows)


def localized_versions(pages: list[Page]) -> tuple[dict[Any, Page], str]:
    """The live versions, in the active language, of pages chosen in English (menus, settings),
    by translation key, in one query; and the html lang of words editors wrote in English
    ("" while the visitor reads English, when there is nothing to look up)."""
    code = translation.get_language()
    if code == settings.LANGUAGE_CODE or not pages:
        return {}, ""
    own = locale_id_for(code)
    found = versions_for(pages, own)
    return (
        {key: page for key, page in found.items() if page.locale_id == own},
        html_lang(settings.LANGUAGE_CODE),
    )


@dataclass(frozen=True)
class Version:
    """One language's version of the page being shown (or where the switcher goes for it)."""

    code: str
    name: str
    url: str
    translated: bool  # its own words: an original or a translation, never an English copy
    current: bool
    full_url: str = ""  # for hreflang, on the site's own host name like the canonical link

    @property
    def lang(self) -> str:
        return html_lang(self.code)

    @property
    def bidi(self) -> bool:
        return is_bidi(self.code)


@dataclass(frozen=True)
class PageLanguages:
    """What base.html needs: the switcher, the alternates and the language of the words."""

    versions: list[Version]
    content_code: str  # the language the page's own words are in
    canonical_url: str  # for a copy, the original's address (search engines index that)

    @property
    def ui_code(self) -> str:
        return translation.get_language()

    @property
    def alternates(self) -> list[Version]:
        """hreflang links: versions in their own words only (a copy is not an alternate)."""
        return [version for version in self.versions if version.translated]

    @property
    def x_default(self) -> str:
        default = next((v for v in self.versions if v.code == settings.LANGUAGE_CODE), None)
        return default.full_url if default and default.translated else ""

    @property
    def content_differs(self) -> bool:
        return self.content_code != self.ui_code

    @property
    def content_lang(self) -> str:
        return html_lang(self.content_code)

    @property
    def content_bidi(self) -> bool:
        return is_bidi(self.content_code)

    @property
    def content_name(self) -> str:
        """The words' language, named in the visitor's: "angielski", "انگریزی"."""
        base = self.content_code.split("-")[0]
        return translation.get_language_info(base)["name_translated"]


_LOCALE_CODES: dict[int, str] = {}


def locale_code(locale_id: int) -> str:
    """A locale's language code without a query per page (locales are few and rarely change;
    the cache is emptied whenever one is saved or deleted)."""
    if locale_id not in _LOCALE_CODES:
        _LOCALE_CODES.clear()
        _LOCALE_CODES.update(Locale.objects.values_list("id", "language_code"))
    return _LOCALE_CODES.get(locale_id, settings.LANGUAGE_CODE)


def forget_locale_codes(**kwargs) -> None:
    _LOCALE_CODES.clear()


def locale_id_for(locale: Locale | int | str | None = None) -> int | None:
    """A locale's id from a Locale, an id or a language code (None: the active language),
    without a query (the cache above); None for a language that has no locale."""
    if isinstance(locale, Locale):
        return locale.pk
    if isinstance(locale, int):
        return locale
    code = (locale or translation.get_language() or settings.LANGUAGE_CODE).lower()
    for attempt in range(2):
        if attempt or not _LOCALE_CODES:
            _LOCALE_CODES.clear()
            _LOCALE_CODES.update(Locale.objects.values_list("id", "language_code"))
        for locale_id, language_code in _LOCALE_CODES.items():
            if language_code.lower() == code:
                return locale_id
    return None


# --- Listings: each item once, in the page's language ------------------------------------------


def in_language(
    queryset: QuerySet, locale: Locale | int | str | None = None, *, order_by: tuple[str, ...] = ()
) -> QuerySet:
    """The rule every listing follows (cards, the events, search results, menus, key pages):
    each item once, in the version a reader of `locale` (a Locale, its id or a language code;
    the active language by default) should see.

    `queryset` holds the listing's candidates in every language: a type's stories whatever
    language they were tagged in, an index's children in every language's tree (`below`).
    Of the versions of one item (one translation key) this keeps the one in `locale` (its
    translation, or wagtail-localize's copy of the English there) when the queryset has it,
    else the default language's original; never two versions side by side, never a third
    language's. A version the queryset filtered out (not live, private, not matching) counts
    as missing, so the original stands in for it.

    `order_by` orders by fields as the originals have them ("path": the editors' order of
    the English tree; "-first_published_at": newest first by when the original appeared), so
    every language lists the items in the same order; without it the queryset's own ordering
    stays. Still one SQL query: the choice is a subquery of it. Apply it before slicing.
    """
    default = locale_id_for(settings.LANGUAGE_CODE)
    own = locale_id_for(locale) or default
    if own == default:
        chosen = queryset.filter(locale_id=default)
    else:
        translated = queryset.filter(locale_id=own).values("translation_key")
        chosen = queryset.filter(
            Q(locale_id=own) | (Q(locale_id=default) & ~Q(translation_key__in=translated))
        )
    if order_by:
        originals = None if own == default else queryset.model._base_manager
        ordering = []
        for name in order_by:
            field = name.lstrip("-")
            value = F(field)
            if originals is not None:
                original = originals.filter(
                    translation_key=OuterRef("translation_key"), locale_id=default
                ).order_by()
                value = Coalesce(Subquery(original.values(field)[:1]), F(field))
            ordering.append(value.desc() if name.startswith("-") else value.asc())
        chosen = chosen.order_by(*ordering)
    return chosen


def below(
    queryset: QuerySet, ancestor: Page, *, children: bool = False, inclusive: bool = False
) -> QuerySet:
    """The queryset's pages under `ancestor` in every language's tree (under it or any of its
    versions; only its children with `children`, `ancestor` too with `inclusive`): the
    candidates of an index's or a site's listing, of which `in_language` keeps one version
    of each. No extra query: the versions are a subquery."""
    versions = Page.objects.filter(
        translation_key=ancestor.translation_key,
        path=Substr(OuterRef("path"), 1, ancestor.depth * Page.steplen),
    )
    queryset = queryset.filter(Exists(versions))
    if children:
        return queryset.filter(depth=ancestor.depth + 1)
    return queryset.filter(depth__gte=ancestor.depth if inclusive else ancestor.depth + 1)


def tagged_in_language(tags, locale: Locale | int | str | None = None) -> QuerySet:
    """The live pages a many-to-many field tags (a story's or an event's types of fostering),
    each once in this language, in the editors' order: a copy's tags are the English pages,
    so they are matched by translation key. One query; in a preview, whose tags are in
    memory, too."""
    keys = tags.all().values_list("translation_key", flat=True)
    if not isinstance(keys, QuerySet):
        keys = list(keys)
    pages = tags.model.objects.live().public().filter(translation_key__in=keys)
    return in_language(pages, locale, order_by=("path",))


def versions_for(pages: list[Page], locale: Locale | int | str | None = None) -> dict[Any, Page]:
    """{translation_key: the live version `in_language` picks} of pages editors chose (menu
    links, the key pages): no query when every chosen page is already that version, else one
    for them all. A key whose page is live in neither language is missing."""
    default = locale_id_for(settings.LANGUAGE_CODE)
    own = locale_id_for(locale) or default
    chosen: dict[Any, Page] = {}
    unsettled = []
    for page in pages:
        if page.locale_id == own and page.live:
            chosen[page.translation_key] = page
        elif not page.locale_id == own == default:
            unsettled.append(page.translation_key)  # another language's, or not live here
    if unsettled:
        found = in_language(
            Page.objects.live().filter(translation_key__in=unsettled), own
        ).select_related("locale")
        chosen.update((page.translation_key, page) for page in found)
    return chosen


def words_language(page: Page) -> str:
    """The language a page's own words are in: an untranslated copy has the original's
    (copies are made from the English tree)."""
    if page.alias_of_id:
        return settings.LANGUAGE_CODE
    return locale_code(page.locale_id)


def language_home_url(code: str) -> str:
    with translation.override(code):
        return reverse("wagtail_serve", args=[""])


def page_languages(page: Page | None, request) -> PageLanguages:
    """The versions of `page` in every configured language (one query), for the switcher.

    A version that does not exist at all (a page made outside the admin before its language
    was set up) sends the switcher to that language's home page. On a routable page's
    sub-address (an event's booking form, the events archive) each version keeps the sub-path.
    Without a page (search, errors) the switcher translates the address itself.
    """
    current = translation.get_language()
    if page is None or not getattr(page, "translation_key", None):
        path = request.path if request is not None else "/"
        return PageLanguages(
            versions=[
                Version(code, language_name(code), translate_url(path, code), True, code == current)
                for code in language_codes()
            ],
            content_code=current,
            canonical_url="",
        )

    found = {
        other.locale.language_code: other
        for other in Page.objects.filter(translation_key=page.translation_key, live=True)
        .select_related("locale")
        .only("id", "url_path", "alias_of_id", "locale__language_code", "translation_key")
    }
    own_url = page.get_url(request) or ""
    subpath = ""
    if request is not None and own_url and request.path.startswith(own_url):
        subpath = request.path[len(own_url) :]
    own_code = locale_code(page.locale_id)
    content_code = own_code
    canonical_url = ""
    if page.alias_of_id:
        source = next((p for p in found.values() if p.pk == page.alias_of_id), None)
        if source is not None:
            content_code = source.locale.language_code
            canonical_url = (source.get_full_url(request) or "") + subpath

    versions = []
    for code in language_codes():
        other = found.get(code)
        if code == own_code:
            url, translated, full_url = (
                own_url + subpath,
                page.alias_of_id is None,
                (page.get_full_url(request) or "") + subpath,
            )
        elif other is not None:
            url, translated, full_url = (
                (other.get_url(request) or "") + subpath,
                other.alias_of_id is None,
                (other.get_full_url(request) or "") + subpath,
            )
        else:
            url, translated, full_url = language_home_url(code), False, ""
        versions.append(
            Version(code, language_name(code), url, translated, code == current, full_url)
        )
    return PageLanguages(versions=versions, content_code=content_code, canonical_url=canonical_url)


def ensure_locales(**kwargs) -> None:
    """Run after `migrate`: a Wagtail locale for each configured language, kept in step with
    the English tree (wagtail-localize's "synchronise from" setting, which makes the aliases).

    Languages taken out of the settings keep their locale and pages: nothing is deleted.
    """
    from wagtail_localize.models import LocaleSynchronization

    if not Locale.objects.exists():
        # A test run's flush emptied every table: the restore after it brings the locales back.
        return
    created = [Locale.objects.get_or_create(language_code=code)[1] for code in language_codes()]
    source = default_locale()
    for locale in Locale.objects.filter(language_code__in=language_codes()).exclude(pk=source.pk):
        # Saving a new synchronisation copies the existing English tree into the locale.
        LocaleSynchronization.objects.get_or_create(locale=locale, defaults={"sync_from": source})
    # A new language's home page is a new site root: Wagtail caches the roots for an hour.
    Site.clear_site_root_paths_cache()
    if any(created):
        # Whoever gives people rights over each language's tree (accounts.roles) extends them.
        locales_added.send(sender=ensure_locales)


def sync_unless_loading(sender, instance, raw: bool = False, **kwargs) -> None:
    """wagtail-localize's post_save receiver, skipped for raw saves (loading saved data)."""
    if not raw:
        instance.sync_trees()
        Site.clear_site_root_paths_cache()


def synchronise_trees() -> None:
    """Copy into every synchronised locale the English pages it has no version of yet.

    The admin does this for each page created there; code that creates pages (the demo loader)
    calls this afterwards.
    """
    from wagtail_localize.models import LocaleSynchronization
    from wagtail_localize.synctree import synchronize_tree

    for sync in LocaleSynchronization.objects.select_related("locale", "sync_from"):
        synchronize_tree(sync.sync_from, sync.locale)
    Site.clear_site_root_paths_cache()
