"""Translating in the admin with wagtail-localize, as a hub comms officer does it.

Start a translation of an English page, open it in the translation editor, hand translators a
PO file and take their PO file back, publish; after the English changes, see what is out of
date and sync. "How did you hear about us?" answers are translated the same way.
"""

from __future__ import annotations

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from accounts.roles import HUB_COMMS, sync_roles
from core.localization import synchronise_trees
from enquiry.tests.factories import HearAboutOptionFactory
from home.tests.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comms(client, home, make_user):
    sync_roles()
    client.force_login(make_user("hub-comms", HUB_COMMS))
    return client


@pytest.fixture
def support(home):
    page = StandardPageFactory(parent=home, title="Support", slug="support")
    synchronise_trees()
    return page


def polish() -> Locale:
    return Locale.objects.get(language_code="pl")


def start_translation(client, page) -> Translation:
    response = client.post(
        reverse("wagtail_localize:submit_page_translation", args=[page.pk]),
        {"locales": [polish().pk]},
    )
    assert response.status_code == 302
    return Translation.objects.get(
        source=TranslationSource.objects.get_for_instance(page), target_locale=polish()
    )


def test_a_comms_officer_translates_a_page_with_a_po_file(comms, support):
    translation = start_translation(comms, support)
    target = translation.get_target_instance()
    assert target.alias_of_id is None, "the English copy became a translation"

    editor = comms.get(reverse("wagtailadmin_pages:edit", args=[target.pk]))
    assert editor.status_code == 200 and b"js-translation-editor" in editor.content

    exported = comms.get(reverse("wagtail_localize:download_pofile", args=[translation.pk]))
    assert exported.status_code == 200
    po = polib.pofile(exported.content.decode())
    entry = po.find("Support")
    assert entry is not None and entry.msgstr == ""
    entry.msgstr = "Wsparcie"
    upload = SimpleUploadedFile("support-pl.po", str(po).encode(), "text/x-gettext-translation")
    response = comms.post(
        reverse("wagtail_localize:upload_pofile", args=[translation.pk]), {"file": upload}
    )
    assert response.status_code == 302
    assert StringTranslation.objects.filter(locale=polish(), data="Wsparcie").exists()

    translation.save_target(publish=True)  # what the editor's Publish button does
    page = comms.get("/pl/support/")
    assert page.status_code == 200 and "Wsparcie" in page.content.decode()


def test_after_the_english_changes_the_translation_is_out_of_date_until_synced(comms, support):
    translation = start_translation(comms, support)
    StringTranslation.objects.create(
        translation_of=translation.source.stringsegment_set.get(context__path="title").string,
        locale=polish(),
        context=translation.source.stringsegment_set.get(context__path="title").context,
        data="Wsparcie",
    )
    translation.save_target(publish=True)

    support.intro = "Help whenever you need it."
    support.save_revision().publish()
    sync = reverse("wagtail_localize:update_translations", args=[translation.source.pk])
    assert comms.get(sync).status_code == 200
    response = comms.post(sync, {"publish_translations": "on"})
    assert response.status_code == 302
    translation.refresh_from_db()
    total, done = translation.get_progress()
    assert done < total, "the new English sentence waits for a translator"
    html = comms.get("/pl/support/").content.decode()
    assert "Wsparcie" in html, "what was translated stays translated"
    assert "Help whenever you need it." in html, "the new sentence shows in English meanwhile"


def test_answers_to_how_did_you_hear_are_translated_like_pages(comms):
    radio = HearAboutOptionFactory(label="Local radio")
    response = comms.post(
        reverse(
            "wagtail_localize:submit_snippet_translation",
            args=["enquiry", "hearaboutoption", radio.pk],
        ),
        {"locales": [polish().pk]},
    )
    assert response.status_code == 302
    copy = radio.get_translation(polish())
    assert copy.translation_key == radio.translation_key and copy.label == "Local radio"
    listing = comms.get(reverse("wagtailsnippets_enquiry_hearaboutoption:list")).content.decode()
    assert "Local radio" in listing


def form_data(html: str, form_selector: str = "form[method=post]") -> dict:
    """What the browser would send for a rendered admin form, as it stands."""
    from testkit.html import soup

    form = soup(html).select_one(form_selector)
    data: dict = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button", "file"):
            continue
        if field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True)
            data[name] = chosen.get("value", "") if chosen else ""
        elif field.name == "textarea":
            data[name] = field.get_text()
        else:
            data[name] = field.get("value", "")
    return data


def test_comms_officers_write_the_settings_words_in_each_language(comms, home):
    from wagtail.models import Site

    from councils.models import HubSettings

    site = Site.objects.get(is_default_site=True)
    url = reverse("wagtailsettings:edit", args=["councils", "hubsettings", site.pk])
    data = form_data(comms.get(url).content.decode(), "form#w-editor-form, form[method=post]")
    assert data["translations-TOTAL_FORMS"] == "0"
    data.update(
        {
            "social_links-count": "0",  # a StreamField the admin's script would send
            "translations-TOTAL_FORMS": "1",
            "translations-0-language": "pl",
            "translations-0-strapline": "Rodzicielstwo zastępcze z Twoim samorządem",
            "translations-0-phone_hours": "",
            "translations-0-footer_text": "null",  # an empty Draftail editor
            "translations-0-ORDER": "1",
        }
    )
    response = comms.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    words = HubSettings.for_site(site).words("pl")
    assert words.strapline == "Rodzicielstwo zastępcze z Twoim samorządem"
    assert "strapline" not in words.lang


def test_a_council_comms_officer_translates_their_own_council_page_only(client, home, make_user):
    from councils.tests.factories import CouncilFactory, CouncilPageFactory
    from testkit.admin import comms_group

    derby_page = CouncilPageFactory(council=CouncilFactory(short_name="derby"), slug="derby")
    notts_page = CouncilPageFactory(council=CouncilFactory(short_name="notts"), slug="notts")
    synchronise_trees()
    sync_roles()  # as the admin does when a council page is made
    officer = make_user("derby-comms", comms_group(derby_page.council))
    client.force_login(officer)

    translation = start_translation(client, derby_page)
    polish_page = translation.get_target_instance()
    assert polish_page.permissions_for_user(officer).can_edit()
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[polish_page.pk]))
    assert editor.status_code == 200 and b"js-translation-editor" in editor.content

    other = notts_page.get_translation(polish())
    assert not other.permissions_for_user(officer).can_edit()
    refused = client.post(
        reverse("wagtail_localize:submit_page_translation", args=[notts_page.pk]),
        {"locales": [polish().pk]},
    )
    assert refused.status_code in (302, 403)
    assert other.get_translation(polish()).alias_of_id == notts_page.pk, "still the copy"
