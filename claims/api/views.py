"""Endpoints for claims and what they are about; every write goes through a service.

Assessing, relating and merging are their own endpoints under a claim, so the
API cannot bypass a rule that the admin and the pages keep.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from claims import bulk, services
from claims.api import exports
from claims.api.serializers import (
    ActorDetailSerializer,
    ActorSerializer,
    ActorWriteSerializer,
    AppearanceSerializer,
    AppearanceWriteSerializer,
    AssessmentCreateSerializer,
    AssessmentSerializer,
    AssessmentWriteSerializer,
    ClaimImportResultSerializer,
    ClaimImportSerializer,
    ClaimListSerializer,
    ClaimSerializer,
    ClaimUpdateSerializer,
    ClaimWriteSerializer,
    EvidenceCreateSerializer,
    EvidenceSerializer,
    EvidenceWriteSerializer,
    ImportErrorSerializer,
    MergeSerializer,
    PlaceDetailSerializer,
    PlaceSerializer,
    PlaceWriteSerializer,
    RelationCreateSerializer,
    RelationSerializer,
    RelationUpdateSerializer,
    RelationWriteSerializer,
    TopicSerializer,
    TopicWriteSerializer,
)
from claims.filters import (
    ActorFilterSet,
    AssessmentFilterSet,
    ClaimFilterSet,
    EvidenceFilterSet,
    PlaceFilterSet,
    RelationFilterSet,
    TopicFilterSet,
)
from claims.models import (
    Actor,
    Appearance,
    Assessment,
    Claim,
    ClaimRelation,
    Evidence,
    Place,
    Topic,
)
from claimsbase.api import etag_for, expected_version
from claimsbase.viewsets import IF_MATCH, RecordViewSet

# The largest filtered list an export answers in one response.
EXPORT_LIMIT = 1000


def _write_schema(write, read, create_code=201):
    return extend_schema_view(
        create=extend_schema(request=write, responses={create_code: read}),
        update=extend_schema(request=write, responses=read),
        partial_update=extend_schema(request=write, responses=read),
    )


@_write_schema(ActorWriteSerializer, ActorDetailSerializer)
class ActorViewSet(RecordViewSet):
    queryset = Actor.objects.all()
    serializer_class = ActorSerializer
    detail_serializer_class = ActorDetailSerializer
    write_serializer_class = ActorWriteSerializer
    filterset_class = ActorFilterSet
    ordering_fields = ["id", "name", "claim_count"]

    def create_record(self, data: dict):
        return services.named_record_save(record=self.queryset.model(), **data)

    def update_record(self, instance, data: dict, *, expected_version):
        return services.named_record_save(
            record=instance, expected_version=expected_version, **data
        )


@_write_schema(PlaceWriteSerializer, PlaceDetailSerializer)
class PlaceViewSet(RecordViewSet):
    queryset = Place.objects.all()
    serializer_class = PlaceSerializer
    detail_serializer_class = PlaceDetailSerializer
    write_serializer_class = PlaceWriteSerializer
    filterset_class = PlaceFilterSet
    ordering_fields = ["id", "name"]

    def create_record(self, data: dict):
        return services.named_record_save(record=self.queryset.model(), **data)

    def update_record(self, instance, data: dict, *, expected_version):
        return services.named_record_save(
            record=instance, expected_version=expected_version, **data
        )


@_write_schema(TopicWriteSerializer, TopicSerializer)
class TopicViewSet(RecordViewSet):
    queryset = Topic.objects.all()
    serializer_class = TopicSerializer
    write_serializer_class = TopicWriteSerializer
    filterset_class = TopicFilterSet
    ordering_fields = ["id", "name", "claim_count"]


@extend_schema_view(
    create=extend_schema(request=ClaimWriteSerializer, responses={201: ClaimSerializer}),
    update=extend_schema(request=ClaimUpdateSerializer, responses=ClaimSerializer),
    partial_update=extend_schema(request=ClaimUpdateSerializer, responses=ClaimSerializer),
)
class ClaimViewSet(RecordViewSet):
    """Claims with their quantities, appearances, relations and latest assessment."""

    queryset = Claim.objects.all()
    serializer_class = ClaimListSerializer
    detail_serializer_class = ClaimSerializer
    write_serializer_class = ClaimWriteSerializer
    filterset_class = ClaimFilterSet
    ordering_fields = [
        "id",
        "asserted_on",
        "first_reported_at",
        "source_count",
        "counter_claim_count",
        "updated_at",
    ]
    required_permissions = {
        "assessments": "claims.add_assessment",
        "relations": "claims.add_claimrelation",
        "merge": "claims.merge_claim",
        "import_claims": "claims.add_claim",
        "appearances": "claims.add_appearance",
        "appearance_remove": "claims.delete_appearance",
    }

    def get_queryset(self):
        if self.action in ("list", "csv"):
            return Claim.objects.for_list()  # Merged duplicates live on in their target.
        if self.action == "claimreview_list":
            return Claim.objects.active().for_detail()
        if self.action in ("appearances", "appearance_remove"):
            return Claim.objects.all()  # the claim's own row; its appearances are read apart
        return Claim.objects.for_detail()

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return ClaimUpdateSerializer
        return super().get_serializer_class()

    def create_record(self, data: dict):
        return services.claim_create(**data)

    def update_record(self, instance, data: dict, *, expected_version):
        return services.claim_update(claim=instance, expected_version=expected_version, **data)

    @extend_schema(
        methods=["GET"], request=None, responses=AssessmentSerializer(many=True), filters=False
    )
    @extend_schema(
        methods=["POST"], request=AssessmentWriteSerializer, responses={201: AssessmentSerializer}
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def assessments(self, request, pk=None):
        """The claim's assessments, newest first; POST appends one and sets the claim's status."""
        claim = self.get_object()
        if request.method == "GET":
            return Response(AssessmentSerializer(claim.assessments.all(), many=True).data)
        serializer = AssessmentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = services.claim_assess(
            claim=claim, by=request.user, **serializer.validated_data
        )
        assessment = Assessment.objects.for_list().get(pk=assessment.pk)
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], request=None, responses=AppearanceSerializer(many=True), filters=False
    )
    @extend_schema(
        methods=["POST"], request=AppearanceWriteSerializer, responses={201: AppearanceSerializer}
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def appearances(self, request, pk=None):
        """Where the claim was reported; POST adds a source's report of it (editors).

        Give ``source`` and either ``excerpt`` (an excerpt already anchored in
        that source) or ``exact`` (the words as they stand in its text, with
        ``start`` when they occur more than once), and the ``chain`` of who
        said it to whom, original speaker first. The claim's search document
        is updated with the excerpt.
        """
        claim = self.get_object()
        if request.method == "GET":
            rows = Appearance.objects.for_claim().filter(claim=claim)
            return Response(AppearanceSerializer(rows, many=True).data)
        serializer = AppearanceWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        appearance = services.appearance_add(claim=claim, **serializer.validated_data)
        appearance = Appearance.objects.for_claim().get(pk=appearance.pk)
        response = Response(AppearanceSerializer(appearance).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag_for(appearance.version)
        return response

    @extend_schema(
        request=None,
        responses={204: None},
        parameters=[IF_MATCH],
        filters=False,
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"appearances/(?P<appearance_id>[0-9]+)",
        url_name="appearance-remove",
        filter_backends=[],
    )
    def appearance_remove(self, request, pk=None, appearance_id=None):
        """Remove one appearance of this claim (editors), with its attribution chain.

        Its history remains. With ``If-Match`` (the appearance's ``version``),
        an appearance changed since you read it is not removed (412).
        """
        claim = self.get_object()
        appearance = get_object_or_404(Appearance.objects.filter(claim=claim), pk=appearance_id)
        services.appearance_remove(
            appearance=appearance, expected_version=expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=RelationWriteSerializer, responses={201: RelationSerializer})
    @action(detail=True, methods=["post"], filter_backends=[])
    def relations(self, request, pk=None):
        """Relate this claim to another (409 when the relation is already recorded)."""
        claim = self.get_object()
        serializer = RelationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        relation = services.claims_link(
            from_claim=claim, by=request.user, **serializer.validated_data
        )
        relation = ClaimRelation.objects.for_list().get(pk=relation.pk)
        return Response(RelationSerializer(relation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MergeSerializer, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"], filter_backends=[])
    def merge(self, request, pk=None):
        """Fold this duplicate claim into ``into``; answers with the claim it became part of."""
        duplicate = self.get_object()
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        into = services.claims_merge(duplicate=duplicate, **serializer.validated_data)
        into = Claim.objects.for_detail().get(pk=into.pk)
        return self.versioned(Response(ClaimSerializer(into).data), into)

    @extend_schema(
        request=ClaimImportSerializer,
        responses={201: ClaimImportResultSerializer, 400: ImportErrorSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        filter_backends=[],
        pagination_class=None,
    )
    def import_claims(self, request):
        """Record up to 1000 claims at once, all or nothing; already imported ones are skipped.

        A claim whose ``external_id`` is already recorded for its source system
        is skipped, so a batch can be sent again safely. If any claim is
        refused, none is written, and the answer names each refused claim by
        its index, with the messages the claim endpoint would give.
        """
        serializer = ClaimImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = bulk.claims_import(
                rows=serializer.validated_data["claims"],
                by=request.user,
                source_system=serializer.validated_data.get("source_system", ""),
            )
        except bulk.BatchRefused as refused:
            response = self.handle_exception(refused)
            response.data["rows"] = [
                {"index": row.index, "external_id": row.external_id, "errors": row.errors}
                for row in refused.rows
            ]
            return response
        data = {
            "written": len(result.created),
            "skipped": len(result.skipped),
            "created": result.created,
        }
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={(200, "application/ld+json"): OpenApiResponse(OpenApiTypes.OBJECT)},
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="claimreview", filter_backends=[])
    def claimreview(self, request, pk=None):
        """The claim as schema.org ClaimReview JSON-LD."""
        claim = self.get_object()
        return exports.claimreview_response(exports.claimreview(claim, request), request)

    @extend_schema(
        operation_id="v1_claims_claimreview_list",
        request=None,
        responses={(200, "application/ld+json"): OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    @action(detail=False, methods=["get"], url_path="claimreview", pagination_class=None)
    def claimreview_list(self, request):
        """The filtered claims (at most 1000) as a JSON-LD graph of ClaimReviews."""
        claims = self.filter_queryset(self.get_queryset())[:EXPORT_LIMIT]
        graph = [exports.claimreview(claim, request, context=False) for claim in claims]
        return exports.claimreview_response(
            {"@context": "https://schema.org", "@graph": graph}, request
        )

    @extend_schema(request=None, responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)})
    @action(detail=False, methods=["get"], url_path="csv", pagination_class=None)
    def csv(self, request):
        """The filtered claims (at most 1000) as CSV, one row per claim."""
        claims = self.filter_queryset(self.get_queryset())[:EXPORT_LIMIT]
        return exports.csv_response(claims, request)

    def perform_content_negotiation(self, request, force=False):
        # Exports answer in their own format whatever the Accept header says;
        # their errors still come as JSON.
        if self.action in ("claimreview", "claimreview_list", "csv"):
            force = True
        return super().perform_content_negotiation(request, force=force)


@extend_schema_view(
    create=extend_schema(request=RelationCreateSerializer, responses={201: RelationSerializer}),
    update=extend_schema(request=RelationUpdateSerializer, responses=RelationSerializer),
    partial_update=extend_schema(request=RelationUpdateSerializer, responses=RelationSerializer),
)
class RelationViewSet(RecordViewSet):
    """Typed links between claims; a counter-claim is linked by ``contradicts``."""

    queryset = ClaimRelation.objects.all()
    serializer_class = RelationSerializer
    filterset_class = RelationFilterSet
    ordering_fields = ["id", "kind", "created_at"]

    def get_queryset(self):
        return ClaimRelation.objects.for_list()

    def reload(self, instance):
        return ClaimRelation.objects.for_list().get(pk=instance.pk)

    def get_serializer_class(self):
        if self.action == "create":
            return RelationCreateSerializer
        if self.action in ("update", "partial_update"):
            return RelationUpdateSerializer
        return RelationSerializer

    def create_record(self, data: dict):
        return services.claims_link(by=self.request.user, **data)

    def destroy_record(self, instance, *, expected_version):
        services.claims_unlink(relation=instance, expected_version=expected_version)


@extend_schema_view(
    create=extend_schema(request=AssessmentCreateSerializer, responses={201: AssessmentSerializer})
)
class AssessmentViewSet(RecordViewSet):
    """Verification judgements; append-only, so they can be created but never changed."""

    queryset = Assessment.objects.all()
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet
    ordering_fields = ["id", "assessed_at"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return Assessment.objects.for_list()

    def reload(self, instance):
        return Assessment.objects.for_list().get(pk=instance.pk)

    def get_serializer_class(self):
        return AssessmentCreateSerializer if self.action == "create" else AssessmentSerializer

    def create_record(self, data: dict):
        return services.claim_assess(by=self.request.user, **data)


@extend_schema_view(
    create=extend_schema(request=EvidenceCreateSerializer, responses={201: EvidenceSerializer}),
    update=extend_schema(request=EvidenceWriteSerializer, responses=EvidenceSerializer),
    partial_update=extend_schema(request=EvidenceWriteSerializer, responses=EvidenceSerializer),
)
class EvidenceViewSet(RecordViewSet):
    """Sources, excerpts or URLs that support, refute or give context to a claim."""

    queryset = Evidence.objects.all()
    serializer_class = EvidenceSerializer
    filterset_class = EvidenceFilterSet
    ordering_fields = ["id", "created_at"]

    def get_serializer_class(self):
        if self.action == "create":
            return EvidenceCreateSerializer
        if self.action in ("update", "partial_update"):
            return EvidenceWriteSerializer
        return EvidenceSerializer

    def create_record(self, data: dict):
        return services.evidence_add(by=self.request.user, **data)
