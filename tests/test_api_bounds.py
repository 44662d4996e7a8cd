"""What the API refuses before any record is read: bodies too deep or too large, unknown parameters.

Each refusal is a 4xx in the error shape, never a 500 or Django's HTML page,
and never a silently ignored mistake.
"""

from __future__ import annotations

import pytest

from claims.models import Topic
from claimsbase.api import MAX_JSON_DEPTH, json_too_deep
from tests.helpers import assert_status

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
