"""ClaimFilterSet and friends, tested once at the FilterSet level for pages and API alike."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from claims.filters import (
    ActorFilterSet,
    AssessmentFilterSet,
    ClaimFilterSet,
    EvidenceFilterSet,
    PlaceFilterSet,
    RelationFilterSet,
    TopicFilterSet,
)
from claims.models import Actor, Assessment, Claim, ClaimRelation, Evidence, Place, Topic
from claims.services import claim_assess
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    AppearanceFactory,
    AssessmentFactory,
    ClaimFactory,
    ClaimRelationFactory,
    EvidenceFactory,
    OutletFactory,
    PlaceAliasFactory,
    PlaceFactory,
    QuantityFactory,
    SourceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def claims(**params) -> set[int]:
    filterset = ClaimFilterSet(params, queryset=Claim.objects.for_list())
    assert filterset.is_valid(), filterset.errors
    return {claim.pk for claim in filterset.qs}


def test_status_takes_several_values():
    disputed, false, verified = ClaimFactory(), ClaimFactory(), ClaimFactory()
    for claim, status in ((disputed, "disputed"), (false, "false"), (verified, "verified")):
        claim_assess(claim=claim, by=None, status=status, rationale="Checked.")
    assert claims(status=["disputed", "false"]) == {disputed.pk, false.pk}


def test_unknown_status_is_a_form_error():
    filterset = ClaimFilterSet({"status": ["rumour"]}, queryset=Claim.objects.all())
    assert not filterset.is_valid()
    assert "status" in filterset.errors


def test_claimant_and_actor_involved():
    gerasimov, syrskyi = ActorFactory(name="Gerasimov"), ActorFactory(name="Syrskyi")
    made = ClaimFactory(claimant=gerasimov)
    about = ClaimFactory(claimant=syrskyi, actors=[gerasimov])
    ClaimFactory(claimant=syrskyi)
    assert claims(claimant=gerasimov.pk) == {made.pk}
    assert claims(actor=gerasimov.pk) == {made.pk, about.pk}


def test_place_includes_places_inside_it():
    russia = PlaceFactory(name="Russia", kind=Place.Kind.COUNTRY)
    kursk = PlaceFactory(name="Kursk Oblast", kind=Place.Kind.REGION, parent=russia)
    sudzha = PlaceFactory(name="Sudzha", parent=kursk)
    kharkiv = PlaceFactory(name="Kharkiv Oblast", kind=Place.Kind.REGION)
    about_sudzha = ClaimFactory(places=[sudzha])
    about_kursk = ClaimFactory(places=[kursk])
    ClaimFactory(places=[kharkiv])
    assert claims(place=kursk.pk) == {about_sudzha.pk, about_kursk.pk}
    assert claims(place=russia.pk) == {about_sudzha.pk, about_kursk.pk}
    assert claims(place=sudzha.pk) == {about_sudzha.pk}


def test_claim_about_two_places_inside_the_region_is_listed_once():
    kursk = PlaceFactory(name="Kursk Oblast")
    claim = ClaimFactory(places=[PlaceFactory(parent=kursk), PlaceFactory(parent=kursk), kursk])
    filterset = ClaimFilterSet({"place": kursk.pk}, queryset=Claim.objects.for_list())
    assert [c.pk for c in filterset.qs] == [claim.pk]


def test_topic_outlet_and_source():
    topic = TopicFactory()
    tass = OutletFactory(name="TASS")
    tass_report = SourceFactory(outlet=tass)
    in_tass = AppearanceFactory(source=tass_report).claim
    elsewhere = AppearanceFactory().claim
    in_topic = ClaimFactory(topics=[topic])
    assert claims(topic=topic.pk) == {in_topic.pk}
    assert claims(outlet=tass.pk) == {in_tass.pk}
    assert claims(source=tass_report.pk) == {in_tass.pk}
    assert elsewhere.pk not in claims(outlet=tass.pk)


def test_asserted_before_and_after_include_the_day():
    early = ClaimFactory(asserted_on=datetime.date(2025, 3, 1))
    middle = ClaimFactory(asserted_on=datetime.date(2025, 3, 12))
    ClaimFactory(asserted_on=datetime.date(2025, 3, 20))
    assert claims(asserted_after="2025-03-12", asserted_before="2025-03-12") == {middle.pk}
    assert claims(asserted_before="2025-03-12") == {early.pk, middle.pk}


def test_has_counter_claims_reads_both_directions():
    claim, counter, lone = ClaimFactory(), ClaimFactory(), ClaimFactory()
    ClaimRelationFactory(from_claim=counter, to_claim=claim, kind=ClaimRelation.Kind.CONTRADICTS)
    supported = ClaimFactory()
    ClaimRelationFactory(from_claim=lone, to_claim=supported, kind=ClaimRelation.Kind.SUPPORTS)
    assert claims(has_counter_claims="true") == {claim.pk, counter.pk}
    assert claims(has_counter_claims="false") == {lone.pk, supported.pk}


def test_unit_matches_any_spelling_of_the_canonical_unit():
    territory = QuantityFactory(value=259, unit="square kilometers", counted="territory").claim
    QuantityFactory(value=24, unit="", counted="settlements regained")
    assert claims(unit="km²") == {territory.pk}
    assert claims(unit="sq km") == {territory.pk}
    assert claims(unit="parsecs of nonsense") == set()


def test_counted_matches_words_of_what_is_counted():
    settlements = QuantityFactory(counted="settlements regained").claim
    QuantityFactory(counted="soldiers captured")
    assert claims(counted="settlements") == {settlements.pk}


def test_text_search_finds_statements_excerpts_and_actor_aliases():
    syrskyi = ActorFactory(name="Oleksandr Syrskyi")
    ActorAliasFactory(actor=syrskyi, name="Syrsky")
    by_alias = ClaimFactory(claimant=syrskyi, statement="Battles continue.")
    by_statement = ClaimFactory(statement="About 430 soldiers were captured.")
    appearance = AppearanceFactory(claim=ClaimFactory(statement="Something else."))
    word = appearance.excerpt.exact.split()[1]
    assert claims(q="Syrsky") == {by_alias.pk}
    assert claims(q="430 captured") == {by_statement.pk}
    assert appearance.claim.pk in claims(q=word)


def test_text_search_by_place_alias():
    huliaipole = PlaceFactory(name="Huliaipole")
    PlaceAliasFactory(place=huliaipole, name="Gulyaipole")
    claim = ClaimFactory(places=[huliaipole])
    assert claims(q="gulyaipole") == {claim.pk}


def test_as_of_leaves_out_claims_reported_later_and_shows_the_status_then():
    march_12 = datetime.date(2025, 3, 12)
    old = ClaimFactory(asserted_on=datetime.date(2025, 3, 10))
    later = ClaimFactory(asserted_on=datetime.date(2025, 3, 14))
    undated_but_published = ClaimFactory(asserted_on=None)
    AppearanceFactory(
        claim=undated_but_published,
        source=SourceFactory(published_at=timezone.make_aware(datetime.datetime(2025, 3, 12, 23))),
    )
    at = timezone.make_aware(datetime.datetime(2025, 3, 11, 9))
    claim_assess(claim=old, by=None, status="in_review", rationale="Checking.", assessed_at=at)
    claim_assess(
        claim=old, by=None, status="false", rationale="Refuted.", credibility=5, reliability="B"
    )

    filterset = ClaimFilterSet({"as_of": "2025-03-12"}, queryset=Claim.objects.for_list())
    assert filterset.is_valid(), filterset.errors
    rows = {claim.pk: claim for claim in filterset.qs}
    assert set(rows) == {old.pk, undated_but_published.pk}
    assert later.pk not in rows
    assert rows[old.pk].as_of_status == "in_review"
    assert rows[undated_but_published.pk].as_of_status == "unverified"
    assert rows[undated_but_published.pk].as_of_credibility is None
    # Today the claim is false; as of the 12th it was in review.
    assert Claim.objects.get(pk=old.pk).status == "false"
    assert claims(as_of=str(march_12), status=["in_review"]) == {old.pk}
    assert claims(as_of=str(march_12), status=["false"]) == set()


def test_actor_filters():
    army = ActorFactory(name="Armed Forces", kind=Actor.Kind.MILITARY)
    general = ActorFactory(name="Valery Gerasimov", affiliation=army)
    ActorAliasFactory(actor=general, name="Gerasimow")
    ActorFactory(name="Marco Rubio")
    qs = Actor.objects.for_list()
    assert {a.pk for a in ActorFilterSet({"q": "gerasimow"}, queryset=qs).qs} == {general.pk}
    assert {a.pk for a in ActorFilterSet({"kind": ["military"]}, queryset=qs).qs} == {army.pk}
    assert {a.pk for a in ActorFilterSet({"affiliation": army.pk}, queryset=qs).qs} == {general.pk}


def test_place_filters():
    kursk = PlaceFactory(name="Kursk Oblast", kind=Place.Kind.REGION)
    sudzha = PlaceFactory(name="Sudzha", parent=kursk)
    village = PlaceFactory(name="Village", parent=sudzha)
    PlaceFactory(name="Kherson")
    qs = Place.objects.for_list()
    assert {p.pk for p in PlaceFilterSet({"within": kursk.pk}, queryset=qs).qs} == {
        kursk.pk,
        sudzha.pk,
        village.pk,
    }
    assert {p.pk for p in PlaceFilterSet({"parent": kursk.pk}, queryset=qs).qs} == {sudzha.pk}
    assert {p.pk for p in PlaceFilterSet({"q": "sudz"}, queryset=qs).qs} == {sudzha.pk}


def test_topic_filter():
    kursk = TopicFactory(name="Kursk incursion")
    TopicFactory(name="Jeddah talks")
    qs = Topic.objects.for_list()
    assert [t.pk for t in TopicFilterSet({"q": "kursk"}, queryset=qs).qs] == [kursk.pk]


def test_topic_search_matches_every_word_in_name_or_description():
    talks = TopicFactory(name="Jeddah talks", description="Ceasefire negotiations in March 2025")
    TopicFactory(name="Kursk incursion", description="Fighting in Kursk Oblast")
    qs = Topic.objects.for_list()
    found = TopicFilterSet({"q": "jeddah ceasefire"}, queryset=qs).qs
    assert [t.pk for t in found] == [talks.pk]
    assert not TopicFilterSet({"q": "jeddah kursk"}, queryset=qs).qs.exists()


def test_relation_filter_by_claim_reads_both_sides():
    claim = ClaimFactory()
    out = ClaimRelationFactory(from_claim=claim)
    into = ClaimRelationFactory(to_claim=claim, kind=ClaimRelation.Kind.SUPPORTS)
    ClaimRelationFactory()
    qs = ClaimRelation.objects.for_list()
    found = RelationFilterSet({"claim": claim.pk}, queryset=qs).qs
    assert {r.pk for r in found} == {out.pk, into.pk}
    supports = RelationFilterSet({"kind": ["supports"]}, queryset=qs).qs
    assert {r.pk for r in supports} == {into.pk}


def test_assessment_and_evidence_filters():
    first = AssessmentFactory(status="disputed")
    AssessmentFactory(status="verified")
    qs = Assessment.objects.for_list()
    found = AssessmentFilterSet({"claim": first.claim.pk}, queryset=qs).qs
    assert [a.pk for a in found] == [first.pk]
    assert {a.pk for a in AssessmentFilterSet({"status": ["disputed"]}, queryset=qs).qs} == {
        first.pk
    }
    refutes = EvidenceFactory(stance=Evidence.Stance.REFUTES)
    EvidenceFactory()
    found = EvidenceFilterSet({"stance": ["refutes"]}, queryset=Evidence.objects.all()).qs
    assert [e.pk for e in found] == [refutes.pk]


def test_name_is_exact_on_the_name_or_an_alias_whatever_the_case_and_accents():
    zelensky = ActorFactory(name="Volodymyr Zelenskyy")
    ActorAliasFactory(actor=zelensky, name="Zelenskiy")
    ActorFactory(name="Zelenskiy Office")
    huliaipole = PlaceFactory(name="Huliaipole")
    PlaceAliasFactory(place=huliaipole, name="Gulyaipole")

    def actors(name):
        filterset = ActorFilterSet({"name": name}, queryset=Actor.objects.for_list())
        assert filterset.is_valid(), filterset.errors
        return {actor.pk for actor in filterset.qs}

    def places(name):
        filterset = PlaceFilterSet({"name": name}, queryset=Place.objects.for_list())
        assert filterset.is_valid(), filterset.errors
        return {place.pk for place in filterset.qs}

    assert actors("VOLODYMYR ZELENSKYY") == {zelensky.pk}
    assert actors("zelenskiy") == {zelensky.pk}
    assert actors("Zelensk") == set()
    assert places("Huliaipolé") == {huliaipole.pk}
    assert places("gulyaipole") == {huliaipole.pk}
    assert places("Huliai") == set()


def test_external_id_and_source_system_are_exact():
    mine = ClaimFactory(external_id="A-7", source_system="monitor")
    ClaimFactory(external_id="A-70", source_system="monitor")
    theirs = ClaimFactory(external_id="A-7", source_system="other")

    assert claims(external_id="A-7") == {mine.pk, theirs.pk}
    assert claims(external_id="A-7", source_system="monitor") == {mine.pk}
    assert claims(external_id="A-8") == set()
