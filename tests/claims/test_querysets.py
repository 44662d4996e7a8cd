"""Read paths of claims: the building blocks find the right rows, the read paths keep a budget."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from claims.models import Claim, Place
from claims.services import claim_assess, claims_merge
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ActorRoleFactory,
    AppearanceFactory,
    AssessmentFactory,
    AttributionStepFactory,
    ClaimFactory,
    ClaimRelationFactory,
    EvidenceFactory,
    ExcerptFactory,
    PlaceFactory,
    QuantityFactory,
    SourceFactory,
    TopicFactory,
)


@pytest.fixture
def kursk(db):
    russia = PlaceFactory(name="Russia", kind=Place.Kind.COUNTRY)
    return PlaceFactory(name="Kursk Oblast", kind=Place.Kind.REGION, parent=russia)


def test_about_place_includes_the_places_inside_it(kursk):
    sudzha = PlaceFactory(name="Sudzha", parent=kursk)
    plekhovo = PlaceFactory(name="Plekhovo", parent=sudzha)
    elsewhere = PlaceFactory(name="Zaporizhzhia Oblast", kind=Place.Kind.REGION)
    about_sudzha = ClaimFactory(places=[sudzha])
    about_plekhovo = ClaimFactory(places=[plekhovo, elsewhere])
    about_kursk = ClaimFactory(places=[kursk])
    ClaimFactory(places=[elsewhere])
    ClaimFactory()

    assert set(Claim.objects.about_place(kursk)) == {about_sudzha, about_plekhovo, about_kursk}
    assert set(Claim.objects.about_place(sudzha)) == {about_sudzha, about_plekhovo}
    assert list(Claim.objects.about_place(kursk.parent).order_by("pk")) == [
        about_sudzha,
        about_plekhovo,
        about_kursk,
    ]


def test_search_matches_statement_claimant_alias_and_excerpt(db):
    by_statement = ClaimFactory(statement="Forces regained control of Sudzha.")
    syrskyi = ActorFactory(name="Oleksandr Syrskyi")
    ActorAliasFactory(actor=syrskyi, name="Syrsky")
    ActorAliasFactory(actor=syrskyi, name="Syrskii")
    by_alias = ClaimFactory(claimant=syrskyi, statement="Troops were repositioned.")
    source = SourceFactory(body="The surrender of 430 soldiers near the border was alleged.")
    by_excerpt = ClaimFactory(statement="Soldiers were captured.")
    AppearanceFactory(
        claim=by_excerpt, source=source, excerpt=ExcerptFactory(source=source, start=4)
    )
    ClaimFactory(statement="An unrelated claim about talks in Jeddah.")

    assert list(Claim.objects.search("sudzha")) == [by_statement]
    assert list(Claim.objects.search("SYRSK")) == [by_alias]
    assert list(Claim.objects.search("surrender")) == [by_excerpt]
    assert list(Claim.objects.search('"were repositioned" syrskii')) == [by_alias]
    assert not Claim.objects.search("sudzha syrskii").exists()
    assert Claim.objects.search("").count() == Claim.objects.count()


def test_with_counts_counts_without_duplicating_rows(db):
    claim = ClaimFactory()
    source, other_source = SourceFactory(), SourceFactory()
    AppearanceFactory(claim=claim, source=source)
    AppearanceFactory(claim=claim, source=source)
    AppearanceFactory(claim=claim, source=other_source)
    ClaimRelationFactory(from_claim=claim, kind="contradicts")
    ClaimRelationFactory(to_claim=claim, kind="contradicts")
    ClaimRelationFactory(to_claim=claim, kind="supports")
    QuantityFactory(claim=claim)
    QuantityFactory(claim=claim)
    lonely = ClaimFactory()

    rows = list(Claim.objects.filter(pk__in=[claim.pk, lonely.pk]).with_counts().order_by("pk"))

    assert len(rows) == 2
    counted, empty = rows
    assert (counted.appearance_count, counted.source_count, counted.counter_claim_count) == (
        3,
        2,
        2,
    )
    assert counted.first_reported_at == min(source.published_at, other_source.published_at)
    assert (empty.appearance_count, empty.source_count, empty.counter_claim_count) == (0, 0, 0)
    assert empty.first_reported_at is None


def test_with_counter_claims_finds_both_directions(db):
    contradicted = ClaimRelationFactory(kind="contradicts")
    supported = ClaimRelationFactory(kind="supports")
    contested = {contradicted.from_claim, contradicted.to_claim}
    assert set(Claim.objects.with_counter_claims()) == contested
    assert set(Claim.objects.with_counter_claims(present=False)) == {
        supported.from_claim,
        supported.to_claim,
    }


def test_for_list_leaves_out_merged_claims(db, analyst):
    target, duplicate = ClaimFactory(), ClaimFactory()
    claims_merge(duplicate=duplicate, into=target)
    assert list(Claim.objects.for_list()) == [target]


# --- query budgets ----------------------------------------------------------------


def _claim_with_related_rows(n: int) -> Claim:
    """A claim with ``n`` of every related row, in both relation directions."""
    claimant = ActorFactory()
    for _ in range(n):
        ActorAliasFactory(actor=claimant)
        ActorRoleFactory(actor=claimant, organisation=ActorFactory())
    kursk = PlaceFactory()
    claim = ClaimFactory(
        claimant=claimant,
        actors=[ActorFactory() for _ in range(n)],
        places=[PlaceFactory(parent=kursk) for _ in range(n)],
        topics=[TopicFactory() for _ in range(n)],
    )
    for i in range(n):
        appearance = AppearanceFactory(claim=claim)
        AttributionStepFactory(appearance=appearance, position=0)
        AttributionStepFactory(appearance=appearance, position=1, actor=None, label="relay")
        QuantityFactory(claim=claim, value=i)
        ClaimRelationFactory(from_claim=claim, kind="contradicts")
        ClaimRelationFactory(to_claim=claim, kind="supports")
        assessment = AssessmentFactory(claim=claim)
        EvidenceFactory(claim=claim, assessment=assessment, source=appearance.source)
    return claim


def _read_like_a_list_page(claims) -> list:
    return [
        (
            claim.statement,
            claim.claimant.name,
            claim.appearance_count,
            claim.source_count,
            claim.counter_claim_count,
            claim.first_reported_at,
            [quantity.display for quantity in claim.quantities.all()],
            [a.grade for a in claim.latest_assessments],
        )
        for claim in claims
    ]


def _read_like_a_claim_page(claim: Claim) -> list:
    seen = [claim.claimant.name, claim.claimant.affiliation, claim.merged_into]
    seen += [(role.title, role.organisation) for role in claim.claimant.roles.all()]
    for appearance in claim.appearances.all():
        seen += [appearance.source.title, appearance.source.outlet.name, appearance.excerpt]
        seen += [
            (step.actor, step.outlet, step.source, str(step)) for step in appearance.chain.all()
        ]
    seen += [quantity.display for quantity in claim.quantities.all()]
    for relation in [*claim.relations_out.all(), *claim.relations_in.all()]:
        other = relation.other(claim)
        seen += [relation.label_from(claim), other.statement, other.claimant.name]
        seen += [relation.created_by]
    for assessment in claim.assessments.all():
        seen += [assessment.grade, assessment.assessed_by]
        seen += [(e.source, e.excerpt) for e in assessment.evidence.all()]
    seen += [(e.source.outlet if e.source else None, e.added_by) for e in claim.evidence.all()]
    seen += [actor.name for actor in claim.actors.all()]
    seen += [(place.name, place.parent.name) for place in claim.places.all()]
    seen += [topic.name for topic in claim.topics.all()]
    return seen


@pytest.mark.parametrize("related", [1, 20])
def test_for_list_query_count_does_not_grow_with_related_rows(
    db, django_assert_max_num_queries, related
):
    claims = [_claim_with_related_rows(related) for _ in range(3)]
    # 1 the claims with claimant and counts, 2 their quantities, 3 their latest assessment.
    with django_assert_max_num_queries(3):
        rows = _read_like_a_list_page(Claim.objects.for_list())
    # Three claims, and the other claim of each of their relations.
    assert len(rows) == 3 * (1 + 2 * related)
    listed = {row[0]: row for row in rows}
    for claim in claims:
        row = listed[claim.statement]
        assert row[2:5] == (related, related, related)
        assert len(row[6]) == related
        assert row[7] == ["C3"]


@pytest.mark.parametrize("related", [1, 20])
def test_for_detail_query_count_does_not_grow_with_related_rows(
    db, django_assert_max_num_queries, related
):
    claim = _claim_with_related_rows(related)
    # 1 the claim with claimant, affiliation, merged_into and counts; 2 claimant roles with
    # organisations; 3 appearances with source, outlet, excerpt; 4 their chains with actor,
    # outlet, source; 5 quantities; 6 relations out with the other claim and its claimant;
    # 7 relations in, the same; 8 assessments with assessor; 9 their evidence with source
    # and excerpt; 10 evidence with source, outlet, excerpt, adder; 11 actors; 12 places
    # with parent; 13 topics.
    with django_assert_max_num_queries(13):
        detail = Claim.objects.for_detail().get(pk=claim.pk)
        seen = _read_like_a_claim_page(detail)
    assert detail.appearance_count == related
    assert detail.counter_claim_count == related
    assert len(seen) > 10 * related


def test_for_detail_reads_relations_from_both_sides_without_more_queries(
    db, django_assert_num_queries
):
    claim = ClaimFactory(statement="Russian forces regained control of Sudzha.")
    counter = ClaimFactory(statement="Fighting continues around Sudzha.")
    answer = ClaimFactory(statement="Kyiv answered the claim.")
    ClaimRelationFactory(from_claim=counter, to_claim=claim, kind="contradicts")
    ClaimRelationFactory(from_claim=answer, to_claim=claim, kind="responds_to")
    ClaimRelationFactory(from_claim=claim, to_claim=answer, kind="supersedes")

    detail = Claim.objects.for_detail().get(pk=claim.pk)
    counter_side = Claim.objects.for_detail().get(pk=counter.pk)
    with django_assert_num_queries(0):
        read = sorted(
            (relation.label_from(detail), relation.other(detail).statement)
            for relation in [*detail.relations_out.all(), *detail.relations_in.all()]
        )
        other_side = [
            (relation.label_from(counter_side), relation.other(counter_side).claimant.name)
            for relation in counter_side.relations_out.all()
        ]
    assert read == [
        ("contradicted by", "Fighting continues around Sudzha."),
        ("responded to by", "Kyiv answered the claim."),
        ("supersedes", "Kyiv answered the claim."),
    ]
    assert other_side == [("contradicts", claim.claimant.name)]


def test_the_seed_article_claims_about_sudzha_are_found_under_kursk_and_russia(seed):
    kursk = Place.objects.get(name="Kursk Oblast")
    sudzha = Place.objects.get(name="Sudzha")
    about_sudzha = set(Claim.objects.filter(places=sudzha))
    assert about_sudzha
    assert about_sudzha <= set(Claim.objects.about_place(kursk))
    assert about_sudzha <= set(Claim.objects.about_place(kursk.parent))
    assert not about_sudzha & set(Claim.objects.about_place(Place.objects.get(name="Ukraine")))


def test_the_seed_article_is_searchable_by_alias_and_quote(seed):
    by_alias = Claim.objects.search("Syrsky")
    assert by_alias.exists()
    assert all(
        "Syrsk" in (claim.claimant.name + " ".join(a.name for a in claim.claimant.aliases.all()))
        or "Syrsk" in claim.statement
        or claim.appearances.filter(excerpt__exact__icontains="Syrsk").exists()
        or claim.actors.filter(name__icontains="Syrsk").exists()
        for claim in by_alias
    )
    assert Claim.objects.search('"24 settlements"').exists()


# --- what a claim is shown with, today and as of a past day ---------------------


@pytest.fixture
def judged_twice(db, analyst):
    """A claim disputed on 1 March and found false on 10 March."""
    claim = ClaimFactory(asserted_on=datetime.date(2025, 2, 28))
    for day, status, grade in ((1, "disputed", ("C", 3)), (10, "false", ("B", 2))):
        claim_assess(
            claim=claim,
            by=analyst,
            status=status,
            rationale=f"Judged on {day} March.",
            reliability=grade[0],
            credibility=grade[1],
            assessed_at=timezone.make_aware(datetime.datetime(2025, 3, day, 12)),
        )
    return claim


@pytest.mark.parametrize("read_path", ["for_list", "for_detail"])
def test_a_claim_is_shown_with_its_latest_assessment_today(judged_twice, read_path):
    claim = getattr(Claim.objects, read_path)().get(pk=judged_twice.pk)
    assert claim.shown_status == "false"
    assert claim.shown_assessment.rationale == "Judged on 10 March."
    assert claim.shown_grade == "B2"


def test_a_claim_is_shown_with_the_assessment_current_on_the_day_asked(judged_twice):
    claim = Claim.objects.for_detail().as_of(datetime.date(2025, 3, 5)).get(pk=judged_twice.pk)
    assert claim.shown_status == "disputed"
    assert claim.shown_assessment.rationale == "Judged on 1 March."
    assert claim.shown_grade == "C3"


def test_a_claim_not_yet_assessed_on_the_day_asked_is_shown_unverified(judged_twice):
    claim = Claim.objects.for_list().as_of(datetime.date(2025, 2, 28)).get(pk=judged_twice.pk)
    assert (claim.shown_status, claim.shown_assessment, claim.shown_grade) == (
        "unverified",
        None,
        "",
    )


def test_with_shown_status_filters_by_the_status_of_the_day_asked(judged_twice):
    on_the_fifth = Claim.objects.as_of(datetime.date(2025, 3, 5))
    assert list(on_the_fifth.with_shown_status(["disputed"])) == [judged_twice]
    assert not on_the_fifth.with_shown_status(["false"]).exists()
    assert list(Claim.objects.with_shown_status(["false"])) == [judged_twice]


def test_ancestors_of_lists_the_containing_places_outermost_first(kursk):
    sudzha = PlaceFactory(name="Sudzha", parent=kursk)
    plekhovo = PlaceFactory(name="Plekhovo", parent=sudzha)
    assert Place.objects.ancestors_of(plekhovo) == [kursk.parent, kursk, sudzha]
    assert Place.objects.ancestors_of(kursk.parent) == []


def test_involving_actor_finds_claims_made_by_or_about_the_actor(db):
    syrskyi = ActorFactory(name="Oleksandr Syrskyi")
    made = ClaimFactory(claimant=syrskyi)
    about = ClaimFactory(actors=[syrskyi])
    ClaimFactory()
    assert set(Claim.objects.involving_actor(syrskyi)) == {made, about}
    assert list(Claim.objects.about_actor(syrskyi)) == [about]


def test_by_status_groups_claims_under_their_track_record(db, analyst):
    actor = ActorFactory()
    false_claims = [ClaimFactory(claimant=actor) for _ in range(3)]
    unverified = ClaimFactory(claimant=actor)
    for claim in false_claims:
        claim_assess(claim=claim, by=analyst, status="false", rationale="Refuted.")
    grouped = Claim.objects.for_list().filter(claimant=actor).by_status(shown=10)
    assert [(entry["status"], entry["count"], entry["share"]) for entry, _ in grouped] == [
        ("unverified", 1, 0.25),
        ("false", 3, 0.75),
    ]
    assert grouped[0][1] == [unverified]
    assert set(grouped[1][1]) == set(false_claims)
    latest_two = Claim.objects.for_list().filter(claimant=actor).by_status(shown=2)
    assert [entry["count"] for entry, _ in latest_two] == [1, 3]
    assert sum(len(claims) for _, claims in latest_two) == 2


def test_most_contested_ranks_by_counter_claims_either_way_and_leaves_out_the_rest(db):
    twice, once, supported = ClaimFactory(), ClaimFactory(), ClaimFactory()
    ClaimRelationFactory(from_claim=twice, to_claim=ClaimFactory(), kind="contradicts")
    ClaimRelationFactory(from_claim=ClaimFactory(), to_claim=twice, kind="contradicts")
    ClaimRelationFactory(from_claim=once, to_claim=ClaimFactory(), kind="contradicts")
    ClaimRelationFactory(from_claim=supported, to_claim=ClaimFactory(), kind="supports")
    top = list(Claim.objects.for_list().most_contested(2))
    assert top == [twice, top[1]]
    assert top[1].counter_claim_count == 1
    assert supported not in Claim.objects.for_list().most_contested(10)
