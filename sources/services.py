"""Writes on sources: ingesting a document, anchoring excerpts, correcting a body.

Every function is atomic, keyword-only, validates with ``full_clean()`` and
raises Django's ``ValidationError``; the admin, the pages and the API all call
these, so a rule holds whichever door an edit comes through.
"""

from __future__ import annotations

import datetime
import re
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sources.models import Excerpt, Outlet, Source, content_hash, normalize_url


@transaction.atomic
def source_ingest(*, cites: list[Source] | None = None, **fields) -> Source:
    """Record a new document; a URL or text already recorded is refused.

    The URL is normalised and the body hashed in ``Source.clean()``, and the
    database's unique constraints hold against races between two editors.
    """
    source = Source(**fields)
    source.save_validated(reason="Ingested")
    if cites:
        source.cites.set(cites)
    return source


# --- ingesting a document: pasted text, a saved HTML page, or a URL -------------

_HTML_LANG = re.compile(r"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)", re.I)


def document_read(html: str, *, url: str = "") -> dict[str, Any]:
    """The title, author, language, publication day, site and text of an HTML page.

    The article's text is told from menus, footers and comments by
    trafilatura; nothing is fetched. Keys whose value the page does not
    give are left out, so an editor's own values can fill them.
    """
    import trafilatura  # imported on use: it loads lxml and its tables

    document = trafilatura.bare_extraction(
        html, url=url or None, with_metadata=True, include_comments=False, include_tables=False
    )
    found = document.as_dict() if document is not None else {}
    body = (found.get("text") or "").strip()
    title = (found.get("title") or "").strip()
    # trafilatura keeps the headline as the text's first line; the body starts after it.
    if title and body.startswith(title + "\n"):
        body = body[len(title) + 1 :].lstrip()
    language = found.get("language") or ""
    if not language and (match := _HTML_LANG.search(html[:5000])):
        language = match.group(1)
    read = {
        "title": title[:500],
        "author": (found.get("author") or "")[:200],
        "language": language.lower()[:16],
        "published": found.get("date") or "",
        "site": found.get("sitename") or "",
        "body": body,
    }
    return {key: value for key, value in read.items() if value}


def _fetched(url: str) -> str:
    """The HTML at ``url``, where the server may fetch pages (``INGEST_FETCH_URLS``)."""
    if not settings.INGEST_FETCH_URLS:
        raise ValidationError(
            {"url": "This server does not fetch pages; paste the text or upload the saved page."}
        )
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValidationError({"url": "Only http and https pages are fetched."})
    request = urllib.request.Request(url, headers={"User-Agent": "claimsbase ingest"})
    limit = settings.INGEST_MAX_BYTES
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            data = response.read(limit + 1)
            charset = response.headers.get_content_charset() or "utf-8"
    except (OSError, ValueError) as error:
        raise ValidationError({"url": f"The page could not be fetched: {error}."}) from None
    if len(data) > limit:
        raise ValidationError({"url": "The page is larger than this server accepts."})
    return data.decode(charset, errors="replace")


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def _outlet_for(url: str, site: str) -> Outlet | None:
    """The outlet whose domain is the URL's host, else a new one named after it."""
    host = _host(url)
    if not host:
        return None
    outlet = Outlet.objects.filter(domain__in=[host, f"www.{host}"]).order_by("pk").first()
    if outlet is None:
        name = site if site and not Outlet.objects.filter(name=site).exists() else host
        outlet = Outlet(name=name, domain=host)
        outlet.save_validated(reason="Created from a source's URL")
    return outlet


def _moment(value: datetime.date | datetime.datetime | str | None) -> datetime.datetime | None:
    """A publication moment from a date-time, a bare date (taken as its midnight) or ISO text."""
    if not value:
        return None
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                {"published_at": "Enter a date (2025-03-13) or a date and time."}
            ) from None
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _already_recorded(url: str, body: str) -> Source | None:
    lookups = []
    if url and (normalized := normalize_url(url)):
        lookups.append({"normalized_url": normalized})
    if body and (digest := content_hash(body)):
        lookups.append({"content_hash": digest})
    for lookup in lookups:
        if found := Source.objects.filter(**lookup).first():
            return found
    return None


@transaction.atomic
def source_ingest_document(
    *,
    text: str = "",
    html: str = "",
    url: str = "",
    outlet: Outlet | None = None,
    **fields: Any,
) -> tuple[Source, bool]:
    """A new source from pasted text, a saved HTML page or a URL, or the one already recorded.

    Returns ``(source, created)``: a URL or a text already recorded gives the
    existing source rather than an error, so an editor who pastes an article
    twice lands on it. What the editor typed (``fields``: title, author,
    language, published_at, kind, notes) wins over what the page says; the
    outlet is the one given, or found (or created) from the URL's domain.
    A publication date without a time is taken as that day's midnight.
    """
    text = text.replace("\r\n", "\n").strip()
    fetched = bool(url and not text and not html)
    if fetched:
        html = _fetched(url)
    read = document_read(html, url=url) if html else {}
    body = text or read.get("body", "")
    if not body:
        raise ValidationError(
            {"text": "Paste the article's text, upload its saved page, or give its URL."}
        )
    if existing := _already_recorded(url, body):
        return existing, False
    outlet = outlet or _outlet_for(url, read.get("site", ""))
    if outlet is None:
        raise ValidationError(
            {"outlet": "Choose the outlet, or give the article's URL so that it can be found."}
        )
    given = {name: value for name, value in fields.items() if value not in (None, "")}
    first_line = body.split("\n", 1)[0].strip()
    values = {
        "title": read.get("title") or first_line[:200],
        "author": read.get("author", ""),
        "language": read.get("language") or "en",
        "published_at": read.get("published"),
        **given,
    }
    values["published_at"] = _moment(values.get("published_at"))
    if html:
        values.setdefault("retrieved_at", timezone.now())
    return source_ingest(outlet=outlet, url=url, body=body, **values), True


@transaction.atomic
def source_update(*, source: Source, expected_version: int | None = None, **changes) -> Source:
    """Change a source; a changed body re-anchors every excerpt in the same transaction.

    With ``expected_version`` the change is refused (code ``stale_version``)
    unless the source is still at that version, checked in the database.
    """
    source.lock_version(expected_version)
    old_body = Source.objects.filter(pk=source.pk).values_list("body", flat=True).first()
    for name, value in changes.items():
        setattr(source, name, value)
    body_changed = old_body is not None and old_body != source.body
    source.save_validated(reason="Body corrected" if body_changed else "")
    if body_changed:
        for excerpt in source.excerpts.all():
            excerpt.source = source
            excerpt_reanchor(excerpt=excerpt, previous_body=old_body)
    return source


# Characters that a quote typed or pasted by an editor often has in another form
# than the article: typographic quotes and apostrophes, dashes, odd spaces.
_FOLDED = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
    }
)  # fmt: skip


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` with quotes and dashes in plain form and each run of whitespace as one space.

    Also returns, for each character of the folded text, its offset in
    ``text``, so a match in the folded text maps back to the exact characters.
    """
    folded, origins = [], []
    for offset, char in enumerate(text.translate(_FOLDED)):
        if char.isspace():
            if folded and folded[-1] == " ":
                continue
            char = " "
        folded.append(char)
        origins.append(offset)
    return "".join(folded), origins


def quote_spans(body: str, exact: str) -> list[tuple[int, int]]:
    """Every ``(start, end)`` of ``exact`` in ``body``; compared after folding if never exact.

    An editor's quote with a typographic apostrophe, a different dash or a
    line break where the article has a space still finds its words, and the
    span points at the body's own characters.
    """
    spans = [(start, start + len(exact)) for start in _occurrences(body, exact)]
    if spans or not exact.strip():
        return spans
    folded_body, origins = _folded(body)
    folded_quote = _folded(exact.strip())[0]
    return [
        (origins[start], origins[start + len(folded_quote) - 1] + 1)
        for start in _occurrences(folded_body, folded_quote)
    ]


def excerpt_build(*, source: Source, exact: str, start: int | None = None) -> Excerpt:
    """An excerpt anchoring a quote in ``source``'s body, checked but not saved.

    With ``start`` the quote must be at that offset. Without it, the quote
    must occur exactly once, so that the excerpt cannot silently point at
    the wrong occurrence. The quote is compared after folding typographic
    quotes, dashes and whitespace (``quote_spans``); the excerpt keeps the
    body's exact characters. Needs no query, so a batch import anchors many
    quotes with the rules ``excerpt_create`` keeps for one.
    """
    spans = quote_spans(source.body, exact) if exact else []
    if start is not None:
        # Not at that offset: kept as typed, so that clean() refuses it.
        spans = [span for span in spans if span[0] == start]
        end = spans[0][1] if spans else start + len(exact)
    elif not spans:
        raise ValidationError({"exact": "This text does not occur in the source's body."})
    elif len(spans) > 1:
        raise ValidationError(
            {"exact": "This text occurs more than once in the source; give its start offset."}
        )
    else:
        start, end = spans[0]
    if spans:
        exact = source.body[start:end]
    excerpt = Excerpt(source=source, exact=exact, start=start, end=end)
    excerpt.clean()  # the quote is at its offsets; records the prefix and suffix
    return excerpt


@transaction.atomic
def excerpt_create(*, source: Source, exact: str, start: int | None = None) -> Excerpt:
    """Anchor a quote in a source's body (see ``excerpt_build`` for the rules)."""
    excerpt = excerpt_build(source=source, exact=exact, start=start)
    excerpt.save_validated(reason="Anchored")
    return excerpt


@dataclass(frozen=True)
class _Candidate:
    start: int
    context_score: int


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


def _context_score(body: str, position: int, *, exact: str, prefix: str, suffix: str) -> int:
    """How many characters around ``position`` match the recorded prefix and suffix."""
    before = body[max(0, position - len(prefix)) : position]
    after = body[position + len(exact) : position + len(exact) + len(suffix)]
    return _common_suffix(before, prefix) + _common_prefix(after, suffix)


def _occurrences(body: str, exact: str) -> list[int]:
    found, position = [], body.find(exact) if exact else -1
    while position >= 0:
        found.append(position)
        position = body.find(exact, position + 1)
    return found


def locate_quote(
    body: str,
    *,
    exact: str,
    prefix: str,
    suffix: str,
    near: int,
    previous_body: str | None = None,
) -> int | None:
    """Where ``exact`` is in ``body`` now, or None if it cannot be found with confidence.

    The quote itself must match exactly: a fuzzy match could point at words
    the claimant never said. Among several occurrences the recorded prefix
    and suffix decide; when they cannot (two equally good places), the
    excerpt is lost rather than guessed. Given the body as it was (where
    the quote started at ``near``), a new
    place must also look more like the recorded context than the quote's
    other copies did then, so that deleting the quoted sentence never moves
    the excerpt onto the same words said by someone else.
    """
    context = {"exact": exact, "prefix": prefix, "suffix": suffix}
    candidates = [
        _Candidate(position, _context_score(body, position, **context))
        for position in _occurrences(body, exact)
    ]
    if previous_body is not None:
        decoys = [p for p in _occurrences(previous_body, exact) if p != near]
        threshold = max((_context_score(previous_body, p, **context) for p in decoys), default=-1)
        candidates = [c for c in candidates if c.context_score > threshold]
    if not candidates:
        return None
    candidates.sort(key=lambda c: c.context_score, reverse=True)
    if len(candidates) > 1 and candidates[0].context_score == candidates[1].context_score:
        return None
    return candidates[0].start


@transaction.atomic
def excerpt_reanchor(*, excerpt: Excerpt, previous_body: str | None = None) -> Excerpt:
    """Find the excerpt's quote again after its source's body changed, or mark it lost.

    ``previous_body`` is the text before the correction, when known.
    """
    start = locate_quote(
        excerpt.source.body,
        exact=excerpt.exact,
        prefix=excerpt.prefix,
        suffix=excerpt.suffix,
        near=excerpt.start,
        previous_body=previous_body,
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
