"""POST /api/v1/claims/claimreview/: editors bring in ClaimReview documents."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from claims.claimreview import SOURCE_SYSTEM
from claims.models import Claim
from tests.helpers import assert_status

pytestmark = pytest.mark.django_db

URL = "/api/v1/claims/claimreview/"
FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def post(client, document, content_type="application/ld+json"):
    return client.post(URL, json.dumps(document), content_type=content_type)


def test_an_editor_imports_a_data_feed_and_gets_a_summary(editor_client):
    response = post(editor_client, load("datafeed.json"))
    assert_status(response, 201)
    body = response.json()
    created = Claim.objects.filter(source_system=SOURCE_SYSTEM).order_by("pk")
    assert body == {
        "imported": 2,
        "skipped": 0,
        "refused": 0,
        "created": [claim.pk for claim in created],
        "reviews": [],
    }
    assert [claim.status for claim in created] == ["verified", "unverifiable"]


def test_sending_the_same_document_again_answers_200_and_skips_every_review(editor_client):
    assert_status(post(editor_client, load("list.json"), "application/json"), 201)
    response = post(editor_client, load("list.json"), "application/json")
    assert_status(response, 200)
    assert response.json() == {
        "imported": 0,
        "skipped": 2,
        "refused": 0,
        "created": [],
        "reviews": [],
    }


def test_refused_reviews_are_listed_while_the_others_are_written(editor_client):
    response = post(editor_client, load("malformed.json"))
    assert_status(response, 201)
    body = response.json()
    assert (body["imported"], body["refused"]) == (1, 4)
    rating = next(r for r in body["reviews"] if r["index"] == 2)
    assert rating == {
        "index": 2,
        "url": "https://bad.example/not-a-number",
        "errors": {"reviewRating.ratingValue": ["“ten” is not a number."]},
    }


def test_a_document_whose_every_review_is_refused_is_a_400_naming_each(editor_client):
    response = post(editor_client, load("malformed.json")[1:])
    assert_status(response, 400)
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"]["reviews.1.reviewRating.ratingValue"] == ["“ten” is not a number."]
    assert body["refused"] == 4 and len(body["reviews"]) == 4
    assert not Claim.objects.exists()


def test_a_document_without_reviews_is_a_400(editor_client):
    response = post(editor_client, {"@context": "https://schema.org", "@graph": []})
    assert_status(response, 400)
    assert response.json()["errors"] == {"reviews": ["The document holds no ClaimReview."]}


@pytest.mark.parametrize("who", ["client", "viewer_client", "analyst_client"])
def test_only_editors_may_import(who, request):
    response = post(request.getfixturevalue(who), load("minimal.json"))
    assert_status(response, 401 if who == "client" else 403)
    assert not Claim.objects.exists()


def many_reviews(count: int) -> list[dict]:
    """``count`` reviews of one claimant by one fact-checker, each with its own appearance."""
    reviews = []
    for n in range(count):
        review = copy.deepcopy(load("single.json"))
        review["url"] = f"https://factcheck.example/checks/{n}"
        review["itemReviewed"]["appearance"] = [f"https://tass.example/politics/{n}"]
        del review["itemReviewed"]["firstAppearance"]
        reviews.append(review)
    return reviews


def test_sending_reviews_already_imported_costs_the_same_at_any_size(
    editor_client, django_assert_max_num_queries
):
    assert_status(post(editor_client, many_reviews(20)), 201)
    # 1 session, 1 user, 2 permission checks (user and group permissions),
    # 1 lookup of every review's url
    for size in (1, 20):
        with django_assert_max_num_queries(5, info=f"{size} reviews"):
            response = post(editor_client, many_reviews(size))
        assert_status(response, 200)
        assert response.json()["skipped"] == size


def test_each_new_review_costs_a_bounded_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    """A new review is written through the services, one validated save each with its
    history row and savepoints (about 100 queries): the cost grows with the reviews
    written, never with the size of the knowledge base or the reviews skipped."""
    assert_status(post(editor_client, many_reviews(20)), 201)  # outlets, claimant, 20 claims
    # 5 as above + per review: outlets, claimant, role and source looked up (5); the
    # source ingested (10); the claim, its appearance and search document (30); the
    # assessment, the claim's status and their checks (20); savepoints (35).
    with django_assert_max_num_queries(5 + 110, info="1 new review"):
        response = post(editor_client, many_reviews(21)[-1:])
    assert_status(response, 201)
    with django_assert_max_num_queries(5 + 3 * 110, info="3 new reviews, 20 known"):
        response = post(editor_client, many_reviews(24)[-3:] + many_reviews(20))
    assert_status(response, 201)
    assert response.json()["skipped"] == 20
