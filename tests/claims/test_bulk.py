"""Importing claims in batches: the rules of one claim, one history row each, all or nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from claims.bulk import BatchRefused, claims_import
from claims.models import Appearance, AttributionStep, Claim, Quantity
from claims.services import claims_reindex
from sources.models import Excerpt
from tests.factories import (
    ActorFactory,
    ClaimFactory,
    ExcerptFactory,
    OutletFactory,
    PlaceFactory,
    SourceFactory,
    TopicFactory,
)
from tests.helpers import assert_status

pytestmark = pytest.mark.django_db

BODY = (
    "Gerasimov told Putin that the army had regained control of 24 settlements and 259 square "
    "kilometres. He said about 430 soldiers had been captured."
)
WRITTEN = [Claim, Quantity, Excerpt, Appearance, AttributionStep]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITTEN}


@pytest.fixture
def world():
    return {
        "gerasimov": ActorFactory(name="Valery Gerasimov"),
        "putin": ActorFactory(name="Vladimir Putin"),
        "tass": OutletFactory(name="TASS"),
        "source": SourceFactory(body=BODY),
        "kursk": PlaceFactory(name="Kursk Oblast"),
        "topic": TopicFactory(name="Kursk incursion"),
    }


def _row(world, n: int = 0, **changes) -> dict:
    row = {
        "statement": f"Russian forces regained 259 km² in Kursk Oblast ({n}).",
        "claimant": world["gerasimov"].pk,
        "asserted_on": "2025-03-12",
        "places": [world["kursk"].pk],
        "topics": [world["topic"].pk],
        "quantities": [
            {"value": 259, "unit": "square kilometres", "counted": "territory regained"}
        ],
        "appearances": [
            {
                "source": world["source"].pk,
                "exact": "regained control of 24 settlements",
                "chain": [
                    {"actor": world["gerasimov"].pk, "fidelity": "original"},
                    {"outlet": world["tass"].pk, "label": "TASS report", "fidelity": "paraphrase"},
                ],
            }
        ],
        "external_id": f"row-{n}",
    }
    row.update(changes)
    return row


def _refused_rows(info) -> dict[int, dict[str, list[str]]]:
    return {row.index: row.errors for row in info.value.rows}


# --- a batch written ----------------------------------------------------------


def test_import_writes_claims_with_their_parts(world, editor):
    result = claims_import(rows=[_row(world, 0), _row(world, 1)], by=editor, source_system="kb")

    assert len(result.created) == 2 and result.skipped == []
    claim = Claim.objects.get(pk=result.created[0])
    assert claim.statement.endswith("(0).")
    assert claim.claimant == world["gerasimov"]
    assert claim.asserted_on == datetime.date(2025, 3, 12)
    assert (claim.external_id, claim.source_system) == ("row-0", "kb")
    assert list(claim.places.all()) == [world["kursk"]]
    assert list(claim.topics.all()) == [world["topic"]]
    quantity = claim.quantities.get()
    assert (quantity.canonical_value, quantity.canonical_unit) == (Decimal("259"), "km²")
    appearance = claim.appearances.get()
    excerpt = appearance.excerpt
    assert excerpt.source == world["source"]
    assert BODY[excerpt.start : excerpt.end] == "regained control of 24 settlements"
    assert excerpt.prefix.endswith("the army had ") and excerpt.suffix.startswith(" and 259")
    chain = list(appearance.chain.all())
    assert [(step.position, step.actor, step.outlet) for step in chain] == [
        (0, world["gerasimov"], None),
        (1, None, world["tass"]),
    ]


def test_import_writes_one_history_row_per_record(world, editor):
    result = claims_import(rows=[_row(world, 0), _row(world, 1)], by=editor)

    for model in WRITTEN:
        rows = list(model.history.all())
        assert len(rows) == model.objects.count() == (2 if model is not AttributionStep else 4)
        labels = {(row.history_type, row.history_change_reason, row.history_user) for row in rows}
        assert labels == {("+", "Imported", editor)}
    # The claim's history row records what it was about when it was written.
    first = Claim.objects.get(pk=result.created[0]).history.get()
    assert [link.place_id for link in first.places.all()] == [world["kursk"].pk]


def test_converted_units_match_the_single_claim_path(world, editor):
    row = _row(world, quantities=[{"value": "100", "unit": "square miles", "counted": "area"}])

    claim = Claim.objects.get(pk=claims_import(rows=[row], by=editor).created[0])

    assert claim.quantities.get().canonical_value == Decimal("258.998811")


def test_an_excerpt_already_recorded_can_be_named(world, editor):
    excerpt = ExcerptFactory(source=world["source"])
    row = _row(world, appearances=[{"source": world["source"].pk, "excerpt": excerpt.pk}])

    claim = Claim.objects.get(pk=claims_import(rows=[row], by=editor).created[0])

    assert claim.appearances.get().excerpt == excerpt
    assert Excerpt.objects.count() == 1


# --- all or nothing -----------------------------------------------------------


def test_one_bad_row_refuses_the_batch_and_writes_nothing(world, editor):
    before = _counts()
    bad = _row(world, 1, quantities=[{"value": 3, "unit": "parsecs x", "counted": "x"}])

    with pytest.raises(BatchRefused) as info:
        claims_import(rows=[_row(world, 0), bad, _row(world, 2)], by=editor)

    assert _refused_rows(info) == {
        1: {
            "quantities.0.unit": [
                "“parsecs x” is not a unit claimsbase knows. Leave the unit empty "
                "for a count and say what is counted."
            ]
        }
    }
    assert info.value.rows[0].external_id == "row-1"
    assert list(info.value.message_dict) == ["rows.1.quantities.0.unit"]
    assert _counts() == before


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"statement": 5}, "statement", "Not a valid string."),
        ({"statement": "  "}, "statement", "This field may not be blank."),
        ({"claimant": 0}, "claimant", 'Invalid pk "0" - object does not exist.'),
        ({"claimant": "Gerasimov"}, "claimant", "Incorrect type. Expected pk value, received str."),
        ({"places": [0]}, "places", 'Invalid pk "0" - object does not exist.'),
        (
            {"asserted_on": "12/03/2025"},
            "asserted_on",
            "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
        ),
        (
            {"period_start": "2025-03-12", "period_end": "2025-03-01"},
            "__all__",
            "The period a claim is about cannot end before it starts.",
        ),
        ({"colour": "red"}, "colour", "Unknown field."),
        ({"quantities": [{"value": "many", "counted": "x"}]}, "quantities.0.value", None),
        ({"quantities": [{"value": 3}]}, "quantities.0.counted", "This field is required."),
        (
            {"quantities": [{"value": 5, "value_max": 2, "counted": "x"}]},
            "quantities.0",
            "A range cannot end below where it starts.",
        ),
        ({"appearances": "TASS"}, "appearances.non_field_errors", None),
    ],
)
def test_bad_rows_get_the_messages_of_the_claim_api(world, editor, change, field, message):
    before = _counts()

    with pytest.raises(BatchRefused) as info:
        claims_import(rows=[_row(world, 0), _row(world, 1, **change)], by=editor)

    errors = _refused_rows(info)
    assert list(errors) == [1]
    assert field in errors[1], errors
    if message:
        assert message in errors[1][field]
    assert _counts() == before


def test_the_api_gives_the_same_messages(world, editor_client):
    row = _row(world, statement=5, claimant=0, asserted_on="12/03/2025")

    answer = editor_client.post("/api/v1/claims/", row, content_type="application/json")
    single = answer.json()["errors"]
    with pytest.raises(BatchRefused) as info:
        claims_import(rows=[row], by=None)

    assert _refused_rows(info)[0] == single


def test_bad_appearances_are_refused_by_field(world, editor):
    source, actor = world["source"], world["gerasimov"]
    rows = [
        _row(world, 0, appearances=[{"source": 0, "exact": "24 settlements"}]),
        _row(world, 1, appearances=[{"source": source.pk, "exact": "48 settlements"}]),
        _row(world, 2, appearances=[{"source": source.pk, "exact": "a"}]),
        _row(world, 3, appearances=[{"source": source.pk, "chain": [{"fidelity": "verbatim"}]}]),
        _row(world, 4, appearances=[{"source": source.pk, "chain": [{"actor": 0}]}]),
        _row(world, 5, appearances=[{"source": source.pk, "excerpt": ExcerptFactory().pk}]),
        _row(world, 6, appearances=[{"source": source.pk, "chain": [{"actor": actor.pk}]}]),
    ]

    with pytest.raises(BatchRefused) as info:
        claims_import(rows=rows, by=editor)

    assert _refused_rows(info) == {
        0: {"appearances.0.source": ['Invalid pk "0" - object does not exist.']},
        1: {"appearances.0.exact": ["This text does not occur in the source's body."]},
        2: {
            "appearances.0.exact": [
                "This text occurs more than once in the source; give its start offset."
            ]
        },
        3: {"appearances.0.chain.0": ["A step names an actor, an outlet, a source or a label."]},
        4: {"appearances.0.chain.0.actor": ['Invalid pk "0" - object does not exist.']},
        5: {"appearances.0.excerpt": ["The excerpt must come from the same source."]},
    }
    assert Claim.objects.count() == 0


def test_a_row_that_is_not_an_object_is_refused(world, editor):
    with pytest.raises(BatchRefused) as info:
        claims_import(rows=[_row(world, 0), ["not", "a", "claim"]], by=editor)

    assert _refused_rows(info) == {
        1: {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}
    }


# --- external ids -------------------------------------------------------------


def test_a_repeated_external_id_in_one_batch_is_refused(world, editor):
    with pytest.raises(BatchRefused) as info:
        claims_import(rows=[_row(world, 0), _row(world, 1), _row(world, 0)], by=editor)

    assert _refused_rows(info) == {
        2: {"external_id": ["This external id appears earlier in the same batch."]}
    }
    assert Claim.objects.count() == 0


def test_importing_the_same_rows_again_writes_nothing_new(world, editor):
    rows = [_row(world, n) for n in range(3)]
    first = claims_import(rows=rows, by=editor, source_system="kb")

    again = claims_import(rows=rows, by=editor, source_system="kb")

    assert len(first.created) == 3
    assert again.created == [] and again.skipped == [0, 1, 2]
    assert Claim.objects.count() == 3
    assert Claim.history.count() == 3


def test_external_ids_belong_to_their_source_system(world, editor):
    claims_import(rows=[_row(world, 0)], by=editor, source_system="kb")

    other = claims_import(rows=[_row(world, 0)], by=editor, source_system="monitor")
    own = claims_import(rows=[_row(world, 0, source_system="kb")], by=editor)

    assert len(other.created) == 1
    assert own.skipped == [0]


def test_rows_without_external_id_are_always_written(world, editor):
    row = _row(world, 0, external_id="")

    claims_import(rows=[row], by=editor)
    claims_import(rows=[row], by=editor)

    assert Claim.objects.count() == 2


def test_the_external_id_is_unique_in_the_database_too(world):
    ClaimFactory(external_id="row-1", source_system="kb")

    with pytest.raises(ValidationError) as info:
        ClaimFactory.build(
            claimant=world["gerasimov"], external_id="row-1", source_system="kb"
        ).full_clean()

    assert info.value.messages == [
        "A claim with this external id from this source system is already recorded."
    ]
    ClaimFactory.build(claimant=world["gerasimov"], external_id="row-1").full_clean()


# --- search documents -----------------------------------------------------------


def _documents(claims) -> dict[int, str]:
    """Each claim's stored search document, as text: the tsvector on PostgreSQL."""
    column = "search_vector::text" if connection.vendor == "postgresql" else "search_document"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {column} FROM claims_claim")
        return {pk: document for pk, document in cursor.fetchall() if pk in claims}


def test_imported_claims_are_found_by_every_word_of_their_document(world, editor):
    ClaimFactory(statement="Drones struck a depot.")

    created = claims_import(rows=[_row(world, n) for n in range(3)], by=editor).created

    def found(q: str) -> set[int]:
        return set(Claim.objects.search(q).values_list("pk", flat=True))

    assert found("regained") == set(created)  # the statement
    assert found("Gerasimov") == set(created)  # the claimant
    assert found("settlements") == set(created)  # the excerpt
    assert found("depot") & set(created) == set()


def test_imported_claims_documents_are_those_the_services_compute(world, editor):
    created = claims_import(rows=[_row(world, n) for n in range(3)], by=editor).created
    written = _documents(created)

    claims_reindex(claim_ids=created)

    assert all(written.values())
    assert _documents(created) == written


# --- the claim page of an imported claim ----------------------------------------


def test_the_page_of_an_imported_claim_shows_its_history(world, editor, client):
    claim_id = claims_import(rows=[_row(world)], by=editor).created[0]

    response = client.get(f"/claims/{claim_id}/")

    assert_status(response, 200)
    assert "Imported" in response.content.decode()


def test_the_page_of_a_claim_without_history_rows(world, client):
    claim = ClaimFactory(statement="Loaded outside the services.")
    claim.history.all().delete()

    response = client.get(f"/claims/{claim.pk}/")

    assert_status(response, 200)
    assert "Loaded outside the services." in response.content.decode()


# --- the API endpoint -----------------------------------------------------------

IMPORT_URL = "/api/v1/claims/import/"


def _post(client, data):
    return client.post(IMPORT_URL, data, content_type="application/json")


def test_editors_import_through_the_api(world, editor_client):
    response = _post(editor_client, {"claims": [_row(world, 0), _row(world, 1)]})

    assert_status(response, 201)
    body = response.json()
    assert body["written"] == 2 and body["skipped"] == 0
    assert sorted(body["created"]) == sorted(Claim.objects.values_list("pk", flat=True))
    again = _post(editor_client, {"claims": [_row(world, 0), _row(world, 1)]})
    assert again.json() == {"written": 0, "skipped": 2, "created": []}


def test_a_refused_import_names_each_row_and_writes_nothing(world, editor_client):
    bad = _row(world, 1, claimant=0)

    response = _post(editor_client, {"claims": [_row(world, 0), bad], "source_system": "kb"})

    assert_status(response, 400)
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {"rows.1.claimant": ['Invalid pk "0" - object does not exist.']}
    assert body["rows"] == [
        {
            "index": 1,
            "external_id": "row-1",
            "errors": {"claimant": ['Invalid pk "0" - object does not exist.']},
        }
    ]
    assert Claim.objects.count() == 0


def test_more_than_a_thousand_claims_are_refused(world, editor_client):
    response = _post(editor_client, {"claims": [_row(world, n) for n in range(1001)]})

    assert_status(response, 400)
    assert response.json()["errors"] == {
        "claims": ["Ensure this field has no more than 1000 elements."]
    }
    assert Claim.objects.count() == 0


def test_a_request_without_a_list_of_claims_is_refused_in_the_usual_error_shape(editor_client):
    response = _post(editor_client, {})

    assert_status(response, 400)
    assert response.json() == {
        "status": 400,
        "code": "invalid",
        "detail": "The request has errors; see the messages per field.",
        "errors": {"claims": ["This field is required."]},
    }


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_only_editors_may_import(world, role, request):
    client = request.getfixturevalue(f"{role}_client")

    assert_status(_post(client, {"claims": [_row(world)]}), 403)
    assert Claim.objects.count() == 0


def test_anonymous_visitors_may_not_import(world, client):
    assert _post(client, {"claims": [_row(world)]}).status_code in (401, 403)
    assert Claim.objects.count() == 0


@pytest.mark.parametrize("size", [10, 100])
def test_import_query_budget_does_not_grow_with_rows(
    world, editor_client, size, django_assert_max_num_queries
):
    rows = [_row(world, n) for n in range(size)]
    # At any size: 2 session and user, 2 permission checks, 2 savepoints and their 2
    # releases, 1 external ids already recorded, 5 lookups (actors, places, topics, sources,
    # outlets). Then SQLite makes 7 inserts and 7 of their history (claims, place links,
    # topic links, quantities, excerpts, appearances, steps): 28 at 10 rows; it splits an
    # insert every 999 parameters (50 rows of 20 columns), so 40 at 100 rows, and recomputes
    # the batch's search documents in 1 statement: 41. PostgreSQL reads the column types
    # once per process, the new ids from the sequences in 1 query, makes the same 14 writes
    # as COPY (the claims into a staging table), then moves the claims in with their search
    # documents in 3 statements (create the staging table, insert, empty it): at most 33.
    with django_assert_max_num_queries(41):
        response = _post(editor_client, {"claims": rows})
    assert_status(response, 201)
    assert Claim.objects.count() == size
