"""What every public page type shares: listing and social-sharing fields, the promote tab, and
what makes a render cheap (view restrictions read once per request, the page's own foreign
keys fetched with it, card and body renditions fetched in one query only when needed)."""

from django.db import models
from django.db.models.query import ModelIterable
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.images import get_image_model
from wagtail.images.models import Filter
from wagtail.models import Page, PageManager, PageViewRestriction
from wagtail.query import PageQuerySet
from wagtail.search import index

from . import fragments
from .admin_forms import HubPageForm

# The renditions a card's (or the featured story's) listing image is shown in: the same specs as
# the {% picture %} tags in includes/card.html, events/includes/event_card.html and the home
# page; and those of an image in a page's body (blocks/image.html). core/tests/test_renditions.py
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


class RenditionBatch:
    """Images shown together (a listing's cards, a body's figures) whose renditions in `specs`
    are fetched together, in one query, the first time one of them needs them.

    The picture tag (core.templatetags.hub_images) keeps its markup in the fragment cache, so
    on a warm render no image needs its renditions and the query is never made; on a cold one
    it is made once for the lot, however many images there are."""

    ATTRIBUTE = "_hub_rendition_batch"

    def __init__(self, images: list, specs: tuple[str, ...]) -> None:
        self.images = images
        self.specs = specs
        self.loaded = False

    @classmethod
    def attach(cls, images, specs: tuple[str, ...]) -> None:
        images = [image for image in images if image is not None]
        if images:
            batch = cls(images, specs)
            for image in images:
                setattr(image, cls.ATTRIBUTE, batch)

    def load(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        waiting = [image for image in self.images if not _has_prefetched_renditions(image)]
        if waiting:
            models.prefetch_related_objects(waiting, renditions_prefetch("renditions", self.specs))


def _has_prefetched_renditions(image) -> bool:
    return hasattr(image, "prefetched_renditions") or "renditions" in getattr(
        image, "_prefetched_objects_cache", {}
    )


def load_rendition_batch(image) -> None:
    """Before an image's renditions are looked up: fetch its batch's, if it is in one."""
    batch = getattr(image, RenditionBatch.ATTRIBUTE, None)
    if batch is not None:
        batch.load()


class _CardImageIterable(ModelIterable):
    """Pages as a queryset yields them, their listing images in one rendition batch."""

    def __iter__(self):
        pages = list(super().__iter__())
        RenditionBatch.attach([page.listing_image for page in pages], CARD_IMAGE_SPECS)
        yield from pages


def with_card_image(queryset: models.QuerySet) -> models.QuerySet:
    """Cards show a listing image: fetch it with the pages, and its card renditions in one
    query for the lot when the first card needs them (not per card; not at all when every
    card's markup comes from the fragment cache)."""
    queryset = queryset.select_related("listing_image")
    if queryset._iterable_class is not ModelIterable:  # values(), specific(): fetch them now
        return queryset.prefetch_related(
            renditions_prefetch("listing_image__renditions", CARD_IMAGE_SPECS)
        )
    queryset._iterable_class = _CardImageIterable
    return queryset


def view_restrictions() -> list[PageViewRestriction]:
    """Every view restriction on the site (passwords, signed-in only, groups): read once per
    request however many listings ask, and again after any content change."""
    return fragments.memo(
        "view-restrictions", lambda: list(PageViewRestriction.objects.select_related("page"))
    )


class HubPageQuerySet(PageQuerySet):
    def private_q(self):
        """Wagtail's, from the restrictions read once per request (Wagtail reads them again
        for every `.public()` listing)."""
        q = models.Q()
        for restriction in view_restrictions():
            q |= self.descendant_of_q(restriction.page, inclusive=True)
        return q if q else models.Q(pk__in=[])


HubPageManager = PageManager.from_queryset(HubPageQuerySet)


class HubPageMixin:
    """What makes serving one of our pages cheap; BasePage has it, and so has any page type of
    ours that is not a BasePage (the enquiry page)."""

    # The foreign keys the page's own template shows, fetched with the page when a request is
    # routed to it (a page type adds its own: a council page's council).
    route_select_related: tuple[str, ...] = ()

    def route(self, request, path_components):
        """Wagtail's routing, but the child is fetched in its own type with what its template
        shows (route_select_related) in one query, not one for the page and one per key."""
        if not path_components:
            return super().route(request, path_components)
        child_slug, remaining = path_components[0], path_components[1:]
        try:
            child = self.get_children().get(slug=child_slug)
        except Page.DoesNotExist as error:
            raise Http404 from error
        model = child.specific_class
        if model is not None and issubclass(model, HubPageMixin):
            try:
                child = model._default_manager.select_related(*model.route_select_related).get(
                    pk=child.pk
                )
            except model.DoesNotExist as error:  # deleted in between
                raise Http404 from error
        else:
            child = child.specific
        child._cached_parent_obj = self
        return child.route(request, remaining)

    def get_view_restrictions(self):
        """Wagtail's, without its two queries while the site has no view restriction at all."""
        if not view_restrictions():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def get_context(self, request, *args, **kwargs):
        self.fetch_own_images()
        return super().get_context(request, *args, **kwargs)

    def fetch_own_images(self) -> None:
        """The page's own images (hero, listing, sharing) in one query, where routing did not
        fetch them with the page (the home page: Wagtail fetches a site's root itself)."""
        wanted = {
            field: getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if isinstance(field, models.ForeignKey)
            and issubclass(field.related_model, get_image_model())
            and getattr(self, field.attname) is not None
            and not field.is_cached(self)
        }
        if not wanted:
            return
        found = get_image_model().objects.in_bulk(set(wanted.values()))
        for field, pk in wanted.items():
            if pk in found:
                field.set_cached_value(self, found[pk])


class BasePage(HubPageMixin, Page):
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

    objects = HubPageManager()
    route_select_related = ("listing_image", "social_image")
    # Choice fields offer the English originals, once each (core.admin_forms).
    base_form_class = HubPageForm

    class Meta:
        abstract = True

    @property
    def summary(self) -> str:
        """The text used for cards, meta descriptions and search results."""
        return self.listing_summary or self.search_description or ""

    @property
    def sharing_image(self):
        return self.social_image or self.listing_image


def live_url(page: Page | None) -> str:
    """A chosen page's address, or "" when it is unset or unpublished (never a link to a 404)."""
    return page.url if page is not None and page.live else ""
