"""Read paths for claims and the things claims are about.

Building blocks (``active``, ``with_counts``, ``search``, ``in_place``,
``as_of``) combine; ``for_list`` and ``for_detail`` are named for their
consumers and own the joins, prefetches and annotations, so that pages,
endpoints and the admin never issue a query per row.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from itertools import zip_longest
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.text import capfirst

# ``claims.models`` imports this module for its managers: the models are read
# from the module when a read path runs, by which time both modules are loaded.
from claims import models as claims_models
from claims import units
from claimsbase import search
from claimsbase.models import HISTORY_VERBS, SAID_BY_THE_VERB
from claimsbase.paging import COUNT_CAP

# An index row's claims are counted from at most this many of its claim links (a claim
# about two places of one country is two links), then shown as "more than 1,000".
INDEX_LINKS_READ = 2 * COUNT_CAP


class CappedCounts(NamedTuple):
    """Track records of an index page's rows, and the rows that hold too many claims to
    count (``capped``), which have no track record."""

    counts: dict[int, list[dict]]
    capped: set[int]


def _track_record(counts: Mapping[str, int]) -> list[dict]:
    """Status → count as the statuses held, in the vocabulary's order, with their share."""
    total = sum(counts.values())
    return [
        {"status": status, "count": counts[status.value], "share": counts[status.value] / total}
        for status in claims_models.VerificationStatus
        if counts.get(status.value)
    ]


def _count(queryset: models.QuerySet, outer: str = "pk") -> Subquery:
    """A correlated COUNT, so several counts on one row don't multiply each other."""
    counted = queryset.order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _day_and_end(
    when: datetime.date | datetime.datetime,
) -> tuple[datetime.date, datetime.datetime]:
    """The day of ``when`` and the aware moment it stands for (a day's is its end)."""
    if isinstance(when, datetime.datetime):
        end = when if timezone.is_aware(when) else timezone.make_aware(when)
        return timezone.localtime(end).date(), end
    return when, timezone.make_aware(datetime.datetime.combine(when, datetime.time.max))


def _judged(end: datetime.datetime) -> dict:
    """Annotations of a claim's status and grade from its latest assessment made by ``end``."""
    latest = claims_models.Assessment.objects.filter(
        claim=OuterRef("pk"), assessed_at__lte=end
    ).order_by("-assessed_at", "-id")[:1]
    return {
        "as_of_status": Coalesce(
            Subquery(latest.values("status")),
            Value(claims_models.VerificationStatus.UNVERIFIED.value),
            output_field=CharField(),
        ),
        "as_of_credibility": Subquery(latest.values("credibility")),
        "as_of_reliability": Subquery(latest.values("reliability")),
        "as_of_assessment_id": Subquery(latest.values("pk")),
    }


def judge_as_of(claims: list, when: datetime.datetime) -> None:
    """Give ``claims`` (already read, e.g. the other ends of a claim's relations) the status
    and grade each had at ``when``, in one query, so that ``shown_status`` and
    ``shown_grade`` say what was believed then."""
    if not claims:
        return
    _, end = _day_and_end(when)
    rows = (
        claims_models.Claim.objects.filter(pk__in={claim.pk for claim in claims})
        .order_by()
        .annotate(**_judged(end))
        .values(
            "pk", "as_of_status", "as_of_credibility", "as_of_reliability", "as_of_assessment_id"
        )
    )
    judged = {row.pop("pk"): row for row in rows}
    for claim in claims:
        for name, value in judged.get(claim.pk, {}).items():
            setattr(claim, name, value)
        claim.as_of_moment = end


class ActorQuerySet(models.QuerySet):
    def search(self, q: str) -> ActorQuerySet:
        """Actors named ``q`` or something like it (aliases count), most alike first."""
        return search.name_search(
            self,
            q,
            alias_model=claims_models.ActorAlias,
            alias_to="actor",
            fallback_fields=["name", "aliases__name", "description"],
        )

    def named(self, name: str) -> ActorQuerySet:
        """Actors whose name or an alias is exactly ``name``, ignoring case and accents."""
        return search.exact_name(self, name, alias_model=claims_models.ActorAlias, alias_to="actor")

    def with_counts(self) -> ActorQuerySet:
        """Annotate ``claim_count``: the claims each actor made (merged duplicates left out)."""

        return self.annotate(
            claim_count=_count(
                claims_models.Claim.objects.filter(
                    claimant=OuterRef("pk"), merged_into__isnull=True
                ),
                "claimant",
            )
        )

    def for_list(self) -> ActorQuerySet:
        """Actor rows (API list, admin changelist): affiliation, aliases and claim count."""
        return self.select_related("affiliation").prefetch_related("aliases").with_counts()

    def for_index(self) -> ActorQuerySet:
        """Actor rows of the actors' index page: the affiliation joined, nothing counted
        (the page counts claims by status for its own rows only, ``status_counts_by``)."""
        return self.select_related("affiliation").only(
            "id", "name", "kind", "affiliation__id", "affiliation__name"
        )

    def for_detail(self) -> ActorQuerySet:
        """The actor page and endpoint: aliases, roles with their organisation, and members."""
        return self.select_related("affiliation").prefetch_related(
            "aliases", Prefetch("roles", queryset=self._roles()), "members"
        )

    def for_edit(self) -> ActorQuerySet:
        """One actor in an editor's form (admin change page): its affiliation joined."""
        return self.select_related("affiliation")

    @staticmethod
    def _roles():

        return claims_models.ActorRole.objects.select_related("organisation")


class PlaceQuerySet(models.QuerySet):
    def search(self, q: str) -> PlaceQuerySet:
        """Places named ``q`` or something like it (aliases count), most alike first."""
        return search.name_search(
            self,
            q,
            alias_model=claims_models.PlaceAlias,
            alias_to="place",
            fallback_fields=["name", "aliases__name"],
        )

    def named(self, name: str) -> PlaceQuerySet:
        """Places whose name or an alias is exactly ``name``, ignoring case and accents."""
        return search.exact_name(self, name, alias_model=claims_models.PlaceAlias, alias_to="place")

    def inside(self, place) -> PlaceQuerySet:
        """``place`` and every place within it, at any depth."""
        return self.filter(Q(pk=place.pk) | Q(ancestor_path__startswith=place.subtree_prefix))

    def ancestors_of(self, place) -> list:
        """The places containing ``place``, outermost first (Russia, Kursk Oblast for Sudzha)."""
        order = place.ancestor_ids
        found = {ancestor.pk: ancestor for ancestor in self.filter(pk__in=order)}
        return [found[pk] for pk in order if pk in found]

    def top_level(self) -> PlaceQuerySet:
        """Places inside no other place (countries, mostly): the first level of the tree."""
        return self.filter(parent__isnull=True)

    def ancestors_of_each(self, places) -> dict[int, list]:
        """For each of ``places``, the places containing it, outermost first, in one query
        (the places' index shows where each search result lies)."""
        wanted = {pk for place in places for pk in place.ancestor_ids}
        found = {
            ancestor.pk: ancestor for ancestor in self.filter(pk__in=wanted).only("id", "name")
        }
        return {
            place.pk: [found[pk] for pk in place.ancestor_ids if pk in found] for place in places
        }

    def for_index(self) -> PlaceQuerySet:
        """Place rows of the places' index page, each with ``child_count``: the places directly
        inside it (a correlated count over the parent index), so a row can open its level."""
        return self.only("id", "name", "kind", "parent_id", "ancestor_path").annotate(
            child_count=_count(claims_models.Place.objects.filter(parent=OuterRef("pk")), "parent")
        )

    def for_list(self) -> PlaceQuerySet:
        """Place rows (API list, admin changelist): parent and aliases."""
        return self.select_related("parent").prefetch_related("aliases")

    def for_detail(self) -> PlaceQuerySet:
        """The place page and endpoint: parent, aliases and the places directly inside."""
        return self.select_related("parent").prefetch_related("aliases", "children")

    def for_edit(self) -> PlaceQuerySet:
        """One place in an editor's form (admin change page): its parent joined."""
        return self.select_related("parent")


class TopicQuerySet(models.QuerySet):
    def search(self, q: str) -> TopicQuerySet:
        """Topics whose name or description holds the words of ``q``."""
        return search.text_search(self, q, ["name", "description"])

    def with_counts(self, as_of: datetime.datetime | None = None) -> TopicQuerySet:
        """Annotate ``claim_count``: the claims in each topic (merged duplicates left out);
        with ``as_of``, those first reported by then."""

        through = claims_models.Claim.topics.through
        rows = through.objects.filter(topic=OuterRef("pk"), claim__merged_into__isnull=True)
        if as_of is not None:
            reported = claims_models.Claim.objects.reported_by(as_of)
            rows = rows.filter(claim__in=reported.values("pk"))
        return self.annotate(claim_count=_count(rows, "topic"))

    def for_index(self) -> TopicQuerySet:
        """Topic rows of the topics' index page; their claims are counted by status for the
        rows of a page only (``status_counts_by``)."""
        return self.all()

    def for_list(self, as_of: datetime.datetime | None = None) -> TopicQuerySet:
        """Topic rows (home page, API list, admin changelist), each with its claim count
        (as it stood ``as_of`` a past moment, if given)."""
        return self.with_counts(as_of)

    def for_detail(self) -> TopicQuerySet:
        """The topic page and endpoint: the topic with its claim count."""
        return self.with_counts()


class AppearanceQuerySet(models.QuerySet):
    def reported_by(self, moment: datetime.datetime) -> AppearanceQuerySet:
        """Appearances that stood at ``moment``: their source published by then, or, for a
        source with no publication date, the appearance recorded by then
        (``Appearance.reported_by`` says the same of one row)."""
        return self.filter(
            Q(source__published_at__lte=moment)
            | Q(source__published_at__isnull=True, created_at__lte=moment)
        )

    def for_list(self) -> AppearanceQuerySet:
        """Appearance rows (admin list and the claim's inline): claim, source, excerpt, chain."""
        return self.select_related("claim", "source", "excerpt").prefetch_related(
            Prefetch("chain", queryset=claims_models.AttributionStep.objects.for_chain())
        )

    def for_claim(self) -> AppearanceQuerySet:
        """A claim's appearances as its endpoint lists them: source with outlet, excerpt, chain.

        In the order the claim shows them (first published first); the
        source's text is left out, the excerpt carries the words.
        """
        return (
            self.select_related("source__outlet", "excerpt")
            .defer("source__body")
            .prefetch_related(
                Prefetch("chain", queryset=claims_models.AttributionStep.objects.for_chain())
            )
            .order_by("source__published_at", "id")
        )


class AttributionStepQuerySet(models.QuerySet):
    def for_chain(self) -> AttributionStepQuerySet:
        """Steps in chain order with whom they name, as every chain is shown (claim page, API)."""
        return (
            self.select_related("actor", "outlet", "source")
            .defer("source__body")
            .order_by("position")
        )


class QuantityQuerySet(models.QuerySet):
    def of_measures(self, measures) -> QuantityQuerySet:
        """Quantities of any of ``measures``: (canonical unit, what is counted in lower case)
        pairs, served by ``quantity_measure_lower_idx``."""
        condition = Q(pk__in=[])
        for unit, counted in measures:
            condition |= Q(canonical_unit=unit, counted_lower=counted)
        return self.alias(counted_lower=Lower("counted")).filter(condition)

    def about_places_near(self, places) -> QuantityQuerySet:
        """Quantities of claims about one of ``places``, a place containing one of them, or a
        place inside one of them: figures about Sudzha and about Kursk Oblast meet.

        A plain (not correlated) subquery, so that PostgreSQL may start from the claims
        about these places when they are fewer than the figures of the measure.
        """
        near = Q(pk__in=[place.pk for place in places])
        for place in places:
            near |= Q(pk__in=place.ancestor_ids) | Q(ancestor_path__startswith=place.subtree_prefix)
        through = claims_models.Claim.places.through
        about = through.objects.filter(
            place__in=claims_models.Place.objects.filter(near).values("pk")
        )
        return self.filter(claim__in=about.values("claim"))

    def in_period(
        self, start: datetime.date | None, end: datetime.date | None, window: datetime.timedelta
    ) -> QuantityQuerySet:
        """Quantities of claims about a period that overlaps ``start``–``end`` (None: open).

        A claim with a period is about it, up to the day asserted when the period has no end;
        a claim without one is about the ``window`` before the day it was asserted (its
        figure is a snapshot); a claim with no date at all is not excluded.
        """
        dated = Q(claim__period_start__isnull=False) | Q(claim__period_end__isnull=False)
        with_period, snapshot = dated, ~dated
        if end is not None:
            with_period &= Q(claim__period_start__isnull=True) | Q(claim__period_start__lte=end)
            snapshot &= Q(claim__asserted_on__isnull=True) | Q(claim__asserted_on__lte=end + window)
        if start is not None:
            until = Coalesce("claim__period_end", "claim__asserted_on")
            with_period &= Q(until__isnull=True) | Q(until__gte=start)
            snapshot &= Q(claim__asserted_on__isnull=True) | Q(claim__asserted_on__gte=start)
            return self.alias(until=until).filter(with_period | snapshot)
        return self.filter(with_period | snapshot)

    def for_figures(self) -> QuantityQuerySet:
        """Quantities as the figure comparisons show them: each with its claim and claimant
        joined, the newest recorded first."""
        return (
            self.filter(claim__merged_into__isnull=True)
            .select_related("claim__claimant")
            .order_by("-id")
        )


class ClaimRelationQuerySet(models.QuerySet):
    def until(self, moment: datetime.datetime) -> ClaimRelationQuerySet:
        """Relations made by ``moment``: the links an analyst could see then."""
        return self.filter(created_at__lte=moment)

    def involving(self, claim) -> ClaimRelationQuerySet:
        """Relations with ``claim`` on either side."""
        return self.filter(Q(from_claim=claim) | Q(to_claim=claim))

    def for_list(self) -> ClaimRelationQuerySet:
        """Relation rows (API list, admin list and inlines): both claims, claimants, author."""
        return self.select_related("from_claim__claimant", "to_claim__claimant", "created_by")


class AssessmentQuerySet(models.QuerySet):
    def delete(self):
        # Judgements are history: no door (an admin bulk action, a shell) deletes them in bulk.
        raise ValidationError(
            "Assessments are never deleted; record a new one (e.g. retracted) instead.",
            code="protected",
        )

    delete.queryset_only = True

    def for_list(self) -> AssessmentQuerySet:
        """Assessment rows (home page, API list, admin list): claim, assessor and evidence."""

        return self.select_related("claim__claimant", "assessed_by").prefetch_related(
            Prefetch(
                "evidence",
                queryset=claims_models.Evidence.objects.select_related("source", "excerpt"),
            )
        )

    def for_feed(self, claims: models.QuerySet) -> AssessmentQuerySet:
        """Judgements of ``claims`` as feed entries show them (the Atom feeds): newest
        first, with the claim, its claimant and the assessor joined, in one query."""
        return (
            self.filter(claim__in=claims.order_by().values("pk"))
            .select_related("claim__claimant", "assessed_by")
            .order_by("-assessed_at", "-id")
        )

    def for_history(self) -> AssessmentQuerySet:
        """A claim's judgements as its admin page lists them: newest first, with the assessor."""
        return self.select_related("assessed_by")

    def until(self, moment: datetime.datetime) -> AssessmentQuerySet:
        """Assessments made by ``moment``: what was believed then."""
        return self.filter(assessed_at__lte=moment)


class EvidenceQuerySet(models.QuerySet):
    def for_list(self) -> EvidenceQuerySet:
        """Evidence rows (API list, the claim's admin inline): source, excerpt, assessment and
        who added it, in one query."""
        return self.select_related("source", "excerpt", "assessment", "added_by")

    def for_detail(self) -> EvidenceQuerySet:
        """One piece of evidence (API detail): as in lists."""
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

        inside = claims_models.Place.objects.inside(place)
        through = self.model.places.through
        return self.filter(Exists(through.objects.filter(claim=OuterRef("pk"), place__in=inside)))

    def with_counts(self) -> ClaimQuerySet:
        """Annotate ``appearance_count``, ``source_count``, ``counter_claim_count`` and
        ``first_reported_at``, each a correlated subquery so they don't multiply rows.

        After ``as_of()`` (or before it: it counts again) they count what stood
        then: the appearances reported by then and the relations made by then.
        """
        return self.annotate(**self._counts(self._as_of_moment()))

    def _counts(self, end: datetime.datetime | None) -> dict:
        contradicts = claims_models.ClaimRelation.Kind.CONTRADICTS
        appearances = claims_models.Appearance.objects.filter(claim=OuterRef("pk"))
        relations = claims_models.ClaimRelation.objects.filter(kind=contradicts)
        if end is not None:
            appearances = appearances.reported_by(end)
            relations = relations.until(end)
        return {
            "appearance_count": _count(appearances, "claim"),
            "source_count": Coalesce(
                Subquery(
                    appearances.order_by()
                    .values("claim")
                    .annotate(n=Count("source", distinct=True))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            "counter_claim_count": _count(relations.filter(from_claim=OuterRef("pk")), "from_claim")
            + _count(relations.filter(to_claim=OuterRef("pk")), "to_claim"),
            "first_reported_at": Subquery(
                claims_models.Appearance.objects.filter(claim=OuterRef("pk"))
                .order_by()
                .values("claim")
                .annotate(first=Min("source__published_at"))
                .values("first")
            ),
        }

    def _as_of_moment(self) -> datetime.datetime | None:
        """The moment ``as_of()`` reads these claims at, or None for today."""
        annotation = self.query.annotations.get("as_of_moment")
        return annotation.value if annotation is not None else None

    def reported_by(self, when: datetime.date | datetime.datetime) -> ClaimQuerySet:
        """Claims that had been first reported by the end of a day, or by a moment.

        First reported is the earliest publication of a source reporting the
        claim; for a claim no dated source reports, the day it was asserted;
        with neither date, when it was recorded. A claim asserted on the 12th
        and first published on the 13th is not in the view of the 12th.

        "The earliest publication is by then" is "some appearance was
        published by then", an index probe per claim (appearance by claim,
        source by id) rather than a minimum over every appearance; the other
        two branches apply only to claims with no dated source.
        """
        day, end = _day_and_end(when)
        appearances = claims_models.Appearance.objects.filter(claim=OuterRef("pk"))
        published_by_then = Exists(appearances.filter(source__published_at__lte=end))
        dated = Exists(appearances.filter(source__published_at__isnull=False))
        undated = Q(asserted_on__lte=day) | Q(asserted_on__isnull=True, created_at__lte=end)
        return self.filter(Q(published_by_then) | (~Q(dated) & undated))

    def as_of(self, when: datetime.date | datetime.datetime) -> ClaimQuerySet:
        """The knowledge base as it stood at the end of a day, or at a moment.

        Claims first reported later are left out (``reported_by``), and each
        claim is shown as it stood then (``judged_as_of``).
        """
        return self.reported_by(when).judged_as_of(when)

    def judged_as_of(self, when: datetime.date | datetime.datetime) -> ClaimQuerySet:
        """Each claim as it stood at the end of a day, or at a moment, whenever first reported.

        Annotates ``as_of_status``, ``as_of_credibility``, ``as_of_reliability``
        and ``as_of_assessment_id`` from its latest assessment made by then
        (a claim not yet assessed then is "unverified" with no grade), and
        ``as_of_moment``, which the claim's methods read to show only the
        assessments, relations, appearances and evidence made by then. That
        assessment is prefetched as ``as_of_assessments``; counts already
        annotated (``with_counts``) are counted again as they stood.
        """
        _, end = _day_and_end(when)
        annotations = {"as_of_moment": Value(end, output_field=DateTimeField()), **_judged(end)}
        if "counter_claim_count" in self.query.annotations:
            annotations.update(self._counts(end))
        that_day = claims_models.Assessment.objects.until(end)
        return self.prefetch_related(
            Prefetch(
                "assessments",
                queryset=that_day.select_related("assessed_by", "outlet").order_by(
                    "-assessed_at", "-id"
                )[:1],
                to_attr="as_of_assessments",
            )
        ).annotate(**annotations)

    def at(self, when: datetime.datetime | None) -> ClaimQuerySet:
        """``as_of(when)``, or these claims as they stand today when ``when`` is None."""
        return self if when is None else self.as_of(when)

    def with_shown_status(self, statuses: list[str]) -> ClaimQuerySet:
        """Claims shown with one of ``statuses``: today's, or the one on the day of ``as_of()``."""
        field = "as_of_status" if "as_of_status" in self.query.annotations else "status"
        return self.filter(**{f"{field}__in": statuses})

    def about_actor(self, actor) -> ClaimQuerySet:
        """Claims about ``actor`` (not those they made)."""
        return self.filter(pk__in=self._about(actor))

    def involving_actor(self, actor) -> ClaimQuerySet:
        """Claims ``actor`` made or is the subject of."""
        return self.filter(Q(claimant=actor) | Q(pk__in=self._about(actor)))

    def _about(self, actor) -> models.QuerySet:
        return self.model.actors.through.objects.filter(actor=actor).values("claim")

    def in_topic(self, topic) -> ClaimQuerySet:
        """Claims in ``topic``."""
        through = self.model.topics.through
        return self.filter(pk__in=through.objects.filter(topic=topic).values("claim"))

    def reported_by_outlet(self, outlet) -> ClaimQuerySet:
        """Claims that a source published by ``outlet`` reports."""
        reporting = claims_models.Appearance.objects.filter(source__outlet=outlet)
        return self.filter(pk__in=reporting.values("claim"))

    def reported_in(self, source) -> ClaimQuerySet:
        """Claims that ``source`` reports."""
        reporting = claims_models.Appearance.objects.filter(source=source)
        return self.filter(pk__in=reporting.values("claim"))

    def with_quantity_unit(self, unit: str) -> ClaimQuerySet:
        """Claims stating a quantity in ``unit``, in any spelling ("square kilometers", "km²")."""
        unit = unit.strip()
        try:
            canonical = units.canonical_symbol(unit)
        except units.UnknownUnit:
            canonical = unit
        matching = claims_models.Quantity.objects.filter(
            Q(canonical_unit__iexact=canonical) | Q(unit__iexact=unit)
        )
        return self.filter(pk__in=matching.values("claim"))

    def with_quantity_counting(self, words: str) -> ClaimQuerySet:
        """Claims stating a quantity of something described by ``words`` ("settlements")."""
        matching = claims_models.Quantity.objects.filter(counted__icontains=words.strip())
        return self.filter(pk__in=matching.values("claim"))

    def most_contested(self, limit: int) -> ClaimQuerySet:
        """The ``limit`` claims with the most counter-claims, most first; needs ``with_counts()``.

        The candidates are counted over the *contradicts* relations (a small
        share of all claims) in a subquery, and only they get the per-claim
        counts: at a million claims the home page must not count for every one.
        """
        relation = claims_models.ClaimRelation._meta.db_table
        kind = claims_models.ClaimRelation.Kind.CONTRADICTS.value
        end = self._as_of_moment()
        # As of a past day, only the relations made by then count.
        made = "" if end is None else " AND created_at <= %s"
        made_params = () if end is None else (end,)
        candidates = RawSQL(
            f"""SELECT claim_id FROM (
                    SELECT from_claim_id AS claim_id FROM {relation} WHERE kind = %s{made}
                    UNION ALL
                    SELECT to_claim_id AS claim_id FROM {relation} WHERE kind = %s{made}
                ) AS ends
                GROUP BY claim_id ORDER BY COUNT(*) DESC, claim_id DESC LIMIT %s""",
            # More than asked for, as some may be left out by the other filters.
            (kind, *made_params, kind, *made_params, limit * 4),
        )
        return self.filter(pk__in=candidates).order_by(
            "-counter_claim_count", "-asserted_on", "-pk"
        )[:limit]

    def status_counts(self) -> list[dict]:
        """A track record: each status held by some of these claims, with count and share.

        One GROUP BY query; statuses come in the vocabulary's order; after
        ``as_of()``, the statuses held then.
        """
        field = "as_of_status" if "as_of_status" in self.query.annotations else "status"
        counts = dict(self.order_by().values_list(field).annotate(n=Count("pk")))
        return _track_record(counts)

    def status_counts_by(self, key: str, ids: list[int]) -> dict[int, list[dict]]:
        """A track record for each of a page's rows: ``key`` (``"claimant"``, ``"topics"``)
        id → ``status_counts()`` entries, in one GROUP BY over the rows' claims only.

        The indexes count per page, never over every actor or topic: at a million claims
        a count for all 5,000 actors would read every claim on each visit.
        """
        if not ids:
            return {}
        grouped = (
            self.order_by()
            .filter(**{f"{key}__in": ids})
            .values_list(key, "status")
            .annotate(n=Count("pk", distinct=key != "claimant"))
        )
        counts: dict[int, dict[str, int]] = {pk: {} for pk in ids}
        for pk, status, n in grouped:
            counts[pk][status] = n
        return {pk: _track_record(by_status) for pk, by_status in counts.items()}

    def status_counts_within_places(self, ids: list[int]) -> CappedCounts:
        """For each place of ``ids``, the claims about it or any place inside it, by status
        (the places' index), in one query; see ``_capped_status_counts`` for the cap.

        A claim about Sudzha and about Kursk Oblast counts once for Russia. Each place's
        subtree is joined by its ``ancestor_path`` prefix, as ``about_place`` filters, so
        rows from different levels (search results) are each counted whole.
        """
        place = claims_models.Place._meta.db_table
        through = self.model.places.through._meta.db_table
        return self._capped_status_counts(
            place,
            ids,
            links=f"{place} sub JOIN {through} about ON about.place_id = sub.id",
            linked=(
                "sub.id = node.id OR sub.ancestor_path"
                " LIKE node.ancestor_path || CAST(node.id AS VARCHAR(20)) || '/%%'"
            ),
        )

    def status_counts_in_topics(self, ids: list[int]) -> CappedCounts:
        """For each topic of ``ids``, its claims by status (the topics' index), in one
        query; see ``_capped_status_counts`` for the cap."""
        through = self.model.topics.through._meta.db_table
        return self._capped_status_counts(
            claims_models.Topic._meta.db_table,
            ids,
            links=f"{through} about",
            linked="about.topic_id = node.id",
        )

    def _capped_status_counts(
        self, table: str, ids: list[int], *, links: str, linked: str
    ) -> CappedCounts:
        """Each row of ``table`` in ``ids`` → its claims by status, read from no more than
        ``INDEX_LINKS_READ`` of its claim links (``links`` filtered by ``linked``, which
        names the row ``node`` and the link ``about``).

        A country or a large topic holds a good share of a million claims: counting them
        all would read them all on each visit (seconds). As the lists count no further
        than ``COUNT_CAP``, a row whose links run past the limit is returned in
        ``capped`` without counts, and shown as "more than 1,000". PostgreSQL stops
        reading each row's links at the limit (LATERAL ... LIMIT); SQLite numbers them
        per row instead (its databases are small) and gives the same answer.
        """
        counts: dict[int, dict[str, int]] = {pk: {} for pk in ids}
        capped: set[int] = set()
        if not ids:
            return CappedCounts({}, capped)
        claims_sql, claims_params = self.order_by().values("id", "status").query.sql_with_params()
        marks = ", ".join(["%s"] * len(ids))
        limit = INDEX_LINKS_READ + 1
        if connections[self.db].vendor == "postgresql":
            read = f"""
                SELECT node.id AS node_id, link.claim_id
                FROM {table} node
                CROSS JOIN LATERAL (
                    SELECT about.claim_id FROM {links} WHERE {linked} LIMIT {limit}
                ) link
                WHERE node.id IN ({marks})"""
        else:
            read = f"""
                SELECT node_id, claim_id FROM (
                    SELECT node.id AS node_id, about.claim_id,
                        ROW_NUMBER() OVER (PARTITION BY node.id ORDER BY about.claim_id) AS n
                    FROM {table} node, {links}
                    WHERE ({linked}) AND node.id IN ({marks})
                ) numbered WHERE n <= {limit}"""
        sql = f"""
            SELECT link.node_id, claim.status, COUNT(DISTINCT claim.id), COUNT(*)
            FROM ({read}) link
            LEFT JOIN ({claims_sql}) claim ON claim.id = link.claim_id
            GROUP BY link.node_id, claim.status"""
        read_per_row: dict[int, int] = dict.fromkeys(ids, 0)
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [*ids, *claims_params])
            for pk, status, n, read_links in cursor.fetchall():
                read_per_row[pk] += read_links
                if status is not None:
                    counts[pk][status] = n
        capped = {pk for pk, read_links in read_per_row.items() if read_links >= limit}
        return CappedCounts(
            {pk: _track_record(by_status) for pk, by_status in counts.items() if pk not in capped},
            capped,
        )

    def by_status(self, shown: int) -> list[tuple[dict, list]]:
        """A track record with its claims (the actor page): each ``status_counts()`` entry
        with the claims holding that status among the ``shown`` latest asserted."""
        latest = list(self.order_by(F("asserted_on").desc(nulls_last=True), "-pk")[:shown])
        return [
            (entry, [claim for claim in latest if claim.shown_status == entry["status"]])
            for entry in self.status_counts()
        ]

    def counts_by_place(self, limit: int, *, within=None) -> list[dict]:
        """The map of claims by place (place, topic and claim list pages): for each place
        with coordinates and each status, how many of these claims are about it, as rows
        ``{"place_id", "name", "latitude", "longitude", "status", "count"}``.

        One GROUP BY query over the place links of the ``limit`` claims asserted last
        among these, taken in the lists' own order (which the date index serves), so a
        filter matching half a million claims costs what one matching ``limit`` does.
        ``within`` keeps to that place and the places inside it (the place page, a list
        filtered by place). The status is the one each claim is shown with: today's, or
        the one it had on the day of ``as_of()``.
        """
        status = "as_of_status" if "as_of_status" in self.query.annotations else "status"
        latest = self.order_by(F("asserted_on").desc(nulls_first=True), F("pk").desc())
        located = Q(places__latitude__isnull=False)
        if within is not None:
            located &= Q(places__pk=within.pk) | Q(
                places__ancestor_path__startswith=within.subtree_prefix
            )
        # The ids say which claims; the filters are applied again (to those ids only)
        # where the as-of status, an annotation of this queryset, is needed.
        counted = self if status == "as_of_status" else self.model.objects.all()
        rows = list(
            counted.filter(pk__in=latest.values("pk")[:limit])
            .filter(located)
            .prefetch_related(None)
            .order_by()
            .values(
                place_id=F("places__pk"),
                name=F("places__name"),
                latitude=F("places__latitude"),
                longitude=F("places__longitude"),
                shown=F(status),
            )
            .annotate(count=Count("pk"))
        )
        for row in rows:
            row["status"] = row.pop("shown")
        return rows

    def with_counter_claims(self, present: bool = True) -> ClaimQuerySet:
        """Claims that a *contradicts* relation links to another claim (or, with
        ``present=False``, that none does), whichever way the link points."""

        contradicted = claims_models.ClaimRelation.objects.filter(
            Q(from_claim=OuterRef("pk")) | Q(to_claim=OuterRef("pk")),
            kind=claims_models.ClaimRelation.Kind.CONTRADICTS,
        )
        condition = Exists(contradicted)
        return self.filter(condition if present else ~condition)

    # --- read paths --------------------------------------------------------
    def for_list(self) -> ClaimQuerySet:
        """Claim rows (list pages, the API list, CSV): claimant, counts, quantities and the
        latest assessment with its assessor, in 3 queries."""
        return (
            self.active()
            .select_related("claimant")
            .with_counts()
            .prefetch_related(
                Prefetch("quantities", queryset=claims_models.Quantity.objects.order_by("id")),
                Prefetch(
                    "assessments",
                    queryset=claims_models.Assessment.objects.select_related(
                        "assessed_by"
                    ).order_by("-assessed_at", "-id")[:1],
                    to_attr="latest_assessments",
                ),
            )
        )

    def for_export(self) -> ClaimQuerySet:
        """Claim rows as the spreadsheet exports write them (CSV, xlsx): ``for_list()`` plus
        places, topics and the sources reporting each claim (``export_sources``: titles and
        URLs, earliest published first, bodies not read), in 6 queries whatever the rows."""
        appearances = (
            claims_models.Appearance.objects.select_related("source")
            .defer("source__body")
            .order_by("source__published_at", "id")
        )
        return self.for_list().prefetch_related(
            Prefetch("places", queryset=claims_models.Place.objects.only("id", "name")),
            Prefetch("topics", queryset=claims_models.Topic.objects.only("id", "name")),
            Prefetch("appearances", queryset=appearances, to_attr="export_appearances"),
        )

    def for_feed(self) -> ClaimQuerySet:
        """Claims as a feed entry shows them (the Atom feeds): the claimant joined, newest
        recorded first (ids grow with time, so the primary key index serves the order)."""
        return self.active().select_related("claimant").order_by("-pk")

    def for_detail(self) -> ClaimQuerySet:
        """Everything the claim endpoints (list and detail) and exports show, in a fixed number
        of queries: appearances with their chains, quantities, relations both ways,
        assessments with evidence, what the claim is about. Source bodies (kilobytes each,
        shown by no endpoint) are not read."""
        return self._complete(source_bodies=False)

    def _complete(self, *, source_bodies: bool) -> ClaimQuerySet:
        appearances = claims_models.Appearance.objects.select_related("source__outlet", "excerpt")
        if not source_bodies:
            appearances = appearances.defer("source__body")
        return (
            self.select_related("claimant__affiliation", "merged_into")
            .with_counts()
            .prefetch_related(
                Prefetch("claimant__roles", queryset=ActorQuerySet._roles()),
                Prefetch(
                    "appearances", queryset=appearances.order_by("source__published_at", "id")
                ),
                Prefetch(
                    "appearances__chain", queryset=claims_models.AttributionStep.objects.for_chain()
                ),
                "quantities",
                Prefetch(
                    "relations_out",
                    queryset=claims_models.ClaimRelation.objects.select_related(
                        "to_claim__claimant", "created_by"
                    ),
                ),
                Prefetch(
                    "relations_in",
                    queryset=claims_models.ClaimRelation.objects.select_related(
                        "from_claim__claimant", "created_by"
                    ),
                ),
                Prefetch(
                    "assessments",
                    queryset=claims_models.Assessment.objects.select_related(
                        "assessed_by", "outlet"
                    ).prefetch_related(
                        Prefetch(
                            "evidence",
                            queryset=claims_models.Evidence.objects.select_related(
                                "source", "excerpt"
                            ).defer("source__body"),
                        )
                    ),
                ),
                Prefetch(
                    "evidence",
                    queryset=claims_models.Evidence.objects.select_related(
                        "source__outlet", "excerpt", "added_by"
                    ).defer("source__body"),
                ),
                "actors",
                Prefetch("places", queryset=self._places()),
                "topics",
            )
        )

    def for_page(self) -> ClaimQuerySet:
        """The claim page: ``for_detail()`` with the source bodies (each excerpt is shown in
        its context) plus the related claims' quantities, so counter-claims can be shown
        side by side without a query each."""
        return self._complete(source_bodies=True).prefetch_related(
            "relations_out__to_claim__quantities", "relations_in__from_claim__quantities"
        )

    def for_chart(self) -> ClaimQuerySet:
        """Claims as the topic chart plots them: date, status, claimant and quantities, in
        2 queries."""
        return (
            self.active()
            .select_related("claimant")
            .prefetch_related(
                Prefetch("quantities", queryset=claims_models.Quantity.objects.order_by("id"))
            )
        )

    def for_picker(self) -> ClaimQuerySet:
        """The few columns a claim picker shows, in one query."""
        return (
            self.active()
            .select_related("claimant")
            .only("id", "statement", "status", "asserted_on", "claimant__name")
        )

    def for_edit(self) -> ClaimQuerySet:
        """One claim in an editor's form (admin change page): claimant and merge target joined."""
        return self.select_related("claimant", "merged_into")

    def for_source(self, source) -> ClaimQuerySet:
        """Claim rows reported in ``source``, each with ``appearances_here`` and their excerpts."""
        here = claims_models.Appearance.objects.filter(source=source)
        return (
            self.for_list()
            .reported_in(source)
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

        return claims_models.Place.objects.select_related("parent")


def feed_entries(
    claims: ClaimQuerySet, limit: int
) -> list[tuple[datetime.datetime, object, object]]:
    """What changed among ``claims``, newest first: ``(when, claim, assessment)`` for each
    claim recorded (``assessment`` None) and each assessment made, the latest ``limit``.

    Two queries whatever the number of claims: the latest ``limit`` claims recorded
    and the latest ``limit`` assessments of any of them, merged in Python.
    """
    recorded = [(claim.created_at, claim, None) for claim in claims.for_feed()[:limit]]
    judged = [
        (assessment.assessed_at, assessment.claim, assessment)
        for assessment in claims_models.Assessment.objects.for_feed(claims)[:limit]
    ]
    return sorted(recorded + judged, key=lambda entry: entry[0], reverse=True)[:limit]


HISTORY_SKIPPED = {"id", "created_at", "updated_at", "version", "lock_version", "search_document"}


def _shown(value) -> str:
    """A value as a history row shows it: an empty one as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def audit_trail(record, limit: int = 50, until: datetime.datetime | None = None) -> list:
    """The latest history rows of ``record``, newest first, each saying what changed; with
    ``until``, the rows written by then.

    Each row carries ``verb`` ("Recorded", "Changed", "Deleted"), ``note`` (a
    change reason the verb does not already say, such as a merge) and
    ``changes``: (the field's verbose name, old, new) against the row before,
    shown as a reader knows them: choices by label, related records and links
    (a claim's actors, places, topics) by name. A "Changed" row that changed
    nothing shown is left out, so a save of the same values leaves no empty
    row. Queries: one for the latest ``limit`` rows, one per link field and one
    per kind of related record a change names, whatever the number of rows.
    """
    history = record.history.select_related("history_user")
    if until is not None:
        history = history.filter(history_date__lte=until)
    rows = list(history.order_by("-history_id")[: limit + 1])
    fields = [f for f in record._meta.concrete_fields if f.name not in HISTORY_SKIPPED]
    values = {row.history_id: {f.attname: getattr(row, f.attname) for f in fields} for row in rows}
    links = getattr(record.history.model, "_history_m2m_fields", []) if rows else []
    for field in links:
        # The links each history row saw, from the link table's own history.
        link_history = getattr(rows[0], field.name).model
        target = field.m2m_reverse_field_name()
        seen = {row.history_id: set() for row in rows}
        for entry in link_history.objects.filter(history__in=rows).select_related(target):
            seen[entry.history_id].add(str(getattr(entry, target)))
        for history_id, names in seen.items():
            values[history_id][field.name] = ", ".join(sorted(names))
    compared = [(f.verbose_name, f.attname, f) for f in fields]
    compared += [(f.verbose_name, f.name, None) for f in links]
    # A record written outside the services (a generated corpus) may have no history row.
    for newer, older in zip_longest(rows, rows[1:]):
        newer.verb = HISTORY_VERBS.get(newer.history_type, newer.get_history_type_display())
        reason = newer.history_change_reason or ""
        newer.note = "" if reason in SAID_BY_THE_VERB else reason
        before, after = (values[older.history_id] if older else None), values[newer.history_id]
        newer.changes = [
            (name, field, before[key], after[key])
            for name, key, field in compared
            if before is not None and before[key] != after[key]
        ]
    _name_related_values(rows)
    shown = [row for row in rows[:limit] if row.history_type != "~" or row.changes or row.note]
    return shown


def _name_related_values(rows: list) -> None:
    """Replace the raw values of each row's ``changes`` with what a reader knows them by."""
    wanted: dict = {}
    for row in rows:
        for _, field, old, new in row.changes:
            if field is not None and field.is_relation:
                wanted.setdefault(field, set()).update(v for v in (old, new) if v is not None)
    named = {
        field: field.related_model._default_manager.in_bulk(ids) for field, ids in wanted.items()
    }
    for row in rows:
        changes = []
        for name, field, old, new in row.changes:
            if field is not None and field.is_relation:
                old, new = named[field].get(old, old), named[field].get(new, new)
            elif field is not None and field.choices:
                labels = dict(field.flatchoices)
                old, new = labels.get(old, old), labels.get(new, new)
            changes.append((capfirst(name), _shown(old), _shown(new)))
        row.changes = changes
