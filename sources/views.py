"""Source pages: outlets, the documents they publish, and quick capture of claims from them.

The source page composes both apps (DESIGN.md dependency direction: views
are the top layer): the article's text with the claims that appear in it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.views.generic import DetailView

from claims.forms import ClaimCaptureForm, QuantityFormSet
from claims.models import Claim
from claims.services import claim_create
from claimsbase.paging import keyset_page
from claimsbase.permissions import ReadPermissionMixin, can
from claimsbase.views import FilteredListView, ServiceFormView
from sources.filters import OutletFilterSet, SourceFilterSet
from sources.forms import SourceIngestForm
from sources.models import Outlet, Source
from sources.services import source_ingest_document

CAPTURE = "claims.add_claim"
INGEST = "sources.add_source"


class SourceListView(FilteredListView):
    filterset_class = SourceFilterSet
    template_name = "sources/source_list.html"
    context_object_name = "sources"
    ordering_fields = {
        "-published_at": "Newest first",
        "published_at": "Oldest first",
        "title": "Title",
    }
    default_ordering = "-published_at"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        return super().get_context_data(can_ingest=can(self.request.user, INGEST), **kwargs)

    def get_base_queryset(self):
        return Source.objects.for_list()


class OutletListView(FilteredListView):
    filterset_class = OutletFilterSet
    template_name = "sources/outlet_list.html"
    context_object_name = "outlets"
    ordering_fields = {
        "name": "Name",
        "reliability": "Reliability",
        "-source_count": "Most sources",
    }
    default_ordering = "name"

    def get_base_queryset(self):
        return Outlet.objects.for_list()


def source_page_context(source: Source, user) -> dict[str, Any]:
    """What the source page shows, shared by the page and a failed capture."""
    return {
        "source": source,
        "claims": list(Claim.objects.for_source(source)),
        "can_capture": can(user, CAPTURE),
    }


class SourceDetailView(ReadPermissionMixin, DetailView):
    queryset = Source.objects.for_detail()
    template_name = "sources/source_detail.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(
            **source_page_context(self.object, self.request.user), **kwargs
        )
        if context["can_capture"]:
            context["form"] = ClaimCaptureForm()
            context["quantity_formset"] = QuantityFormSet(prefix="quantities")
        return context


class SourceIngestView(ServiceFormView):
    """A new source from pasted text, a saved page or a URL; then on to its claims."""

    permission_required = INGEST
    form_class = SourceIngestForm
    template_name = "sources/source_ingest.html"
    error_fields = {"body": "text"}

    def perform(self, form):
        source, created = source_ingest_document(**form.ingest_fields())
        if created:
            messages.success(self.request, "Source recorded. Select a claim in its text.")
        else:
            messages.info(self.request, "This article is already recorded: here it is.")
        return source


class ClaimCaptureView(ServiceFormView):
    """Record a claim from a span of this source: the excerpt, claimant, quantities, places."""

    permission_required = CAPTURE
    form_class = ClaimCaptureForm
    template_name = "sources/source_detail.html"
    error_fields = {
        "appearances.0.exact": "exact",
        "appearances.0.start": "start",
        "appearances.0.end": "exact",
        "appearances.0.excerpt": "exact",
    }

    @cached_property
    def source(self) -> Source:
        return get_object_or_404(Source.objects.for_detail(), pk=self.kwargs["pk"])

    @cached_property
    def quantity_formset(self):
        data = self.request.POST if self.request.method == "POST" else None
        return QuantityFormSet(data, prefix="quantities")

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        return super().get_context_data(
            **source_page_context(self.source, self.request.user),
            object=self.source,
            quantity_formset=self.quantity_formset,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid() and self.quantity_formset.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def filled_quantities(self) -> list:
        return [q for q in self.quantity_formset if q.has_changed() and q.cleaned_data]

    def perform(self, form):
        return claim_create(
            **form.claim_fields(),
            quantities=[q.cleaned_data for q in self.filled_quantities()],
            appearances=[
                {
                    "source": self.source,
                    "exact": form.cleaned_data["exact"],
                    "start": form.cleaned_data["start"],
                }
            ],
        )

    def error_target(self, form, field: str):
        parts = field.split(".")
        if parts[0] == "quantities" and len(parts) == 3 and parts[1].isdigit():
            filled = self.filled_quantities()
            index = int(parts[1])
            if index < len(filled) and parts[2] in filled[index].fields:
                return filled[index], parts[2]
            return None
        return super().error_target(form, field)


class OutletDetailView(ReadPermissionMixin, DetailView):
    queryset = Outlet.objects.for_detail()
    template_name = "sources/outlet_detail.html"
    context_object_name = "outlet"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        sources = Source.objects.for_list().filter(outlet=self.object)
        page = keyset_page(self.request, sources, ordering="-published_at")
        return super().get_context_data(page_obj=page, **kwargs)


source_list = SourceListView.as_view()
outlet_list = OutletListView.as_view()
source_detail = SourceDetailView.as_view()
outlet_detail = OutletDetailView.as_view()
claim_capture = ClaimCaptureView.as_view()
source_ingest = SourceIngestView.as_view()
