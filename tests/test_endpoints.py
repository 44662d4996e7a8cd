"""Every API endpoint, for every role: who may, who may not, and what a list costs.

One table drives the checks (the endpoint table of STYLE.md §5). Reads are
open to everyone unless reading is closed; writes need the role named in the
table. Each list endpoint's query budget holds at 1 and at 50 rows, each row
with many related rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client

from claims.services import claim_assess
from tests.factories import (
    ActorFactory,
    AppearanceFactory,
    AssessmentFactory,
    AttributionStepFactory,
    ClaimFactory,
    ClaimRelationFactory,
    EvidenceFactory,
    ExcerptFactory,
    OutletFactory,
    PlaceFactory,
    QuantityFactory,
    SourceFactory,
    TopicFactory,
)
from tests.helpers import assert_status

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "nobody", "viewer", "analyst", "editor"]
READERS = set(ROLES)
ANALYSTS = {"analyst", "editor"}
EDITORS = {"editor"}


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


@dataclass
class Endpoint:
    name: str
    method: str
    url: Callable[[dict], str]
    allowed: set[str]
    ok: int
    data: Callable[[dict], dict] | None = None
    # The version a write names in If-Match, where the endpoint's record is not the URL's own.
    if_match: Callable[[dict], str] | None = None


def world() -> dict:
    claim = ClaimFactory()
    other = ClaimFactory()
    source = SourceFactory()
    return {
        "claim": claim,
        "other": other,
        "actor": ActorFactory(),
        "place": PlaceFactory(),
        "topic": TopicFactory(),
        "outlet": OutletFactory(),
        "empty_outlet": OutletFactory(),
        "source": source,
        "relation": ClaimRelationFactory(kind="supports"),
        "assessment": AssessmentFactory(claim=claim),
        "evidence": EvidenceFactory(claim=claim),
        "appearance": AppearanceFactory(claim=claim),
    }


ENDPOINTS = [
    # claims
    Endpoint("claim list", "get", lambda w: "/api/v1/claims/", READERS, 200),
    Endpoint("claim detail", "get", lambda w: f"/api/v1/claims/{w['claim'].pk}/", READERS, 200),
    Endpoint(
        "claim create",
        "post",
        lambda w: "/api/v1/claims/",
        EDITORS,
        201,
        lambda w: {"statement": "New claim.", "claimant": w["actor"].pk},
    ),
    Endpoint(
        "claim edit",
        "patch",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/",
        EDITORS,
        200,
        lambda w: {"notes": "Checked the translation."},
    ),
    Endpoint("claim delete", "delete", lambda w: f"/api/v1/claims/{w['other'].pk}/", EDITORS, 204),
    Endpoint(
        "claim assessments",
        "get",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/assessments/",
        READERS,
        200,
    ),
    Endpoint(
        "claim assess",
        "post",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/assessments/",
        ANALYSTS,
        201,
        lambda w: {"status": "disputed", "rationale": "Only one side reports it."},
    ),
    Endpoint(
        "claim appearances",
        "get",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/appearances/",
        READERS,
        200,
    ),
    Endpoint(
        "claim appearance add",
        "post",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/appearances/",
        EDITORS,
        201,
        lambda w: {
            "source": w["source"].pk,
            "exact": "regained control of 24 settlements",
            "chain": [{"actor": w["actor"].pk, "fidelity": "original"}],
        },
    ),
    Endpoint(
        "claim appearance remove",
        "delete",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/appearances/{w['appearance'].pk}/",
        EDITORS,
        204,
        if_match=lambda w: f'"{w["appearance"].version}"',
    ),
    Endpoint(
        "claim relate",
        "post",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/relations/",
        ANALYSTS,
        201,
        lambda w: {"to_claim": w["other"].pk, "kind": "contradicts"},
    ),
    Endpoint(
        "claim merge",
        "post",
        lambda w: f"/api/v1/claims/{w['other'].pk}/merge/",
        EDITORS,
        200,
        lambda w: {"into": w["claim"].pk},
    ),
    Endpoint(
        "claim claimreview",
        "get",
        lambda w: f"/api/v1/claims/{w['claim'].pk}/claimreview/",
        READERS,
        200,
    ),
    Endpoint("claims claimreview", "get", lambda w: "/api/v1/claims/claimreview/", READERS, 200),
    Endpoint("api root", "get", lambda w: "/api/v1/", READERS, 200),
    Endpoint(
        "claims claimreview import",
        "post",
        lambda w: "/api/v1/claims/claimreview/",
        EDITORS,
        201,
        lambda w: {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": "https://factcheck.example/checks/1",
            "claimReviewed": "The bridge was destroyed.",
            "author": {"@type": "Organization", "name": "FactCheck Example"},
            "reviewRating": {"@type": "Rating", "alternateName": "False"},
        },
    ),
    Endpoint("claims csv", "get", lambda w: "/api/v1/claims/csv/", READERS, 200),
    Endpoint(
        "claims quantities csv", "get", lambda w: "/api/v1/claims/quantities/csv/", READERS, 200
    ),
    Endpoint("claims xlsx", "get", lambda w: "/api/v1/claims/xlsx/", READERS, 200),
    Endpoint(
        "claims import",
        "post",
        lambda w: "/api/v1/claims/import/",
        EDITORS,
        201,
        lambda w: {"claims": [{"statement": "Imported claim.", "claimant": w["actor"].pk}]},
    ),
    # actors, places, topics
    Endpoint("actor list", "get", lambda w: "/api/v1/actors/", READERS, 200),
    Endpoint("actor detail", "get", lambda w: f"/api/v1/actors/{w['actor'].pk}/", READERS, 200),
    Endpoint(
        "actor create",
        "post",
        lambda w: "/api/v1/actors/",
        EDITORS,
        201,
        lambda w: {"name": "Oleksandr Syrskyi", "kind": "person"},
    ),
    Endpoint(
        "actor edit",
        "patch",
        lambda w: f"/api/v1/actors/{w['actor'].pk}/",
        EDITORS,
        200,
        lambda w: {"description": "Commander-in-Chief."},
    ),
    Endpoint("actor delete", "delete", lambda w: f"/api/v1/actors/{w['actor'].pk}/", EDITORS, 204),
    Endpoint("place list", "get", lambda w: "/api/v1/places/", READERS, 200),
    Endpoint("place detail", "get", lambda w: f"/api/v1/places/{w['place'].pk}/", READERS, 200),
    Endpoint(
        "place create",
        "post",
        lambda w: "/api/v1/places/",
        EDITORS,
        201,
        lambda w: {"name": "Sudzha", "kind": "settlement", "parent": w["place"].pk},
    ),
    Endpoint(
        "place edit",
        "put",
        lambda w: f"/api/v1/places/{w['place'].pk}/",
        EDITORS,
        200,
        lambda w: {"name": "Kursk Oblast", "kind": "region"},
    ),
    Endpoint("place delete", "delete", lambda w: f"/api/v1/places/{w['place'].pk}/", EDITORS, 204),
    Endpoint("topic list", "get", lambda w: "/api/v1/topics/", READERS, 200),
    Endpoint("topic detail", "get", lambda w: f"/api/v1/topics/{w['topic'].pk}/", READERS, 200),
    Endpoint(
        "topic create",
        "post",
        lambda w: "/api/v1/topics/",
        EDITORS,
        201,
        lambda w: {"name": "Jeddah ceasefire talks"},
    ),
    Endpoint(
        "topic edit",
        "patch",
        lambda w: f"/api/v1/topics/{w['topic'].pk}/",
        EDITORS,
        200,
        lambda w: {"description": "Talks in Saudi Arabia."},
    ),
    Endpoint("topic delete", "delete", lambda w: f"/api/v1/topics/{w['topic'].pk}/", EDITORS, 204),
    # relations, assessments, evidence
    Endpoint("relation list", "get", lambda w: "/api/v1/relations/", READERS, 200),
    Endpoint(
        "relation detail", "get", lambda w: f"/api/v1/relations/{w['relation'].pk}/", READERS, 200
    ),
    Endpoint(
        "relation create",
        "post",
        lambda w: "/api/v1/relations/",
        ANALYSTS,
        201,
        lambda w: {"from_claim": w["other"].pk, "to_claim": w["claim"].pk, "kind": "responds_to"},
    ),
    Endpoint(
        "relation edit",
        "patch",
        lambda w: f"/api/v1/relations/{w['relation'].pk}/",
        ANALYSTS,
        200,
        lambda w: {"note": "Same briefing."},
    ),
    Endpoint(
        "relation delete",
        "delete",
        lambda w: f"/api/v1/relations/{w['relation'].pk}/",
        ANALYSTS,
        204,
    ),
    Endpoint("assessment list", "get", lambda w: "/api/v1/assessments/", READERS, 200),
    Endpoint(
        "assessment detail",
        "get",
        lambda w: f"/api/v1/assessments/{w['assessment'].pk}/",
        READERS,
        200,
    ),
    Endpoint(
        "assessment create",
        "post",
        lambda w: "/api/v1/assessments/",
        ANALYSTS,
        201,
        lambda w: {"claim": w["claim"].pk, "status": "verified", "rationale": "Confirmed."},
    ),
    Endpoint("evidence list", "get", lambda w: "/api/v1/evidence/", READERS, 200),
    Endpoint(
        "evidence detail", "get", lambda w: f"/api/v1/evidence/{w['evidence'].pk}/", READERS, 200
    ),
    Endpoint(
        "evidence create",
        "post",
        lambda w: "/api/v1/evidence/",
        ANALYSTS,
        201,
        lambda w: {"claim": w["claim"].pk, "stance": "refutes", "url": "https://example.org/x"},
    ),
    Endpoint(
        "evidence edit",
        "patch",
        lambda w: f"/api/v1/evidence/{w['evidence'].pk}/",
        ANALYSTS,
        200,
        lambda w: {"note": "Satellite images."},
    ),
    Endpoint(
        "evidence delete",
        "delete",
        lambda w: f"/api/v1/evidence/{w['evidence'].pk}/",
        ANALYSTS,
        204,
    ),
    # outlets and sources
    Endpoint("outlet list", "get", lambda w: "/api/v1/outlets/", READERS, 200),
    Endpoint("outlet detail", "get", lambda w: f"/api/v1/outlets/{w['outlet'].pk}/", READERS, 200),
    Endpoint(
        "outlet create",
        "post",
        lambda w: "/api/v1/outlets/",
        EDITORS,
        201,
        lambda w: {"name": "TASS", "kind": "news_agency", "reliability": "D"},
    ),
    Endpoint(
        "outlet edit",
        "put",
        lambda w: f"/api/v1/outlets/{w['outlet'].pk}/",
        EDITORS,
        200,
        lambda w: {"name": "TASS", "kind": "news_agency", "reliability": "D"},
    ),
    Endpoint(
        "outlet delete",
        "delete",
        lambda w: f"/api/v1/outlets/{w['empty_outlet'].pk}/",
        EDITORS,
        204,
    ),
    Endpoint("source list", "get", lambda w: "/api/v1/sources/", READERS, 200),
    Endpoint("source detail", "get", lambda w: f"/api/v1/sources/{w['source'].pk}/", READERS, 200),
    Endpoint(
        "source create",
        "post",
        lambda w: "/api/v1/sources/",
        EDITORS,
        201,
        lambda w: {"outlet": w["outlet"].pk, "title": "A report", "body": "Forces advanced."},
    ),
    Endpoint(
        "source edit",
        "patch",
        lambda w: f"/api/v1/sources/{w['source'].pk}/",
        EDITORS,
        200,
        lambda w: {"title": "Corrected headline"},
    ),
    Endpoint(
        "source delete", "delete", lambda w: f"/api/v1/sources/{w['source'].pk}/", EDITORS, 204
    ),
    Endpoint(
        "source excerpt",
        "post",
        lambda w: f"/api/v1/sources/{w['source'].pk}/excerpts/",
        EDITORS,
        201,
        lambda w: {"exact": "regained control of 24 settlements"},
    ),
]


def client_for(role: str, request) -> Client:
    if role == "anonymous":
        return Client()
    user = request.getfixturevalue(role)
    client = Client()
    client.force_login(user)
    return client


EDITS = ("put", "patch", "delete")


def current_etag(url: str) -> str:
    """The ETag a GET of the record answers, as a client sends it back in If-Match."""
    response = Client().get(url)
    assert_status(response, 200)
    return response["ETag"]


CURRENT = "current"


def call(client: Client, endpoint: Endpoint, w: dict, *, if_match: str | None = CURRENT):
    """Send the endpoint's request; edits and deletes carry the record's ETag unless told not.

    ``if_match`` is the header to send instead, or None to send none.
    """
    method = getattr(client, endpoint.method)
    url = endpoint.url(w)
    headers = {}
    if endpoint.method in EDITS and if_match is not None:
        # A sub-resource that has no GET of its own names its version itself.
        current = endpoint.if_match(w) if endpoint.if_match else None
        headers["If-Match"] = (current or current_etag(url)) if if_match == CURRENT else if_match
    if endpoint.data is None:
        return method(url, headers=headers)
    return method(url, endpoint.data(w), content_type="application/json", headers=headers)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_endpoint_allows_and_refuses_by_role(endpoint, role, request):
    w = world()
    response = call(client_for(role, request), endpoint, w)
    if role in endpoint.allowed:
        assert_status(response, endpoint.ok)
    else:
        assert_status(response, 401 if role == "anonymous" else 403)
        body = response.json()
        assert set(body) == {"status", "code", "detail", "errors"}


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.method in EDITS], ids=lambda e: e.name
)
def test_an_edit_or_delete_without_if_match_is_a_428_and_changes_nothing(endpoint, request):
    w = world()
    url = endpoint.url(w)
    before = Client().get(url).json()
    client = client_for(sorted(endpoint.allowed)[0], request)

    response = call(client, endpoint, w, if_match=None)

    assert_status(response, 428)
    body = response.json()
    assert set(body) == {"status", "code", "detail", "errors"}
    assert (body["status"], body["code"]) == (428, "precondition_required")
    assert "If-Match" in body["detail"] and "ETag" in body["detail"]
    assert Client().get(url).json() == before


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.method in EDITS], ids=lambda e: e.name
)
def test_if_match_star_names_no_version_and_is_a_428(endpoint, request):
    w = world()
    client = client_for(sorted(endpoint.allowed)[0], request)
    assert_status(call(client, endpoint, w, if_match="*"), 428)


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.method == "get"], ids=lambda e: e.name
)
def test_reading_closed_refuses_anonymous_but_not_viewers(endpoint, read_closed, request):
    w = world()
    assert_status(call(Client(), endpoint, w), 401)
    assert_status(call(client_for("viewer", request), endpoint, w), 200)


# --- query budgets -----------------------------------------------------------


def rich_claims(n: int) -> None:
    """``n`` claims, each with many related rows of every kind the list shows."""
    topic, place = TopicFactory(), PlaceFactory()
    for _ in range(n):
        claim = ClaimFactory(
            topics=[topic], places=[place, PlaceFactory()], actors=[ActorFactory()]
        )
        for value in (24, 259, 430):
            QuantityFactory(claim=claim, value=value)
        for _ in range(2):
            appearance = AppearanceFactory(claim=claim)
            for position in range(3):
                AttributionStepFactory(appearance=appearance, position=position)
        ClaimRelationFactory(from_claim=claim)
        ClaimRelationFactory(to_claim=claim, kind="supports")
        claim_assess(claim=claim, by=None, status="in_review", rationale="Open.")
        claim_assess(
            claim=claim,
            by=None,
            status="disputed",
            rationale="Contested.",
            evidence=[{"stance": "refutes", "excerpt": ExcerptFactory()} for _ in range(2)],
        )
        EvidenceFactory(claim=claim)


# Claim list (anonymous, read open), at any size: 1 claims page (claimant joined,
# counts as subqueries), 1 quantities, 1 latest assessments (+ assessor).
CLAIM_LIST_QUERIES = 3
# Every claim complete (the ClaimReview export), at any size:
#   1 claims page (claimant joined, counts as subqueries)
#   1 quantities, 1 appearances (+ source, outlet, excerpt), 1 chains (+ actor, outlet, source)
#   1 relations out, 1 relations in (+ other claim and claimant)
#   1 assessments, 1 their evidence, 1 evidence, 1 actors, 1 places, 1 topics
#   1 claimant roles
CLAIMS_COMPLETE_QUERIES = 14

LIST_BUDGETS = [
    ("/api/v1/claims/", CLAIM_LIST_QUERIES),
    # 1 page + 1 aliases
    ("/api/v1/actors/", 2),
    # natural key: 1 page (name or alias matched in subqueries) + 1 aliases
    ("/api/v1/actors/?name=Actor+1", 2),
    # 1 page + 1 aliases
    ("/api/v1/places/", 2),
    ("/api/v1/places/?name=Place+1", 2),
    # 1 page with claim counts as subqueries
    ("/api/v1/topics/", 1),
    # 1 page with both claims and claimants joined
    ("/api/v1/relations/", 1),
    # 1 page with claim and user joined + 1 evidence (+ source, excerpt)
    ("/api/v1/assessments/", 2),
    # 1 page with source, excerpt and user joined
    ("/api/v1/evidence/", 1),
    # 1 page with source counts
    ("/api/v1/outlets/", 1),
    # 1 page with outlet joined and excerpt counts
    ("/api/v1/sources/", 1),
    ("/api/v1/sources/?url=https://news.example/articles/1", 1),
    ("/api/v1/claims/?external_id=m-1&source_system=monitor", CLAIM_LIST_QUERIES),
    # exports: 1 filtered rows + the prefetches of every claim complete
    ("/api/v1/claims/claimreview/", CLAIMS_COMPLETE_QUERIES),
    # 1 rows + 1 quantities + 1 latest assessments + 1 places + 1 topics
    # + 1 appearances (+ source)
    ("/api/v1/claims/csv/", 6),
    # 1 rows + 1 quantities + 1 latest assessments
    ("/api/v1/claims/quantities/csv/", 3),
    # the claims' CSV queries, read once for both sheets
    ("/api/v1/claims/xlsx/", 6),
    # no query: names and addresses only
    ("/api/v1/", 0),
]


def test_claim_appearances_query_budget_holds_at_any_size(client, django_assert_max_num_queries):
    """1 claim + 1 appearances (source, outlet and excerpt joined) + 1 chains (+ whom they name)."""
    claim = ClaimFactory()
    for size in (1, 20):
        while claim.appearances.count() < size:
            appearance = AppearanceFactory(claim=claim)
            for position in range(3):
                AttributionStepFactory(appearance=appearance, position=position)
        with django_assert_max_num_queries(3, info=size):
            response = client.get(f"/api/v1/claims/{claim.pk}/appearances/")
        assert_status(response, 200)
        assert len(response.json()) == size


@pytest.mark.parametrize(("url", "budget"), LIST_BUDGETS, ids=[u for u, _ in LIST_BUDGETS])
def test_list_query_budget_at_one_row(url, budget, client, django_assert_max_num_queries):
    rich_claims(1)
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert_status(response, 200)


def test_list_query_budgets_hold_at_fifty_rows(client, django_assert_max_num_queries):
    """The same budgets at 50 rich rows; the rows are built once for every list (it is slow)."""
    rich_claims(50)
    for url, budget in LIST_BUDGETS:
        with django_assert_max_num_queries(budget, info=url):
            response = client.get(url)
        assert_status(response, 200)
