"""Claims as schema.org ClaimReview JSON-LD, and as spreadsheets (CSV and xlsx).

ClaimReview follows Google's fact-check markup: ``claimReviewed``,
``reviewRating`` (with ``alternateName``), ``url`` and ``author`` are
required; ``itemReviewed`` names the claim's author (with the role held on
the day and ``sameAs`` from the Wikidata id), the places it is about, and
where it appeared. A review says what someone found, so a claim never
assessed (or not yet assessed on the ``as_of`` day) has none, as Google's
guidance asks; ``claimreview`` answers None for it.

A claim's review is the one behind the status it is shown with:

* claimsbase's own judgement: published by the organisation of
  ``settings.CLAIMREVIEW_PUBLISHER`` at the claim's page, rated by
  ``VerificationStatus.claimreview_rating``;
* a fact-checker's review brought in by ``claims.claimreview``: published by
  that fact-checker at its own URL, with its rating and every property kept
  on the assessment given back as they came.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from claims.claimreview import work_key
from claims.models import Actor, Assessment, Claim


def publisher() -> dict:
    """The organisation publishing claimsbase's own reviews, from settings."""
    configured = settings.CLAIMREVIEW_PUBLISHER
    organisation = {"@type": "Organization", "name": configured["name"]}
    for name in ("url", "logo"):
        if configured.get(name):
            organisation[name] = configured[name]
    return organisation


def _one_or_many(values: list):
    values = list(dict.fromkeys(values))
    return values[0] if len(values) == 1 else values


def _claimant(claim: Claim, kept: dict) -> dict:
    """The claim's author: kind, name, the role held on the day, and its external identifiers."""
    actor: Actor = claim.claimant
    kept = dict(kept)
    author = {
        "@type": kept.pop("@type", "Person" if actor.kind == Actor.Kind.PERSON else "Organization"),
        "name": actor.name,
    }
    role = actor.role_on(claim.asserted_on)
    title = kept.pop("jobTitle", "") or (role.title if role else "")
    if title:
        author["jobTitle"] = title
    same_as = [url for url in [actor.wikidata_url, *kept.pop("sameAs", [])] if url]
    if same_as:
        author["sameAs"] = _one_or_many(same_as)
    return {**author, **kept}


def _work_key(source) -> str:
    return work_key(source.normalized_url, source.outlet.name, source.title)


def _appearance(appearance, kept: dict) -> dict:
    source = appearance.source
    kept = dict(kept.get(_work_key(source), {}))
    work = {"@type": kept.pop("@type", "CreativeWork")}
    if source.title and source.title != source.url:  # a source known by its URL alone
        work["headline"] = source.title
    if source.url:
        work["url"] = source.url
    if source.published_at:
        work["datePublished"] = source.published_at.isoformat()
    work["publisher"] = {
        "@type": "Organization",
        "name": source.outlet.name,
        **kept.pop("publisher", {}),
    }
    return {**work, **kept}


def _place(place) -> dict:
    node = {"@type": "Place", "name": place.name}
    if place.wikidata_id:
        node["sameAs"] = place.wikidata_url
    return node


def _rating(assessment: Assessment) -> dict:
    rating_value, rating_name = assessment.status_choice.claimreview_rating
    rating = {"@type": "Rating", "alternateName": rating_name}
    if rating_value is not None:
        rating.update(ratingValue=rating_value, bestRating=5, worstRating=1)
    return rating


def claimreview(claim: Claim, request, *, context: bool = True) -> dict | None:
    """One claim (from ``for_detail()``) as a ClaimReview; None when it was never assessed."""
    assessment = claim.shown_assessment
    if assessment is None:
        return None
    kept = (assessment.review or {}) if assessment.outlet_id else {}
    item_kept = dict(kept.get("itemReviewed", {}))
    appearances = [
        (_work_key(appearance.source), _appearance(appearance, kept.get("appearances", {})))
        for appearance in claim.shown_appearances()
    ]
    item = {"@type": "Claim", "author": _claimant(claim, kept.get("claimant", {}))}
    if claim.asserted_on:
        item["datePublished"] = claim.asserted_on.isoformat()
    if appearances:
        item["appearance"] = [work for _, work in appearances]
        # The earliest, unless the imported review named another (by its URL).
        named = kept.get("firstAppearance")
        first = next((work for key, work in appearances if named and key == named), None)
        item["firstAppearance"] = first or item["appearance"][0]
    places = [_place(place) for place in claim.places.all()]
    places += item_kept.pop("spatialCoverage", [])
    if places:
        item["spatialCoverage"] = places
    item.update(item_kept)

    if kept:
        author = dict(kept.get("author", {}))
        author = {
            "@type": author.pop("@type", "Organization"),
            "name": assessment.outlet.name,
            **author,
        }
        url, rating = kept["url"], kept["reviewRating"]
    else:
        author = publisher()
        url = request.build_absolute_uri(claim.get_absolute_url())
        rating = _rating(assessment)
    document = {
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.statement,
        "author": author,
        "datePublished": assessment.assessed_at.date().isoformat(),
        "itemReviewed": item,
        "reviewRating": rating,
    }
    if kept.get("reviewBody", True):
        document["reviewBody"] = assessment.rationale
    document.update(kept.get("properties", {}))
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
    moment = getattr(claim, "as_of_moment", None)
    for appearance in claim.export_appearances:
        if moment is not None and not appearance.reported_by(moment):
            continue  # as of a past day, the sources that had reported it by then
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
