"""Conflicting figures: the numbers other claims give for the same measure.

Two quantities measure the same thing when they have the same canonical unit
(so 386 square miles meets 1,000 km²), count the same thing ("territory
regained", in any case) at the same rate (per day or none). Their claims must
be about the same place, or one place inside the other (Sudzha and Kursk
Oblast), and about overlapping periods (``claim_period``).

Each figure allows a range of true values (``allowed_range``): the range it
states, widened by the rounding of the value as written and by its qualifier
("about", "more than", "up to"). Two figures whose ranges meet *agree*;
otherwise they *conflict*, and the ratio of their values says by how much.

Reads go through ``QuantityQuerySet`` (one bounded query for a claim's other
figures); the comparison itself is pure, so the claim page, the compare page
and the list of the most conflicting figures class a pair the same way.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations

from django.db.models import Prefetch

from claims.models import Claim, ClaimRelation, Place, Qualifier, Quantity

# A claim without a period is read as a snapshot of the week before it was asserted.
SNAPSHOT_WINDOW = datetime.timedelta(days=7)
# "About 1,000" allows 10 % either way.
ABOUT = Decimal("0.10")
# A round figure ("5,000") is taken as rounded, to at most 5 % of its value.
ROUND_FIGURE = Decimal("0.05")
# Bounds: the measures and places of one claim looked at, the other figures read for it,
# and the figures of a topic or place compared with each other for the list.
MEASURES_COMPARED = 5
PLACES_COMPARED = 10
CANDIDATES = 100
COMPARISONS_SHOWN = 50
FIGURES_SCANNED = 400
CONFLICTS_SHOWN = 50

AGREES = "agrees"
CONFLICTS = "conflicts"


@dataclass(frozen=True)
class Agreement:
    """How two figures of one measure compare: ``kind`` is AGREES or CONFLICTS; ``ratio`` is
    the larger value over the smaller (None when one is zero or negative)."""

    kind: str
    ratio: Decimal | None

    @property
    def agrees(self) -> bool:
        return self.kind == AGREES

    @property
    def label(self) -> str:
        return "agrees" if self.agrees else "conflicts"

    @property
    def ratio_label(self) -> str:
        return f"×{self.ratio:.2f}" if self.ratio is not None else "—"


@dataclass(frozen=True)
class Comparison:
    """One of this claim's quantities against another claim's quantity of the same measure."""

    quantity: Quantity
    other: Quantity
    agreement: Agreement

    @property
    def other_claim(self) -> Claim:
        return self.other.claim


def measure(quantity: Quantity) -> tuple[str, str, str]:
    """(canonical unit, what is counted in lower case, rate per) of ``quantity``."""
    return (
        quantity.canonical_unit,
        quantity.counted.strip().lower(),
        quantity.per.strip().lower(),
    )


def _canonical(quantity: Quantity) -> tuple[Decimal, Decimal]:
    if quantity.canonical_unit and quantity.canonical_value is not None:
        low = quantity.canonical_value
        high = quantity.canonical_value_max if quantity.canonical_value_max is not None else low
    else:
        low = quantity.value
        high = quantity.value_max if quantity.value_max is not None else low
    return Decimal(low), Decimal(high)


def rounding_margin(written: Decimal) -> Decimal:
    """Half a unit of the last digit written: 386 → 0.5, 2.5 → 0.05, 5,000 → 250 (5 %)."""
    written = Decimal(written)
    exponent = written.normalize().as_tuple().exponent
    margin = Decimal(1).scaleb(exponent) / 2
    if exponent > 0:  # trailing zeros: a round figure, rounded by at most ROUND_FIGURE
        margin = min(margin, abs(written) * ROUND_FIGURE)
    return margin


def allowed_range(quantity: Quantity) -> tuple[Decimal | None, Decimal | None]:
    """The true values ``quantity`` allows, in canonical units; None is an open end."""
    low, high = _canonical(quantity)
    written_low = Decimal(quantity.value)
    written_high = Decimal(quantity.value_max if quantity.value_max is not None else written_low)
    # The conversion factor carries the rounding of the written value into canonical units.
    factor = abs(low / written_low) if written_low else Decimal(1)
    low -= rounding_margin(written_low) * factor
    high += rounding_margin(written_high) * factor
    qualifier = quantity.qualifier
    if qualifier == Qualifier.ABOUT:
        low, high = low - abs(low) * ABOUT, high + abs(high) * ABOUT
    if qualifier in (Qualifier.AT_LEAST, Qualifier.MORE_THAN):
        return low, None
    if qualifier in (Qualifier.AT_MOST, Qualifier.LESS_THAN):
        return None, high
    return low, high


def central_value(quantity: Quantity) -> Decimal:
    low, high = _canonical(quantity)
    return (low + high) / 2


def compare(first: Quantity, second: Quantity) -> Agreement:
    """Whether two figures of one measure agree, and the ratio between their values."""
    return _agreement(
        (allowed_range(first), central_value(first)),
        (allowed_range(second), central_value(second)),
    )


def _agreement(first: tuple, second: tuple) -> Agreement:
    (low_a, high_a), a = first
    (low_b, high_b), b = second
    meet = (high_b is None or low_a is None or low_a <= high_b) and (
        high_a is None or low_b is None or low_b <= high_a
    )
    ratio = None
    if a > 0 and b > 0:
        ratio = (max(a, b) / min(a, b)).quantize(Decimal("0.01"))
    return Agreement(AGREES if meet else CONFLICTS, ratio)


def claim_period(claim: Claim) -> tuple[datetime.date | None, datetime.date | None]:
    """The days ``claim`` is about, as figures are compared (None: open).

    Its period when it has one (up to the day asserted when the period has no end);
    otherwise the ``SNAPSHOT_WINDOW`` before the day it was asserted.
    """
    if claim.period_start or claim.period_end:
        return claim.period_start, claim.period_end or claim.asserted_on
    if claim.asserted_on:
        return claim.asserted_on - SNAPSHOT_WINDOW, claim.asserted_on
    return None, None


def periods_overlap(first: Claim, second: Claim) -> bool:
    return _overlap(claim_period(first), claim_period(second))


def _overlap(first: tuple, second: tuple) -> bool:
    (start_a, end_a), (start_b, end_b) = first, second
    return (start_a is None or end_b is None or start_a <= end_b) and (
        start_b is None or end_a is None or start_b <= end_a
    )


def places_meet(first: Claim, second: Claim) -> bool:
    """Whether the claims are about one place, or one about a place inside the other's."""
    return _meet(_lineage(first), _lineage(second))


def _lineage(claim: Claim) -> tuple[set[int], set[int]]:
    """The ids of the places ``claim`` is about, and of those with every place above them."""
    own = {place.pk for place in claim.places.all()}
    above = {pk for place in claim.places.all() for pk in place.ancestor_ids}
    return own, own | above


def _meet(first: tuple[set[int], set[int]], second: tuple[set[int], set[int]]) -> bool:
    # One claim's place is the other's, or contains it: it is among the other's lineage.
    return bool(first[0] & second[1] or second[0] & first[1])


def comparable(first: Claim, second: Claim) -> bool:
    """Whether two claims' figures are about the same place and period."""
    return places_meet(first, second) and periods_overlap(first, second)


def _conflicts_first(comparison: Comparison) -> tuple:
    ratio = comparison.agreement.ratio or Decimal(0)
    return (comparison.agreement.agrees, -ratio, -comparison.other.pk)


def other_figures(
    claim: Claim, limit: int = CANDIDATES, until: datetime.datetime | None = None
) -> list[Comparison]:
    """The figures other claims give for the measures ``claim`` quantifies, about the same
    or a containing or contained place and an overlapping period, conflicts first (the
    largest ratio first), then agreements; the first ``COMPARISONS_SHOWN``.

    Reads ``claim``'s prefetched quantities and places, then one query: the newest
    ``limit`` matching quantities of other claims, with their claims and claimants; as of
    a moment (``until``), only of the claims first reported by then.
    """
    own = list(claim.quantities.all())
    places = list(claim.places.all())[:PLACES_COMPARED]
    if not own or not places:
        return []
    # The rate (per day) is compared below: it is rarely set, and filtering it in SQL
    # only misleads the planner's estimates.
    measures = list(dict.fromkeys(measure(quantity)[:2] for quantity in own))[:MEASURES_COMPARED]
    start, end = claim_period(claim)
    found = (
        Quantity.objects.of_measures(measures)
        .about_places_near(places)
        .in_period(start, end, SNAPSHOT_WINDOW)
        .exclude(claim=claim)
        .for_figures()
    )
    if until is not None:
        found = found.filter(claim__in=Claim.objects.as_of(until).order_by().values("pk"))
    found = list(found[:limit])
    comparisons = [
        Comparison(quantity, other, compare(quantity, other))
        for other in found
        for quantity in own
        if measure(quantity) == measure(other)
    ]
    return sorted(comparisons, key=_conflicts_first)[:COMPARISONS_SHOWN]


@dataclass(frozen=True)
class Conflict:
    """Two claims giving conflicting figures for one measure, and whether they are related."""

    first: Quantity
    second: Quantity
    agreement: Agreement
    relation: ClaimRelation | None

    @property
    def pair(self) -> tuple[Quantity, Quantity]:
        return self.first, self.second


def most_conflicting(claims, limit: int = CONFLICTS_SHOWN) -> list[Conflict]:
    """The ``limit`` most conflicting pairs of figures among ``claims`` (a topic's, a
    place's), the largest ratio first, each with the relation already recorded between
    the two claims, if any.

    Three queries whatever the number of claims: the newest ``FIGURES_SCANNED``
    quantities of these claims (with claim and claimant), the claims' places, and the
    relations among the claims found; the pairs are compared in Python.
    """
    scanned = list(
        Quantity.objects.filter(claim__in=claims.order_by().values("pk"))
        .for_figures()
        .prefetch_related(
            Prefetch("claim__places", queryset=Place.objects.only("id", "ancestor_path"))
        )[:FIGURES_SCANNED]
    )
    by_measure: dict[tuple, list[Quantity]] = defaultdict(list)
    for quantity in scanned:
        by_measure[measure(quantity)].append(quantity)
    # Each claim's places and period, and each figure's range, worked out once, not per pair.
    places = {q.claim_id: _lineage(q.claim) for q in scanned}
    periods = {q.claim_id: claim_period(q.claim) for q in scanned}
    ranges = {q.pk: (allowed_range(q), central_value(q)) for q in scanned}
    pairs = []
    for quantities in by_measure.values():
        for first, second in combinations(quantities, 2):
            a, b = first.claim_id, second.claim_id
            if a == b or not _overlap(periods[a], periods[b]) or not _meet(places[a], places[b]):
                continue
            agreement = _agreement(ranges[first.pk], ranges[second.pk])
            if not agreement.agrees:
                pairs.append((first, second, agreement))
    pairs.sort(key=lambda pair: (-(pair[2].ratio or Decimal(0)), -pair[0].pk, -pair[1].pk))
    pairs = pairs[:limit]
    ids = {quantity.claim_id for pair in pairs for quantity in pair[:2]}
    relations = {}
    if ids:
        for relation in ClaimRelation.objects.filter(from_claim__in=ids, to_claim__in=ids):
            relations[frozenset((relation.from_claim_id, relation.to_claim_id))] = relation
    return [
        Conflict(a, b, agreement, relations.get(frozenset((a.claim_id, b.claim_id))))
        for a, b, agreement in pairs
    ]


@dataclass(frozen=True)
class MeasureRow:
    """One measure on the compare page: each claim's quantities of it, and how they compare."""

    label: str
    sides: list[list[Quantity]]
    agreements: list[Agreement]


def line_up(pair: list[Claim]) -> list[MeasureRow]:
    """The measures either claim quantifies, with each side's quantities and, where both
    give one, the agreement of each figure of the first with each of the second."""
    rows: dict[tuple, list[list[Quantity]]] = {}
    for column, claim in enumerate(pair):
        for quantity in claim.quantities.all():
            rows.setdefault(measure(quantity), [[] for _ in pair])[column].append(quantity)
    lined = []
    for key in sorted(rows):
        sides = rows[key]
        unit, _, per = key
        counted = sides[0][0].counted if sides[0] else sides[1][0].counted
        label = counted + (f" ({unit})" if unit else "") + (f" per {per}" if per else "")
        agreements = [compare(a, b) for a in sides[0] for b in sides[1]] if len(sides) == 2 else []
        lined.append(MeasureRow(label, sides, agreements))
    return lined


def relations_between(
    first: Claim, second: Claim, until: datetime.datetime | None = None
) -> list[tuple[str, ClaimRelation]]:
    """The relations recorded between two claims, each worded from ``first`` ("contradicts",
    "supported by"); as of a moment, only those recorded by then. Reads the relations
    ``for_page()`` prefetched on ``first``."""
    return [
        (relation.label_from(first), relation)
        for relation in first.relations()
        if relation.other(first).pk == second.pk and (until is None or relation.created_at <= until)
    ]
