"""The spreadsheet exports: the claims CSV, the quantities CSV in long format, and the xlsx
with both, read back as a spreadsheet user or a script would read them."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from claims.api import exports
from claims.services import claim_assess
from tests.factories import (
    AppearanceFactory,
    ClaimFactory,
    PlaceFactory,
    QuantityFactory,
    SourceFactory,
    TopicFactory,
)
from tests.helpers import assert_status

pytestmark = pytest.mark.django_db


def read_csv(response) -> tuple[list[dict[str, str]], list[str]]:
    assert_status(response, 200)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(codecs.BOM_UTF8)
    text = response.content.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return rows, reader.fieldnames


@pytest.fixture
def regained():
    """Gerasimov's claim, reported by two sources, assessed twice, with two quantities."""
    topic = TopicFactory(name="Kursk incursion")
    claim = ClaimFactory(
        statement="Russian forces have regained control of 24 settlements and 259 km².",
        places=[PlaceFactory(name="Kursk Oblast"), PlaceFactory(name="Sudzha")],
        topics=[topic],
    )
    first = SourceFactory(
        title="Gerasimov reports gains",
        url="https://news.example/gains",
        published_at=datetime.datetime(2025, 3, 13, 7, tzinfo=datetime.UTC),
    )
    later = SourceFactory(
        title="Moscow: 24 settlements; Kyiv: no comment",
        url="https://other.example/kursk",
        published_at=datetime.datetime(2025, 3, 14, 7, tzinfo=datetime.UTC),
    )
    AppearanceFactory(claim=claim, source=later)
    AppearanceFactory(claim=claim, source=first)
    AppearanceFactory(claim=claim, source=first, excerpt=None)  # a second quote, same source
    QuantityFactory(claim=claim, value=Decimal(24), counted="settlements regained")
    QuantityFactory(
        claim=claim,
        value=Decimal(259),
        unit="square kilometers",
        counted="territory regained",
        qualifier="about",
        text="259 square kilometers",
    )
    for day, rationale in (
        (14, "Only one side reports it."),
        (20, "Kyiv now confirms a pullback."),
    ):
        claim_assess(
            claim=claim,
            by=None,
            status="disputed" if day == 14 else "partly_verified",
            rationale=rationale,
            reliability="C",
            credibility=3,
            assessed_at=datetime.datetime(2025, 3, day, 12, tzinfo=datetime.UTC),
        )
    return claim


def test_claims_csv_has_a_bom_and_one_row_per_claim_with_what_it_is_about(client, regained):
    ClaimFactory(statement="Another claim.")

    rows, columns = read_csv(client.get("/api/v1/claims/csv/"))

    assert columns == exports.CLAIM_COLUMNS
    assert len(rows) == 2
    row = next(row for row in rows if row["id"] == str(regained.pk))
    assert row["statement"].endswith("259 km².")  # UTF-8 read back right
    assert row["places"].split("\n") == ["Kursk Oblast", "Sudzha"]
    assert row["topics"] == "Kursk incursion"
    # Each source once, earliest published first, titles and URLs in the same order.
    assert row["source_titles"].split("\n") == [
        "Gerasimov reports gains",
        "Moscow: 24 settlements; Kyiv: no comment",
    ]
    assert row["source_urls"].split("\n") == [
        "https://news.example/gains",
        "https://other.example/kursk",
    ]
    assert row["status"] == "partly_verified"
    assert row["assessment_rationale"] == "Kyiv now confirms a pullback."
    assert row["assessed_at"] == "2025-03-20T12:00:00+00:00"
    assert row["url"] == f"http://testserver/claims/{regained.pk}/"


def test_claims_csv_as_of_a_day_gives_that_days_assessment(client, regained):
    rows, _ = read_csv(client.get("/api/v1/claims/csv/?as_of=2025-03-15"))

    [row] = rows
    assert row["status"] == "disputed"
    assert row["assessment_rationale"] == "Only one side reports it."
    assert row["assessed_at"].startswith("2025-03-14")


def test_an_unassessed_claim_has_empty_assessment_cells(client):
    ClaimFactory()

    [row], _ = read_csv(client.get("/api/v1/claims/csv/"))

    assert (row["status"], row["assessment_rationale"], row["assessed_at"]) == (
        "unverified",
        "",
        "",
    )


def test_csv_cells_never_start_a_formula(client):
    ClaimFactory(statement="-1 settlements", places=[PlaceFactory(name="=HYPERLINK(1)")])

    [row], _ = read_csv(client.get("/api/v1/claims/csv/"))

    assert row["statement"] == "'-1 settlements"
    assert row["places"] == "'=HYPERLINK(1)"


def test_quantities_csv_is_one_row_per_quantity_with_canonical_values(client, regained):
    QuantityFactory(claim=ClaimFactory(statement="Elsewhere."), counted="drones")

    rows, columns = read_csv(
        client.get(f"/api/v1/claims/quantities/csv/?topic={regained.topics.get().pk}")
    )

    assert columns == exports.QUANTITY_COLUMNS
    assert rows == [
        {
            "claim_id": str(regained.pk),
            "value": "24",
            "value_max": "",
            "unit": "",
            "canonical_value": "24",
            "canonical_value_max": "",
            "canonical_unit": "",
            "counted": "settlements regained",
            "qualifier": "exactly",
            "per": "",
            "text": "",
        },
        {
            "claim_id": str(regained.pk),
            "value": "259",
            "value_max": "",
            "unit": "square kilometers",
            "canonical_value": "259",
            "canonical_value_max": "",
            "canonical_unit": "km²",
            "counted": "territory regained",
            "qualifier": "about",
            "per": "",
            "text": "259 square kilometers",
        },
    ]


def test_quantities_csv_keeps_ranges_and_rates(client):
    claim = ClaimFactory()
    QuantityFactory(
        claim=claim, value=Decimal(30), value_max=Decimal(35), counted="assaults", per="day"
    )

    [row], _ = read_csv(client.get("/api/v1/claims/quantities/csv/"))

    assert (row["value"], row["value_max"], row["per"]) == ("30", "35", "day")


@pytest.mark.parametrize("as_of", ["yesterday", "4969-89-25", "2025-02-30T25:00"])
def test_an_invalid_filter_is_a_json_400(client, as_of):
    response = client.get(f"/api/v1/claims/quantities/csv/?as_of={as_of}")
    assert_status(response, 400)
    assert "as_of" in response.json()["errors"]


def test_xlsx_holds_both_tables_with_typed_cells(client, regained):
    ClaimFactory(statement="=HYPERLINK(1)")

    response = client.get("/api/v1/claims/xlsx/")

    assert_status(response, 200)
    assert response["Content-Type"] == exports.XLSX_MEDIA_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="claims.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["claims", "quantities"]
    claims = list(workbook["claims"].iter_rows(values_only=True))
    assert list(claims[0]) == exports.CLAIM_COLUMNS
    rows = {row[0]: dict(zip(exports.CLAIM_COLUMNS, row, strict=True)) for row in claims[1:]}
    row = rows[regained.pk]
    assert row["statement"].endswith("259 km².")
    assert row["asserted_on"] == datetime.datetime(2025, 3, 12)  # a date cell
    assert row["assessed_at"] == datetime.datetime(2025, 3, 20, 12)  # in UTC
    assert row["places"] == "Kursk Oblast\nSudzha"
    assert row["source_count"] == 2
    # Text that looks like a formula stays text.
    formula_like = next(r for r in rows.values() if r["statement"] == "=HYPERLINK(1)")
    cell = next(
        c for c in workbook["claims"].iter_rows(min_row=2) if c[0].value == formula_like["id"]
    )[1]
    assert cell.data_type == "s"
    quantities = list(workbook["quantities"].iter_rows(values_only=True))
    assert list(quantities[0]) == exports.QUANTITY_COLUMNS
    area = dict(zip(exports.QUANTITY_COLUMNS, quantities[2], strict=True))
    assert (area["claim_id"], area["canonical_value"], area["canonical_unit"]) == (
        regained.pk,
        259,
        "km²",
    )


def test_exports_of_the_seed_read_back(seed, client):
    rows, _ = read_csv(client.get("/api/v1/claims/csv/?q=Gerasimov"))
    regained = next(row for row in rows if "24 settlements" in row["statement"])
    assert regained["claimant"] == "Valery Gerasimov"
    assert "Putin Visits Kursk" in regained["source_titles"]
    assert regained["assessment_rationale"]

    quantities, _ = read_csv(client.get("/api/v1/claims/quantities/csv/?q=Gerasimov"))
    assert {"km²"} <= {row["canonical_unit"] for row in quantities}
    assert {row["claim_id"] for row in quantities} <= {row["id"] for row in rows}
