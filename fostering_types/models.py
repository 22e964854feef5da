"""Types of fostering: an index and one page per type (short-term, teenagers, parent and child...)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from core.blocks import RICH_TEXT_FEATURES, BodyBlock
from core.localization import below, in_language
from core.pages import BasePage, with_card_image


class FosteringTypeIndexPage(BasePage):
    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["fostering_types.FosteringTypePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("types of fostering index page")

    @property
    def fostering_types(self) -> models.QuerySet:
        pages = below(FosteringTypePage.objects.live().public(), self, children=True)
        return with_card_image(in_language(pages, self.locale_id, order_by=("path",)))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["fostering_types"] = self.fostering_types
        return context


class FosteringTypePage(BasePage):
    """One type of fostering: who it suits, the commitment, ages and the support that comes with it."""

    intro = models.TextField(_("introduction"), max_length=600)
    who_it_suits = RichTextField(_("who it suits"), features=RICH_TEXT_FEATURES)
    commitment = models.CharField(
        _("commitment"),
        max_length=120,
        help_text=_("How long a child typically stays, e.g. 'A few days to two years'."),
    )
    ages = models.CharField(_("ages"), max_length=60, help_text=_("e.g. '0 to 18' or '13 to 17'"))
    support = RichTextField(_("support"), features=RICH_TEXT_FEATURES, blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("commitment"), FieldPanel("ages")], heading=_("At a glance")),
        FieldPanel("who_it_suits"),
        FieldPanel("support"),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("intro"),
        index.SearchField("who_it_suits"),
        index.SearchField("support"),
        index.SearchField("body"),
    ]
    parent_page_types = ["fostering_types.FosteringTypeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("type of fostering page")

    @property
    def related_stories(self) -> models.QuerySet:
        """Live carer stories tagged with this type, newest first, each once in this page's
        language (a story's copies keep the tags of the English, so every version of this
        type counts). Stories come through the relation they declare (`StoryPage.fostering_types`,
        reverse name `stories`): this app never imports the home app above it."""
        story_model = self.stories.model
        tagged = story_model.objects.filter(fostering_types__translation_key=self.translation_key)
        stories = story_model.objects.live().public().filter(pk__in=tagged.values("pk"))
        stories = in_language(stories, self.locale_id, order_by=("-first_published_at",))
        return with_card_image(stories)[:3]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["related_stories"] = self.related_stories
        return context
