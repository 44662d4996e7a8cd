"""The knowledge base as of a past day, on every page (``?as_of=``).

One small world: Gerasimov's claim of 12 March, first published on 13 March
and disputed on 14 March; Syrskyi's counter-claim, reported on 12 March and
linked as contradicting on 14 March; a claim asserted on 12 March that no
source reported before 13 March. Each page kind is read as of 12 and 13
March and today, as an analyst sees it.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, ClaimRelation
from claims.services import claim_assess
from claimsbase.as_of import parse as parse_as_of
from claimsbase.as_of import with_as_of
from tests.factories import (
    ActorFactory,
    AppearanceFactory,
    ClaimFactory,
    ClaimRelationFactory,
    OutletFactory,
    PlaceFactory,
    SourceFactory,
    TopicFactory,
)
from tests.helpers import assert_status


def moment(day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2025, 3, day, hour, tzinfo=datetime.UTC)


def text(response) -> str:
    """The page's words, markup and runs of whitespace taken out."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def world(db, analyst):
    place = PlaceFactory(name="Sudzha")
    topic = TopicFactory(name="Kursk incursion")
    gerasimov = ActorFactory(name="Valery Gerasimov")
    syrskyi = ActorFactory(name="Oleksandr Syrskyi")
    tass = OutletFactory(name="TASS")
    kyiv = OutletFactory(name="Kyiv Independent")
    late = SourceFactory(outlet=tass, title="Gerasimov reports", published_at=moment(13, 7))
    early = SourceFactory(outlet=kyiv, title="Syrskyi answers", published_at=moment(12, 18))
    gains = ClaimFactory(
        statement="Russian forces regained 24 settlements.",
        claimant=gerasimov,
        asserted_on=datetime.date(2025, 3, 12),
        places=[place],
        topics=[topic],
    )
    AppearanceFactory(claim=gains, source=late)
    counter = ClaimFactory(
        statement="Battles continue around Sudzha.",
        claimant=syrskyi,
        asserted_on=datetime.date(2025, 3, 12),
        places=[place],
        topics=[topic],
    )
    AppearanceFactory(claim=counter, source=early)
    claim_assess(
        claim=counter,
        by=analyst,
        status="verified",
        rationale="Confirmed by geolocated footage.",
        credibility=2,
        reliability="B",
        assessed_at=moment(12, 20),
    )
    claim_assess(
        claim=gains,
        by=analyst,
        status="disputed",
        rationale="Only one side reports it.",
        credibility=3,
        reliability="D",
        assessed_at=moment(14),
    )
    relation = ClaimRelationFactory(from_claim=counter, to_claim=gains, kind="contradicts")
    ClaimRelation.objects.filter(pk=relation.pk).update(created_at=moment(14))
    return {
        "gains": gains,
        "counter": counter,
        "gerasimov": gerasimov,
        "syrskyi": syrskyi,
        "place": place,
        "topic": topic,
        "late": late,
        "early": early,
        "tass": tass,
    }


# --- who is in the view: first reported by the end of the day ---------------------------


def test_a_claim_first_reported_the_next_day_is_not_in_the_view_of_the_day_it_was_made(world):
    on_12th = set(Claim.objects.as_of(datetime.date(2025, 3, 12)))
    on_13th = set(Claim.objects.as_of(datetime.date(2025, 3, 13)))

    assert world["gains"] not in on_12th  # made on the 12th, first published on the 13th
    assert world["counter"] in on_12th
    assert {world["gains"], world["counter"]} <= on_13th


def test_first_reported_falls_back_to_the_day_asserted_then_to_the_day_recorded(db):
    undated = SourceFactory(published_at=None)
    asserted = ClaimFactory(asserted_on=datetime.date(2025, 3, 12))
    AppearanceFactory(claim=asserted, source=undated)
    unknown = ClaimFactory(asserted_on=None)
    Claim.objects.filter(pk=unknown.pk).update(created_at=moment(13))

    on_12th = set(Claim.objects.as_of(datetime.date(2025, 3, 12)))
    on_13th = set(Claim.objects.as_of(datetime.date(2025, 3, 13)))

    assert asserted in on_12th
    assert unknown not in on_12th
    assert unknown in on_13th


def test_a_dated_source_wins_over_the_day_asserted(db):
    claim = ClaimFactory(asserted_on=datetime.date(2025, 3, 1))
    AppearanceFactory(claim=claim, source=SourceFactory(published_at=moment(13)))

    assert claim not in Claim.objects.as_of(datetime.date(2025, 3, 12))
    assert claim in Claim.objects.as_of(datetime.date(2025, 3, 13))


# --- the claim list ------------------------------------------------------------------------


def test_claim_list_of_a_day_leaves_out_claims_first_reported_the_next_day(client, world):
    response = client.get(reverse("claims:claim_list"), {"as_of": "2025-03-12"})

    assert_status(response, 200)
    page = text(response)
    assert "Battles continue around Sudzha." in page
    assert "Russian forces regained 24 settlements." not in page
    assert "As of 12 March 2025 — the knowledge base as it stood at the end of that day" in page


def test_every_claim_row_link_keeps_the_day(client, world):
    response = client.get(reverse("claims:claim_list"), {"as_of": "2025-03-13"})

    html = response.content.decode()
    gains, gerasimov = world["gains"], world["gerasimov"]
    assert f'href="{gains.get_absolute_url()}?as_of=2025-03-13"' in html
    assert f'href="{gerasimov.get_absolute_url()}?as_of=2025-03-13"' in html
    assert f'href="{reverse("sources:source_list")}?as_of=2025-03-13"' in html  # navigation
    # The way back to today is the same page without the day.
    assert f'class="as-of-today" href="{reverse("claims:claim_list")}"' in html


# --- the claim page ------------------------------------------------------------------------


def test_claim_page_as_of_a_day_shows_the_status_and_assessments_of_that_day(client, world):
    url = world["gains"].get_absolute_url()

    then = client.get(url, {"as_of": "2025-03-13"})
    today = client.get(url)

    assert_status(then, 200)
    assert then.context["claim"].shown_status == "unverified"
    assert "Only one side reports it." not in text(then)  # assessed on the 14th
    assert "Not assessed yet then." in text(then)
    assert "As of 13 March 2025" in text(then)
    assert today.context["claim"].shown_status == "disputed"
    assert "Only one side reports it." in text(today)
    assert "As of" not in text(today)


def test_claim_page_as_of_a_day_leaves_out_relations_made_later(client, world):
    url = world["counter"].get_absolute_url()

    then = client.get(url, {"as_of": "2025-03-13"})
    today = client.get(url)

    assert then.context["claim"].counter_claim_count == 0
    assert then.context["counter_claims"] == []
    assert "Russian forces regained 24 settlements." not in text(then)
    assert today.context["claim"].counter_claim_count == 1
    assert "Russian forces regained 24 settlements." in text(today)


def test_related_claims_show_the_status_they_had_then(client, world):
    later = moment(14, 18)
    url = world["counter"].get_absolute_url()

    page = client.get(url, {"as_of": later.isoformat()})

    (other,) = page.context["counter_claims"]
    assert other.shown_status == "disputed"
    assert "As of 14 March 2025, 18:00 — the knowledge base as it stood at that moment" in text(
        page
    )
    earlier = client.get(url, {"as_of": moment(14, 11).isoformat()})
    assert earlier.context["counter_claims"] == []  # linked at noon


def test_a_past_day_offers_no_judging_form(analyst_client, world):
    url = world["gains"].get_absolute_url()

    then = analyst_client.get(url, {"as_of": "2025-03-13"})
    today = analyst_client.get(url)

    assert 'action="' + reverse("claims:claim_assess", args=[world["gains"].pk]) not in (
        then.content.decode()
    )
    assert "Judging happens today" in text(then)
    assert 'action="' + reverse("claims:claim_assess", args=[world["gains"].pk]) in (
        today.content.decode()
    )


def test_claim_page_of_a_claim_not_yet_reported_says_so(client, world):
    response = client.get(world["gains"].get_absolute_url(), {"as_of": "2025-03-12"})

    assert_status(response, 404)
    assert "was not yet reported then" in text(response)
    assert "first reported on 13 March 2025" in text(response)


# --- actor, place, topic, source, outlet, home -------------------------------------------


def test_actor_page_shows_the_track_record_as_it_stood(client, world):
    url = world["gerasimov"].get_absolute_url()

    then = client.get(url, {"as_of": "2025-03-13"})
    before = client.get(url, {"as_of": "2025-03-12"})
    today = client.get(url)

    assert [entry["status"] for entry in then.context["track_record"]] == ["unverified"]
    assert before.context["track_record"] == []
    assert [entry["status"] for entry in today.context["track_record"]] == ["disputed"]
    assert f"{world['gains'].get_absolute_url()}?as_of=2025-03-13" in then.content.decode()


def test_place_page_lists_the_claims_reported_by_then(client, world):
    url = world["place"].get_absolute_url()

    then = client.get(url, {"as_of": "2025-03-12"})

    assert_status(then, 200)
    assert [claim.pk for claim in then.context["page_obj"].object_list] == [world["counter"].pk]
    (row,) = then.context["page_obj"].object_list
    assert row.counter_claim_count == 0
    assert "As of 12 March 2025" in text(then)


def test_topic_page_lists_the_claims_reported_by_then(client, world):
    url = world["topic"].get_absolute_url()

    then = client.get(url, {"as_of": "2025-03-12"})
    today = client.get(url)

    assert [claim.pk for claim in then.context["claims"]] == [world["counter"].pk]
    assert len(today.context["claims"]) == 2
    assert (
        'name="as_of" value="2025-03-12"' in then.content.decode() or not then.context["measures"]
    )


def test_source_page_shows_its_claims_as_they_stood_and_no_capture(editor_client, world):
    url = world["late"].get_absolute_url()

    then = editor_client.get(url, {"as_of": "2025-03-13"})
    before = editor_client.get(url, {"as_of": "2025-03-12"})
    today = editor_client.get(url)

    (claim,) = then.context["claims"]
    assert claim.shown_status == "unverified"
    assert "capture-form" not in then.content.decode()
    assert before.context["claims"] == []
    assert "Published after the day this view shows" in text(before)
    assert today.context["claims"][0].shown_status == "disputed"
    assert "capture-form" in today.content.decode()


def test_outlet_page_lists_the_sources_published_by_then(client, world):
    url = world["tass"].get_absolute_url()

    then = client.get(url, {"as_of": "2025-03-12"})
    today = client.get(url)

    assert list(then.context["page_obj"].object_list) == []
    assert [source.pk for source in today.context["page_obj"].object_list] == [world["late"].pk]


def test_home_page_counts_and_contested_claims_as_they_stood(client, world):
    then = client.get(reverse("home"), {"as_of": "2025-03-13"})
    today = client.get(reverse("home"))

    assert [(e["status"], e["count"]) for e in then.context["status_counts"]] == [
        ("unverified", 1),
        ("verified", 1),
    ]
    assert list(then.context["contested"]) == []
    assert [a.rationale for a in then.context["recent_assessments"]] == [
        "Confirmed by geolocated footage."
    ]
    assert {claim.pk for claim in today.context["contested"]} == {
        world["gains"].pk,
        world["counter"].pk,
    }
    assert f"{reverse('claims:claim_list')}?status=verified&amp;as_of=2025-03-13" in (
        then.content.decode()
    )


# --- bad days ----------------------------------------------------------------------------

PAGE_KINDS = ["home", "claim_list", "claim", "actor", "place", "topic", "source", "outlet"]


def _url(world, kind: str) -> str:
    return {
        "home": reverse("home"),
        "claim_list": reverse("claims:claim_list"),
        "claim": world["gains"].get_absolute_url(),
        "actor": world["gerasimov"].get_absolute_url(),
        "place": world["place"].get_absolute_url(),
        "topic": world["topic"].get_absolute_url(),
        "source": world["late"].get_absolute_url(),
        "outlet": world["tass"].get_absolute_url(),
    }[kind]


@pytest.mark.parametrize("kind", PAGE_KINDS)
@pytest.mark.parametrize("value", ["yesterday", "2025-89-12", "2025-03-12T25:00"])
def test_an_impossible_day_is_a_clear_400_on_every_page(client, world, kind, value):
    response = client.get(_url(world, kind), {"as_of": value})

    assert_status(response, 400)
    assert "Give a date (YYYY-MM-DD) or a date and time" in text(response)
    assert f'href="{_url(world, kind)}"' in response.content.decode()  # the page today


def test_an_impossible_day_is_a_400_from_the_api_too(client, world):
    response = client.get(reverse("claims-api:claim-list"), {"as_of": "2025-89-12"})

    assert_status(response, 400)
    assert "as_of" in response.json()["errors"]


# --- the link mechanism ---------------------------------------------------------------------


def test_with_as_of_keeps_the_query_and_the_fragment(db):
    from claimsbase.as_of import parse

    day = parse("2025-03-12")

    assert with_as_of("/sources/3/#excerpt-10", day) == "/sources/3/?as_of=2025-03-12#excerpt-10"
    assert with_as_of("/claims/?topic=1", day, status="false") == (
        "/claims/?topic=1&status=false&as_of=2025-03-12"
    )
    assert with_as_of("/claims/", None, topic=None) == "/claims/"
    assert day.moment == timezone.make_aware(datetime.datetime(2025, 3, 12, 23, 59, 59, 999999))


# --- query budgets: the same pages as of a day, within a budget that does not grow ----------

# (page builder from the page table, budget as of a day). Against today's budget: the claim
# rows' assessments of that day are one more query; the claim page reads its related claims'
# statuses of that day in one more; the place page's claims the same.
AS_OF_PAGES = [
    # statuses then (GROUP BY), contested claims, quantities, latest assessments, the
    # assessments of that day, recent assessments, their evidence, topics
    ("home", 8),
    # count, claims, quantities, latest assessments, the assessments of that day, the map
    ("claim_list_as_of", 6),
    # as today, plus the assessment of that day and the related claims' statuses then
    # (today's 20 counts the history rows' actors, places and topics, and other figures)
    ("claim_detail", 22),
    # as today, plus the assessments of that day of the claims made and about
    ("actor_detail", 13),
    # each with its map
    ("place_detail", 10),
    ("topic_detail", 9),
    # count, sources (+ outlet), both of that day
    ("source_list", 2),
    ("source_detail", 9),
    ("outlet_detail", 3),
]


@pytest.mark.parametrize("size", [1, 50])
@pytest.mark.parametrize(("name", "budget"), AS_OF_PAGES, ids=[name for name, _ in AS_OF_PAGES])
def test_as_of_page_renders_within_its_query_budget(
    client, db, django_assert_max_num_queries, name, budget, size
):
    from tests import test_page_endpoints

    url = getattr(test_page_endpoints, name)(size)
    # Today, so that the rows the builders make (published yesterday) are in the view.
    url = with_as_of(url, parse_as_of(timezone.localdate().isoformat()))

    with django_assert_max_num_queries(budget):
        response = client.get(url)

    assert_status(response, 200)
    assert "As of" in text(response)
