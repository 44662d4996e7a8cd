"""The home page and the two thin generic view bases every app's pages build on.

``FilteredListView`` renders a FilterSet's form beside a sorted, paged list of
its results: the same FilterSet the API uses, so a filter means the same
thing in both. ``ServiceFormView`` validates a form, hands ``cleaned_data`` to
a service and shows the service's ``ValidationError`` next to the fields it
names, so a page cannot skip a rule the admin and the API keep.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.generic import FormView, ListView, TemplateView

from claims.models import Assessment, Claim, Topic
from claimsbase import as_of, search
from claimsbase.paging import keyset_page
from claimsbase.permissions import ReadPermissionMixin, WritePermissionMixin


class FilteredListView(ReadPermissionMixin, ListView):
    """A list page: read path → FilterSet → whitelisted ordering → keyset pages.

    Subclasses set ``filterset_class``, ``template_name`` and
    ``ordering_fields`` (the ``?ordering=`` values offered, each mapped to a
    label), and implement ``get_base_queryset()`` with a read path. Pages
    follow ``?cursor=`` links and never count or skip past every match
    (``claimsbase.paging``), so the thousandth page costs what the first does.
    """

    filterset_class = None
    ordering_fields: dict[str, str] = {}
    default_ordering: str = ""
    per_page = 25

    def get_base_queryset(self):
        raise NotImplementedError

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
        return self.filterset.qs

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        ordering = self.get_ordering() or "-pk"
        page = keyset_page(
            self.request, self.object_list, ordering=ordering, per_page=self.per_page
        )
        context = super().get_context_data(object_list=page.object_list, **kwargs)
        context["page_obj"] = page
        for field in self.filterset.form.fields.values():
            # Browsers offer a date picker (and keyboard date entry) for these.
            if isinstance(field, forms.DateField):
                field.widget.input_type = "date"
        context.update(
            filterset=self.filterset,
            filter_form=self.filterset.form,
            ordering=self.get_ordering(),
            ordering_fields=self.ordering_fields,
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
