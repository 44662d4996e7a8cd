"""Endpoints for outlets and sources; writes go through ``sources.services``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from claimsbase.viewsets import ROLE, RecordViewSet, describe, example, record_docs
from sources import services
from sources.api.serializers import (
    ExcerptSerializer,
    ExcerptWriteSerializer,
    OutletSerializer,
    OutletWriteSerializer,
    SourceDetailSerializer,
    SourceSerializer,
    SourceUpdateSerializer,
    SourceWriteSerializer,
)
from sources.filters import OutletFilterSet, SourceFilterSet
from sources.models import Outlet, Source


@record_docs(
    singular="outlet",
    plural="outlets",
    path="/api/v1/outlets/",
    about="Publishers and channels (news sites, agencies, governments, militaries, NGOs, "
    "social media) with their Admiralty reliability grade (A–F) and number of sources. "
    "`q` finds words of the name or the domain.",
    list_example="/api/v1/outlets/?kind=news_agency&state_affiliated=true",
    create_body='{"name": "TASS", "kind": "news_agency", "country": "RU", '
    '"state_affiliated": true, "reliability": "D"}',
    edit_body='{"reliability": "C"}',
    delete_note="Refused with 409 while sources of the outlet are recorded.",
)
@extend_schema_view(
    create=extend_schema(request=OutletWriteSerializer, responses={201: OutletSerializer}),
    update=extend_schema(request=OutletWriteSerializer, responses=OutletSerializer),
    partial_update=extend_schema(request=OutletWriteSerializer, responses=OutletSerializer),
)
class OutletViewSet(RecordViewSet):
    queryset = Outlet.objects.all()
    serializer_class = OutletSerializer
    write_serializer_class = OutletWriteSerializer
    filterset_class = OutletFilterSet
    ordering_fields = ["id", "name", "reliability", "source_count"]


@record_docs(
    singular="source",
    plural="sources",
    path="/api/v1/sources/",
    about="Documents (articles, statements, transcripts, posts) with their outlet, URL and "
    "dates; lists leave out the full text, which a single source includes. `q` finds "
    "words of the title and text.",
    list_example="/api/v1/sources/?outlet=2&q=Kursk",
    create_body='{"outlet": 2, "title": "Gerasimov reports gains in Kursk region", '
    '"url": "https://www.novinite.com/articles/231234", '
    '"published_at": "2025-03-13T07:00:00Z", "body": "The general reported…"}',
    edit_body='{"title": "Gerasimov reports gains in the Kursk region"}',
    delete_note="Refused with 409 while claims or evidence refer to it.",
)
@extend_schema_view(
    create=extend_schema(request=SourceWriteSerializer, responses={201: SourceDetailSerializer}),
    update=extend_schema(request=SourceUpdateSerializer, responses=SourceDetailSerializer),
    partial_update=extend_schema(request=SourceUpdateSerializer, responses=SourceDetailSerializer),
)
class SourceViewSet(RecordViewSet):
    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    detail_serializer_class = SourceDetailSerializer
    write_serializer_class = SourceWriteSerializer
    filterset_class = SourceFilterSet
    ordering_fields = ["id", "published_at", "title"]
    required_permissions = {"excerpts": "sources.add_excerpt"}

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return SourceUpdateSerializer
        if self.action == "excerpts":
            return ExcerptWriteSerializer
        return super().get_serializer_class()

    def create_record(self, data: dict):
        return services.source_ingest(**data)

    def update_record(self, instance, data: dict, *, expected_version):
        return services.source_update(source=instance, expected_version=expected_version, **data)

    @extend_schema(
        summary="Record an excerpt of a source",
        description=describe(
            "Anchors a quote in the source's text: the server finds `exact` in the body "
            "and keeps its offsets with the words around it, so the quote is found again "
            "after the text is corrected. If the words occur more than once, give `start`, "
            "their offset.",
            ROLE["editor"],
            example(
                "POST",
                "/api/v1/sources/1/excerpts/",
                '{"exact": "regained control of 24 settlements"}',
            ),
        ),
        request=ExcerptWriteSerializer,
        responses={201: ExcerptSerializer},
    )
    @action(detail=True, methods=["post"])
    def excerpts(self, request, pk=None):
        """Anchor a quote in this source's text; it must occur once, or give its offset."""
        source = self.get_object()
        serializer = ExcerptWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        excerpt = services.excerpt_create(source=source, **serializer.validated_data)
        return Response(ExcerptSerializer(excerpt).data, status=status.HTTP_201_CREATED)
