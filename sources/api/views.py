"""Endpoints for outlets and sources; writes go through ``sources.services``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from claimsbase.viewsets import RecordViewSet
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

    @extend_schema(request=ExcerptWriteSerializer, responses={201: ExcerptSerializer})
    @action(detail=True, methods=["post"])
    def excerpts(self, request, pk=None):
        """Anchor a quote in this source's text; it must occur once, or give its offset."""
        source = self.get_object()
        serializer = ExcerptWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        excerpt = services.excerpt_create(source=source, **serializer.validated_data)
        return Response(ExcerptSerializer(excerpt).data, status=status.HTTP_201_CREATED)
