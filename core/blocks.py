"""The small set of StreamField blocks every page body is built from.

Deliberately few: editors get consistent, accessible pages, and every block has one template in
`site/templates/blocks/` that meets WCAG 2.2 AA without the editor having to think about it.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from .pages import BODY_IMAGE_SPECS, RenditionBatch

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class ImageWithAltBlock(blocks.StructBlock):
    """An image whose alternative text the editor must write for this use of it."""

    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        label=_("Alternative text"),
        help_text=_(
            "Describe what the image shows for people who cannot see it, "
            "e.g. 'A carer and a teenager baking together'."
        ),
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "blocks/image.html"

    def bulk_to_python(self, values: list) -> list:
        """The images of a whole page body get their renditions in one query, however many
        there are (and whether or not the renditions cache has them), when the first figure
        needs them: core.pages.RenditionBatch."""
        structs = super().bulk_to_python(values)
        RenditionBatch.attach([struct.get("image") for struct in structs], BODY_IMAGE_SPECS)
        return structs


SAFE_LINK = re.compile(r"^(https?://[^/\s]|mailto:|tel:|/(?!/)|#)", re.IGNORECASE)


def is_safe_link(address: str) -> bool:
    """Web, email, phone and on-site addresses only: never javascript:, data: or the like."""
    return bool(SAFE_LINK.match(address or "")) and not any(ch.isspace() for ch in address.strip())


class LinkStructValue(blocks.StructValue):
    def url(self) -> str:
        """Where the link goes, or "" when its page is unpublished or its address is unsafe."""
        page = self.get("page")
        if page:
            return page.url if page.live else ""
        address = (self.get("external_url") or "").strip()
        return address if is_safe_link(address) else ""


class LinkBlock(blocks.StructBlock):
    """A link to a page on this site or to another site, with its own visible label."""

    label = blocks.CharBlock(max_length=80)
    page = blocks.PageChooserBlock(required=False)
    external_url = blocks.CharBlock(
        required=False,
        max_length=300,
        label=_("Other address"),
        help_text=_(
            "A full web address (https://...), an email (mailto:...) or phone (tel:...) link, "
            "or a path on this site such as /enquire/."
        ),
    )

    class Meta:
        icon = "link"
        value_class = LinkStructValue

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("external_url")):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "page": ValidationError(_("Choose a page or give another address, not both."))
                }
            )
        address = (value.get("external_url") or "").strip()
        if address and not is_safe_link(address):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "external_url": ValidationError(
                        _(
                            "Give an address starting https://, http://, mailto:, tel: or /, "
                            "with no spaces."
                        )
                    )
                }
            )
        return value


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=400)
    link = LinkBlock()

    class Meta:
        icon = "pick"
        template = "blocks/call_to_action.html"


class QuoteBlock(blocks.StructBlock):
    """A carer's words, with who said them."""

    quote = blocks.TextBlock(max_length=600)
    attribution = blocks.CharBlock(max_length=120, help_text=_("e.g. 'Sam, foster carer'"))
    story = blocks.PageChooserBlock(
        page_type="home.StoryPage",
        required=False,
        help_text=_("Optional: link to the carer's full story."),
    )

    class Meta:
        icon = "openquote"
        template = "blocks/quote.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200)
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"


class FAQBlock(blocks.StructBlock):
    """Questions and answers shown as native <details> disclosures (work without JavaScript)."""

    heading = blocks.CharBlock(required=False, max_length=120)
    questions = blocks.ListBlock(QuestionBlock(), min_num=1)

    class Meta:
        icon = "help"
        template = "blocks/faq.html"


class KeyFigureBlock(blocks.StructBlock):
    figure = blocks.CharBlock(max_length=20, help_text=_("e.g. '£450' or '1 in 3'"))
    label = blocks.CharBlock(max_length=120, help_text=_("What the figure means"))


class KeyFiguresBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120)
    figures = blocks.ListBlock(KeyFigureBlock(), min_num=1, max_num=6)

    class Meta:
        icon = "list-ol"
        template = "blocks/key_figures.html"


VIDEO_URL = re.compile(
    r"^https://(www\.)?(youtube\.com/watch\?v=|youtu\.be/|vimeo\.com/)[\w-]+", re.IGNORECASE
)


class VideoBlock(blocks.StructBlock):
    """A YouTube or Vimeo video, shown as a link with its transcript.

    The player is not embedded on page load: that would make a third-party request (and set
    cookies) before the visitor has chosen to watch.
    """

    title = blocks.CharBlock(max_length=120)
    url = blocks.URLBlock(help_text=_("A YouTube or Vimeo address."))
    duration = blocks.CharBlock(required=False, max_length=20, help_text=_("e.g. '3 minutes'"))
    transcript = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, required=False)

    class Meta:
        icon = "media"
        template = "blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        if not VIDEO_URL.match(value.get("url") or ""):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(_("Give a YouTube or Vimeo address."))}
            )
        return value


class BodyBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, template="blocks/rich_text.html")
    image = ImageWithAltBlock()
    call_to_action = CallToActionBlock()
    quote = QuoteBlock()
    faq = FAQBlock()
    key_figures = KeyFiguresBlock()
    video = VideoBlock()


class StepBlock(blocks.StructBlock):
    """One stage of becoming a foster carer."""

    title = blocks.CharBlock(max_length=120)
    timescale = blocks.CharBlock(
        required=False, max_length=60, help_text=_("Typical time, e.g. 'Week 1' or '2-4 months'")
    )
    description = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "list-ol"


class SocialLinkBlock(blocks.StructBlock):
    """A link to the hub's page on a social network (the footer's icons)."""

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
