"""What the API refuses before any record is read: bodies too deep or too large, unknown parameters.

Each refusal is a 4xx in the error shape, never a 500 or Django's HTML page,
and never a silently ignored mistake.
"""

from __future__ import annotations

import datetime

import pytest

from claims.models import Claim, Topic
from claimsbase.api import MAX_JSON_DEPTH, json_too_deep
from sources.models import Outlet, Source
from tests.factories import ActorFactory, ClaimFactory, OutletFactory
from tests.helpers import assert_status, ids

pytestmark = pytest.mark.django_db

ERROR_SHAPE = {"status", "code", "detail", "errors"}


def post_raw(client, url, body: bytes):
    return client.generic("POST", url, body, content_type="application/json")


# --- bodies ------------------------------------------------------------------


def test_json_nested_a_hundred_thousand_levels_is_a_400_not_a_500(editor_client):
    response = post_raw(editor_client, "/api/v1/topics/", b"[" * 100_000)
    assert_status(response, 400)
    assert set(response.json()) == ERROR_SHAPE
    assert "nested deeper" in response.json()["detail"]


def test_json_nested_just_deeper_than_the_limit_is_refused(editor_client):
    depth = MAX_JSON_DEPTH + 1
    body = b'{"name": "Kursk", "description": ' + b"[" * depth + b"]" * depth + b"}"
    response = post_raw(editor_client, "/api/v1/topics/", body)
    assert_status(response, 400)
    assert response.json()["code"] == "parse_error"
    assert not Topic.objects.exists()


def test_json_nested_within_the_limit_reaches_the_fields(editor_client):
    depth = MAX_JSON_DEPTH - 1
    body = b'{"name": "Kursk", "description": ' + b"[" * depth + b"]" * depth + b"}"
    response = post_raw(editor_client, "/api/v1/topics/", body)
    assert_status(response, 400)
    assert "description" in response.json()["errors"]  # refused by the field, not the parser


def test_depth_counts_lists_and_objects_alike():
    assert not json_too_deep({"a": [1, {"b": []}]}, limit=4)
    assert json_too_deep({"a": [1, {"b": []}]}, limit=3)
    assert not json_too_deep("text", limit=0)


def test_a_body_larger_than_the_maximum_is_a_413_in_the_error_shape(editor_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = b'{"name": "' + b"x" * 2000 + b'"}'
    response = post_raw(editor_client, "/api/v1/topics/", body)
    assert_status(response, 413)
    assert response.json() == {
        "status": 413,
        "code": "too_large",
        "detail": "The body is larger than 1,000 bytes, the most this API accepts.",
        "errors": {},
    }
    assert not Topic.objects.exists()


def test_a_ten_megabyte_body_is_a_413_with_the_default_maximum(editor_client):
    body = b'{"name": "' + b"x" * 10_000_000 + b'"}'
    response = post_raw(editor_client, "/api/v1/topics/", body)
    assert_status(response, 413)
    assert response["Content-Type"] == "application/json"


# --- query parameters of lists -------------------------------------------------


def refused_parameter(response, name: str) -> str:
    assert_status(response, 400)
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [name]
    return body["errors"][name][0]


def test_a_misspelt_filter_is_refused_naming_it_and_what_the_list_takes(client):
    message = refused_parameter(client.get("/api/v1/claims/?claimnt=1"), "claimnt")
    assert message.startswith("Unknown parameter; this list takes actor, as_of, ")
    assert "claimant" in message


def test_a_filter_given_empty_is_refused_unless_it_is_free_text(client):
    ActorFactory()
    message = refused_parameter(client.get("/api/v1/actors/?affiliation="), "affiliation")
    assert message == "Give a value, or leave the parameter out."
    refused_parameter(client.get("/api/v1/claims/?asserted_after="), "asserted_after")
    refused_parameter(client.get("/api/v1/claims/?has_counter_claims="), "has_counter_claims")
    assert_status(client.get("/api/v1/actors/?q="), 200)


def test_a_filter_of_the_wrong_type_is_refused_naming_it(client):
    refused_parameter(client.get("/api/v1/claims/?source=false"), "source")
    refused_parameter(client.get("/api/v1/evidence/?source=false"), "source")


def test_a_single_valued_parameter_given_twice_is_refused(client):
    actor = ActorFactory()
    response = client.get(f"/api/v1/claims/?claimant={actor.pk}&claimant={actor.pk}")
    assert refused_parameter(response, "claimant") == "Give this parameter once."
    assert_status(client.get("/api/v1/claims/?status=false&status=disputed"), 200)


def test_paging_parameters_a_list_does_not_use_are_refused(client):
    refused_parameter(client.get("/api/v1/claims/?page=2"), "page")
    refused_parameter(client.get("/api/v1/claims/csv/?cursor=abc"), "cursor")
    message = refused_parameter(client.get("/api/v1/claims/?cursor=abc"), "cursor")
    assert "follow its next and previous links" in message


def test_an_unknown_ordering_is_refused_and_a_known_one_applies(client):
    older = ClaimFactory(asserted_on=datetime.date(2025, 3, 1))
    newer = ClaimFactory(asserted_on=datetime.date(2025, 3, 9))
    message = refused_parameter(client.get("/api/v1/claims/?ordering=bogus"), "ordering")
    assert message.startswith("Sort by asserted_on, counter_claim_count, ")
    response = client.get("/api/v1/claims/?ordering=asserted_on,-id&format=json")
    assert_status(response, 200)
    assert ids(response) == [older.pk, newer.pk]


def test_an_export_refuses_a_misspelt_filter_in_the_error_shape(client):
    response = client.get("/api/v1/claims/csv/?claimnt=1")
    assert refused_parameter(response, "claimnt")
    assert response["Content-Type"] == "application/json"


def test_detail_endpoints_and_pages_do_not_check_parameters(client):
    claim = ClaimFactory()
    assert_status(client.get(f"/api/v1/claims/{claim.pk}/?utm_source=mail"), 200)
    assert_status(client.get("/claims/?utm_source=mail&fbclid=x"), 200)


def test_every_list_takes_exactly_the_parameters_its_schema_lists(client):
    """The schema is the list of what each endpoint takes: no more, no fewer (besides format)."""
    schema = client.get("/api/schema/?format=json").json()
    checked = 0
    for path, operations in schema["paths"].items():
        listed = {
            parameter["name"]
            for parameter in operations.get("get", {}).get("parameters", [])
            if parameter["in"] == "query"
        }
        if not listed or "{" in path:
            continue
        message = refused_parameter(client.get(f"{path}?no_such_parameter=1"), "no_such_parameter")
        taken = set(message.removeprefix("Unknown parameter; this list takes ")[:-1].split(", "))
        assert taken == listed | {"format"}, path
        checked += 1
    assert checked == 13  # nine lists and four exports (CSV, quantities, xlsx, ClaimReview)


# --- what one record may hold, as the API refuses it -----------------------------


def field_messages(response) -> dict[str, list[str]]:
    assert_status(response, 400)
    return response.json()["errors"]


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_a_megabyte_statement_is_refused_with_a_field_message(editor_client):
    data = {"statement": "x" * 1_000_000, "claimant": ActorFactory().pk}
    errors = field_messages(post(editor_client, "/api/v1/claims/", data))
    assert errors == {"statement": ["Ensure this field has no more than 2000 characters."]}
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    "quantity, field",
    [
        ({"value": 1, "unit": "km**99999"}, "quantities.0.unit"),
        ({"value": "1e30", "unit": ""}, "quantities.0.value"),
        ({"value": "1e12", "unit": "light_year"}, "quantities.0.value"),
    ],
)
def test_absurd_units_and_numbers_are_refused_with_field_messages(editor_client, quantity, field):
    quantities = [{**quantity, "counted": "territory"}]
    data = {"statement": "Huge.", "claimant": ActorFactory().pk, "quantities": quantities}
    assert list(field_messages(post(editor_client, "/api/v1/claims/", data))) == [field]
    assert not Claim.objects.exists()


def test_a_claim_asserted_on_9999_12_31_is_refused_on_create_and_edit(editor_client):
    data = {"statement": "Later.", "claimant": ActorFactory().pk, "asserted_on": "9999-12-31"}
    errors = field_messages(post(editor_client, "/api/v1/claims/", data))
    assert errors == {"asserted_on": ["This date is in the future; give the day it happened."]}
    claim = ClaimFactory()
    response = editor_client.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"asserted_on": "9999-12-31"},
        content_type="application/json",
        headers={"If-Match": f'"{claim.version}"'},
    )
    assert "asserted_on" in field_messages(response)


def test_a_source_published_on_9999_12_31_is_refused(editor_client):
    data = {
        "outlet": OutletFactory().pk,
        "title": "From the future",
        "published_at": "9999-12-31T00:00:00Z",
    }
    errors = field_messages(post(editor_client, "/api/v1/sources/", data))
    assert errors == {"published_at": ["This date is in the future; give the day it happened."]}
    assert not Source.objects.exists()


def test_an_outlet_domain_of_script_text_is_refused(editor_client):
    data = {"name": "Evil", "domain": "javascript:alert(1)"}
    errors = field_messages(post(editor_client, "/api/v1/outlets/", data))
    assert errors == {
        "domain": ['Give a host name such as novinite.com, without "https://" or a path.']
    }
    assert not Outlet.objects.exists()


def test_an_import_refuses_the_same_bounds_row_by_row(editor_client):
    claimant = ActorFactory().pk
    rows = [
        {"statement": "x" * 2001, "claimant": claimant},
        {"statement": "Later.", "claimant": claimant, "asserted_on": "9999-12-31"},
        {
            "statement": "Odd.",
            "claimant": claimant,
            "quantities": [{"value": 1, "unit": "km**4", "counted": "x"}],
        },
    ]
    response = post(editor_client, "/api/v1/claims/import/", {"claims": rows})
    assert_status(response, 400)
    refused = {row["index"]: set(row["errors"]) for row in response.json()["rows"]}
    assert refused == {0: {"statement"}, 1: {"asserted_on"}, 2: {"quantities.0.unit"}}
    assert not Claim.objects.exists()
