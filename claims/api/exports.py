"""Claims as schema.org ClaimReview JSON-LD, and as spreadsheets (CSV and xlsx).

ClaimReview follows Google's fact-check markup: ``claimReviewed``,
``reviewRating`` (with ``alternateName``), ``url`` and ``author`` are
required; ``itemReviewed`` names the claim's author and where it appeared.
The rating comes from ``VerificationStatus.claimreview_rating``.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import HttpResponse, JsonResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from claims.models import Actor, Claim

PUBLISHER = {"@type": "Organization", "name": "claimsbase"}


def _author(actor: Actor) -> dict:
    kind = "Person" if actor.kind == Actor.Kind.PERSON else "Organization"
    return {"@type": kind, "name": actor.name}


def claimreview(claim: Claim, request, *, context: bool = True) -> dict:
    """One claim (from ``for_detail()``) as a ClaimReview."""
    rating_value, rating_name = claim.shown_status_choice.claimreview_rating
    rating = {"@type": "Rating", "alternateName": rating_name}
    if rating_value is not None:
        rating.update(ratingValue=rating_value, bestRating=5, worstRating=1)
    assessment = claim.shown_assessment
    reviewed_at = assessment.assessed_at if assessment else claim.updated_at
    appearances = [
        {
            "@type": "CreativeWork",
            "headline": appearance.source.title,
            **({"url": appearance.source.url} if appearance.source.url else {}),
            **(
                {"datePublished": appearance.source.published_at.isoformat()}
                if appearance.source.published_at
                else {}
            ),
            "publisher": {"@type": "Organization", "name": appearance.source.outlet.name},
        }
        for appearance in claim.appearances.all()
    ]
    item = {"@type": "Claim", "author": _author(claim.claimant)}
    if claim.asserted_on:
        item["datePublished"] = claim.asserted_on.isoformat()
    if appearances:
        item["appearance"] = appearances
        item["firstAppearance"] = appearances[0]
    document = {
        "@type": "ClaimReview",
        "url": request.build_absolute_uri(claim.get_absolute_url()),
        "claimReviewed": claim.statement,
        "author": PUBLISHER,
        "datePublished": reviewed_at.date().isoformat(),
        "itemReviewed": item,
        "reviewRating": rating,
    }
    if assessment:
        document["reviewBody"] = assessment.rationale
    if context:
        document = {"@context": "https://schema.org", **document}
    return document


def claimreview_response(document: dict, request) -> JsonResponse:
    return JsonResponse(
        document, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False}
    )


# --- spreadsheets -------------------------------------------------------------
#
# Two tables: one row per claim, and the claims' quantities in long format (one row
# per quantity, joined to its claim by ``claim_id``). Cells are typed values (text,
# numbers, dates) that each format writes its own way.

CLAIM_COLUMNS = [
    "id",
    "statement",
    "claimant_id",
    "claimant",
    "status",
    "grade",
    "asserted_on",
    "period_start",
    "period_end",
    "first_reported_at",
    "source_count",
    "counter_claim_count",
    "places",
    "topics",
    "source_titles",
    "source_urls",
    "assessment_rationale",
    "assessed_at",
    "quantities",
    "url",
]

QUANTITY_COLUMNS = [
    "claim_id",
    "value",
    "value_max",
    "unit",
    "canonical_value",
    "canonical_value_max",
    "canonical_unit",
    "counted",
    "qualifier",
    "per",
    "text",
]

# Several values in one cell (places, topics, sources) are one per line.
LIST_SEPARATOR = "\n"


def _sources(claim: Claim) -> list:
    """The distinct sources reporting ``claim``, earliest published first."""
    seen: dict[int, object] = {}
    for appearance in claim.export_appearances:
        seen.setdefault(appearance.source_id, appearance.source)
    return list(seen.values())


def claim_rows(claims: Iterable[Claim], request) -> Iterator[list]:
    """One row per claim (from ``for_export()``), in ``CLAIM_COLUMNS`` order."""
    for claim in claims:
        assessment = claim.shown_assessment
        sources = _sources(claim)
        yield [
            claim.pk,
            claim.statement,
            claim.claimant_id,
            claim.claimant.name,
            claim.shown_status,
            claim.shown_grade,
            claim.asserted_on,
            claim.period_start,
            claim.period_end,
            claim.first_reported_at,
            claim.source_count,
            claim.counter_claim_count,
            LIST_SEPARATOR.join(place.name for place in claim.places.all()),
            LIST_SEPARATOR.join(topic.name for topic in claim.topics.all()),
            LIST_SEPARATOR.join(source.title for source in sources),
            LIST_SEPARATOR.join(source.url for source in sources if source.url),
            assessment.rationale if assessment else None,
            assessment.assessed_at if assessment else None,
            "; ".join(quantity.display for quantity in claim.quantities.all()),
            request.build_absolute_uri(claim.get_absolute_url()),
        ]


def quantity_rows(claims: Iterable[Claim]) -> Iterator[list]:
    """One row per quantity of ``claims`` (prefetched by ``for_list()``), in
    ``QUANTITY_COLUMNS`` order."""
    for claim in claims:
        for quantity in claim.quantities.all():
            yield [
                claim.pk,
                quantity.value,
                quantity.value_max,
                quantity.unit,
                quantity.canonical_value,
                quantity.canonical_value_max,
                quantity.canonical_unit,
                quantity.counted,
                quantity.qualifier,
                quantity.per,
                quantity.text,
            ]


def _cell(value) -> str:
    """A value as CSV text; text never reads as a formula in a spreadsheet (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, datetime.date):  # dates and date-times
        return value.isoformat()
    text = str(value)
    if isinstance(value, str) and text[:1] in FORMULA_STARTS:
        return f"'{text}"
    return text


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Spreadsheets read a CSV file as UTF-8 only when it starts with this byte-order
# mark; without it "km²" shows as "kmÂ²".
BOM = "\ufeff"


def csv_response(columns: list[str], rows: Iterable[list], filename: str) -> HttpResponse:
    """A CSV attachment, UTF-8 with a byte-order mark, a header row, then ``rows``."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(BOM)
    writer = csv.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return response


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_cell(sheet, value):
    """A value as an xlsx cell: numbers and dates typed, text always text, never a formula."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # Excel has no time zones: times are written in UTC (the README says so).
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # "=…" stays the text it is
        return cell
    return WriteOnlyCell(sheet, value=value)


def xlsx_response(tables: list[tuple[str, list[str], Iterable[list]]], filename: str):
    """An .xlsx attachment with one sheet per ``(title, columns, rows)`` table.

    openpyxl's write-only mode streams rows to the file instead of keeping a
    cell object for each in memory.
    """
    workbook = Workbook(write_only=True)
    for title, columns, rows in tables:
        sheet = workbook.create_sheet(title)
        sheet.append(columns)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
