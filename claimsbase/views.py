"""The home page and the two thin generic view bases every app's pages build on.

``FilteredListView`` renders a FilterSet's form beside a sorted, paged list of
its results: the same FilterSet the API uses, so a filter means the same
thing in both. ``ServiceFormView`` validates a form, hands ``cleaned_data`` to
a service and shows the service's ``ValidationError`` next to the fields it
names, so a page cannot skip a rule the admin and the API keep.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponseRedirect, JsonResponse, QueryDict
from django.urls import reverse
from django.utils.formats import date_format
from django.views.generic import FormView, ListView, TemplateView

from claims.models import Assessment, Claim, Topic
from claimsbase import as_of, search
from claimsbase.paging import keyset_page
from claimsbase.permissions import ReadPermissionMixin, WritePermissionMixin


@dataclass(frozen=True)
class ActiveFilter:
    """One filter in force on a list, shown as a chip above it: "Actor involved: Vladimir
    Putin", with the address of the same list without it."""

    label: str
    value: str
    remove_url: str
    invalid: bool = False


def without_empty_parameters(query: QueryDict) -> QueryDict | None:
    """``query`` less its empty parameters (``actor=&q=``), or None when it has none.

    A submitted filter form sends every field, the empty ones too; the page
    answers such an address with a redirect to the one without them, so the
    address a reader copies holds only the filters they chose.
    """
    if all(value.strip() for _, values in query.lists() for value in values):
        return None
    kept = QueryDict(mutable=True)
    for name, values in query.lists():
        given = [value for value in values if value.strip()]
        if given:
            kept.setlist(name, given)
    return kept


def _address(path: str, query: QueryDict) -> str:
    return f"{path}?{query.urlencode()}" if query else path


def _shown_value(value, raw: str) -> str:
    """A filter's value as a reader knows it: a record by its name, a day written out."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return date_format(value, "j F Y")
    return raw


def active_filters(filterset, request) -> list[ActiveFilter]:
    """The filters of ``request`` that the list's form takes, each with a link without it.

    Records come from the form's own validation (one query per record filter
    given, however long the list), values of a choice by their label; a
    value the form refused is shown as given, so it can be removed too. The
    position in the list (``cursor``) is dropped: it belongs to the old filters.
    """
    form, query = filterset.form, request.GET
    errors = form.errors  # validates the form, which fills cleaned_data

    def remove_url(name: str, value: str | None = None) -> str:
        kept = query.copy()
        kept.pop("cursor", None)
        if value is None:
            kept.pop(name, None)
        else:
            kept.setlist(name, [given for given in kept.getlist(name) if given != value])
        return _address(request.path, kept)

    chips = []
    for name, field in form.fields.items():
        given = list(dict.fromkeys(value for value in query.getlist(name) if value.strip()))
        if not given:
            continue
        invalid = name in errors
        if isinstance(field, forms.MultipleChoiceField):
            # One chip per value, so each status can be removed alone (an unknown one too).
            labels = {str(value): label for value, label in field.choices}
            chips.extend(
                ActiveFilter(
                    field.label,
                    str(labels.get(value, value)),
                    remove_url(name, value),
                    invalid=value not in labels,
                )
                for value in given
            )
            continue
        shown = given[0] if invalid else _shown_value(form.cleaned_data.get(name), given[0])
        chips.append(ActiveFilter(field.label, shown, remove_url(name), invalid=invalid))
    return chips


class FilteredListView(ReadPermissionMixin, ListView):
    """A list page: read path → FilterSet → whitelisted ordering → keyset pages.

    Subclasses set ``filterset_class``, ``template_name`` and
    ``ordering_fields`` (the ``?ordering=`` values offered, each mapped to a
    label), and implement ``get_base_queryset()`` with a read path. Pages
    follow ``?cursor=`` links and never count or skip past every match
    (``claimsbase.paging``), so the thousandth page costs what the first does.

    An address with empty parameters is redirected to the one without them.
    A filter the form refuses (``actor=abc``, an unknown status) lists
    nothing and answers 400 with the error beside the field, as the API
    does: a list filtered by only the filters that happened to be valid
    would pass for the answer. ``decorate_rows(rows)`` lets a page add what
    it counts for the rows shown only (an index's counts by status).
    """

    filterset_class = None
    ordering_fields: dict[str, str] = {}
    default_ordering: str = ""
    per_page = 25

    def get(self, request, *args, **kwargs):
        kept = without_empty_parameters(request.GET)
        if kept is not None:
            return HttpResponseRedirect(_address(request.path, kept))
        response = super().get(request, *args, **kwargs)
        if self.filters_refused:
            response.status_code = 400
        return response

    def get_base_queryset(self):
        raise NotImplementedError

    def decorate_rows(self, rows: list) -> None:
        """Add to the rows of the page shown what the page counts for them alone."""

    def get_ordering(self) -> str:
        wanted = self.request.GET.get("ordering", "")
        if wanted in self.ordering_fields:
            return wanted
        if search.ranked(self.object_list):
            # A search ranks its results: best first, unless another order was asked for.
            return f"-{search.SEARCH_RANK}"
        return self.default_ordering

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.get_base_queryset(), request=self.request
        )
        self.prepare_form(self.filterset.form)
        self.filters_refused = self.filterset.is_bound and not self.filterset.is_valid()
        if self.filters_refused:
            return self.filterset.queryset.none()
        return self.filterset.qs

    @staticmethod
    def prepare_form(form) -> None:
        """Shape the FilterSet's form for a page, before it is validated (which fixes each
        field's help text in its bound field)."""
        for field in form.fields.values():
            # Browsers offer a date picker (and keyboard date entry) for these.
            if isinstance(field, forms.DateField):
                field.widget.input_type = "date"
            # Boxes to tick, not a list that takes Ctrl-click to choose two.
            if isinstance(field.widget, forms.SelectMultiple):
                field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
            # Help texts speak to the API's users (ids, repeated parameters); the
            # page leaves them out, so no field points at a help text that is not shown.
            field.help_text = ""

    def ordering_choices(self) -> list[tuple[str, str]]:
        """The sort orders offered; the list's own order first, as an empty value, so a
        form submitted without choosing one adds no ``ordering`` to the address."""
        if not self.ordering_fields:
            return []
        searching = search.ranked(self.object_list)
        first = "Best match first" if searching else self.ordering_fields.get(self.default_ordering)
        return [("", first or "Default")] + [
            (value, label)
            for value, label in self.ordering_fields.items()
            if searching or value != self.default_ordering
        ]

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ordering = self.get_ordering() or "-pk"
        page = keyset_page(
            self.request, self.object_list, ordering=ordering, per_page=self.per_page
        )
        self.decorate_rows(page.object_list)
        context = super().get_context_data(object_list=page.object_list, **kwargs)
        context["page_obj"] = page
        requested = self.request.GET.get("ordering", "")
        context.update(
            filterset=self.filterset,
            filter_form=self.filterset.form,
            active_filters=active_filters(self.filterset, self.request),
            filters_refused=self.filters_refused,
            ordering=requested if requested in self.ordering_fields else "",
            ordering_fields=dict(self.ordering_choices()),
        )
        return context


class ServiceFormView(WritePermissionMixin, FormView):
    """An action page: form → service → redirect, with service errors shown as form errors.

    Subclasses set ``permission_required``, ``form_class`` and
    ``template_name``, and implement ``perform(form)`` (call one service
    with ``form.cleaned_data``, return the object to go to). ``error_fields``
    maps a service's error keys that differ from the form's field names
    (``"appearances.0.exact"`` → ``"exact"``); other unknown keys become
    errors of the whole form.
    """

    error_fields: dict[str, str] = {}

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as error:
            self.add_service_errors(form, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.get_success_url(result))

    def get_success_url(self, result=None) -> str:
        return result.get_absolute_url()

    def add_service_errors(self, form, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            form.add_error(None, error)
            return
        for key, messages in error.error_dict.items():
            field = self.error_fields.get(key, key)
            target = self.error_target(form, field)
            if target is None:
                form.add_error(None, ValidationError(messages))
            else:
                target_form, target_field = target
                target_form.add_error(target_field, ValidationError(messages))

    def error_target(self, form, field: str):
        """The (form, field) that should carry an error keyed ``field``, or None."""
        if field in form.fields:
            return form, field
        return None


# The home page's counts run over every claim (a GROUP BY over a million rows
# takes a few hundred milliseconds); they are shared from the cache for this long.
HOME_COUNTS_SECONDS = 60


class HomeView(ReadPermissionMixin, TemplateView):
    """What an analyst looks at first: statuses, the most contested claims, recent judgements."""

    template_name = "home.html"

    @staticmethod
    def busiest_topics(then=None) -> list:
        return list(Topic.objects.for_list(then).order_by("-claim_count", "name")[:12])

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        then = as_of.moment(self.request)
        # As of a past day, the counts as they stood then, cached per moment like today's.
        key = "" if then is None else f":{then.isoformat()}"
        assessments = Assessment.objects.for_list()
        return super().get_context_data(
            status_counts=cache.get_or_set(
                f"home:status_counts{key}",
                Claim.objects.active().at(then).status_counts,
                HOME_COUNTS_SECONDS,
            ),
            contested=Claim.objects.for_list().at(then).most_contested(8),
            recent_assessments=(assessments if then is None else assessments.until(then))[:8],
            topics=cache.get_or_set(
                f"home:topics{key}", lambda: self.busiest_topics(then), HOME_COUNTS_SECONDS
            ),
            feed_url=reverse("claims:claim_feed"),
            feed_title="All claims",
            **kwargs,
        )


home = HomeView.as_view()


def bench_bare(request):
    """50 small dicts and nothing else: the floor each benchmark figure is a ratio to.

    Routed only when ``BENCH_BARE_VIEW`` is on, so the same app server, in the
    same run, shows what a request costs before any query or template.
    """
    rows = [
        {"id": number, "name": f"item {number}", "status": "unverified"} for number in range(50)
    ]
    return JsonResponse({"results": rows})
