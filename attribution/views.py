"""Short links (/go/<code>/), QR codes and the link builder for campaigns.

The public short link records nothing: it only redirects to the campaign's tagged landing page
(with `hub_link=short`), where capture happens under the visitor's cookie choices. The admin
views show only the campaigns `visible_campaigns` lets the person see: every campaign for the
hub's comms officers and marketing leads, their own council's for a council's comms officers.
"""

from __future__ import annotations

import io
import re

import segno
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page, Site

from core.addresses import is_public_https_url

from .access import has_campaign_role, visible_campaigns
from .forms import LinkBuilderForm
from .models import Campaign

SHORT_LINK_MAX_AGE = 300  # seconds a CDN may keep a /go/ redirect
# Print: the standard four-module quiet zone, white behind the code, a PNG for 300 dpi.
QR_COLOURS = {"dark": "#0b0c0c", "light": "#ffffff"}
QR_SVG_SCALE = 10
QR_PNG_SCALE = 20
QR_PNG_DPI = 300
QR_INLINE_SCALE = 5


def campaign_for(request: HttpRequest, pk: int) -> Campaign:
    """The campaign, if the person may see it: refused without a campaign role, 404 if not theirs."""
    if not has_campaign_role(request.user):
        raise PermissionDenied
    return get_object_or_404(visible_campaigns(request.user).select_related("landing_page"), pk=pk)


# --- Links ----------------------------------------------------------------------------------


def site_root_url() -> str:
    """The public site's root URL (the default site's), without a trailing slash."""
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url.rstrip("/") if site else ""


def site_address() -> dict[str, object]:
    """The address links and QR codes are built on, and whether it is a public https one: the
    campaign and QR screens warn while it is not (a laptop's, a server's internal name), since
    a printed code cannot be corrected later."""
    url = site_root_url()
    return {"url": url, "public": is_public_https_url(url)}


def absolute(path: str) -> str:
    if re.match(r"^https?://", path):
        return path
    return f"{site_root_url()}{path}"


def tagged_url(campaign: Campaign, *, content: str = "", landing_page: Page | None = None) -> str:
    """The full tagged URL of the campaign (optionally with utm_content or another landing page)."""
    if landing_page is not None:
        campaign = Campaign(
            code=campaign.code,
            source=campaign.source,
            medium=campaign.medium,
            landing_page=landing_page,
        )
    return absolute(campaign.tagged_path(utm_content=content))


def short_link(campaign: Campaign) -> str:
    """The absolute /go/<code>/ link, or "" when the campaign has no short code."""
    if not campaign.short_code:
        return ""
    return absolute(reverse("short_link", kwargs={"code": campaign.short_code}))


def qr_target(campaign: Campaign) -> str:
    """What the campaign's QR code opens: the short link if it has one (shorter, so a sparser
    code that scans better from a distance), else the full tagged URL."""
    return short_link(campaign) or tagged_url(campaign)


# --- QR codes ----------------------------------------------------------------------------------


def qr_svg_inline(url: str, label: str) -> SafeString:
    """An inline SVG QR code with an accessible name (segno escapes the title)."""
    svg = segno.make(url, error="m").svg_inline(scale=QR_INLINE_SCALE, title=label, **QR_COLOURS)
    return mark_safe(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))


def qr_file(url: str, kind: str, filename: str) -> HttpResponse:
    """The QR code as a downloadable SVG or PNG, ready for print."""
    qr = segno.make(url, error="m")
    buffer = io.BytesIO()
    if kind == "svg":
        qr.save(buffer, kind="svg", scale=QR_SVG_SCALE, title=url, **QR_COLOURS)
        content_type = "image/svg+xml"
    elif kind == "png":
        qr.save(buffer, kind="png", scale=QR_PNG_SCALE, dpi=QR_PNG_DPI, **QR_COLOURS)
        content_type = "image/png"
    else:
        raise Http404
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    patch_cache_control(response, private=True, no_store=True)
    return response


def campaign_qr(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The campaign's QR code (of its short link, or its tagged URL) as SVG or PNG."""
    campaign = campaign_for(request, pk)
    return qr_file(qr_target(campaign), kind, f"{campaign.code}-qr")


def campaign_links(campaign: Campaign) -> dict[str, str]:
    """What the campaign's inspect page shows: the tagged URL, short link and QR code."""
    target = qr_target(campaign)
    return {
        "tagged_url": tagged_url(campaign),
        "short_link": short_link(campaign),
        "qr_target": target,
        "qr_svg": qr_svg_inline(target, _("QR code that opens %(url)s") % {"url": target}),
    }


# --- The link builder -----------------------------------------------------------------------


def link_builder_qr(request: HttpRequest, kind: str) -> HttpResponse:
    """The link builder's QR code, for the same GET parameters as the builder."""
    if not has_campaign_role(request.user):
        raise PermissionDenied
    form = LinkBuilderForm(request.GET, campaigns=visible_campaigns(request.user))
    if not form.is_valid():
        raise Http404
    campaign = form.cleaned_data["campaign"]
    content = form.cleaned_data["utm_content"]
    url = tagged_url(campaign, content=content, landing_page=form.cleaned_data["landing_page"])
    filename = "-".join(part for part in (campaign.code, content, "qr") if part)
    return qr_file(url, kind, filename)


class LinkBuilderView(WagtailAdminTemplateMixin, TemplateView):
    """Pick a campaign, an optional utm_content and landing page: get the tagged URL and a QR code.

    A GET form: nothing is saved and no personal data is involved, so the result can be
    bookmarked and shared with whoever designs the poster.
    """

    template_name = "attribution/link_builder.html"
    page_title = _("Link builder")
    header_icon = "link"
    _show_breadcrumbs = True

    def dispatch(self, request, *args, **kwargs):
        if not has_campaign_role(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return _("Link builder")

    def get_breadcrumbs_items(self) -> list[dict]:
        return [
            {"url": reverse("campaigns:index"), "label": _("Campaigns")},
            {"url": "", "label": _("Link builder")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaigns = visible_campaigns(self.request.user)
        form = LinkBuilderForm(self.request.GET or None, campaigns=campaigns)
        context["form"] = form
        context["site_address"] = site_address()
        if form.is_bound and form.is_valid():
            campaign = form.cleaned_data["campaign"]
            url = tagged_url(
                campaign,
                content=form.cleaned_data["utm_content"],
                landing_page=form.cleaned_data["landing_page"],
            )
            query = self.request.GET.urlencode()
            context["result"] = {
                "campaign": campaign,
                "url": url,
                "qr_svg": qr_svg_inline(url, _("QR code that opens %(url)s") % {"url": url}),
                "svg_download": f"{reverse('campaigns:link_builder_qr', args=['svg'])}?{query}",
                "png_download": f"{reverse('campaigns:link_builder_qr', args=['png'])}?{query}",
            }
        return context


# --- The public short link ------------------------------------------------------------------


def short_link_redirect(request: HttpRequest, code: str) -> HttpResponse:
    """/go/<code>/: 302 to the campaign's tagged landing page, with hub_link=short.

    A printed poster outlives its campaign, so an ended campaign still redirects and an unknown
    code goes to the home page (never a 404). Nothing about the visitor is recorded here and no
    cookie is set; a CDN may keep the answer for five minutes.
    """
    campaign = (
        Campaign.objects.select_related("landing_page").filter(short_code=code.lower()).first()
    )
    target = campaign.tagged_path(hub_link="short") if campaign else "/"
    response = HttpResponseRedirect(target)
    patch_cache_control(response, public=True, max_age=SHORT_LINK_MAX_AGE)
    return response
