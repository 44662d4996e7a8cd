"""Filter bases every app's ``filters.py`` builds on.

Related records are chosen by id, dates and moments are documented with
the patterns the API accepts, and a yes/no filter refuses anything but
yes, no or empty instead of ignoring it. The API's filter backends refuse a
query parameter a list does not take, so that a typo is never ignored.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import format_html
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, filters
from rest_framework.settings import api_settings


class RecordPicker(forms.NumberInput):
    """A record chosen by its id and found by its name.

    Without JavaScript it is a number box, followed by the chosen record's
    name; the page script turns it into type-ahead search over
    ``search_url`` (the API list of that kind of record, searched with
    ``?q=``), so no page ever renders a whole table as ``<option>``s.
    """

    def __init__(self, *, search_url: str = "", queryset=None, attrs=None):
        super().__init__(attrs={"min": 1, **(attrs or {})})
        self.search_url = search_url
        self.queryset = queryset

    def chosen(self, value):
        """The record ``value`` names, or None (one query, only when a value is given)."""
        if self.queryset is None or value in (None, "") or not str(value).isdigit():
            return None
        return self.queryset.filter(pk=value).first()

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, attrs, renderer)
        record = self.chosen(value)
        return format_html(
            '<span class="record-picker" data-search-url="{}" data-chosen="{}">{}{}</span>',
            reverse(self.search_url) if self.search_url else "",
            str(record) if record else "",
            box,
            format_html(' <small class="picker-chosen">{}</small>', record) if record else "",
        )


@extend_schema_field(OpenApiTypes.INT)
class RecordFilter(django_filters.ModelChoiceFilter):
    """A related record chosen by its id; on a page, a type-ahead ``RecordPicker``.

    ``search`` names the API list that finds records of this kind by ``?q=``
    (``"claims-api:actor-list"``).
    """

    def __init__(self, *args, search: str = "", **kwargs):
        self.search = search
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        field = super().field
        if not isinstance(field.widget, RecordPicker):
            field.widget = RecordPicker(search_url=self.search, queryset=field.queryset)
        return field


# Dates as the API documents them. A page's form sends an empty box as "not given";
# the API refuses an empty value (StrictFilterBackend below).
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATE_TIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
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


class MomentField(forms.Field):
    """A day (YYYY-MM-DD, meaning its end) or a moment in ISO 8601, as an aware date-time.

    The one parser of "as of": a day shows the knowledge base as it stood
    when that day ended, a moment as it stood then. A moment without a
    time zone is in the site's.
    """

    default_error_messages = {
        "invalid": "Give a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM, ISO 8601)."
    }

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        try:  # a well-formed but impossible day or moment (month 89, hour 25) is invalid too
            day = parse_date(value) if len(value) == 10 else None
            moment = None if day else parse_datetime(value)
        except ValueError:
            day = moment = None
        if day is None and moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if day is not None:
            moment = datetime.datetime.combine(day, datetime.time.max)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^$|^[0-9]{4}-[0-9]{2}-[0-9]{2}$|" + DATE_TIME_PATTERN.removeprefix("^$|"),
        "example": "2025-03-12T09:30:00Z",
    }
)
class MomentFilter(django_filters.Filter):
    """A day (its end) or a moment (``MomentField``)."""

    field_class = MomentField


class StrictBooleanSelect(forms.NullBooleanSelect):
    """Yes, no or either; "either" is sent as an empty value (left out of a page's
    address), not as Django's ``unknown``."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", "Either"), ("true", "Yes"), ("false", "No")]

    def format_value(self, value):
        return {True: "true", False: "false", "true": "true", "false": "false"}.get(value, "")

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


# --- the API's filter backends -------------------------------------------
# Here, not in claimsbase.viewsets: DRF reads DEFAULT_FILTER_BACKENDS while
# rest_framework.generics loads, which that module imports.


class StrictFilterBackend(DjangoFilterBackend):
    """The FilterSet of an API list, refusing every query parameter the list does not take.

    A misspelt filter (``?claimnt=``), a filter given empty (``?affiliation=``)
    or given twice would otherwise be ignored and the whole list answered, so
    a script's typo would pass unnoticed. A list takes its FilterSet's
    filters, the paging and ordering parameters of its own paginator and
    ordering filter (exactly what the schema lists), and ``format``. Only
    free-text filters may be empty and only multiple-choice ones repeated.
    Detail endpoints are not checked: they take no parameters. Pages do not
    use this backend: browsers and links add parameters of their own
    (``utm_source``), and a page shows a bad value as a form error anyway.
    """

    def filter_queryset(self, request, queryset, view):
        if not getattr(view, "detail", False):
            self.refuse_unknown_parameters(request, queryset, view)
        return super().filter_queryset(request, queryset, view)

    def accepted_parameters(self, queryset, view) -> dict[str, str]:
        """Each parameter the list takes, with its kind: "text", "repeatable" or "value"."""
        accepted: dict[str, str] = {}
        filterset_class = self.get_filterset_class(view, queryset)
        for name, filter_ in getattr(filterset_class, "base_filters", {}).items():
            if isinstance(filter_, django_filters.CharFilter):
                accepted[name] = "text"
            elif isinstance(filter_, django_filters.MultipleChoiceFilter):
                accepted[name] = "repeatable"
            else:
                accepted[name] = "value"
        for backend in view.filter_backends:
            if issubclass(backend, filters.OrderingFilter) and getattr(view, "ordering_fields", ()):
                accepted[backend.ordering_param] = "value"
        paginator = getattr(view, "paginator", None)
        for attribute in (
            "cursor_query_param",
            "page_query_param",
            "page_size_query_param",
            "limit_query_param",
            "offset_query_param",
        ):
            name = getattr(paginator, attribute, None)
            if name:
                accepted[name] = "value"
        if api_settings.URL_FORMAT_OVERRIDE:
            accepted[api_settings.URL_FORMAT_OVERRIDE] = "value"
        return accepted

    def refuse_unknown_parameters(self, request, queryset, view) -> None:
        accepted = self.accepted_parameters(queryset, view)
        errors: dict[str, list[str]] = {}
        for name, values in request.query_params.lists():
            kind = accepted.get(name)
            if kind is None:
                errors[name] = [
                    f"Unknown parameter; this list takes {', '.join(sorted(accepted))}."
                ]
            elif len(values) > 1 and kind != "repeatable":
                errors[name] = ["Give this parameter once."]
            elif kind != "text" and any(value == "" for value in values):
                errors[name] = ["Give a value, or leave the parameter out."]
        if errors:
            raise exceptions.ValidationError(errors)


class StrictOrderingFilter(filters.OrderingFilter):
    """``?ordering=`` that refuses a field the list cannot be sorted by, instead of ignoring it."""

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        if len(valid) != len(fields):
            names = sorted(
                name for name, _ in self.get_valid_fields(queryset, view, {"request": request})
            )
            raise exceptions.ValidationError(
                {
                    self.ordering_param: [
                        f"Sort by {', '.join(names)}, each optionally preceded by - "
                        "for descending order, separated by commas."
                    ]
                }
            )
        return valid
