"""The map of claims by place on the place, topic and claim list pages: its points, what
they count, the table shown without JavaScript, its query budget and its tile policy."""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.maps import MAP_CLAIMS, claim_map
from claims.models import Claim
from claims.services import claim_assess
from tests.factories import ClaimFactory, PlaceFactory, TopicFactory
from tests.helpers import assert_status

ROOT = Path(__file__).resolve().parents[2]


def located(name: str, parent=None, latitude="51.19", longitude="35.27"):
    return PlaceFactory(
        name=name, parent=parent, latitude=Decimal(latitude), longitude=Decimal(longitude)
    )


def map_data(response) -> dict:
    """The points the page hands to the map script, by place name."""
    assert_status(response, 200)
    found = re.search(
        r'<script id="claim-map-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found, "the page has no map"
    data = json.loads(found.group(1))
    data["points"] = {point["name"]: point for point in data["points"]}
    return data


def img_src(response) -> list[str]:
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return policy["img-src"].split()


def start_with(**env: str) -> subprocess.CompletedProcess:
    """Start Django in development mode with only ``env`` added."""
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "claimsbase.settings",
            "DEBUG": "1",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def kursk(db):
    """Kursk Oblast (no coordinates) with Sudzha and Korenevo inside it, and a village
    whose coordinates are not known."""
    oblast = PlaceFactory(name="Kursk Oblast", kind="region")
    return {
        "oblast": oblast,
        "sudzha": located("Sudzha", oblast, "51.19", "35.27"),
        "korenevo": located("Korenevo", oblast, "51.41", "34.91"),
        "village": PlaceFactory(name="Malaya Loknya", parent=oblast),
    }


def claims_about(place, *statuses, **fields):
    return [ClaimFactory(places=[place], status=status, **fields) for status in statuses]


def test_place_page_maps_the_places_inside_it_by_claim_count_and_status(client, kursk):
    claims_about(kursk["sudzha"], "disputed", "disputed", "verified")
    claims_about(kursk["korenevo"], "unverified")
    claims_about(kursk["village"], "false")
    claims_about(kursk["oblast"], "false")
    elsewhere = located("Huliaipole", latitude="47.66", longitude="36.26")
    ClaimFactory(places=[kursk["sudzha"], elsewhere], status="disputed")

    data = map_data(client.get(kursk["oblast"].get_absolute_url()))

    # The village and the oblast have no coordinates; Huliaipole is not inside the oblast.
    assert set(data["points"]) == {"Sudzha", "Korenevo"}
    sudzha = data["points"]["Sudzha"]
    assert sudzha["count"] == 4
    assert sudzha["status"] == "disputed"
    assert sudzha["status_class"] == "status-disputed"
    assert sudzha["statuses"] == [
        {"label": "Verified", "count": 1},
        {"label": "Disputed", "count": 3},
    ]
    assert (sudzha["lat"], sudzha["lon"]) == (51.19, 35.27)
    assert sudzha["place_url"] == kursk["sudzha"].get_absolute_url()
    assert sudzha["list_url"] == reverse("claims:claim_list") + f"?place={kursk['sudzha'].pk}"
    assert data["points"]["Korenevo"]["count"] == 1
    assert data["tiles"] is None


def test_a_tie_goes_to_the_status_named_first_in_the_vocabulary(client, kursk):
    claims_about(kursk["sudzha"], "false", "verified")

    data = map_data(client.get(kursk["sudzha"].get_absolute_url()))

    assert data["points"]["Sudzha"]["status"] == "verified"


def test_without_javascript_the_places_are_a_table_with_their_links(client, kursk):
    claims_about(kursk["sudzha"], "disputed", "verified")

    page = client.get(kursk["oblast"].get_absolute_url()).content.decode()
    table = page[page.index('<details class="claim-map-table">') : page.index("</details>")]

    assert f'<a href="{kursk["sudzha"].get_absolute_url()}">Sudzha</a></td><td>2</td>' in table
    assert f'href="{reverse("claims:claim_list")}?place={kursk["sudzha"].pk}"' in table
    assert '<span class="badge status-disputed">Disputed</span>' in table
    # The map's container waits, hidden, for the script that draws it.
    assert re.search(r'<div class="claim-map-canvas"[^>]*\shidden>', page)


def test_a_page_with_no_located_place_has_no_map(client, kursk):
    claims_about(kursk["village"], "disputed")

    page = client.get(kursk["oblast"].get_absolute_url()).content.decode()

    assert "claim-map" not in page
    assert "leaflet" not in page


def test_place_names_are_escaped_in_the_map_data_and_the_table(client, db):
    place = located("</script><script>alert(1)</script>")
    ClaimFactory(places=[place])

    page = client.get(place.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in page
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in page


def test_topic_page_maps_the_topic_and_links_to_the_list_filtered_by_both(client, kursk):
    topic = TopicFactory(name="Kursk incursion")
    claims_about(kursk["sudzha"], "disputed", topics=[topic])
    claims_about(kursk["korenevo"], "verified")

    data = map_data(client.get(topic.get_absolute_url()))

    assert set(data["points"]) == {"Sudzha"}
    assert data["points"]["Sudzha"]["list_url"] == (
        reverse("claims:claim_list") + f"?topic={topic.pk}&place={kursk['sudzha'].pk}"
    )


def test_claim_list_maps_the_claims_matching_its_filters(client, kursk):
    claims_about(kursk["sudzha"], "disputed", "disputed", "verified")
    claims_about(kursk["korenevo"], "verified")

    response = client.get(
        reverse("claims:claim_list"), {"status": "disputed", "q": "", "cursor": "x"}, follow=True
    )
    data = map_data(response)

    assert set(data["points"]) == {"Sudzha"}
    assert data["points"]["Sudzha"]["count"] == 2
    # The point's link keeps the filters, not the page or the empty ones.
    assert data["points"]["Sudzha"]["list_url"] == (
        reverse("claims:claim_list") + f"?status=disputed&place={kursk['sudzha'].pk}"
    )


def test_claim_list_filtered_by_place_maps_that_place_and_those_inside_it(client, kursk):
    elsewhere = located("Huliaipole", latitude="47.66", longitude="36.26")
    ClaimFactory(places=[kursk["sudzha"], elsewhere])

    data = map_data(client.get(reverse("claims:claim_list"), {"place": kursk["oblast"].pk}))

    assert set(data["points"]) == {"Sudzha"}
    assert data["points"]["Sudzha"]["list_url"].endswith(f"?place={kursk['sudzha'].pk}")


def test_claim_list_as_of_a_day_maps_the_statuses_claims_had_then(client, kursk, analyst):
    (claim,) = claims_about(kursk["sudzha"], "unverified")
    claim_assess(
        claim=claim,
        by=analyst,
        status="false",
        rationale="Satellite images.",
        assessed_at=datetime.datetime(2025, 4, 1, tzinfo=datetime.UTC),
    )

    today = map_data(client.get(reverse("claims:claim_list")))
    then = map_data(client.get(reverse("claims:claim_list"), {"as_of": "2025-03-20"}))

    assert today["points"]["Sudzha"]["status"] == "false"
    assert then["points"]["Sudzha"]["status"] == "unverified"


def test_the_maps_of_a_place_and_a_topic_as_of_a_day_link_to_that_day(client, kursk):
    topic = TopicFactory()
    ClaimFactory(places=[kursk["sudzha"]], topics=[topic], asserted_on=datetime.date(2025, 3, 1))
    pages = [
        reverse("claims:place_detail", args=[kursk["oblast"].pk]),
        reverse("claims:topic_detail", args=[topic.pk]),
    ]

    for page in pages:
        point = map_data(client.get(page, {"as_of": "2025-03-20"}))["points"]["Sudzha"]

        assert point["place_url"].endswith("?as_of=2025-03-20")
        assert "as_of=2025-03-20" in point["list_url"]
        assert f"place={kursk['sudzha'].pk}" in point["list_url"]


def test_the_map_counts_only_the_latest_asserted_claims(db, kursk):
    ClaimFactory(places=[kursk["korenevo"]], asserted_on=datetime.date(2024, 1, 1))
    ClaimFactory.create_batch(3, places=[kursk["sudzha"]], asserted_on=datetime.date(2025, 3, 1))
    ClaimFactory(places=[kursk["sudzha"]], asserted_on=None)

    rows = Claim.objects.for_list().counts_by_place(3)
    everything = Claim.objects.for_list().counts_by_place(MAP_CLAIMS)

    assert [(row["name"], row["count"]) for row in rows] == [("Sudzha", 3)]
    assert sorted((row["name"], row["count"]) for row in everything) == [
        ("Korenevo", 1),
        ("Sudzha", 4),
    ]


def test_a_map_of_more_claims_than_it_draws_says_so(client, kursk, monkeypatch):
    claims_about(kursk["sudzha"], "disputed", "verified")
    # The page's bounded count stops at one, so the map's claims are "more than" it draws.
    monkeypatch.setattr("claimsbase.paging.COUNT_CAP", 1)

    page = client.get(kursk["sudzha"].get_absolute_url()).content.decode()

    assert f"Drawn from the {MAP_CLAIMS:,} claims asserted last." in page
    assert claim_map(Claim.objects.all(), capped=False).claims_capped is False


# --- query budget --------------------------------------------------------------------


@pytest.mark.parametrize("places", [1, 50])
def test_map_pages_keep_their_query_budget_whatever_the_places(
    client, db, django_assert_max_num_queries, places
):
    oblast = PlaceFactory(name="Kursk Oblast", kind="region")
    topic = TopicFactory()
    for number in range(places):
        place = located(f"Village {number}", oblast, latitude=f"51.{number:02d}")
        ClaimFactory(places=[place], topics=[topic], status="disputed")

    # place; aliases, children (no ancestors to read); claims, quantities, latest
    # assessments, count; the map (one GROUP BY)
    with django_assert_max_num_queries(8):
        assert len(map_data(client.get(oblast.get_absolute_url()))["points"]) == places
    # topic; the charted claims, their quantities; a page of claims, quantities, latest
    # assessments, count; the map
    with django_assert_max_num_queries(8):
        assert len(map_data(client.get(topic.get_absolute_url()))["points"]) == places
    # the place filter checked; claims, quantities, latest assessments, count; the map;
    # the chosen place shown in the filter form
    with django_assert_max_num_queries(7):
        url = reverse("claims:claim_list") + f"?place={oblast.pk}&status=disputed"
        assert len(map_data(client.get(url))["points"]) == places


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's")
def test_the_map_reads_the_latest_claims_through_the_date_index(db):
    call_command("generate_corpus", claims=3000, seed=3, verbosity=0)
    # At 3,000 claims, a limit of 50 stands for 1,000 of a million: a walk along the date
    # index that stops at the limit is the cheaper plan, as it is at that size. The place
    # links of 3,000 claims fit a page or two: make the planner show which index it would
    # take where a scan is not the cheaper choice.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    with CaptureQueriesContext(connection) as queries:
        Claim.objects.for_list().counts_by_place(50)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # The latest claims, newest first along the date index, up to the limit; their place
    # links found by claim; no claim read beyond them.
    assert re.search(r"Limit[\s\S]*Index Scan Backward using claim_asserted_idx", plan), plan
    assert "claims_claim_places_claim_id" in plan, plan
    assert not re.search(r"Seq Scan on claims_claim\b", plan), plan


# --- tiles and the Content-Security-Policy ----------------------------------------


def test_without_a_tile_url_images_come_from_this_site_only(client, kursk, settings):
    settings.MAP_TILE_URL = ""
    claims_about(kursk["sudzha"], "disputed")

    response = client.get(kursk["sudzha"].get_absolute_url())

    assert img_src(response) == ["'self'"]
    assert map_data(response)["tiles"] is None


def test_a_tile_url_lets_the_map_pages_load_images_from_its_host(client, kursk, settings):
    settings.MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = '© <a href="https://tiles.example.org/">Example</a>'
    topic = TopicFactory()
    claims_about(kursk["sudzha"], "disputed", topics=[topic])

    for url in (
        kursk["sudzha"].get_absolute_url(),
        topic.get_absolute_url(),
        reverse("claims:claim_list"),
    ):
        response = client.get(url)
        assert img_src(response) == ["'self'", "https://*.tiles.example.org"], url
    assert map_data(response)["tiles"] == {
        "url": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    # Pages without a map keep to this site.
    assert img_src(client.get(reverse("home"))) == ["'self'"]


def test_a_tms_tile_url_is_accepted():
    assert start_with(MAP_TILE_URL="https://tms.example.org/{z}/{x}/{-y}.png").returncode == 0


def test_a_tile_url_keeps_its_port(client, kursk, settings):
    settings.MAP_TILE_URL = "http://localhost:8123/tiles/{z}/{x}/{y}.png"
    claims_about(kursk["sudzha"], "disputed")

    response = client.get(kursk["sudzha"].get_absolute_url())

    assert img_src(response) == ["'self'", "http://localhost:8123"]


@pytest.mark.parametrize(
    "url",
    [
        "tile.example.org/{z}/{x}/{y}.png",
        "ftp://tile.example.org/{z}/{x}/{y}.png",
        "https://tile.example.org/map.png",
        "https://tiles{s}.example.org/{z}/{x}/{y}.png",
    ],
)
def test_a_malformed_tile_url_stops_the_start(url):
    result = start_with(MAP_TILE_URL=url)

    assert result.returncode != 0
    assert "MAP_TILE_URL must be an http(s) URL template" in result.stderr


def test_a_claim_page_maps_the_claims_places_with_coordinates_in_its_status(client, kursk, analyst):
    claim = ClaimFactory(
        places=[kursk["sudzha"], kursk["village"]], asserted_on=datetime.date(2025, 3, 1)
    )
    claim_assess(
        claim=claim,
        by=analyst,
        status="disputed",
        rationale="Conflicting reports.",
        assessed_at=datetime.datetime(2025, 4, 1, tzinfo=datetime.UTC),
    )

    today = client.get(claim.get_absolute_url())
    then = map_data(client.get(claim.get_absolute_url(), {"as_of": "2025-03-20"}))

    data = map_data(today)
    assert set(data["points"]) == {"Sudzha"}  # the village has no coordinates
    assert data["points"]["Sudzha"]["status"] == "disputed"
    assert data["points"]["Sudzha"]["list_url"].endswith(f"?place={kursk['sudzha'].pk}")
    assert "Where it is about" in today.content.decode()
    assert then["points"]["Sudzha"]["status"] == "unverified"
    assert then["points"]["Sudzha"]["place_url"].endswith("?as_of=2025-03-20")


def test_a_claim_page_without_located_places_has_no_map(client, kursk):
    claim = ClaimFactory(places=[kursk["village"]])

    page = client.get(claim.get_absolute_url()).content.decode()

    assert 'id="claim-map-data"' not in page
