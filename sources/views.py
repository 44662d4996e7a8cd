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

from claims import services as claims_services
from claims.extraction import extract
from claims.extraction.database import knowledge_from_database
from claims.extraction.names import normal_form
from claims.forms import ClaimCaptureForm, QuantityFormSet
from claims.models import Claim
from claimsbase.as_of import moment
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
        then = moment(self.request)
        sources = Source.objects.for_list()
        return sources if then is None else sources.published_by(then)


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


def source_page_context(source: Source, user, then=None) -> dict[str, Any]:
    """What the source page shows, shared by the page and a failed capture; ``then``, a past
    moment, shows the claims reported by then, as they stood, and no capture (that is today's)."""
    return {
        "source": source,
        "claims": list(Claim.objects.for_source(source).at(then)),
        "can_capture": then is None and can(user, CAPTURE),
    }


# The extraction's qualifiers and actor kinds as the models name them.
QUALIFIERS = {"": "exactly", "up_to": "at_most"}
ACTOR_KINDS = {"military_unit": "military"}
SIMILAR_SHOWN = 2
SIMILAR_READ_PER_CLAIMANT = 50


def _words(text: str) -> set[str]:
    return {word for word in normal_form(text).split() if len(word) > 3}


def _similar(suggestions, claims_of_claimants: list[dict]) -> list[list[Claim]]:
    """For each suggestion, up to two recorded claims of its claimant sharing most words."""
    by_claimant: dict[int, list[dict]] = {}
    for row in claims_of_claimants:
        by_claimant.setdefault(row["claimant_id"], []).append(row)
    found = []
    for suggestion in suggestions:
        known = suggestion.claimant.known if suggestion.claimant else None
        words = _words(suggestion.text)
        scored = []
        for row in by_claimant.get(known.key if known else None, []):
            other = _words(row["statement"])
            score = len(words & other) / len(words | other) if words | other else 0
            if score >= 0.25:
                scored.append((score, Claim(pk=row["pk"], statement=row["statement"])))
        scored.sort(key=lambda pair: -pair[0])
        found.append([claim for _, claim in scored[:SIMILAR_SHOWN]])
    return found


def _quantity_initial(suggestion) -> list[dict]:
    return [
        {
            **{key: value for key, value in q.as_dict().items() if key != "qualifier"},
            "qualifier": QUALIFIERS.get(q.qualifier, q.qualifier),
            "text": suggestion.text[q.start - suggestion.start : q.end - suggestion.start],
        }
        for q in suggestion.quantities
    ]


def suggestion_cards(source: Source, claims: list[Claim]) -> list[dict]:
    """The intake screen: one prefilled capture form per claim the extraction suggests.

    Suggestions over words already recorded from this source are left out.
    The claimants' recorded claims are read in one query, to offer "add this
    appearance to claim #N" where the claim is already there.
    """
    recorded = [
        (appearance.excerpt.start, appearance.excerpt.end)
        for claim in claims
        for appearance in claim.appearances_here
        if appearance.excerpt and appearance.excerpt.start is not None
    ]
    suggestions = [
        suggestion
        for suggestion in extract(
            source.body,
            knowledge_from_database(),
            published=source.published_at,
            outlet=source.outlet.name,
        )
        if not any(start < suggestion.end and suggestion.start < end for start, end in recorded)
    ]
    keys = {s.claimant.known.key for s in suggestions if s.claimant and s.claimant.known}
    rows = (
        list(
            Claim.objects.active()
            .filter(claimant_id__in=keys)
            .order_by("-pk")
            .values("pk", "claimant_id", "statement")[: SIMILAR_READ_PER_CLAIMANT * len(keys)]
        )
        if keys
        else []
    )
    cards = []
    pairs = zip(suggestions, _similar(suggestions, rows), strict=True)
    for number, (suggestion, similar) in enumerate(pairs, start=1):
        claimant = suggestion.claimant
        initial = {
            "exact": suggestion.text,
            "start": suggestion.start,
            "statement": suggestion.text,
            "claimant": claimant.name if claimant else "",
            "claimant_kind": ACTOR_KINDS.get(claimant.kind, claimant.kind) if claimant else "",
            "relays": [relay.name for relay in suggestion.relays],
            "places": [place.name for place in suggestion.places],
            "asserted_on": suggestion.asserted_on,
        }
        auto_id = f"card{number}_%s"
        cards.append(
            {
                "number": number,
                "suggestion": suggestion,
                "new_claimant": bool(claimant and claimant.is_new),
                "form": ClaimCaptureForm(
                    initial=initial, auto_id=auto_id, similar=similar, recorded=claims
                ),
                "quantity_formset": QuantityFormSet(
                    prefix="quantities", initial=_quantity_initial(suggestion), auto_id=auto_id
                ),
            }
        )
    return cards


class SourceDetailView(ReadPermissionMixin, DetailView):
    queryset = Source.objects.for_detail()
    template_name = "sources/source_detail.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(
            **source_page_context(self.object, self.request.user, moment(self.request)), **kwargs
        )
        if context["can_capture"]:
            context["form"] = ClaimCaptureForm(recorded=context["claims"])
            context["quantity_formset"] = QuantityFormSet(prefix="quantities")
            if self.object.body:
                context["cards"] = suggestion_cards(self.object, context["claims"])
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

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "recorded": self.recorded}

    @cached_property
    def recorded(self) -> list[Claim]:
        return list(Claim.objects.for_source(self.source))

    def perform(self, form):
        claim = claims_services.claim_capture(
            source=self.source,
            **form.capture_fields(),
            quantities=[
                q.cleaned_data for q in self.filled_quantities() if not form.cleaned_data["into"]
            ],
            by=self.request.user,
        )
        messages.success(
            self.request,
            f"Claim #{claim.pk} recorded from this source. The next suggestion is below.",
        )
        return claim

    def get_success_url(self, result=None) -> str:
        # The editor stays on the source, with the claims recorded from it and what is left.
        return self.source.get_absolute_url() + "#suggestions"

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
        then = moment(self.request)
        if then is not None:
            sources = sources.published_by(then)
        page = keyset_page(self.request, sources, ordering="-published_at")
        return super().get_context_data(page_obj=page, **kwargs)


source_list = SourceListView.as_view()
outlet_list = OutletListView.as_view()
source_detail = SourceDetailView.as_view()
outlet_detail = OutletDetailView.as_view()
claim_capture = ClaimCaptureView.as_view()
source_ingest = SourceIngestView.as_view()
