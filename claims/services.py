"""Writes on claims that carry a rule.

Each function is atomic and keyword-only, validates with ``full_clean()`` and raises Django's
``ValidationError``. The admin, the pages and the API call these same
functions, so no door can skip a rule: assessments are appended, never
edited; a relation is recorded once; a merge loses nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from claims.models import (
    CLAIM_HISTORY,
    Actor,
    ActorAlias,
    ActorRole,
    Appearance,
    Assessment,
    AttributionStep,
    Claim,
    ClaimRelation,
    Evidence,
    Place,
    PlaceAlias,
    Quantity,
    Topic,
    VerificationStatus,
)
from claimsbase import search
from claimsbase.services import record_delete, record_save
from sources.models import Excerpt, Outlet, Reliability, Source
from sources.services import excerpt_create

CLAIM_FIELDS = ("statement", "claimant", "asserted_on", "period_start", "period_end", "notes")


def _prefixed(error: ValidationError, prefix: str) -> ValidationError:
    """Re-key a nested row's errors ("unit" -> "quantities.1.unit") so the caller can place them.

    An error about the row as a whole is keyed by the row itself ("quantities.1").
    """
    if hasattr(error, "error_dict"):
        return ValidationError(
            {
                prefix if field == NON_FIELD_ERRORS else f"{prefix}.{field}": messages
                for field, messages in error.error_dict.items()
            }
        )
    return ValidationError({prefix: error.error_list})


def _each_row(rows: Iterable[Mapping[str, Any]], prefix: str, write) -> list:
    """``write(row)`` for every row; every refused row is reported, not only the first.

    The errors of all rows are raised together, keyed by row ("quantities.0.unit",
    "quantities.2.value"); the caller's transaction then writes none of them.
    Each write validates before it saves, and saves in a savepoint, so the rows
    after a refused one are still checked.
    """
    written, errors = [], {}
    for index, row in enumerate(rows):
        try:
            written.append(write(row))
        except ValidationError as error:
            errors.update(_prefixed(error, f"{prefix}.{index}").error_dict)
    if errors:
        raise ValidationError(errors)
    return written


def _refuse_merged(claim: Claim) -> None:
    """Rows added to a merged claim would be hidden behind it; they belong to its target."""
    if Claim.objects.filter(pk=claim.pk, merged_into__isnull=False).exists():
        raise ValidationError(
            "This claim was merged into another; add to that one instead.", code="merged"
        )


def _signed_in(by):
    """The user to record as the author of a row, or None for a script or an anonymous call."""
    return by if getattr(by, "is_authenticated", False) else None


# --- claims --------------------------------------------------------------


@contextmanager
def claim_history_once(claim: Claim, *, reason: str, history_type: str = "~") -> Iterator[None]:
    """Write one history row for the saves and link changes of ``claim`` made in the block.

    django-simple-history writes a row for each save and another for each set
    of links changed (actors, places, topics): recording a claim about a place
    in a topic left a creation row followed by two rows that changed nothing
    but links. Inside the block none is written; after it, one row holds the
    claim as it now stands, its links included. Nothing is written if the
    block raises (its transaction is rolled back anyway).
    """
    claim.skip_history_when_saving = True
    try:
        yield
    finally:
        del claim.skip_history_when_saving
    claim._change_reason = reason
    try:
        CLAIM_HISTORY.create_historical_record(claim, history_type)
    finally:
        claim._change_reason = None


@transaction.atomic
def claim_create(
    *,
    statement: str,
    claimant,
    asserted_on: datetime.date | None = None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    notes: str = "",
    actors: Iterable = (),
    places: Iterable = (),
    topics: Iterable = (),
    quantities: Iterable[Mapping[str, Any]] = (),
    appearances: Iterable[Mapping[str, Any]] = (),
    external_id: str = "",
    source_system: str = "",
) -> Claim:
    """Record a claim with its quantities and appearances, all or nothing."""
    claim = Claim(
        statement=statement,
        claimant=claimant,
        asserted_on=asserted_on,
        period_start=period_start,
        period_end=period_end,
        notes=notes,
        external_id=external_id,
        source_system=source_system,
    )
    with claim_history_once(claim, reason="Created", history_type="+"):
        claim.save_validated()
        claim.actors.set(actors)
        claim.places.set(places)
        claim.topics.set(topics)
    # Quantities and appearances are both checked, so one answer names every refused row.
    errors = {}
    try:
        quantities_record(claim=claim, quantities=quantities)
    except ValidationError as error:
        errors.update(error.error_dict)
    try:
        _each_row(appearances, "appearances", lambda row: appearance_add(claim=claim, **row))
    except ValidationError as error:
        errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    claims_reindex(claim_ids=[claim.pk])
    return claim


@transaction.atomic
def claim_update(*, claim: Claim, expected_version: int | None = None, **changes) -> Claim:
    """Edit a claim's own fields and what it is about; its status is set only by assessing.

    With ``expected_version`` the edit is refused (code ``stale_version``)
    unless the claim is still at that version, checked in the database.
    """
    claim.lock_version(expected_version)
    # Status and merge are written only by assessing and merging: take them from
    # the locked row, so an edit made on an older copy of the claim cannot undo them.
    current = Claim.objects.select_for_update().values("status", "merged_into").get(pk=claim.pk)
    claim.status, claim.merged_into_id = current["status"], current["merged_into"]
    relations = {
        name: changes.pop(name) for name in ("actors", "places", "topics") if name in changes
    }
    unknown = set(changes) - set(CLAIM_FIELDS)
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    if claim.merged_into_id:
        raise ValidationError("This claim was merged into another; edit that one instead.")
    for name, value in changes.items():
        setattr(claim, name, value)
    with claim_history_once(claim, reason="Edited"):
        claim.save_validated()
        for name, values in relations.items():
            getattr(claim, name).set(values)
    claims_reindex(claim_ids=[claim.pk])
    return claim


@transaction.atomic
def quantities_record(*, claim: Claim, quantities: Iterable[Mapping[str, Any]]) -> list[Quantity]:
    """Add the numbers a claim asserts, each normalised to its canonical unit."""
    _refuse_merged(claim)

    def record(fields: Mapping[str, Any]) -> Quantity:
        quantity = Quantity(claim=claim, **fields)
        quantity.save_validated(reason="Recorded")
        return quantity

    return _each_row(quantities, "quantities", record)


@transaction.atomic
def appearance_add(
    *,
    claim: Claim,
    source: Source,
    excerpt: Excerpt | None = None,
    exact: str = "",
    start: int | None = None,
    chain: Iterable[Mapping[str, Any]] = (),
    note: str = "",
) -> Appearance:
    """Record that ``source`` reports ``claim``: the excerpt and the attribution chain.

    The excerpt is either given, or anchored here from its exact text (and
    start offset when the text occurs more than once).
    """
    _refuse_merged(claim)
    if excerpt is None and exact:
        excerpt = excerpt_create(source=source, exact=exact, start=start)
    appearance = Appearance(claim=claim, source=source, excerpt=excerpt, note=note)
    appearance.save_validated(reason="Recorded")
    positions = iter(range(1_000_000))

    def record(fields: Mapping[str, Any]) -> AttributionStep:
        step = AttributionStep(appearance=appearance, position=next(positions), **fields)
        step.save_validated(reason="Recorded")
        return step

    _each_row(chain, "chain", record)
    claims_reindex(claim_ids=[claim.pk])
    return appearance


@transaction.atomic
def appearance_remove(*, appearance: Appearance, expected_version: int | None = None) -> Claim:
    """Remove a source's report of a claim, with its attribution chain; return the claim.

    The history rows of the appearance and of each step remain, labelled
    "Removed", so the audit trail still says who reported the claim before.
    The excerpt stays too: it anchors words in the source, which evidence
    may cite, and it is the source's record, not the claim's.

    Removing the last appearance is allowed: a claim may be recorded before
    any source that reports it is (the API and imports create claims
    without appearances), so a claim without one breaks no rule; it shows
    "No source recorded" until one is added. A merged claim has no
    appearances of its own (they moved to the claim it was merged into).
    """
    appearance.lock_version(expected_version)
    claim = Claim.objects.get(pk=appearance.claim_id)
    for step in appearance.chain.all():
        step._change_reason = "Removed with its appearance"
        step.delete()
    appearance._change_reason = "Removed"
    appearance.delete()
    claims_reindex(claim_ids=[claim.pk])
    return claim


# --- assessments ---------------------------------------------------------


def originator_reliability(claim: Claim) -> str:
    """The reliability grade of whoever the claim comes from, the default of its grade.

    That is the first step of the attribution chain of its earliest
    appearance (the speaker, an actor or an outlet), or the claimant itself
    where no chain is recorded; not the outlet that relayed it, which would
    grade a general's claim by the news agency's reliability. F (cannot be
    judged) when nothing is known.
    """
    step = (
        AttributionStep.objects.filter(appearance__claim=claim, position=0)
        .select_related("actor", "outlet")
        .order_by("appearance__source__published_at", "appearance_id")
        .first()
    )
    originator = step and (step.actor or step.outlet)
    if originator is None:
        originator = Actor.objects.filter(pk=claim.claimant_id).only("reliability").first()
    return originator.reliability if originator else Reliability.F


def _claim_refresh_status(claim: Claim, *, reason: str) -> None:
    """Copy the latest assessment's status onto the claim (the only place it is written)."""
    latest = claim.assessments.order_by("-assessed_at", "-id").first()
    status = latest.status if latest else VerificationStatus.UNVERIFIED
    if claim.status != status:
        claim.status = status
        claim.save_validated(reason=reason)


@transaction.atomic
def claim_assess(
    *,
    claim: Claim,
    by,
    status: str,
    rationale: str,
    credibility: int = 6,
    reliability: str = "",
    evidence: Iterable[Mapping[str, Any]] = (),
    assessed_at: datetime.datetime | None = None,
    outlet: Outlet | None = None,
    review: Mapping[str, Any] | None = None,
) -> Assessment:
    """Append a judgement and make it the claim's current status, in one transaction.

    The claim row is locked first, so two analysts assessing at once are
    serialised and the status always equals the latest assessment.
    ``assessed_at`` may be given to import an earlier judgement, never a
    future one. A fact-checker's published review is recorded with its
    ``outlet`` and the ``review`` as given (``claims.claimreview``).
    """
    given, claim = claim, Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.merged_into_id:
        raise ValidationError("This claim was merged into another; assess that one instead.")
    now = timezone.now()
    if assessed_at and timezone.is_naive(assessed_at):
        assessed_at = timezone.make_aware(assessed_at)
    if assessed_at and assessed_at > now:
        raise ValidationError({"assessed_at": "An assessment cannot be dated in the future."})
    assessment = Assessment(
        claim=claim,
        status=status,
        credibility=credibility,
        reliability=reliability or originator_reliability(claim),
        rationale=rationale,
        assessed_by=_signed_in(by),
        assessed_at=assessed_at or now,
        outlet=outlet,
        review=dict(review) if review is not None else None,
    )
    assessment.full_clean()
    assessment._change_reason = "Recorded"
    if assessment.assessed_by is not None:
        assessment._history_user = assessment.assessed_by  # also outside a request (scripts)
    assessment.save()
    for index, fields in enumerate(evidence):
        try:
            evidence_add(claim=claim, assessment=assessment, by=by, **fields)
        except ValidationError as error:
            raise _prefixed(error, f"evidence.{index}") from None
    _claim_refresh_status(claim, reason=f"Assessed {assessment.get_status_display().lower()}")
    # The caller's copy shows the new status too (a page or response built from it).
    given.status, given.version = claim.status, claim.version
    return assessment


@transaction.atomic
def evidence_add(
    *,
    claim: Claim,
    by,
    stance: str,
    source: Source | None = None,
    excerpt: Excerpt | None = None,
    url: str = "",
    note: str = "",
    assessment: Assessment | None = None,
) -> Evidence:
    _refuse_merged(claim)
    evidence = Evidence(
        claim=claim,
        assessment=assessment,
        stance=stance,
        source=source or (excerpt.source if excerpt else None),
        excerpt=excerpt,
        url=url,
        note=note,
        added_by=_signed_in(by),
    )
    evidence.save_validated(reason="Added")
    return evidence


# --- relations -----------------------------------------------------------


@transaction.atomic
def claims_link(
    *, from_claim: Claim, to_claim: Claim, kind: str, by, note: str = ""
) -> ClaimRelation:
    """Record one directed relation; it reads from both claims with the right wording.

    For symmetric kinds (contradicts, same as) the reverse link is the same
    relation, and recording it again is refused like an exact duplicate.
    """
    # Read (and lock) the rows, not the caller's copies, which may predate a merge.
    merged = (
        Claim.objects.select_for_update()
        .filter(pk__in=[from_claim.pk, to_claim.pk])
        .order_by("pk")
        .values_list("merged_into", flat=True)
    )
    if any(merged):
        raise ValidationError(
            "A merged claim cannot be related; relate the claim it was merged into."
        )
    relation = ClaimRelation(
        from_claim=from_claim,
        to_claim=to_claim,
        kind=kind,
        note=note,
        created_by=_signed_in(by),
    )
    relation.full_clean()
    if kind in ClaimRelation.Kind.values and ClaimRelation.Kind(kind).symmetric:
        reverse = ClaimRelation.objects.filter(from_claim=to_claim, to_claim=from_claim, kind=kind)
        if reverse.exists():
            raise ValidationError(
                "This relation between these claims is already recorded.",
                code="duplicate_relation",
            )
    relation.save_validated(reason="Linked")
    return relation


@transaction.atomic
def figures_contradict(*, first: Claim, second: Claim, by, note: str = "") -> ClaimRelation:
    """Record that two claims giving conflicting figures contradict each other.

    The one-click action of the list of conflicting figures: refused when the two
    claims are already related in any way, since an analyst who related them
    decided how they stand; otherwise ``claims_link`` records *contradicts*.
    """
    if first.pk == second.pk:
        raise ValidationError("A claim cannot contradict itself.", code="same_claim")
    if ClaimRelation.objects.filter(
        from_claim__in=[first.pk, second.pk], to_claim__in=[first.pk, second.pk]
    ).exists():
        raise ValidationError(
            f"Claims {first.pk} and {second.pk} are already related; "
            "see the relation on either claim's page.",
            code="already_related",
        )
    return claims_link(
        from_claim=first, to_claim=second, kind=ClaimRelation.Kind.CONTRADICTS, by=by, note=note
    )


@transaction.atomic
def claims_unlink(*, relation: ClaimRelation, expected_version: int | None = None) -> None:
    """Remove a relation; its history rows keep who recorded it and why."""
    relation.lock_version(expected_version)
    relation._change_reason = "Unlinked"
    relation.delete()


@transaction.atomic
def relation_update(
    *,
    relation: ClaimRelation,
    by,
    expected_version: int | None = None,
    from_claim: Claim | None = None,
    to_claim: Claim | None = None,
    kind: str | None = None,
    note: str | None = None,
) -> ClaimRelation:
    """Edit a relation. One that now links other claims or says something else is a new fact.

    A changed note is an edit of the same row. Changed ends or kind unlink the
    old relation and link the new one, so the checks of ``claims_link`` (no
    merged claim, no duplicate in either direction of a symmetric kind) apply.
    """
    current = ClaimRelation.objects.get(pk=relation.pk)
    wanted = {
        "from_claim": from_claim if from_claim is not None else current.from_claim,
        "to_claim": to_claim if to_claim is not None else current.to_claim,
        "kind": kind if kind is not None else current.kind,
    }
    note = current.note if note is None else note
    relinked = (
        wanted["from_claim"].pk != current.from_claim_id
        or wanted["to_claim"].pk != current.to_claim_id
        or wanted["kind"] != current.kind
    )
    if not relinked:
        relation.lock_version(expected_version)
        relation.note = note
        relation.save_validated(reason="Edited")
        return relation
    current.lock_version(expected_version)
    claims_unlink(relation=current)
    return claims_link(**wanted, note=note, by=by)


# --- several claims at once ------------------------------------------------


def _naming(claim: Claim, error: ValidationError) -> ValidationError:
    """``error`` with the claim named in each message, when several claims are done at once."""
    if hasattr(error, "error_dict"):
        return error
    return ValidationError([f"“{claim}”: {message}" for message in error.messages])


@transaction.atomic
def claims_assess_batch(*, claims: Iterable[Claim], by, **assessment: Any) -> list[Assessment]:
    """Record the same judgement on each claim (``claim_assess``); all or none are assessed."""
    recorded = []
    for claim in claims:
        try:
            recorded.append(claim_assess(claim=claim, by=by, **assessment))
        except ValidationError as error:
            raise _naming(claim, error) from None
    return recorded


# --- merging -------------------------------------------------------------


def _move(rows, *, claim_field: str, into: Claim, reason: str) -> None:
    for row in rows:
        setattr(row, claim_field, into)
        row._change_reason = reason
        row.save()


def _notes_joined(*notes: str) -> str:
    """Notes of one fact recorded twice, each kept once, in the order given."""
    kept: list[str] = []
    for note in notes:
        if note.strip() and note.strip() not in kept:
            kept.append(note.strip())
    return "; ".join(kept)


def _relations_fold(*, duplicate: Claim, into: Claim, reason: str) -> list[str]:
    """Repoint the duplicate's relations to ``into``, folding repeats without losing a note.

    A relation that now repeats one ``into`` already has (either way round for
    a symmetric kind) is the same fact: its note is joined into the relation
    kept, then the repeat is deleted (its history rows remain). A relation
    between the duplicate and ``into`` itself would link ``into`` with itself;
    it is deleted too, and its note returned for the record of the merge.
    """
    kept: dict[tuple[int, int, str], ClaimRelation] = {
        (r.from_claim_id, r.to_claim_id, r.kind): r
        for r in ClaimRelation.objects.involving(into).select_for_update()
    }
    notes_for_record = []
    for relation in ClaimRelation.objects.involving(duplicate).select_for_update():
        if relation.from_claim_id == duplicate.pk:
            relation.from_claim = into
        if relation.to_claim_id == duplicate.pk:
            relation.to_claim = into
        key = (relation.from_claim_id, relation.to_claim_id, relation.kind)
        reverse = (relation.to_claim_id, relation.from_claim_id, relation.kind)
        survivor = kept.get(key)
        if survivor is None and ClaimRelation.Kind(relation.kind).symmetric:
            survivor = kept.get(reverse)
        relation._change_reason = reason
        if relation.from_claim_id == relation.to_claim_id:
            if relation.note.strip():
                label = ClaimRelation.Kind(relation.kind).label
                notes_for_record.append(f"{label} #{into.pk}: {relation.note.strip()}")
            relation.delete()
        elif survivor is not None:
            joined = _notes_joined(survivor.note, relation.note)
            if joined != survivor.note:
                survivor.note = joined
                survivor.save_validated(reason=reason)
            relation.delete()
        else:
            relation.save_validated(reason=reason)
            kept[key] = relation
    return notes_for_record


@transaction.atomic
def claims_merge(*, duplicate: Claim, into: Claim, note: str = "") -> Claim:
    """Fold a duplicate claim into another and keep the duplicate as a record of the merge.

    Appearances, quantities, evidence, assessments and relations move to
    ``into``; what the duplicate was about is added to ``into``; claims
    merged earlier into the duplicate now point at ``into``. Nothing is
    lost: a relation that would repeat one ``into`` already has is the same
    fact, so its note is joined into the one kept ("note A; note B"); a
    relation that would link ``into`` with itself leaves its note on the
    duplicate, the record of the merge. Every moved row gets a history row
    naming the merge.
    """
    # Locked in id order, as claims_link does, so that the two cannot deadlock.
    locked = Claim.objects.select_for_update().filter(pk__in=[duplicate.pk, into.pk])
    locked = {claim.pk: claim for claim in locked.order_by("pk")}
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    if duplicate.pk == into.pk:
        raise ValidationError("A claim cannot be merged into itself.")
    if duplicate.merged_into_id:
        raise ValidationError("This claim was already merged.")
    if into.merged_into_id:
        raise ValidationError("The target claim was itself merged; merge into the claim it became.")
    reason = f"Merged claim #{duplicate.pk} into #{into.pk}"

    _move(duplicate.appearances.all(), claim_field="claim", into=into, reason=reason)
    _move(duplicate.quantities.all(), claim_field="claim", into=into, reason=reason)
    _move(duplicate.evidence.all(), claim_field="claim", into=into, reason=reason)
    # Assessments are never edited (Assessment.save refuses): moving them is
    # one UPDATE, written with a history row each that names the merge.
    judgements = list(duplicate.assessments.all())
    for assessment in judgements:
        assessment.claim = into
    bulk_update_with_history(judgements, Assessment, ["claim"], default_change_reason=reason)

    relation_notes = _relations_fold(duplicate=duplicate, into=into, reason=reason)

    with claim_history_once(into, reason=reason):
        into.actors.add(*duplicate.actors.all())
        into.places.add(*duplicate.places.all())
        into.topics.add(*duplicate.topics.all())
    _move(duplicate.merged_claims.all(), claim_field="merged_into", into=into, reason=reason)

    duplicate.merged_into = into
    # Its judgements now belong to ``into``; what it showed before stays in its history.
    duplicate.status = VerificationStatus.UNVERIFIED
    if note:
        duplicate.notes = f"{duplicate.notes}\n\nMerged: {note}".strip()
    if relation_notes:
        kept_notes = "\n".join(f"- {line}" for line in relation_notes)
        duplicate.notes = f"{duplicate.notes}\n\nRelations folded by the merge:\n{kept_notes}"
        duplicate.notes = duplicate.notes.strip()
    duplicate.save_validated(reason=reason)
    _claim_refresh_status(into, reason=reason)
    claims_reindex(claim_ids=[into.pk, duplicate.pk])
    return into


@transaction.atomic
def claims_merge_batch(*, duplicates: Iterable[Claim], into: Claim, note: str = "") -> Claim:
    """Merge each duplicate into ``into`` (``claims_merge``); all or none are merged.

    ``into`` itself may be among ``duplicates`` (it is the claim kept), which
    is how a list of chosen claims and the one to keep arrive from the admin.
    """
    for duplicate in duplicates:
        if duplicate.pk == into.pk:
            continue
        try:
            into = claims_merge(duplicate=duplicate, into=into, note=note)
        except ValidationError as error:
            raise _naming(duplicate, error) from None
    return into


# --- deleting --------------------------------------------------------------

# Counting what holds a record stops here: "more than 1,000 claims" says enough.
HOLDERS_COUNTED = 1000

RETRACT_INSTEAD = (
    "Judgements are never destroyed: to take a claim back, assess it as retracted, "
    "or merge it into the claim it duplicates."
)


def _counted(queryset, one: str, many: str) -> str | None:
    """``queryset``'s size in words ("2 assessments"), or None when it is empty."""
    count = queryset[: HOLDERS_COUNTED + 1].count()
    if not count:
        return None
    if count > HOLDERS_COUNTED:
        return f"more than {HOLDERS_COUNTED:,} {many}"
    return f"{count} {one if count == 1 else many}"


def _holders(record) -> dict[str, str | None]:
    """What still refers to ``record``, by the name of the relation, in words."""
    if isinstance(record, Claim):
        relations = ClaimRelation.objects.involving(record)
        # Counted in the database, never from rows a read path may have prefetched.
        assessments = Assessment.objects.filter(claim=record)
        evidence = Evidence.objects.filter(claim=record)
        merged = Claim.objects.filter(merged_into=record)
        return {
            "assessments": _counted(assessments, "assessment", "assessments"),
            "evidence": _counted(evidence, "piece of evidence", "pieces of evidence"),
            "relations": _counted(relations, "relation", "relations"),
            "merged_claims": _counted(merged, "claim merged into it", "claims merged into it"),
        }
    if isinstance(record, Topic):
        links = Claim.topics.through.objects.filter(topic=record)
        return {"claims": _counted(links, "claim in it", "claims in it")}
    if isinstance(record, Actor):
        links = Claim.actors.through.objects.filter(actor=record)
        return {"claims_about": _counted(links, "claim about it", "claims about it")}
    if isinstance(record, Place):
        links = Claim.places.through.objects.filter(place=record)
        return {"claims": _counted(links, "claim about it", "claims about it")}
    return {}


def deletion_refusal(record) -> ValidationError | None:
    """Why ``record`` may not be deleted, or None when nothing holds it.

    A claim that has been judged, evidenced or related is part of the record
    of what was believed, so it stays (assess it retracted or merge it). A
    topic, actor or place that claims are filed under or are about would be
    silently unlinked from them, so it stays until they are moved. The error
    is keyed by what holds the record, with one sentence for people on top.
    """
    holders = {name: words for name, words in _holders(record).items() if words}
    if not holders:
        return None
    kind = record._meta.verbose_name
    held_by = list(holders.values())
    listed = ", ".join(held_by[:-1]) + (" and " if len(held_by) > 1 else "") + held_by[-1]
    summary = f"This {kind} cannot be deleted: it has {listed}."
    if isinstance(record, Claim):
        summary = f"{summary} {RETRACT_INSTEAD}"
    else:
        summary = f"{summary} Take it off those claims first."
    return ValidationError(
        {
            NON_FIELD_ERRORS: [ValidationError(summary, code="protected")],
            **{
                name: [ValidationError(f"Held by {words}.", code="protected")]
                for name, words in holders.items()
            },
        }
    )


def _delete_unless_held(record, *, expected_version: int | None) -> None:
    record.lock_version(expected_version)
    refusal = deletion_refusal(record)
    if refusal is not None:
        raise refusal
    record_delete(record=record)


@transaction.atomic
def claim_delete(*, claim: Claim, expected_version: int | None = None) -> None:
    """Delete a claim entered by mistake; refused once it is judged, evidenced or related.

    Its appearances and quantities go with it; every deleted row keeps its
    history, with a "Deleted" row on top.
    """
    _delete_unless_held(claim, expected_version=expected_version)


@transaction.atomic
def topic_delete(*, topic: Topic, expected_version: int | None = None) -> None:
    """Delete a topic no claim is filed under."""
    _delete_unless_held(topic, expected_version=expected_version)


@transaction.atomic
def named_record_delete(*, record: Actor | Place, expected_version: int | None = None) -> None:
    """Delete an actor or a place no claim is about (nor made by, nor inside, ...)."""
    _delete_unless_held(record, expected_version=expected_version)


# --- search documents ------------------------------------------------------


def claims_reindex(*, claim_ids: Iterable[int]) -> None:
    """Recompute the search documents of these claims from what they hold now.

    Every service that changes a claim's words calls this: its statement,
    excerpts, claimant, the actors and places it is about, or their names and
    aliases. Bulk writers call it once per batch: it runs one set-based
    statement per 10,000 claims (``claimsbase.search.reindex_claims``), so it
    does not issue a query per claim.
    """
    search.reindex_claims(claim_ids)


def claims_reindex_naming(*, actors: Iterable[Actor] = (), places: Iterable[Place] = ()) -> None:
    """Reindex the claims whose documents hold these actors' or places' names.

    That is the claims they made, the claims about them, and the claims about
    the places; call it after a name or an alias changes.
    """
    actor_ids = [actor.pk for actor in actors]
    place_ids = [place.pk for place in places]
    through_actors, through_places = Claim.actors.through, Claim.places.through
    ids = [
        *Claim.objects.filter(claimant__in=actor_ids).values_list("pk", flat=True),
        *through_actors.objects.filter(actor__in=actor_ids).values_list("claim", flat=True),
        *through_places.objects.filter(place__in=place_ids).values_list("claim", flat=True),
    ]
    claims_reindex(claim_ids=ids)


@transaction.atomic
def named_record_save(
    *,
    record: Actor | Place,
    expected_version: int | None = None,
    aliases: Iterable[Mapping[str, Any]] | None = None,
    roles: Iterable[Mapping[str, Any]] | None = None,
    **changes: Any,
) -> Actor | Place:
    """Create or edit an actor or a place, with its aliases (and an actor's roles).

    ``aliases`` and ``roles``, when given, are the whole list: rows already
    recorded are kept, rows left out are removed and new ones are added,
    each with a history row. Left out (``None``), they stay as they are.
    A new name or changed aliases reindex the claims that hold them.
    """
    renamed = record.pk is not None and changes.get("name", record.name) != record.name
    record_save(record=record, expected_version=expected_version, **changes)
    if roles is not None and not isinstance(record, Actor):
        raise ValidationError({"roles": "Only actors hold roles."})
    # Aliases and roles are both checked, so one answer names every refused row.
    errors, aliases_changed = {}, False
    if aliases is not None:
        try:
            aliases_changed = aliases_set(record=record, aliases=aliases, reindex=False)
        except ValidationError as error:
            errors.update(error.error_dict)
    if roles is not None:
        try:
            roles_set(actor=record, roles=roles)
        except ValidationError as error:
            errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
    if renamed or aliases_changed:
        claims_reindex_naming(
            actors=[record] if isinstance(record, Actor) else [],
            places=[record] if isinstance(record, Place) else [],
        )
    return record


def _same_name(a: str, b: str) -> bool:
    return search.normalise(a.strip()) == search.normalise(b.strip())


@transaction.atomic
def aliases_set(
    *, record: Actor | Place, aliases: Iterable[Mapping[str, Any]], reindex: bool = True
) -> bool:
    """Make ``aliases`` (``{"name", "language"}`` rows) the record's aliases; say if any changed.

    Each row's errors are reported (``aliases.2.name``): an alias given twice
    (ignoring case and accents) or the same as the record's own name is
    refused, since it would find nothing the name does not.
    """
    aliases = list(aliases)
    errors: dict[str, list[str]] = {}
    seen: list[str] = []
    for index, row in enumerate(aliases):
        name = row.get("name", "")
        if _same_name(name, record.name):
            errors[f"aliases.{index}.name"] = ["An alias cannot be the name itself."]
        elif any(_same_name(name, other) for other in seen):
            errors[f"aliases.{index}.name"] = ["This alias is given twice."]
        seen.append(name)
    if errors:
        raise ValidationError(errors)
    current = {(alias.name, alias.language): alias for alias in record.aliases.all()}
    wanted = {(row["name"], row.get("language", "")) for row in aliases}
    changed = False
    for key, alias in current.items():
        if key not in wanted:
            alias._change_reason = "Removed"
            alias.delete()
            changed = True
    new_rows = [row for row in aliases if (row["name"], row.get("language", "")) not in current]

    def write(row: Mapping[str, Any]) -> ActorAlias | PlaceAlias:
        key = (row["name"], row.get("language", ""))
        return current[key] if key in current else _alias_new(record=record, **row)

    _each_row(aliases, "aliases", write)
    changed = changed or bool(new_rows)
    if changed and reindex:
        claims_reindex_naming(
            actors=[record] if isinstance(record, Actor) else [],
            places=[record] if isinstance(record, Place) else [],
        )
    return changed


def _alias_new(*, record: Actor | Place, name: str, language: str = "") -> ActorAlias | PlaceAlias:
    alias = record.aliases.model(name=name, language=language)
    setattr(alias, record._meta.model_name, record)
    alias.save_validated(reason="Recorded")
    return alias


def _role_key(fields: Mapping[str, Any]) -> tuple:
    organisation = fields.get("organisation")
    return (
        fields.get("title", ""),
        getattr(organisation, "pk", organisation),
        fields.get("start"),
        fields.get("end"),
    )


@transaction.atomic
def roles_set(*, actor: Actor, roles: Iterable[Mapping[str, Any]]) -> None:
    """Make ``roles`` (title, organisation, start, end) the positions ``actor`` held.

    Roles already recorded are kept, others removed, new ones added, each
    with a history row; every refused row is reported (``roles.1.end``).
    """
    roles = list(roles)
    current = {
        (role.title, role.organisation_id, role.start, role.end): role for role in actor.roles.all()
    }
    wanted = {_role_key(row) for row in roles}
    for key, role in current.items():
        if key not in wanted:
            role._change_reason = "Removed"
            role.delete()

    def record(fields: Mapping[str, Any]) -> ActorRole:
        existing = current.get(_role_key(fields))
        if existing is not None:
            return existing
        role = ActorRole(actor=actor, **fields)
        role.save_validated(reason="Recorded")
        return role

    _each_row(roles, "roles", record)


@transaction.atomic
def alias_add(*, record: Actor | Place, name: str, language: str = "") -> ActorAlias | PlaceAlias:
    """Give an actor or a place another name; the claims that name it are then found by it."""
    alias = record.aliases.model(name=name, language=language)
    setattr(alias, record._meta.model_name, record)
    alias.save_validated(reason="Recorded")
    claims_reindex_naming(
        actors=[record] if isinstance(record, Actor) else [],
        places=[record] if isinstance(record, Place) else [],
    )
    return alias


# --- recording a claim from a source's text (the intake screen) ------------


def _name_and_aliases(written: str) -> tuple[str, list[str]]:
    """``"Kupiansk = Kupyansk = Kupjansk"`` → the name and the other names it is known by."""
    name, *aliases = [" ".join(part.split()) for part in written.split("=")]
    return name, [alias for alias in aliases if alias and alias.lower() != name.lower()]


def _named(model, written: str, **new_fields) -> Actor | Place:
    """The record of this name or alias (case and accents ignored), or a new one made here.

    ``written`` may add other names after ``=`` (``Kupiansk = Kupyansk``); those
    not yet known are recorded as aliases, so the next text that uses them
    finds the record.
    """
    name, aliases = _name_and_aliases(written)
    record = model.objects.named(name).order_by("pk").first()
    if record is None:
        record = named_record_save(record=model(), name=name, **new_fields)
    known = {alias.name.lower() for alias in record.aliases.all()} | {record.name.lower()}
    for alias in aliases:
        if alias.lower() not in known:
            alias_add(record=record, name=alias)
            known.add(alias.lower())
    return record


def actor_named(name: str, *, kind: str = "person") -> Actor:
    """The actor of this name or alias, or a new actor of ``kind`` created on the spot."""
    return _named(Actor, name, kind=kind)


def place_named(name: str, *, kind: str = "settlement") -> Place:
    """The place of this name or alias, or a new place of ``kind`` created on the spot."""
    return _named(Place, name, kind=kind)


def topic_named(name: str) -> Topic:
    """The topic of this name, or a new one."""
    name = " ".join(name.split())
    found = Topic.objects.filter(name__iexact=name).order_by("pk").first()
    return found or record_save(record=Topic(), name=name)


def chain_through(*, claimant: Actor, relays: Iterable[str], source: Source) -> list[dict]:
    """The attribution chain: the claimant, each relay named (an outlet or an actor), the source.

    A relay is the outlet of that name or domain if one is recorded, else an
    actor (created as an organisation when unknown). The source's own outlet
    closes the chain unless the last relay is that outlet already.
    """

    steps: list[dict] = [{"actor": claimant, "fidelity": AttributionStep.Fidelity.ORIGINAL}]
    for name in relays:
        name = " ".join(name.split())
        if not name:
            continue
        outlet = (
            Outlet.objects.filter(name__iexact=name).first()
            or Outlet.objects.filter(domain__iexact=name).first()
        )
        step = {"outlet": outlet} if outlet else {"actor": actor_named(name, kind="organisation")}
        steps.append({**step, "fidelity": AttributionStep.Fidelity.PARAPHRASE})
    if steps[-1].get("outlet") != source.outlet:
        steps.append({"outlet": source.outlet, "fidelity": AttributionStep.Fidelity.PARAPHRASE})
    return steps


@transaction.atomic
def claim_capture(
    *,
    source: Source,
    exact: str,
    start: int | None = None,
    statement: str = "",
    claimant_name: str,
    claimant_kind: str = "person",
    relays: Iterable[str] = (),
    places: Iterable[str] = (),
    actors: Iterable[str] = (),
    topics: Iterable[str] = (),
    quantities: Iterable[Mapping[str, Any]] = (),
    asserted_on: datetime.date | None = None,
    into: Claim | None = None,
    relation_kind: str = "",
    related: Claim | None = None,
    by=None,
) -> Claim:
    """Record a claim (or a new appearance of a recorded one) from a span of ``source``.

    Everything an editor confirms on one suggestion card, in one transaction:
    claimant, relays, places, actors and topics given by name (found by name
    or alias, or created on the spot), the anchored excerpt and its chain, the
    quantities, and a relation to another claim. With ``into`` the words are
    a new appearance of that claim instead of a new claim.
    """
    claimant = actor_named(claimant_name, kind=claimant_kind)
    appearance = {
        "source": source,
        "exact": exact,
        "start": start,
        "chain": chain_through(claimant=claimant, relays=relays, source=source),
    }
    if into is not None:
        appearance_add(claim=into, **appearance)
        claim = into
    else:
        claim = claim_create(
            statement=statement,
            claimant=claimant,
            asserted_on=asserted_on,
            actors=[actor_named(name, kind="organisation") for name in actors],
            places=[place_named(name) for name in places],
            topics=[topic_named(name) for name in topics],
            quantities=quantities,
            appearances=[appearance],
        )
    if relation_kind and related is not None:
        try:
            claims_link(from_claim=claim, to_claim=related, kind=relation_kind, by=by)
        except ValidationError as error:
            raise ValidationError({"related": error.messages}) from None
    return claim
