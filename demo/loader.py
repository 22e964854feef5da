"""Build the demo site: images, councils, pages, settings, roles and demo users.

Idempotent: each item is looked up (images by title in the demo collection, councils by ONS code,
pages by slug under their parent, users by username) and left exactly as it is when it exists,
so running the loader again creates nothing and never overwrites an editor's changes.

Tests can call `load_demo_content()` directly; the management command wraps it.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.files.images import ImageFile
from django.db import models, transaction
from modelcluster.fields import ParentalManyToManyField
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Site

from accounts.roles import sync_roles
from core.localization import synchronise_trees
from councils.models import Council, CouncilPage, CouncilTeam, HubSettings, HubSettingsTranslation
from demo.second_factor import give_demo_app
from enquiry.models import EnquiryPage
from home.models import HomePage, NavigationSettings, StandardPage

from . import content, images, pages
from .enquiries import load_demo_enquiries, load_synthetic_enquiries
from .events import load_demo_events
from .refs import CouncilRef, Img, PageRef
from .translations import load_demo_translations

COLLECTION_NAME = "Demo images"
LOGO_TITLE = f"{content.HUB_NAME} logo"


class DemoContentNotAllowed(ImproperlyConfigured):
    """DEMO_CONTENT_ALLOWED is off: never create known-password accounts on a real site."""


@dataclass
class DemoLogin:
    username: str
    role: str
    password: str
    created: bool


@dataclass
class DemoResult:
    created: Counter = field(default_factory=Counter)
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())


def check_allowed() -> None:
    if not getattr(settings, "DEMO_CONTENT_ALLOWED", False):
        raise DemoContentNotAllowed(
            "Demo content is switched off here (DEMO_CONTENT_ALLOWED is False). It creates "
            "accounts with a published password, so it only runs with the dev or test settings."
        )


def load_demo_content(
    log: Callable[[str], None] | None = None, site_address: str = ""
) -> DemoResult:
    """Create whatever part of the demo site is missing; return what was created.

    `site_address` ("http://127.0.0.1:8000", as `make run` serves it) becomes the default
    site's host name and port, every run, so the absolute links the site writes (sitemap,
    canonical and og:url, the links and QR codes in emails) point where it is served.
    """
    check_allowed()
    return DemoLoader(log=log, site_address=site_address).run()


def parse_site_address(address: str) -> tuple[str, int]:
    """ "http://127.0.0.1:8000" -> ("127.0.0.1", 8000); the scheme's port when none is given."""
    parts = urlsplit(address if "//" in address else f"http://{address}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"Not a site address: {address!r} (e.g. http://127.0.0.1:8000)")
    if parts.path not in ("", "/") or parts.query:
        raise ValueError(f"A site address has no path: {address!r}")
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


class DemoLoader:
    def __init__(self, log: Callable[[str], None] | None = None, site_address: str = "") -> None:
        self.log = log or (lambda message: None)
        self.result = DemoResult()
        self.images: dict[str, Any] = {}
        self.home: HomePage | None = None
        self.site_address = parse_site_address(site_address) if site_address else None

    # -- The whole run -----------------------------------------------------------------------

    @transaction.atomic
    def run(self) -> DemoResult:
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise ImproperlyConfigured("There is no default site: run `manage.py migrate` first.")
        home = site.root_page.specific
        if not isinstance(home, HomePage):
            raise ImproperlyConfigured(
                f"The default site's root page is a {type(home).__name__}, not a HomePage."
            )
        self.home = home
        self.set_site_address(site)

        self.load_images()
        self.load_councils()
        self.retire_interim_enquiry_page(home)
        self.retire_interim_events_page(home)
        for spec in pages.PAGES:
            self.ensure_page(home, spec)
        self.link_privacy_notice()
        self.fill_home_page(home)
        self.fill_settings(site)
        load_demo_events(self)
        synchronise_trees()  # every page in every language (the English words until translated)
        sync_roles()
        self.load_users()
        load_demo_enquiries(self)
        load_demo_translations(self)  # pages, and the answers the enquiries above created
        load_synthetic_enquiries(self)
        return self.result

    def set_site_address(self, site: Site) -> None:
        """The address the site is served at (an update, not something created: every run)."""
        if self.site_address is None:
            return
        hostname, port = self.site_address
        if (site.hostname, site.port) != (hostname, port):
            site.hostname, site.port = hostname, port
            site.save(update_fields=["hostname", "port"])
            Site.clear_site_root_paths_cache()
            self.log(f"The site's address is now {hostname}:{port}")

    def created(self, kind: str, label: str, count: int = 1) -> None:
        self.result.created[kind] += count
        self.log(f"Created {kind}: {label}")

    # -- Images ------------------------------------------------------------------------------

    def collection(self) -> Collection:
        root = Collection.get_first_root_node()
        existing = root.get_children().filter(name=COLLECTION_NAME).first()
        if existing:
            return existing
        self.created("collection", COLLECTION_NAME)
        return root.add_child(name=COLLECTION_NAME)

    def load_images(self) -> None:
        collection = self.collection()
        for scene in images.SCENES:
            self.images[scene.key] = self.ensure_image(
                collection,
                scene.title,
                f"demo-{scene.key}.jpg",
                lambda s=scene: images.scene_jpeg(s),
            )
        self.images["logo"] = self.ensure_image(
            collection,
            LOGO_TITLE,
            "demo-logo.png",
            lambda: images.logo_png(
                content.HUB_SHORT_NAME,
                content.HUB_REGION,
                content.PRIMARY_COLOUR,
                content.ACCENT_COLOUR,
            ),
        )

    def ensure_image(self, collection, title: str, filename: str, render: Callable[[], bytes]):
        image_model = get_image_model()
        existing = image_model.objects.filter(collection=collection, title=title).first()
        if existing:
            return existing
        image = image_model(
            title=title,
            collection=collection,
            file=ImageFile(io.BytesIO(render()), name=filename),
        )
        image._set_image_file_metadata()
        image.full_clean()
        image.save()
        self.created("image", title)
        return image

    # -- Councils ----------------------------------------------------------------------------

    def load_councils(self) -> None:
        for data in content.COUNCILS:
            if self.find_council(data["short_name"]):
                continue
            council = Council(**data)
            council.full_clean()  # normalises the districts and domains
            council.save()
            self.created("council", council.name)

    @staticmethod
    def find_council(short_name: str) -> Council | None:
        """The demo council with this short name, or the same council under another name."""
        data = next(c for c in content.COUNCILS if c["short_name"] == short_name)
        same_code_first = models.Case(
            models.When(official_code=data["official_code"], then=0), default=1
        )
        return (
            Council.objects.filter(
                models.Q(official_code=data["official_code"])
                | models.Q(short_name=data["short_name"])
                | models.Q(name=data["name"])
            )
            .order_by(same_code_first)
            .first()
        )

    # -- Pages -------------------------------------------------------------------------------

    def ensure_page(self, parent: Page, spec: dict) -> Page:
        existing = parent.get_children().filter(slug=spec["slug"]).first()
        if existing:
            page = existing.specific
        else:
            model = apps.get_model(spec["model"])
            page = model(title=spec["title"], slug=spec["slug"])
            self.apply_fields(page, spec.get("fields", {}))
            council_page = self.existing_council_page(page)
            if council_page:  # the council already has a page elsewhere: leave it be
                return council_page
            self.clean_streams(page)
            parent.add_child(instance=page)  # Page.save() runs full_clean()
            page.save_revision().publish()
            self.created("page", page.url_path)
        for child in spec.get("children", []):
            self.ensure_page(page, child)
        return page

    def retire_interim_enquiry_page(self, home: HomePage) -> None:
        """Swap the foundation's stand-in /enquire/ page for the real enquiry page."""
        self.retire_interim_page(home, pages.ENQUIRE, "enquiry_page")

    def retire_interim_events_page(self, home: HomePage) -> None:
        """Swap the foundation's stand-in /events/ page for the events index."""
        self.retire_interim_page(home, pages.EVENTS, "events_page")

    def retire_interim_page(self, home: HomePage, spec: dict, setting: str) -> None:
        """Replace a stand-in standard page at the spec's slug with the real page.

        Only the untouched stand-in (a standard page with the loader's single revision) goes;
        the hub setting and menu links that pointed at it are moved to the new page.
        """
        slug = spec["slug"]
        interim = home.get_children().filter(slug=slug).first()
        if interim is None or not isinstance(interim.specific, StandardPage):
            return
        if interim.revisions.count() > 1:
            return
        old_id = interim.pk
        interim.delete()
        new_page = self.ensure_page(home, spec)
        for site in Site.objects.all():
            hub = HubSettings.for_site(site)
            if getattr(hub, f"{setting}_id") in (None, old_id):
                setattr(hub, setting, new_page)
                hub.save(update_fields=[setting])
            navigation = NavigationSettings.for_site(site)
            for menu in ("main_menu", "footer_menu"):
                data = getattr(navigation, menu).raw_data
                changed = False
                for item in data:
                    value = item.get("value", {})
                    if value.get("page") in (None, old_id) and not value.get("external_url"):
                        value["page"] = new_page.pk
                        changed = True
                if changed:
                    setattr(navigation, menu, list(data))
                    navigation.save()
        self.log(f"Replaced the interim /{slug}/ page with the real one")

    def link_privacy_notice(self) -> None:
        """Point the new enquiry page at the privacy notice (created after it)."""
        page = self.page("/enquire/")
        untouched = page.revisions.count() == 1  # nobody has edited it since the loader made it
        if isinstance(page, EnquiryPage) and page.privacy_page_id is None and untouched:
            page.privacy_page = self.page("/privacy/")
            page.save_revision().publish()

    @staticmethod
    def existing_council_page(page: Page) -> CouncilPage | None:
        if not isinstance(page, CouncilPage):
            return None
        return CouncilPage.objects.filter(council=page.council).first()

    def fill_home_page(self, home: HomePage) -> None:
        """Fill the migration-created home page once: only while it has never been edited."""
        if home.revisions.exists():
            return
        self.apply_fields(home, pages.HOME)
        self.clean_streams(home)
        home.save_revision().publish()  # save_revision() runs full_clean()
        self.created("home page", "filled in")

    def page(self, path: str) -> Page:
        url_path = self.home.url_path + path.strip("/") + "/"
        page = Page.objects.filter(url_path=url_path, locale_id=self.home.locale_id).first()
        if page is None:
            raise LookupError(f"The demo content points at {path}, which does not exist yet.")
        return page.specific

    # -- Settings ----------------------------------------------------------------------------

    def fill_settings(self, site: Site) -> None:
        hub = HubSettings.for_site(site)
        default_name = HubSettings._meta.get_field("hub_name").default
        if hub.hub_name == default_name:  # never configured
            self.apply_fields(hub, content.HUB_SETTINGS)
            self.clean_streams(hub)
            hub.full_clean()
            hub.save()
            self.created("setting", "hub settings")
        for language, words in content.HUB_SETTINGS_TRANSLATIONS.items():
            if (
                language in dict(settings.LANGUAGES)
                and not hub.translations.filter(language=language).exists()
            ):
                HubSettingsTranslation.objects.create(hub_settings=hub, language=language, **words)
                self.created("setting", f"hub settings in {language}")

        navigation = NavigationSettings.for_site(site)
        if not navigation.main_menu and not navigation.footer_menu:
            self.apply_fields(navigation, content.NAVIGATION)
            self.clean_streams(navigation)
            navigation.full_clean()
            navigation.save()
            self.created("setting", "navigation")

    # -- Users -------------------------------------------------------------------------------

    def load_users(self) -> None:
        user_model = get_user_model()
        password_hash = None  # hashed once: the hasher is deliberately slow
        for username, first_name, last_name, role, group_spec in content.USERS:
            user = user_model.objects.filter(username=username).first()
            created = user is None
            if created:
                user = user_model(
                    username=username,
                    first_name=first_name,
                    last_name=last_name,
                    email=f"{username}@{content.USER_EMAIL_DOMAIN}",
                    is_staff=group_spec is None,
                    is_superuser=group_spec is None,
                )
                password_hash = password_hash or make_password(content.DEMO_PASSWORD)
                user.password = password_hash
                user.full_clean()
                user.save()
                if group_spec is not None:
                    user.groups.add(self.group(group_spec))
                self.created("user", username)
            if give_demo_app(user):  # the second factor: the published demo key
                self.created("authenticator app", username)
            self.result.logins.append(
                DemoLogin(username, role, content.DEMO_PASSWORD, created=created)
            )

    def group(self, spec: str | tuple[str, str]) -> Group:
        if isinstance(spec, str):
            return Group.objects.get(name=spec)
        short_name, role = spec
        teams = CouncilTeam.objects.select_related("group")
        return teams.get(council=self.find_council(short_name), role=role).group

    # -- Helpers -----------------------------------------------------------------------------

    def apply_fields(self, instance: models.Model, values: dict) -> None:
        for name, value in values.items():
            model_field = instance._meta.get_field(name)
            if isinstance(model_field, StreamField):
                setattr(instance, name, self.resolve(value, in_stream=True))
            elif isinstance(model_field, ParentalManyToManyField):
                setattr(instance, name, [self.resolve(item) for item in value])
            else:
                setattr(instance, name, self.resolve(value))

    def resolve(self, value: Any, in_stream: bool = False) -> Any:
        """Swap the content's markers for objects (or their ids, inside StreamField data)."""
        if isinstance(value, Img):
            found = self.images[value.key]
        elif isinstance(value, PageRef):
            found = self.page(value.path)
        elif isinstance(value, CouncilRef):
            found = self.find_council(value.short_name)
        elif isinstance(value, dict):
            return {key: self.resolve(item, in_stream) for key, item in value.items()}
        elif isinstance(value, list):
            return [self.resolve(item, in_stream) for item in value]
        else:
            return value
        return found.pk if in_stream else found

    @staticmethod
    def clean_streams(instance: models.Model) -> None:
        """Run every StreamField's block validation (full_clean() does not) and keep the result."""
        for model_field in instance._meta.get_fields():
            if isinstance(model_field, StreamField):
                value = getattr(instance, model_field.name)
                setattr(instance, model_field.name, model_field.stream_block.clean(value))
