"""The knowledge base's side of the extraction assist: its names, and claims already recorded.

``extract`` itself never queries: it is given a ``Knowledge`` built here once
and kept for a few minutes per process (building it reads every actor, place
and alias in four queries and indexes them; a scan then costs the length of
the text, not the size of the base). ``similar_claims`` looks for a claim
already recorded that a suggestion may be another appearance of.
"""

from __future__ import annotations

import time
from collections import defaultdict
from decimal import Decimal

from claims.extraction.extractor import ClaimSuggestion, Knowledge
from claims.extraction.names import KnownName, normal_form

# How long a process reuses the names it indexed, in seconds.
KNOWLEDGE_MAX_AGE = 300
# How many of a claimant's latest claims are compared with a suggestion.
SIMILAR_CANDIDATES = 200
_cache: dict[str, tuple[float, Knowledge]] = {}

STOP_WORDS = {
    "the",
    "a",
    "an",
    "of",
    "in",
    "on",
    "at",
    "to",
    "and",
    "or",
    "that",
    "had",
    "has",
    "have",
    "was",
    "were",
    "is",
    "are",
    "be",
    "been",
    "by",
    "for",
    "with",
    "from",
    "its",
    "their",
    "his",
    "her",
    "said",
    "says",
    "told",
    "would",
    "will",
    "it",
    "he",
    "she",
    "they",
    "as",
    "this",
}


def knowledge_from_database(*, max_age: float = KNOWLEDGE_MAX_AGE) -> Knowledge:
    """Every actor and place with its aliases, indexed; reused for ``max_age`` seconds."""
    cached = _cache.get("knowledge")
    if cached is not None and time.monotonic() - cached[0] < max_age:
        return cached[1]
    from claims.models import Actor, ActorAlias, Place, PlaceAlias

    actor_aliases: dict[int, list[str]] = defaultdict(list)
    for actor_id, name in ActorAlias.objects.values_list("actor_id", "name").iterator(2000):
        actor_aliases[actor_id].append(name)
    place_aliases: dict[int, list[str]] = defaultdict(list)
    for place_id, name in PlaceAlias.objects.values_list("place_id", "name").iterator(2000):
        place_aliases[place_id].append(name)
    actors = [
        KnownName(name, kind, tuple(actor_aliases[pk]), key=pk)
        for pk, name, kind in Actor.objects.values_list("pk", "name", "kind").iterator(2000)
    ]
    rows = list(Place.objects.values_list("pk", "name", "kind", "parent_id").iterator(2000))
    names = {pk: name for pk, name, _, _ in rows}
    places = [
        KnownName(name, kind, tuple(place_aliases[pk]), names.get(parent_id, ""), key=pk)
        for pk, name, kind, parent_id in rows
    ]
    knowledge = Knowledge.build(actors=actors, places=places)
    _cache["knowledge"] = (time.monotonic(), knowledge)
    return knowledge


def forget_knowledge() -> None:
    """Index the names again on next use (after actors, places or aliases were edited)."""
    _cache.pop("knowledge", None)


def _words(text: str) -> set[str]:
    return {w for w in normal_form(text).split() if w not in STOP_WORDS and len(w) > 2}


def similar_claims(
    suggestion: ClaimSuggestion, *, limit: int = 3, threshold: float = 0.3
) -> list[tuple[int, float]]:
    """(claim id, similarity 0–1) of recorded claims by the same claimant that say much the
    same, best first: shared words (Jaccard) and shared numbers. Reads at most
    ``SIMILAR_CANDIDATES`` of the claimant's latest claims, by the claimant index."""
    claimant = suggestion.claimant
    if claimant is None or claimant.known is None or claimant.known.key is None:
        return []
    from claims.models import Claim, Quantity

    candidates = list(
        Claim.objects.active()
        .filter(claimant_id=claimant.known.key)
        .order_by("-asserted_on", "-pk")
        .values_list("pk", "statement")[:SIMILAR_CANDIDATES]
    )
    if not candidates:
        return []
    numbers: dict[int, set[Decimal]] = defaultdict(set)
    for claim_id, value in Quantity.objects.filter(
        claim_id__in=[pk for pk, _ in candidates]
    ).values_list("claim_id", "value"):
        numbers[claim_id].add(Decimal(value).normalize())
    wanted_words = _words(suggestion.text)
    wanted_numbers = {Decimal(q.value).normalize() for q in suggestion.quantities}
    scored = []
    for pk, statement in candidates:
        words = _words(statement)
        union = wanted_words | words
        score = len(wanted_words & words) / len(union) if union else 0.0
        if wanted_numbers and numbers[pk]:
            score += 0.5 * len(wanted_numbers & numbers[pk]) / len(wanted_numbers | numbers[pk])
        score = min(score, 1.0)
        if score >= threshold:
            scored.append((pk, round(score, 3)))
    scored.sort(key=lambda item: (-item[1], -item[0]))
    return scored[:limit]
