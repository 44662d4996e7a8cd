"""What is asserted, by whom, about what, and what it is worth.

A claim is stated once in the analyst's words; every source that reports it
is an *appearance* of that one claim, with the exact excerpt and the chain of
people and outlets it passed through. Judgements are append-only
*assessments*; the claim's ``status`` is a copy of the latest one, written
only by ``claims.services.claim_assess`` in the same transaction.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least, Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from claims import units
from claims.querysets import (
    ActorQuerySet,
    AppearanceQuerySet,
    AssessmentQuerySet,
    AttributionStepQuerySet,
    ClaimQuerySet,
    ClaimRelationQuerySet,
    EvidenceQuerySet,
    PlaceQuerySet,
    QuantityQuerySet,
    TopicQuerySet,
)
from claimsbase.models import (
    NOTE_MAX_LENGTH,
    RATIONALE_MAX_LENGTH,
    STATEMENT_MAX_LENGTH,
    LimitedTextField,
    TrackedModel,
    not_in_future,
    within_a_century,
)
from sources.models import Reliability


class VerificationStatus(models.TextChoices):
    """The one vocabulary of verification, each with its ClaimReview rating."""

    UNVERIFIED = "unverified", "Unverified"
    IN_REVIEW = "in_review", "In review"
    VERIFIED = "verified", "Verified"
    PARTLY_VERIFIED = "partly_verified", "Partly verified"
    DISPUTED = "disputed", "Disputed"
    FALSE = "false", "False"
    UNVERIFIABLE = "unverifiable", "Unverifiable"
    RETRACTED = "retracted", "Retracted"

    @property
    def claimreview_rating(self) -> tuple[int | None, str]:
        """(ratingValue on a 1–5 scale or None, alternateName) for schema.org ClaimReview."""
        return CLAIMREVIEW_RATINGS[self]

    @property
    def badge_class(self) -> str:
        return f"status-{self.value.replace('_', '-')}"


CLAIMREVIEW_RATINGS = {
    VerificationStatus.UNVERIFIED: (None, "Unverified"),
    VerificationStatus.IN_REVIEW: (None, "Under review"),
    VerificationStatus.VERIFIED: (5, "True"),
    VerificationStatus.PARTLY_VERIFIED: (3, "Half true"),
    VerificationStatus.DISPUTED: (2, "Disputed"),
    VerificationStatus.FALSE: (1, "False"),
    VerificationStatus.UNVERIFIABLE: (None, "Unproven"),
    VerificationStatus.RETRACTED: (1, "Retracted by the claimant"),
}


class Credibility(models.IntegerChoices):
    """Credibility of the information on the Admiralty (NATO) scale."""

    CONFIRMED = 1, "1 – confirmed by other sources"
    PROBABLY_TRUE = 2, "2 – probably true"
    POSSIBLY_TRUE = 3, "3 – possibly true"
    DOUBTFUL = 4, "4 – doubtful"
    IMPROBABLE = 5, "5 – improbable"
    CANNOT_BE_JUDGED = 6, "6 – truth cannot be judged"


WIKIDATA_URL = "https://www.wikidata.org/wiki/"


def wikidata_id_field() -> models.CharField:
    """A Wikidata item id (Q…): the external identifier actors and places are matched by.

    ``db_default`` keeps writers that name their columns (the corpus's COPY) working.
    """
    return models.CharField(
        "Wikidata id",
        max_length=20,
        blank=True,
        default="",
        db_default="",
        validators=[
            RegexValidator(r"^Q[1-9][0-9]*$", "A Wikidata id is Q followed by digits, e.g. Q42.")
        ],
        help_text="Wikidata item id, e.g. Q42; exported as sameAs https://www.wikidata.org/wiki/Q42.",
    )


def wikidata_unique(noun: str) -> models.UniqueConstraint:
    # Matching an imported ClaimReview's sameAs looks records up by this id.
    return models.UniqueConstraint(
        fields=["wikidata_id"],
        condition=~Q(wikidata_id=""),
        name="%(app_label)s_%(class)s_unique_wikidata_id",
        violation_error_message=f"Another {noun} has this Wikidata id.",
    )


class WikidataMixin:
    """The Wikidata id of an actor or place as the URL that ``sameAs`` gives."""

    @property
    def wikidata_url(self) -> str:
        return f"{WIKIDATA_URL}{self.wikidata_id}" if self.wikidata_id else ""


class ActorKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "organisation", "Organisation"
    GOVERNMENT = "government", "Government"
    MILITARY = "military", "Military unit or command"
    OUTLET_STAFF = "outlet_staff", "Outlet staff"
    UNNAMED = "unnamed", "Unnamed officials or sources"
    SIDE = "side", "Side in a conflict"


class Actor(WikidataMixin, TrackedModel):
    """A person, organisation, government, military unit or outlet staff.

    Actors make claims (the claimant) and are what claims are about.
    """

    Kind = ActorKind

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    affiliation = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text="The organisation or side this actor belongs to.",
    )
    description = LimitedTextField(max_length=NOTE_MAX_LENGTH, blank=True)
    reliability = models.CharField(
        max_length=1,
        choices=Reliability.choices,
        default=Reliability.F,
        db_default=Reliability.F,  # bulk loads (COPY) that leave it out get F too
        help_text=(
            "Admiralty grade (A–F) of this actor as a source of information; a claim it "
            "originates is graded with it unless the analyst says otherwise."
        ),
    )
    wikidata_id = wikidata_id_field()

    objects = ActorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "kind"],
                name="%(app_label)s_%(class)s_unique_name_kind",
                violation_error_code="duplicate_actor",
                violation_error_message="An actor of this kind with this name already exists.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ActorKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="Choose an actor kind from the list.",
            ),
            models.CheckConstraint(
                condition=Q(reliability__in=Reliability.values),
                name="%(app_label)s_%(class)s_reliability_valid",
                violation_error_message="Reliability must be a grade from A to F.",
            ),
            wikidata_unique("actor"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("claims:actor_detail", args=[self.pk])

    def duplicate_of(self, codes: set[str]) -> Actor | None:
        if "duplicate_actor" not in codes:
            return None
        twins = Actor.objects.filter(name=self.name, kind=self.kind).exclude(pk=self.pk)
        return twins.only("id").first()

    def clean(self) -> None:
        ancestor, seen = self.affiliation, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"affiliation": "An actor cannot belong to itself."})
            seen.add(ancestor.pk)
            ancestor = ancestor.affiliation

    def role_on(self, day) -> ActorRole | None:
        """The role held on ``day``, from prefetched ``roles`` (no query when prefetched)."""
        for role in self.roles.all():
            if role.covers(day):
                return role
        return None


class Alias(TrackedModel):
    """Another name, spelling or transliteration of a record, in a language if known.

    Actors and places are known by several names (Syrskyi, Syrsky, Syrskii;
    Huliaipole, Gulyaipole); search and the pickers find them by any of them.
    """

    name = models.CharField(max_length=200)
    language = models.CharField(max_length=16, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ActorAlias(Alias):
    """Another name or transliteration of an actor (Syrsky, Syrskii for Syrskyi)."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")

    history = HistoricalRecords()

    class Meta(Alias.Meta):
        verbose_name_plural = "actor aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "name"],
                name="%(app_label)s_%(class)s_unique_per_actor",
                violation_error_message="This actor already has this alias.",
            )
        ]
        indexes = [
            # Name search and the actor picker look aliases up by name.
            models.Index(fields=["name"], name="actoralias_name_idx"),
        ]


class ActorRole(TrackedModel):
    """A position an actor held over a period (Chief of the General Staff, 2012–)."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
        help_text="The organisation in which the role is held.",
    )
    start = models.DateField(null=True, blank=True, validators=[within_a_century])
    end = models.DateField(null=True, blank=True, validators=[within_a_century])

    history = HistoricalRecords()

    class Meta:
        ordering = ["actor", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="%(app_label)s_%(class)s_period_ordered",
                violation_error_message="A role cannot end before it starts.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # The check constraint says the same to the database; this puts it on the field.
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "A role cannot end before it starts."})

    def covers(self, day) -> bool:
        if day is None:
            return self.end is None
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


class PlaceKind(models.TextChoices):
    COUNTRY = "country", "Country"
    REGION = "region", "Region or oblast"
    DISTRICT = "district", "District or sector"
    SETTLEMENT = "settlement", "Settlement"
    FACILITY = "facility", "Facility"
    AREA = "area", "Area or front line"
    WATER = "water", "Sea or waterway"


class Place(WikidataMixin, TrackedModel):
    """A country, region, settlement or facility, inside a parent place.

    ``ancestor_path`` lists the ids of every place above this one ("/1/4/"),
    so "claims about Kursk Oblast and the places inside it" is one indexed
    prefix filter on both databases instead of a recursive query.
    """

    Kind = PlaceKind

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SETTLEMENT)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    ancestor_path = models.CharField(max_length=500, default="/", editable=False)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    wikidata_id = wikidata_id_field()

    objects = PlaceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["ancestor_path"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="%(app_label)s_%(class)s_not_inside_itself",
                violation_error_message="A place cannot be inside itself.",
            ),
            models.UniqueConstraint(
                fields=["name", "parent"],
                name="%(app_label)s_%(class)s_unique_name_in_parent",
                violation_error_code="duplicate_place",
                violation_error_message="A place with this name already exists in this parent.",
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="%(app_label)s_%(class)s_unique_top_level_name",
                violation_error_code="duplicate_place",
                violation_error_message="A top-level place with this name already exists.",
            ),
            models.CheckConstraint(
                # isnull=False on both, because a comparison with NULL would pass the check.
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    Q(latitude__isnull=False, longitude__isnull=False)
                    & Q(latitude__gte=-90, latitude__lte=90)
                    & Q(longitude__gte=-180, longitude__lte=180)
                ),
                name="%(app_label)s_%(class)s_coordinates_valid",
                violation_error_message=(
                    "Give both latitude (−90 to 90) and longitude (−180 to 180), or neither."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PlaceKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="Choose a place kind from the list.",
            ),
            wikidata_unique("place"),
        ]
        indexes = [
            # Place containment: descendants are rows whose path starts with a prefix.
            models.Index(fields=["ancestor_path"], name="place_ancestor_path_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        moved = not self._state.adding
        old_path = self.ancestor_path
        self.ancestor_path = (
            f"{self.parent.ancestor_path}{self.parent_id}/" if self.parent_id else "/"
        )
        if self.pk and f"/{self.pk}/" in self.ancestor_path:
            # clean() says this to editors; this guard stops a save that skipped
            # validation from moving the subtree into itself and recursing forever.
            raise ValidationError({"parent": "A place cannot be inside itself."})
        super().save(*args, **kwargs)
        if moved and old_path != self.ancestor_path:
            # Moving a place moves everything inside it; rare, so one save each.
            for child in self.children.all():
                child.save()

    def get_absolute_url(self) -> str:
        return reverse("claims:place_detail", args=[self.pk])

    def duplicate_of(self, codes: set[str]) -> Place | None:
        if "duplicate_place" not in codes:
            return None
        twins = Place.objects.filter(name=self.name).exclude(pk=self.pk)
        twins = (
            twins.filter(parent=self.parent_id)
            if self.parent_id
            else twins.filter(parent__isnull=True)
        )
        return twins.only("id").first()

    def clean(self) -> None:
        if (
            self.pk
            and self.parent_id
            and (self.parent_id == self.pk or f"/{self.pk}/" in self.parent.ancestor_path)
        ):
            raise ValidationError({"parent": "A place cannot be inside itself."})

    @property
    def subtree_prefix(self) -> str:
        """The ``ancestor_path`` prefix shared by every place inside this one."""
        return f"{self.ancestor_path}{self.pk}/"

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.ancestor_path.strip("/").split("/") if part]


class PlaceAlias(Alias):
    """Another name or spelling of a place (Gulyaipole for Huliaipole)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="aliases")

    history = HistoricalRecords()

    class Meta(Alias.Meta):
        verbose_name_plural = "place aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["place", "name"],
                name="%(app_label)s_%(class)s_unique_per_place",
                violation_error_message="This place already has this alias.",
            )
        ]


class Topic(TrackedModel):
    """A thread that groups claims: the Kursk incursion, the Jeddah ceasefire talks."""

    name = models.CharField(max_length=200, unique=True)
    description = LimitedTextField(max_length=NOTE_MAX_LENGTH, blank=True)

    objects = TopicQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("claims:topic_detail", args=[self.pk])


# Named outside the class so that a service can write one history row for a claim's
# save and its links together (claims.services.claim_history_once).
CLAIM_HISTORY = HistoricalRecords(
    m2m_fields=["actors", "places", "topics"], excluded_fields=["search_document"]
)


class Claim(TrackedModel):
    """One assertion, stated once in the analyst's words, made by one claimant.

    Ten outlets reporting it make ten appearances of this one claim, not ten
    claims. ``status`` copies the latest assessment; only
    ``claims.services.claim_assess`` (and a merge, which moves assessments)
    writes it.
    """

    statement = LimitedTextField(
        max_length=STATEMENT_MAX_LENGTH, help_text="The assertion, in the analyst's words."
    )
    claimant = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="claims_made",
        help_text='Who asserts it; may be an actor such as "unnamed officials".',
    )
    asserted_on = models.DateField(
        null=True,
        blank=True,
        validators=[not_in_future],
        help_text="When the claimant made the assertion.",
    )
    # A claim may be about the future ("by 2030"), so its period may lie ahead.
    period_start = models.DateField(
        null=True,
        blank=True,
        validators=[within_a_century],
        help_text="Start of the period the claim is about.",
    )
    period_end = models.DateField(
        null=True,
        blank=True,
        validators=[within_a_century],
        help_text="End of the period the claim is about.",
    )
    status = models.CharField(
        max_length=20,
        choices=VerificationStatus.choices,
        default=VerificationStatus.UNVERIFIED,
        editable=False,
        help_text="The status set by the latest assessment.",
    )
    actors = models.ManyToManyField(
        Actor, blank=True, related_name="claims_about", help_text="Actors the claim is about."
    )
    places = models.ManyToManyField(
        Place, blank=True, related_name="claims", help_text="Places the claim is about."
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="claims")
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_claims",
        editable=False,
        help_text="Set when this claim was found to duplicate another and merged into it.",
    )
    notes = LimitedTextField(max_length=NOTE_MAX_LENGTH, blank=True)
    external_id = models.CharField(
        max_length=500,
        blank=True,
        help_text="The claim's id in the system it was imported from; re-imports skip it.",
    )
    source_system = models.CharField(
        max_length=100,
        blank=True,
        help_text='The system an external id belongs to, e.g. "monitoring-2025".',
    )
    # What SQLite searches: the claim's texts and names, lower-cased and
    # accent-stripped, written only by claims.services.claims_reindex. PostgreSQL
    # searches a stored tsvector instead and leaves this empty (claimsbase.search).
    search_document = models.TextField(blank=True, default="", editable=False)

    objects = ClaimQuerySet.as_manager()
    history = CLAIM_HISTORY

    class Meta:
        ordering = ["-asserted_on", "-id"]
        permissions = [("merge_claim", "Can merge a duplicate claim into another")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=VerificationStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="The status must be one of the verification statuses.",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="%(app_label)s_%(class)s_period_ordered",
                violation_error_message="The period a claim is about cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=F("pk")),
                name="%(app_label)s_%(class)s_not_merged_into_itself",
                violation_error_message="A claim cannot be merged into itself.",
            ),
            # Re-importing a file finds the claims it already wrote by their external id.
            models.UniqueConstraint(
                fields=["source_system", "external_id"],
                condition=~Q(external_id=""),
                name="%(app_label)s_%(class)s_unique_external_id",
                violation_error_code="duplicate_external_id",
                violation_error_message=(
                    "A claim with this external id from this source system is already recorded."
                ),
            ),
        ]
        indexes = [
            # The claim list filters by status and sorts by date asserted.
            models.Index(fields=["status", "-asserted_on"], name="claim_status_asserted_idx"),
            # An actor's track record: their claims by date.
            models.Index(fields=["claimant", "-asserted_on"], name="claim_claimant_asserted_idx"),
            # Date range filters (asserted before/after) and the as-of view.
            models.Index(fields=["asserted_on"], name="claim_asserted_idx"),
            # A script's natural-key lookup, ?external_id= with or without a source system
            # (the unique constraint's index leads with source_system).
            models.Index(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="claim_external_id_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.statement if len(self.statement) <= 100 else self.statement[:97] + "…"

    def get_absolute_url(self) -> str:
        return reverse("claims:claim_detail", args=[self.pk])

    def duplicate_of(self, codes: set[str]) -> Claim | None:
        if "duplicate_external_id" not in codes:
            return None
        twins = Claim.objects.filter(
            source_system=self.source_system, external_id=self.external_id
        ).exclude(pk=self.pk)
        return twins.only("id").first()

    @property
    def status_choice(self) -> VerificationStatus:
        return VerificationStatus(self.status)

    # --- what the claim is shown with -----------------------------------
    # Pages, serializers, filters and exports read these three and nothing
    # else, so "today" and "as of a past day" mean the same everywhere.

    @property
    def is_as_of(self) -> bool:
        """Whether this row was read as of a past day (``ClaimQuerySet.as_of``)."""
        return hasattr(self, "as_of_status")

    @property
    def shown_status(self) -> str:
        """The status code this claim is shown with: today's, or the one it had on ``as_of``."""
        return self.as_of_status if self.is_as_of else self.status

    @property
    def shown_status_choice(self) -> VerificationStatus:
        return VerificationStatus(self.shown_status)

    @property
    def shown_assessment(self) -> Assessment | None:
        """The assessment behind the status shown, or None while the claim is unverified.

        Read from what the read path prefetched: as of a past day the one
        ``as_of()`` prefetched; today ``latest_assessments`` (lists) or every
        assessment, newest first (``for_detail``).
        """
        if self.is_as_of:
            that_day = getattr(self, "as_of_assessments", None)
            if that_day is not None:
                return that_day[0] if that_day else None
            wanted = self.as_of_assessment_id
            return next((a for a in self.assessments.all() if a.pk == wanted), None)
        latest = getattr(self, "latest_assessments", None)
        assessments = latest if latest is not None else list(self.assessments.all())
        return assessments[0] if assessments else None

    @property
    def shown_grade(self) -> str:
        """The two-part grade ("B2") of the assessment this claim is shown with, or ""."""
        if self.is_as_of:
            if self.as_of_reliability and self.as_of_credibility:
                return f"{self.as_of_reliability}{self.as_of_credibility}"
            return ""
        assessment = self.shown_assessment
        return assessment.grade if assessment else ""

    def _stood_then(self, rows, made: str) -> list:
        """``rows`` (prefetched), less those whose ``made`` time is after the as-of moment."""
        moment = getattr(self, "as_of_moment", None)
        rows = list(rows)
        if moment is None:
            return rows
        return [row for row in rows if getattr(row, made) <= moment]

    def shown_assessments(self) -> list[Assessment]:
        """The assessments shown on the claim page, newest first: every one today, as of a
        past day those made by then (the first is the one behind the status shown)."""
        return self._stood_then(self.assessments.all(), "assessed_at")

    def shown_appearances(self) -> list[Appearance]:
        """The sources reporting the claim as shown: as of a past day, those reported by then."""
        moment = getattr(self, "as_of_moment", None)
        appearances = list(self.appearances.all())
        if moment is None:
            return appearances
        return [appearance for appearance in appearances if appearance.reported_by(moment)]

    def shown_evidence(self) -> list[Evidence]:
        """The evidence shown: as of a past day, that added by then."""
        return self._stood_then(self.evidence.all(), "created_at")

    def shown_relations_out(self) -> list[ClaimRelation]:
        """Relations from this claim; as of a past day, those made by then."""
        return self._stood_then(self.relations_out.all(), "created_at")

    def shown_relations_in(self) -> list[ClaimRelation]:
        """Relations to this claim; as of a past day, those made by then."""
        return self._stood_then(self.relations_in.all(), "created_at")

    def relations(self) -> list[ClaimRelation]:
        """Relations in both directions; no query where the read path prefetched them.

        As of a past day (``ClaimQuerySet.as_of``), only the relations made by then.
        """
        return [*self.shown_relations_out(), *self.shown_relations_in()]

    def relations_by_wording(self) -> list[tuple[str, list[tuple[ClaimRelation, Claim]]]]:
        """Relations grouped by their wording from this side, each with the other claim."""
        groups: dict[str, list[tuple[ClaimRelation, Claim]]] = {}
        for relation in self.relations():
            groups.setdefault(relation.label_from(self), []).append(
                (relation, relation.other(self))
            )
        return sorted(groups.items())

    def counter_claims(self) -> list[Claim]:
        """The claims linked to this one by *contradicts*, whichever way the link points."""
        return [
            relation.other(self)
            for relation in self.relations()
            if relation.kind == RelationKind.CONTRADICTS
        ]


class Appearance(TrackedModel):
    """A source reporting a claim, with the exact excerpt and the attribution chain as reported."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appearances")
    source = models.ForeignKey(
        "sources.Source", on_delete=models.PROTECT, related_name="appearances"
    )
    excerpt = models.ForeignKey(
        "sources.Excerpt",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appearances",
        help_text="The words in the source that report the claim.",
    )
    note = LimitedTextField(max_length=NOTE_MAX_LENGTH, blank=True)

    objects = AppearanceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["claim", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id} in {self.source}"

    def reported_by(self, moment) -> bool:
        """Whether this report stood at ``moment``: its source published by then, or, for a
        source with no publication date, this appearance recorded by then (the same rule as
        ``AppearanceQuerySet.reported_by``)."""
        published = self.source.published_at
        return (published if published is not None else self.created_at) <= moment

    def clean(self) -> None:
        if self.excerpt_id and self.source_id and self.excerpt.source_id != self.source_id:
            raise ValidationError({"excerpt": "The excerpt must come from the same source."})


class Fidelity(models.TextChoices):
    ORIGINAL = "original", "Original statement"
    VERBATIM = "verbatim", "Verbatim quote"
    PARAPHRASE = "paraphrase", "Paraphrase"
    TRANSLATION = "translation", "Translation"
    SUMMARY = "summary", "Summary"
    UNNAMED_RELAY = "unnamed_relay", "Unnamed relay"


class AttributionStep(TrackedModel):
    """One link in the chain an assertion travelled: Gerasimov → briefing → TASS → novinite.com.

    Position 0 is the original speaker; each later step says how faithfully it
    relays the one before.
    """

    Fidelity = Fidelity

    appearance = models.ForeignKey(Appearance, on_delete=models.CASCADE, related_name="chain")
    position = models.PositiveSmallIntegerField()
    actor = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="relayed"
    )
    outlet = models.ForeignKey(
        "sources.Outlet", null=True, blank=True, on_delete=models.PROTECT, related_name="relayed"
    )
    source = models.ForeignKey(
        "sources.Source",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="relayed",
        help_text="The document this step published, if recorded (e.g. the cited TASS report).",
    )
    label = models.CharField(
        max_length=200, blank=True, help_text='What this step was, e.g. "briefing to Putin".'
    )
    fidelity = models.CharField(
        max_length=20, choices=Fidelity.choices, default=Fidelity.PARAPHRASE
    )

    objects = AttributionStepQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["appearance", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["appearance", "position"],
                name="%(app_label)s_%(class)s_unique_position",
                violation_error_message="Two steps of one chain cannot share a position.",
            ),
            models.CheckConstraint(
                condition=Q(actor__isnull=False)
                | Q(outlet__isnull=False)
                | Q(source__isnull=False)
                | ~Q(label=""),
                name="%(app_label)s_%(class)s_names_someone",
                violation_error_message="A step names an actor, an outlet, a source or a label.",
            ),
            models.CheckConstraint(
                condition=Q(fidelity__in=Fidelity.values),
                name="%(app_label)s_%(class)s_fidelity_valid",
                violation_error_message="Choose a fidelity from the list.",
            ),
        ]

    def __str__(self) -> str:
        return self.label or str(self.actor or self.outlet or self.source)


class Qualifier(models.TextChoices):
    EXACTLY = "exactly", "exactly"
    ABOUT = "about", "about"
    AT_LEAST = "at_least", "at least"
    MORE_THAN = "more_than", "more than"
    AT_MOST = "at_most", "at most"
    LESS_THAN = "less_than", "less than"


class Quantity(TrackedModel):
    """A number a claim asserts: "24 settlements", "about 430 soldiers", "35 assaults a day".

    ``canonical_*`` are derived from value and unit in ``clean()`` so that
    claims about the same measure compare over time.
    """

    Qualifier = Qualifier

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="quantities")
    value = models.DecimalField(max_digits=20, decimal_places=6)
    value_max = models.DecimalField(
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="Upper bound when the claim gives a range (value is the lower bound).",
    )
    unit = models.CharField(
        max_length=50,
        blank=True,
        help_text='Unit as written ("square kilometers", "km²"); empty for a count.',
    )
    counted = models.CharField(
        max_length=200, help_text='What is counted or measured: "settlements regained".'
    )
    qualifier = models.CharField(
        max_length=10, choices=Qualifier.choices, default=Qualifier.EXACTLY
    )
    per = models.CharField(
        max_length=50, blank=True, help_text='Time unit of a rate: "day" in "35 assaults a day".'
    )
    text = models.CharField(max_length=300, blank=True, help_text="The words the number came from.")
    canonical_value = models.DecimalField(
        max_digits=20, decimal_places=6, null=True, editable=False
    )
    canonical_value_max = models.DecimalField(
        max_digits=20, decimal_places=6, null=True, editable=False
    )
    canonical_unit = models.CharField(max_length=50, blank=True, editable=False)

    objects = QuantityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["claim", "id"]
        verbose_name_plural = "quantities"
        constraints = [
            models.CheckConstraint(
                condition=Q(value_max__isnull=True) | Q(value_max__gte=F("value")),
                name="%(app_label)s_%(class)s_range_ordered",
                violation_error_message="A range cannot end below where it starts.",
            ),
            models.CheckConstraint(
                condition=Q(qualifier__in=Qualifier.values),
                name="%(app_label)s_%(class)s_qualifier_valid",
                violation_error_message="Choose a qualifier from the list.",
            ),
        ]
        indexes = [
            # Comparing claims about one measure: filter by canonical unit and what is counted.
            models.Index(fields=["canonical_unit", "counted"], name="quantity_measure_idx"),
            # Other figures for a measure (claims.figures): what is counted in any case, the
            # newest first, so a claim's comparison reads a bounded slice of one index.
            models.Index(
                Lower("counted"), "canonical_unit", "id", name="quantity_measure_lower_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.display

    def clean(self) -> None:
        errors = {}
        numbers = [number for number in (self.value, self.value_max) if number is not None]
        if not all(isinstance(number, Decimal | int) for number in numbers):
            return  # not numbers: the value fields already say so
        try:
            normalised = units.normalise(self.value, self.value_max, self.unit)
        except units.UnitTooComplex:
            errors["unit"] = (
                f"“{self.unit}” is not a unit a claim measures in: whole powers up to "
                f"{units.MAX_POWER} only (km², m³)."
            )
        except units.UnknownUnit:
            errors["unit"] = (
                f"“{self.unit}” is not a unit claimsbase knows. Leave the unit empty for a "
                "count and say what is counted."
            )
        except ArithmeticError:
            errors["value"] = "This number is too large to convert to the canonical unit."
        else:
            self.canonical_value = normalised.value
            self.canonical_value_max = normalised.value_max
            self.canonical_unit = normalised.unit
            # The canonical columns hold 14 digits before the decimal point, as value does.
            converted = [n for n in (normalised.value, normalised.value_max) if n is not None]
            if any(abs(number) >= Decimal(10) ** 14 for number in converted):
                errors["value"] = "This number is too large to convert to the canonical unit."
            elif normalised.unit and any(
                given and not number for given, number in zip(numbers, converted, strict=True)
            ):
                errors["value"] = (
                    f"This number is too small to keep in {normalised.unit}, to six decimal places."
                )
        if self.per:
            try:
                if units.canonical_symbol(self.per) != "day":
                    errors["per"] = "A rate is per unit of time: day, week, hour…"
            except units.UnknownUnit:
                errors["per"] = f"“{self.per}” is not a unit of time."
        if errors:
            raise ValidationError(errors)

    @property
    def amount(self) -> str:
        """The number (or range) in its canonical unit, rounded to the precision it was
        written with: "≈ 1,000 km²" for 386 square miles, "259 km²", "430", "2–3 day".

        "≈" marks a conversion that rounding changed, unless a qualifier already says
        the figure is not exact.
        """
        if self.canonical_unit:
            pairs = [(self.canonical_value, self.value), (self.canonical_value_max, self.value_max)]
        else:
            pairs = [(self.value, self.value), (self.value_max, self.value_max)]
        numbers, rounded_off = [], False
        for canonical, written in pairs:
            if canonical is None or written is None:
                continue
            rounded = units.round_as_written(canonical, written)
            rounded_off |= rounded != canonical
            numbers.append(units.format_number(rounded))
        text = "–".join(numbers)
        if self.canonical_unit:
            text = f"{text} {self.canonical_unit}"
        if rounded_off and self.qualifier == self.Qualifier.EXACTLY:
            text = f"≈ {text}"
        return text

    @property
    def display(self) -> str:
        """ "about 430 soldiers captured", "259 km² territory regained", "35 assaults per day",
        "≈ 1,000 km² territory" for 386 square miles."""
        parts = [] if self.qualifier == self.Qualifier.EXACTLY else [self.get_qualifier_display()]
        parts += [self.amount, self.counted]
        if self.per:
            parts.append(f"per {self.per}")
        return " ".join(parts)


class RelationKind(models.TextChoices):
    CONTRADICTS = "contradicts", "contradicts"
    SUPPORTS = "supports", "supports"
    QUALIFIES = "qualifies", "qualifies"
    RESPONDS_TO = "responds_to", "responds to"
    SAME_AS = "same_as", "same as"
    SUPERSEDES = "supersedes", "supersedes"

    @property
    def inverse_label(self) -> str:
        """How the relation reads from the target claim's side."""
        return INVERSE_LABELS[self]

    @property
    def symmetric(self) -> bool:
        """Whether A→B says the same as B→A, so recording both would be a duplicate."""
        return self in (self.CONTRADICTS, self.SAME_AS)


class ClaimRelation(TrackedModel):
    """A typed, directed link between two claims; a counter-claim is linked by *contradicts*."""

    Kind = RelationKind

    # PROTECT: a relation is a judgement about two claims; neither claim is deleted under it.
    from_claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="relations_out")
    to_claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="relations_in")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = LimitedTextField(max_length=NOTE_MAX_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ClaimRelationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_claim=F("to_claim")),
                name="%(app_label)s_%(class)s_not_self",
                violation_error_message="A claim cannot be related to itself.",
            ),
            models.UniqueConstraint(
                fields=["from_claim", "to_claim", "kind"],
                name="%(app_label)s_%(class)s_unique",
                violation_error_code="duplicate_relation",
                violation_error_message="This relation between these claims is already recorded.",
            ),
            # A contradicts B is the same fact as B contradicts A: one row per pair.
            models.UniqueConstraint(
                Least("from_claim", "to_claim"),
                Greatest("from_claim", "to_claim"),
                "kind",
                condition=Q(kind__in=["contradicts", "same_as"]),
                name="%(app_label)s_%(class)s_unique_symmetric",
                violation_error_code="duplicate_relation",
                violation_error_message="This relation between these claims is already recorded.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RelationKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message="Choose a relation kind from the list.",
            ),
        ]
        indexes = [
            # "Has counter-claims" and the relations panel read both directions by kind.
            models.Index(fields=["to_claim", "kind"], name="relation_to_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.from_claim_id} {self.get_kind_display()} #{self.to_claim_id}"

    def label_from(self, claim: Claim) -> str:
        """The relation's wording as read from ``claim``'s side."""
        kind = self.Kind(self.kind)
        return kind.label if claim.pk == self.from_claim_id else kind.inverse_label

    def other(self, claim: Claim) -> Claim:
        return self.to_claim if claim.pk == self.from_claim_id else self.from_claim


INVERSE_LABELS = {
    ClaimRelation.Kind.CONTRADICTS: "contradicted by",
    ClaimRelation.Kind.SUPPORTS: "supported by",
    ClaimRelation.Kind.QUALIFIES: "qualified by",
    ClaimRelation.Kind.RESPONDS_TO: "responded to by",
    ClaimRelation.Kind.SAME_AS: "same as",
    ClaimRelation.Kind.SUPERSEDES: "superseded by",
}


class Assessment(models.Model):
    """A verification judgement on a claim. Append-only: history is never overwritten.

    With the reliability of the source it rests on (A–F) and the credibility
    of the information (1–6) it gives the two-part Admiralty grade ("B2").
    """

    # PROTECT: a judgement outlives any attempt to delete what it judged.
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=20, choices=VerificationStatus.choices)
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility.choices, default=Credibility.CANNOT_BE_JUDGED
    )
    reliability = models.CharField(
        max_length=1,
        choices=Reliability.choices,
        default=Reliability.F,
        help_text="Admiralty grade of the reporting source's reliability when assessed.",
    )
    rationale = LimitedTextField(
        max_length=RATIONALE_MAX_LENGTH, help_text="Why this status: what was checked and found."
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments",
    )
    assessed_at = models.DateTimeField(default=timezone.now, db_index=True)
    outlet = models.ForeignKey(
        "sources.Outlet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        help_text="The fact-checker whose published review this assessment records, if any.",
    )
    review = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text=(
            "The imported ClaimReview this assessment records: its URL, its rating as given, "
            "and every property claimsbase has no field for, given back on export."
        ),
    )

    objects = AssessmentQuerySet.as_manager()
    # Who recorded each judgement and when it moved to another claim (a merge),
    # like every other record's trail; written by claim_assess and claims_merge.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_at", "-id"]
        get_latest_by = ["assessed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=VerificationStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message="The status must be one of the verification statuses.",
            ),
            models.CheckConstraint(
                condition=Q(credibility__gte=1, credibility__lte=6),
                name="%(app_label)s_%(class)s_credibility_range",
                violation_error_message="Credibility is graded from 1 to 6.",
            ),
            models.CheckConstraint(
                condition=Q(reliability__in=Reliability.values),
                name="%(app_label)s_%(class)s_reliability_valid",
                violation_error_message="Reliability must be a grade from A to F.",
            ),
        ]
        indexes = [
            # The latest assessment per claim, and the as-of view.
            models.Index(fields=["claim", "-assessed_at"], name="assessment_claim_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.grade})"

    def save(self, *args, **kwargs):
        # A judgement once made stays as it was; a new view is a new assessment.
        if not self._state.adding:
            raise ValidationError("An assessment is never edited; record a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(
            "An assessment is never deleted; record a new one (e.g. retracted) instead.",
            code="protected",
        )

    @property
    def grade(self) -> str:
        return f"{self.reliability}{self.credibility}"

    @property
    def status_choice(self) -> VerificationStatus:
        return VerificationStatus(self.status)


class EvidenceStance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"
    CONTEXT = "context", "Gives context"


class Evidence(TrackedModel):
    """A source, excerpt or URL that supports, refutes or gives context to a claim."""

    Stance = EvidenceStance

    # PROTECT: evidence is part of the record of judging a claim.
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="evidence")
    assessment = models.ForeignKey(
        Assessment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
        help_text="The assessment that rests on this evidence, if any.",
    )
    # No default: whether evidence supports or refutes is always the analyst's choice.
    stance = models.CharField(max_length=10, choices=Stance.choices)
    source = models.ForeignKey(
        "sources.Source", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    excerpt = models.ForeignKey(
        "sources.Excerpt", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    url = models.URLField(max_length=2000, blank=True)
    note = LimitedTextField(max_length=NOTE_MAX_LENGTH, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = EvidenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["claim", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=Q(source__isnull=False) | Q(excerpt__isnull=False) | ~Q(url=""),
                name="%(app_label)s_%(class)s_points_somewhere",
                violation_error_message="Evidence needs a source, an excerpt or a URL.",
            ),
            models.CheckConstraint(
                condition=Q(stance__in=EvidenceStance.values),
                name="%(app_label)s_%(class)s_stance_valid",
                violation_error_message="Choose a stance from the list.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.source or self.excerpt or self.url}"

    def clean(self) -> None:
        if self.excerpt_id and self.source_id and self.excerpt.source_id != self.source_id:
            raise ValidationError({"excerpt": "The excerpt must come from the chosen source."})
        if self.assessment_id and self.claim_id and self.assessment.claim_id != self.claim_id:
            raise ValidationError({"assessment": "The assessment must be of the same claim."})
