"""Read paths for claims and the things claims are about.

Building blocks (``active``, ``with_counts``, ``search``, ``in_place``,
``as_of``) combine; ``for_list`` and ``for_detail`` are named for their
consumers and own the joins, prefetches and annotations, so that pages,
endpoints and the admin never issue a query per row.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from claimsbase import search


def _count(queryset: models.QuerySet, outer: str = "pk") -> Subquery:
    """A correlated COUNT, so several counts on one row don't multiply each other."""
    counted = queryset.order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class ActorQuerySet(models.QuerySet):
    def search(self, q: str) -> ActorQuerySet:
        """Actors named ``q`` or something like it (aliases count), most alike first."""
        from claims.models import ActorAlias

        return search.name_search(
            self,
            q,
            alias_model=ActorAlias,
            alias_to="actor",
            fallback_fields=["name", "aliases__name", "description"],
        )

    def with_counts(self) -> ActorQuerySet:
        from claims.models import Claim

        return self.annotate(
            claim_count=_count(
                Claim.objects.filter(claimant=OuterRef("pk"), merged_into__isnull=True),
                "claimant",
            )
        )

    def for_list(self) -> ActorQuerySet:
        return self.select_related("affiliation").prefetch_related("aliases").with_counts()

    def for_detail(self) -> ActorQuerySet:
        return self.select_related("affiliation").prefetch_related(
            "aliases", Prefetch("roles", queryset=self._roles()), "members"
        )

    @staticmethod
    def _roles():
        from claims.models import ActorRole

        return ActorRole.objects.select_related("organisation")


class PlaceQuerySet(models.QuerySet):
    def search(self, q: str) -> PlaceQuerySet:
        """Places named ``q`` or something like it (aliases count), most alike first."""
        from claims.models import PlaceAlias

        return search.name_search(
            self,
            q,
            alias_model=PlaceAlias,
            alias_to="place",
            fallback_fields=["name", "aliases__name"],
        )

    def inside(self, place) -> PlaceQuerySet:
        """``place`` and every place within it, at any depth."""
        return self.filter(Q(pk=place.pk) | Q(ancestor_path__startswith=place.subtree_prefix))

    def for_list(self) -> PlaceQuerySet:
        return self.select_related("parent").prefetch_related("aliases")

    def for_detail(self) -> PlaceQuerySet:
        return self.select_related("parent").prefetch_related("aliases", "children")


class TopicQuerySet(models.QuerySet):
    def search(self, q: str) -> TopicQuerySet:
        return search.text_search(self, q, ["name", "description"])

    def with_counts(self) -> TopicQuerySet:
        from claims.models import Claim

        through = Claim.topics.through
        return self.annotate(
            claim_count=_count(
                through.objects.filter(topic=OuterRef("pk"), claim__merged_into__isnull=True),
                "topic",
            )
        )

    def for_list(self) -> TopicQuerySet:
        return self.with_counts()

    def for_detail(self) -> TopicQuerySet:
        return self.with_counts()


class ClaimRelationQuerySet(models.QuerySet):
    def involving(self, claim) -> ClaimRelationQuerySet:
        return self.filter(Q(from_claim=claim) | Q(to_claim=claim))

    def for_list(self) -> ClaimRelationQuerySet:
        return self.select_related("from_claim__claimant", "to_claim__claimant", "created_by")


class AssessmentQuerySet(models.QuerySet):
    def for_list(self) -> AssessmentQuerySet:
        from claims.models import Evidence

        return self.select_related("claim__claimant", "assessed_by").prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("source", "excerpt"))
        )

    def until(self, moment: datetime.datetime) -> AssessmentQuerySet:
        return self.filter(assessed_at__lte=moment)


class EvidenceQuerySet(models.QuerySet):
    def for_list(self) -> EvidenceQuerySet:
        """Evidence rows with the source, excerpt and who added it, in one query."""
        return self.select_related("source", "excerpt", "added_by")

    def for_detail(self) -> EvidenceQuerySet:
        return self.for_list()


class ClaimQuerySet(models.QuerySet):
    # --- building blocks -------------------------------------------------
    def active(self) -> ClaimQuerySet:
        """Claims that were not merged into another claim."""
        return self.filter(merged_into__isnull=True)

    def search(self, q: str) -> ClaimQuerySet:
        """Claims whose statement, names or excerpts match ``q``; best first on PostgreSQL."""
        return search.claim_search(self, q)

    def about_place(self, place) -> ClaimQuerySet:
        """Claims about ``place`` or any place inside it (Sudzha is inside Kursk Oblast)."""
        from claims.models import Place

        inside = Place.objects.inside(place)
        through = self.model.places.through
        return self.filter(Exists(through.objects.filter(claim=OuterRef("pk"), place__in=inside)))

    def with_counts(self) -> ClaimQuerySet:
        from claims.models import Appearance, ClaimRelation

        contradicts = ClaimRelation.Kind.CONTRADICTS
        return self.annotate(
            appearance_count=_count(Appearance.objects.filter(claim=OuterRef("pk")), "claim"),
            source_count=Coalesce(
                Subquery(
                    Appearance.objects.filter(claim=OuterRef("pk"))
                    .order_by()
                    .values("claim")
                    .annotate(n=Count("source", distinct=True))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            counter_claim_count=_count(
                ClaimRelation.objects.filter(from_claim=OuterRef("pk"), kind=contradicts),
                "from_claim",
            )
            + _count(
                ClaimRelation.objects.filter(to_claim=OuterRef("pk"), kind=contradicts),
                "to_claim",
            ),
            first_reported_at=Subquery(
                Appearance.objects.filter(claim=OuterRef("pk"))
                .order_by()
                .values("claim")
                .annotate(first=Min("source__published_at"))
                .values("first")
            ),
        )

    def as_of(self, day: datetime.date) -> ClaimQuerySet:
        """The knowledge base as it stood at the end of ``day``.

        Claims first reported later (asserted after ``day``, or without a
        date asserted and first published later) are left out. Each claim
        is annotated with ``as_of_status``, ``as_of_credibility``,
        ``as_of_reliability`` and ``as_of_assessment_id`` from its latest
        assessment made by the end of that day; a claim not yet assessed
        then is "unverified" with no grade.
        """
        from claims.models import Appearance, Assessment, VerificationStatus

        end = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
        published_by_then = Exists(
            Appearance.objects.filter(claim=OuterRef("pk"), source__published_at__lte=end)
        )
        any_published = Exists(
            Appearance.objects.filter(claim=OuterRef("pk"), source__published_at__isnull=False)
        )
        reported = (
            Q(asserted_on__lte=day)
            | Q(published_by_then)
            # Neither date known: the moment it was recorded is the best evidence left.
            | (Q(asserted_on__isnull=True) & ~Q(any_published) & Q(created_at__lte=end))
        )
        latest = Assessment.objects.filter(claim=OuterRef("pk"), assessed_at__lte=end).order_by(
            "-assessed_at", "-id"
        )[:1]
        return self.filter(reported).annotate(
            as_of_status=Coalesce(
                Subquery(latest.values("status")),
                Value(VerificationStatus.UNVERIFIED.value),
                output_field=CharField(),
            ),
            as_of_credibility=Subquery(latest.values("credibility")),
            as_of_reliability=Subquery(latest.values("reliability")),
            as_of_assessment_id=Subquery(latest.values("pk")),
        )

    def about_actor(self, actor) -> ClaimQuerySet:
        """Claims about ``actor`` (not those they made)."""
        through = self.model.actors.through
        return self.filter(pk__in=through.objects.filter(actor=actor).values("claim"))

    def in_topic(self, topic) -> ClaimQuerySet:
        through = self.model.topics.through
        return self.filter(pk__in=through.objects.filter(topic=topic).values("claim"))

    def most_contested(self) -> ClaimQuerySet:
        """Claims with counter-claims, most first; needs ``with_counts()``."""
        return self.filter(counter_claim_count__gt=0).order_by(
            "-counter_claim_count", "-asserted_on", "-pk"
        )

    def status_counts(self) -> list[dict]:
        """A track record: each status held by some of these claims, with count and share.

        One GROUP BY query; statuses come in the vocabulary's order.
        """
        from claims.models import VerificationStatus

        counts = dict(self.order_by().values_list("status").annotate(n=Count("pk")))
        total = sum(counts.values())
        return [
            {"status": status, "count": counts[status.value], "share": counts[status.value] / total}
            for status in VerificationStatus
            if counts.get(status.value)
        ]

    def with_counter_claims(self, present: bool = True) -> ClaimQuerySet:
        from claims.models import ClaimRelation

        contradicted = ClaimRelation.objects.filter(
            Q(from_claim=OuterRef("pk")) | Q(to_claim=OuterRef("pk")),
            kind=ClaimRelation.Kind.CONTRADICTS,
        )
        condition = Exists(contradicted)
        return self.filter(condition if present else ~condition)

    # --- read paths --------------------------------------------------------
    def for_list(self) -> ClaimQuerySet:
        """Claim rows: claimant, counts, quantities and the latest assessment, in 3 queries."""
        from claims.models import Assessment, Quantity

        return (
            self.active()
            .select_related("claimant")
            .with_counts()
            .prefetch_related(
                Prefetch("quantities", queryset=Quantity.objects.order_by("id")),
                Prefetch(
                    "assessments",
                    queryset=Assessment.objects.order_by("-assessed_at", "-id")[:1],
                    to_attr="latest_assessments",
                ),
            )
        )

    def for_detail(self) -> ClaimQuerySet:
        """Everything the claim page and the claim endpoint show, in a fixed number of queries."""
        from claims.models import (
            Appearance,
            Assessment,
            AttributionStep,
            ClaimRelation,
            Evidence,
        )

        return (
            self.select_related("claimant__affiliation", "merged_into")
            .with_counts()
            .prefetch_related(
                Prefetch("claimant__roles", queryset=ActorQuerySet._roles()),
                "claimant__aliases",
                Prefetch(
                    "appearances",
                    queryset=Appearance.objects.select_related(
                        "source__outlet", "excerpt"
                    ).order_by("source__published_at", "id"),
                ),
                Prefetch(
                    "appearances__chain",
                    queryset=AttributionStep.objects.select_related(
                        "actor", "outlet", "source"
                    ).order_by("position"),
                ),
                "quantities",
                Prefetch(
                    "relations_out",
                    queryset=ClaimRelation.objects.select_related(
                        "to_claim__claimant", "created_by"
                    ),
                ),
                Prefetch(
                    "relations_in",
                    queryset=ClaimRelation.objects.select_related(
                        "from_claim__claimant", "created_by"
                    ),
                ),
                Prefetch(
                    "assessments",
                    queryset=Assessment.objects.select_related("assessed_by").prefetch_related(
                        Prefetch(
                            "evidence",
                            queryset=Evidence.objects.select_related("source", "excerpt"),
                        )
                    ),
                ),
                Prefetch(
                    "evidence",
                    queryset=Evidence.objects.select_related(
                        "source__outlet", "excerpt", "added_by"
                    ),
                ),
                "actors",
                Prefetch("places", queryset=self._places()),
                "topics",
            )
        )

    def for_page(self) -> ClaimQuerySet:
        """The claim page: ``for_detail()`` plus the related claims' quantities and
        topics, so counter-claims can be shown side by side without a query each."""
        return self.for_detail().prefetch_related(
            "relations_out__to_claim__quantities", "relations_in__from_claim__quantities"
        )

    def for_picker(self) -> ClaimQuerySet:
        """The few columns a claim picker shows, in one query."""
        return (
            self.active()
            .select_related("claimant")
            .only("id", "statement", "status", "asserted_on", "claimant__name")
        )

    def for_source(self, source) -> ClaimQuerySet:
        """Claim rows reported in ``source``, each with ``appearances_here`` and their excerpts."""
        from claims.models import Appearance

        here = Appearance.objects.filter(source=source)
        return (
            self.for_list()
            .filter(pk__in=here.values("claim"))
            .prefetch_related(
                Prefetch(
                    "appearances",
                    queryset=here.select_related("excerpt"),
                    to_attr="appearances_here",
                )
            )
        )

    @staticmethod
    def _places():
        from claims.models import Place

        return Place.objects.select_related("parent")


def audit_trail(record, limit: int = 50) -> list:
    """The latest ``limit`` history rows of ``record``, newest first, each with ``changes``.

    ``changes`` lists the (field, old, new) triples against the row before,
    compared in Python (foreign keys by id), so the trail costs one query.
    """
    rows = list(record.history.select_related("history_user").order_by("-history_id")[: limit + 1])
    skipped = {"id", "created_at", "updated_at", "version", "lock_version", "search_document"}
    fields = [
        (field.verbose_name, field.attname)
        for field in record._meta.concrete_fields
        if field.name not in skipped
    ]
    for newer, older in zip(rows, [*rows[1:], None], strict=True):
        newer.changes = [
            (name, getattr(older, attname), getattr(newer, attname))
            for name, attname in fields
            if older is not None and getattr(older, attname) != getattr(newer, attname)
        ]
    return rows[:limit]
