"""Fact-checkers' schema.org ClaimReview, brought in as claims, claimants, sources and assessments.

Real ClaimReview comes in many shapes: one object, a list, an ``@graph`` (a
page's JSON-LD, with other nodes beside the reviews), a DataFeed
(``dataFeedElement``) or an ItemList (``itemListElement``), under an
``http://`` or ``https://`` schema.org context, with or without a
``schema:`` prefix on the terms. ``reviews_in`` finds the review objects in
any of them; ``claimreviews_import`` records each:

* the claim: its statement from ``claimReviewed``, the day asserted from the
  reviewed Claim's ``datePublished``, keyed by the review's ``url``
  (``external_id``, source system ``claimreview``), so that importing the
  same review again writes nothing;
* its claimant: the reviewed Claim's ``author`` (Person or Organization),
  found by Wikidata id (``sameAs``), then by name or alias, else created with
  them; its ``jobTitle`` as a role held on the day when no role covers it;
* its appearances: every ``appearance`` and ``firstAppearance``, a URL or a
  CreativeWork (``url``, ``headline``, ``datePublished``, ``publisher``), as a
  source recorded by URL and metadata alone until its text is captured;
* an assessment by the reviewing organisation (``author``, an outlet) with
  the rating mapped to a status by the rating table (``rating_status``).

Nothing is lost: the rating as given and every property claimsbase has no
field for are kept on the assessment (``Assessment.review``), and
``claims.api.exports`` gives them back. Each review is written in its own
savepoint: a refused one is reported with the property at fault and the
rest still import.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims import services
from claims.models import Actor, ActorRole, Claim, Place, VerificationStatus
from claimsbase.services import record_save
from sources.models import Outlet, Source, normalize_url
from sources.services import source_ingest

SOURCE_SYSTEM = "claimreview"

# The most reviews one request may carry; a command reads any number of files.
MAX_REVIEWS = 1000

# --- the rating table -----------------------------------------------------------

# A rating's ``alternateName`` (lower-cased, hyphens as spaces, end punctuation
# dropped) -> status. ``settings.CLAIMREVIEW_RATING_WORDS`` adds to it and overrides it.
RATING_WORDS: dict[str, str] = {
    # verified
    "true": "verified",
    "correct": "verified",
    "accurate": "verified",
    "verified": "verified",
    "confirmed": "verified",
    # partly verified
    "mostly true": "partly_verified",
    "half true": "partly_verified",
    "partly true": "partly_verified",
    "partially true": "partly_verified",
    "partly false": "partly_verified",
    "mixture": "partly_verified",
    "mixed": "partly_verified",
    # disputed
    "misleading": "disputed",
    "mostly false": "disputed",
    "exaggerated": "disputed",
    "distorted": "disputed",
    "missing context": "disputed",
    "needs context": "disputed",
    "out of context": "disputed",
    "disputed": "disputed",
    # false
    "false": "false",
    "pants on fire": "false",
    "fake": "false",
    "incorrect": "false",
    "wrong": "false",
    "fabricated": "false",
    "hoax": "false",
    "altered": "false",
    # cannot be established
    "unproven": "unverifiable",
    "unsupported": "unverifiable",
    "unsubstantiated": "unverifiable",
    "no evidence": "unverifiable",
    "insufficient evidence": "unverifiable",
    "unverifiable": "unverifiable",
    "cannot be verified": "unverifiable",
    # the words claimsbase's own export writes (claims.models.CLAIMREVIEW_RATINGS)
    "unverified": "unverified",
    "under review": "in_review",
    "in review": "in_review",
    "retracted": "retracted",
    "retracted by the claimant": "retracted",
    # a few in other languages
    "faux": "false",
    "falso": "false",
    "falsch": "false",
    "vrai": "verified",
    "verdadero": "verified",
    "wahr": "verified",
    "trompeur": "disputed",
    "engañoso": "disputed",
    "irreführend": "disputed",
}

# A numeric rating by its position between worstRating (0) and bestRating (1):
# the first row whose bound the position does not exceed gives the status. On
# the usual 1–5 scale: 1 false, 2 disputed, 3 and 4 partly verified, 5 verified.
# ``settings.CLAIMREVIEW_RATING_SCALE`` replaces it when given.
RATING_SCALE: list[tuple[float, str]] = [
    (0.2, "false"),
    (0.4, "disputed"),
    (0.75, "partly_verified"),
    (1.0, "verified"),
]


def rating_word(text: str) -> str:
    """A rating's words as the table holds them: "Pants on Fire!" -> "pants on fire"."""
    text = text.casefold().replace("-", " ").replace("_", " ")
    text = re.sub(r"[\s]+", " ", text).strip(" .!?\"'“”«»")
    return text


def rating_words() -> dict[str, str]:
    words = {**RATING_WORDS}
    for word, status in settings.CLAIMREVIEW_RATING_WORDS.items():
        words[rating_word(word)] = _status_setting(status, "CLAIMREVIEW_RATING_WORDS")
    return words


def rating_scale() -> list[tuple[float, str]]:
    configured = settings.CLAIMREVIEW_RATING_SCALE
    if not configured:
        return RATING_SCALE
    try:
        scale = sorted((float(bound), status) for bound, status in configured)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(
            "CLAIMREVIEW_RATING_SCALE must be a list of [upper bound 0–1, status] pairs."
        ) from None
    return [(bound, _status_setting(status, "CLAIMREVIEW_RATING_SCALE")) for bound, status in scale]


def _status_setting(status: str, setting: str) -> str:
    if status not in VerificationStatus.values:
        raise ImproperlyConfigured(
            f"{setting} names {status!r}, which is not a verification status "
            f"({', '.join(VerificationStatus.values)})."
        )
    return status


class Refused(Exception):
    """One review cannot be recorded: messages per property ("reviewRating.ratingValue")."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            return None
    return None


def rating_status(rating: Any) -> str:
    """The verification status a ``reviewRating`` says, by the rating table; raises ``Refused``.

    The words (``alternateName``) decide when the table knows them, since every
    fact-checker numbers its own scale; otherwise ``ratingValue`` by its position
    between ``worstRating`` and ``bestRating`` (schema.org's defaults: 1 and 5).
    """
    if not isinstance(rating, dict):
        raise Refused({"reviewRating": ["Give the rating as an object (a Rating)."]})
    name = _text(rating.get("alternateName"))
    if name:
        status = rating_words().get(rating_word(name))
        if status:
            return status
    value = rating.get("ratingValue")
    if value is None or value == "":
        if name:
            raise Refused(
                {
                    "reviewRating.alternateName": [
                        f"“{name}” is not in the rating table; give ratingValue with "
                        "worstRating and bestRating, or add the words to "
                        "CLAIMREVIEW_RATING_WORDS."
                    ]
                }
            )
        raise Refused({"reviewRating": ["Give ratingValue or alternateName."]})
    errors: dict[str, list[str]] = {}
    number = _number(value)
    worst = _number(rating.get("worstRating", 1))
    best = _number(rating.get("bestRating", 5))
    if number is None:
        errors["reviewRating.ratingValue"] = [f"“{value}” is not a number."]
    if worst is None:
        errors["reviewRating.worstRating"] = ["This is not a number."]
    if best is None:
        errors["reviewRating.bestRating"] = ["This is not a number."]
    if errors:
        raise Refused(errors)
    if best == worst:
        raise Refused({"reviewRating.bestRating": ["bestRating and worstRating are equal."]})
    position = (number - worst) / (best - worst)
    if not 0 <= position <= 1:
        raise Refused(
            {
                "reviewRating.ratingValue": [
                    f"{value} is not between worstRating ({rating.get('worstRating', 1)}) "
                    f"and bestRating ({rating.get('bestRating', 5)})."
                ]
            }
        )
    for bound, status in rating_scale():
        if position <= bound:
            return status
    return rating_scale()[-1][1]


# --- reading JSON-LD -----------------------------------------------------------

SCHEMA_ORG = ("https://schema.org", "http://schema.org")
_PREFIXES = ("https://schema.org/", "http://schema.org/", "schema:")


def _term(name: str) -> str:
    """A term without its schema.org prefix ("schema:author" and "http://schema.org/author")."""
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _plain(value: Any) -> Any:
    """JSON-LD whose terms and types are written without schema.org prefixes."""
    if isinstance(value, dict):
        plain = {}
        for key, item in value.items():
            key = key if key.startswith("@") else _term(key)
            if key == "@type":
                item = [_term(t) for t in item] if isinstance(item, list) else _term(str(item))
            plain[key] = item if key == "@context" else _plain(item)
        return plain
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _types(node: dict) -> set[str]:
    kind = node.get("@type")
    return set(kind) if isinstance(kind, list) else {kind} if kind else set()


def _context_ok(context: Any) -> bool:
    """Whether a ``@context`` is schema.org's (http or https, a list, or a map onto it)."""
    if context is None:
        return True
    if isinstance(context, str):
        return context.rstrip("/") in SCHEMA_ORG
    if isinstance(context, list):
        return bool(context) and all(_context_ok(item) for item in context)
    if isinstance(context, dict):
        return any(isinstance(v, str) and v.rstrip("/") in SCHEMA_ORG for v in context.values())
    return False


def _text(value: Any) -> str:
    """A text value: a string, a ``{"@value": …}``, or the first of a list."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict) and "@value" in value:
        return _text(value["@value"])
    if isinstance(value, list) and value:
        return _text(value[0])
    return ""


def _many(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@dataclass
class Found:
    """One object of a document that should be a review, with the context it is under."""

    node: Any
    context: Any
    in_graph: bool = False


def reviews_in(document: Any) -> list[Found]:
    """Every review object in ``document``, whatever wrapper holds them, in order.

    Nodes of an ``@graph`` that are not ClaimReviews (the page, its publisher)
    are left out; anywhere else every object counts, so that a stray one is
    reported rather than silently dropped.
    """
    found: list[Found] = []

    def walk(node: Any, context: Any, in_graph: bool) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, context, in_graph)
            return
        if not isinstance(node, dict):
            found.append(Found(node, context))
            return
        context = node.get("@context", context)
        plain = _plain(node)
        types = _types(plain)
        if "@graph" in plain:
            walk(plain["@graph"], context, True)
        elif "dataFeedElement" in plain or "DataFeed" in types:
            walk(plain.get("dataFeedElement", []), context, False)
        elif "itemListElement" in plain or "ItemList" in types:
            walk(plain.get("itemListElement", []), context, False)
        elif types & {"DataFeedItem", "ListItem"} and "item" in plain:
            walk(plain["item"], context, False)
        elif in_graph and "ClaimReview" not in types:
            return
        else:
            found.append(Found(plain, context, in_graph))

    walk(document, None, False)
    return found


def _moment(value: Any, name: str, errors: dict) -> datetime.datetime | datetime.date | None:
    """A ``datePublished``: a date, or a date-time (naive ones taken as UTC)."""
    text = _text(value)
    if not text:
        if value not in (None, ""):
            errors[name] = ["Give a date, e.g. 2025-03-12."]
        return None
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        errors[name] = [f"“{text}” is not a date (YYYY-MM-DD) or date-time."]
        return None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=datetime.UTC)


def _as_datetime(moment) -> datetime.datetime | None:
    """A date as noon UTC (the same day in every time zone within ±11 hours)."""
    if moment is None or isinstance(moment, datetime.datetime):
        return moment
    return datetime.datetime.combine(moment, datetime.time(12), tzinfo=datetime.UTC)


def _today() -> datetime.date:
    return timezone.now().astimezone(datetime.UTC).date()


def _as_date(moment) -> datetime.date | None:
    if isinstance(moment, datetime.datetime):
        return moment.astimezone(datetime.UTC).date()
    return moment


def _url(value: Any) -> str:
    text = _text(value) if not isinstance(value, dict) else _text(value.get("url"))
    if text and urlsplit(text).scheme in ("http", "https") and urlsplit(text).hostname:
        return text
    return ""


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def _wikidata_id(url: str) -> str:
    match = re.fullmatch(
        r"https?://(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/(Q[1-9][0-9]*)", url
    )
    return match.group(1) if match else ""


# What each kind of object has a field for; every other property is kept as given.
REVIEW_FIELDS = {
    "@context",
    "@type",
    "url",
    "claimReviewed",
    "datePublished",
    "author",
    "reviewRating",
    "itemReviewed",
    "reviewBody",
}
ITEM_FIELDS = {
    "author",
    "datePublished",
    "appearance",
    "firstAppearance",
    "spatialCoverage",
}
PERSON_FIELDS = {"name", "jobTitle", "sameAs"}
WORK_FIELDS = {"url", "headline", "datePublished", "publisher"}


@dataclass
class _Appearance:
    url: str
    key: str
    title: str
    published_at: datetime.datetime | None
    publisher: str
    publisher_url: str
    kept: dict


@dataclass
class _Review:
    """One review as read, before anything is written."""

    url: str
    key: str
    statement: str
    asserted_on: datetime.date | None
    reviewed_at: datetime.datetime | None
    status: str
    rationale: str
    reviewer: str
    reviewer_url: str
    claimant: dict
    appearances: list[_Appearance]
    places: list[dict]
    kept: dict = field(default_factory=dict)


def _kept(node: dict, known: set[str]) -> dict:
    return {name: value for name, value in node.items() if name not in known}


def _read_claimant(author: Any, errors: dict) -> dict:
    """The reviewed claim's author as a claimant to find or create, with what to keep."""
    if isinstance(author, list):
        if len(author) > 1:
            errors["itemReviewed.author"] = ["Give one author; a claim has one claimant."]
        author = author[0] if author else None
    if author is None:
        return {"name": "", "kind": Actor.Kind.UNNAMED, "kept": {}}
    if isinstance(author, str):
        author = {"name": author}
    if not isinstance(author, dict) or not _text(author.get("name")):
        errors["itemReviewed.author.name"] = ["The claim's author needs a name."]
        return {}
    types = _types(author)
    kind = Actor.Kind.PERSON if "Person" in types else Actor.Kind.ORGANISATION
    same_as = [_url(item) or _text(item) for item in _many(author.get("sameAs"))]
    wikidata = [_wikidata_id(url) for url in same_as if _wikidata_id(url)]
    kept = _kept(author, PERSON_FIELDS)
    if types in ({"Person"}, {"Organization"}):
        kept.pop("@type", None)
    aliases = [_text(name) for name in _many(author.get("alternateName")) if _text(name)]
    return {
        "name": _text(author["name"]),
        "kind": kind,
        "job_title": _text(author.get("jobTitle")),
        "same_as": same_as,
        "wikidata": wikidata[0] if wikidata else "",
        "aliases": aliases,
        "kept": kept,
    }


def work_key(normalized_url: str, publisher: str, title: str) -> str:
    """What an appearance's kept properties are filed under: its URL, else outlet and title."""
    return normalized_url or f"{publisher}: {title}"


def _read_appearance(work: Any, name: str, errors: dict) -> _Appearance | None:
    if isinstance(work, str):
        work = {"url": work}
    if not isinstance(work, dict):
        errors[name] = ["Give a URL or a CreativeWork with a url."]
        return None
    url = _url(work.get("url"))
    publisher = work.get("publisher")
    publisher = publisher[0] if isinstance(publisher, list) and publisher else publisher
    if isinstance(publisher, str):
        publisher = {"name": publisher}
    publisher = publisher if isinstance(publisher, dict) else {}
    title = _text(work.get("headline")) or _text(work.get("name")) or url
    if not url and not (title and _text(publisher.get("name"))):
        # A document never retrieved (a cited agency report) is known by its title and outlet.
        errors[f"{name}.url"] = [
            "An appearance needs an http(s) URL, or a headline and a publisher's name."
        ]
        return None
    published = _moment(work.get("datePublished"), f"{name}.datePublished", errors)
    kept = _kept(work, WORK_FIELDS)
    if kept.get("@type") == "CreativeWork":
        kept.pop("@type", None)
    publisher_kept = _kept(publisher, {"name", "url", "@type"})
    if publisher_kept:
        kept["publisher"] = publisher_kept
    return _Appearance(
        url=url,
        key=work_key(normalize_url(url), _text(publisher.get("name")), title),
        title=title,
        published_at=_as_datetime(published),
        publisher=_text(publisher.get("name")),
        publisher_url=_url(publisher.get("url")),
        kept=kept,
    )


def read_review(found: Found) -> _Review:
    """Read one review object, or raise ``Refused`` naming every property at fault."""
    node = found.node
    if not isinstance(node, dict):
        raise Refused({"": ["Each review must be a JSON object."]})
    errors: dict[str, list[str]] = {}
    if not _context_ok(found.context):
        errors["@context"] = ["Expected the schema.org context (https://schema.org)."]
    types = _types(node)
    if types and "ClaimReview" not in types:
        errors["@type"] = [f"Expected a ClaimReview, not {', '.join(sorted(types))}."]
    url = _url(node.get("url"))
    if not url:
        errors["url"] = ["The review's URL (http or https) is required: re-imports find it by it."]
    elif len(normalize_url(url)) > Claim._meta.get_field("external_id").max_length:
        errors["url"] = ["This URL is too long to be recorded."]
    statement = _text(node.get("claimReviewed"))
    if not statement:
        errors["claimReviewed"] = ["The claim reviewed is required."]
    published = _moment(node.get("datePublished"), "datePublished", errors)
    reviewed_at = _as_datetime(published)
    if isinstance(published, datetime.date) and not isinstance(published, datetime.datetime):
        # Noon of a review dated today may still be ahead: it was published by now.
        reviewed_at = min(reviewed_at, timezone.now()) if published == _today() else reviewed_at
    author = node.get("author")
    author = author[0] if isinstance(author, list) and author else author
    if isinstance(author, str):
        author = {"name": author}
    if not isinstance(author, dict) or not _text(author.get("name")):
        errors["author"] = ["The reviewing organisation (author, with a name) is required."]
        author = {}
    status = ""
    rating = node.get("reviewRating")
    try:
        status = rating_status(rating)
    except Refused as refused:
        errors.update(refused.errors)

    item = node.get("itemReviewed")
    item = item[0] if isinstance(item, list) and item else item
    if item is None:
        item = {}
    if not isinstance(item, dict):
        errors["itemReviewed"] = ["Give the reviewed claim as an object (a Claim)."]
        item = {}
    claimant = _read_claimant(item.get("author"), errors)
    asserted = _as_date(_moment(item.get("datePublished"), "itemReviewed.datePublished", errors))
    appearances: dict[str, _Appearance] = {}
    first_key = None
    for index, work in enumerate(_many(item.get("appearance"))):
        read = _read_appearance(work, f"itemReviewed.appearance.{index}", errors)
        if read:
            appearances.setdefault(read.key, read)
    if item.get("firstAppearance") is not None:
        read = _read_appearance(item["firstAppearance"], "itemReviewed.firstAppearance", errors)
        if read:
            first_key = read.key
            appearances.setdefault(read.key, read)
    places = []
    for index, place in enumerate(_many(item.get("spatialCoverage"))):
        place = {"name": place} if isinstance(place, str) else place
        if not isinstance(place, dict) or not _text(place.get("name")):
            errors[f"itemReviewed.spatialCoverage.{index}"] = ["A place needs a name."]
            continue
        places.append(place)
    if errors:
        raise Refused(errors)

    body = _text(node.get("reviewBody"))
    rating_name = _text(rating.get("alternateName")) or str(rating.get("ratingValue"))
    kept = {
        "url": url,
        "reviewRating": rating,
        "author": _kept(author, {"name"}),
        "properties": _kept(node, REVIEW_FIELDS),
        "itemReviewed": {
            name: value
            for name, value in _kept(item, ITEM_FIELDS).items()
            if (name, value) != ("@type", "Claim")
        },
        "claimant": claimant["kept"],
        "appearances": {key: work.kept for key, work in appearances.items() if work.kept},
        "firstAppearance": first_key,
        "reviewBody": bool(body),
    }
    return _Review(
        url=url,
        key=normalize_url(url),
        statement=statement,
        asserted_on=asserted,
        reviewed_at=reviewed_at,
        status=status,
        rationale=body or f"Rated “{rating_name}” by {_text(author['name'])} ({url}).",
        reviewer=_text(author["name"]),
        reviewer_url=_url(author.get("url")),
        claimant=claimant,
        appearances=list(appearances.values()),
        places=places,
        kept=kept,
    )


# --- writing ---------------------------------------------------------------------


@dataclass
class Refusal:
    """Why one review was refused: its position in the document, its URL, messages per property."""

    index: int
    url: str
    errors: dict[str, list[str]]

    def lines(self) -> list[str]:
        named = f"review {self.index}" + (f" ({self.url})" if self.url else "")
        return [
            f"{named}: {prop + ': ' if prop else ''}{message}"
            for prop, messages in self.errors.items()
            for message in messages
        ]


@dataclass
class ImportSummary:
    """What an import did: claims created, reviews skipped as already there, reviews refused."""

    created: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    def add(self, other: ImportSummary) -> None:
        self.created += other.created
        self.skipped += other.skipped
        self.refused += other.refused

    @property
    def counts(self) -> str:
        return (
            f"{len(self.created)} imported, {len(self.skipped)} skipped (already there), "
            f"{len(self.refused)} refused"
        )


def _messages(error: ValidationError, prefix: str, names: dict[str, str]) -> dict[str, list[str]]:
    """A service's refusal keyed by the ClaimReview property it came from."""
    if not hasattr(error, "error_dict"):
        return {prefix: list(error.messages)}
    return {
        (prefix if name == "__all__" else f"{prefix}.{names.get(name, name)}".strip(".")): [
            str(message) for message in messages
        ]
        for name, messages in error.message_dict.items()
    }


class _Recorder:
    """Writes reviews through the services, remembering the outlets and actors of a run."""

    def __init__(self, by):
        self.by = by
        self.outlets: dict[str, Outlet] = {}

    def outlet(self, name: str, url: str) -> Outlet:
        """The outlet named ``name`` (or, unnamed, the one of ``url``'s domain), made if new."""
        domain = _host(url)
        name = name or domain
        cached = self.outlets.get(name.casefold())
        if cached:
            return cached
        outlet = Outlet.objects.filter(name__iexact=name).first()
        if outlet is None and domain and name == domain:
            outlet = Outlet.objects.filter(domain=domain).first()
        if outlet is None:
            outlet = record_save(record=Outlet(), name=name, domain=domain, kind=Outlet.Kind.OTHER)
        self.outlets[name.casefold()] = outlet
        return outlet

    def claimant(self, read: dict, day: datetime.date | None) -> Actor:
        if not read["name"]:
            return self._actor(name="Unnamed claimant", kind=Actor.Kind.UNNAMED)
        actor = None
        if read["wikidata"]:
            actor = Actor.objects.filter(wikidata_id=read["wikidata"]).first()
        for name in [read["name"], *read["aliases"]]:
            if actor is None:
                actor = (
                    Actor.objects.filter(Q(name__iexact=name) | Q(aliases__name__iexact=name))
                    .order_by("pk")
                    .first()
                )
        if actor is None:
            try:
                actor = services.named_record_save(
                    record=Actor(),
                    name=read["name"],
                    kind=read["kind"],
                    wikidata_id=read["wikidata"],
                )
                for alias in dict.fromkeys(read["aliases"]):
                    if alias != read["name"]:
                        services.alias_add(record=actor, name=alias)
            except ValidationError as error:
                raise Refused(
                    _messages(error, "itemReviewed.author", {"wikidata_id": "sameAs"})
                ) from None
        kept = read["kept"]
        others = [url for url in read["same_as"] if url != actor.wikidata_url]
        if others:
            kept["sameAs"] = others
        title = read["job_title"]
        if title:
            held = next((role for role in actor.roles.all() if role.covers(day)), None)
            if held is None:
                try:
                    record_save(record=ActorRole(), actor=actor, title=title, start=day, end=day)
                except ValidationError as error:
                    raise Refused(
                        _messages(error, "itemReviewed.author", {"title": "jobTitle"})
                    ) from None
            elif held.title.casefold() != title.casefold():
                kept["jobTitle"] = title  # the review's words, where the role says otherwise
        return actor

    def _actor(self, *, name: str, kind: str) -> Actor:
        actor = Actor.objects.filter(name=name, kind=kind).first()
        return actor or services.named_record_save(record=Actor(), name=name, kind=kind)

    def source(self, work: _Appearance, index: int) -> Source:
        """The source at this URL, or a new one recorded by URL and metadata alone.

        One without a URL is the publisher's document of that title."""
        if work.url:
            source = Source.objects.filter(normalized_url=normalize_url(work.url)).first()
            if source:
                return source
        outlet = self.outlet(work.publisher, work.publisher_url or work.url)
        if not work.url:
            source = Source.objects.filter(outlet=outlet, title=work.title, normalized_url="")
            source = source.order_by("pk").first()
            if source:
                return source
        try:
            return source_ingest(
                outlet=outlet, title=work.title, url=work.url, published_at=work.published_at
            )
        except ValidationError as error:
            names = {"title": "headline", "published_at": "datePublished"}
            raise Refused(_messages(error, f"itemReviewed.appearance.{index}", names)) from None

    def places(self, places: list[dict], kept: dict) -> list[Place]:
        """The places named, found by Wikidata id or by their one name or alias; others kept."""
        found, unmatched = [], []
        for place in places:
            wikidata = [_wikidata_id(_url(u) or _text(u)) for u in _many(place.get("sameAs"))]
            wikidata = [w for w in wikidata if w]
            match = Place.objects.filter(wikidata_id=wikidata[0]).first() if wikidata else None
            if match is None:
                name = _text(place["name"])
                named = list(
                    Place.objects.filter(Q(name__iexact=name) | Q(aliases__name__iexact=name))
                    .distinct()
                    .order_by("pk")[:2]
                )
                match = named[0] if len(named) == 1 else None
            if match is None:
                unmatched.append(place)
            else:
                found.append(match)
        if unmatched:
            kept["itemReviewed"]["spatialCoverage"] = unmatched
        return found

    @transaction.atomic
    def record(self, review: _Review) -> Claim:
        reviewer = self.outlet(review.reviewer, review.reviewer_url)
        day = review.asserted_on or _as_date(review.reviewed_at)
        claimant = self.claimant(review.claimant, day)
        sources = [self.source(work, index) for index, work in enumerate(review.appearances)]
        places = self.places(review.places, review.kept)
        try:
            claim = services.claim_create(
                statement=review.statement,
                claimant=claimant,
                asserted_on=review.asserted_on,
                places=places,
                appearances=[{"source": source} for source in dict.fromkeys(sources)],
                external_id=review.key,
                source_system=SOURCE_SYSTEM,
            )
        except ValidationError as error:
            names = {"statement": "claimReviewed", "asserted_on": "itemReviewed.datePublished"}
            raise Refused(_messages(error, "", names)) from None
        kept = {name: value for name, value in review.kept.items() if value not in ({}, None)}
        try:
            services.claim_assess(
                claim=claim,
                by=self.by,
                status=review.status,
                rationale=review.rationale,
                assessed_at=review.reviewed_at,
                outlet=reviewer,
                review=kept,
            )
        except ValidationError as error:
            names = {"assessed_at": "datePublished", "rationale": "reviewBody"}
            raise Refused(_messages(error, "", names)) from None
        return claim


def _already_recorded(keys: Iterable[str]) -> set[str]:
    keys = [key for key in keys if key]
    if not keys:
        return set()
    recorded = Claim.objects.filter(source_system=SOURCE_SYSTEM, external_id__in=keys).exclude(
        external_id=""
    )
    return set(recorded.values_list("external_id", flat=True))


def claimreviews_import(*, document: Any, by) -> ImportSummary:
    """Record every review in ``document`` (any shape ``reviews_in`` reads).

    A review whose URL is already recorded (or earlier in the same document)
    is skipped, and nothing of it is written. A refused review writes nothing
    and is reported by its position and URL with the property at fault; the
    others are still written, each in its own transaction.
    """
    summary = ImportSummary()
    read: list[tuple[int, _Review | None, Refusal | None]] = []
    for index, found in enumerate(reviews_in(document)):
        try:
            read.append((index, read_review(found), None))
        except Refused as refused:
            url = _url(found.node.get("url")) if isinstance(found.node, dict) else ""
            read.append((index, None, Refusal(index, url, refused.errors)))
    recorded = _already_recorded(review.key for _, review, _ in read if review)
    recorder = _Recorder(by)
    for index, review, refusal in read:
        if refusal:
            summary.refused.append(refusal)
            continue
        if review.key in recorded:
            summary.skipped.append(index)
            continue
        try:
            claim = recorder.record(review)
        except Refused as refused:
            summary.refused.append(Refusal(index, review.url, refused.errors))
            recorder.outlets.clear()  # rolled back with the review
            continue
        recorded.add(review.key)
        summary.created.append(claim.pk)
    return summary
