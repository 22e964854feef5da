"""`{% picture %}` as Wagtail's (wagtailimages_tags), with its markup kept in the fragment cache.

    {% load hub_images %}
    {% picture page.hero_image format-{avif,webp,jpeg} fill-{640x360,960x540} sizes="..." alt="" %}

Same syntax, same HTML. A page shows many images, each in several formats and widths, and
Wagtail's tag parses its filter specs and looks up the renditions on every render; here the
<picture> markup is kept per image, spec and attributes (core.fragments: it goes stale with
every content change, an image's own save among them), so a warm render does neither. On a
miss the renditions come as Wagtail's tag finds them (prefetched, the renditions cache, the
database); images from a listing (core.pages.with_card_image) or a page body then load the
renditions of all their neighbours at once, in one query.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from wagtail.images.models import Filter
from wagtail.images.templatetags.wagtailimages_tags import PictureNode
from wagtail.images.templatetags.wagtailimages_tags import image as parse_image_tag

from core import fragments
from core.pages import load_rendition_batch

register = template.Library()

NOT_FOUND = "not-found"  # the file name Wagtail gives a rendition whose original is missing


class CachedPictureNode(PictureNode):
    """Wagtail's PictureNode, its output cached; its filters parsed once, not per render."""

    def get_filters(self):
        filters = self.__dict__.get("_filters")
        if filters is None:
            # Filter objects keep their parsed operations: made once for this template node.
            filters = self._filters = [
                Filter(spec=f) for f in Filter.expand_spec(self.filter_specs)
            ]
        return filters

    def render(self, context):
        if self.output_var_name:  # {% picture ... as name %}: the caller renders it
            return super().render(context)
        image = self.validate_image(context)
        if not image:
            return ""
        request = context.get("request")
        if request is None or fragments.in_preview(request):
            return self.render_now(context, image)
        attrs = tuple(
            sorted((key, str(value.resolve(context))) for key, value in self.attrs.items())
        )
        parts = (
            image.pk,
            image.file.name,
            image.focal_point_x,
            image.focal_point_y,
            image.focal_point_width,
            image.focal_point_height,
            tuple(self.filter_specs),
            attrs,
        )
        html = fragments.get_or_make(
            "picture",
            parts,
            lambda: str(self.render_now(context, image)),
            language="",  # the markup is the same in every language (alt text is a part)
            keep=lambda markup: NOT_FOUND not in markup,  # a missing file: try again next time
        )
        return mark_safe(html)

    def render_now(self, context, image) -> str:
        load_rendition_batch(image)
        return super().render(context)


@register.tag("picture")
def picture(parser, token):
    node = parse_image_tag(parser, token)
    if not isinstance(node, PictureNode):  # pragma: no cover (the parser chose by tag name)
        return node
    return CachedPictureNode(
        node.image_expr, node.filter_specs, output_var_name=node.output_var_name, attrs=node.attrs
    )
