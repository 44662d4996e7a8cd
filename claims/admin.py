"""Admin for claims and what they are about: the editor records an article's claims here.

A claim page holds its appearances, quantities, relations and evidence as
inlines, so that an editor records a claim without leaving the page; every
save goes through ``claims.services``. Assessments are history: shown, never
edited, and appended only by the "Assess selected claims" action.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import CharField, IntegerField, ModelForm, Textarea
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from claims.forms import AssessmentForm, ClaimMergeForm
from claims.models import (
    Actor,
    ActorAlias,
    ActorRole,
    Appearance,
    Assessment,
    AttributionStep,
    Claim,
    ClaimRelation,
    Evidence,
    Place,
    PlaceAlias,
    Quantity,
    Topic,
)
from claims.services import (
    appearance_add,
    claim_create,
    claim_delete,
    claim_update,
    claims_assess_batch,
    claims_link,
    claims_merge_batch,
    claims_reindex_naming,
    claims_unlink,
    deletion_refusal,
    evidence_add,
    named_record_delete,
    quantities_record,
    relation_update,
    topic_delete,
)
from claimsbase.admin import (
    ServiceAdmin,
    ServiceInline,
    adopt,
    expected_version,
    is_changelist,
    place_errors,
)
from claimsbase.permissions import can

RECORD_FIELDS = ("version", "created_at", "updated_at")
RECORD_FIELDSET = ("Record", {"classes": ("collapse",), "fields": RECORD_FIELDS})
QUANTITY_CANONICAL = ("canonical_value", "canonical_value_max", "canonical_unit")
QUOTE_FIELDS = {"exact": "quote", "start": "quote_start"}
CLAIM_FORM_FIELDS = (
    "statement", "claimant", "asserted_on", "period_start", "period_end",
    "actors", "places", "topics", "notes",
)  # fmt: skip


# --- actors, places, topics ----------------------------------------------


class ActorAliasInline(ServiceInline, admin.TabularInline):
    model = ActorAlias
    fields = ("name", "language")
    extra = 1


class ActorRoleInline(ServiceInline, admin.TabularInline):
    model = ActorRole
    fk_name = "actor"
    fields = ("title", "organisation", "start", "end")
    autocomplete_fields = ("organisation",)
    extra = 0


class NamesAdminMixin:
    """Admin for a record whose name and aliases are in claims' search documents.

    After the record and its alias rows are saved, the claims that hold its
    names are reindexed, so search finds them by the new names at once.
    """

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if change and (form.has_changed() or any(f.has_changed() for f in formsets)):
            claims_reindex_naming(**self.naming(form.instance))

    def naming(self, record) -> dict:
        return {"actors": [record]} if isinstance(record, Actor) else {"places": [record]}


class AliasAdminMixin(NamesAdminMixin):
    """Admin for an alias row: its actor's or place's claims are reindexed after each change."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        claims_reindex_naming(**self.naming(obj))

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        claims_reindex_naming(**self.naming(obj))

    def naming(self, alias) -> dict:
        if isinstance(alias, ActorAlias):
            return {"actors": [alias.actor]}
        return {"places": [alias.place]}


class HeldRecordAdminMixin:
    """Admin for a record that claims may hold: deleting it asks the claims services first.

    A claim that has been judged, evidenced or related, and a topic, actor or
    place claims are filed under or about, are kept; the delete page says why.
    """

    def delete_refusal(self, obj):
        return deletion_refusal(obj)

    def delete_model(self, request, obj) -> None:
        if isinstance(obj, Claim):
            claim_delete(claim=obj)
        elif isinstance(obj, Topic):
            topic_delete(topic=obj)
        else:
            named_record_delete(record=obj)


@admin.register(Actor)
class ActorAdmin(HeldRecordAdminMixin, NamesAdminMixin, ServiceAdmin):
    list_display = ("name", "kind", "affiliation", "alias_names", "claim_count")
    list_filter = ("kind",)
    search_fields = ("name", "aliases__name")
    autocomplete_fields = ("affiliation",)
    readonly_fields = RECORD_FIELDS
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "kind",
                    "affiliation",
                    "description",
                    "reliability",
                    "wikidata_id",
                )
            },
        ),
        RECORD_FIELDSET,
    )
    inlines = [ActorAliasInline, ActorRoleInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.for_list() if is_changelist(request) else queryset.for_edit()

    @admin.display(description="aliases")
    def alias_names(self, actor: Actor) -> str:
        return ", ".join(alias.name for alias in actor.aliases.all())

    @admin.display(description="claims made", ordering="claim_count")
    def claim_count(self, actor: Actor) -> int:
        return actor.claim_count


@admin.register(ActorAlias)
class ActorAliasAdmin(AliasAdminMixin, ServiceAdmin):
    list_display = ("name", "actor", "language")
    list_filter = ("language",)
    list_select_related = ("actor",)
    search_fields = ("name", "actor__name")
    autocomplete_fields = ("actor",)
    fields = ("actor", "name", "language")


@admin.register(ActorRole)
class ActorRoleAdmin(ServiceAdmin):
    list_display = ("title", "actor", "organisation", "start", "end")
    list_filter = ("start",)
    list_select_related = ("actor", "organisation")
    search_fields = ("title", "actor__name", "organisation__name")
    autocomplete_fields = ("actor", "organisation")
    fields = ("actor", "title", "organisation", "start", "end")


class PlaceAliasInline(ServiceInline, admin.TabularInline):
    model = PlaceAlias
    fields = ("name", "language")
    extra = 1


@admin.register(Place)
class PlaceAdmin(HeldRecordAdminMixin, NamesAdminMixin, ServiceAdmin):
    list_display = ("name", "kind", "parent", "latitude", "longitude")
    list_filter = ("kind",)
    search_fields = ("name", "aliases__name")
    autocomplete_fields = ("parent",)
    readonly_fields = ("ancestor_path", *RECORD_FIELDS)
    fieldsets = (
        (None, {"fields": ("name", "kind", "parent", "wikidata_id")}),
        ("Coordinates", {"fields": ("latitude", "longitude")}),
        ("Record", {"classes": ("collapse",), "fields": readonly_fields}),
    )
    inlines = [PlaceAliasInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.for_list() if is_changelist(request) else queryset.for_edit()


@admin.register(PlaceAlias)
class PlaceAliasAdmin(AliasAdminMixin, ServiceAdmin):
    list_display = ("name", "place", "language")
    list_filter = ("language",)
    list_select_related = ("place",)
    search_fields = ("name", "place__name")
    autocomplete_fields = ("place",)
    fields = ("place", "name", "language")


@admin.register(Topic)
class TopicAdmin(HeldRecordAdminMixin, ServiceAdmin):
    list_display = ("name", "claim_count")
    search_fields = ("name", "description")
    readonly_fields = RECORD_FIELDS
    fieldsets = ((None, {"fields": ("name", "description")}), RECORD_FIELDSET)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.for_list() if is_changelist(request) else queryset

    @admin.display(description="claims", ordering="claim_count")
    def claim_count(self, topic: Topic) -> int:
        return topic.claim_count


# --- the claim page's inlines --------------------------------------------


class AppearanceInlineForm(ModelForm):
    """An appearance names an excerpt already recorded, or the words to anchor a new one."""

    quote = CharField(
        required=False,
        widget=Textarea(attrs={"rows": 2, "cols": 50}),
        help_text="Or paste the words from the source's text to anchor a new excerpt.",
    )
    quote_start = IntegerField(
        required=False,
        min_value=0,
        label="Quote starts at",
        help_text="Needed only when the words occur more than once.",
    )

    class Meta:
        model = Appearance
        fields = ("source", "excerpt", "note")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("excerpt") and cleaned.get("quote"):
            raise ValidationError("Choose a recorded excerpt or paste a quote, not both.")
        return cleaned


class AppearanceInline(ServiceInline, admin.StackedInline):
    model = Appearance
    form = AppearanceInlineForm
    fields = (("source", "excerpt"), ("quote", "quote_start"), "note", "chain_summary")
    readonly_fields = ("chain_summary",)
    autocomplete_fields = ("source", "excerpt")
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).for_list()

    @admin.display(description="attribution chain")
    def chain_summary(self, appearance: Appearance) -> str:
        steps = [str(step) for step in appearance.chain.all()] if appearance.pk else []
        return " → ".join(steps) or "– (edit the appearance to record its chain)"

    def save_row(self, request, form, parent, *, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            try:
                appearance = appearance_add(
                    claim=parent,
                    source=data["source"],
                    excerpt=data.get("excerpt"),
                    exact=data.get("quote") or "",
                    start=data.get("quote_start"),
                    note=data.get("note", ""),
                )
            except ValidationError as error:
                # The excerpt's "exact" and "start" are this form's quote fields.
                if not hasattr(error, "error_dict"):
                    raise
                raise ValidationError(
                    {QUOTE_FIELDS.get(name, name): m for name, m in error.error_dict.items()}
                ) from None
            adopt(form.instance, appearance)
            return
        super().save_row(request, form, parent, change=True)


class QuantityInline(ServiceInline, admin.TabularInline):
    model = Quantity
    # The canonical value, its upper bound and unit in one column, so that a row fits the page.
    fields = ("qualifier", "value", "value_max", "unit", "per", "counted", "text", "canonical")
    readonly_fields = ("canonical",)
    extra = 0

    @admin.display(description="canonical")
    def canonical(self, quantity: Quantity) -> str:
        if not quantity.canonical_unit:
            return "–"
        value = f"{quantity.canonical_value.normalize():f}"
        if quantity.canonical_value_max is not None:
            value = f"{value}–{quantity.canonical_value_max.normalize():f}"
        return f"{value} {quantity.canonical_unit}"

    def save_row(self, request, form, parent, *, change: bool) -> None:
        if change:
            return super().save_row(request, form, parent, change=True)
        (quantity,) = quantities_record(claim=parent, quantities=[self.row_data(form)])
        adopt(form.instance, quantity)
        return None


def relation_save(
    request, relation: ClaimRelation, form, *, change: bool, version: int | None = None
) -> None:
    """Save an admin-edited relation: ``relation_update`` for a change, ``claims_link`` for new."""
    fields = {name: getattr(relation, name) for name in ("from_claim", "to_claim", "kind", "note")}
    if change:
        saved = relation_update(
            relation=relation, by=request.user, expected_version=version, **fields
        )
    else:
        saved = claims_link(**fields, by=request.user)
    adopt(relation, saved)


class RelationOutInline(ServiceInline, admin.TabularInline):
    model = ClaimRelation
    fk_name = "from_claim"
    verbose_name = "relation to another claim"
    verbose_name_plural = "relations to other claims (this claim … the other)"
    fields = ("kind", "to_claim", "note", "created_by")
    readonly_fields = ("created_by",)
    autocomplete_fields = ("to_claim",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).for_list()

    def save_row(self, request, form, parent, *, change: bool) -> None:
        relation_save(request, form.instance, form, change=change, version=expected_version(form))

    def delete_row(self, request, obj, parent) -> None:
        claims_unlink(relation=obj)


class RelationInInline(admin.TabularInline):
    """Relations other claims recorded towards this one, read with the inverse wording."""

    model = ClaimRelation
    fk_name = "to_claim"
    verbose_name = "relation from another claim"
    verbose_name_plural = "relations from other claims (this claim is … the other)"
    fields = ("wording", "from_claim", "note", "created_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).for_list()

    @admin.display(description="this claim is")
    def wording(self, relation: ClaimRelation) -> str:
        return ClaimRelation.Kind(relation.kind).inverse_label

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EvidenceInline(ServiceInline, admin.StackedInline):
    """Stacked, two fields a line: seven columns of evidence did not fit a 1,280 px window."""

    model = Evidence
    fields = (("stance", "url"), ("source", "excerpt"), "note", ("assessment", "added_by"))
    readonly_fields = ("assessment", "added_by")
    autocomplete_fields = ("source", "excerpt")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).for_list()

    def save_row(self, request, form, parent, *, change: bool) -> None:
        if change:
            return super().save_row(request, form, parent, change=True)
        evidence = evidence_add(claim=parent, by=request.user, **self.row_data(form))
        adopt(form.instance, evidence)
        return None


class AssessmentInline(admin.TabularInline):
    """The claim's verification history, newest first; appended only by assessing."""

    model = Assessment
    verbose_name_plural = "assessment history"
    fields = ("assessed_at", "status", "grade", "rationale", "assessed_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).for_history()

    @admin.display(description="grade")
    def grade(self, assessment: Assessment) -> str:
        return assessment.grade

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- claims ----------------------------------------------------------------


@admin.register(Claim)
class ClaimAdmin(HeldRecordAdminMixin, ServiceAdmin):
    list_display = (
        "short_statement",
        "claimant",
        "status",
        "asserted_on",
        "source_count",
        "counter_claim_count",
    )
    list_filter = (
        "status",
        ("topics", admin.RelatedOnlyFieldListFilter),
        ("claimant", admin.RelatedOnlyFieldListFilter),
        "asserted_on",
    )
    search_fields = ("statement", "claimant__name", "claimant__aliases__name")
    date_hierarchy = "asserted_on"
    autocomplete_fields = ("claimant", "actors", "places", "topics")
    readonly_fields = ("status", "merged_into", *RECORD_FIELDS)
    fieldsets = (
        (None, {"fields": ("statement", "claimant", "status")}),
        ("When", {"fields": ("asserted_on", "period_start", "period_end")}),
        ("About", {"fields": ("actors", "places", "topics")}),
        ("Notes", {"fields": ("notes", "merged_into")}),
        RECORD_FIELDSET,
    )
    inlines = [
        AppearanceInline,
        QuantityInline,
        RelationOutInline,
        RelationInInline,
        EvidenceInline,
        AssessmentInline,
    ]
    actions = ["assess", "merge"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # Merged claims are records of the merge, not listed.
        return queryset.for_list() if is_changelist(request) else queryset.for_edit()

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.merged_into_id:
            return False  # A merged claim is kept as it was; edit the claim it became.
        return super().has_change_permission(request, obj)

    @admin.display(description="statement", ordering="statement")
    def short_statement(self, claim: Claim) -> str:
        return str(claim)

    @admin.display(description="sources", ordering="source_count")
    def source_count(self, claim: Claim) -> int:
        return claim.source_count

    @admin.display(description="counter-claims", ordering="counter_claim_count")
    def counter_claim_count(self, claim: Claim) -> int:
        return claim.counter_claim_count

    def save_object(self, request, obj, form, *, change: bool) -> None:
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in CLAIM_FORM_FIELDS}
            version = expected_version(form)
            claim_update(claim=obj, expected_version=version, **changes)
        else:
            adopt(obj, claim_create(**data))

    def save_m2m(self, request, form, *, change: bool) -> None:
        """What the claim is about was saved by claim_create/claim_update."""

    # --- actions -------------------------------------------------------------

    def has_assess_permission(self, request) -> bool:
        return can(request.user, "claims.add_assessment")

    def has_merge_permission(self, request) -> bool:
        return can(request.user, "claims.merge_claim")

    @admin.action(description="Assess selected claims", permissions=["assess"])
    def assess(self, request, queryset: QuerySet[Claim]):
        claims = list(queryset)
        form = AssessmentForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                claims_assess_batch(claims=claims, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                place_errors(form, error)
            else:
                status = dict(form.fields["status"].choices)[form.cleaned_data["status"]]
                self.message_user(
                    request,
                    f"Assessed {len(claims)} claim(s) as {status.lower()}.",
                    messages.SUCCESS,
                )
                return None
        return self._action_page(
            request, "assess", claims, form, title="Assess claims", submit="Assess"
        )

    @admin.action(description="Merge selected claims into …", permissions=["merge"])
    def merge(self, request, queryset: QuerySet[Claim]):
        claims = list(queryset)
        chosen = Claim.objects.filter(pk__in=[claim.pk for claim in claims])
        form = ClaimMergeForm(request.POST if "apply" in request.POST else None, claims=chosen)
        if len(claims) < 2:
            self.message_user(request, "Choose at least two claims to merge.", messages.WARNING)
            return None
        if form.is_valid():
            into, note = form.cleaned_data["into"], form.cleaned_data["note"]
            try:
                claims_merge_batch(duplicates=claims, into=into, note=note)
            except ValidationError as error:
                place_errors(form, error)
            else:
                self.message_user(
                    request, f"Merged {len(claims) - 1} claim(s) into “{into}”.", messages.SUCCESS
                )
                return None
        return self._action_page(
            request, "merge", claims, form, title="Merge claims", submit="Merge"
        )

    def _action_page(self, request, action: str, claims, form, *, title: str, submit: str):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "action": action,
            "claims": claims,
            "form": form,
            "submit": submit,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/claims/claim/action_form.html", context)


# --- the parts of a claim, each on its own page too -----------------------


class AttributionStepInline(ServiceInline, admin.TabularInline):
    model = AttributionStep
    fields = ("position", "actor", "label", "outlet", "source", "fidelity")
    autocomplete_fields = ("actor", "outlet", "source")
    extra = 1


@admin.register(Appearance)
class AppearanceAdmin(ServiceAdmin):
    list_display = ("claim", "source", "excerpt")
    list_filter = (("source__outlet", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("claim__statement", "source__title", "excerpt__exact")
    autocomplete_fields = ("claim", "source", "excerpt")
    readonly_fields = RECORD_FIELDS
    fieldsets = ((None, {"fields": ("claim", "source", "excerpt", "note")}), RECORD_FIELDSET)
    inlines = [AttributionStepInline]

    def get_queryset(self, request):
        return super().get_queryset(request).for_list()

    def save_object(self, request, obj, form, *, change: bool) -> None:
        if change:
            return super().save_object(request, obj, form, change=True)
        data = form.cleaned_data
        appearance = appearance_add(
            claim=data["claim"],
            source=data["source"],
            excerpt=data.get("excerpt"),
            note=data.get("note", ""),
        )
        adopt(obj, appearance)
        return None


@admin.register(AttributionStep)
class AttributionStepAdmin(ServiceAdmin):
    list_display = ("__str__", "appearance", "position", "actor", "outlet", "fidelity")
    list_filter = ("fidelity",)
    list_select_related = ("appearance__source", "actor", "outlet", "source")
    search_fields = ("label", "actor__name", "outlet__name", "appearance__claim__statement")
    autocomplete_fields = ("appearance", "actor", "outlet", "source")
    fields = ("appearance", "position", "actor", "label", "outlet", "source", "fidelity")


@admin.register(Quantity)
class QuantityAdmin(ServiceAdmin):
    list_display = ("__str__", "claim", "value", "unit", "canonical_value", "canonical_unit")
    list_filter = ("qualifier", "canonical_unit")
    list_select_related = ("claim",)
    search_fields = ("counted", "text", "claim__statement")
    autocomplete_fields = ("claim",)
    readonly_fields = (*QUANTITY_CANONICAL, *RECORD_FIELDS)
    fieldsets = (
        (None, {"fields": ("claim", "qualifier", "value", "value_max", "unit", "per")}),
        ("What", {"fields": ("counted", "text")}),
        ("Canonical", {"fields": QUANTITY_CANONICAL}),
        RECORD_FIELDSET,
    )

    def save_object(self, request, obj, form, *, change: bool) -> None:
        if change:
            return super().save_object(request, obj, form, change=True)
        fields = dict(form.cleaned_data)
        claim = fields.pop("claim")
        (quantity,) = quantities_record(claim=claim, quantities=[fields])
        adopt(obj, quantity)
        return None


@admin.register(ClaimRelation)
class ClaimRelationAdmin(ServiceAdmin):
    list_display = ("from_claim", "kind", "to_claim", "created_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("from_claim__statement", "to_claim__statement", "note")
    autocomplete_fields = ("from_claim", "to_claim")
    readonly_fields = ("created_by", *RECORD_FIELDS)
    fieldsets = (
        (None, {"fields": ("from_claim", "kind", "to_claim", "note", "created_by")}),
        RECORD_FIELDSET,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).for_list()

    def save_object(self, request, obj, form, *, change: bool) -> None:
        relation_save(request, obj, form, change=change, version=expected_version(form))

    def delete_model(self, request, obj) -> None:
        claims_unlink(relation=obj)

    def delete_queryset(self, request, queryset) -> None:
        for relation in queryset:
            claims_unlink(relation=relation)


@admin.register(Evidence)
class EvidenceAdmin(ServiceAdmin):
    list_display = ("__str__", "claim", "stance", "added_by", "created_at")
    list_filter = ("stance",)
    list_select_related = ("claim", "source", "excerpt", "added_by")
    search_fields = ("note", "url", "claim__statement", "source__title")
    autocomplete_fields = ("claim", "source", "excerpt", "assessment")
    readonly_fields = ("added_by", *RECORD_FIELDS)
    fieldsets = (
        (None, {"fields": ("claim", "stance", "source", "excerpt", "url", "note")}),
        ("Assessment", {"fields": ("assessment", "added_by")}),
        RECORD_FIELDSET,
    )

    def save_object(self, request, obj, form, *, change: bool) -> None:
        if change:
            return super().save_object(request, obj, form, change=True)
        evidence = evidence_add(by=request.user, **form.cleaned_data)
        adopt(obj, evidence)
        return None


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    """Assessments are the history itself: readable by role, changed or deleted by no one.

    Their own history page shows who recorded each one and any merge that moved it.
    """

    object_history_list_template = "admin/claimsbase/object_history_list.html"
    list_display = ("claim", "status", "grade", "assessed_by", "assessed_at")
    list_filter = ("status", "credibility", "reliability", "assessed_at")
    search_fields = ("claim__statement", "rationale")
    date_hierarchy = "assessed_at"
    fields = (
        "claim",
        "status",
        "credibility",
        "reliability",
        "rationale",
        "assessed_by",
        "assessed_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).for_list()

    @admin.display(description="grade")
    def grade(self, assessment: Assessment) -> str:
        return assessment.grade

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
