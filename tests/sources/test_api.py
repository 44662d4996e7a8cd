"""The outlets and sources API as a script sees it: shapes, ingesting, corrections, versions."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from sources.models import Excerpt, Outlet, Source
from tests.factories import ExcerptFactory, OutletFactory, SourceFactory
from tests.helpers import assert_status

pytestmark = pytest.mark.django_db

BODY = (
    "Russian forces have regained control of 24 settlements, the general said. "
    "Kyiv denied it. Fighting continued around Sudzha."
)


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", headers=headers)


def patch(client, url, data, **headers):
    return client.patch(url, data, content_type="application/json", headers=headers)


def test_outlet_representation(client):
    tass = OutletFactory(
        name="TASS",
        domain="tass.com",
        kind=Outlet.Kind.NEWS_AGENCY,
        country="RU",
        state_affiliated=True,
        reliability="D",
        notes="Russian state news agency.",
    )
    SourceFactory(outlet=tass)

    response = client.get(f"/api/v1/outlets/{tass.pk}/")

    assert_status(response, 200)
    assert response["ETag"] == f'"{tass.version}"'
    body = response.json()
    assert body == {
        "id": tass.pk,
        "name": "TASS",
        "domain": "tass.com",
        "kind": "news_agency",
        "country": "RU",
        "state_affiliated": True,
        "reliability": "D",
        "notes": "Russian state news agency.",
        "source_count": 1,
        "version": tass.version,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert datetime.datetime.fromisoformat(body["created_at"]) == tass.created_at


def test_source_representation_nests_its_excerpts_and_citations(client):
    novinite = OutletFactory(name="novinite.com", domain="novinite.com", reliability="C")
    published = timezone.make_aware(datetime.datetime(2025, 3, 13, 9, 0))
    source = SourceFactory(
        outlet=novinite,
        title="Putin Visits Kursk",
        url="https://www.novinite.com/articles/231234?utm_source=feed",
        author="Novinite staff",
        published_at=published,
        retrieved_at=published + datetime.timedelta(hours=2),
        body=BODY,
    )
    quote = "regained control of 24 settlements"
    start = BODY.index(quote)
    excerpt = ExcerptFactory(source=source, start=start, exact=quote)
    tass_report = SourceFactory(title="TASS report", url="", body="")
    source.cites.add(tass_report)
    follow_up = SourceFactory(title="Follow-up")
    follow_up.cites.add(source)

    response = client.get(f"/api/v1/sources/{source.pk}/")

    assert_status(response, 200)
    body = response.json()
    assert body == {
        "id": source.pk,
        "outlet": {
            "id": novinite.pk,
            "name": "novinite.com",
            "domain": "novinite.com",
            "reliability": "C",
            "state_affiliated": False,
        },
        "kind": "article",
        "title": "Putin Visits Kursk",
        "url": "https://www.novinite.com/articles/231234?utm_source=feed",
        "normalized_url": "https://novinite.com/articles/231234",
        "author": "Novinite staff",
        "language": "en",
        "published_at": "2025-03-13T09:00:00Z",
        "retrieved_at": "2025-03-13T11:00:00Z",
        "body": BODY,
        "content_hash": source.content_hash,
        "excerpts": [
            {
                "id": excerpt.pk,
                "start": start,
                "end": start + len(quote),
                "exact": quote,
                "prefix": "Russian forces have ",
                "suffix": ", the general said. Kyiv denied ",
                "anchor": "anchored",
                "version": 1,
            }
        ],
        "cites": [
            {
                "id": tass_report.pk,
                "title": "TASS report",
                "url": "",
                "published_at": body["cites"][0]["published_at"],
            }
        ],
        "cited_by": [
            {
                "id": follow_up.pk,
                "title": "Follow-up",
                "url": follow_up.url,
                "published_at": body["cited_by"][0]["published_at"],
            }
        ],
        "notes": "",
        "version": source.version,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }


def test_source_list_leaves_the_body_out_and_counts_excerpts(client):
    source = SourceFactory(body=BODY)
    ExcerptFactory(source=source)

    response = client.get("/api/v1/sources/")

    assert_status(response, 200)
    [row] = response.json()["results"]
    assert row["id"] == source.pk
    assert "body" not in row
    assert row["excerpt_count"] == 1


def test_editor_ingests_a_source(editor_client):
    outlet = OutletFactory()

    response = post(
        editor_client,
        "/api/v1/sources/",
        {
            "outlet": outlet.pk,
            "title": "Putin Visits Kursk",
            "url": "http://WWW.novinite.com/articles/231234/",
            "body": BODY,
        },
    )

    assert_status(response, 201)
    source = Source.objects.get()
    assert response.json()["id"] == source.pk
    assert response["ETag"] == '"1"'
    assert source.normalized_url == "https://novinite.com/articles/231234"
    assert source.history.first().history_change_reason == "Ingested"


def test_a_second_copy_of_a_url_is_a_409_on_the_url_field(editor_client):
    existing = SourceFactory(url="https://novinite.com/articles/231234")

    response = post(
        editor_client,
        "/api/v1/sources/",
        {
            "outlet": existing.outlet_id,
            "title": "The same article again",
            "url": "http://www.novinite.com/articles/231234?utm_campaign=x",
            "body": "Another text.",
        },
    )

    assert_status(response, 409)
    body = response.json()
    assert body["code"] == "conflict"
    assert body["errors"] == {
        "url": ["A source with this URL is already recorded."],
        "existing": [f"http://testserver/api/v1/sources/{existing.pk}/"],
    }
    assert body["existing_id"] == existing.pk
    assert Source.objects.count() == 1


def test_a_second_copy_of_a_text_is_a_409_on_the_body_field(editor_client):
    existing = SourceFactory(body=BODY)

    response = post(
        editor_client,
        "/api/v1/sources/",
        {"outlet": existing.outlet_id, "title": "Re-wrapped copy", "body": BODY.replace(" ", "\n")},
    )

    assert_status(response, 409)
    body = response.json()
    assert body["errors"] == {
        "body": ["A source with the same text is already recorded."],
        "existing": [f"http://testserver/api/v1/sources/{existing.pk}/"],
    }
    assert body["existing_id"] == existing.pk


def test_bad_source_input_is_a_400_with_field_messages(editor_client):
    outlet = OutletFactory()
    published = timezone.now()

    response = post(
        editor_client,
        "/api/v1/sources/",
        {
            "outlet": outlet.pk,
            "title": 7,
            "published_at": published.isoformat(),
            "retrieved_at": (published - datetime.timedelta(days=1)).isoformat(),
        },
    )

    assert_status(response, 400)
    assert set(response.json()["errors"]) == {"title"}
    response = post(
        editor_client,
        "/api/v1/sources/",
        {
            "outlet": outlet.pk,
            "title": "Backdated",
            "published_at": published.isoformat(),
            "retrieved_at": (published - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert_status(response, 400)
    assert response.json()["errors"] == {
        "retrieved_at": ["A source cannot be retrieved before it was published."]
    }
    assert not Source.objects.exists()


def test_correcting_the_body_re_anchors_its_excerpts(editor_client):
    source = SourceFactory(body=BODY)
    quote = "regained control of 24 settlements"
    moved = ExcerptFactory(source=source, start=BODY.index(quote), exact=quote)
    dropped = ExcerptFactory(
        source=source, start=BODY.index("Kyiv denied it."), exact="Kyiv denied it."
    )
    corrected = "UPDATED: " + BODY.replace("Kyiv denied it. ", "")

    response = patch(
        editor_client,
        f"/api/v1/sources/{source.pk}/",
        {"body": corrected},
        **{"If-Match": f'"{source.version}"'},
    )

    assert_status(response, 200)
    excerpts = {row["id"]: row for row in response.json()["excerpts"]}
    assert excerpts[moved.pk]["start"] == corrected.index(quote)
    assert excerpts[moved.pk]["anchor"] == "anchored"
    assert excerpts[dropped.pk]["anchor"] == "lost"
    moved.refresh_from_db()
    assert corrected[moved.start : moved.end] == quote
    assert response["ETag"] == f'"{source.version + 1}"'


def test_stale_if_match_is_412_and_changes_nothing(editor_client):
    source = SourceFactory(title="First headline", body=BODY)
    read_at = source.version
    second = patch(
        editor_client, f"/api/v1/sources/{source.pk}/", {"title": "Second"}, **{"If-Match": '"1"'}
    )
    assert_status(second, 200)

    response = patch(
        editor_client,
        f"/api/v1/sources/{source.pk}/",
        {"title": "Third", "body": "Replaced."},
        **{"If-Match": f'"{read_at}"'},
    )

    assert_status(response, 412)
    assert response.json()["code"] == "stale_version"
    source.refresh_from_db()
    assert (source.title, source.body) == ("Second", BODY)


def test_stale_if_match_on_an_outlet_is_412(editor_client):
    outlet = OutletFactory(notes="")
    response = patch(
        editor_client,
        f"/api/v1/outlets/{outlet.pk}/",
        {"notes": "Edited."},
        **{"If-Match": f'"{outlet.version + 1}"'},
    )
    assert_status(response, 412)
    outlet.refresh_from_db()
    assert outlet.notes == ""


def test_an_outlet_with_sources_cannot_be_deleted(editor_client):
    source = SourceFactory()
    response = editor_client.delete(
        f"/api/v1/outlets/{source.outlet_id}/", headers={"If-Match": '"1"'}
    )
    assert_status(response, 409)
    assert Outlet.objects.filter(pk=source.outlet_id).exists()


def test_anchoring_a_quote_that_occurs_twice_needs_its_offset(editor_client):
    source = SourceFactory(body="He said yes. Then he said yes again.")
    url = f"/api/v1/sources/{source.pk}/excerpts/"

    response = post(editor_client, url, {"exact": "said yes"})
    assert_status(response, 400)
    assert response.json()["errors"] == {
        "exact": ["This text occurs more than once in the source; give its start offset."]
    }

    response = post(editor_client, url, {"exact": "said yes", "start": 21})
    assert_status(response, 201)
    assert response.json()["start"] == 21
    assert Excerpt.objects.get().prefix == "He said yes. Then he "


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("viewer", 403), ("analyst", 403), ("editor", 201)],
)
def test_only_editors_ingest_sources(role, expected, request):
    outlet = OutletFactory()
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = post(client, "/api/v1/sources/", {"outlet": outlet.pk, "title": "A report"})

    assert_status(response, expected)
    assert Source.objects.count() == (1 if expected == 201 else 0)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("viewer", 403), ("analyst", 403), ("editor", 200)],
)
def test_only_editors_correct_sources(role, expected, request):
    source = SourceFactory(title="Headline")
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = patch(
        client, f"/api/v1/sources/{source.pk}/", {"title": "Corrected"}, **{"If-Match": '"1"'}
    )

    assert_status(response, expected)
    source.refresh_from_db()
    assert source.title == ("Corrected" if expected == 200 else "Headline")


def test_reading_sources_closed_to_anonymous(read_closed, client, viewer_client):
    source = SourceFactory()
    assert_status(client.get(f"/api/v1/sources/{source.pk}/"), 401)
    assert_status(viewer_client.get(f"/api/v1/sources/{source.pk}/"), 200)
