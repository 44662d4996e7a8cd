"""Endpoints for claims and what they are about; every write goes through a service.

Assessing, relating and merging are their own endpoints under a claim, so the
API cannot bypass a rule that the admin and the pages keep.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from claims import bulk, claimreview, services
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
    ClaimReviewImportResultSerializer,
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
from claimsbase import as_of
from claimsbase.api import JSONParser, etag_for, expected_version
from claimsbase.viewsets import (
    IF_MATCH,
    READ_ROLE,
    ROLE,
    RecordViewSet,
    describe,
    example,
    record_docs,
)


class JSONLDParser(JSONParser):
    """JSON-LD is JSON: ClaimReview documents arrive as ``application/ld+json`` too
    (with the same refusal of bodies nested too deep)."""

    media_type = "application/ld+json"


# The largest filtered list an export answers in one response: every export is
# read and written in one go, so its memory and queries stay bounded.
EXPORT_LIMIT = 1000
EXPORT_ACTIONS = ("claimreview", "claimreview_list", "csv", "quantities_csv", "xlsx")

CSV_RESPONSE = OpenApiResponse(
    OpenApiTypes.STR,
    description="A CSV file (UTF-8 with a byte-order mark), a header row first.",
    examples=[
        OpenApiExample(
            "Quantities",
            value=(
                "\ufeffclaim_id,value,value_max,unit,canonical_value,canonical_value_max,"
                "canonical_unit,counted,qualifier,per,text\r\n"
                "2,259,,square kilometers,259,,km²,territory regained,exactly,,"
                "259 square kilometers of territory\r\n"
            ),
        )
    ],
)
XLSX_RESPONSE = OpenApiResponse(
    OpenApiTypes.BINARY, description="An Excel workbook: sheets `claims` and `quantities`."
)
CLAIMREVIEW_EXAMPLE = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://claims.example.org/claims/2/",
    "claimReviewed": (
        "Russian forces have regained control of 24 settlements and 259 km² of territory "
        "in the Kursk region."
    ),
    "author": {"@type": "Organization", "name": "claimsbase"},
    "datePublished": "2025-03-14",
    "itemReviewed": {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Valery Gerasimov"},
        "datePublished": "2025-03-12",
        "appearance": [
            {
                "@type": "CreativeWork",
                "headline": "Gerasimov reports gains in Kursk region",
                "url": "https://www.novinite.com/articles/231234",
                "publisher": {"@type": "Organization", "name": "novinite.com"},
            }
        ],
    },
    "reviewRating": {"@type": "Rating", "alternateName": "Disputed"},
    "reviewBody": "One side's report of its own gains, relayed by a state agency.",
}
CLAIMREVIEW_RESPONSE = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="A schema.org ClaimReview as JSON-LD.",
    examples=[OpenApiExample("A disputed claim", value=CLAIMREVIEW_EXAMPLE)],
)
CLAIMREVIEW_GRAPH_RESPONSE = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="A JSON-LD document whose `@graph` holds one ClaimReview per claim.",
    examples=[
        OpenApiExample(
            "One claim",
            value={
                "@context": "https://schema.org",
                "@graph": [{k: v for k, v in CLAIMREVIEW_EXAMPLE.items() if k != "@context"}],
            },
        )
    ],
)


def _write_schema(write, read, create_code=201):
    return extend_schema_view(
        create=extend_schema(request=write, responses={create_code: read}),
        update=extend_schema(request=write, responses=read),
        partial_update=extend_schema(request=write, responses=read),
    )


@record_docs(
    singular="actor",
    plural="actors",
    path="/api/v1/actors/",
    about="People, organisations, governments and units that make claims or are their "
    "subject. `q` finds a name by its aliases and similar spellings too.",
    list_example="/api/v1/actors/?q=Gerasimov&kind=person",
    create_body='{"name": "Oleksandr Syrskyi", "kind": "person", '
    '"description": "Commander-in-Chief of the Armed Forces of Ukraine"}',
    edit_body='{"description": "Chief of the General Staff"}',
    delete_note="Refused with 409 while a claim names the actor as its claimant, or "
    "members, roles or attribution chains refer to it.",
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

    def destroy_record(self, instance, *, expected_version):
        services.named_record_delete(record=instance, expected_version=expected_version)


@record_docs(
    singular="place",
    plural="places",
    path="/api/v1/places/",
    about="Countries, regions, settlements and facilities, each inside its parent. `q` "
    "finds a name by its aliases and similar spellings too; `within` takes a place and "
    "everything inside it.",
    list_example="/api/v1/places/?q=Kursk&kind=region",
    create_body='{"name": "Sudzha", "kind": "settlement", "parent": 7}',
    edit_body='{"latitude": "51.19", "longitude": "35.27"}',
    delete_note="Refused with 409 while places inside it are recorded; claims about it lose it.",
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

    def destroy_record(self, instance, *, expected_version):
        services.named_record_delete(record=instance, expected_version=expected_version)


@record_docs(
    singular="topic",
    plural="topics",
    path="/api/v1/topics/",
    about="Threads that group claims (the Kursk incursion, the Jeddah talks), each with "
    "its number of claims. `q` finds words of the name or description.",
    list_example="/api/v1/topics/?q=Kursk",
    create_body='{"name": "Jeddah ceasefire talks", "description": "Talks in Saudi Arabia."}',
    edit_body='{"description": "US–Ukraine talks in Jeddah, March 2025."}',
    delete_note="Its claims stay, without this topic.",
)
@_write_schema(TopicWriteSerializer, TopicSerializer)
class TopicViewSet(RecordViewSet):
    queryset = Topic.objects.all()
    serializer_class = TopicSerializer
    write_serializer_class = TopicWriteSerializer
    filterset_class = TopicFilterSet
    ordering_fields = ["id", "name", "claim_count"]

    def destroy_record(self, instance, *, expected_version):
        services.topic_delete(topic=instance, expected_version=expected_version)


CLAIM_CREATE_EXAMPLE = {
    "statement": (
        "Russian forces have regained control of 24 settlements and 259 km² of territory "
        "in the Kursk region."
    ),
    "claimant": 10,
    "asserted_on": "2025-03-12",
    "places": [3],
    "topics": [1],
    "quantities": [
        {"value": "24", "counted": "settlements regained", "text": "24 settlements"},
        {
            "value": "259",
            "unit": "square kilometers",
            "counted": "territory regained",
            "text": "259 square kilometers of territory",
        },
    ],
    "appearances": [
        {
            "source": 1,
            "exact": "regained control of 24 settlements",
            "chain": [
                {"actor": 10, "fidelity": "paraphrase"},
                {"label": "briefing to Putin", "fidelity": "paraphrase"},
                {"outlet": 2, "fidelity": "translation"},
            ],
        }
    ],
    "external_id": "monitor-2025-0312-17",
    "source_system": "monitor",
}
CLAIM_ROW_EXAMPLE = {
    "id": 2,
    "url": "https://claims.example.org/api/v1/claims/2/",
    "statement": CLAIM_CREATE_EXAMPLE["statement"],
    "claimant": {"id": 10, "name": "Valery Gerasimov"},
    "status": {"code": "disputed", "label": "Disputed"},
    "grade": "D3",
    "asserted_on": "2025-03-12",
    "period": {"start": None, "end": None},
    "first_reported_at": "2025-03-13T07:00:00Z",
    "quantities": [
        {
            "id": 2,
            "value": "259.000000",
            "value_max": None,
            "unit": "square kilometers",
            "canonical_value": "259.000000",
            "canonical_value_max": None,
            "canonical_unit": "km²",
            "counted": "territory regained",
            "qualifier": "exactly",
            "per": "",
            "text": "259 square kilometers of territory",
            "display": "259 km² territory regained",
        }
    ],
    "latest_assessment": {
        "id": 2,
        "claim": 2,
        "status": {"code": "disputed", "label": "Disputed"},
        "credibility": 3,
        "reliability": "D",
        "grade": "D3",
        "rationale": "One side's report of its own gains, relayed by a state agency.",
        "assessed_by": "ana",
        "assessed_at": "2025-03-14T09:01:00Z",
    },
    "appearance_count": 1,
    "source_count": 1,
    "counter_claim_count": 1,
    "version": 1,
    "updated_at": "2025-03-13T12:30:00Z",
}
CLAIM_EXAMPLES = [
    OpenApiExample(
        "A claim with its quantities and where it appeared",
        value=CLAIM_CREATE_EXAMPLE,
        request_only=True,
    ),
]
CLAIM_LIST_EXAMPLES = [
    OpenApiExample(
        "A claim in a page of claims",
        value=CLAIM_ROW_EXAMPLE,  # wrapped in a page by the schema generator
        response_only=True,
    ),
]
ASSESS_EXAMPLE = OpenApiExample(
    "Disputed, with the evidence that refutes it",
    value={
        "status": "disputed",
        "credibility": 3,
        "rationale": "Only one side reports it; Kyiv describes fighting still going on.",
        "evidence": [{"stance": "refutes", "source": 4, "note": "Syrskyi's statement."}],
    },
    request_only=True,
)
EXPORT_FILTERS = (
    "The claims are those the list would give for the same query parameters (at most "
    f"{EXPORT_LIMIT}; narrow the filters, e.g. by `asserted_after`/`asserted_before`, to "
    "export more in parts)."
)
SPREADSHEET_NOTE = (
    "UTF-8 with a byte-order mark, so that spreadsheets show accents and `km²` right; "
    "text that a spreadsheet would run as a formula (`=…`, `+…`, `-…`, `@…`) is written "
    "with a leading `'`. Several values in one cell (places, topics, sources) are one per line."
)


@extend_schema_view(
    list=extend_schema(
        summary="List claims",
        description=describe(
            "Claims as lean rows: statement, claimant, the status and grade shown, "
            "quantities, the assessment behind the status, counts, and `url`, the complete "
            "claim. Rows come newest recorded first (a search with `q`: best match first) "
            "unless `ordering` says otherwise. Filter by status, claimant, actor, place (places "
            "inside it count), topic, outlet, source, dates, counter-claims, units and "
            "words (`q`); with `as_of=YYYY-MM-DD` every claim shows the status it had "
            "at the end of that day and claims first reported later are left out.",
            "Pages come by cursor: follow `next` until it is null (`page_size` up to 200).",
            READ_ROLE,
            example("GET", "/api/v1/claims/?claimant=10&place=3&status=disputed"),
        ),
        examples=CLAIM_LIST_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary="Get one claim, complete",
        description=describe(
            "Everything about one claim: its appearances with the excerpt and attribution "
            "chain, quantities in canonical units, relations read from this claim's side "
            '("contradicted by"), the assessment behind its status with its evidence, '
            "and the actors, places and topics it is about. The `ETag` header is its version.",
            READ_ROLE,
            example("GET", "/api/v1/claims/2/"),
        ),
    ),
    create=extend_schema(
        summary="Record a claim",
        description=describe(
            "Records one claim with its quantities (units are normalised: 259 square "
            "kilometers = 259 km²) and the sources it appeared in, each with the quote "
            "(`exact`, found in the source's text by the server) and the attribution "
            "chain, all or nothing. A new claim is *unverified* until it is assessed. An "
            "`external_id` already recorded for its `source_system` is refused with 409.",
            ROLE["editor"],
            example("POST", "/api/v1/claims/", "(the request example below)"),
        ),
        request=ClaimWriteSerializer,
        responses={201: ClaimSerializer},
        examples=CLAIM_EXAMPLES,
    ),
    update=extend_schema(
        summary="Replace a claim's own fields",
        description=describe(
            "Sets the statement, claimant, dates, notes, and the actors, places and topics "
            "it is about. Its status changes only by assessing it; quantities and "
            "appearances are recorded with the claim. "
            "Send `If-Match` with the `ETag` you read: if the claim changed meanwhile, the "
            "edit is refused with 412 and nothing changes.",
            ROLE["editor"],
            example(
                "PUT",
                "/api/v1/claims/2/",
                '{"statement": "…", "claimant": 10, "places": [3, 5], "topics": [1]}',
            ),
        ),
        request=ClaimUpdateSerializer,
        responses=ClaimSerializer,
    ),
    partial_update=extend_schema(
        summary="Edit a claim",
        description=describe(
            "Changes only the fields sent (statement, claimant, dates, notes, actors, "
            "places, topics). Send `If-Match` with the `ETag` you read; a stale one is "
            "refused with 412.",
            ROLE["editor"],
            example("PATCH", "/api/v1/claims/2/", '{"notes": "Checked the translation."}'),
        ),
        request=ClaimUpdateSerializer,
        responses=ClaimSerializer,
    ),
    destroy=extend_schema(
        summary="Delete a claim",
        description=describe(
            "Deletes the claim with its appearances, quantities, relations and "
            "assessments; refused with 409 while duplicates merged into it refer to it. "
            "A duplicate is better merged into the claim it repeats "
            "(`POST /api/v1/claims/{id}/merge/`), which keeps its sources. Send `If-Match` "
            "with the `ETag` you read.",
            ROLE["editor"],
            example("DELETE", "/api/v1/claims/7/"),
        ),
    ),
)
class ClaimViewSet(RecordViewSet):
    """Claims with their quantities, appearances, relations and latest assessment."""

    queryset = Claim.objects.all()
    serializer_class = ClaimListSerializer
    detail_serializer_class = ClaimSerializer
    write_serializer_class = ClaimWriteSerializer
    filterset_class = ClaimFilterSet
    # ClaimReview documents come as JSON-LD (application/ld+json) as well.
    parser_classes = [JSONParser, JSONLDParser]
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
        "claimreview_import": "claims.add_claim",
        "appearances": "claims.add_appearance",
        "appearance_remove": "claims.delete_appearance",
    }

    def get_queryset(self):
        if self.action == "list":
            return Claim.objects.for_list()  # Merged duplicates live on in their target.
        if self.action in ("csv", "xlsx"):
            return Claim.objects.for_export()
        if self.action == "quantities_csv":
            return Claim.objects.for_list()
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

    def destroy_record(self, instance, *, expected_version):
        services.claim_delete(claim=instance, expected_version=expected_version)

    @extend_schema(
        methods=["GET"],
        summary="A claim's assessments",
        description=describe(
            "Every judgement made on the claim, newest first, each with its evidence; "
            "the first one sets the status the claim is shown with.",
            READ_ROLE,
            example("GET", "/api/v1/claims/2/assessments/"),
        ),
        request=None,
        responses=AssessmentSerializer(many=True),
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="Assess a claim",
        description=describe(
            "Records a judgement (status, credibility 1–6, rationale, evidence) and makes "
            "it the claim's status. Earlier judgements are kept: the history is never "
            "overwritten. Reliability defaults to the grade of the outlet that first "
            "reported the claim.",
            ROLE["analyst"],
            example(
                "POST",
                "/api/v1/claims/2/assessments/",
                '{"status": "disputed", "credibility": 3, '
                '"rationale": "Only one side reports it."}',
            ),
        ),
        request=AssessmentWriteSerializer,
        responses={201: AssessmentSerializer},
        examples=[ASSESS_EXAMPLE],
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
        methods=["GET"],
        summary="Where a claim was reported",
        description=describe(
            "Every appearance of the claim: the source, the anchored excerpt and the "
            "attribution chain in order, each with its `version`.",
            READ_ROLE,
            example("GET", "/api/v1/claims/2/appearances/"),
        ),
        request=None,
        responses=AppearanceSerializer(many=True),
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a source's report of a claim",
        description=describe(
            "Records that another source reports this claim, instead of a duplicate claim: "
            "`source`, then `exact` (the words as they stand in its text, anchored here; "
            "`start` when they occur twice) or an anchored `excerpt`, and the `chain` of who "
            "said it to whom, original speaker first.",
            ROLE["editor"],
            example(
                "POST",
                "/api/v1/claims/2/appearances/",
                '{"source": 9, "exact": "regained control of 24 settlements", '
                '"chain": [{"actor": 4, "fidelity": "original"}, {"outlet": 2}]}',
            ),
        ),
        request=AppearanceWriteSerializer,
        responses={201: AppearanceSerializer},
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
        summary="Remove a source's report of a claim",
        description=describe(
            "Removes one appearance of the claim with its attribution chain; its history "
            "remains, and so does the excerpt, which belongs to the source. Send `If-Match` "
            "with the appearance's `version`.",
            ROLE["editor"],
            example("DELETE", "/api/v1/claims/2/appearances/5/"),
        ),
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

    @extend_schema(
        summary="Relate a claim to another",
        description=describe(
            "Links this claim to `to_claim`: contradicts, supports, qualifies, responds "
            "to, same as, supersedes. The relation shows on both claims, worded from each "
            "side. The same relation twice is refused with 409.",
            ROLE["analyst"],
            example(
                "POST",
                "/api/v1/claims/2/relations/",
                '{"to_claim": 5, "kind": "contradicts", "note": "Kyiv denies the figures."}',
            ),
        ),
        request=RelationWriteSerializer,
        responses={201: RelationSerializer},
    )
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

    @extend_schema(
        summary="Merge a duplicate claim",
        description=describe(
            "Folds this claim into `into`, the claim it repeats: its appearances, "
            "quantities, relations and assessments move there, and this claim stays as a "
            "record of the merge (`merged_into`), left out of lists. Answers with the "
            "claim it became part of.",
            ROLE["editor"],
            example("POST", "/api/v1/claims/7/merge/", '{"into": 2}'),
        ),
        request=MergeSerializer,
        responses={200: ClaimSerializer},
    )
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
        summary="Import claims in a batch",
        description=describe(
            "Records up to 1000 claims, each in the shape of `POST /api/v1/claims/`, all "
            "or nothing. A claim whose `external_id` is already recorded for its source "
            "system is skipped, so a batch can be sent again safely. If any claim is "
            "refused, none is written, and the 400 names each refused claim by its index "
            "in `rows`.",
            ROLE["editor"],
            example(
                "POST",
                "/api/v1/claims/import/",
                '{"source_system": "monitor", "claims": [{"statement": "…", "claimant": 10, '
                '"external_id": "m-1"}]}',
            ),
        ),
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
        summary="One claim as ClaimReview (JSON-LD)",
        description=describe(
            "The claim as schema.org ClaimReview, the fact-check markup search engines "
            "read: `claimReviewed`, the rating its status maps to (`reviewRating`), the "
            "claimant and where the claim appeared (`itemReviewed`). Answered as "
            "`application/ld+json` whatever the Accept header says. With `as_of`, the "
            "review behind the status the claim had then.",
            READ_ROLE,
            example("GET", "/api/v1/claims/2/claimreview/"),
        ),
        request=None,
        responses={(200, "application/ld+json"): CLAIMREVIEW_RESPONSE},
        parameters=[
            OpenApiParameter(
                "as_of",
                {"type": "string", "example": "2025-03-12"},
                description="A date (its end) or a date and time: the review as it stood then.",
            )
        ],
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="claimreview", filter_backends=[])
    def claimreview(self, request, pk=None):
        """The claim as schema.org ClaimReview JSON-LD; 404 while it was never assessed
        (with ``as_of``, by then)."""
        error = getattr(request, "as_of_error", "")
        if error:
            raise ValidationError({"as_of": [error]})
        claim = self.get_object()
        then = as_of.moment(request)
        if then is not None:
            claim = get_object_or_404(Claim.objects.for_detail().as_of(then), pk=claim.pk)
        document = exports.claimreview(claim, request)
        if document is None:
            raise Http404("This claim was never assessed, so there is no review of it.")
        return exports.claimreview_response(document, request)

    @extend_schema(
        operation_id="v1_claims_claimreview_list",
        summary="Claims as ClaimReview (JSON-LD)",
        description=describe(
            'The filtered claims as one JSON-LD document: `{"@context": '
            '"https://schema.org", "@graph": [ClaimReview, …]}`. ' + EXPORT_FILTERS,
            READ_ROLE,
            example("GET", "/api/v1/claims/claimreview/?topic=1&status=false"),
        ),
        request=None,
        responses={(200, "application/ld+json"): CLAIMREVIEW_GRAPH_RESPONSE},
        filters=True,
    )
    @action(detail=False, methods=["get"], url_path="claimreview", pagination_class=None)
    def claimreview_list(self, request):
        """The filtered claims (at most 1000) as a JSON-LD graph of ClaimReviews."""
        claims = self.filter_queryset(self.get_queryset())[:EXPORT_LIMIT]
        reviews = (exports.claimreview(claim, request, context=False) for claim in claims)
        graph = [review for review in reviews if review is not None]
        return exports.claimreview_response(
            {"@context": "https://schema.org", "@graph": graph}, request
        )

    @extend_schema(
        operation_id="v1_claims_claimreview_import",
        summary="Import fact-checkers' ClaimReview",
        description=describe(
            "Each ClaimReview becomes a claim (from `claimReviewed`), its claimant (the "
            "reviewed claim's `author`, matched by Wikidata `sameAs`, name or alias, else "
            "created), its appearances (as sources known by URL) and an assessment by the "
            "reviewing organisation, its rating mapped to a status. The body is one review, a "
            "list, an `@graph`, a DataFeed or an ItemList (at most 1000 reviews). A review "
            "already imported (by its `url`) is skipped; a refused one writes nothing and is "
            "listed with the property at fault while the others are written: 201 when a claim "
            "was created, 200 when nothing was new, 400 when every review was refused.",
            ROLE["editor"],
            example(
                "POST",
                "/api/v1/claims/claimreview/",
                '{"@context": "https://schema.org", "@type": "ClaimReview", '
                '"url": "https://factcheck.example/checks/1", '
                '"claimReviewed": "The bridge was destroyed.", '
                '"author": {"@type": "Organization", "name": "FactCheck Example"}, '
                '"reviewRating": {"@type": "Rating", "alternateName": "False"}}',
            ),
        ),
        request={
            "application/json": OpenApiTypes.OBJECT,
            "application/ld+json": OpenApiTypes.OBJECT,
        },
        responses={
            201: ClaimReviewImportResultSerializer,
            200: ClaimReviewImportResultSerializer,
            400: ImportErrorSerializer,
        },
        filters=False,
    )
    @claimreview_list.mapping.post
    def claimreview_import(self, request):
        """Import fact-checkers' ClaimReview JSON-LD: each review a claim with its assessment.

        The body is one review, a list, an ``@graph``, a DataFeed or an ItemList
        (at most 1000 reviews). Reviews already imported (by their url) are
        skipped. A refused review writes nothing and is listed with the
        property at fault; the others are written: 201 when any claim was
        created, 200 when there was nothing new, 400 when every review was refused.
        """
        found = claimreview.reviews_in(request.data)
        if not found:
            raise ValidationError({"reviews": ["The document holds no ClaimReview."]})
        if len(found) > claimreview.MAX_REVIEWS:
            raise ValidationError(
                {"reviews": [f"Send at most {claimreview.MAX_REVIEWS} reviews at once."]}
            )
        summary = claimreview.claimreviews_import(document=request.data, by=request.user)
        data = {
            "imported": len(summary.created),
            "skipped": len(summary.skipped),
            "refused": len(summary.refused),
            "created": summary.created,
            "reviews": [
                {"index": r.index, "url": r.url, "errors": r.errors} for r in summary.refused
            ],
        }
        if summary.refused and not summary.created and not summary.skipped:
            response = self.handle_exception(
                ValidationError(
                    {
                        f"reviews.{r.index}" + (f".{name}" if name else ""): messages
                        for r in summary.refused
                        for name, messages in r.errors.items()
                    }
                )
            )
            response.data.update(data)
            return response
        return Response(data, status=status.HTTP_201_CREATED if summary.created else 200)

    @extend_schema(
        summary="Claims as CSV",
        description=describe(
            "One row per claim: `"
            + "`, `".join(exports.CLAIM_COLUMNS)
            + "`. `assessment_rationale` and `assessed_at` are those of the assessment "
            "behind the status shown. " + SPREADSHEET_NOTE,
            EXPORT_FILTERS,
            READ_ROLE,
            example("GET", "/api/v1/claims/csv/?topic=1"),
        ),
        request=None,
        responses={(200, "text/csv"): CSV_RESPONSE},
        filters=True,
    )
    @action(detail=False, methods=["get"], url_path="csv", pagination_class=None)
    def csv(self, request):
        claims = self.filter_queryset(self.get_queryset())[:EXPORT_LIMIT]
        return exports.csv_response(
            exports.CLAIM_COLUMNS, exports.claim_rows(claims, request), "claims.csv"
        )

    @extend_schema(
        summary="Quantities of claims as CSV",
        description=describe(
            "The numbers the claims assert, one row per quantity (long format), joined to "
            "the claims' CSV by `claim_id`: `"
            + "`, `".join(exports.QUANTITY_COLUMNS)
            + "`. `canonical_*` are the value in the unit claims are compared in "
            "(259 square kilometers → 259 km²); an empty unit is a count. " + SPREADSHEET_NOTE,
            EXPORT_FILTERS,
            READ_ROLE,
            example("GET", "/api/v1/claims/quantities/csv/?unit=km2"),
        ),
        request=None,
        responses={(200, "text/csv"): CSV_RESPONSE},
        filters=True,
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="quantities/csv",
        url_name="quantities-csv",
        pagination_class=None,
    )
    def quantities_csv(self, request):
        claims = self.filter_queryset(self.get_queryset())[:EXPORT_LIMIT]
        return exports.csv_response(
            exports.QUANTITY_COLUMNS, exports.quantity_rows(claims), "quantities.csv"
        )

    @extend_schema(
        summary="Claims and their quantities as a spreadsheet (xlsx)",
        description=describe(
            "An Excel workbook with two sheets, `claims` and `quantities`, with the same "
            "columns as the two CSV exports; numbers and dates are typed cells, times are "
            "in UTC, and text is never read as a formula.",
            EXPORT_FILTERS,
            READ_ROLE,
            example("GET", "/api/v1/claims/xlsx/?place=3"),
        ),
        request=None,
        responses={(200, exports.XLSX_MEDIA_TYPE): XLSX_RESPONSE},
        filters=True,
    )
    @action(detail=False, methods=["get"], url_path="xlsx", pagination_class=None)
    def xlsx(self, request):
        claims = list(self.filter_queryset(self.get_queryset())[:EXPORT_LIMIT])
        return exports.xlsx_response(
            [
                ("claims", exports.CLAIM_COLUMNS, exports.claim_rows(claims, request)),
                ("quantities", exports.QUANTITY_COLUMNS, exports.quantity_rows(claims)),
            ],
            "claims.xlsx",
        )

    def perform_content_negotiation(self, request, force=False):
        # Exports answer in their own format whatever the Accept header says;
        # their errors still come as JSON.
        if self.action in EXPORT_ACTIONS:
            force = True
        return super().perform_content_negotiation(request, force=force)


@record_docs(
    singular="relation",
    plural="relations",
    path="/api/v1/relations/",
    about="Typed, directed links between two claims (contradicts, supports, qualifies, "
    "responds to, same as, supersedes); `claim` finds those on either side of a claim.",
    writer="analyst",
    list_example="/api/v1/relations/?claim=2&kind=contradicts",
    create_body='{"from_claim": 5, "to_claim": 2, "kind": "contradicts", '
    '"note": "Kyiv denies the figures."}',
    edit_body='{"note": "Same briefing, other translation."}',
    delete_note="The claims stay; only the link between them goes.",
)
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


@record_docs(
    singular="assessment",
    plural="assessments",
    path="/api/v1/assessments/",
    about="Verification judgements on claims, across every claim: status, credibility, "
    "reliability, rationale and evidence. They are append-only: never changed or deleted.",
    writer="analyst",
    list_example="/api/v1/assessments/?status=false&assessed_after=2025-03-01T00:00:00Z",
    create_body='{"claim": 2, "status": "disputed", "credibility": 3, '
    '"rationale": "Only one side reports it."}',
)
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


@record_docs(
    singular="piece of evidence",
    plural="evidence",
    path="/api/v1/evidence/",
    about="Sources, excerpts or web addresses that support, refute or give context to a "
    "claim, each with a note; evidence may belong to an assessment.",
    writer="analyst",
    list_example="/api/v1/evidence/?claim=2&stance=refutes",
    create_body='{"claim": 2, "stance": "refutes", "url": "https://example.org/satellite", '
    '"note": "Satellite images of Sudzha."}',
    edit_body='{"note": "Satellite images of Sudzha, 14 March."}',
    delete_note="",
)
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
