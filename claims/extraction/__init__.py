"""The extraction assist: claims suggested from a news text, pure functions over text and names.

knowledge = Knowledge.build(actors=[KnownName("Valery Gerasimov", "person", ("Gerasimov",))],
                            places=[KnownName("Kursk Oblast", "region", ("Kursk region",))])
for suggestion in extract(body, knowledge, published="2025-03-13", outlet="novinite.com"):
    suggestion.start, suggestion.end, suggestion.claimant, suggestion.relays, ...
"""

from claims.extraction.extractor import (
    ActorSuggestion,
    ClaimSuggestion,
    Knowledge,
    extract,
)
from claims.extraction.names import KnownName, NameIndex
from claims.extraction.quantities import QuantitySuggestion, find_quantities

__all__ = [
    "ActorSuggestion",
    "ClaimSuggestion",
    "Knowledge",
    "KnownName",
    "NameIndex",
    "QuantitySuggestion",
    "extract",
    "find_quantities",
]
