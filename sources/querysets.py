"""Read paths for outlets, sources and excerpts.

Views, viewsets and the admin call these instead of chaining their own joins,
so that no page or endpoint issues a query per row.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Count

from claimsbase import search


class OutletQuerySet(models.QuerySet):
    def with_counts(self) -> OutletQuerySet:
        return self.annotate(source_count=Count("sources", distinct=True))

    def for_list(self) -> OutletQuerySet:
        return self.with_counts()

    def for_detail(self) -> OutletQuerySet:
        return self.with_counts()


class SourceQuerySet(models.QuerySet):
    def search(self, q: str) -> SourceQuerySet:
        """Sources whose title, text or URL match ``q`` or whose outlet it names; best first
        on PostgreSQL."""
        from sources.models import Outlet

        return search.source_search(self, q, outlets=Outlet.objects.all())

    def for_list(self) -> SourceQuerySet:
        # The body can be long: lists never need it.
        return (
            self.select_related("outlet")
            .defer("body")
            .annotate(excerpt_count=Count("excerpts", distinct=True))
            # An aggregate drops Meta.ordering; pages and cursors need a stable order.
            .order_by("-published_at", "-id")
        )

    def for_detail(self) -> SourceQuerySet:
        return self.select_related("outlet").prefetch_related(
            models.Prefetch("cites", queryset=self.model.objects.select_related("outlet")),
            models.Prefetch("cited_by", queryset=self.model.objects.select_related("outlet")),
            "excerpts",
        )


class ExcerptQuerySet(models.QuerySet):
    def for_list(self) -> ExcerptQuerySet:
        return self.select_related("source__outlet")
