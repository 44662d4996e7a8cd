"""Writes on claims: creating, assessing, relating and merging, each all or nothing."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims.models import (
    Actor,
    Appearance,
    Assessment,
    AttributionStep,
    Claim,
    ClaimRelation,
    Evidence,
    Place,
    Quantity,
    Topic,
    VerificationStatus,
)
from claims.services import (
    aliases_set,
    appearance_add,
    appearance_remove,
    claim_assess,
    claim_create,
    claim_delete,
    claim_update,
    claims_assess_batch,
    claims_link,
    claims_merge,
    claims_merge_batch,
    claims_unlink,
    evidence_add,
    named_record_delete,
    quantities_record,
    relation_update,
    roles_set,
    topic_delete,
)
from sources.models import Excerpt
from tests.factories import (
    ActorFactory,
    AppearanceFactory,
    AttributionStepFactory,
    ClaimFactory,
    ClaimRelationFactory,
    EvidenceFactory,
    OutletFactory,
    PlaceFactory,
    QuantityFactory,
    SourceFactory,
    TopicFactory,
)
from tests.helpers import refused

BODY = (
    "Gerasimov told Putin that the army had regained control of 24 settlements and 259 square "
    "kilometres. He said about 430 soldiers had been captured."
)


def _errors(info) -> dict[str, list[str]]:
    return info.value.message_dict


def _rows() -> dict[str, int]:
    models = [Claim, Quantity, Excerpt, Appearance, AttributionStep, Assessment, Evidence]
    return {model.__name__: model.objects.count() for model in models}


# --- claim_create -----------------------------------------------------------


def test_claim_create_records_quantities_appearances_and_chains(db, editor):
    gerasimov, putin = ActorFactory(name="Valery Gerasimov"), ActorFactory(name="Vladimir Putin")
    tass = OutletFactory(name="TASS", reliability="D")
    source = SourceFactory(body=BODY)
    kursk, topic = PlaceFactory(name="Kursk Oblast"), TopicFactory(name="Kursk incursion")

    claim = claim_create(
        statement="Russian forces regained 24 settlements and 259 km² in Kursk Oblast.",
        claimant=gerasimov,
        asserted_on=datetime.date(2025, 3, 12),
        places=[kursk],
        topics=[topic],
        actors=[putin],
        quantities=[
            {"value": Decimal("24"), "counted": "settlements regained"},
            {"value": Decimal("259"), "unit": "square kilometres", "counted": "territory"},
        ],
        appearances=[
            {
                "source": source,
                "exact": "regained control of 24 settlements and 259 square kilometres",
                "chain": [
                    {"actor": gerasimov, "fidelity": "original"},
                    {"label": "briefing to Putin", "actor": putin},
                    {"outlet": tass, "fidelity": "paraphrase"},
                    {"outlet": source.outlet, "fidelity": "paraphrase"},
                ],
            }
        ],
    )

    assert [q.display for q in claim.quantities.all()] == [
        "24 settlements regained",
        "259 km² territory",
    ]
    appearance = claim.appearances.get()
    assert appearance.excerpt.start == BODY.index("regained control")
    assert [str(step) for step in appearance.chain.all()] == [
        "Valery Gerasimov",
        "briefing to Putin",
        "TASS",
        str(source.outlet),
    ]
    assert list(claim.places.all()) == [kursk]
    assert list(claim.topics.all()) == [topic]
    assert list(claim.actors.all()) == [putin]
    assert claim.status == VerificationStatus.UNVERIFIED
    assert claim.history.earliest().history_change_reason == "Created"


def test_claim_create_with_a_bad_quantity_leaves_nothing(db, editor):
    source = SourceFactory(body=BODY)
    before = _rows()
    with pytest.raises(ValidationError) as info:
        claim_create(
            statement="Forces regained 24 settlements.",
            claimant=ActorFactory(),
            quantities=[
                {"value": Decimal("24"), "counted": "settlements"},
                {"value": Decimal("259"), "unit": "hectopascalfurlongs", "counted": "territory"},
            ],
            appearances=[{"source": source, "exact": "24 settlements"}],
        )
    assert list(_errors(info)) == ["quantities.1.unit"]
    assert _rows() == before


def test_claim_create_with_a_reversed_range_keys_the_row(db, editor):
    with pytest.raises(ValidationError) as info:
        claim_create(
            statement="Between 500 and 400 soldiers were captured.",
            claimant=ActorFactory(),
            quantities=[{"value": Decimal("500"), "value_max": Decimal("400"), "counted": "x"}],
        )
    assert _errors(info) == {"quantities.0": ["A range cannot end below where it starts."]}
    assert not Claim.objects.exists()


def test_claim_create_with_a_quote_not_in_the_source_leaves_nothing(db, editor):
    source = SourceFactory(body=BODY)
    before = _rows()
    with pytest.raises(ValidationError) as info:
        claim_create(
            statement="Forces regained 25 settlements.",
            claimant=ActorFactory(),
            quantities=[{"value": Decimal("25"), "counted": "settlements"}],
            appearances=[
                {"source": source, "exact": "24 settlements"},
                {"source": source, "exact": "regained control of 25 settlements"},
            ],
        )
    assert _errors(info) == {
        "appearances.1.exact": ["This text does not occur in the source's body."]
    }
    assert _rows() == before


def test_claim_create_with_a_chain_step_naming_nobody_leaves_nothing(db, editor):
    source = SourceFactory(body=BODY)
    before = _rows()
    with pytest.raises(ValidationError) as info:
        claim_create(
            statement="Forces regained 24 settlements.",
            claimant=ActorFactory(),
            appearances=[{"source": source, "exact": "24 settlements", "chain": [{}]}],
        )
    assert _errors(info) == {
        "appearances.0.chain.0": ["A step names an actor, an outlet, a source or a label."]
    }
    assert _rows() == before


def test_claim_create_without_a_statement_is_refused(db, editor):
    with refused(Claim, "This field cannot be blank.", field="statement"):
        claim_create(statement="", claimant=ActorFactory())


def test_claim_update_cannot_set_the_status(db, editor):
    claim = ClaimFactory()
    with refused(Claim, "These fields cannot be changed here: status."):
        claim_update(claim=claim, status="verified")
    claim.refresh_from_db()
    assert claim.status == VerificationStatus.UNVERIFIED


def test_an_edit_made_on_an_older_copy_does_not_undo_an_assessment_or_a_merge(db, analyst, editor):
    claim, target = ClaimFactory(), ClaimFactory()
    stale = Claim.objects.get(pk=claim.pk)
    claim_assess(claim=claim, by=analyst, status="false", rationale="Refuted.")
    claim_update(claim=stale, notes="Typo fixed")
    _assert_status_is_latest(claim)
    assert claim.status == "false"

    claims_merge(duplicate=claim, into=target)
    with refused(Claim, "This claim was merged into another; edit that one instead."):
        claim_update(claim=stale, notes="Again")
    claim.refresh_from_db()
    assert claim.merged_into == target


# --- claim_assess -----------------------------------------------------------


def _latest(claim: Claim) -> Assessment:
    return Assessment.objects.filter(claim=claim).latest()


def _assert_status_is_latest(claim: Claim) -> None:
    claim.refresh_from_db()
    assert claim.status == _latest(claim).status


def test_status_follows_the_latest_assessment_also_when_an_older_one_is_imported(db, analyst):
    claim = ClaimFactory()
    now = timezone.now()
    claim_assess(claim=claim, by=analyst, status="in_review", rationale="Checking.")
    _assert_status_is_latest(claim)
    assert claim.status == "in_review"

    claim_assess(claim=claim, by=analyst, status="disputed", rationale="Denied by Kyiv.")
    _assert_status_is_latest(claim)
    assert claim.status == "disputed"

    # An older judgement entered now belongs to history, not to the present.
    claim_assess(
        claim=claim,
        by=analyst,
        status="verified",
        rationale="Imported from last year's review.",
        assessed_at=now - datetime.timedelta(days=300),
    )
    _assert_status_is_latest(claim)
    assert claim.status == "disputed"
    assert claim.assessments.count() == 3


def test_the_callers_copy_of_the_claim_shows_the_new_status(db, analyst):
    claim = ClaimFactory()
    claim_assess(claim=claim, by=analyst, status="disputed", rationale="Denied.")
    assert (claim.status, claim.version) == ("disputed", 2)


def test_a_date_without_time_zone_is_read_in_the_site_time_zone(db, analyst):
    claim = ClaimFactory()
    assessment = claim_assess(
        claim=claim,
        by=analyst,
        status="verified",
        rationale="Imported.",
        assessed_at=datetime.datetime(2025, 3, 13, 9, 30),
    )
    assert assessment.assessed_at == datetime.datetime(2025, 3, 13, 9, 30, tzinfo=datetime.UTC)


def test_a_future_assessment_is_refused(db, analyst):
    claim = ClaimFactory()
    with refused(Assessment, "An assessment cannot be dated in the future.", field="assessed_at"):
        claim_assess(
            claim=claim,
            by=analyst,
            status="verified",
            rationale="From tomorrow.",
            assessed_at=timezone.now() + datetime.timedelta(hours=1),
        )
    claim.refresh_from_db()
    assert claim.status == VerificationStatus.UNVERIFIED


def test_assessments_are_appended_and_never_edited(db, analyst):
    claim = ClaimFactory()
    fields = ("pk", "status", "credibility", "reliability", "rationale", "assessed_at")
    claim_assess(claim=claim, by=analyst, status="in_review", rationale="First look.")
    first = list(Assessment.objects.values_list(*fields))
    claim_assess(
        claim=claim, by=analyst, status="false", credibility=5, rationale="Satellite images."
    )
    assert list(Assessment.objects.order_by("pk").values_list(*fields))[:1] == first
    assert Assessment.objects.count() == 2

    assessment = Assessment.objects.earliest()
    assessment.status = "verified"
    with refused(Assessment, "An assessment is never edited; record a new one instead."):
        assessment.save()
    assert Assessment.objects.earliest().status == "in_review"


def test_assessment_takes_the_reliability_of_the_first_step_of_the_chain_not_the_relay(db, analyst):
    general = ActorFactory(name="Valery Gerasimov", reliability="D")
    claim = ClaimFactory(claimant=general)
    reuters = SourceFactory(outlet=OutletFactory(name="Reuters", reliability="B"))
    appearance = AppearanceFactory(claim=claim, source=reuters)
    AttributionStepFactory(appearance=appearance, position=0, actor=general)
    AttributionStepFactory(appearance=appearance, position=1, actor=None, outlet=reuters.outlet)
    assessment = claim_assess(
        claim=claim, by=analyst, status="disputed", credibility=3, rationale="Not confirmed."
    )
    assert (assessment.grade, assessment.assessed_by) == ("D3", analyst)


def test_assessment_of_a_claim_first_published_by_an_outlet_takes_the_outlets_grade(db, analyst):
    claim = ClaimFactory(claimant=ActorFactory(reliability="E"))
    appearance = AppearanceFactory(
        claim=claim, source=SourceFactory(outlet=OutletFactory(reliability="B"))
    )
    AttributionStepFactory(
        appearance=appearance, position=0, actor=None, outlet=OutletFactory(reliability="A")
    )
    assessment = claim_assess(
        claim=claim, by=analyst, status="verified", credibility=2, rationale="Seen."
    )
    assert assessment.grade == "A2"


def test_assessment_without_a_chain_takes_the_claimants_grade_and_the_analyst_may_override(
    db, analyst
):
    claim = ClaimFactory(claimant=ActorFactory(reliability="C"))
    AppearanceFactory(claim=claim, source=SourceFactory(outlet=OutletFactory(reliability="B")))
    proposed = claim_assess(
        claim=claim, by=analyst, status="in_review", credibility=4, rationale="Checking."
    )
    chosen = claim_assess(
        claim=claim,
        by=analyst,
        status="verified",
        credibility=2,
        reliability="A",
        rationale="Seen.",
    )
    assert (proposed.grade, chosen.grade) == ("C4", "A2")


def test_evidence_needs_a_stance(db, analyst):
    claim = ClaimFactory()
    with pytest.raises(TypeError):
        evidence_add(claim=claim, by=analyst, url="https://example.org/x")  # no default stance
    with refused(Evidence, "This field cannot be blank.", field="stance"):
        evidence_add(claim=claim, by=analyst, stance="", url="https://example.org/x")


def test_a_bad_evidence_row_leaves_no_assessment_and_no_status_change(db, analyst):
    claim = ClaimFactory()
    claim_assess(claim=claim, by=analyst, status="in_review", rationale="Checking.")
    before = _rows()
    with pytest.raises(ValidationError) as info:
        claim_assess(
            claim=claim,
            by=analyst,
            status="false",
            rationale="Refuted.",
            evidence=[
                {"stance": "refutes", "url": "https://example.org/geolocated"},
                {"stance": "refutes", "note": "points nowhere"},
            ],
        )
    assert _errors(info) == {"evidence.1": ["Evidence needs a source, an excerpt or a URL."]}
    assert _rows() == before
    claim.refresh_from_db()
    assert claim.status == "in_review"


def test_an_unknown_status_or_credibility_is_refused(db, analyst):
    claim = ClaimFactory()
    with refused(Assessment, "Value 'rumoured' is not a valid choice.", field="status"):
        claim_assess(claim=claim, by=analyst, status="rumoured", rationale="?")
    with refused(Assessment, "Value 9 is not a valid choice.", field="credibility"):
        claim_assess(claim=claim, by=analyst, status="false", credibility=9, rationale="?")


def test_assessment_evidence_is_attached_to_the_assessment(db, analyst):
    claim = ClaimFactory()
    source = SourceFactory()
    assessment = claim_assess(
        claim=claim,
        by=analyst,
        status="disputed",
        rationale="Kyiv denies it.",
        evidence=[{"stance": "refutes", "source": source, "note": "Statement by Syrskyi"}],
    )
    evidence = assessment.evidence.get()
    assert (evidence.claim, evidence.source, evidence.added_by) == (claim, source, analyst)


@pytest.mark.parametrize("seed", range(8))
def test_status_always_equals_the_latest_assessment(db, analyst, seed):
    """Random histories, with past dates, same-second ties and imports out of order."""
    rng = random.Random(seed)
    claim = ClaimFactory()
    now = timezone.now()
    moments = [now - datetime.timedelta(hours=rng.randint(0, 5)) for _ in range(4)]
    for _ in range(rng.randint(3, 10)):
        assessed_at = rng.choice([*moments, None])
        claim_assess(
            claim=claim,
            by=analyst,
            status=rng.choice(VerificationStatus.values),
            credibility=rng.randint(1, 6),
            rationale="Step of a random history.",
            assessed_at=assessed_at,
        )
        _assert_status_is_latest(claim)


# --- relations ----------------------------------------------------------------


def test_claims_link_records_one_relation_read_from_both_sides(db, analyst):
    claim, counter = ClaimFactory(), ClaimFactory()
    relation = claims_link(
        from_claim=counter, to_claim=claim, kind="contradicts", by=analyst, note="Kyiv denies."
    )
    assert relation.created_by == analyst
    assert relation.label_from(counter) == "contradicts"
    assert relation.label_from(claim) == "contradicted by"


@pytest.mark.parametrize("kind", ["contradicts", "same_as"])
def test_claims_link_refuses_the_reverse_of_a_symmetric_relation(db, analyst, kind):
    a, b = ClaimFactory(), ClaimFactory()
    claims_link(from_claim=a, to_claim=b, kind=kind, by=analyst)
    with refused(ClaimRelation, "This relation between these claims is already recorded."):
        claims_link(from_claim=b, to_claim=a, kind=kind, by=analyst)
    with refused(ClaimRelation, "This relation between these claims is already recorded."):
        claims_link(from_claim=a, to_claim=b, kind=kind, by=analyst)


def test_claims_link_refuses_a_claim_and_itself(db, analyst):
    claim = ClaimFactory()
    with refused(ClaimRelation, "A claim cannot be related to itself."):
        claims_link(from_claim=claim, to_claim=claim, kind="supports", by=analyst)


def test_claims_link_refuses_a_merged_claim(db, analyst):
    target, duplicate = ClaimFactory(), ClaimFactory()
    claims_merge(duplicate=duplicate, into=target)
    with refused(
        ClaimRelation, "A merged claim cannot be related; relate the claim it was merged into."
    ):
        claims_link(from_claim=ClaimFactory(), to_claim=duplicate, kind="supports", by=analyst)


def test_claims_unlink_removes_the_relation_and_keeps_its_history(db, analyst):
    relation = claims_link(
        from_claim=ClaimFactory(), to_claim=ClaimFactory(), kind="supports", by=analyst
    )
    pk = relation.pk
    claims_unlink(relation=relation)
    assert not ClaimRelation.objects.filter(pk=pk).exists()
    deleted = ClaimRelation.history.filter(id=pk).latest("history_date")
    assert (deleted.history_type, deleted.history_change_reason) == ("-", "Unlinked")


def test_relation_update_of_the_note_edits_the_same_relation(db, analyst):
    relation = claims_link(
        from_claim=ClaimFactory(), to_claim=ClaimFactory(), kind="supports", by=analyst
    )
    edited = relation_update(relation=relation, by=analyst, note="Same figures", expected_version=1)
    assert edited.pk == relation.pk
    assert ClaimRelation.objects.get(pk=relation.pk).note == "Same figures"


def test_relation_update_of_its_ends_unlinks_and_links_anew(db, analyst):
    first, second, third = ClaimFactory(), ClaimFactory(), ClaimFactory()
    relation = claims_link(from_claim=first, to_claim=second, kind="supports", by=analyst)
    moved = relation_update(relation=relation, by=analyst, to_claim=third, kind="contradicts")
    assert not ClaimRelation.objects.filter(pk=relation.pk).exists()
    assert (moved.from_claim, moved.to_claim, moved.kind) == (first, third, "contradicts")
    assert moved.created_by == analyst


def test_relation_update_refuses_a_relink_onto_an_existing_symmetric_relation(db, analyst):
    first, second, third = ClaimFactory(), ClaimFactory(), ClaimFactory()
    claims_link(from_claim=second, to_claim=first, kind="contradicts", by=analyst)
    relation = claims_link(from_claim=first, to_claim=third, kind="contradicts", by=analyst)
    with pytest.raises(ValidationError, match="already recorded"):
        relation_update(relation=relation, by=analyst, to_claim=second)
    assert ClaimRelation.objects.get(pk=relation.pk).to_claim == third


def test_relation_update_with_a_stale_version_changes_nothing(db, analyst):
    relation = claims_link(
        from_claim=ClaimFactory(), to_claim=ClaimFactory(), kind="supports", by=analyst
    )
    relation_update(relation=relation, by=analyst, note="First edit", expected_version=1)
    with pytest.raises(ValidationError):
        relation_update(relation=relation, by=analyst, to_claim=ClaimFactory(), expected_version=1)
    assert ClaimRelation.objects.get(pk=relation.pk).note == "First edit"


def test_claims_assess_batch_assesses_every_claim(db, analyst):
    claims = [ClaimFactory(), ClaimFactory()]
    recorded = claims_assess_batch(
        claims=claims, by=analyst, status="disputed", rationale="Contradicted by imagery."
    )
    assert len(recorded) == 2
    assert set(Claim.objects.values_list("status", flat=True)) == {"disputed"}


def test_claims_assess_batch_is_all_or_nothing_and_names_the_refused_claim(db, analyst):
    kept, merged = ClaimFactory(), ClaimFactory()
    claims_merge(duplicate=merged, into=ClaimFactory())
    with pytest.raises(ValidationError) as info:
        claims_assess_batch(claims=[kept, merged], by=analyst, status="false", rationale="Checked.")
    assert str(merged) in " ".join(info.value.messages)
    assert not Assessment.objects.filter(claim=kept).exists()


def test_claims_merge_batch_merges_every_duplicate_into_the_kept_claim(db, analyst):
    kept, first, second = ClaimFactory(), ClaimFactory(), ClaimFactory()
    AppearanceFactory(claim=first)
    AppearanceFactory(claim=second)
    claims_merge_batch(duplicates=[kept, first, second], into=kept, note="Same statement")
    assert set(Claim.objects.filter(merged_into=kept)) == {first, second}
    assert kept.appearances.count() == 2


def test_claims_merge_batch_is_all_or_nothing(db, analyst):
    kept, duplicate, already = ClaimFactory(), ClaimFactory(), ClaimFactory()
    claims_merge(duplicate=already, into=ClaimFactory())
    with pytest.raises(ValidationError) as info:
        claims_merge_batch(duplicates=[duplicate, already], into=kept)
    assert str(already) in " ".join(info.value.messages)
    assert Claim.objects.get(pk=duplicate.pk).merged_into is None


# --- claims_merge -------------------------------------------------------------


@pytest.fixture
def merge_case(db, analyst):
    """A duplicate and a target claim, each with everything a claim can have."""
    target, duplicate = ClaimFactory(statement="Target"), ClaimFactory(statement="Duplicate")
    x, y, z = ClaimFactory(statement="X"), ClaimFactory(statement="Y"), ClaimFactory(statement="Z")
    shared_actor, shared_place, shared_topic = ActorFactory(), PlaceFactory(), TopicFactory()
    target.actors.set([shared_actor])
    target.places.set([shared_place])
    target.topics.set([shared_topic])
    duplicate.actors.set([shared_actor, ActorFactory()])
    duplicate.places.set([shared_place, PlaceFactory()])
    duplicate.topics.set([TopicFactory()])

    for claim, appearances in ((target, 1), (duplicate, 2)):
        for _ in range(appearances):
            appearance = AppearanceFactory(claim=claim)
            AttributionStepFactory(appearance=appearance, position=0)
            AttributionStepFactory(appearance=appearance, position=1)
        QuantityFactory(claim=claim)
        EvidenceFactory(claim=claim)
    QuantityFactory(claim=duplicate, value=Decimal("259"), unit="km²", counted="territory")

    now = timezone.now()
    claim_assess(claim=target, by=analyst, status="in_review", rationale="t1")
    claim_assess(
        claim=duplicate,
        by=analyst,
        status="verified",
        rationale="d1",
        assessed_at=now - datetime.timedelta(days=3),
    )
    claim_assess(
        claim=duplicate,
        by=analyst,
        status="disputed",
        rationale="d2",
        evidence=[{"stance": "refutes", "url": "https://example.org/denial"}],
    )

    kept = [
        ClaimRelationFactory(from_claim=duplicate, to_claim=x, kind="contradicts"),
        ClaimRelationFactory(from_claim=y, to_claim=duplicate, kind="responds_to"),
    ]
    ClaimRelationFactory(from_claim=target, to_claim=y, kind="supports")
    ClaimRelationFactory(from_claim=target, to_claim=z, kind="contradicts")
    dropped = [
        ClaimRelationFactory(from_claim=duplicate, to_claim=y, kind="supports"),  # repeat
        ClaimRelationFactory(from_claim=z, to_claim=duplicate, kind="contradicts"),  # reverse
        ClaimRelationFactory(from_claim=duplicate, to_claim=target, kind="same_as"),  # self
    ]
    earlier = ClaimFactory(statement="Merged earlier")
    claims_merge(duplicate=earlier, into=duplicate)
    return {
        "target": target,
        "duplicate": duplicate,
        "earlier": earlier,
        "third": (x, y, z),
        "kept": kept,
        "dropped": dropped,
    }


def test_merge_loses_nothing(merge_case, analyst):
    target, duplicate = merge_case["target"], merge_case["duplicate"]
    x, y, z = merge_case["third"]
    before = _rows()
    expected_actors = {*target.actors.all(), *duplicate.actors.all()}
    expected_places = {*target.places.all(), *duplicate.places.all()}
    expected_topics = {*target.topics.all(), *duplicate.topics.all()}
    moved = {
        "appearances": {*target.appearances.all(), *duplicate.appearances.all()},
        "quantities": {*target.quantities.all(), *duplicate.quantities.all()},
        "evidence": {*target.evidence.all(), *duplicate.evidence.all()},
        "assessments": {*target.assessments.all(), *duplicate.assessments.all()},
    }
    relations_before = ClaimRelation.objects.count()

    result = claims_merge(duplicate=duplicate, into=target, note="Same briefing.")

    assert result == target
    assert _rows() == before
    for name, rows in moved.items():
        assert set(getattr(target, name).all()) == rows, name
        assert not getattr(duplicate, name).exists(), name
    assert AttributionStep.objects.filter(appearance__claim=target).count() == 6
    assert ClaimRelation.objects.count() == relations_before - 3
    assert {
        (r.from_claim, r.to_claim, r.kind) for r in ClaimRelation.objects.involving(target)
    } == {
        (target, x, "contradicts"),
        (y, target, "responds_to"),
        (target, y, "supports"),
        (target, z, "contradicts"),
    }
    assert not ClaimRelation.objects.involving(duplicate).exists()
    assert set(target.actors.all()) == expected_actors
    assert set(target.places.all()) == expected_places
    assert set(target.topics.all()) == expected_topics


def test_merge_keeps_the_duplicate_as_a_record(merge_case, analyst):
    target, duplicate, earlier = (
        merge_case["target"],
        merge_case["duplicate"],
        merge_case["earlier"],
    )
    claims_merge(duplicate=duplicate, into=target, note="Same briefing.")

    duplicate.refresh_from_db()
    earlier.refresh_from_db()
    assert duplicate.merged_into == target
    assert earlier.merged_into == target
    assert duplicate.notes.endswith("Merged: Same briefing.")
    reason = f"Merged claim #{duplicate.pk} into #{target.pk}"
    assert duplicate.history.first().history_change_reason == reason
    assert duplicate.history.first().merged_into_id == target.pk
    appearance = target.appearances.order_by("-pk").first()
    assert appearance.history.first().history_change_reason == reason
    for relation in merge_case["dropped"]:
        deleted = ClaimRelation.history.filter(id=relation.pk).latest("history_date")
        assert (deleted.history_type, deleted.history_change_reason) == ("-", reason)
    assert set(Claim.objects.active()) >= {target}
    assert duplicate not in Claim.objects.active()


def test_merge_sets_the_target_status_from_its_latest_assessment(merge_case, analyst):
    target, duplicate = merge_case["target"], merge_case["duplicate"]
    claims_merge(duplicate=duplicate, into=target)
    _assert_status_is_latest(target)
    assert target.status == "disputed"  # the duplicate's later judgement

    # Every claim's status is its latest assessment's, or unverified without one.
    for claim in Claim.objects.all():
        latest = claim.assessments.order_by("-assessed_at", "-id").first()
        assert claim.status == (latest.status if latest else "unverified"), claim
    duplicate.refresh_from_db()
    assert duplicate.history.filter(status="disputed").exists()


def test_merge_into_itself_is_refused(db, analyst):
    claim = ClaimFactory()
    with refused(Claim, "A claim cannot be merged into itself.", count=_merged_count):
        claims_merge(duplicate=claim, into=claim)


def test_merging_an_already_merged_claim_is_refused(db, analyst):
    target, duplicate, other = ClaimFactory(), ClaimFactory(), ClaimFactory()
    claims_merge(duplicate=duplicate, into=target)
    with refused(Claim, "This claim was already merged.", count=_merged_count):
        claims_merge(duplicate=duplicate, into=other)


def test_merging_into_a_merged_claim_is_refused(db, analyst):
    target, duplicate, other = ClaimFactory(), ClaimFactory(), ClaimFactory()
    AppearanceFactory(claim=other)
    claims_merge(duplicate=duplicate, into=target)
    with refused(
        Claim,
        "The target claim was itself merged; merge into the claim it became.",
        count=_merged_count,
    ):
        claims_merge(duplicate=other, into=duplicate)
    assert other.appearances.count() == 1


def test_a_merged_claim_cannot_be_assessed_or_edited(db, analyst, editor):
    target, duplicate = ClaimFactory(), ClaimFactory()
    claims_merge(duplicate=duplicate, into=target)
    with refused(Assessment, "This claim was merged into another; assess that one instead."):
        claim_assess(claim=duplicate, by=analyst, status="false", rationale="x")
    with refused(Claim, "This claim was merged into another; edit that one instead."):
        claim_update(claim=duplicate, statement="Changed")


def test_nothing_can_be_added_to_a_merged_claim(db, analyst, editor):
    target, duplicate = ClaimFactory(), ClaimFactory()
    claims_merge(duplicate=duplicate, into=target)
    message = "This claim was merged into another; add to that one instead."
    with refused(Quantity, message):
        quantities_record(claim=duplicate, quantities=[{"value": 1, "counted": "x"}])
    with refused(Appearance, message):
        appearance_add(claim=duplicate, source=SourceFactory())
    with refused(Evidence, message):
        evidence_add(claim=duplicate, by=analyst, stance="supports", url="https://example.org/x")


def _merged_count() -> int:
    return Claim.objects.filter(merged_into__isnull=False).count()


# --- merging keeps every note -------------------------------------------------


def test_merging_two_claims_related_to_a_third_keeps_both_notes(db):
    kept, duplicate, third = ClaimFactory(), ClaimFactory(), ClaimFactory()
    ClaimRelationFactory(from_claim=kept, to_claim=third, kind="supports", note="note A")
    repeat = ClaimRelationFactory(
        from_claim=duplicate, to_claim=third, kind="supports", note="note B"
    )

    claims_merge(duplicate=duplicate, into=kept)

    (relation,) = ClaimRelation.objects.involving(third)
    assert (relation.from_claim, relation.kind) == (kept, "supports")
    assert relation.note == "note A; note B"
    reason = f"Merged claim #{duplicate.pk} into #{kept.pk}"
    assert relation.history.first().history_change_reason == reason
    folded = ClaimRelation.history.filter(id=repeat.pk).latest("history_date")
    assert (folded.history_type, folded.note) == ("-", "note B")


def test_merging_keeps_the_note_of_a_reversed_symmetric_repeat_and_says_each_note_once(db):
    kept, duplicate, third = ClaimFactory(), ClaimFactory(), ClaimFactory()
    ClaimRelationFactory(from_claim=kept, to_claim=third, kind="contradicts", note="Denied.")
    ClaimRelationFactory(from_claim=third, to_claim=duplicate, kind="contradicts", note="Denied.")
    ClaimRelationFactory(from_claim=duplicate, to_claim=third, kind="supports", note="Also.")

    claims_merge(duplicate=duplicate, into=kept)

    notes = {r.kind: r.note for r in ClaimRelation.objects.involving(kept)}
    assert notes == {"contradicts": "Denied.", "supports": "Also."}


def test_a_relation_between_the_merged_claims_leaves_its_note_on_the_record_of_the_merge(db):
    kept, duplicate = ClaimFactory(), ClaimFactory()
    ClaimRelationFactory(
        from_claim=duplicate, to_claim=kept, kind="same_as", note="Both quote the same briefing."
    )

    claims_merge(duplicate=duplicate, into=kept, note="Duplicate entry.")

    duplicate.refresh_from_db()
    assert not ClaimRelation.objects.exists()
    assert "Merged: Duplicate entry." in duplicate.notes
    assert f"same as #{kept.pk}: Both quote the same briefing." in duplicate.notes


def test_a_merge_writes_a_history_row_for_each_assessment_it_moves(db, analyst):
    kept, duplicate = ClaimFactory(), ClaimFactory()
    assessment = claim_assess(claim=duplicate, by=analyst, status="disputed", rationale="Denied.")

    claims_merge(duplicate=duplicate, into=kept)

    trail = list(assessment.history.order_by("history_id"))
    assert [(row.history_type, row.claim_id) for row in trail] == [
        ("+", duplicate.pk),
        ("~", kept.pk),
    ]
    assert trail[1].history_change_reason == f"Merged claim #{duplicate.pk} into #{kept.pk}"
    assert (trail[1].status, trail[1].rationale) == ("disputed", "Denied.")


# --- judgements are never destroyed -------------------------------------------


def test_an_assessment_has_a_history_row_naming_its_author(db, analyst):
    assessment = claim_assess(
        claim=ClaimFactory(), by=analyst, status="false", rationale="Satellite images."
    )
    (row,) = assessment.history.all()
    assert (row.history_type, row.history_user, row.history_change_reason) == (
        "+",
        analyst,
        "Recorded",
    )
    assert (row.status, row.rationale) == ("false", "Satellite images.")


def test_an_assessment_is_never_deleted_one_by_one_or_in_bulk(db, analyst):
    claim = ClaimFactory()
    assessment = claim_assess(claim=claim, by=analyst, status="disputed", rationale="Denied.")
    message = "An assessment is never deleted; record a new one (e.g. retracted) instead."
    with refused(Assessment, message):
        assessment.delete()
    with refused(
        Assessment, "Assessments are never deleted; record a new one (e.g. retracted) instead."
    ):
        Assessment.objects.filter(claim=claim).delete()


@pytest.mark.parametrize("holder", ["assessment", "piece of evidence", "relation"])
def test_a_judged_evidenced_or_related_claim_is_not_deleted(db, analyst, holder):
    claim = ClaimFactory()
    AppearanceFactory(claim=claim)
    if holder == "assessment":
        claim_assess(claim=claim, by=analyst, status="disputed", rationale="Denied.")
    elif holder == "piece of evidence":
        EvidenceFactory(claim=claim)
    else:
        ClaimRelationFactory(to_claim=claim, kind="supports")
    before = _rows()

    with pytest.raises(ValidationError) as info:
        claim_delete(claim=claim)

    errors = info.value.message_dict
    (summary,) = errors["__all__"]
    assert summary.startswith(f"This claim cannot be deleted: it has 1 {holder}")
    assert "assess it as retracted" in summary and "merge it" in summary
    assert {"assessments", "evidence", "relations"}.intersection(errors) != set()
    assert _rows() == before
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_the_refusal_names_every_record_that_holds_the_claim(db, analyst):
    claim = ClaimFactory()
    claim_assess(claim=claim, by=analyst, status="disputed", rationale="Denied.")
    claim_assess(claim=claim, by=analyst, status="false", rationale="Disproved.")
    EvidenceFactory(claim=claim)
    ClaimRelationFactory(from_claim=claim, kind="supports")

    with pytest.raises(ValidationError) as info:
        claim_delete(claim=claim)

    errors = info.value.message_dict
    assert errors["__all__"][0].startswith(
        "This claim cannot be deleted: it has 2 assessments, 1 piece of evidence and 1 relation."
    )
    assert errors["assessments"] == ["Held by 2 assessments."]
    assert errors["evidence"] == ["Held by 1 piece of evidence."]
    assert errors["relations"] == ["Held by 1 relation."]


def test_a_claim_entered_by_mistake_is_deleted_and_its_history_remains(db):
    claim = ClaimFactory()
    appearance, quantity = AppearanceFactory(claim=claim), QuantityFactory(claim=claim)
    claim_update(claim=claim, notes="Checked.")
    ids = {"claim": claim.pk, Appearance: appearance.pk, Quantity: quantity.pk}

    claim_delete(claim=claim, expected_version=2)

    assert not Claim.objects.filter(pk=ids["claim"]).exists()
    assert not Appearance.objects.filter(pk=ids[Appearance]).exists()
    trail = Claim.history.filter(id=ids["claim"]).order_by("history_id")
    assert [row.history_type for row in trail] == ["+", "~", "-"]
    assert trail.last().history_change_reason == "Deleted"
    assert trail.last().notes == "Checked."
    for model in (Appearance, Quantity):
        assert model.history.filter(id=ids[model], history_type="-").exists(), model.__name__


def test_a_topic_claims_are_filed_under_is_not_deleted(db):
    topic = TopicFactory()
    claim = ClaimFactory(topics=[topic])

    with refused(
        Topic, "This topic cannot be deleted: it has 1 claim in it. Take it off those claims first."
    ):
        topic_delete(topic=topic)

    assert list(claim.topics.all()) == [topic]


def test_an_actor_or_place_claims_are_about_is_not_deleted(db):
    actor, place = ActorFactory(), PlaceFactory()
    ClaimFactory(actors=[actor], places=[place])
    ClaimFactory(actors=[actor])

    with refused(
        Actor,
        "This actor cannot be deleted: it has 2 claims about it. Take it off those claims first.",
    ):
        named_record_delete(record=actor)
    with refused(
        Place,
        "This place cannot be deleted: it has 1 claim about it. Take it off those claims first.",
    ):
        named_record_delete(record=place)


def test_an_empty_topic_is_deleted_and_its_history_remains(db):
    topic = TopicFactory(name="Jeddah talks")
    topic_id = topic.pk

    topic_delete(topic=topic, expected_version=1)

    assert not Topic.objects.exists()
    trail = Topic.history.filter(id=topic_id).order_by("history_id")
    assert [(row.history_type, row.name) for row in trail] == [
        ("+", "Jeddah talks"),
        ("-", "Jeddah talks"),
    ]
    assert trail.last().history_change_reason == "Deleted"


def test_a_stale_version_refuses_a_delete(db):
    topic = TopicFactory()
    with refused(Topic, "This record was changed since you read it; reload it and retry."):
        topic_delete(topic=topic, expected_version=2)


# --- every refused row at once; appearances of an existing claim; aliases and roles ------


def test_claim_create_reports_every_refused_quantity_and_appearance(db, editor):
    source = SourceFactory(body=BODY)
    before = _rows()
    with pytest.raises(ValidationError) as info:
        claim_create(
            statement="Forces regained 24 settlements.",
            claimant=ActorFactory(),
            quantities=[
                {"value": Decimal("24"), "unit": "zorkmids", "counted": "coins"},
                {"value": Decimal("259"), "counted": "territory"},
                {"value": Decimal("500"), "value_max": Decimal("400"), "counted": "soldiers"},
            ],
            appearances=[
                {"source": source, "exact": "24 settlements"},
                {"source": source, "exact": "words nobody said"},
            ],
        )
    assert set(_errors(info)) == {"quantities.0.unit", "quantities.2", "appearances.1.exact"}
    assert _rows() == before


def test_appearance_remove_keeps_the_history_and_reindexes(db, editor):
    claim = ClaimFactory(statement="Forces advanced.")
    appearance = appearance_add(
        claim=claim,
        source=SourceFactory(body=BODY),
        exact="about 430 soldiers",
        chain=[{"label": "briefing"}, {"outlet": OutletFactory()}],
    )
    assert list(Claim.objects.search("soldiers")) == [claim]

    returned = appearance_remove(appearance=appearance)

    assert returned == claim
    assert not Appearance.objects.filter(claim=claim).exists()
    assert not AttributionStep.objects.filter(appearance_id=appearance.pk).exists()
    reasons = AttributionStep.history.filter(history_type="-").values_list(
        "history_change_reason", flat=True
    )
    assert list(reasons) == ["Removed with its appearance"] * 2
    assert Excerpt.objects.filter(pk=appearance.excerpt_id).exists()
    assert list(Claim.objects.search("soldiers")) == []


def test_appearance_remove_of_a_changed_appearance_is_refused(db, editor):
    appearance = AppearanceFactory()
    with pytest.raises(ValidationError) as info:
        appearance_remove(appearance=appearance, expected_version=appearance.version + 1)
    assert info.value.code == "stale_version"
    assert Appearance.objects.filter(pk=appearance.pk).exists()


def test_aliases_set_keeps_the_unchanged_and_reindexes_claims(db, editor):
    actor = ActorFactory(name="Oleksandr Syrskyi")
    claim = ClaimFactory(claimant=actor)
    kept = aliases_set(record=actor, aliases=[{"name": "Syrskii"}])
    assert kept is True
    first = actor.aliases.get()

    changed = aliases_set(record=actor, aliases=[{"name": "Syrskii"}, {"name": "Syrsky"}])

    assert changed is True
    assert first in actor.aliases.all()
    assert list(Claim.objects.search("Syrsky")) == [claim]
    assert aliases_set(record=actor, aliases=[{"name": "Syrskii"}, {"name": "Syrsky"}]) is False


def test_aliases_set_refuses_repeats_and_the_name_itself(db, editor):
    place = PlaceFactory(name="Kupiansk")
    with pytest.raises(ValidationError) as info:
        aliases_set(
            record=place,
            aliases=[{"name": "Kupyansk"}, {"name": "KUPIANSK"}, {"name": "kupyansk"}],
        )
    assert _errors(info) == {
        "aliases.1.name": ["An alias cannot be the name itself."],
        "aliases.2.name": ["This alias is given twice."],
    }
    assert not place.aliases.exists()


def test_roles_set_reports_each_role_that_ends_before_it_starts(db, editor):
    actor, day = ActorFactory(), datetime.date
    with pytest.raises(ValidationError) as info:
        roles_set(
            actor=actor,
            roles=[
                {"title": "Minister", "start": datetime.date(2010, 1, 1), "end": None},
                {"title": "A", "start": day(2010, 1, 2), "end": day(2010, 1, 1)},
                {"title": "B", "start": day(2011, 1, 2), "end": day(2011, 1, 1)},
            ],
        )
    assert set(_errors(info)) == {"roles.1.end", "roles.2.end"}
