"""Rules that hold for one claims row, refused by validation and by the database alike."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from claims.models import (
    INVERSE_LABELS,
    ActorRole,
    Assessment,
    AttributionStep,
    Claim,
    ClaimRelation,
    Evidence,
    Place,
    Quantity,
    VerificationStatus,
)
from sources.models import Source
from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    AppearanceFactory,
    AssessmentFactory,
    ClaimFactory,
    ClaimRelationFactory,
    PlaceFactory,
    QuantityFactory,
    SourceFactory,
)
from tests.helpers import refused, refused_by_database

NOT_A_CHOICE = "Value 'rumoured' is not a valid choice."


# --- claims and their status -------------------------------------------------


def test_claim_status_outside_the_vocabulary_is_refused_by_validation(db):
    claim = ClaimFactory.build(claimant=ActorFactory(), status="rumoured")
    with refused(Claim, "The status must be one of the verification statuses."):
        claim.full_clean()


def test_claim_status_outside_the_vocabulary_is_refused_by_the_database(db):
    claimant = ActorFactory()
    with refused_by_database(Claim):
        Claim.objects.create(statement="Raw", claimant=claimant, status="rumoured")
    with refused_by_database(Claim):
        Claim.objects.bulk_create([Claim(statement="Raw", claimant=claimant, status="rumoured")])

    claim = ClaimFactory()
    with refused_by_database(Claim):
        Claim.objects.filter(pk=claim.pk).update(status="rumoured")
    claim.refresh_from_db()
    assert claim.status == VerificationStatus.UNVERIFIED


def test_claim_period_ending_before_it_starts_is_refused(db):
    claim = ClaimFactory()
    claim.period_start, claim.period_end = datetime.date(2025, 3, 12), datetime.date(2025, 3, 1)
    with refused(Claim, "The period a claim is about cannot end before it starts."):
        claim.full_clean()
    with refused_by_database(Claim):
        Claim.objects.filter(pk=claim.pk).update(
            period_start=claim.period_start, period_end=claim.period_end
        )


def test_claim_merged_into_itself_is_refused(db):
    claim = ClaimFactory()
    claim.merged_into = claim
    with refused(Claim, "A claim cannot be merged into itself."):
        claim.full_clean()
    with refused_by_database(Claim):
        Claim.objects.filter(pk=claim.pk).update(merged_into=claim)


def test_every_status_has_a_claimreview_rating_and_a_badge():
    for status in VerificationStatus:
        rating, name = status.claimreview_rating
        assert rating is None or 1 <= rating <= 5
        assert name
        assert status.badge_class == "status-" + status.value.replace("_", "-")


# --- assessments --------------------------------------------------------------


def test_assessment_status_outside_the_vocabulary_is_refused(db):
    assessment = AssessmentFactory.build(claim=ClaimFactory(), status="rumoured")
    with refused(Assessment, NOT_A_CHOICE, field="status"):
        assessment.full_clean()
    with refused_by_database(Assessment):
        Assessment.objects.bulk_create([assessment])


@pytest.mark.parametrize("credibility", [0, 7])
def test_credibility_outside_one_to_six_is_refused(db, credibility):
    assessment = AssessmentFactory.build(claim=ClaimFactory(), credibility=credibility)
    with refused(Assessment, f"Value {credibility} is not a valid choice.", field="credibility"):
        assessment.full_clean()
    with refused_by_database(Assessment):
        assessment.save()


def test_assessment_reliability_outside_a_to_f_is_refused(db):
    assessment = AssessmentFactory.build(claim=ClaimFactory(), reliability="G")
    with refused(Assessment, "Value 'G' is not a valid choice.", field="reliability"):
        assessment.full_clean()
    with refused_by_database(Assessment):
        assessment.save()


def test_assessment_grade_reads_like_the_admiralty_code(db):
    assessment = AssessmentFactory(reliability="B", credibility=2, status="verified")
    assert assessment.grade == "B2"
    assert str(assessment) == "Verified (B2)"


# --- quantities ---------------------------------------------------------------


def test_quantity_range_ending_below_its_start_is_refused(db):
    quantity = QuantityFactory.build(
        claim=ClaimFactory(), value=Decimal("430"), value_max=Decimal("400")
    )
    with refused(Quantity, "A range cannot end below where it starts."):
        quantity.full_clean()
    with refused_by_database(Quantity):
        quantity.save()


def test_quantity_qualifier_outside_the_list_is_refused_by_the_database(db):
    with refused_by_database(Quantity):
        Quantity.objects.create(
            claim=ClaimFactory(), value=1, counted="soldiers", qualifier="roughly"
        )


# --- relations ----------------------------------------------------------------


def test_claim_related_to_itself_is_refused(db):
    claim = ClaimFactory()
    relation = ClaimRelation(from_claim=claim, to_claim=claim, kind="supports")
    with refused(ClaimRelation, "A claim cannot be related to itself."):
        relation.full_clean()
    with refused_by_database(ClaimRelation):
        relation.save()


def test_same_relation_twice_is_refused(db):
    existing = ClaimRelationFactory(kind="supports")
    again = ClaimRelation(
        from_claim=existing.from_claim, to_claim=existing.to_claim, kind="supports"
    )
    with refused(ClaimRelation, "This relation between these claims is already recorded."):
        again.full_clean()
    with refused_by_database(ClaimRelation):
        again.save()


@pytest.mark.parametrize("kind", ["contradicts", "same_as"])
def test_reverse_of_a_symmetric_relation_is_refused(db, kind):
    existing = ClaimRelationFactory(kind=kind)
    reverse = ClaimRelation(from_claim=existing.to_claim, to_claim=existing.from_claim, kind=kind)
    with refused(ClaimRelation, "This relation between these claims is already recorded."):
        reverse.full_clean()
    with refused_by_database(ClaimRelation):
        reverse.save()


@pytest.mark.parametrize("kind", ["supports", "qualifies", "responds_to", "supersedes"])
def test_reverse_of_a_directed_relation_is_a_different_fact(db, kind):
    existing = ClaimRelationFactory(kind=kind)
    reverse = ClaimRelation(from_claim=existing.to_claim, to_claim=existing.from_claim, kind=kind)
    reverse.full_clean()
    reverse.save()
    assert ClaimRelation.objects.count() == 2


def test_relation_kind_outside_the_list_is_refused(db):
    relation = ClaimRelationFactory.build(
        from_claim=ClaimFactory(), to_claim=ClaimFactory(), kind="rebuts"
    )
    with refused(ClaimRelation, "Value 'rebuts' is not a valid choice.", field="kind"):
        relation.full_clean()
    with refused_by_database(ClaimRelation):
        relation.save()


INVERSE_WORDING = {
    "contradicts": ("contradicts", "contradicted by"),
    "supports": ("supports", "supported by"),
    "qualifies": ("qualifies", "qualified by"),
    "responds_to": ("responds to", "responded to by"),
    "same_as": ("same as", "same as"),
    "supersedes": ("supersedes", "superseded by"),
}


@pytest.mark.parametrize("kind", sorted(INVERSE_WORDING))
def test_relation_reads_from_both_sides(db, kind):
    relation = ClaimRelationFactory(kind=kind)
    source_side, target_side = INVERSE_WORDING[kind]
    assert relation.label_from(relation.from_claim) == source_side
    assert relation.other(relation.from_claim) == relation.to_claim
    assert relation.label_from(relation.to_claim) == target_side
    assert relation.other(relation.to_claim) == relation.from_claim


def test_every_relation_kind_has_its_inverse_wording():
    assert set(INVERSE_LABELS) == set(ClaimRelation.Kind)
    assert {kind.inverse_label for kind in ClaimRelation.Kind} == {
        inverse for _, inverse in INVERSE_WORDING.values()
    }


# --- places -----------------------------------------------------------------


@pytest.mark.parametrize(
    "latitude, longitude",
    [(Decimal("91"), Decimal("35")), (Decimal("51"), Decimal("-181")), (Decimal("51"), None)],
    ids=["latitude", "longitude", "only-one"],
)
def test_coordinates_out_of_range_are_refused(db, latitude, longitude):
    place = PlaceFactory.build(latitude=latitude, longitude=longitude)
    message = "Give both latitude (−90 to 90) and longitude (−180 to 180), or neither."
    with refused(Place, message):
        place.full_clean()
    with refused_by_database(Place):
        place.save()


def test_place_inside_itself_is_refused(db):
    kursk = PlaceFactory(name="Kursk Oblast", kind=Place.Kind.REGION)
    sudzha = PlaceFactory(name="Sudzha", parent=kursk)
    kursk.parent = kursk
    with refused(Place, "A place cannot be inside itself.", field="parent"):
        kursk.full_clean()
    kursk.parent = sudzha
    with refused(Place, "A place cannot be inside itself.", field="parent"):
        kursk.full_clean()
    with refused_by_database(Place):
        Place.objects.filter(pk=kursk.pk).update(parent=kursk)


def test_saving_a_place_into_its_own_subtree_without_validation_is_refused(db):
    kursk = PlaceFactory(name="Kursk Oblast", kind=Place.Kind.REGION)
    sudzha = PlaceFactory(name="Sudzha", parent=kursk)
    kursk.parent = sudzha

    with pytest.raises(ValidationError, match="A place cannot be inside itself"):
        kursk.save()

    kursk.refresh_from_db()
    assert kursk.parent is None


def test_moving_a_place_moves_everything_inside_it(db):
    russia = PlaceFactory(name="Russia", kind=Place.Kind.COUNTRY)
    ukraine = PlaceFactory(name="Ukraine", kind=Place.Kind.COUNTRY)
    region = PlaceFactory(name="Disputed region", parent=ukraine)
    town = PlaceFactory(name="Town", parent=region)
    village = PlaceFactory(name="Village", parent=town)

    region.parent = russia
    region.save()

    village.refresh_from_db()
    town.refresh_from_db()
    assert town.ancestor_path == f"/{russia.pk}/{region.pk}/"
    assert village.ancestor_path == f"/{russia.pk}/{region.pk}/{town.pk}/"
    assert village.ancestor_ids == [russia.pk, region.pk, town.pk]
    assert set(Place.objects.inside(russia)) == {russia, region, town, village}
    assert set(Place.objects.inside(ukraine)) == {ukraine}


def test_a_top_level_place_name_is_unique(db):
    PlaceFactory(name="Kursk Oblast")
    with refused(Place, "A top-level place with this name already exists."):
        PlaceFactory.build(name="Kursk Oblast").full_clean()


# --- actors -----------------------------------------------------------------


def test_role_ending_before_it_starts_is_refused(db):
    role = ActorRoleFactory.build(
        actor=ActorFactory(), start=datetime.date(2024, 1, 1), end=datetime.date(2023, 1, 1)
    )
    with refused(ActorRole, "A role cannot end before it starts."):
        role.full_clean()
    with refused_by_database(ActorRole):
        role.save()


def test_role_on_a_day_finds_the_role_held_then(db):
    actor = ActorFactory()
    old = ActorRoleFactory(
        actor=actor,
        title="Commander",
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2023, 1, 1),
    )
    new = ActorRoleFactory(actor=actor, title="Chief", start=datetime.date(2023, 1, 2), end=None)
    assert actor.role_on(datetime.date(2022, 6, 1)) == old
    assert actor.role_on(datetime.date(2025, 3, 12)) == new
    assert actor.role_on(datetime.date(2019, 1, 1)) is None


def test_actor_cannot_belong_to_itself(db):
    side = ActorFactory(kind="side")
    army = ActorFactory(kind="military", affiliation=side)
    side.affiliation = army
    with pytest.raises(ValidationError) as info:
        side.full_clean()
    assert info.value.message_dict == {"affiliation": ["An actor cannot belong to itself."]}


# --- appearances, chains and evidence ------------------------------------------------


def test_attribution_step_naming_nobody_is_refused(db):
    step = AttributionStep(appearance=AppearanceFactory(), position=0)
    with refused(AttributionStep, "A step names an actor, an outlet, a source or a label."):
        step.full_clean()
    with refused_by_database(AttributionStep):
        step.save()


def test_evidence_pointing_nowhere_is_refused(db):
    evidence = Evidence(claim=ClaimFactory(), stance="supports")
    with refused(Evidence, "Evidence needs a source, an excerpt or a URL."):
        evidence.full_clean()
    with refused_by_database(Evidence):
        evidence.save()


def test_appearance_excerpt_must_come_from_its_source(db):
    appearance = AppearanceFactory()
    appearance.source = SourceFactory()
    with pytest.raises(ValidationError) as info:
        appearance.full_clean()
    assert info.value.message_dict == {"excerpt": ["The excerpt must come from the same source."]}


# --- the tracked-model base ---------------------------------------------------


def test_version_counts_saves(db):
    claim = ClaimFactory()
    assert claim.version == 1
    claim.notes = "Edited"
    claim.save()
    claim.save(update_fields=["notes"])
    claim.refresh_from_db()
    assert claim.version == 3


def test_a_failed_save_does_not_count_as_a_version(db):
    claim = ClaimFactory()
    claim.status = "rumoured"
    with refused_by_database(Claim):
        claim.save()
    assert claim.version == 1


def test_save_validated_reports_a_race_as_the_constraint_message(db):
    """A duplicate written between validation and saving is caught by the database."""
    existing = SourceFactory()
    copy = Source(outlet=existing.outlet, title="Copy", url=existing.url)
    real = Source.validate_constraints
    calls = []

    def validate_after_the_race(self, exclude=None):
        calls.append(self)
        if len(calls) > 1:  # the first check ran before the other writer committed
            real(self, exclude=exclude)

    with (
        mock.patch.object(Source, "validate_constraints", validate_after_the_race),
        refused(Source, "A source with this URL is already recorded.", field="url"),
    ):
        copy.save_validated()
    assert len(calls) == 2


def test_save_validated_labels_the_history_row(db):
    claim = ClaimFactory()
    claim.notes = "Checked"
    claim.save_validated(reason="Edited")
    assert claim.history.first().history_change_reason == "Edited"

    claim.notes = "Checked again"
    claim.save()
    assert claim.history.first().history_change_reason is None


def test_a_claim_reads_its_relations_from_its_own_side(db):
    regained = ClaimFactory(statement="Regained control of 24 settlements.")
    fighting = ClaimFactory(statement="Battles go on around Sudzha.")
    welcome = ClaimFactory(statement="The welcome.")
    ClaimRelationFactory(from_claim=fighting, to_claim=regained, kind="contradicts")
    ClaimRelationFactory(from_claim=regained, to_claim=welcome, kind="supports")

    claim = Claim.objects.for_detail().get(pk=regained.pk)

    assert claim.relations_by_wording() == [
        ("contradicted by", [(claim.relations_in.get(), fighting)]),
        ("supports", [(claim.relations_out.get(), welcome)]),
    ]
    assert claim.counter_claims() == [fighting]


# --- bounds on what one row may hold -------------------------------------------


def test_a_statement_longer_than_two_thousand_characters_is_refused(db):
    claim = ClaimFactory.build(claimant=ActorFactory(), statement="x" * 2001)
    message = "Ensure this value has at most 2000 characters (it has 2001)."
    with refused(Claim, message, field="statement"):
        claim.full_clean()
    ClaimFactory.build(claimant=claim.claimant, statement="x" * 2000).full_clean()


def test_notes_and_rationales_have_maximum_lengths(db):
    claim = ClaimFactory()
    relation = ClaimRelationFactory.build(from_claim=claim, to_claim=ClaimFactory())
    relation.note = "x" * 10_001
    with pytest.raises(ValidationError) as info:
        relation.full_clean()
    assert "note" in info.value.message_dict
    assessment = Assessment(claim=claim, status="false", rationale="x" * 20_001)
    with pytest.raises(ValidationError) as info:
        assessment.full_clean()
    assert "rationale" in info.value.message_dict


def test_a_claim_asserted_in_the_future_is_refused_but_tomorrow_is_allowed(db):
    today = datetime.date.today()
    claim = ClaimFactory.build(claimant=ActorFactory(), asserted_on=datetime.date(9999, 12, 31))
    message = "This date is in the future; give the day it happened."
    with refused(Claim, message, field="asserted_on"):
        claim.full_clean()
    claim.asserted_on = today + datetime.timedelta(days=1)  # a time zone ahead of the server
    claim.full_clean()


def test_a_claim_may_be_about_the_coming_years_but_not_centuries_ahead(db):
    next_decade = datetime.date(datetime.date.today().year + 10, 1, 1)
    claim = ClaimFactory.build(claimant=ActorFactory(), period_end=next_decade)
    claim.full_clean()
    claim.period_end = datetime.date(9999, 12, 31)
    message = "This date is more than a hundred years ahead; check the year."
    with refused(Claim, message, field="period_end"):
        claim.full_clean()


def test_a_role_ending_in_year_9999_is_refused(db):
    role = ActorRoleFactory.build(actor=ActorFactory(), end=datetime.date(9999, 12, 31))
    with pytest.raises(ValidationError) as info:
        role.full_clean()
    assert "end" in info.value.message_dict


@pytest.mark.parametrize("unit", ["km**99999", "km**4", "m**0.5", "km*m*cm*mm"])
def test_a_unit_raised_to_an_absurd_power_is_refused_with_a_message(db, unit):
    quantity = QuantityFactory.build(claim=ClaimFactory(), value=Decimal(1), unit=unit)
    message = f"“{unit}” is not a unit a claim measures in: whole powers up to 3 only (km², m³)."
    with refused(Quantity, message, field="unit"):
        quantity.full_clean()


def test_a_number_that_vanishes_in_the_canonical_unit_is_refused(db):
    quantity = QuantityFactory.build(claim=ClaimFactory(), value=Decimal(5), unit="nanometre")
    message = "This number is too small to keep in km, to six decimal places."
    with refused(Quantity, message, field="value"):
        quantity.full_clean()
