"""The hub's general pages and its site-wide brand and navigation settings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Subquery
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.blocks import RICH_TEXT_FEATURES, BodyBlock, KeyFigureBlock, LinkBlock, StepBlock
from core.colours import validate_readable_on_white, validate_readable_under_black
from core.localization import below, html_lang, in_language, tagged_in_language, versions_for
from core.pages import BasePage, with_card_image
from councils.models import CouncilPage
from fostering_types.models import FosteringTypePage


def other_languages() -> list[tuple[str, str]]:
    """The site's content languages besides English (choices for translated settings)."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def live_url(page: Page | None) -> str:
    """A chosen page's address, or "" when it is unset or unpublished (never a link to a 404)."""
    return page.url if page is not None and page.live else ""


class HomePage(BasePage):
    """The front door: what fostering here means, the councils, the types, and how to enquire."""

    hero_heading = models.CharField(_("hero heading"), max_length=120)
    hero_text = models.TextField(_("hero text"), max_length=400)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Decorative: the heading and text carry the message."),
    )
    primary_action_label = models.CharField(
        _("enquire button label"), max_length=60, default="Enquire about fostering"
    )
    secondary_action_label = models.CharField(
        _("events button label"), max_length=60, default="Find an information event"
    )
    key_facts = StreamField(
        [("figure", KeyFigureBlock())],
        blank=True,
        max_num=4,
        verbose_name=_("key facts"),
    )
    councils_intro = models.TextField(
        _("partner councils introduction"), blank=True, max_length=400
    )
    types_intro = models.TextField(_("types of fostering introduction"), blank=True, max_length=400)
    featured_story = models.ForeignKey(
        "home.StoryPage",
        verbose_name=_("featured story"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_heading"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                FieldPanel("primary_action_label"),
                FieldPanel("secondary_action_label"),
            ],
            heading=_("Hero"),
        ),
        FieldPanel("key_facts"),
        FieldPanel("councils_intro"),
        FieldPanel("types_intro"),
        FieldPanel("featured_story"),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("hero_text"),
        index.SearchField("body"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "councils.CouncilIndexPage",
        "fostering_types.FosteringTypeIndexPage",
        "home.StandardPage",
        "home.StepsPage",
        "home.FAQPage",
        "home.StoryIndexPage",
        "home.PolicyPage",
        "home.AccessibilityStatementPage",
        "enquiry.EnquiryPage",
        "events.EventIndexPage",
    ]

    class Meta:
        verbose_name = _("home page")

    @property
    def council_pages(self):
        """Live pages of active partner councils on this site, in the editors' order, each in
        this page's language where it has a version there (core.localization.in_language)."""
        pages = below(CouncilPage.objects.live().public(), self).filter(council__is_active=True)
        pages = in_language(pages, self.locale_id, order_by=("path",))
        return with_card_image(pages.select_related("council"))

    @property
    def fostering_types(self):
        pages = below(FosteringTypePage.objects.live().public(), self)
        return with_card_image(in_language(pages, self.locale_id, order_by=("path",)))

    @property
    def story(self) -> StoryPage | None:
        """The featured story, or the newest live story when none is featured (or it is
        unpublished), in this page's language where it has a version there."""
        if self.featured_story_id:
            featured = (
                StoryPage.objects.live()
                .public()
                .filter(
                    translation_key=Subquery(
                        Page.objects.filter(pk=self.featured_story_id).values("translation_key")
                    )
                )
            )
            featured = with_card_image(in_language(featured, self.locale_id)).first()
            if featured:
                return featured
        stories = in_language(
            below(StoryPage.objects.live().public(), self),
            self.locale_id,
            order_by=("-first_published_at",),
        )
        return with_card_image(stories).first()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Lazy: when the listings come from the fragment cache, none of them is fetched.
        context.update(
            council_pages=self.council_pages,
            fostering_types=self.fostering_types,
            story=SimpleLazyObject(lambda: self.story),
        )
        return context


class StandardPage(BasePage):
    """A general content page: about the hub, the support offer, a council's extra pages."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)
    body = StreamField(BodyBlock())

    content_panels = [*BasePage.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["home.HomePage", "home.StandardPage", "councils.CouncilPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class StepsPage(BasePage):
    """'How to become a foster carer': the numbered stages with typical timescales."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)
    steps = StreamField([("step", StepBlock())], verbose_name=_("stages"))
    body = StreamField(BodyBlock(), blank=True, help_text=_("Shown after the stages."))

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("intro"),
        FieldPanel("steps"),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("intro"),
        index.SearchField("steps"),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("steps page")


class FAQPage(BasePage):
    """Frequently asked questions, grouped by FAQ blocks in the body."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)
    body = StreamField(BodyBlock())

    content_panels = [*BasePage.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["home.HomePage", "councils.CouncilPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("FAQ page")


class StoryIndexPage(BasePage):
    """Carer stories, newest first, optionally narrowed to one type of fostering."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)
    per_page = 12
    cache_query_parameters = ("page",)

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.StoryPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("story index page")

    @property
    def stories(self):
        """Live stories, newest first, each once in this page's language (in_language)."""
        pages = below(StoryPage.objects.live().public(), self, children=True)
        pages = in_language(pages, self.locale_id, order_by=("-first_published_at",))
        return with_card_image(pages.select_related("council"))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.stories, self.per_page)
        context["stories"] = paginator.get_page(request.GET.get("page"))
        return context


class StoryPage(BasePage):
    """A carer's own account of fostering."""

    carer_name = models.CharField(
        _("carer name"),
        max_length=120,
        help_text=_("As the carers agreed to be named, e.g. 'Priya and Tom'."),
    )
    council = models.ForeignKey(
        "councils.Council",
        verbose_name=_("council"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
        help_text=_("The council they foster for, so the story appears on its page."),
    )
    fostering_types = ParentalManyToManyField(
        "fostering_types.FosteringTypePage",
        verbose_name=_("types of fostering"),
        blank=True,
        related_name="stories",
    )
    intro = models.TextField(_("introduction"), max_length=600)
    pull_quote = models.TextField(_("pull quote"), blank=True, max_length=300)
    body = StreamField(BodyBlock())

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("carer_name"),
        FieldPanel("council"),
        FieldPanel("fostering_types", widget=forms.CheckboxSelectMultiple),
        FieldPanel("intro"),
        FieldPanel("pull_quote"),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("carer_name"),
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    route_select_related = (*BasePage.route_select_related, "council")
    parent_page_types = ["home.StoryIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("carer story")

    @property
    def story_fostering_types(self):
        """The story's types of fostering, each in this page's language (a copy's tags are
        the English pages)."""
        return tagged_in_language(self.fostering_types, self.locale_id)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["story_fostering_types"] = self.story_fostering_types
        return context


class PolicyPage(BasePage):
    """The privacy notice, the cookies page and other policies, with their last-updated date."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)
    last_updated = models.DateField(_("last updated"))
    body = StreamField(BodyBlock())

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("intro"),
        FieldPanel("last_updated"),
        FieldPanel("body"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("policy page")


class AccessibilityStatementPage(BasePage):
    """An accessibility statement with the sections the GOV.UK model statement requires.

    The legal wording (compliance statement, enforcement procedure) is fixed in the template; the
    editor fills in what is specific to this site.
    """

    class Compliance(models.TextChoices):
        FULL = "full", _("Fully compliant")
        PARTIAL = "partial", _("Partially compliant")
        NONE = "none", _("Not compliant")

    website_name = models.CharField(_("website name"), max_length=120)
    intro = RichTextField(
        _("using this website"),
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "Who runs the site and what people should be able to do (zoom, screen reader...)."
        ),
    )
    how_accessible = RichTextField(
        _("how accessible this website is"),
        features=RICH_TEXT_FEATURES,
        help_text=_("Known problems, in plain words."),
    )
    feedback_and_contact = RichTextField(
        _("feedback and contact information"),
        features=RICH_TEXT_FEATURES,
        help_text=_("How to ask for information in another format, and how long a reply takes."),
    )
    reporting_problems = RichTextField(
        _("reporting accessibility problems"), features=RICH_TEXT_FEATURES
    )
    compliance_status = models.CharField(
        _("compliance status"),
        max_length=10,
        choices=Compliance.choices,
        default=Compliance.PARTIAL,
    )
    non_compliance = RichTextField(
        _("non-compliance with the accessibility regulations"),
        features=RICH_TEXT_FEATURES,
        blank=True,
    )
    disproportionate_burden = RichTextField(
        _("disproportionate burden"), features=RICH_TEXT_FEATURES, blank=True
    )
    out_of_scope = RichTextField(
        _("content that's not within the scope of the regulations"),
        features=RICH_TEXT_FEATURES,
        blank=True,
    )
    improvements = RichTextField(
        _("what we're doing to improve accessibility"), features=RICH_TEXT_FEATURES, blank=True
    )
    prepared_on = models.DateField(_("statement prepared on"))
    last_reviewed_on = models.DateField(_("statement last reviewed on"))
    last_tested_on = models.DateField(_("website last tested on"))
    tested_by = models.CharField(
        _("tested by"), max_length=200, help_text=_("e.g. 'the hub's digital team'")
    )
    test_approach = RichTextField(_("how it was tested"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("website_name"),
        FieldPanel("intro"),
        FieldPanel("how_accessible"),
        FieldPanel("feedback_and_contact"),
        FieldPanel("reporting_problems"),
        MultiFieldPanel(
            [
                FieldPanel("compliance_status"),
                FieldPanel("non_compliance"),
                FieldPanel("disproportionate_burden"),
                FieldPanel("out_of_scope"),
            ],
            heading=_("Technical information"),
        ),
        FieldPanel("improvements"),
        MultiFieldPanel(
            [
                FieldPanel("prepared_on"),
                FieldPanel("last_reviewed_on"),
                FieldPanel("last_tested_on"),
                FieldPanel("tested_by"),
                FieldPanel("test_approach"),
            ],
            heading=_("Preparation of this statement"),
        ),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("how_accessible")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("accessibility statement")

    @property
    def is_fully_compliant(self) -> bool:
        return self.compliance_status == self.Compliance.FULL


class SocialLinkBlock(blocks.StructBlock):
    network = blocks.ChoiceBlock(
        choices=[
            ("facebook", "Facebook"),
            ("instagram", "Instagram"),
            ("x", "X"),
            ("linkedin", "LinkedIn"),
            ("youtube", "YouTube"),
            ("tiktok", "TikTok"),
        ]
    )
    url = blocks.URLBlock()


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


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    """The main navigation and the footer links, in the editors' order."""

    main_menu = StreamField([("link", LinkBlock())], blank=True, max_num=7)
    footer_menu = StreamField([("link", LinkBlock())], blank=True)

    panels = [FieldPanel("main_menu"), FieldPanel("footer_menu")]

    class Meta:
        verbose_name = _("navigation")
