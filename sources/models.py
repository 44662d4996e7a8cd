"""Where information comes from: outlets, the documents they publish, and exact spans of them."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.urls import reverse
from simple_history.models import HistoricalRecords

from claimsbase.models import NOTE_MAX_LENGTH, LimitedTextField, TrackedModel, not_in_future
from sources.querysets import ExcerptQuerySet, OutletQuerySet, SourceQuerySet

# Query parameters that only track the reader; two URLs differing only in
# these point at the same document.
TRACKING_PARAMETERS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|yclid|_ga)$", re.I)


def normalize_url(url: str) -> str:
    """The form of ``url`` under which duplicates compare equal.

    Lower-cases scheme and host, drops ``www.``, default ports, the fragment,
    tracking parameters and a trailing slash, and sorts the query.
    """
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    scheme = parts.scheme.lower() or "http"
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not TRACKING_PARAMETERS.match(key)
    )
    path = parts.path.rstrip("/") or ""
    # http and https copies of one article are one document.
    return urlunsplit(
        ("https" if scheme in ("http", "https") else scheme, host, path, urlencode(query), "")
    )


def content_hash(body: str) -> str:
    """SHA-256 of the body with whitespace collapsed, so re-wrapped copies match."""
    if not body.strip():
        return ""
    return hashlib.sha256(" ".join(body.split()).encode()).hexdigest()


# A host name as DNS spells it (after IDNA encoding): dot-separated labels of
# letters, digits and inner hyphens, ending in an alphabetic or IDNA top-level label.
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
HOST_NAME = re.compile(rf"^(?:{_LABEL}\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}})$")


def validate_host_name(value: str) -> None:
    """An outlet's domain is a host name (novinite.com), never a URL or script text."""
    try:
        ascii_name = value.encode("idna").decode("ascii").lower()
    except UnicodeError:
        ascii_name = ""
    if len(ascii_name) > 253 or not HOST_NAME.match(ascii_name):
        raise ValidationError(
            'Give a host name such as novinite.com, without "https://" or a path.',
            code="invalid_domain",
        )


class OutletKind(models.TextChoices):
    NEWS_SITE = "news_site", "News site"
    NEWS_AGENCY = "news_agency", "News agency"
    BROADCASTER = "broadcaster", "Broadcaster"
    GOVERNMENT = "government", "Government"
    MILITARY = "military", "Military"
    NGO = "ngo", "NGO"
    SOCIAL_MEDIA = "social_media", "Social media"
    OTHER = "other", "Other"


class Reliability(models.TextChoices):
    """Source reliability on the Admiralty (NATO) scale: an outlet's, and an assessment's grade."""

    A = "A", "A – completely reliable"
    B = "B", "B – usually reliable"
    C = "C", "C – fairly reliable"
    D = "D", "D – not usually reliable"
    E = "E", "E – unreliable"
    F = "F", "F – reliability cannot be judged"


class Outlet(TrackedModel):
    """A publisher or channel: a news site, an agency, a ministry, a social media account."""

    Kind = OutletKind

    Reliability = Reliability

    name = models.CharField(max_length=200, unique=True)
    domain = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_host_name],
        help_text="Web domain, e.g. novinite.com, if the outlet has one.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS_SITE)
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code of the outlet's home country."
    )
    state_affiliated = models.BooleanField(
        default=False, help_text="Owned, funded or editorially controlled by a state."
    )
    reliability = models.CharField(
        max_length=1,
        choices=Reliability.choices,
        default=Reliability.F,
        help_text="Admiralty grade of the outlet's track record (A best, F cannot be judged).",
    )
    notes = LimitedTextField(max_length=NOTE_MAX_LENGTH, blank=True)

    objects = OutletQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reliability__in=Reliability.values),
                name="%(app_label)s_%(class)s_reliability_valid",
                violation_error_message="Reliability must be a grade from A to F.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OutletKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="Choose an outlet kind from the list.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sources:outlet_detail", args=[self.pk])


class Source(TrackedModel):
    """One document: an article, a statement, a transcript, a post.

    ``normalized_url`` and ``content_hash`` are derived in ``clean()`` and are
    what duplicates are caught by; a source that was only cited (a TASS report
    never retrieved) may have neither URL nor body.
    """

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        REPORT = "report", "Agency report"
        STATEMENT = "statement", "Statement"
        TRANSCRIPT = "transcript", "Transcript"
        POST = "post", "Social media post"
        OTHER = "other", "Other"

    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, related_name="sources")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=2000, blank=True)
    normalized_url = models.CharField(max_length=2000, blank=True, editable=False)
    author = models.CharField(max_length=200, blank=True)
    language = models.CharField(
        max_length=16, default="en", help_text="Language of the body, as a BCP 47 tag (en, ru, uk)."
    )
    published_at = models.DateTimeField(null=True, blank=True, validators=[not_in_future])
    retrieved_at = models.DateTimeField(null=True, blank=True, validators=[not_in_future])
    body = models.TextField(
        blank=True, help_text="The full text as published. Excerpts point into it by offset."
    )
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    cites = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="cited_by",
        help_text="Sources this one cites or relays, retrieved or not.",
    )
    notes = LimitedTextField(max_length=NOTE_MAX_LENGTH, blank=True)

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[cites])

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["normalized_url"],
                condition=~Q(normalized_url=""),
                name="%(app_label)s_%(class)s_unique_normalized_url",
                violation_error_code="duplicate_url",
                violation_error_message="A source with this URL is already recorded.",
            ),
            models.UniqueConstraint(
                fields=["content_hash"],
                condition=~Q(content_hash=""),
                name="%(app_label)s_%(class)s_unique_content_hash",
                violation_error_code="duplicate_body",
                violation_error_message="A source with the same text is already recorded.",
            ),
        ]
        indexes = [
            # Source lists and outlet pages sort by publication date.
            models.Index(fields=["outlet", "-published_at"], name="source_outlet_published_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("sources:source_detail", args=[self.pk])

    def duplicate_of(self, codes: set[str]) -> Source | None:
        if "duplicate_url" in codes and self.normalized_url:
            twins = Source.objects.filter(normalized_url=self.normalized_url)
        elif "duplicate_body" in codes and self.content_hash:
            twins = Source.objects.filter(content_hash=self.content_hash)
        else:
            return None
        return twins.exclude(pk=self.pk).only("id").first()

    # A duplicate is reported on the field the user typed, not on the derived one.
    DUPLICATE_FIELDS = {"duplicate_url": "url", "duplicate_body": "body"}

    def validate_constraints(self, exclude=None) -> None:
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors: dict[str, list[ValidationError]] = {}
            for field, field_errors in error.error_dict.items():
                for item in field_errors:
                    errors.setdefault(self.DUPLICATE_FIELDS.get(item.code, field), []).append(item)
            raise ValidationError(errors) from None

    def clean(self) -> None:
        self.normalized_url = normalize_url(self.url)
        self.content_hash = content_hash(self.body)
        if self.published_at and self.retrieved_at and self.retrieved_at < self.published_at:
            raise ValidationError(
                {"retrieved_at": "A source cannot be retrieved before it was published."}
            )


class Excerpt(TrackedModel):
    """An exact span of a source's body, findable again after the body is corrected.

    Follows the W3C Web Annotation TextPositionSelector (``start``/``end``)
    plus TextQuoteSelector (``exact`` with ``prefix`` and ``suffix``): the
    offsets are fast, the quote is what survives an edit.
    """

    CONTEXT_LENGTH = 32

    class Anchor(models.TextChoices):
        ANCHORED = "anchored", "Anchored"
        LOST = "lost", "Lost after a body correction"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="excerpts")
    start = models.PositiveIntegerField(help_text="Offset of the first character in the body.")
    end = models.PositiveIntegerField(help_text="Offset just past the last character.")
    exact = models.TextField(help_text="The quoted text, exactly as in the body.")
    prefix = models.CharField(max_length=64, blank=True, editable=False)
    suffix = models.CharField(max_length=64, blank=True, editable=False)
    anchor = models.CharField(
        max_length=10, choices=Anchor.choices, default=Anchor.ANCHORED, editable=False
    )

    objects = ExcerptQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["source", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="%(app_label)s_%(class)s_offsets_ordered",
                violation_error_message="An excerpt must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(end=F("start") + Length("exact")),
                name="%(app_label)s_%(class)s_length_matches_offsets",
                violation_error_message="The excerpt's text must be as long as its offsets say.",
            ),
        ]

    def __str__(self) -> str:
        text = self.exact if len(self.exact) <= 80 else self.exact[:77] + "…"
        return f"“{text}”"

    def clean(self) -> None:
        if self.anchor == self.Anchor.LOST or self.start is None or self.end is None:
            return
        body = self.source.body if self.source_id else ""
        if self.end > len(body):
            raise ValidationError(
                {"end": f"The source's text is only {len(body)} characters long."}
            )
        if body[self.start : self.end] != self.exact:
            raise ValidationError(
                {"exact": "This text is not at these offsets in the source's body."}
            )
        self.prefix = body[max(0, self.start - self.CONTEXT_LENGTH) : self.start]
        self.suffix = body[self.end : self.end + self.CONTEXT_LENGTH]

    @property
    def is_lost(self) -> bool:
        return self.anchor == self.Anchor.LOST
