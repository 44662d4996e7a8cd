"""Writes on sources: ingesting a document, anchoring excerpts, correcting a body.

Every function is atomic, keyword-only, validates with ``full_clean()`` and
raises Django's ``ValidationError``; the admin, the pages and the API all call
these, so a rule holds whichever door an edit comes through.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from sources.models import Excerpt, Source


@transaction.atomic
def source_ingest(*, actor=None, cites: list[Source] | None = None, **fields) -> Source:
    """Record a new document; a URL or text already recorded is refused.

    The URL is normalised and the body hashed in ``Source.clean()``, and the
    database's unique constraints hold against races between two editors.
    """
    source = Source(**fields)
    source.save_validated(reason="Ingested")
    if cites:
        source.cites.set(cites)
    return source


@transaction.atomic
def source_update(*, source: Source, actor=None, **changes) -> Source:
    """Change a source; a changed body re-anchors every excerpt in the same transaction."""
    old_body = Source.objects.filter(pk=source.pk).values_list("body", flat=True).first()
    for name, value in changes.items():
        setattr(source, name, value)
    body_changed = old_body is not None and old_body != source.body
    source.save_validated(reason="Body corrected" if body_changed else "")
    if body_changed:
        for excerpt in source.excerpts.all():
            excerpt.source = source
            excerpt_reanchor(excerpt=excerpt)
    return source


@transaction.atomic
def excerpt_create(*, source: Source, exact: str, start: int | None = None, actor=None) -> Excerpt:
    """Anchor a quote in a source's body.

    With ``start`` the quote must be at that offset. Without it, the quote
    must occur exactly once, so that the excerpt cannot silently point at
    the wrong occurrence.
    """
    if start is None:
        first = source.body.find(exact) if exact else -1
        if first < 0:
            raise ValidationError({"exact": "This text does not occur in the source's body."})
        if source.body.find(exact, first + 1) >= 0:
            raise ValidationError(
                {"exact": "This text occurs more than once in the source; give its start offset."}
            )
        start = first
    excerpt = Excerpt(source=source, exact=exact, start=start, end=start + len(exact))
    excerpt.save_validated(reason="Anchored")
    return excerpt


@dataclass(frozen=True)
class _Candidate:
    start: int
    context_score: int
    distance: int


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def locate_quote(body: str, *, exact: str, prefix: str, suffix: str, near: int) -> int | None:
    """Where ``exact`` is in ``body`` now, or None if its words are gone.

    Among several occurrences, the one whose surrounding text best matches
    the recorded prefix and suffix wins; ties go to the one nearest the old
    offset. The quote itself must match exactly: a fuzzy match could point at
    words the claimant never said.
    """
    candidates = []
    position = body.find(exact)
    while position >= 0:
        before = body[max(0, position - len(prefix)) : position]
        after = body[position + len(exact) : position + len(exact) + len(suffix)]
        score = _common_suffix(before, prefix) + _common_prefix(after, suffix)
        candidates.append(_Candidate(position, score, abs(position - near)))
        position = body.find(exact, position + 1)
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (c.context_score, -c.distance))
    return best.start


@transaction.atomic
def excerpt_reanchor(*, excerpt: Excerpt, actor=None) -> Excerpt:
    """Find the excerpt's quote again after its source's body changed, or mark it lost."""
    body = excerpt.source.body
    start = locate_quote(
        body, exact=excerpt.exact, prefix=excerpt.prefix, suffix=excerpt.suffix, near=excerpt.start
    )
    if start is None:
        excerpt.anchor = Excerpt.Anchor.LOST
        reason = "Quote no longer found in the corrected body"
    else:
        excerpt.anchor = Excerpt.Anchor.ANCHORED
        excerpt.start, excerpt.end = start, start + len(excerpt.exact)
        reason = "Re-anchored after a body correction"
    excerpt.save_validated(reason=reason)
    return excerpt
