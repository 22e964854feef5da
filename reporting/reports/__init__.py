"""Attribution reports for marketing leads: aggregates only, never personal data.

Each report is a function `(filters: ReportFilters, **options) -> Table`; the admin views, the
spreadsheet exports and `manage.py attribution_report` render the same `Table`.
"""

from .base import Chart, Column, Kind, ReportFilters, Table
from .campaigns import campaign_breakdown, campaign_performance
from .events import event_performance, event_registrations_by_source
from .journey import first_vs_last, self_reported_agreement, timeliness
from .regional import GROUPINGS, regional_vs_local
from .trends import channels_over_time, funnel_cohorts

__all__ = [
    "GROUPINGS",
    "Chart",
    "Column",
    "Kind",
    "ReportFilters",
    "Table",
    "campaign_breakdown",
    "campaign_performance",
    "channels_over_time",
    "event_performance",
    "event_registrations_by_source",
    "first_vs_last",
    "funnel_cohorts",
    "regional_vs_local",
    "self_reported_agreement",
    "timeliness",
]
