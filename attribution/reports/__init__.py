"""Attribution reports for marketing leads: aggregates only, never personal data.

Each report is a function `(filters: ReportFilters, **options) -> Table`; the admin views, the
spreadsheet exports and `manage.py attribution_report` render the same `Table`.
"""

from .base import Chart, Column, Kind, ReportFilters, Table
from .regional import GROUPINGS, regional_vs_local

__all__ = [
    "GROUPINGS",
    "Chart",
    "Column",
    "Kind",
    "ReportFilters",
    "Table",
    "regional_vs_local",
]
