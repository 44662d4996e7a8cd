"""Filter bases every app's ``filters.py`` builds on.

Related records are chosen by id, dates and moments are documented with
the patterns the API accepts, and a yes/no filter refuses anything but
yes, no or empty instead of ignoring it.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import format_html
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


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
        day = parse_date(value) if len(value) == 10 else None
        try:
            moment = None if day else parse_datetime(value)
        except ValueError:  # well-formed but impossible, e.g. hour 25
            moment = None
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
