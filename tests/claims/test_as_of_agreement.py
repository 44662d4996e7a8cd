"""On a past day, the pages, the API, the CSV export and the ClaimReview export say the same.

The worked example's article was published on 13 March 2025 at 07:00 UTC, its
relations recorded at 12:30 that day, and its claims assessed one by one from
09:00 on 14 March: as of the 12th nothing had been reported; on the morning of
the 13th every claim was reported, unassessed and unlinked; by 09:05 on the
14th six claims had been judged.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from claims.models import CLAIMREVIEW_RATINGS, VerificationStatus
from tests.helpers import assert_status

DAYS = ["2025-03-12", "2025-03-13T10:00:00Z", "2025-03-13", "2025-03-14T09:05:00Z"]


def page_rows(client, as_of: str) -> dict[int, tuple]:
    """Every claim of the claim list page as of ``as_of``, following its pages."""
    day = {"as_of": as_of} if as_of else {}  # today: no parameter (an empty one redirects)
    rows, query = {}, day
    while True:
        response = client.get(reverse("claims:claim_list"), query)
        assert_status(response, 200)
        for claim in response.context["claims"]:
            rows[claim.pk] = (claim.shown_status, claim.shown_grade, claim.counter_claim_count)
        cursor = response.context["page_obj"].next_cursor
        if not cursor:
            return rows
        query = {**day, "cursor": cursor}


def api_rows(client, as_of: str) -> dict[int, tuple]:
    response = client.get(reverse("claims-api:claim-list"), {"as_of": as_of, "page_size": 200})
    assert_status(response, 200)
    data = response.json()
    assert data["next"] is None
    return {
        row["id"]: (row["status"]["code"], row["grade"], row["counter_claim_count"])
        for row in data["results"]
    }


def csv_rows(client, as_of: str) -> dict[int, tuple]:
    response = client.get(reverse("claims-api:claim-csv"), {"as_of": as_of})
    assert_status(response, 200)
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    return {
        int(row["id"]): (row["status"], row["grade"], int(row["counter_claim_count"]))
        for row in reader
    }


def claimreview_ratings(client, as_of: str) -> dict[int, str]:
    """Claim id → the rating of its review, for the claims judged by then."""
    response = client.get(reverse("claims-api:claim-claimreview-list"), {"as_of": as_of})
    assert_status(response, 200)
    return {
        int(review["url"].rstrip("/").rsplit("/", 1)[1]): review["reviewRating"]["alternateName"]
        for review in response.json()["@graph"]
    }


@pytest.mark.parametrize("as_of", DAYS)
def test_pages_api_csv_and_claimreview_agree_on_a_past_day(client, seed, as_of):
    on_page = page_rows(client, as_of)

    assert api_rows(client, as_of) == on_page
    assert csv_rows(client, as_of) == on_page
    judged = {pk: status for pk, (status, grade, _) in on_page.items() if grade}
    assert claimreview_ratings(client, as_of) == {
        pk: CLAIMREVIEW_RATINGS[VerificationStatus(status)][1] for pk, status in judged.items()
    }
    for pk, (status, grade, counter_claims) in on_page.items():
        claim_page = client.get(reverse("claims:claim_detail", args=[pk]), {"as_of": as_of})
        assert_status(claim_page, 200)
        claim = claim_page.context["claim"]
        assert (claim.shown_status, claim.shown_grade, claim.counter_claim_count) == (
            status,
            grade,
            counter_claims,
        )
        # The claim in the API, complete: the same status and the same relations.
        detail = client.get(reverse("claims-api:claim-detail", args=[pk]), {"as_of": as_of})
        assert_status(detail, 200)
        assert detail.json()["status"]["code"] == status
        assert sorted(row["id"] for row in detail.json()["relations"]) == sorted(
            relation.pk for relation in claim.relations()
        )
        review = client.get(reverse("claims-api:claim-claimreview", args=[pk]), {"as_of": as_of})
        assert review.status_code == (200 if grade else 404)


def test_the_seed_days_differ_as_the_article_says(client, seed):
    """What the agreement above is about: each day shows a different knowledge base."""
    before = page_rows(client, "2025-03-12")
    morning = page_rows(client, "2025-03-13T10:00:00Z")
    evening = page_rows(client, "2025-03-13")
    judging = page_rows(client, "2025-03-14T09:05:00Z")
    today = page_rows(client, "")

    assert before == {}
    assert len(morning) == len(today) == 27
    assert {status for status, _, _ in morning.values()} == {"unverified"}
    assert sum(counter for _, _, counter in morning.values()) == 0
    assert sum(counter for _, _, counter in evening.values()) == 6  # 3 contradicts, both ends
    assert sum(1 for _, grade, _ in judging.values() if grade) == 6  # 09:00 to 09:05
    assert {status for status, _, _ in judging.values()} == {
        "verified",
        "disputed",
        "unverified",
        "unverifiable",
    }
