"""The partnership: the hub's own settings and its partner councils, the records every other app
points at.

`HubSettings` (the hub's brand, contact details and key pages, per site) lives here, on the
floor above `core`, because enquiries, events and council pages all need it: nothing below may
reach up into the home app.

Councils join and leave a hub's partnership, so they are editable data (a Wagtail snippet), never
hard-coded. A council's public page (CouncilPage) points at its record; enquiries, events,
campaigns and permissions point at the record too, never at a page or a translated copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PagePermissionTester
from wagtail.search import index

from core.addresses import address_of, is_allowed_address, networks, resolve
from core.admin_forms import HubPageForm
from core.blocks import RICH_TEXT_FEATURES, BodyBlock, SocialLinkBlock
from core.colours import validate_readable_on_white, validate_readable_under_black
from core.localization import below, html_lang, in_language, other_languages, versions_for
from core.pages import BasePage, live_url, with_card_image
from core.postcodes import DISTRICT_RE, outward_code

DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
GSS_CODE_RE = re.compile(r"^[ENSW][0-9]{8}$")
SEPARATORS = re.compile(r"[\s,;]+")


def validate_https(value: str) -> None:
    """https only (WEBHOOK_HTTPS_ONLY: production and tests; a laptop may turn it off for a
    local receiver)."""
    if value and settings.WEBHOOK_HTTPS_ONLY and not value.startswith("https://"):
        raise ValidationError(_("Use an https:// address, so enquiries travel encrypted."))


def validate_public_host(url: str) -> None:
    """Refuse a webhook address whose host cannot be found, or resolves to any address that is
    not on the public internet (private, loopback, link-local...; unless the network is in
    WEBHOOK_ALLOWED_PRIVATE_NETWORKS): the outbox would refuse to send to it, and nobody would
    know for two days of retries. The outbox checks again before each connection."""
    host = urlsplit(url).hostname
    if not host:
        return  # not a URL at all: the URL field says so
    try:
        found = resolve(host, 443)
    except (OSError, UnicodeError):
        raise ValidationError(
            _("%(host)s could not be found. Check the address with the council's IT team."),
            params={"host": host},
            code="unknown_host",
        ) from None
    allowed = networks(settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS)
    for _family, sockaddr in found:
        address = address_of(sockaddr)
        if not is_allowed_address(address, allowed):
            raise ValidationError(
                _(
                    "%(host)s is on a private or local network (%(address)s), which the hub "
                    "never sends enquiries to. Give the address of the council's system on the "
                    "internet."
                ),
                params={"host": host, "address": str(address)},
                code="private_host",
            )


def split_tokens(text: str) -> list[str]:
    """Split a free-text list (commas, spaces or new lines) into its non-empty items."""
    return [token for token in SEPARATORS.split(text or "") if token]


def normalise_districts(text: str) -> str:
    """Upper-case, de-duplicate and validate postcode districts ('de1, ng5' -> 'DE1 NG5')."""
    districts = list(dict.fromkeys(token.upper() for token in split_tokens(text)))
    invalid = [d for d in districts if not DISTRICT_RE.match(d)]
    if invalid:
        raise ValidationError(
            _(
                "These are not postcode districts: %(invalid)s. Use the first half of a postcode, e.g. DE1."
            ),
            params={"invalid": ", ".join(invalid)},
            code="invalid_district",
        )
    return " ".join(districts)


def normalise_domains(text: str) -> str:
    """Lower-case and validate website domains, dropping any scheme, path or 'www.'."""
    domains = []
    for token in split_tokens(text):
        host = re.sub(r"^[a-z]+://", "", token.lower()).split("/")[0].removeprefix("www.")
        if not DOMAIN_RE.match(host):
            raise ValidationError(
                _("%(value)s is not a website domain such as derby.gov.uk."),
                params={"value": token},
                code="invalid_domain",
            )
        domains.append(host)
    return "\n".join(dict.fromkeys(domains))


class CouncilForm(WagtailAdminModelForm):
    """The council form: the webhook address is checked when it is typed, and the secret can be
    replaced but never read back."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        secret = self.fields.get("webhook_secret")
        if secret is not None:
            secret.widget = forms.PasswordInput(
                render_value=False, attrs={"autocomplete": "new-password"}
            )
            if self.instance.pk and self.instance.webhook_secret:
                secret.help_text = _(
                    "A secret is set. Leave this empty to keep it, or type a new one to replace it."
                )

    def clean_webhook_url(self) -> str:
        """A new address is checked now, while the person typing it is here: https, and a
        host on the public internet (resolved). An unchanged one is not looked up again."""
        url = self.cleaned_data.get("webhook_url") or ""
        if url and "webhook_url" in self.changed_data:
            validate_https(url)
            validate_public_host(url)
        return url

    def clean_webhook_secret(self) -> str:
        return self.cleaned_data.get("webhook_secret") or (
            self.instance.webhook_secret if self.instance.pk else ""
        )


class CouncilQuerySet(models.QuerySet):
    def active(self) -> CouncilQuerySet:
        return self.filter(is_active=True)

    def for_postcode(self, postcode: str) -> Council | None:
        """The one active council whose districts include this postcode's district.

        None when no council, or more than one, covers the district (a district can straddle a
        boundary; then the person chooses).
        """
        district = outward_code(postcode)
        if not district:
            return None
        matches = [c for c in self.active() if district in c.districts]
        return matches[0] if len(matches) == 1 else None


class Council(index.Indexed, models.Model):
    """A local authority in the hub's partnership."""

    name = models.CharField(
        _("name"), max_length=120, unique=True, help_text=_("e.g. Derby City Council")
    )
    short_name = models.SlugField(
        _("short name"),
        max_length=40,
        unique=True,
        help_text=_("Used in links such as /enquire/?council=derby. Lower case, no spaces."),
    )
    official_code = models.CharField(
        _("official code"),
        max_length=9,
        unique=True,
        help_text=_("The ONS local authority code, e.g. E06000015."),
    )
    website_domains = models.TextField(
        _("website domains"),
        blank=True,
        help_text=_(
            "The council's own website domains, one per line (e.g. derby.gov.uk). Visits from "
            "these count as coming from the council's website."
        ),
    )
    fostering_url = models.URLField(
        _("council's fostering pages"),
        blank=True,
        help_text=_("The council's own page about fostering, linked from its page here."),
    )
    postcode_districts = models.TextField(
        _("postcode districts"),
        blank=True,
        help_text=_(
            "The postcode districts the council covers, separated by spaces or commas "
            "(e.g. DE1 DE3 DE21). Used to suggest the council to someone enquiring."
        ),
    )
    handover_email = models.EmailField(
        _("handover email address"),
        blank=True,
        help_text=_(
            "The council fostering team's shared inbox for enquiries handed over by the hub."
        ),
    )
    webhook_url = models.URLField(
        _("case-management webhook address"),
        blank=True,
        validators=[validate_https],
        help_text=_(
            "Optional. An https address of the council's system that accepts new enquiries as "
            "signed JSON (see the README's integration section)."
        ),
    )
    webhook_secret = models.CharField(
        _("webhook signing secret"),
        max_length=128,
        blank=True,
        help_text=_("Shared with the council's system, which checks each message's signature."),
    )
    is_active = models.BooleanField(
        _("active partner"),
        default=True,
        help_text=_("Untick when the council leaves the partnership. Its history is kept."),
    )

    objects = CouncilQuerySet.as_manager()
    base_form_class = CouncilForm

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("short_name"), FieldPanel("official_code")],
            heading=_("Identity"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("website_domains"),
                FieldPanel("fostering_url"),
                FieldPanel("postcode_districts"),
            ],
            heading=_("Where it is"),
        ),
        MultiFieldPanel(
            [FieldPanel("handover_email"), FieldPanel("is_active")], heading=_("Partnership")
        ),
        # Where enquiries' personal data is sent: only people trusted with the integration
        # (superusers, or a group given the permission) see or change these.
        MultiFieldPanel(
            [
                FieldPanel("webhook_url", permission="councils.manage_council_integrations"),
                FieldPanel("webhook_secret", permission="councils.manage_council_integrations"),
            ],
            heading=_("Case-management system"),
        ),
    ]

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("is_active"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner council")
        verbose_name_plural = _("partner councils")
        permissions = [
            ("manage_council_integrations", "Can set where a council's system receives enquiries")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = {}
        self.official_code = (self.official_code or "").strip().upper()
        if not GSS_CODE_RE.match(self.official_code):
            errors["official_code"] = _("Use the nine-character ONS code, e.g. E06000015.")
        for field, normalise in (
            ("postcode_districts", normalise_districts),
            ("website_domains", normalise_domains),
        ):
            try:
                setattr(self, field, normalise(getattr(self, field)))
            except ValidationError as error:
                errors[field] = error
        if self.webhook_url and len(self.webhook_secret or "") < 32:
            errors["webhook_secret"] = _(
                "Give a secret of at least 32 characters to sign messages to this address."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def districts(self) -> list[str]:
        return self.postcode_districts.split()

    @property
    def domains(self) -> list[str]:
        return self.website_domains.split()


class CouncilPagePermissionTester(PagePermissionTester):
    """Taking a partner council off the site is a partnership decision.

    A council's comms officers edit and publish their council's page, but only people who manage
    the partner councils (hub comms officers, superusers) may delete or unpublish it, hide it
    behind a view restriction, or give it an expiry date (CouncilPageForm).
    """

    def _manages_partnership(self) -> bool:
        return self.user.is_active and self.user.has_perm("councils.change_council")

    def can_delete(self, ignore_bulk: bool = False) -> bool:
        return self._manages_partnership() and super().can_delete(ignore_bulk=ignore_bulk)

    def can_unpublish(self) -> bool:
        return self._manages_partnership() and super().can_unpublish()

    def can_set_view_restrictions(self) -> bool:
        return self._manages_partnership() and super().can_set_view_restrictions()


class CouncilPageForm(HubPageForm):
    def clean_expire_at(self):
        expire_at = self.cleaned_data.get("expire_at")
        user = self.for_user
        if expire_at and not (
            user and CouncilPagePermissionTester(user, self.instance)._manages_partnership()
        ):
            raise ValidationError(
                _(
                    "Only the people who manage the partner councils can set a council page to expire."
                )
            )
        return expire_at


class CouncilIndexPage(BasePage):
    """Lists every partner council's page."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["councils.CouncilPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("council index page")

    @property
    def council_pages(self) -> models.QuerySet:
        """Live council pages in the order editors arranged them, with what cards need."""
        pages = below(CouncilPage.objects.live().public(), self, children=True)
        pages = in_language(
            pages.filter(council__is_active=True), self.locale_id, order_by=("path",)
        )
        return with_card_image(pages.select_related("council"))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["council_pages"] = self.council_pages
        return context


class CouncilPage(BasePage):
    """A partner council's local offer and a route to enquire to foster for it."""

    council = models.ForeignKey(
        Council,
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        related_name="pages",
    )
    intro = models.TextField(_("introduction"), max_length=600)
    allowances = RichTextField(
        _("fees and allowances"),
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("What carers receive: weekly allowances, fees, extra payments."),
    )
    support_groups = RichTextField(_("support groups"), features=RICH_TEXT_FEATURES, blank=True)
    mockingbird = RichTextField(
        _("Mockingbird"),
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("The council's Mockingbird constellations, if it runs them."),
    )
    training = RichTextField(_("local training"), features=RICH_TEXT_FEATURES, blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("council"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("allowances"),
                FieldPanel("support_groups"),
                FieldPanel("mockingbird"),
                FieldPanel("training"),
            ],
            heading=_("Local offer"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("intro"),
        index.SearchField("allowances"),
        index.SearchField("support_groups"),
        index.SearchField("mockingbird"),
        index.SearchField("training"),
        index.SearchField("body"),
    ]
    parent_page_types = ["councils.CouncilIndexPage"]
    route_select_related = (*BasePage.route_select_related, "council")
    subpage_types = ["home.StandardPage", "home.FAQPage"]
    base_form_class = CouncilPageForm

    class Meta:
        verbose_name = _("council page")

    def permissions_for_user(self, user) -> CouncilPagePermissionTester:
        return CouncilPagePermissionTester(user, self)

    def clean(self) -> None:
        super().clean()
        if self.council_id:
            others = CouncilPage.objects.filter(
                council_id=self.council_id, locale_id=self.locale_id
            )
            if self.pk:
                others = others.exclude(pk=self.pk)
            if others.exists():
                raise ValidationError({"council": _("This council already has a page.")})

    @property
    def local_offer(self) -> list[tuple[str, str]]:
        """The local offer sections that have content, as (heading, rich text) in page order."""
        sections = [
            (_("Fees and allowances"), self.allowances),
            (_("Support groups"), self.support_groups),
            (_("Mockingbird"), self.mockingbird),
            (_("Local training"), self.training),
        ]
        return [(heading, text) for heading, text in sections if text]

    @property
    def stories(self) -> models.QuerySet:
        """Carer stories from this council, newest first, each once in this page's language
        (through the relation the story pages declare, `StoryPage.council`)."""
        stories = self.council.stories.live().public()
        stories = in_language(stories, self.locale_id, order_by=("-first_published_at",))
        return with_card_image(stories)[:3]

    def serve(self, request, *args, **kwargs):
        """A council that has left the partnership has no public page (editors can still preview)."""
        if not self.council.is_active and not getattr(request, "is_preview", False):
            raise Http404("This council is no longer a partner.")
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        return super().get_sitemap_urls(request) if self.council.is_active else []

    def get_context(self, request, *args, **kwargs):
        """Stories and the enquiry link; its upcoming events come from the events app's
        `{% council_events %}` tag in the template (events build on councils, not the reverse)."""
        context = super().get_context(request, *args, **kwargs)
        context["stories"] = self.stories
        context["enquire_url"] = HubSettings.for_request(request).enquire_url_for(self.council)
        return context


class CouncilTeam(models.Model):
    """Links a council to the permission group of one of its teams.

    Row-level rules (a council's staff see only their council's enquiries and edit only their
    council's page) ask this table which councils a user's groups belong to.
    """

    class Role(models.TextChoices):
        COMMS = "comms", _("Council comms officers")
        FOSTERING = "fostering", _("Council fostering staff")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="teams")
    role = models.CharField(max_length=20, choices=Role.choices)
    group = models.OneToOneField(
        "auth.Group", on_delete=models.CASCADE, related_name="council_team"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "role"], name="one_team_per_council_role")
        ]

    def __str__(self) -> str:
        return self.group.name


def councils_of(user, role: str = CouncilTeam.Role.FOSTERING) -> list[int]:
    """The councils whose team in `role` (by default the fostering team) this person belongs
    to: what every council's row rule (enquiries, bookings, events) asks."""
    return list(
        CouncilTeam.objects.filter(role=role, group__in=user.groups.all()).values_list(
            "council_id", flat=True
        )
    )


# --- The hub itself: its brand, contact details and key pages ----------------------------------


@dataclass(frozen=True)
class HubWords:
    """The hub settings' own words in one language, each with the lang it is really in."""

    strapline: str
    phone_hours: str
    footer_text: str
    lang: dict[str, str]  # field -> html lang where it fell back to the English


@register_setting(icon="site")
class HubSettings(BaseSiteSetting, ClusterableModel):
    """The hub's brand and contact details, shown on every page."""

    select_related = ["logo", "enquiry_page", "events_page"]

    hub_name = models.CharField(_("hub name"), max_length=80, default="Fostering hub")
    strapline = models.CharField(_("strapline"), max_length=120, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Its alternative text is the hub name."),
    )
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default="#1d4f91",
        validators=[validate_readable_on_white],
        help_text=_("Header, links and buttons. Must be readable on white (4.5:1)."),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#ffdd00",
        validators=[validate_readable_under_black],
        help_text=_("Focus highlight and accents, behind black text."),
    )
    phone_number = models.CharField(_("phone number"), max_length=30, blank=True)
    phone_hours = models.CharField(
        _("opening hours"),
        max_length=120,
        blank=True,
        help_text=_("e.g. 'Monday to Friday, 9am to 5pm'"),
    )
    email = models.EmailField(_("email address"), blank=True)
    enquiry_notification_email = models.EmailField(
        _("new enquiry notifications go to"),
        blank=True,
        help_text=_(
            "The hub team's shared inbox. Each new enquiry sends it the reference and an admin "
            "link, never the person's details."
        ),
    )
    enquiry_page = models.ForeignKey(
        Page,
        verbose_name=_("enquiry page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Where 'Enquire' links go on every page. Without one, /enquire/ is used."),
    )
    events_page = models.ForeignKey(
        Page,
        verbose_name=_("events page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    social_links = StreamField([("link", SocialLinkBlock())], blank=True)
    footer_text = RichTextField(
        _("footer text"), features=["bold", "italic", "link"], blank=True, max_length=600
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("hub_name"),
                FieldPanel("strapline"),
                FieldPanel("logo"),
                FieldPanel("primary_colour"),
                FieldPanel("accent_colour"),
            ],
            heading=_("Brand"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("phone_number"),
                FieldPanel("phone_hours"),
                FieldPanel("email"),
                FieldPanel("enquiry_notification_email"),
            ],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [FieldPanel("enquiry_page"), FieldPanel("events_page")], heading=_("Key pages")
        ),
        FieldPanel("social_links"),
        FieldPanel("footer_text"),
        InlinePanel(
            "translations",
            heading=_("In other languages"),
            label=_("Language"),
            help_text=_(
                "The strapline, opening hours and footer text in each of the site's other "
                "languages. Anything left empty is shown in English."
            ),
        ),
    ]

    class Meta:
        verbose_name = _("hub settings")

    def words(self, language_code: str | None = None) -> HubWords:
        """The strapline, opening hours and footer text in a language (the active one by
        default), falling back to the English per field; one query per language at most."""
        code = language_code or translation.get_language() or settings.LANGUAGE_CODE
        cache = self.__dict__.setdefault("_words", {})
        if code not in cache:
            found = (
                self.translations.filter(language=code).first()
                if code != settings.LANGUAGE_CODE and self.pk
                else None
            )
            values, lang = {}, {}
            for name in ("strapline", "phone_hours", "footer_text"):
                translated = getattr(found, name, "") if found else ""
                values[name] = translated or getattr(self, name)
                if not translated and code != settings.LANGUAGE_CODE and values[name]:
                    lang[name] = html_lang(settings.LANGUAGE_CODE)
            cache[code] = HubWords(**values, lang=lang)
        return cache[code]

    def key_page_url(self, page: Page | None) -> str:
        """A key page's address in the visitor's language (its translation, or the copy of
        the English page there), worked out once per language for this request's settings,
        for both key pages at once (one query)."""
        if page is None:
            return ""
        cache = self.__dict__.setdefault("_key_page_urls", {})
        language = translation.get_language()
        if (page.pk, language) not in cache:
            pages = {key.pk: key for key in (page, self.enquiry_page, self.events_page) if key}
            versions = versions_for(list(pages.values()), language)
            for pk, key_page in pages.items():
                cache[(pk, language)] = live_url(versions.get(key_page.translation_key))
        return cache[(page.pk, language)]

    @property
    def enquire_url(self) -> str:
        """The live enquiry page's address; "" (and no Enquire links) while there is none."""
        return self.key_page_url(self.enquiry_page)

    def enquire_url_for(self, council) -> str:
        """The enquiry form with this council already chosen."""
        base = self.enquire_url
        return f"{base}?{urlencode({'council': council.short_name})}" if base else ""

    @property
    def events_url(self) -> str:
        return self.key_page_url(self.events_page)

    @property
    def phone_href(self) -> str:
        """The number as a tel: link target: '+44 (0)300 123 4567 (option 2)' -> tel:+443001234567."""
        number = re.split(r"[A-Za-z(]", self.phone_number.replace("(0)", ""), maxsplit=1)[0]
        digits = re.sub(r"[^\d+]", "", number)
        digits = digits[:1] + digits[1:].replace("+", "")
        return f"tel:{digits}" if digits.strip("+") else ""


class HubSettingsTranslation(Orderable):
    """The hub settings' words in one other language, written by the hub's comms officers."""

    hub_settings = ParentalKey(HubSettings, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=other_languages)
    strapline = models.CharField(_("strapline"), max_length=120, blank=True)
    phone_hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    footer_text = RichTextField(
        _("footer text"), features=["bold", "italic", "link"], blank=True, max_length=600
    )

    panels = [
        FieldPanel("language"),
        FieldPanel("strapline"),
        FieldPanel("phone_hours"),
        FieldPanel("footer_text"),
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["hub_settings", "language"], name="one_hub_translation_per_language"
            )
        ]
        verbose_name = _("hub settings in another language")
