"""Scoring the extraction against annotated articles (the shared annotation format).

Each file holds one article: its header, body, the actors and places an
editor's knowledge base would already hold, and the claims an analyst
recorded. The names are loaded into a fresh ``Knowledge`` (nothing touches
the database), the extraction runs on the body, and suggestions are matched
to annotated claims by the overlap of their spans: at least half of the
shorter span, each annotated claim matched by at most one suggestion.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from claims import units
from claims.extraction.dates import publication_day
from claims.extraction.extractor import ClaimSuggestion, Knowledge, extract
from claims.extraction.names import KnownName, normal_form, skeleton

# Two values are "equal" within this relative tolerance, so that 66.67 % and
# two-thirds (66.666667 %), or 0.667 and 66.7 %, agree.
VALUE_TOLERANCE = Decimal("0.005")
ROWS = ("claims", "claimant", "relays", "quantities", "places", "asserted_on")


class AnnotationError(ValueError):
    """An annotated file that cannot be scored; the message names the file."""


@dataclass
class Tally:
    """Counts behind one row of the table."""

    suggested: int = 0
    annotated: int = 0
    matched_suggested: int = 0
    matched_annotated: int = 0

    @property
    def precision(self) -> float:
        return self.matched_suggested / self.suggested if self.suggested else 0.0

    @property
    def recall(self) -> float:
        return self.matched_annotated / self.annotated if self.annotated else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Tally) -> None:
        self.suggested += other.suggested
        self.annotated += other.annotated
        self.matched_suggested += other.matched_suggested
        self.matched_annotated += other.matched_annotated


@dataclass
class Scores:
    rows: dict[str, Tally] = field(default_factory=lambda: {row: Tally() for row in ROWS})
    articles: int = 0

    def as_dict(self) -> dict:
        return {
            "articles": self.articles,
            **{
                row: {
                    "precision": round(t.precision, 4),
                    "recall": round(t.recall, 4),
                    "f1": round(t.f1, 4),
                    "suggested": t.suggested,
                    "annotated": t.annotated,
                    "matched_suggested": t.matched_suggested,
                    "matched_annotated": t.matched_annotated,
                }
                for row, t in self.rows.items()
            },
        }

    def summary_line(self) -> str:
        r = self.rows
        return (
            f"extraction: claims P={r['claims'].precision:.2f} R={r['claims'].recall:.2f} "
            f"F1={r['claims'].f1:.2f}; claimant acc={r['claimant'].precision:.2f}; "
            f"quantities P={r['quantities'].precision:.2f} R={r['quantities'].recall:.2f}; "
            f"places P={r['places'].precision:.2f} R={r['places'].recall:.2f}"
        )

    def table(self) -> str:
        lines = [f"{'':12} {'precision':>9} {'recall':>7} {'F1':>6}   counts"]
        for row, t in self.rows.items():
            counts = (
                f"{t.matched_suggested}/{t.suggested} suggested, "
                f"{t.matched_annotated}/{t.annotated} annotated"
            )
            lines.append(f"{row:12} {t.precision:9.2f} {t.recall:7.2f} {t.f1:6.2f}   {counts}")
        return "\n".join(lines)


def load_article(path: Path) -> dict:
    """The annotated article in ``path``, checked; AnnotationError names the file and the fault."""
    try:
        article = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AnnotationError(f"{path.name}: not valid JSON ({error})") from error
    if not isinstance(article, dict):
        raise AnnotationError(f"{path.name}: the top level must be an object")
    for key in ("source", "body", "actors", "places", "claims"):
        if key not in article:
            raise AnnotationError(f"{path.name}: missing key '{key}'")
    if not isinstance(article["body"], str):
        raise AnnotationError(f"{path.name}: 'body' must be text")
    if not isinstance(article["source"], dict):
        raise AnnotationError(f"{path.name}: 'source' must be an object")
    for index, claim in enumerate(article["claims"]):
        if not isinstance(claim, dict) or "quote" not in claim or "claimant" not in claim:
            raise AnnotationError(f"{path.name}: claim {index} needs 'quote' and 'claimant'")
        if claim["quote"] not in article["body"]:
            raise AnnotationError(
                f"{path.name}: claim {index}: quote is not in the body: {claim['quote'][:60]!r}"
            )
        for quantity in claim.get("quantities", []):
            try:
                Decimal(str(quantity["value"]))
                if quantity.get("value_max") is not None:
                    Decimal(str(quantity["value_max"]))
            except (KeyError, TypeError, InvalidOperation) as error:
                raise AnnotationError(
                    f"{path.name}: claim {index}: bad quantity {quantity!r}"
                ) from error
    return article


def load_directory(directory: Path) -> list[tuple[Path, dict]]:
    if not directory.is_dir():
        raise AnnotationError(f"{directory}: no such directory")
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise AnnotationError(f"{directory}: no annotated articles (*.json)")
    return [(path, load_article(path)) for path in paths]


def knowledge_of(article: dict) -> Knowledge:
    """The article's actors and places as an editor's existing records would be."""

    def known(records):
        return [
            KnownName(
                r["name"], r.get("kind", ""), tuple(r.get("aliases", [])), r.get("parent") or ""
            )
            for r in records
        ]

    return Knowledge.build(actors=known(article["actors"]), places=known(article["places"]))


def _span(claim: dict, body: str) -> tuple[int, int]:
    start = body.index(claim["quote"])
    return start, start + len(claim["quote"])


def match_claims(
    annotated: list[tuple[int, int]], suggested: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """(annotated, suggested) index pairs overlapping by half the shorter span, one to one."""
    pairs = []
    for a, (a_start, a_end) in enumerate(annotated):
        for s, (s_start, s_end) in enumerate(suggested):
            overlap = min(a_end, s_end) - max(a_start, s_start)
            shorter = min(a_end - a_start, s_end - s_start)
            if overlap > 0 and shorter > 0 and overlap * 2 >= shorter:
                pairs.append((overlap / max(a_end - a_start, s_end - s_start), a, s))
    matched, used_a, used_s = [], set(), set()
    for _, a, s in sorted(pairs, reverse=True):
        if a not in used_a and s not in used_s:
            matched.append((a, s))
            used_a.add(a)
            used_s.add(s)
    return matched


def same_actor(suggested_name: str, annotated_name: str, actors: dict[str, dict]) -> bool:
    """By name or any alias of the annotated actor, ignoring case, accents and transliteration."""
    record = actors.get(annotated_name, {"name": annotated_name, "aliases": []})
    keys = {normal_form(n) for n in (record["name"], *record.get("aliases", []))}
    keys |= {skeleton(n) for n in (record["name"], *record.get("aliases", []))}
    return normal_form(suggested_name) in keys or skeleton(suggested_name) in keys


def _quantity_key(quantity: dict):
    value = Decimal(str(quantity["value"]))
    value_max = quantity.get("value_max")
    value_max = Decimal(str(value_max)) if value_max is not None else None
    unit = quantity.get("unit") or ""
    try:
        normalised = units.normalise(value, value_max, unit)
    except units.UnknownUnit:
        # A unit Pint does not know ("USD", "sorties"): compared as written.
        return value, value_max, normal_form(unit), quantity.get("qualifier") or ""
    magnitude, magnitude_max, dimension = normalised.value, normalised.value_max, normalised.unit
    if dimension == "%":  # a share: compare as a fraction of one, like a count of 0.667
        magnitude = magnitude / 100
        magnitude_max = magnitude_max / 100 if magnitude_max is not None else None
        dimension = ""
    return magnitude, magnitude_max, dimension, quantity.get("qualifier") or ""


def _close(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if a == b:
        return True
    return abs(a - b) <= VALUE_TOLERANCE * max(abs(a), abs(b))


def same_quantity(suggested: dict, annotated: dict) -> bool:
    s, a = _quantity_key(suggested), _quantity_key(annotated)
    return s[2] == a[2] and s[3] == a[3] and _close(s[0], a[0]) and _close(s[1], a[1])


def _set_match(suggested: list, annotated: list, same) -> int:
    used = set()
    count = 0
    for item in suggested:
        for index, other in enumerate(annotated):
            if index not in used and same(item, other):
                used.add(index)
                count += 1
                break
    return count


def score_article(article: dict, suggestions: list[ClaimSuggestion]) -> Scores:
    scores = Scores(articles=1)
    rows = scores.rows
    body = article["body"]
    actors = {a["name"]: a for a in article["actors"]}
    annotated = article["claims"]
    pairs = match_claims(
        [_span(c, body) for c in annotated], [(s.start, s.end) for s in suggestions]
    )
    rows["claims"] = Tally(len(suggestions), len(annotated), len(pairs), len(pairs))
    for a, s in pairs:
        claim, suggestion = annotated[a], suggestions[s]
        right = suggestion.claimant is not None and same_actor(
            suggestion.claimant.name, claim["claimant"], actors
        )
        rows["claimant"].add(Tally(1, 1, int(right), int(right)))
        wanted = claim.get("relays") or []
        got = [r.name for r in suggestion.relays]
        relays_right = len(got) == len(wanted) and all(
            same_actor(g, w, actors) for g, w in zip(got, wanted, strict=True)
        )
        rows["relays"].add(Tally(1, 1, int(relays_right), int(relays_right)))
        suggested_quantities = [q.as_dict() for q in suggestion.quantities]
        matched = _set_match(suggested_quantities, claim.get("quantities", []), same_quantity)
        rows["quantities"].add(
            Tally(len(suggested_quantities), len(claim.get("quantities", [])), matched, matched)
        )
        places = [p.name for p in suggestion.places]
        matched = _set_match(
            places, claim.get("places", []), lambda x, y: normal_form(x) == normal_form(y)
        )
        rows["places"].add(Tally(len(places), len(claim.get("places", [])), matched, matched))
        if claim.get("asserted_on"):
            wanted_day = publication_day(claim["asserted_on"])
            right = suggestion.asserted_on is not None and suggestion.asserted_on == wanted_day
            rows["asserted_on"].add(
                Tally(int(suggestion.asserted_on is not None), 1, int(right), int(right))
            )
        elif suggestion.asserted_on is not None:
            pass  # scored only where the annotation gives a date
    return scores


def run_article(article: dict) -> list[ClaimSuggestion]:
    source = article["source"]
    return extract(
        article["body"],
        knowledge_of(article),
        published=source.get("published"),
        outlet=source.get("outlet", ""),
    )


def evaluate(articles: list[tuple[Path, dict]]) -> Scores:
    total = Scores()
    for _, article in articles:
        result = score_article(article, run_article(article))
        total.articles += 1
        for row in ROWS:
            total.rows[row].add(result.rows[row])
    return total
