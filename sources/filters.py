"""FilterSets for outlets and sources, shared by the pages and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from sources.models import Outlet, Source


@extend_schema_field(OpenApiTypes.INT)
class RecordFilter(django_filters.ModelChoiceFilter):
    """A related record chosen by its id."""


# Dates as the API documents them: an empty value means "not given", as in the page forms.
DATE_PATTERN = r"^$|^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATE_TIME_PATTERN = (
    r"^$|^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
    r"(Z|[+-][0-9]{2}:?[0-9]{2})?$"
)


@extend_schema_field({"type": "string", "pattern": DATE_PATTERN, "example": "2025-03-12"})
class DateFilter(django_filters.DateFilter):
    """A day, YYYY-MM-DD."""


@extend_schema_field(
    {"type": "string", "pattern": DATE_TIME_PATTERN, "example": "2025-03-12T09:30:00Z"}
)
class DateTimeFilter(django_filters.IsoDateTimeFilter):
    """A moment in ISO 8601; without a time zone, the site's."""


class StrictBooleanSelect(forms.NullBooleanSelect):
    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if value in (None, "", "unknown", "true", "false", "True", "False"):
            return super().value_from_datadict(data, files, name)
        return value  # for the field to refuse


class StrictBooleanField(forms.NullBooleanField):
    """Yes, no or not given; any other value is an error instead of being ignored."""

    widget = StrictBooleanSelect

    def to_python(self, value):
        if value in (True, False, None, ""):
            return None if value == "" else value
        if value in ("1", "0"):
            return value == "1"
        raise forms.ValidationError("Give true or false.", code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


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
    outlet = RecordFilter(queryset=Outlet.objects.all(), label="Outlet")
    kind = django_filters.MultipleChoiceFilter(choices=Source.Kind.choices, label="Kind")
    language = django_filters.CharFilter(lookup_expr="iexact", label="Language")
    published_after = DateTimeFilter(
        field_name="published_at", lookup_expr="gte", label="Published at or after"
    )
    published_before = DateTimeFilter(
        field_name="published_at", lookup_expr="lte", label="Published at or before"
    )
    cites = RecordFilter(
        queryset=Source.objects.only("id", "title"),
        field_name="cites",
        label="Cites",
        help_text="Id of a source that this one cites.",
    )

    class Meta:
        model = Source
        fields = ["q", "outlet", "kind", "language", "published_after", "published_before", "cites"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value.strip())
