"""Spreadsheet export of the enquiries list (CSV and XLSX).

The export is the filtered list the person is looking at (the row-level rule, the filters and the
search all apply; see also test_enquiry_permissions.py), and it is safe to open: text that a
spreadsheet would run as a formula gets a leading apostrophe.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from core.exports import neutralise_formula
from enquiry.exports import EXPORT_HEADINGS
from enquiry.models import Stage
from enquiry.tests.factories import EnquiryFactory, HearAboutOptionFactory
from fostering_types.tests.factories import FosteringTypePageFactory
from testkit.admin import index_url, read_csv

pytestmark = pytest.mark.django_db

HOSTILE = {
    "first_name": '=HYPERLINK("https://evil.example","Click")',
    "last_name": "+SUM(1,2)",
    "question": "@cmd|' /C calc'!A0",
    "postcode": "-2+3",
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("-10", "'-10"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Sam", "Sam"),
        ("a=b", "a=b"),
        ("", ""),
        (7, 7),
        (None, None),
        (datetime.date(2026, 11, 23), datetime.date(2026, 11, 23)),
    ],
)
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def read_xlsx(response) -> list[dict[str, object]]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def hostile(councils):
    option = HearAboutOptionFactory(label="=2*3")
    enquiry = EnquiryFactory(
        council=councils["derby"],
        phone="+44 7700 900123",
        email="sam@example.org",
        heard_about=option,
        **HOSTILE,
    )
    enquiry.fostering_types.add(FosteringTypePageFactory(title="Teenagers"))
    return enquiry


def test_csv_export_has_every_column_and_neutralises_formulas(people, hostile, client):
    client.force_login(people["hub"])
    response = client.get(index_url(export="csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert f"enquiries-{timezone.localdate():%Y-%m-%d}.csv" in response["Content-Disposition"]
    [row] = read_csv(response)
    assert list(row) == [str(heading) for heading in EXPORT_HEADINGS.values()]
    assert row["Reference"] == hostile.reference
    assert row["First name"] == "'" + HOSTILE["first_name"]
    assert row["Last name"] == "'+SUM(1,2)"
    assert row["Question"] == "'" + HOSTILE["question"]
    assert row["Postcode"] == "'-2+3"
    assert row["Phone number"] == "'+44 7700 900123"
    assert row["How they heard about us"] == "'=2*3"
    assert row["Email address"] == "sam@example.org"
    assert row["Council"] == "Derby City Council"
    assert row["Types of fostering"] == "Teenagers"
    assert row["Stage"] == "New"
    assert row["How it came in"] == "Website form"
    assert row["Received"] == timezone.localtime(hostile.created_at).strftime("%Y-%m-%d %H:%M")
    assert row["First contacted"] == ""


def test_xlsx_export_neutralises_formulas_and_keeps_dates(people, hostile, client):
    hostile.move_to(Stage.CONTACTED, by=people["hub"])
    client.force_login(people["hub"])
    response = client.get(index_url(export="xlsx"))
    assert f"enquiries-{timezone.localdate():%Y-%m-%d}.xlsx" in response["Content-Disposition"]
    [row] = read_xlsx(response)
    assert row["Reference"] == hostile.reference
    assert row["First name"] == "'" + HOSTILE["first_name"]
    assert row["Last name"] == "'+SUM(1,2)"
    assert row["Question"] == "'" + HOSTILE["question"]
    assert row["Phone number"] == "'+44 7700 900123"
    assert row["How they heard about us"] == "'=2*3"
    assert row["Stage"] == "Contacted (initial response)"
    # Dates stay dates (in the hub's own time zone), so they sort and filter in the spreadsheet.
    assert row["First contacted"] == timezone.localdate()
    assert isinstance(row["Received"], datetime.datetime)
    received = timezone.make_naive(hostile.created_at)  # local time, as staff read it
    assert abs(row["Received"] - received) < datetime.timedelta(seconds=1)
    sheet = load_workbook(
        io.BytesIO(b"".join(client.get(index_url(export="xlsx")).streaming_content))
    ).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_export_is_the_filtered_and_searched_list(export, people, enquiries, client):
    read = read_csv if export == "csv" else read_xlsx
    enquiries["nottingham"].move_to(Stage.CLOSED, closed_reason="withdrawn", by=people["hub"])
    client.force_login(people["hub"])
    assert [r["Reference"] for r in read(client.get(index_url(export=export)))] == [
        enquiries["unsure"].reference,
        enquiries["nottingham"].reference,
        enquiries["derby"].reference,
    ]
    closed = read(client.get(index_url(export=export, stage="closed")))
    assert [(r["Reference"], r["Closed because"]) for r in closed] == [
        (enquiries["nottingham"].reference, "Withdrawn")
    ]
    unsure = read(client.get(index_url(export=export, council="not-sure")))
    assert [(r["Reference"], r["Council"]) for r in unsure] == [
        (enquiries["unsure"].reference, "Not sure yet")
    ]
    found = read(client.get(index_url(export=export, q="dana@example.org")))
    assert [r["Reference"] for r in found] == [enquiries["derby"].reference]


def test_the_export_offers_download_links_on_the_list(people, enquiries, client):
    client.force_login(people["derby"])
    content = client.get(index_url(stage="new")).content.decode()
    assert "export=csv" in content and "export=xlsx" in content
    assert "stage=new&amp;export=csv" in content


def test_export_queries_do_not_grow_with_the_rows(people, councils, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    teenagers = FosteringTypePageFactory(title="Teenagers")
    client.force_login(people["hub"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            read_csv(client.get(index_url(export="csv")))
        return len(queries)

    EnquiryFactory(council=councils["derby"]).fostering_types.add(teenagers)
    count()
    few = count()
    for _n in range(6):
        EnquiryFactory(council=councils["nottingham"]).fostering_types.add(teenagers)
    assert count() == few
