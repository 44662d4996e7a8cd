"""Search as an analyst uses it: what a query finds, what it leaves out, and in what order.

The first part holds on both databases (the one interface); the part marked
``postgresql`` checks what only PostgreSQL does: stemming, phrases, ``or``,
fuzzy names, ranking and the GIN index.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from claims.models import Actor, Claim, Place
from claims.services import (
    alias_add,
    appearance_add,
    claim_create,
    claim_update,
    claims_merge,
    claims_reindex,
    named_record_save,
)
from sources.models import Source
from tests.factories import (
    ActorFactory,
    AppearanceFactory,
    ClaimFactory,
    ExcerptFactory,
    PlaceAliasFactory,
    PlaceFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="stemming, phrases, fuzzy names and ranking are PostgreSQL's; SQLite matches words",
)


def found(q: str, queryset=None) -> list[Claim]:
    return list((queryset or Claim.objects.all()).search(q))


# --- the same on both databases ----------------------------------------------


def test_every_word_must_match_in_any_case_and_without_accents():
    sudzha = ClaimFactory(statement="Forces entered Sudža after heavy fighting.")
    kursk = ClaimFactory(statement="Heavy fighting continued near Kursk.")
    assert found("sudza") == [sudzha]
    assert found("SUDŽA heavy") == [sudzha]
    assert set(found("heavy fighting")) == {sudzha, kursk}
    assert found("sudza kursk") == []


def test_a_word_can_be_left_out():
    sudzha = ClaimFactory(statement="Fighting near Sudzha.")
    ClaimFactory(statement="Fighting near Kursk.")
    assert found("fighting -kursk") == [sudzha]


def test_claims_are_found_by_their_claimant_places_and_excerpts():
    general = ActorFactory(name="Valery Gerasimov")
    by_claimant = ClaimFactory(claimant=general, statement="Troops advanced.")
    by_place = ClaimFactory(places=[PlaceFactory(name="Plekhovo")], statement="Troops advanced.")
    source = SourceFactory(body="Soldiers surrendered near the border, officials said.")
    by_excerpt = ClaimFactory(statement="Troops advanced.")
    AppearanceFactory(claim=by_excerpt, source=source, excerpt=ExcerptFactory(source=source))
    assert found("gerasimov") == [by_claimant]
    assert found("plekhovo") == [by_place]
    assert found("surrendered") == [by_excerpt]
    assert found("zaporizhzhia") == []


def test_documents_follow_claim_update(editor):
    claim = claim_create(statement="Talks began in Jeddah.", claimant=ActorFactory())
    assert found("jeddah") == [claim]
    claim_update(claim=claim, statement="Talks began in Riyadh.")
    assert found("jeddah") == []
    assert found("riyadh") == [claim]


def test_documents_follow_appearance_add(editor):
    claim = claim_create(statement="Troops advanced.", claimant=ActorFactory())
    source = SourceFactory(body="The ministry said troops crossed the Psel river at dawn.")
    assert found("psel") == []
    appearance_add(claim=claim, source=source, exact="crossed the Psel river")
    assert found("psel") == [claim]


def test_documents_follow_an_actor_alias_and_a_new_name(editor):
    commander = ActorFactory(name="Oleksandr Syrskyi")
    claim = ClaimFactory(claimant=commander, statement="The line holds.")
    other = ClaimFactory(statement="The line holds.")
    assert found("sirsky") == []
    alias_add(record=commander, name="Sirsky")
    assert found("sirsky") == [claim]
    named_record_save(record=commander, name="Oleksandr Stanislavovych Syrskyi")
    assert found("stanislavovych") == [claim]
    assert other not in found("sirsky")


def test_documents_follow_a_place_alias():
    huliaipole = PlaceFactory(name="Huliaipole")
    claim = ClaimFactory(places=[huliaipole], statement="Shelling continued.")
    PlaceAliasFactory(place=huliaipole, name="Gulyaipole")
    assert found("gulyaipole") == [claim]
    alias = alias_add(record=huliaipole, name="Guliaypole", language="ru")
    assert (alias.place, alias.language) == (huliaipole, "ru")
    assert found("guliaypole") == [claim]


def test_documents_follow_a_merge(editor):
    into = ClaimFactory(statement="Forces regained ground.")
    duplicate = ClaimFactory(statement="Forces regained ground.")
    source = SourceFactory(body="Commanders reported that Malaya Loknya was retaken.")
    appearance_add(claim=duplicate, source=source, exact="Malaya Loknya")
    claims_merge(duplicate=duplicate, into=into)
    assert found("loknya", Claim.objects.active()) == [into]


def test_reindex_rebuilds_documents_written_around_the_services():
    claim = ClaimFactory(statement="Forces regained ground.")
    Claim.objects.filter(pk=claim.pk).update(statement="Drones struck a depot.")
    assert found("depot") == []
    claims_reindex(claim_ids=[claim.pk])
    assert found("depot") == [claim]
    assert found("regained") == []


def test_a_nul_character_is_dropped():
    claim = ClaimFactory(statement="Forces regained control of 24 settlements.")
    assert found("settle\x00ments") == [claim]


# --- PostgreSQL ----------------------------------------------------------------


@postgresql
def test_ranking_puts_the_claim_about_the_word_first():
    source = SourceFactory(body="One settlement changed hands last week, officials said.")
    in_passing = ClaimFactory(statement="Talks on prisoner exchanges continued in Istanbul.")
    AppearanceFactory(claim=in_passing, source=source, excerpt=ExcerptFactory(source=source))
    about = ClaimFactory(statement="Settlement regained: the settlement of Sudzha is held.")
    ClaimFactory(statement="Drones struck a depot.")
    assert found("settlement") == [about, in_passing]


@postgresql
def test_stemming_finds_every_form_of_a_word():
    plural = ClaimFactory(statement="Forces regained control of 24 settlements.")
    singular = ClaimFactory(statement="The settlement was shelled overnight.")
    ClaimFactory(statement="The settler left.")
    assert set(found("settlements")) == {plural, singular}
    assert set(found("settlement")) == {plural, singular}


@postgresql
def test_a_quoted_phrase_must_occur_as_written():
    phrase = ClaimFactory(statement="Forces regained control of Sudzha.")
    scattered = ClaimFactory(statement="Control of the road was regained by forces.")
    assert found('"regained control"') == [phrase]
    assert set(found("regained control")) == {phrase, scattered}


@postgresql
def test_or_finds_either_word():
    jeddah = ClaimFactory(statement="Talks began in Jeddah.")
    riyadh = ClaimFactory(statement="Talks began in Riyadh.")
    ClaimFactory(statement="Talks began in Istanbul.")
    assert set(found("jeddah or riyadh")) == {jeddah, riyadh}
    assert found("jeddah riyadh") == []


@postgresql
@pytest.mark.parametrize(
    ("about", "factory", "name", "typed", "unrelated"),
    [
        ("places", PlaceFactory, "Kupiansk", "Kupyansk", "Kursk"),
        ("actors", ActorFactory, "Volodymyr Zelensky", "Zelenskiy", "Zelenograd Council"),
        ("actors", ActorFactory, "Oleksandr Syrskyi", "Syrsky", "Oleksandr Syrota"),
    ],
)
def test_a_misspelt_or_transliterated_name_finds_the_recorded_one(
    about, factory, name, typed, unrelated
):
    hit = ClaimFactory(**{about: [factory(name=name)]}, statement="Shelling continued.")
    ClaimFactory(**{about: [factory(name=unrelated)]}, statement="Shelling continued.")
    assert found(typed) == [hit]
    assert found(f"{typed} -shelling") == []


@postgresql
def test_a_misspelt_claimant_finds_their_claims():
    zelensky = ActorFactory(name="Volodymyr Zelensky")
    claim = ClaimFactory(claimant=zelensky, statement="Ukraine accepts the proposal.")
    ClaimFactory(statement="Ukraine accepts the proposal.")
    assert found("zelenskiy proposal") == [claim]


@postgresql
def test_actor_and_place_search_tolerate_spelling_and_rank_by_likeness():
    syrskyi = ActorFactory(name="Oleksandr Syrskyi")
    ActorFactory(name="Valery Gerasimov")
    assert list(Actor.objects.search("Syrsky")) == [syrskyi]
    assert list(Actor.objects.search("syrs")) == [syrskyi]
    kupiansk = PlaceFactory(name="Kupiansk")
    junction = PlaceFactory(name="Kupiansk-Vuzlovyi")
    PlaceFactory(name="Kursk")
    assert list(Place.objects.search("Kupyansk")) == [kupiansk]
    assert list(Place.objects.search("kúpiansk")) == [kupiansk, junction]


@postgresql
def test_source_search_is_stemmed_and_ranks_the_title_first():
    by_title = SourceFactory(title="Settlements regained", body="Officials spoke on Monday.")
    by_body = SourceFactory(title="Briefing", body="The general said one settlement was held.")
    SourceFactory(title="Talks", body="Negotiators met in Jeddah.")
    assert list(Source.objects.search("settlement")) == [by_title, by_body]


@postgresql
def test_the_list_page_and_the_api_show_the_best_match_first(client):
    in_passing = ClaimFactory(
        statement="Talks continued; one settlement was mentioned.",
        asserted_on=datetime.date(2025, 3, 14),
    )
    about = ClaimFactory(
        statement="Settlement after settlement was regained.",
        asserted_on=datetime.date(2025, 3, 1),
    )
    page = client.get(reverse("claims:claim_list"), {"q": "settlement"})
    assert [claim.pk for claim in page.context["claims"]] == [about.pk, in_passing.pk]
    api = client.get("/api/v1/claims/", {"q": "settlement"}).json()["results"]
    assert [row["id"] for row in api] == [about.pk, in_passing.pk]
    newest = client.get("/api/v1/claims/", {"q": "settlement", "ordering": "-asserted_on"})
    assert [row["id"] for row in newest.json()["results"]] == [in_passing.pk, about.pk]


@postgresql
def test_claim_search_uses_the_gin_index():
    claimant = ActorFactory()
    Claim.objects.bulk_create(
        Claim(statement=f"Routine report number {n} from the front.", claimant=claimant)
        for n in range(3000)
    )
    rare = ClaimFactory(statement="A pontoon bridge was destroyed.")
    claims_reindex(claim_ids=Claim.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
        cursor.execute("SET LOCAL enable_seqscan = off")
    queryset = Claim.objects.search("pontoon")
    assert "claim_search_vector_idx" in queryset.explain()
    assert list(queryset) == [rare]
