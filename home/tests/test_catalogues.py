"""The interface translations: every string the site shows has a Polish and an Urdu entry.

The catalogues in locale/ are the translators' files; `make install` compiles them. These tests
extract the strings from the code and templates as `make messages` does (GNU gettext's xgettext,
which .ci/run installs) and check nothing is missing, fuzzy or broken.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from home.management.commands.compile_catalogues import compile_catalogue

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sdf]|%[sd]|\{[a-z_]+\}")


def catalogue(code: str) -> polib.POFile:
    return polib.pofile(str(settings.BASE_DIR / "locale" / code / "LC_MESSAGES" / "django.po"))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[tuple[str | None, str]]:
    """(context, msgid) of every interface string in the code and templates today."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is needed to extract strings: apt-get install gettext")
    # makemessages writes into the locale folder beside the sources it reads, so it runs on a
    # copy of them: the committed catalogues are never touched by a test.
    copy = tmp_path_factory.mktemp("sources") / "site"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            "var",
            ".git",
            "locale",
            "tests",
            "journeys",
            "testkit",
            "bench",
            "__pycache__",
            "*.sqlite3*",
        ),
    )
    (copy / "locale").mkdir()
    out = copy / "locale"
    cwd = os.getcwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[out]):
            call_command("makemessages", locale=["pl"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)
    fresh = polib.pofile(str(Path(out) / "pl" / "LC_MESSAGES" / "django.po"))
    return {(entry.msgctxt, entry.msgid) for entry in fresh}


def test_the_languages_have_catalogues():
    assert LANGUAGES == ["pl", "ur"]
    for code in LANGUAGES:
        assert len(catalogue(code)) > 1000


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_interface_string_lacks_an_entry(extracted, code):
    entries = {(entry.msgctxt, entry.msgid): entry for entry in catalogue(code)}
    missing = sorted(msgid for key in extracted if key not in entries for msgid in [key[1]])
    assert not missing, f"{len(missing)} strings have no {code} entry (run `make messages`)"
    untranslated = [entry.msgid for entry in entries.values() if not entry.translated()]
    assert not untranslated, f"{code}: untranslated {untranslated[:10]}"
    fuzzy = [entry.msgid for entry in entries.values() if "fuzzy" in entry.flags]
    assert not fuzzy, f"{code}: fuzzy (needs a translator's check) {fuzzy[:10]}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_translations_keep_every_placeholder(code):
    """A lost or misspelt %(name)s would crash the page or drop the reference from an email."""
    broken = []
    for entry in catalogue(code):
        if entry.msgid_plural:
            wanted = set(PLACEHOLDER.findall(entry.msgid_plural))
            forms = list(entry.msgstr_plural.values())
            # The singular form may leave out a number it does not need ("one event").
            if not all(set(PLACEHOLDER.findall(form)) <= wanted for form in forms):
                broken.append(entry.msgid)
        elif set(PLACEHOLDER.findall(entry.msgstr)) != set(PLACEHOLDER.findall(entry.msgid)):
            broken.append(entry.msgid)
    assert not broken, f"{code}: placeholders differ in {broken[:10]}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_plural_forms_follow_the_languages_rules(code):
    header = catalogue(code).metadata["Plural-Forms"]
    expected = {"pl": "nplurals=4", "ur": "nplurals=2"}[code]
    assert header.startswith(expected)
    for entry in catalogue(code):
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == int(expected[-1]), entry.msgid


def test_compiled_catalogues_are_what_django_reads(tmp_path):
    """compile_catalogues writes .mo files gettext reads: Polish plurals pick the right form."""
    po = tmp_path / "pl" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_bytes((settings.BASE_DIR / "locale" / "pl" / "LC_MESSAGES" / "django.po").read_bytes())
    mo = compile_catalogue(po)
    assert mo.exists() and mo.stat().st_size > 10_000
    compiled = polib.mofile(str(mo))
    assert len(compiled) == len([e for e in catalogue("pl") if "fuzzy" not in e.flags])
    with translation.override("pl"):
        one = translation.ngettext("%(count)d place left", "%(count)d places left", 1)
        few = translation.ngettext("%(count)d place left", "%(count)d places left", 3)
        many = translation.ngettext("%(count)d place left", "%(count)d places left", 5)
    assert len({one, few, many}) == 3, "Polish has different words for 1, 3 and 5 places"
    with translation.override("ur"):
        assert translation.gettext("Enter your first name") != "Enter your first name"
