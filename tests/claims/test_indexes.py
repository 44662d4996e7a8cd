"""The indexes of actors, places and topics: counts by status, search, the place tree,
and the links from every record page to its claims in the list and as CSV."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    AppearanceFactory,
    ClaimFactory,
    OutletFactory,
    PlaceFactory,
    SourceFactory,
    TopicFactory,
)
from tests.helpers import assert_status


def counts_of(row) -> dict[str, int]:
    return {entry["status"].value: entry["count"] for entry in row.status_counts}


def rows_by_name(response, key: str) -> dict:
    return {row.name: row for row in response.context[key]}


# --- actors ---------------------------------------------------------------------------


def test_actor_index_counts_the_claims_each_actor_made_by_status(client, db):
    gerasimov = ActorFactory(name="Valery Gerasimov")
    ActorFactory(name="Syrskyi")
    kept = ClaimFactory(claimant=gerasimov, status="disputed")
    ClaimFactory(claimant=gerasimov, status="disputed")
    ClaimFactory(claimant=gerasimov, status="verified")
    ClaimFactory(claimant=gerasimov, status="false", merged_into=kept)  # a merged duplicate
    ClaimFactory(actors=[gerasimov], status="false")  # about him, not made by him

    response = client.get(reverse("claims:actor_list"))

    assert_status(response, 200)
    rows = rows_by_name(response, "actors")
    assert counts_of(rows["Valery Gerasimov"]) == {"disputed": 2, "verified": 1}
    assert rows["Valery Gerasimov"].claim_total == 3
    assert counts_of(rows["Syrskyi"]) == {}
    page = response.content.decode()
    assert f'href="/claims/?claimant={gerasimov.pk}&amp;status=disputed"' in page
    assert f'href="/claims/?claimant={gerasimov.pk}">3</a>' in page
    assert f'href="{gerasimov.get_absolute_url()}">Valery Gerasimov</a>' in page


def test_actor_index_is_sorted_by_name_and_searchable_by_alias(client, db):
    syrskyi = ActorFactory(name="Oleksandr Syrskyi")
    ActorAliasFactory(actor=syrskyi, name="Syrsky")
    ActorFactory(name="Valery Gerasimov")
    ActorFactory(name="Andrii Kovalenko")

    everyone = client.get(reverse("claims:actor_list"))
    found = client.get(reverse("claims:actor_list"), {"q": "Syrsky"})

    assert [actor.name for actor in everyone.context["actors"]] == [
        "Andrii Kovalenko",
        "Oleksandr Syrskyi",
        "Valery Gerasimov",
    ]
    assert [actor.name for actor in found.context["actors"]] == ["Oleksandr Syrskyi"]
    assert "Search: Syrsky" in found.content.decode()  # the search shown as a chip


def test_actor_index_pages_by_fifty(client, db):
    for number in range(55):
        ActorFactory(name=f"Actor {number:03}")

    first = client.get(reverse("claims:actor_list"))
    second = client.get(
        reverse("claims:actor_list"), {"cursor": first.context["page_obj"].next_cursor}
    )

    assert len(first.context["actors"]) == 50
    assert [actor.name for actor in second.context["actors"]] == [
        f"Actor {number:03}" for number in range(50, 55)
    ]


# --- places ---------------------------------------------------------------------------


@pytest.fixture
def kursk(db):
    """Russia > Kursk Oblast > Sudzha, and Ukraine, with claims at each level."""
    russia = PlaceFactory(name="Russia", kind="country")
    oblast = PlaceFactory(name="Kursk Oblast", kind="region", parent=russia)
    sudzha = PlaceFactory(name="Sudzha", parent=oblast)
    PlaceFactory(name="Ukraine", kind="country")
    ClaimFactory(places=[sudzha], status="disputed")
    ClaimFactory(places=[oblast], status="verified")
    ClaimFactory(places=[sudzha, oblast], status="unverified")  # counted once for each place
    ClaimFactory(places=[russia], status="unverified")
    return {"russia": russia, "oblast": oblast, "sudzha": sudzha}


def test_place_index_shows_the_top_level_with_counts_of_the_places_inside(client, kursk):
    response = client.get(reverse("claims:place_list"))

    assert_status(response, 200)
    rows = rows_by_name(response, "places")
    assert list(rows) == ["Russia", "Ukraine"]
    assert counts_of(rows["Russia"]) == {"unverified": 2, "verified": 1, "disputed": 1}
    assert rows["Russia"].claim_total == 4
    assert counts_of(rows["Ukraine"]) == {}
    page = response.content.decode()
    russia = kursk["russia"]
    assert f'href="/claims/places/?parent={russia.pk}">1 place</a>' in page
    assert f'href="/claims/?place={russia.pk}&amp;status=disputed"' in page


def test_place_index_opens_one_level_of_the_tree_at_a_time(client, kursk):
    russia, oblast = kursk["russia"], kursk["oblast"]

    level = client.get(reverse("claims:place_list"), {"parent": russia.pk})
    deeper = client.get(reverse("claims:place_list"), {"parent": oblast.pk})

    rows = rows_by_name(level, "places")
    assert list(rows) == ["Kursk Oblast"]
    assert counts_of(rows["Kursk Oblast"]) == {"unverified": 1, "verified": 1, "disputed": 1}
    assert level.context["level_parent"] == russia
    assert "<h1>Places in Russia</h1>" in level.content.decode()
    assert counts_of(rows_by_name(deeper, "places")["Sudzha"]) == {
        "unverified": 1,
        "disputed": 1,
    }
    trail = deeper.content.decode().split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert f'<a href="/claims/places/?parent={russia.pk}">Russia</a>' in trail
    assert '<li aria-current="page">Kursk Oblast</li>' in trail


def test_place_index_search_lists_matches_at_any_level_with_where_they_lie(client, kursk):
    response = client.get(reverse("claims:place_list"), {"q": "Sudzha"})

    rows = rows_by_name(response, "places")
    assert list(rows) == ["Sudzha"]
    assert [place.name for place in rows["Sudzha"].ancestors] == ["Russia", "Kursk Oblast"]
    assert "in Kursk Oblast, Russia" in response.content.decode()


def test_place_index_search_counts_each_match_whole(client, kursk):
    """A place and a place inside it, both matched, each get all their claims."""
    response = client.get(reverse("claims:place_list"), {"kind": ["country", "region"]})

    rows = rows_by_name(response, "places")
    assert rows["Russia"].claim_total == 4
    assert rows["Kursk Oblast"].claim_total == 3


def test_place_index_counts_are_shared_for_a_minute(client, kursk, django_assert_max_num_queries):
    """A country's count reads most claims: the same page within a minute is not counted
    again (the places and their count are read, the counts by status are not)."""
    first = client.get(reverse("claims:place_list"))

    with django_assert_max_num_queries(2):
        again = client.get(reverse("claims:place_list"))

    assert counts_of(rows_by_name(again, "places")["Russia"]) == counts_of(
        rows_by_name(first, "places")["Russia"]
    )


# --- topics ---------------------------------------------------------------------------


def test_topic_index_counts_claims_by_status_and_searches(client, db):
    kursk, jeddah = TopicFactory(name="Kursk incursion"), TopicFactory(name="Jeddah talks")
    ClaimFactory(topics=[kursk], status="disputed")
    ClaimFactory(topics=[kursk, jeddah], status="verified")

    everything = client.get(reverse("claims:topic_list"))
    found = client.get(reverse("claims:topic_list"), {"q": "Jeddah"})

    rows = rows_by_name(everything, "topics")
    assert list(rows) == ["Jeddah talks", "Kursk incursion"]
    assert counts_of(rows["Kursk incursion"]) == {"disputed": 1, "verified": 1}
    assert counts_of(rows["Jeddah talks"]) == {"verified": 1}
    assert [topic.name for topic in found.context["topics"]] == ["Jeddah talks"]


# --- navigation and links -------------------------------------------------------------


def test_the_site_navigation_links_the_three_indexes(client, db):
    page = client.get(reverse("home")).content.decode()
    navigation = page.split('aria-label="Main"')[1].split("</nav>")[0]

    assert '<a href="/claims/actors/">Actors</a>' in navigation
    assert '<a href="/claims/places/">Places</a>' in navigation
    assert '<a href="/claims/topics/">Topics</a>' in navigation


def record_pages():
    actor, place, topic, outlet = ActorFactory(), PlaceFactory(), TopicFactory(), OutletFactory()
    claim = ClaimFactory(claimant=actor, places=[place], topics=[topic])
    AppearanceFactory(claim=claim, source=SourceFactory(outlet=outlet))
    ClaimFactory()  # about none of them
    return claim, [("actor", actor), ("place", place), ("topic", topic), ("outlet", outlet)]


def test_record_pages_link_their_claims_in_the_list_and_as_csv(client, db):
    claim, records = record_pages()

    for parameter, record in records:
        page = client.get(record.get_absolute_url()).content.decode()
        list_url = f"/claims/?{parameter}={record.pk}"
        csv_url = f"/api/v1/claims/csv/?{parameter}={record.pk}"
        assert f'href="{list_url}"' in page, parameter
        assert f'href="{csv_url}"' in page, parameter

        listed = client.get(list_url)
        assert [row.pk for row in listed.context["claims"]] == [claim.pk], parameter
        export = client.get(csv_url)
        assert_status(export, 200)
        assert export.content.decode("utf-8-sig").count(claim.statement) == 1, parameter
