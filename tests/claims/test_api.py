"""The claims API as a script sees it: shapes, writes through services, versions, errors."""

from __future__ import annotations

import csv
import datetime
import io
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client

from claims.models import Appearance, Claim, ClaimRelation, Quantity, VerificationStatus
from claims.services import claim_assess
from sources.models import Excerpt
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    AppearanceFactory,
    AttributionStepFactory,
    ClaimFactory,
    ClaimRelationFactory,
    OutletFactory,
    PlaceAliasFactory,
    PlaceFactory,
    QuantityFactory,
    SourceFactory,
    TopicFactory,
)
from tests.helpers import assert_status, ids

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", headers=headers)


# The If-Match of a record never edited since it was made.
CURRENT = {"If-Match": '"1"'}
# Assessing a claim saves its new status: a second version.
CURRENT_AFTER_ASSESS = {"If-Match": '"2"'}


def patch(client, url, data, **headers):
    return client.patch(url, data, content_type="application/json", headers=headers)


def test_claim_representation_is_complete_on_its_own(client):
    gerasimov = ActorFactory(name="Valery Gerasimov", reliability="D")
    putin = ActorFactory(name="Vladimir Putin")
    kursk = PlaceFactory(name="Kursk Oblast", kind="region")
    topic = TopicFactory(name="Kursk incursion")
    claim = ClaimFactory(
        claimant=gerasimov,
        statement="Russian forces regained 24 settlements and 259 km² in the Kursk region.",
        asserted_on=datetime.date(2025, 3, 12),
        period_start=datetime.date(2025, 3, 1),
        period_end=datetime.date(2025, 3, 12),
        actors=[putin],
        places=[kursk],
        topics=[topic],
    )
    settlements = QuantityFactory(claim=claim, value=24, counted="settlements regained")
    area = QuantityFactory(claim=claim, value=259, unit="square kilometers", counted="territory")
    tass = OutletFactory(name="TASS", reliability="D")
    novinite = OutletFactory(name="novinite.com", reliability="C")
    appearance = AppearanceFactory(claim=claim, source=SourceFactory(outlet=novinite))
    first = AttributionStepFactory(appearance=appearance, position=0, actor=gerasimov)
    second = AttributionStepFactory(
        appearance=appearance, position=1, actor=None, outlet=tass, fidelity="paraphrase"
    )
    counter = ClaimFactory(statement="Battles continue in and around Sudzha.")
    relation = ClaimRelationFactory(from_claim=counter, to_claim=claim, kind="contradicts")
    assessment = claim_assess(
        claim=claim, by=None, status="disputed", rationale="No independent confirmation."
    )
    claim.refresh_from_db()

    response = client.get(f"/api/v1/claims/{claim.pk}/")

    assert_status(response, 200)
    assert response["ETag"] == f'"{claim.version}"'
    body = response.json()
    source = appearance.source
    excerpt = appearance.excerpt
    assert body == {
        "id": claim.pk,
        "statement": claim.statement,
        "claimant": {"id": gerasimov.pk, "name": "Valery Gerasimov"},
        "status": {"code": "disputed", "label": "Disputed"},
        "asserted_on": "2025-03-12",
        "period": {"start": "2025-03-01", "end": "2025-03-12"},
        "first_reported_at": body["first_reported_at"],
        "quantities": [
            {
                "id": settlements.pk,
                "value": "24.000000",
                "value_max": None,
                "unit": "",
                "canonical_value": "24.000000",
                "canonical_value_max": None,
                "canonical_unit": "",
                "counted": "settlements regained",
                "qualifier": "exactly",
                "per": "",
                "text": "",
                "display": "24 settlements regained",
            },
            {
                "id": area.pk,
                "value": "259.000000",
                "value_max": None,
                "unit": "square kilometers",
                "canonical_value": "259.000000",
                "canonical_value_max": None,
                "canonical_unit": "km²",
                "counted": "territory",
                "qualifier": "exactly",
                "per": "",
                "text": "",
                "display": "259 km² territory",
            },
        ],
        "appearances": [
            {
                "id": appearance.pk,
                "source": {
                    "id": source.pk,
                    "title": source.title,
                    "url": source.url,
                    "published_at": body["appearances"][0]["source"]["published_at"],
                    "outlet": {
                        "id": novinite.pk,
                        "name": "novinite.com",
                        "domain": novinite.domain,
                        "reliability": "C",
                        "state_affiliated": False,
                    },
                },
                "excerpt": {
                    "id": excerpt.pk,
                    "start": 0,
                    "end": excerpt.end,
                    "exact": excerpt.exact,
                    "prefix": "",
                    "suffix": excerpt.suffix,
                    "anchor": "anchored",
                    "version": 1,
                },
                "chain": [
                    {
                        "position": 0,
                        "actor": {"id": gerasimov.pk, "name": "Valery Gerasimov"},
                        "outlet": None,
                        "source": None,
                        "label": "",
                        "fidelity": {"code": "paraphrase", "label": "Paraphrase"},
                    },
                    {
                        "position": 1,
                        "actor": None,
                        "outlet": {
                            "id": tass.pk,
                            "name": "TASS",
                            "domain": tass.domain,
                            "reliability": "D",
                            "state_affiliated": False,
                        },
                        "source": None,
                        "label": "",
                        "fidelity": {"code": "paraphrase", "label": "Paraphrase"},
                    },
                ],
                "note": "",
                "version": appearance.version,
            }
        ],
        "actors": [{"id": putin.pk, "name": "Vladimir Putin"}],
        "places": [{"id": kursk.pk, "name": "Kursk Oblast", "kind": "region"}],
        "topics": [{"id": topic.pk, "name": "Kursk incursion"}],
        "relations": [
            {
                "id": relation.pk,
                "kind": "contradicts",
                "label": "contradicted by",
                "direction": "incoming",
                "other": {
                    "id": counter.pk,
                    "statement": counter.statement,
                    "claimant": {"id": counter.claimant.pk, "name": counter.claimant.name},
                    "asserted_on": "2025-03-12",
                    "status": {"code": "unverified", "label": "Unverified"},
                },
                "note": "",
            }
        ],
        "latest_assessment": {
            "id": assessment.pk,
            "claim": claim.pk,
            "status": {"code": "disputed", "label": "Disputed"},
            "credibility": 6,
            "reliability": "D",
            "grade": "D6",
            "rationale": "No independent confirmation.",
            "assessed_by": None,
            "assessed_at": body["latest_assessment"]["assessed_at"],
            "evidence": [],
        },
        "source_count": 1,
        "counter_claim_count": 1,
        "merged_into": None,
        "notes": "",
        "external_id": "",
        "source_system": "",
        "version": claim.version,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert [step["position"] for step in body["appearances"][0]["chain"]] == [
        first.position,
        second.position,
    ]


def test_relation_reads_with_the_right_wording_from_each_side(client):
    relation = ClaimRelationFactory(kind="supports")
    from_side = client.get(f"/api/v1/claims/{relation.from_claim_id}/").json()["relations"]
    to_side = client.get(f"/api/v1/claims/{relation.to_claim_id}/").json()["relations"]
    assert [(r["label"], r["other"]["id"]) for r in from_side] == [
        ("supports", relation.to_claim_id)
    ]
    assert [(r["label"], r["other"]["id"]) for r in to_side] == [
        ("supported by", relation.from_claim_id)
    ]


def test_list_leaves_out_merged_claims_and_pages_by_cursor(client):
    claims = ClaimFactory.create_batch(6)
    claims[0].merged_into = claims[1]
    claims[0].save()
    first = client.get("/api/v1/claims/?page_size=2")
    assert_status(first, 200)
    second = client.get(first.json()["next"])
    third = client.get(second.json()["next"])
    seen = ids(first) + ids(second) + ids(third)
    assert sorted(seen) == sorted(c.pk for c in claims[1:])
    assert third.json()["next"] is None


@pytest.mark.parametrize(
    "size, message",
    [
        ("0", "Give a whole number of at least 1."),
        ("-1", "Give a whole number of at least 1."),
        ("ten", "Give a whole number of at least 1."),
        ("", "Give a value, or leave the parameter out."),
    ],
)
def test_page_size_that_is_not_a_positive_number_is_a_400(client, size, message):
    response = client.get(f"/api/v1/claims/?page_size={size}")
    assert_status(response, 400)
    assert response.json()["errors"] == {"page_size": [message]}


def test_text_and_yes_no_fields_take_their_json_type_only(editor_client):
    response = post(editor_client, "/api/v1/actors/", {"name": 12, "kind": "person"})
    assert_status(response, 400)
    assert response.json()["errors"] == {"name": ["Not a valid string."]}
    response = post(
        editor_client,
        "/api/v1/outlets/",
        {"name": "TASS", "kind": "news_agency", "state_affiliated": 1},
    )
    assert_status(response, 400)
    assert set(response.json()["errors"]) == {"state_affiliated"}


def test_a_misspelt_field_is_refused_not_ignored(editor_client):
    claim = ClaimFactory(notes="")
    response = patch(
        editor_client, f"/api/v1/claims/{claim.pk}/", {"notse": "Checked."}, **{"If-Match": '"1"'}
    )
    assert_status(response, 400)
    assert response.json()["errors"] == {"notse": ["Unknown field."]}
    payload = claim_payload()
    payload["quantities"][0]["units"] = "km2"
    response = post(editor_client, "/api/v1/claims/", payload)
    assert_status(response, 400)
    assert response.json()["errors"] == {"quantities.0.units": ["Unknown field."]}


def test_page_size_is_capped(client):
    ClaimFactory.create_batch(3)
    response = client.get("/api/v1/claims/?page_size=100000")
    assert_status(response, 200)
    assert len(response.json()["results"]) == 3


def test_list_filters_by_place_containment_and_status(client):
    kursk = PlaceFactory(name="Kursk Oblast")
    sudzha = PlaceFactory(name="Sudzha", parent=kursk)
    disputed = ClaimFactory(places=[sudzha])
    claim_assess(claim=disputed, by=None, status="disputed", rationale="Contested.")
    ClaimFactory(places=[sudzha])
    ClaimFactory()
    response = client.get(f"/api/v1/claims/?place={kursk.pk}&status=disputed&status=false")
    assert_status(response, 200)
    assert ids(response) == [disputed.pk]


def test_claim_list_rows_are_lean_and_link_to_the_complete_claim(seed, client):
    response = client.get("/api/v1/claims/", {"q": "24 settlements"})
    assert_status(response, 200)
    row = response.json()["results"][0]
    assert set(row) == {
        "id", "url", "statement", "claimant", "status", "grade", "asserted_on", "period",
        "first_reported_at", "quantities", "latest_assessment", "appearance_count",
        "source_count", "counter_claim_count", "version", "updated_at",
    }  # fmt: skip
    assert row["grade"] == "D3"
    assert "km²" in {quantity["canonical_unit"] for quantity in row["quantities"]}
    assert "evidence" not in row["latest_assessment"]
    complete = client.get(row["url"]).json()
    assert complete["statement"] == row["statement"]
    assert complete["appearances"] and complete["relations"]


def test_as_of_shows_the_status_a_claim_had_then(client):
    claim = ClaimFactory(asserted_on=datetime.date(2025, 3, 1))
    earlier = datetime.datetime(2025, 3, 5, 12, tzinfo=datetime.UTC)
    claim_assess(claim=claim, by=None, status="in_review", rationale="Open.", assessed_at=earlier)
    claim_assess(claim=claim, by=None, status="false", rationale="Refuted.")
    ClaimFactory(asserted_on=datetime.date(2025, 3, 20))
    response = client.get("/api/v1/claims/?as_of=2025-03-10")
    assert_status(response, 200)
    [row] = response.json()["results"]
    assert row["id"] == claim.pk
    assert row["status"] == {"code": "in_review", "label": "In review"}
    assert row["latest_assessment"]["rationale"] == "Open."


def test_bad_filter_value_is_a_400_with_field_messages(client):
    response = client.get("/api/v1/claims/?status=rumour&asserted_after=yesterday")
    assert_status(response, 400)
    body = response.json()
    assert body["status"] == 400
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"status", "asserted_after"}


# --- writes ----------------------------------------------------------------


def claim_payload(**overrides):
    claimant = ActorFactory()
    source = SourceFactory()
    words = source.body.split(" (copy")[0][:60]
    payload = {
        "statement": "Russian forces regained 24 settlements and 259 km².",
        "claimant": claimant.pk,
        "asserted_on": "2025-03-12",
        "places": [PlaceFactory().pk],
        "quantities": [
            {"value": "24", "counted": "settlements regained"},
            {"value": "259", "unit": "square kilometers", "counted": "territory regained"},
        ],
        "appearances": [
            {
                "source": source.pk,
                "exact": words,
                "chain": [
                    {"actor": claimant.pk, "fidelity": "original"},
                    {"label": "briefing to Putin", "fidelity": "paraphrase"},
                ],
            }
        ],
    }
    payload.update(overrides)
    return payload


def test_editor_creates_a_claim_with_quantities_and_appearances(editor_client):
    response = post(editor_client, "/api/v1/claims/", claim_payload())
    assert_status(response, 201)
    body = response.json()
    claim = Claim.objects.get(pk=body["id"])
    assert response["ETag"] == '"1"'
    assert [q["canonical_unit"] for q in body["quantities"]] == ["", "km²"]
    assert [s["label"] for s in body["appearances"][0]["chain"]] == ["", "briefing to Putin"]
    assert claim.appearances.get().excerpt.exact == body["appearances"][0]["excerpt"]["exact"]


def test_create_failing_half_way_leaves_nothing_behind(editor_client):
    before = (Claim.objects.count(), Quantity.objects.count(), Excerpt.objects.count())
    payload = claim_payload()
    payload["quantities"][1]["unit"] = "parsnips"
    response = post(editor_client, "/api/v1/claims/", payload)
    assert_status(response, 400)
    assert "quantities.1.unit" in response.json()["errors"]
    payload = claim_payload()
    payload["appearances"][0]["exact"] = "words the source never printed"
    response = post(editor_client, "/api/v1/claims/", payload)
    assert_status(response, 400)
    assert "appearances.0.exact" in response.json()["errors"]
    assert (Claim.objects.count(), Quantity.objects.count(), Excerpt.objects.count()) == before
    assert Appearance.objects.count() == 0


def test_nested_shape_errors_are_keyed_by_path(editor_client):
    payload = claim_payload()
    payload["quantities"][1]["value"] = "many"
    response = post(editor_client, "/api/v1/claims/", payload)
    assert_status(response, 400)
    assert list(response.json()["errors"]) == ["quantities.1.value"]


def test_assessing_through_the_api_sets_the_status(analyst_client, analyst):
    claim = ClaimFactory()
    response = post(
        analyst_client,
        f"/api/v1/claims/{claim.pk}/assessments/",
        {"status": "disputed", "rationale": "Only one side reports it.", "credibility": 4},
    )
    assert_status(response, 201)
    claim.refresh_from_db()
    assert claim.status == VerificationStatus.DISPUTED
    assert response.json()["assessed_by"] == analyst.username
    listed = analyst_client.get(f"/api/v1/claims/{claim.pk}/assessments/")
    assert [a["status"]["code"] for a in listed.json()] == ["disputed"]


def test_relating_twice_is_a_409(analyst_client):
    claim, other = ClaimFactory(), ClaimFactory()
    url = f"/api/v1/claims/{claim.pk}/relations/"
    first = post(analyst_client, url, {"to_claim": other.pk, "kind": "contradicts"})
    assert_status(first, 201)
    assert first.json()["kind"] == {"code": "contradicts", "label": "contradicts"}
    again = post(analyst_client, url, {"to_claim": other.pk, "kind": "contradicts"})
    assert_status(again, 409)
    assert again.json()["code"] == "conflict"
    reverse = post(
        analyst_client,
        "/api/v1/relations/",
        {"from_claim": other.pk, "to_claim": claim.pk, "kind": "contradicts"},
    )
    assert_status(reverse, 409)
    assert ClaimRelation.objects.count() == 1


def test_merging_moves_appearances_to_the_target(editor_client):
    duplicate, into = ClaimFactory(), ClaimFactory()
    AppearanceFactory(claim=duplicate)
    response = post(editor_client, f"/api/v1/claims/{duplicate.pk}/merge/", {"into": into.pk})
    assert_status(response, 200)
    assert response.json()["id"] == into.pk
    assert len(response.json()["appearances"]) == 1
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == into.pk


def test_merging_into_itself_is_a_400(editor_client):
    claim = ClaimFactory()
    response = post(editor_client, f"/api/v1/claims/{claim.pk}/merge/", {"into": claim.pk})
    assert_status(response, 400)
    assert response.json()["errors"] == {
        "non_field_errors": ["A claim cannot be merged into itself."]
    }


# --- deleting: judgements are never destroyed ---------------------------------


def test_deleting_a_judged_claim_is_a_409_naming_what_holds_it(editor_client, analyst):
    claim = ClaimFactory()
    claim_assess(claim=claim, by=analyst, status="disputed", rationale="Denied by Kyiv.")
    ClaimRelationFactory(from_claim=claim, kind="supports")

    response = editor_client.delete(f"/api/v1/claims/{claim.pk}/", headers=CURRENT_AFTER_ASSESS)

    assert_status(response, 409)
    body = response.json()
    assert (body["status"], body["code"]) == (409, "conflict")
    assert body["detail"].startswith(
        "This claim cannot be deleted: it has 1 assessment and 1 relation."
    )
    assert "assess it as retracted" in body["detail"]
    assert "merge it into the claim it duplicates" in body["detail"]
    assert body["errors"] == {
        "assessments": ["Held by 1 assessment."],
        "relations": ["Held by 1 relation."],
    }
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert claim.assessments.count() == 1


def test_deleting_a_topic_with_claims_is_a_409_and_unlinks_nothing(editor_client):
    topic = TopicFactory()
    claim = ClaimFactory(topics=[topic])

    response = editor_client.delete(f"/api/v1/topics/{topic.pk}/", headers=CURRENT)

    assert_status(response, 409)
    assert response.json()["errors"] == {"claims": ["Held by 1 claim in it."]}
    assert list(claim.topics.all()) == [topic]


def test_assessments_cannot_be_edited_or_deleted_through_the_api(editor_client, analyst):
    """Not even by a superuser: the endpoint has no method that changes or deletes one."""
    assessment = claim_assess(
        claim=ClaimFactory(), by=analyst, status="disputed", rationale="Denied."
    )
    url = f"/api/v1/assessments/{assessment.pk}/"
    superuser = Client()
    superuser.force_login(get_user_model().objects.create_superuser("root", password="not-used"))
    for client, expected in ((editor_client, 403), (superuser, 405)):
        for method in (client.put, client.patch, client.delete):
            response = method(
                url, {"status": "false"}, content_type="application/json", headers=CURRENT
            )
            assert_status(response, expected)
    assessment.refresh_from_db()
    assert assessment.status == "disputed"
    assert assessment.history.count() == 1


# --- versions ------------------------------------------------------------


def test_patch_with_current_if_match_succeeds_and_returns_the_new_etag(editor_client):
    claim = ClaimFactory()
    response = patch(
        editor_client,
        f"/api/v1/claims/{claim.pk}/",
        {"statement": "Edited."},
        **{"If-Match": '"1"'},
    )
    assert_status(response, 200)
    assert response["ETag"] == '"2"'
    assert response.json()["statement"] == "Edited."


def test_patch_with_stale_if_match_is_412_and_changes_nothing(editor_client):
    claim = ClaimFactory(statement="Original.")
    patch(editor_client, f"/api/v1/claims/{claim.pk}/", {"notes": "First edit."}, **CURRENT)
    response = patch(
        editor_client, f"/api/v1/claims/{claim.pk}/", {"statement": "Stale."}, **{"If-Match": '"1"'}
    )
    assert_status(response, 412)
    assert response.json()["code"] == "stale_version"
    claim.refresh_from_db()
    assert (claim.statement, claim.version) == ("Original.", 2)


def test_delete_with_stale_if_match_is_412(editor_client):
    topic = TopicFactory()
    patch(editor_client, f"/api/v1/topics/{topic.pk}/", {"description": "Edited."}, **CURRENT)
    response = editor_client.delete(f"/api/v1/topics/{topic.pk}/", headers={"If-Match": '"1"'})
    assert_status(response, 412)
    response = editor_client.delete(f"/api/v1/topics/{topic.pk}/", headers={"If-Match": '"2"'})
    assert_status(response, 204)


def test_malformed_if_match_is_refused_like_a_stale_one(editor_client):
    claim = ClaimFactory()
    response = patch(
        editor_client, f"/api/v1/claims/{claim.pk}/", {"notes": "x"}, **{"If-Match": "yesterday"}
    )
    assert_status(response, 412)


@pytest.mark.django_db(transaction=True)
def test_two_racing_updates_with_one_version_let_exactly_one_through(editor):
    """Both requests carry version 1; the database, not Python, decides which one wins."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "the in-memory SQLite test database refuses a second writer outright "
            "(shared cache) instead of waiting; the sequential test below covers SQLite"
        )
    claim = ClaimFactory(statement="Original.")
    barrier = threading.Barrier(2)
    results: dict[str, int] = {}

    def edit(name):
        client = Client()
        client.force_login(editor)
        barrier.wait()
        response = patch(
            client, f"/api/v1/claims/{claim.pk}/", {"statement": name}, **{"If-Match": '"1"'}
        )
        results[name] = response.status_code
        connection.close()

    threads = [threading.Thread(target=edit, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results.values()) == [200, 412], results
    claim.refresh_from_db()
    winner = next(name for name, code in results.items() if code == 200)
    assert (claim.statement, claim.version) == (winner, 2)


def test_two_edits_read_at_one_version_let_only_the_first_through(editor_client):
    """The same race, interleaved by hand: both clients read version 1, then both write."""
    claim = ClaimFactory(statement="Original.")
    url = f"/api/v1/claims/{claim.pk}/"
    etag_a = editor_client.get(url)["ETag"]
    etag_b = editor_client.get(url)["ETag"]
    first = patch(editor_client, url, {"statement": "A"}, **{"If-Match": etag_a})
    second = patch(editor_client, url, {"statement": "B"}, **{"If-Match": etag_b})
    assert (first.status_code, second.status_code) == (200, 412)
    claim.refresh_from_db()
    assert (claim.statement, claim.version) == ("A", 2)


def test_readme_example_finds_gerasimovs_disputed_claims_about_kursk(seed, client):
    """The example script of the README, step by step, on the worked example."""
    [gerasimov] = client.get("/api/v1/actors/", {"q": "Gerasimov"}).json()["results"]
    kursk = client.get("/api/v1/places/", {"q": "Kursk", "kind": "region"}).json()["results"][0]
    response = client.get(
        "/api/v1/claims/", {"claimant": gerasimov["id"], "place": kursk["id"], "status": "disputed"}
    )
    assert_status(response, 200)
    statements = [claim["statement"] for claim in response.json()["results"]]
    assert any("24 settlements" in statement for statement in statements)
    assert {claim["status"]["code"] for claim in response.json()["results"]} == {"disputed"}


def test_a_body_that_is_not_json_is_a_415_in_the_error_shape(editor_client):
    response = editor_client.post("/api/v1/topics/", {"name": "Kursk"})  # form-encoded
    assert_status(response, 415)
    assert set(response.json()) == {"status", "code", "detail", "errors"}


def test_csv_shows_the_grade_of_the_day_asked_and_never_a_formula(client):
    claim = ClaimFactory(statement="=HYPERLINK(1)", asserted_on=datetime.date(2025, 3, 1))
    for day, reliability, credibility in ((3, "C", 3), (20, "B", 2)):
        claim_assess(
            claim=claim,
            by=None,
            status="disputed",
            rationale="Checked.",
            reliability=reliability,
            credibility=credibility,
            assessed_at=datetime.datetime(2025, 3, day, 12, tzinfo=datetime.UTC),
        )

    def row(query: str) -> dict[str, str]:
        response = client.get(f"/api/v1/claims/csv/{query}")
        assert_status(response, 200)
        lines = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [line["id"] for line in lines] == [str(claim.pk)]
        return lines[0]

    assert row("")["grade"] == "B2"
    assert row("?as_of=2025-03-10")["grade"] == "C3"
    assert row("")["statement"] == "'=HYPERLINK(1)"


def test_a_claim_keeps_its_external_id_and_a_repeat_is_a_conflict(editor_client):
    actor = ActorFactory()
    data = {"statement": "Imported.", "claimant": actor.pk, "external_id": "m-1"}

    first = post(editor_client, "/api/v1/claims/", {**data, "source_system": "monitor"})
    again = post(editor_client, "/api/v1/claims/", {**data, "source_system": "monitor"})
    elsewhere = post(editor_client, "/api/v1/claims/", {**data, "source_system": "other"})

    assert_status(first, 201)
    assert (first.json()["external_id"], first.json()["source_system"]) == ("m-1", "monitor")
    assert_status(again, 409)
    assert "already recorded" in again.json()["detail"]
    assert_status(elsewhere, 201)
    assert Claim.objects.filter(external_id="m-1").count() == 2


def test_patch_of_a_claim_deleted_meanwhile_is_404(editor_client, monkeypatch):
    """Another request deletes the claim between the view reading it and the service locking it."""
    claim = ClaimFactory(statement="Original.")
    real_lock = Claim.lock_version

    def deleted_meanwhile(self, expected_version):
        Claim.objects.filter(pk=self.pk).delete()
        return real_lock(self, expected_version)

    monkeypatch.setattr(Claim, "lock_version", deleted_meanwhile)
    response = patch(editor_client, f"/api/v1/claims/{claim.pk}/", {}, **CURRENT)
    assert_status(response, 404)
    assert response.json()["code"] == "not_found"


# --- appearances of an existing claim -------------------------------------------


def test_editor_adds_an_appearance_with_its_quote_and_chain(editor_client):
    claim = ClaimFactory(statement="Forces regained ground.")
    AppearanceFactory(claim=claim)
    source = SourceFactory(body="Gerasimov told Putin that the army took Kupiansk on Thursday.")
    gerasimov, reuters = ActorFactory(name="Valery Gerasimov"), OutletFactory(name="Reuters")

    response = post(
        editor_client,
        f"/api/v1/claims/{claim.pk}/appearances/",
        {
            "source": source.pk,
            "exact": "the army took Kupiansk",
            "chain": [
                {"actor": gerasimov.pk, "fidelity": "original"},
                {"label": "briefing to Putin"},
                {"outlet": reuters.pk, "fidelity": "paraphrase"},
            ],
        },
    )

    assert_status(response, 201)
    body = response.json()
    assert response["ETag"] == f'"{body["version"]}"'
    assert body["source"]["id"] == source.pk
    assert (body["excerpt"]["exact"], body["excerpt"]["start"]) == ("the army took Kupiansk", 26)
    assert [(s["position"], s["label"]) for s in body["chain"]] == [
        (0, ""),
        (1, "briefing to Putin"),
        (2, ""),
    ]
    assert body["chain"][0]["actor"]["id"] == gerasimov.pk
    listed = editor_client.get(f"/api/v1/claims/{claim.pk}/appearances/").json()
    assert len(listed) == 2 and body in listed
    # The claim is found by the words of its new excerpt.
    found = editor_client.get("/api/v1/claims/", {"q": "Kupiansk"}).json()["results"]
    assert [row["id"] for row in found] == [claim.pk]


def test_an_appearance_whose_quote_is_not_in_the_source_is_refused_whole(editor_client):
    claim, source = ClaimFactory(), SourceFactory()

    response = post(
        editor_client,
        f"/api/v1/claims/{claim.pk}/appearances/",
        {"source": source.pk, "exact": "words nobody wrote", "chain": [{"fidelity": "verbatim"}]},
    )

    assert_status(response, 400)
    assert set(response.json()["errors"]) == {"exact"}
    assert not Appearance.objects.filter(claim=claim).exists()
    assert not Excerpt.objects.filter(source=source).exists()


def test_every_invalid_chain_step_is_reported(editor_client):
    claim, source = ClaimFactory(), SourceFactory()

    response = post(
        editor_client,
        f"/api/v1/claims/{claim.pk}/appearances/",
        {"source": source.pk, "chain": [{}, {"label": "TASS"}, {"fidelity": "verbatim"}]},
    )

    assert_status(response, 400)
    errors = response.json()["errors"]
    assert "chain.0" in errors and "chain.2" in errors
    assert "chain.1" not in errors and "chain.1.label" not in errors
    assert not Appearance.objects.filter(claim=claim).exists()


def test_editor_removes_an_appearance_and_its_history_stays(editor_client):
    claim = ClaimFactory()
    kept = AppearanceFactory(claim=claim)
    appearance = AppearanceFactory(claim=claim, source=SourceFactory(body="Words of Kupiansk."))
    AttributionStepFactory(appearance=appearance, position=0)
    url = f"/api/v1/claims/{claim.pk}/appearances/{appearance.pk}/"

    stale = editor_client.delete(url, headers={"If-Match": f'"{appearance.version + 1}"'})
    assert_status(stale, 412)
    response = editor_client.delete(url, headers={"If-Match": f'"{appearance.version}"'})

    assert_status(response, 204)
    assert list(claim.appearances.all()) == [kept]
    history = Appearance.history.filter(id=appearance.pk).order_by("history_date")
    assert [(h.history_type, h.history_change_reason) for h in history][-1] == ("-", "Removed")
    assert AttributionStepFactory._meta.model.history.filter(
        appearance_id=appearance.pk, history_type="-"
    ).exists()
    assert Excerpt.objects.filter(pk=appearance.excerpt_id).exists()
    assert editor_client.get("/api/v1/claims/", {"q": "Kupiansk"}).json()["results"] == []


def test_the_last_appearance_may_be_removed(editor_client):
    appearance = AppearanceFactory()
    url = f"/api/v1/claims/{appearance.claim_id}/appearances/{appearance.pk}/"

    response = editor_client.delete(url, headers={"If-Match": f'"{appearance.version}"'})

    assert_status(response, 204)
    assert editor_client.get(f"/api/v1/claims/{appearance.claim_id}/").json()["appearances"] == []


def test_an_appearance_of_another_claim_is_not_found_under_this_one(editor_client):
    appearance, other = AppearanceFactory(), ClaimFactory()

    response = editor_client.delete(
        f"/api/v1/claims/{other.pk}/appearances/{appearance.pk}/",
        headers={"If-Match": f'"{appearance.version}"'},
    )

    assert_status(response, 404)
    assert Appearance.objects.filter(pk=appearance.pk).exists()


# --- aliases and roles ------------------------------------------------------------


def test_editor_creates_an_actor_with_aliases_and_roles(editor_client):
    general_staff = ActorFactory(name="General Staff", kind="military")

    response = post(
        editor_client,
        "/api/v1/actors/",
        {
            "name": "Sergey Lavrov",
            "kind": "person",
            "aliases": [{"name": "Sergei Lavrov", "language": "en"}, {"name": "Лавров"}],
            "roles": [
                {"title": "Foreign Minister", "start": "2004-03-09"},
                {"title": "Adviser", "organisation": general_staff.pk, "end": "2004-03-08"},
            ],
        },
    )

    assert_status(response, 201)
    body = response.json()
    assert sorted((a["name"], a["language"]) for a in body["aliases"]) == [
        ("Sergei Lavrov", "en"),
        ("Лавров", ""),
    ]
    assert {(r["title"], r["start"], r["end"]) for r in body["roles"]} == {
        ("Foreign Minister", "2004-03-09", None),
        ("Adviser", None, "2004-03-08"),
    }
    from claims.models import ActorAlias, ActorRole

    assert ActorAlias.history.filter(actor_id=body["id"], history_type="+").count() == 2
    assert ActorRole.history.filter(actor_id=body["id"], history_type="+").count() == 2


def test_aliases_given_replace_those_recorded_and_claims_are_found_by_them(editor_client):
    from claims.models import ActorAlias

    actor = ActorFactory(name="Oleksandr Syrskyi")
    old = ActorAliasFactory(actor=actor, name="Syrskii")
    claim = ClaimFactory(claimant=actor, statement="The front holds.")
    url = f"/api/v1/actors/{actor.pk}/"

    response = patch(
        editor_client,
        url,
        {"aliases": [{"name": "Syrsky", "language": ""}]},
        **{"If-Match": f'"{actor.version}"'},
    )

    assert_status(response, 200)
    assert [a["name"] for a in response.json()["aliases"]] == ["Syrsky"]
    removal = ActorAlias.history.filter(id=old.pk, history_type="-").get()
    assert removal.history_change_reason == "Removed"
    found = editor_client.get("/api/v1/claims/", {"q": "Syrsky"}).json()["results"]
    assert [row["id"] for row in found] == [claim.pk]
    # Left out, the aliases stay as they are.
    again = patch(editor_client, url, {"description": "Commander."}, **{"If-Match": '"2"'})
    assert_status(again, 200)
    assert [a["name"] for a in again.json()["aliases"]] == ["Syrsky"]


def test_every_invalid_alias_and_role_is_reported_and_nothing_written(editor_client):
    actor = ActorFactory(name="Valery Gerasimov")

    response = patch(
        editor_client,
        f"/api/v1/actors/{actor.pk}/",
        {
            "aliases": [
                {"name": "Gerasimov"},
                {"name": "valery gerasimov"},
                {"name": "GERASIMOV"},
            ],
            "roles": [
                {"title": "Chief of the General Staff", "start": "2012-11-09"},
                {"title": "Commander", "start": "2010-01-01", "end": "2009-01-01"},
            ],
        },
        **{"If-Match": f'"{actor.version}"'},
    )

    assert_status(response, 400)
    errors = response.json()["errors"]
    assert errors == {
        "aliases.1.name": ["An alias cannot be the name itself."],
        "aliases.2.name": ["This alias is given twice."],
        "roles.1.end": ["A role cannot end before it starts."],
    }
    assert not actor.aliases.exists() and not actor.roles.exists()


def test_place_aliases_are_writable(editor_client):
    response = post(
        editor_client,
        "/api/v1/places/",
        {"name": "Kupiansk", "kind": "settlement", "aliases": [{"name": "Kupyansk"}]},
    )

    assert_status(response, 201)
    assert [a["name"] for a in response.json()["aliases"]] == ["Kupyansk"]
    assert (
        editor_client.get("/api/v1/places/", {"name": "kupyansk"}).json()["results"][0]["id"]
        == response.json()["id"]
    )


# --- every invalid row, clean messages, as_of ----------------------------------------


def test_every_invalid_quantity_of_a_claim_is_reported(editor_client):
    response = post(
        editor_client,
        "/api/v1/claims/",
        {
            "statement": "Three numbers.",
            "claimant": ActorFactory().pk,
            "quantities": [
                {"value": "24", "unit": "zorkmids", "counted": "coins"},
                {"value": "259", "unit": "km2", "counted": "territory"},
                {"value": "many", "counted": "soldiers"},
            ],
        },
    )

    assert_status(response, 400)
    errors = response.json()["errors"]
    assert set(errors) == {"quantities.0.unit", "quantities.2.value"}
    assert not Claim.objects.filter(statement="Three numbers.").exists()


def test_every_refused_appearance_of_a_new_claim_is_reported(editor_client):
    source = SourceFactory()

    response = post(
        editor_client,
        "/api/v1/claims/",
        {
            "statement": "Two bad quotes.",
            "claimant": ActorFactory().pk,
            "appearances": [
                {"source": source.pk, "exact": "not there"},
                {"source": source.pk, "exact": "regained control"},
                {"source": source.pk, "exact": "not there either"},
            ],
        },
    )

    assert_status(response, 400)
    assert set(response.json()["errors"]) == {"appearances.0.exact", "appearances.2.exact"}
    assert not Claim.objects.filter(statement="Two bad quotes.").exists()


def test_a_duplicate_relation_says_its_sentence_once(analyst_client):
    claim, other = ClaimFactory(), ClaimFactory()
    url = f"/api/v1/claims/{claim.pk}/relations/"
    post(analyst_client, url, {"to_claim": other.pk, "kind": "supports"})

    again = post(analyst_client, url, {"to_claim": other.pk, "kind": "supports"})

    assert_status(again, 409)
    body = again.json()
    assert body["detail"].count("already recorded") == 1
    assert all(len(messages) == len(set(messages)) for messages in body["errors"].values())


def test_as_of_takes_a_moment_on_lists_claims_and_exports(client):
    claim = ClaimFactory(asserted_on=datetime.date(2025, 3, 1))
    morning = datetime.datetime(2025, 3, 5, 9, tzinfo=datetime.UTC)
    noon = datetime.datetime(2025, 3, 5, 12, tzinfo=datetime.UTC)
    claim_assess(claim=claim, by=None, status="in_review", rationale="Open.", assessed_at=morning)
    claim_assess(claim=claim, by=None, status="false", rationale="Refuted.", assessed_at=noon)

    def status(path, moment):
        response = client.get(path, {"as_of": moment})
        assert_status(response, 200)
        return response

    listed = status("/api/v1/claims/", "2025-03-05T10:00:00Z").json()["results"][0]
    assert listed["status"]["code"] == "in_review"
    assert status("/api/v1/claims/", "2025-03-05").json()["results"][0]["status"]["code"] == (
        "false"
    )
    detail = status(f"/api/v1/claims/{claim.pk}/", "2025-03-05T10:00+00:00").json()
    assert detail["status"]["code"] == "in_review"
    exported = status("/api/v1/claims/csv/", "2025-03-05T10:00:00Z").content.decode()
    assert ",in_review," in exported
    review = status("/api/v1/claims/claimreview/", "2025-03-05T12:30:00Z").json()
    assert review["@graph"][0]["reviewRating"]["alternateName"] == "False"
    bad = client.get("/api/v1/claims/", {"as_of": "2025-03-05T25:00"})
    assert_status(bad, 400)
    assert set(bad.json()["errors"]) == {"as_of"}


# --- natural keys ---------------------------------------------------------------------


def test_actors_and_places_are_found_by_exact_name_or_alias(client):
    lavrov = ActorFactory(name="Sergey Lavrov")
    ActorAliasFactory(actor=lavrov, name="Sergei Lavrov")
    ActorFactory(name="Sergey Lavrov Jr.")
    kupiansk = PlaceFactory(name="Kupiansk")
    PlaceAliasFactory(place=kupiansk, name="Kupjansk")
    PlaceFactory(name="Kupiansk-Vuzlovyi")

    def actors(name):
        return ids(client.get("/api/v1/actors/", {"name": name}))

    def places(name):
        return ids(client.get("/api/v1/places/", {"name": name}))

    assert actors("sergey lavrov") == [lavrov.pk]
    assert actors("  SERGEI LAVROV ") == [lavrov.pk]
    assert actors("Lavrov") == []
    assert places("KUPIANSK") == [kupiansk.pk]
    assert places("Kupjańsk") == [kupiansk.pk]
    assert places("Kupiansk-") == []


def test_claims_are_found_by_external_id(client):
    mine = ClaimFactory(external_id="m-1", source_system="monitor")
    ClaimFactory(external_id="m-1", source_system="other")
    ClaimFactory(external_id="m-10", source_system="monitor")

    assert ids(client.get("/api/v1/claims/", {"external_id": "m-1", "source_system": "monitor"}))
    found = client.get("/api/v1/claims/", {"external_id": "m-1", "source_system": "monitor"})
    assert ids(found) == [mine.pk]
    assert len(ids(client.get("/api/v1/claims/", {"external_id": "m-1"}))) == 2
    assert ids(client.get("/api/v1/claims/", {"external_id": "m-2"})) == []


def test_a_duplicate_actor_place_or_external_id_names_the_existing_record(editor_client):
    actor = ActorFactory(name="Valery Gerasimov", kind="person")
    place = PlaceFactory(name="Kursk Oblast", parent=None)
    claim = ClaimFactory(external_id="m-1", source_system="monitor")

    refused = {
        actor: post(editor_client, "/api/v1/actors/", {"name": "Valery Gerasimov"}),
        place: post(editor_client, "/api/v1/places/", {"name": "Kursk Oblast", "kind": "region"}),
        claim: post(
            editor_client,
            "/api/v1/claims/",
            {
                "statement": "Again.",
                "claimant": actor.pk,
                "external_id": "m-1",
                "source_system": "monitor",
            },
        ),
    }

    for record, response in refused.items():
        assert_status(response, 409)
        body = response.json()
        plural = {"actor": "actors", "place": "places", "claim": "claims"}[record._meta.model_name]
        assert body["existing_id"] == record.pk
        assert body["errors"]["existing"] == [f"http://testserver/api/v1/{plural}/{record.pk}/"]
        assert body["code"] == "conflict"
