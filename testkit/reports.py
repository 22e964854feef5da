"""The attribution report pages as the tests read them: the address of each, the period of the
small data sets, and the accessible table a page shows, as plain lists."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.urls import reverse

from testkit import html

# 1 January to 31 March 2026, as the report filter form takes it.
RANGE = {
    "date_from_day": "1",
    "date_from_month": "1",
    "date_from_year": "2026",
    "date_to_day": "31",
    "date_to_month": "3",
    "date_to_year": "2026",
}


def url(slug: str) -> str:
    return reverse(f"attribution_report_{slug.replace('-', '_')}")


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return html.soup(response)


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


def table_of(page: BeautifulSoup) -> dict:
    table = page.find("table", class_="report-table")
    assert table is not None
    return {
        "caption": text(table.caption),
        "head": [text(th) for th in table.thead.find_all("th")],
        "head_scopes": {th.get("scope") for th in table.thead.find_all("th")},
        "body": [
            [text(cell) for cell in tr.find_all(["th", "td"])] for tr in table.tbody.find_all("tr")
        ],
        "row_scopes": {tr.find("th").get("scope") for tr in table.tbody.find_all("tr")},
        "foot": [text(cell) for cell in table.tfoot.find_all(["th", "td"])]
        if table.tfoot
        else None,
    }
