"""Claim pages: browse, read, compare and judge claims.

Each view is a read path rendered by a template, or a form handed to one
service (``claims.services``) followed by a redirect. Rules live in the
services; permissions are asked of ``claimsbase.permissions``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import DetailView, TemplateView, View

from claims import charts, figures
from claims.feeds import list_feed_url
from claims.filters import ActorFilterSet, ClaimFilterSet, PlaceFilterSet, TopicFilterSet
from claims.forms import (
    AppearanceForm,
    AssessmentWithEvidenceForm,
    ClaimCompareForm,
    ClaimLinkForm,
    EvidenceForm,
    FiguresContradictForm,
    FiguresForm,
)
from claims.maps import claim_map, list_params, one_claim_map
from claims.models import Actor, Appearance, Claim, Place, Topic
from claims.querysets import CappedCounts, audit_trail, judge_as_of
from claims.services import (
    appearance_add,
    appearance_remove,
    claim_assess,
    claims_link,
    evidence_add,
    figures_contradict,
    originator_reliability,
)
from claimsbase.as_of import moment
from claimsbase.content_policy import map_tiles
from claimsbase.paging import keyset_page
from claimsbase.permissions import ReadPermissionMixin, WritePermissionMixin, can
from claimsbase.views import FilteredListView, ServiceFormView

ASSESS = "claims.add_assessment"
LINK = "claims.add_claimrelation"
ADD_EVIDENCE = "claims.add_evidence"
ADD_APPEARANCE = "claims.add_appearance"
REMOVE_APPEARANCE = "claims.delete_appearance"
PICKER_LIMIT = 10
# Pages that summarise many claims show the latest few and count the rest.
ACTOR_CLAIMS_SHOWN = 100
CHART_CLAIMS = 500


class ClaimListView(FilteredListView):
    filterset_class = ClaimFilterSet
    template_name = "claims/claim_list.html"
    context_object_name = "claims"
    ordering_fields = {
        "-asserted_on": "Newest asserted first",
        "asserted_on": "Oldest asserted first",
        "-first_reported_at": "Latest reported first",
        "-counter_claim_count": "Most counter-claims first",
        "-source_count": "Most sources first",
        "status": "Status",
    }
    default_ordering = "-asserted_on"

    def get_base_queryset(self):
        return Claim.objects.for_list()

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        # The feed and the CSV export follow the same filters as the page.
        context = super().get_context_data(
            feed_url=list_feed_url(self.request),
            feed_title="Claims matching these filters",
            export_query=self.filter_query(),
        )
        # The map draws the claims listed, and keeps to the place they are filtered by.
        within = getattr(self.filterset.form, "cleaned_data", {}).get("place")
        context["claim_map"] = claim_map(
            self.object_list,
            capped=context["page_obj"].count_capped,
            list_params=list_params(self.request.GET),
            within=within,
        )
        return context

    def filter_query(self) -> str:
        """The page's filters alone (no sort order or page position), as the export takes them."""
        query = QueryDict(mutable=True)
        for name in self.filterset.form.fields:
            if values := self.request.GET.getlist(name):
                query.setlist(name, values)
        return query.urlencode()


def _attach_counts(rows: list, counted: CappedCounts) -> None:
    """Give each row its ``status_counts`` (track-record entries) and ``claim_total``, or
    ``counts_capped`` when it holds more claims than an index counts."""
    for row in rows:
        row.counts_capped = row.pk in counted.capped
        row.status_counts = counted.counts.get(row.pk, [])
        row.claim_total = sum(entry["count"] for entry in row.status_counts)


class IndexView(FilteredListView):
    """An index of the records claims are about: searchable, sorted by name, 50 a page,
    and the claims of the rows shown counted by status in one query."""

    ordering_fields = {"name": "Name, A to Z", "-name": "Name, Z to A"}
    default_ordering = "name"
    per_page = 50


class ActorListView(IndexView):
    """Every actor, with the claims each made counted by status (their track record)."""

    filterset_class = ActorFilterSet
    template_name = "claims/actor_list.html"
    context_object_name = "actors"

    def get_base_queryset(self):
        return Actor.objects.for_index()

    def decorate_rows(self, rows: list) -> None:
        ids = [actor.pk for actor in rows]
        counts = Claim.objects.active().status_counts_by("claimant", ids)
        _attach_counts(rows, CappedCounts(counts, set()))


class PlaceListView(IndexView):
    """The places as a tree, one level at a time: the places inside none (countries), or
    those directly inside ``?parent=``; a search or another filter lists matches at any
    level, each with where it lies. Counts take in the claims about the places inside."""

    filterset_class = PlaceFilterSet
    template_name = "claims/place_list.html"
    context_object_name = "places"

    @cached_property
    def browsing_tree(self) -> bool:
        """No filter given: the page shows the first level of the tree."""
        return not any(
            value.strip()
            for name in self.filterset_class.base_filters
            for value in self.request.GET.getlist(name)
        )

    def get_base_queryset(self):
        places = Place.objects.for_index()
        return places.top_level() if self.browsing_tree else places

    def decorate_rows(self, rows: list) -> None:
        ids = [place.pk for place in rows]
        _attach_counts(rows, Claim.objects.active().status_counts_within_places(ids))
        if not self.level_parent():
            # Matches from any level: say where each lies, in one query for the page.
            where = Place.objects.ancestors_of_each(rows)
            for place in rows:
                place.ancestors = where[place.pk]

    def level_parent(self):
        """The place whose children are listed (``?parent=`` alone), or None."""
        given = set(self.request.GET)
        if (
            self.filters_refused
            or "parent" not in given
            or given - {"parent", "ordering", "cursor"}
        ):
            return None
        return self.filterset.form.cleaned_data.get("parent")

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        parent = self.level_parent()
        context.update(
            browsing_tree=self.browsing_tree,
            level_parent=parent,
            level_ancestors=Place.objects.ancestors_of(parent) if parent else [],
        )
        return context


class TopicListView(IndexView):
    """Every topic, with its claims counted by status."""

    filterset_class = TopicFilterSet
    template_name = "claims/topic_list.html"
    context_object_name = "topics"

    def get_base_queryset(self):
        return Topic.objects.for_index()

    def decorate_rows(self, rows: list) -> None:
        ids = [topic.pk for topic in rows]
        _attach_counts(rows, Claim.objects.active().status_counts_in_topics(ids))


class ClaimDetailView(ReadPermissionMixin, DetailView):
    """A claim; as of a past day, as it stood then (and no judging: that happens today)."""

    template_name = "claims/claim_detail.html"
    context_object_name = "claim"

    def get_queryset(self):
        return Claim.objects.for_page().at(moment(self.request))

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            if request.as_of is None or not Claim.objects.filter(pk=kwargs["pk"]).exists():
                raise
            claim = Claim.objects.with_counts().select_related("claimant").get(pk=kwargs["pk"])
            return render(request, "claims/claim_not_yet.html", {"claim": claim}, status=404)

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        claim, user = self.object, self.request.user
        then = moment(self.request)
        if then is not None:
            # The other ends of its relations, with the status each had then.
            judge_as_of([relation.other(claim) for relation in claim.relations()], then)
        # Judging happens today: a page of a past day offers no form that writes.
        today = then is None
        context = super().get_context_data(
            relation_groups=claim.relations_by_wording(),
            counter_claims=claim.counter_claims(),
            appearances=claim.shown_appearances(),
            assessments=claim.shown_assessments(),
            evidence=claim.shown_evidence(),
            history=audit_trail(claim, until=then),
            can_assess=today and can(user, ASSESS),
            can_link=today and can(user, LINK),
            can_add_evidence=today and can(user, ADD_EVIDENCE),
            can_add_appearance=today and can(user, ADD_APPEARANCE),
            can_remove_appearance=today and can(user, REMOVE_APPEARANCE),
            other_figures=figures.other_figures(claim, until=then),
            claim_map=one_claim_map(claim, as_of=self.request.as_of),
            **kwargs,
        )
        if context["can_assess"]:
            context["assess_form"] = AssessmentWithEvidenceForm(
                initial={"reliability": originator_reliability(claim)}
            )
        if context["can_link"]:
            context["link_form"] = ClaimLinkForm(claim=claim)
        if context["can_add_evidence"]:
            context["evidence_form"] = EvidenceForm()
        if context["can_add_appearance"]:
            context["appearance_form"] = AppearanceForm()
        return context


class ClaimCompareView(ReadPermissionMixin, TemplateView):
    """Any two claims side by side: quotes in context, the relation between them, their
    latest assessments, and their quantities lined up by measure with how they agree."""

    template_name = "claims/claim_compare.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        params = self.request.GET
        if "a" in params and "b" in params:
            form = ClaimCompareForm(params)
        else:  # "Compare with…" from a claim's page: that claim chosen, the other to pick
            form = ClaimCompareForm(
                initial={key: params[key] for key in ("a", "b") if key in params}
            )
        # Without JavaScript, claims are found by their words here and chosen by a link.
        find = params.get("find", "").strip()[:200]
        context = super().get_context_data(
            form=form,
            find_q=find,
            found=Claim.objects.for_picker().search(find)[:PICKER_LIMIT] if find else [],
            chosen={key: params[key] for key in ("a", "b") if params.get(key, "").isdigit()},
            **kwargs,
        )
        if form.is_valid():
            wanted = [form.cleaned_data["a"].pk, form.cleaned_data["b"].pk]
            # ?as_of= is read once per request (claimsbase.as_of): the pair as it stood then.
            then = moment(self.request)
            claims = Claim.objects.for_page().at(then)
            loaded = {claim.pk: claim for claim in claims.filter(pk__in=wanted)}
            if len(loaded) < len(set(wanted)):
                form.add_error(None, "A claim chosen had not been reported by that day.")
                return context
            pair = [loaded[pk] for pk in wanted]
            context.update(
                pair=pair,
                measures=figures.line_up(pair),
                comparable=figures.comparable(*pair),
                relations=figures.relations_between(*pair, until=then),
            )
        return context


class FiguresView(ReadPermissionMixin, TemplateView):
    """The most conflicting figures of a topic or a place (``?topic=`` or ``?place=``)."""

    template_name = "claims/figures.html"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        form = FiguresForm(self.request.GET)
        # Judging happens today: as of a past day the list offers no button that writes.
        today = moment(self.request) is None
        context = super().get_context_data(
            form=form, can_link=today and can(self.request.user, LINK)
        )
        if form.is_valid():
            topic, place = form.cleaned_data["topic"], form.cleaned_data["place"]
            # As of a past day, the figures of the claims first reported by then.
            claims = Claim.objects.active().at(moment(self.request))
            claims = claims.in_topic(topic) if topic else claims.about_place(place)
            context.update(
                subject=topic or place,
                conflicts=figures.most_conflicting(claims),
                shown=figures.CONFLICTS_SHOWN,
                scanned=figures.FIGURES_SCANNED,
            )
        return context


class FiguresContradictView(WritePermissionMixin, View):
    """One click on the list of conflicting figures: record that two claims contradict."""

    permission_required = LINK

    def post(self, request):
        form = FiguresContradictForm(request.POST)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = reverse("claims:claim_list")
        if not form.is_valid():
            messages.error(request, "Choose two recorded claims (one may have been merged).")
            return HttpResponseRedirect(back)
        first, second = form.cleaned_data["first"], form.cleaned_data["second"]
        try:
            figures_contradict(
                first=first, second=second, by=request.user, note="Conflicting figures."
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Recorded: claim {first.pk} contradicts claim {second.pk}.")
        return HttpResponseRedirect(back)


class ClaimActionView(ServiceFormView):
    """An action on one claim; the claim is loaded once and shown above the form."""

    template_name = "claims/claim_form.html"
    title = ""

    @cached_property
    def claim(self) -> Claim:
        # Loaded on first use, after the permission check in dispatch().
        return get_object_or_404(Claim.objects.select_related("claimant"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        return super().get_context_data(claim=self.claim, title=self.title, **kwargs)

    def get_success_url(self, result=None) -> str:
        return self.claim.get_absolute_url()


class ClaimAssessView(ClaimActionView):
    permission_required = ASSESS
    form_class = AssessmentWithEvidenceForm
    title = "Assess this claim"
    error_fields = {
        "evidence.0.url": "evidence_url",
        "evidence.0.source": "evidence_source",
        "evidence.0.note": "evidence_note",
        "evidence.0.stance": "evidence_stance",
    }

    def get_initial(self) -> dict[str, Any]:
        # Proposed, shown and changeable: the grade of whoever the claim comes from.
        return {"reliability": originator_reliability(self.claim)}

    def perform(self, form):
        data = form.cleaned_data
        return claim_assess(
            claim=self.claim,
            by=self.request.user,
            status=data["status"],
            rationale=data["rationale"],
            credibility=data["credibility"],
            reliability=data.get("reliability") or "",
            evidence=form.evidence(),
        )


class ClaimLinkView(ClaimActionView):
    """Relate this claim to another, found with the claim picker (or its plain search form)."""

    permission_required = LINK
    form_class = ClaimLinkForm
    title = "Link to another claim"
    error_fields = {"from_claim": "to_claim", "__all__": "to_claim"}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "claim": self.claim}

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        q = self.request.GET.get("q", "").strip()
        found = (
            Claim.objects.for_picker().search(q).exclude(pk=self.claim.pk)[:PICKER_LIMIT]
            if q
            else []
        )
        return super().get_context_data(picker_q=q, picker_results=found, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return claims_link(
            from_claim=self.claim,
            to_claim=data["to_claim"],
            kind=data["kind"],
            note=data["note"],
            by=self.request.user,
        )


class EvidenceAddView(ClaimActionView):
    permission_required = ADD_EVIDENCE
    form_class = EvidenceForm
    title = "Add evidence"

    def perform(self, form):
        return evidence_add(claim=self.claim, by=self.request.user, **form.cleaned_data)


class AppearanceAddView(ClaimActionView):
    """Add another source's report of this claim, instead of recording the claim twice."""

    permission_required = ADD_APPEARANCE
    form_class = AppearanceForm
    title = "Add a source reporting it"
    error_fields = {"excerpt": "exact"}

    def perform(self, form):
        data = form.cleaned_data
        appearance_add(
            claim=self.claim,
            source=data["source"],
            exact=data["exact"],
            start=data["start"],
            chain=data["chain"],
            note=data["note"],
        )
        messages.success(self.request, "Appearance added.")
        return self.claim


class AppearanceRemoveView(ClaimActionView):
    """Confirm, then remove one appearance of this claim (its history stays)."""

    permission_required = REMOVE_APPEARANCE
    form_class = forms.Form
    title = "Remove this appearance"

    @cached_property
    def appearance(self) -> Appearance:
        rows = Appearance.objects.select_related("source__outlet", "excerpt")
        return get_object_or_404(rows, pk=self.kwargs["appearance_pk"], claim=self.claim)

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        return super().get_context_data(appearance=self.appearance, **kwargs)

    def perform(self, form):
        appearance_remove(appearance=self.appearance)
        messages.success(self.request, f"Appearance in “{self.appearance.source}” removed.")
        return self.claim


class ClaimSearchView(ReadPermissionMixin, View):
    """The claim picker's data: ``?q=`` words → up to ten matching claims as JSON."""

    def get(self, request):
        q = request.GET.get("q", "").strip()[:200]
        claims = Claim.objects.for_picker().search(q)[:PICKER_LIMIT] if q else []
        return JsonResponse(
            {
                "results": [
                    {
                        "id": claim.pk,
                        "statement": claim.statement,
                        "claimant": claim.claimant.name,
                        "status": claim.status,
                        "status_label": claim.get_status_display(),
                        "asserted_on": claim.asserted_on,
                        "url": claim.get_absolute_url(),
                    }
                    for claim in claims
                ]
            }
        )


class ActorDetailView(ReadPermissionMixin, DetailView):
    queryset = Actor.objects.for_detail()
    template_name = "claims/actor_detail.html"
    context_object_name = "actor"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        actor, then = self.object, moment(self.request)
        made = Claim.objects.for_list().at(then).filter(claimant=actor)
        by_status = made.by_status(ACTOR_CLAIMS_SHOWN)
        return super().get_context_data(
            track_record=[entry for entry, _ in by_status],
            claims_by_status=by_status,
            claims_made_count=sum(entry["count"] for entry, _ in by_status),
            claims_shown=ACTOR_CLAIMS_SHOWN,
            claims_about=Claim.objects.for_list().at(then).about_actor(actor)[:100],
            feed_url=reverse("claims:actor_feed", args=[actor.pk]),
            feed_title=f"Claims by or about {actor.name}",
            **kwargs,
        )


class PlaceDetailView(ReadPermissionMixin, DetailView):
    queryset = Place.objects.for_detail()
    template_name = "claims/place_detail.html"
    context_object_name = "place"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        place = self.object
        about = Claim.objects.for_list().at(moment(self.request)).about_place(place)
        page = keyset_page(self.request, about, ordering="-asserted_on")
        return super().get_context_data(
            ancestors=Place.objects.ancestors_of(place),
            page_obj=page,
            claim_map=claim_map(
                about, capped=page.count_capped, within=place, as_of=self.request.as_of
            ),
            feed_url=reverse("claims:place_feed", args=[place.pk]),
            feed_title=f"Claims about {place.name}",
            **kwargs,
        )


class TopicDetailView(ReadPermissionMixin, DetailView):
    queryset = Topic.objects.for_detail()
    template_name = "claims/topic_detail.html"
    context_object_name = "topic"

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        topic, then = self.object, moment(self.request)
        dated = Claim.objects.for_chart().in_topic(topic).exclude(asserted_on=None)
        if then is not None:
            dated = dated.reported_by(then)
        charted = list(dated.order_by("-asserted_on", "-pk")[:CHART_CLAIMS])
        measures = charts.measures(charted)
        measure = charts.Measure.parse(self.request.GET.get("measure", ""))
        if measure not in measures:
            measure = measures[0] if measures else None
        in_topic = Claim.objects.for_list().at(then).in_topic(topic)
        page = keyset_page(self.request, in_topic, ordering="asserted_on")
        return super().get_context_data(
            claims=page.object_list,
            page_obj=page,
            charted_count=len(charted),
            chart_limit=CHART_CLAIMS,
            measures=measures,
            measure=measure,
            chart=charts.chart(charted, measure) if measure else None,
            claim_map=claim_map(
                in_topic,
                capped=page.count_capped,
                list_params={"topic": [topic.pk]},
                as_of=self.request.as_of,
            ),
            feed_url=reverse("claims:topic_feed", args=[topic.pk]),
            feed_title=f"Claims in {topic.name}",
            **kwargs,
        )


claim_list = map_tiles(ClaimListView.as_view())
claim_detail = map_tiles(ClaimDetailView.as_view())
claim_compare = ClaimCompareView.as_view()
figures_list = FiguresView.as_view()
figures_contradict_view = FiguresContradictView.as_view()
claim_assess_view = ClaimAssessView.as_view()
claim_link_view = ClaimLinkView.as_view()
evidence_add_view = EvidenceAddView.as_view()
appearance_add_view = AppearanceAddView.as_view()
appearance_remove_view = AppearanceRemoveView.as_view()
claim_search = ClaimSearchView.as_view()
actor_list = ActorListView.as_view()
place_list = PlaceListView.as_view()
topic_list = TopicListView.as_view()
actor_detail = ActorDetailView.as_view()
place_detail = map_tiles(PlaceDetailView.as_view())
topic_detail = map_tiles(TopicDetailView.as_view())
