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
        """Annotate ``source_count``: the sources each outlet published."""
        return self.annotate(source_count=Count("sources", distinct=True))

    def for_list(self) -> OutletQuerySet:
        """Outlet rows (list page, API list, admin changelist), each with its source count."""
        return self.with_counts()

    def for_detail(self) -> OutletQuerySet:
        """The outlet page and endpoint: the outlet with its source count."""
        return self.with_counts()


class SourceQuerySet(models.QuerySet):
    def search(self, q: str) -> SourceQuerySet:
        """Sources whose title, text or URL match ``q`` or whose outlet it names; best first
        on PostgreSQL."""
        from sources.models import Outlet

        return search.source_search(self, q, outlets=Outlet.objects.all())

    def published_by(self, moment) -> SourceQuerySet:
        """Sources that stood at ``moment``: published by then, or, undated, recorded by then."""
        return self.filter(
            models.Q(published_at__lte=moment)
            | models.Q(published_at__isnull=True, created_at__lte=moment)
        )

    def for_list(self) -> SourceQuerySet:
        """Source rows (list pages, API list, admin changelist): outlet and excerpt count,
        never the body, which can be long and no list shows."""
        return (
            self.select_related("outlet")
            .defer("body")
            .annotate(excerpt_count=Count("excerpts", distinct=True))
            # An aggregate drops Meta.ordering; pages and cursors need a stable order.
            .order_by("-published_at", "-id")
        )

    def for_detail(self) -> SourceQuerySet:
        """The source page and endpoint: body, excerpts, and what it cites and is cited by."""
        return self.select_related("outlet").prefetch_related(
            models.Prefetch("cites", queryset=self.model.objects.select_related("outlet")),
            models.Prefetch("cited_by", queryset=self.model.objects.select_related("outlet")),
            "excerpts",
        )

    def for_edit(self) -> SourceQuerySet:
        """One source in an editor's form (admin change page): its outlet joined."""
        return self.select_related("outlet")


class ExcerptQuerySet(models.QuerySet):
    def for_list(self) -> ExcerptQuerySet:
        """Excerpt rows (API list, admin changelist and pickers): source and outlet joined."""
        return self.select_related("source__outlet")

    def for_edit(self) -> ExcerptQuerySet:
        """One excerpt in an editor's form (admin change page): its source joined."""
        return self.select_related("source")
