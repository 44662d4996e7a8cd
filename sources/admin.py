"""Admin for outlets, sources and excerpts: where an editor enters an article.

A new source is saved by ``source_ingest`` and a changed one by
``source_update``, which re-anchors the excerpts when the body is corrected;
excerpts are anchored by ``excerpt_create`` and are not edited by hand.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from claimsbase.admin import (
    ServiceAdmin,
    ServiceInline,
    adopt,
    expected_version,
    is_changelist,
)
from sources.models import Excerpt, Outlet, Source
from sources.services import excerpt_create, source_ingest, source_update

EXCERPT_DERIVED = ("end", "prefix", "suffix", "anchor")


@admin.register(Outlet)
class OutletAdmin(ServiceAdmin):
    list_display = ("name", "kind", "country", "state_affiliated", "reliability", "source_count")
    list_filter = ("kind", "reliability", "state_affiliated", "country")
    search_fields = ("name", "domain")
    fieldsets = (
        (None, {"fields": ("name", "domain", "kind", "country")}),
        ("Grading", {"fields": ("reliability", "state_affiliated", "notes")}),
        ("Record", {"classes": ("collapse",), "fields": ("version", "created_at", "updated_at")}),
    )
    readonly_fields = ("version", "created_at", "updated_at")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.for_list() if is_changelist(request) else queryset

    @admin.display(description="sources", ordering="source_count")
    def source_count(self, outlet: Outlet) -> int:
        return outlet.source_count


class SourceForm(forms.ModelForm):
    """Validates the unique constraints on the derived URL and hash as well.

    ``normalized_url`` and ``content_hash`` are set in ``Source.clean()`` and
    are not form fields, so a ModelForm would skip the constraints on them
    and a duplicate would reach the database as an IntegrityError.
    """

    derived_fields = ("normalized_url", "content_hash")
    url = forms.URLField(label="URL", required=False, max_length=2000, assume_scheme="https")

    class Meta:
        model = Source
        fields = (
            "outlet", "kind", "title", "url", "author", "language",
            "published_at", "retrieved_at", "body", "cites", "notes",
        )  # fmt: skip

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() - set(self.derived_fields)


class ExcerptInlineForm(forms.ModelForm):
    """A new excerpt is its quoted words; a recorded one only moves by re-anchoring."""

    class Meta:
        model = Excerpt
        fields = ("exact", "start")
        widgets = {"exact": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].required = False
        self.fields["start"].help_text = "Needed only when the words occur more than once."
        if self.instance.pk:
            for field in self.fields.values():
                field.disabled = True

    def _post_clean(self) -> None:
        # A recorded excerpt is not checked against a body being corrected in
        # the same save: source_update re-anchors it (or marks it lost).
        if not self.instance.pk:
            super()._post_clean()


class ExcerptInline(ServiceInline, admin.TabularInline):
    model = Excerpt
    form = ExcerptInlineForm
    fields = ("exact", "start", *EXCERPT_DERIVED)
    readonly_fields = EXCERPT_DERIVED
    extra = 1

    def save_row(self, request, form, parent, *, change: bool) -> None:
        if change:
            return  # Recorded excerpts are read-only; nothing to save.
        data = form.cleaned_data
        excerpt = excerpt_create(source=parent, exact=data["exact"], start=data.get("start"))
        adopt(form.instance, excerpt)


@admin.register(Source)
class SourceAdmin(ServiceAdmin):
    form = SourceForm
    list_display = ("title", "outlet", "kind", "published_at", "language", "excerpt_count")
    list_filter = ("kind", "language", ("outlet", admin.RelatedOnlyFieldListFilter), "published_at")
    list_select_related = ("outlet",)
    search_fields = ("title", "url", "author", "outlet__name")
    date_hierarchy = "published_at"
    autocomplete_fields = ("outlet", "cites")
    readonly_fields = ("normalized_url", "content_hash", "version", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("outlet", "kind", "title", "url", "author", "language")}),
        ("Dates", {"fields": ("published_at", "retrieved_at")}),
        ("Text", {"fields": ("body",)}),
        ("Citations and notes", {"fields": ("cites", "notes")}),
        ("Derived", {"classes": ("collapse",), "fields": readonly_fields}),
    )
    inlines = [ExcerptInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.for_list() if is_changelist(request) else queryset.for_edit()

    @admin.display(description="excerpts", ordering="excerpt_count")
    def excerpt_count(self, source: Source) -> int:
        return source.excerpt_count

    def save_object(self, request, obj, form, *, change: bool) -> None:
        fields = {
            name: value
            for name, value in form.cleaned_data.items()
            if name not in ("cites", "expected_version")
        }
        if change:
            version = expected_version(form)
            source_update(source=obj, expected_version=version, **fields)
        else:
            cites = list(form.cleaned_data.get("cites") or [])
            adopt(obj, source_ingest(cites=cites, **fields))

    def save_m2m(self, request, form, *, change: bool) -> None:
        if change:  # A new source's citations were recorded by source_ingest.
            form.save_m2m()


@admin.register(Excerpt)
class ExcerptAdmin(ServiceAdmin):
    list_display = ("__str__", "source", "start", "end", "anchor")
    list_filter = ("anchor",)
    list_select_related = ("source",)
    search_fields = ("exact", "source__title")
    autocomplete_fields = ("source",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.for_list() if is_changelist(request) else queryset.for_edit()

    def get_fields(self, request, obj=None):
        return ("source", "exact", "start", *EXCERPT_DERIVED)

    def get_readonly_fields(self, request, obj=None):
        # Once anchored, an excerpt moves only when its source's body is corrected.
        return self.get_fields(request, obj) if obj else EXCERPT_DERIVED

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "start" in form.base_fields:
            form.base_fields["start"].required = False
            form.base_fields[
                "start"
            ].help_text = "Needed only when the words occur more than once in the body."
        return form

    def save_object(self, request, obj, form, *, change: bool) -> None:
        if change:
            return
        data = form.cleaned_data
        excerpt = excerpt_create(
            source=data["source"], exact=data["exact"], start=data.get("start")
        )
        adopt(obj, excerpt)
