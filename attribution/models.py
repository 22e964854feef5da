"""Campaigns: what the hub (regional) and each council (local) spend on bringing enquiries in.

A campaign's code is its `utm_campaign`; its short code is its `/go/<code>/` link for print,
outdoor, radio and events. Spend is a list of dated entries, so cost can be split by period.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from councils.models import Council

from .classification import CHANNEL_LABELS, Channel

TAG_VALUE = RegexValidator(
    r"^[a-z0-9][a-z0-9-]*$",
    _("Use lower-case letters, numbers and hyphens, e.g. winter-teenagers-2026."),
)
CHANNEL_CHOICES = [(channel.value, label) for channel, label in CHANNEL_LABELS.items()]
CAMPAIGN_CHANNELS = [
    choice
    for choice in CHANNEL_CHOICES
    if choice[0] not in (Channel.STAFF_ENTERED, Channel.DIRECT, Channel.UNASSIGNED)
]


class CampaignQuerySet(models.QuerySet):
    def regional(self) -> CampaignQuerySet:
        return self.filter(council__isnull=True)

    def local(self) -> CampaignQuerySet:
        return self.filter(council__isnull=False)

    def running_on(self, day) -> CampaignQuerySet:
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))


class Campaign(ClusterableModel):
    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(
        _("campaign code"),
        max_length=60,
        unique=True,
        validators=[TAG_VALUE],
        help_text=_("Used as utm_campaign in every tagged link, e.g. winter-teenagers-2026."),
    )
    council = models.ForeignKey(
        Council,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        help_text=_("Leave empty for a regional (hub) campaign; choose a council for a local one."),
    )
    channel = models.CharField(_("channel"), max_length=30, choices=CAMPAIGN_CHANNELS)
    source = models.CharField(
        _("source (utm_source)"),
        max_length=60,
        validators=[TAG_VALUE],
        help_text=_("Where the link is placed, e.g. facebook, bus-side, derby-telegraph."),
    )
    medium = models.CharField(
        _("medium (utm_medium)"),
        max_length=60,
        validators=[TAG_VALUE],
        help_text=_("The kind of placement, e.g. paid-social, print, outdoor, radio, email."),
    )
    start_date = models.DateField(_("starts"))
    end_date = models.DateField(_("ends"), null=True, blank=True)
    audience_focus = ParentalManyToManyField(
        "fostering_types.FosteringTypePage",
        verbose_name=_("audience focus"),
        blank=True,
        related_name="+",
        help_text=_("The types of fostering the campaign recruits for, e.g. teenagers."),
    )
    landing_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("landing page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    short_code = models.SlugField(
        _("short link code"),
        max_length=30,
        unique=True,
        null=True,
        blank=True,
        validators=[TAG_VALUE],
        help_text=_("For print, outdoor, radio and events: /go/<code>/ (e.g. bus26)."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = CampaignQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("code"), FieldPanel("council")],
            heading=_("Campaign"),
        ),
        MultiFieldPanel(
            [FieldPanel("channel"), FieldPanel("source"), FieldPanel("medium")],
            heading=_("Tags"),
        ),
        MultiFieldPanel(
            [FieldPanel("start_date"), FieldPanel("end_date")], heading=_("When it runs")
        ),
        FieldPanel("audience_focus"),
        MultiFieldPanel(
            [FieldPanel("landing_page"), FieldPanel("short_code")], heading=_("Where it leads")
        ),
        InlinePanel("spend", heading=_("Spend"), label=_("Spend entry")),
        FieldPanel("notes"),
    ]

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        permissions = [
            ("view_all_campaigns", "Can see every council's campaigns"),
            ("view_attribution_reports", "Can see the attribution reports (aggregates only)"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="campaign_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_regional(self) -> bool:
        return self.council_id is None

    @property
    def owner_label(self) -> str:
        return str(_("The hub (regional)")) if self.is_regional else self.council.name

    @property
    def tags(self) -> dict[str, str]:
        return {"utm_source": self.source, "utm_medium": self.medium, "utm_campaign": self.code}

    def tagged_path(self, **extra: str) -> str:
        """The landing page's path with the campaign's tags (extra ones, e.g. utm_content)."""
        base = self.landing_page.url if self.landing_page_id and self.landing_page.live else "/"
        query = {**self.tags, **{key: value for key, value in extra.items() if value}}
        return f"{base}?{urlencode(query)}"

    def total_spend(self) -> Decimal:
        return self.spend.aggregate(total=Sum("amount"))["total"] or Decimal("0")


class SpendEntry(Orderable):
    campaign = ParentalKey(Campaign, on_delete=models.CASCADE, related_name="spend")
    spent_on = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount (£)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    description = models.CharField(_("what for"), max_length=200, blank=True)

    panels = [FieldPanel("spent_on"), FieldPanel("amount"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("spend entry")
        verbose_name_plural = _("spend entries")

    def __str__(self) -> str:
        return f"{self.campaign}: £{self.amount} on {self.spent_on}"
