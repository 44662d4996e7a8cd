"""FilterSets for claims and what they are about, shared by the pages and the API.

Relations take ids; ``q`` is free text. Filters on many-valued relations
(actors, topics, appearances, quantities) select ids in a subquery, so a
claim matching twice still appears once and the read path's prefetches are
untouched.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from claims.models import (
    Actor,
    Assessment,
    Claim,
    ClaimRelation,
    Evidence,
    Place,
    Topic,
    VerificationStatus,
)
from claimsbase.filters import (
    BooleanFilter,
    DateFilter,
    DateTimeFilter,
    MomentFilter,
    RecordFilter,
)
from sources.models import Outlet, Source


class ClaimFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label="Search",
        help_text="Words in the statement, the excerpts, or the names and aliases of the actors.",
    )
    status = django_filters.MultipleChoiceFilter(
        choices=VerificationStatus.choices,
        method="filter_status",
        label="Status",
        help_text="One or more verification statuses (repeat the parameter).",
    )
    claimant = RecordFilter(
        search="claims-api:actor-list",
        queryset=Actor.objects.all(),
        label="Claimant",
        help_text="Id of the actor who asserts it.",
    )
    actor = RecordFilter(
        search="claims-api:actor-list",
        queryset=Actor.objects.all(),
        method="filter_actor",
        label="Actor involved",
        help_text="Id of an actor who makes the claim or whom it is about.",
    )
    place = RecordFilter(
        search="claims-api:place-list",
        queryset=Place.objects.all(),
        method="filter_place",
        label="Place",
        help_text="Id of a place; claims about the places inside it are included.",
    )
    topic = RecordFilter(
        search="claims-api:topic-list",
        queryset=Topic.objects.all(),
        method="filter_topic",
        label="Topic",
        help_text="Topic id.",
    )
    outlet = RecordFilter(
        search="sources-api:outlet-list",
        queryset=Outlet.objects.all(),
        method="filter_outlet",
        label="Reported by outlet",
        help_text="Id of an outlet that published a source reporting the claim.",
    )
    source = RecordFilter(
        search="sources-api:source-list",
        queryset=Source.objects.only("id", "title"),
        method="filter_source",
        label="Reported in source",
        help_text="Id of a source reporting the claim.",
    )
    asserted_after = DateFilter(
        field_name="asserted_on",
        lookup_expr="gte",
        label="Asserted on or after",
        help_text="A date (YYYY-MM-DD).",
    )
    asserted_before = DateFilter(
        field_name="asserted_on",
        lookup_expr="lte",
        label="Asserted on or before",
        help_text="A date (YYYY-MM-DD).",
    )
    has_counter_claims = BooleanFilter(
        method="filter_has_counter_claims",
        label="Has counter-claims",
        help_text="Whether another claim contradicts it (or it contradicts another).",
    )
    unit = django_filters.CharFilter(
        method="filter_unit",
        label="Quantity unit",
        help_text='A unit of one of its quantities, in any spelling ("square kilometers", "km²").',
    )
    counted = django_filters.CharFilter(
        method="filter_counted",
        label="What is counted",
        help_text='Words of what one of its quantities counts ("settlements").',
    )
    external_id = django_filters.CharFilter(
        label="External id",
        help_text=(
            "The claim's id in the system it was imported from, exactly; add source_system "
            "when several systems are imported."
        ),
    )
    source_system = django_filters.CharFilter(
        label="Source system", help_text="The system an external id belongs to, exactly."
    )
    as_of = MomentFilter(
        method="filter_as_of",
        label="As of",
        help_text=(
            "A date (its end) or a date and time (ISO 8601, e.g. 2025-03-12T09:30:00Z): claims "
            "first reported later are left out, and each claim shows the status and grade it "
            "had then. On a list, a claim and the exports alike."
        ),
    )

    class Meta:
        model = Claim
        fields = [
            "q",
            "status",
            "claimant",
            "actor",
            "place",
            "topic",
            "outlet",
            "source",
            "asserted_after",
            "asserted_before",
            "has_counter_claims",
            "unit",
            "counted",
            "external_id",
            "source_system",
            "as_of",
        ]

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # ``as_of`` goes first: it annotates the status a claim had on that
        # day, which the status filter then reads instead of today's.
        moment = self.form.cleaned_data.get("as_of")
        if moment:
            queryset = queryset.as_of(moment)
        for name, value in self.form.cleaned_data.items():
            if name in ("as_of", "q"):
                continue
            queryset = self.filters[name].filter(queryset, value)
        # ``q`` goes last: a search ranks a bounded set of candidates, which
        # must be taken among the claims the other filters keep.
        return self.filters["q"].filter(queryset, self.form.cleaned_data.get("q"))

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.with_shown_status(value)

    def filter_actor(self, queryset, name, value):
        return queryset.involving_actor(value)

    def filter_place(self, queryset, name, value):
        return queryset.about_place(value)

    def filter_topic(self, queryset, name, value):
        return queryset.in_topic(value)

    def filter_outlet(self, queryset, name, value):
        return queryset.reported_by_outlet(value)

    def filter_source(self, queryset, name, value):
        return queryset.reported_in(value)

    def filter_has_counter_claims(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.with_counter_claims(value)

    def filter_unit(self, queryset, name, value):
        return queryset.with_quantity_unit(value)

    def filter_counted(self, queryset, name, value):
        return queryset.with_quantity_counting(value)

    def filter_as_of(self, queryset, name, value):
        # Applied first in filter_queryset(); kept so the filter is declared normally.
        return queryset


class ActorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", label="Search", help_text="Words of the name, an alias or description."
    )
    name = django_filters.CharFilter(
        method="filter_name",
        label="Exact name",
        help_text=(
            'The exact name or an alias, ignoring case and accents ("sergei lavrov" finds '
            "Sergey Lavrov if that spelling is recorded as an alias); no partial matches: "
            "the natural key of a get-or-create."
        ),
    )
    kind = django_filters.MultipleChoiceFilter(choices=Actor.Kind.choices, label="Kind")
    affiliation = RecordFilter(
        search="claims-api:actor-list",
        queryset=Actor.objects.all(),
        label="Belongs to",
        help_text="Id of an organisation or side.",
    )

    class Meta:
        model = Actor
        fields = ["q", "name", "kind", "affiliation"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_name(self, queryset, name, value):
        return queryset.named(value)


class PlaceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", label="Search", help_text="Words of the name or an alias."
    )
    name = django_filters.CharFilter(
        method="filter_name",
        label="Exact name",
        help_text=(
            'The exact name or an alias, ignoring case and accents ("sergei lavrov" finds '
            "Sergey Lavrov if that spelling is recorded as an alias); no partial matches: "
            "the natural key of a get-or-create."
        ),
    )
    kind = django_filters.MultipleChoiceFilter(choices=Place.Kind.choices, label="Kind")
    parent = RecordFilter(
        search="claims-api:place-list",
        queryset=Place.objects.all(),
        label="Directly inside",
        help_text="Id of the parent place.",
    )
    within = RecordFilter(
        search="claims-api:place-list",
        queryset=Place.objects.all(),
        method="filter_within",
        label="Within",
        help_text="Id of a place; that place and every place inside it, at any depth.",
    )

    class Meta:
        model = Place
        fields = ["q", "name", "kind", "parent", "within"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_name(self, queryset, name, value):
        return queryset.named(value)

    def filter_within(self, queryset, name, value):
        return queryset.inside(value)


class TopicFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", label="Search", help_text="Words of the name or description."
    )

    class Meta:
        model = Topic
        fields = ["q"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class RelationFilterSet(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=ClaimRelation.Kind.choices, label="Kind")
    claim = RecordFilter(
        queryset=Claim.objects.all(),
        method="filter_claim",
        label="Involving claim",
        help_text="Id of a claim on either side of the relation.",
    )
    from_claim = RecordFilter(queryset=Claim.objects.all(), label="From claim")
    to_claim = RecordFilter(queryset=Claim.objects.all(), label="To claim")

    class Meta:
        model = ClaimRelation
        fields = ["kind", "claim", "from_claim", "to_claim"]

    def filter_claim(self, queryset, name, value):
        return queryset.involving(value)


class AssessmentFilterSet(django_filters.FilterSet):
    claim = RecordFilter(queryset=Claim.objects.all(), label="Claim")
    status = django_filters.MultipleChoiceFilter(choices=VerificationStatus.choices, label="Status")
    assessed_after = DateTimeFilter(
        field_name="assessed_at", lookup_expr="gte", label="Assessed at or after"
    )
    assessed_before = DateTimeFilter(
        field_name="assessed_at", lookup_expr="lte", label="Assessed at or before"
    )

    class Meta:
        model = Assessment
        fields = ["claim", "status", "assessed_after", "assessed_before"]


class EvidenceFilterSet(django_filters.FilterSet):
    claim = RecordFilter(queryset=Claim.objects.all(), label="Claim")
    stance = django_filters.MultipleChoiceFilter(choices=Evidence.Stance.choices, label="Stance")
    source = RecordFilter(queryset=Source.objects.only("id", "title"), label="Source")

    class Meta:
        model = Evidence
        fields = ["claim", "stance", "source"]
