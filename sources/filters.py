"""FilterSets for outlets and sources, shared by the pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from claimsbase.filters import BooleanFilter, DateTimeFilter, RecordFilter
from sources.models import Outlet, Source, normalize_url


class OutletFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", label="Search", help_text="Words of the name or the domain."
    )
    kind = django_filters.MultipleChoiceFilter(choices=Outlet.Kind.choices, label="Kind")
    country = django_filters.CharFilter(
        lookup_expr="iexact", label="Country", help_text="ISO 3166-1 alpha-2 code."
    )
    state_affiliated = BooleanFilter(label="State affiliated")
    reliability = django_filters.MultipleChoiceFilter(
        choices=Outlet.Reliability.choices, label="Reliability"
    )

    class Meta:
        model = Outlet
        fields = ["q", "kind", "country", "state_affiliated", "reliability"]

    def filter_q(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(name__icontains=word) | Q(domain__icontains=word))
        return queryset


class SourceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", label="Search", help_text="Words of the title, the text or the URL."
    )
    url = django_filters.CharFilter(
        method="filter_url",
        label="URL",
        help_text=(
            "The source's web address, compared as sources store it (scheme, host case, "
            "tracking parameters and fragment do not count): the natural key of a get-or-create."
        ),
    )
    outlet = RecordFilter(
        search="sources-api:outlet-list", queryset=Outlet.objects.all(), label="Outlet"
    )
    kind = django_filters.MultipleChoiceFilter(choices=Source.Kind.choices, label="Kind")
    language = django_filters.CharFilter(lookup_expr="iexact", label="Language")
    published_after = DateTimeFilter(
        field_name="published_at", lookup_expr="gte", label="Published at or after"
    )
    published_before = DateTimeFilter(
        field_name="published_at", lookup_expr="lte", label="Published at or before"
    )
    cites = RecordFilter(
        search="sources-api:source-list",
        queryset=Source.objects.only("id", "title"),
        field_name="cites",
        label="Cites",
        help_text="Id of a source that this one cites.",
    )

    class Meta:
        model = Source
        fields = [
            "q",
            "url",
            "outlet",
            "kind",
            "language",
            "published_after",
            "published_before",
            "cites",
        ]

    def filter_q(self, queryset, name, value):
        return queryset.search(value.strip())

    def filter_url(self, queryset, name, value):
        try:
            normalized = normalize_url(value)
        except ValueError:  # e.g. a port that is not a number: no source has it
            return queryset.none()
        # An address that normalises to nothing names no source.
        return queryset.filter(normalized_url=normalized) if normalized else queryset.none()
