"""The hub's general pages and its site-wide brand and navigation settings."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Subquery
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core.blocks import RICH_TEXT_FEATURES, BodyBlock, KeyFigureBlock, LinkBlock, StepBlock
from core.localization import below, in_language, tagged_in_language
from core.pages import BasePage, with_card_image
from councils.models import CouncilPage
from fostering_types.models import FosteringTypePage


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


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    """The main navigation and the footer links, in the editors' order."""

    main_menu = StreamField([("link", LinkBlock())], blank=True, max_num=7)
    footer_menu = StreamField([("link", LinkBlock())], blank=True)

    panels = [FieldPanel("main_menu"), FieldPanel("footer_menu")]

    class Meta:
        verbose_name = _("navigation")
