"""What every public page type shares: listing and social-sharing fields, and the promote tab."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.images import get_image_model
from wagtail.images.models import Filter
from wagtail.models import Page
from wagtail.search import index

# The renditions a card's (or the featured story's) listing image is shown in: the same specs as
# the {% picture %} tags in includes/card.html, events/includes/event_card.html and the home
# page; and those of an image in a page's body (blocks/image.html). tests/test_renditions.py
# checks the templates ask for exactly these.
CARD_IMAGE = "format-{avif,webp,jpeg} fill-{400x225,800x450}"
CARD_IMAGE_SPECS = tuple(Filter.expand_spec(CARD_IMAGE))
BODY_IMAGE = "format-{avif,webp,jpeg} width-{640,960,1280}"
BODY_IMAGE_SPECS = tuple(Filter.expand_spec(BODY_IMAGE))


def renditions_prefetch(lookup: str, specs: tuple[str, ...]) -> models.Prefetch:
    """Prefetch the images' renditions in these specs only (not every rendition they ever had),
    where Wagtail's picture tag looks for them before the cache or the database."""
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec__in=specs)
    return models.Prefetch(lookup, queryset=renditions, to_attr="prefetched_renditions")


def with_card_image(queryset: models.QuerySet) -> models.QuerySet:
    """Cards show a listing image: fetch it and its card renditions with the pages, in one query
    for the lot, not per card."""
    return queryset.select_related("listing_image").prefetch_related(
        renditions_prefetch("listing_image__renditions", CARD_IMAGE_SPECS)
    )


class BasePage(Page):
    """Abstract base for our page types.

    `listing_summary` and `listing_image` are what cards and search results show; the
    `search_description` (meta description) and `social_image` feed the Open Graph tags.
    `cache_query_parameters` names the query parameters the page's rendering reads: the page
    sees only those, and caches key on only those (home.page_cache), so campaign tags and click
    ids never make a page render again.
    """

    cache_query_parameters: tuple[str, ...] = ()

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
