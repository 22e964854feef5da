"""Demo translations, made through wagtail-localize exactly as a translator's work would be.

For each demo page below and each language with a file in `translations/` (English text ->
translation, one entry per wagtail-localize segment), the loader records the translated strings
in wagtail-localize's translation memory and publishes the translated page, which replaces the
English alias in that language's tree. The translation editor then shows them as a translator
left them, and "Sync translated pages" updates them when the English changes.

Idempotent and careful: a page that is already translated (by the loader or by a person) is left
alone, and a language without a file is skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale, Page
from wagtail_localize.models import (
    OverridableSegment,
    SegmentOverride,
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)

from enquiry.models import HearAboutOption

DIRECTORY = Path(__file__).parent / "translations"

# The pages the demo ships translated (paths under the home page): the home page, every page
# the main and footer menus link to (so a Polish or Urdu reader following the menus never lands
# on English words), the policies, the enquiry journey, every council page, two types of
# fostering, the events index and an event; and the answers to "How did you hear about us?"
# that the files translate.
TRANSLATED_PAGES = [
    "",
    # The main menu (demo.content.NAVIGATION).
    "how-to-foster/",
    "types-of-fostering/",
    "councils/",
    "support/",
    "stories/",
    "faqs/",
    # The footer menu: about, the policies and the enquiry page ("Contact us").
    "about/",
    "privacy/",
    "cookies/",
    "accessibility/",
    "enquire/",
    # Further pages.
    "councils/derby/",
    "councils/derbyshire/",
    "councils/nottingham/",
    "councils/nottinghamshire/",
    "types-of-fostering/short-term/",
    "types-of-fostering/long-term/",
    "events/",
    "events/derby-information-evening/",
]


def catalogue(language_code: str) -> dict[str, str]:
    path = DIRECTORY / f"{language_code}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def translate_page(page, locale: Locale, strings: dict[str, str]) -> bool:
    """Translate one page or translatable snippet into `locale` from `strings`; False when it
    was translated already (by the loader or a person)."""
    existing = page.get_translation_or_none(locale)
    if existing is not None and getattr(existing, "alias_of_id", None) is None:
        return False
    source, _created = TranslationSource.update_or_create_from_instance(page)
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for segment in segments:
        text = strings.get(segment.string.data)
        if text:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={"data": text},
            )
    _localise_links(page, source, locale)
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    # Untranslated strings fall back to the English, as "Sync translated pages" does.
    translation.save_target(publish=True)
    return True


# Where a translation links to a page: a link block's page, a quote's story, a page field that
# may be any page (the enquiry page's privacy notice). A field choosing an item of one type
# (the home page's featured story) is what a listing shows, not a link, and is left alone.
PAGE_LINK_BLOCKS = ("page", "story")


def _localise_links(page, source: TranslationSource, locale: Locale) -> None:
    """Links in the translation go to the pages in its own language, as a translator would
    override them: an address typed in rich text ("/stories/" -> "/pl/stories/") and a chosen
    page (the English enquiry page -> its Polish version, translated or the copy). Links to
    other sites, images and listings' choices are left as they are."""
    for segment in OverridableSegment.objects.filter(source=source).select_related("context"):
        value, path = segment.data, segment.context.path.split(".")
        if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
            address, mark, rest = value.partition("?") if "?" in value else value.partition("#")
            with translation.override(locale.language_code):
                localised = reverse("wagtail_serve", args=[address.lstrip("/")]) + mark + rest
        elif isinstance(value, int) and _is_page_link(page, path):
            linked = Page.objects.filter(pk=value).first()
            version = linked.get_translation_or_none(locale) if linked else None
            if version is None:
                continue
            localised = version.pk
        else:
            continue
        SegmentOverride.objects.update_or_create(
            locale=locale, context=segment.context, defaults={"data_json": json.dumps(localised)}
        )


def _is_page_link(instance, path: list[str]) -> bool:
    if len(path) > 1:
        return path[-1] in PAGE_LINK_BLOCKS
    try:
        field = instance._meta.get_field(path[0])
    except FieldDoesNotExist:  # not a model field: nothing to localise
        return False
    return getattr(field, "related_model", None) is Page


def load_demo_translations(loader) -> None:

    home = loader.home
    english = home.locale
    for locale in Locale.objects.exclude(pk=english.pk).order_by("language_code"):
        strings = catalogue(locale.language_code)
        if not strings:
            continue
        for path in TRANSLATED_PAGES:
            url_path = home.url_path + path
            page = Page.objects.filter(url_path=url_path, locale=english).first()
            if page is None:
                continue
            if translate_page(page.specific, locale, strings):
                loader.created("translation", f"{url_path} ({locale.language_code})")
        # The "How did you hear about us?" answers (translatable snippets).
        for option in HearAboutOption.objects.originals().filter(label__in=strings):
            if translate_page(option, locale, strings):
                loader.created("translation", f"answer {option.label!r} ({locale.language_code})")
