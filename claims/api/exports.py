"""Claims as schema.org ClaimReview JSON-LD and as CSV.

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
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpResponse, JsonResponse

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
        for appearance in claim.appearances.all()
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
