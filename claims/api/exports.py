"""Claims as schema.org ClaimReview JSON-LD and as CSV.

ClaimReview follows Google's fact-check markup: ``claimReviewed``,
``reviewRating`` (with ``alternateName``), ``url`` and ``author`` are
required; ``itemReviewed`` names the claim's author and where it appeared.
The rating comes from ``VerificationStatus.claimreview_rating``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import HttpResponse, JsonResponse

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


CSV_COLUMNS = [
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
    "quantities",
    "url",
]


def _cell(value) -> str:
    """Text as a spreadsheet shows it, never as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(claims: Iterable[Claim], request) -> HttpResponse:
    """Claims from ``for_list()`` as CSV, one row per claim."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="claims.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for claim in claims:
        writer.writerow(
            [
                claim.pk,
                _cell(claim.statement),
                claim.claimant_id,
                _cell(claim.claimant.name),
                claim.shown_status,
                claim.shown_grade,
                claim.asserted_on or "",
                claim.period_start or "",
                claim.period_end or "",
                claim.first_reported_at.isoformat() if claim.first_reported_at else "",
                claim.source_count,
                claim.counter_claim_count,
                _cell("; ".join(q.display for q in claim.quantities.all())),
                request.build_absolute_uri(claim.get_absolute_url()),
            ]
        )
    return response
