"""What every public page type shares: listing and social-sharing fields, and the promote tab."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index


def with_card_image(queryset: models.QuerySet) -> models.QuerySet:
    """Cards show a listing image: fetch it and its renditions with the pages, not per card."""
    return queryset.select_related("listing_image").prefetch_related("listing_image__renditions")


class BasePage(Page):
    """Abstract base for our page types.

    `listing_summary` and `listing_image` are what cards and search results show; the
    `search_description` (meta description) and `social_image` feed the Open Graph tags.
    """

    listing_summary = models.CharField(
        _("listing summary"),
        max_length=250,
        blank=True,
        help_text=_("One or two sentences shown on cards and in search results."),
    )
    listing_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("listing image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown on cards linking to this page. Decorative: the title says what it is."),
    )
    social_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("social sharing image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Shown when the page is shared on social media. Defaults to the listing image."
        ),
    )

    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel("slug"),
                FieldPanel("seo_title"),
                FieldPanel("search_description"),
                FieldPanel("show_in_menus"),
            ],
            heading=_("For search engines"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("listing_summary"),
                FieldPanel("listing_image"),
                FieldPanel("social_image"),
            ],
            heading=_("Cards and sharing"),
        ),
    ]

    search_fields = [*Page.search_fields, index.SearchField("listing_summary")]

    class Meta:
        abstract = True

    @property
    def summary(self) -> str:
        """The text used for cards, meta descriptions and search results."""
        return self.listing_summary or self.search_description or ""

    @property
    def sharing_image(self):
        return self.social_image or self.listing_image
