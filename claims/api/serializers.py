"""API shapes of claims and what they are about.

A claim's representation is complete on its own: a script needs no second
request to know who said it, where it was reported, what contradicts it and
how it was judged. Serializers read what the read paths prefetched and
annotated; they never query per row and never write (the viewsets call the
services).
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.settings import api_settings

from claims.models import (
    Actor,
    ActorAlias,
    ActorRole,
    Appearance,
    Assessment,
    AttributionStep,
    Claim,
    ClaimRelation,
    Credibility,
    Evidence,
    Place,
    PlaceAlias,
    Quantity,
    Topic,
    VerificationStatus,
)
from claimsbase.api import ErrorSerializer
from claimsbase.serializers import (
    ChoiceField,
    ChoiceSerializer,
    InputSerializer,
    TextField,
    WriteSerializer,
)
from sources.api.serializers import (
    CitedSourceSerializer,
    ExcerptSerializer,
    OutletBriefSerializer,
    SourceBriefSerializer,
)
from sources.models import Excerpt, Outlet, Reliability, Source

# --- briefs --------------------------------------------------------------


class ActorBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Actor
        fields = ["id", "name"]
        read_only_fields = fields


class PlaceBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Place
        fields = ["id", "name", "kind"]
        read_only_fields = fields


class TopicBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "name"]
        read_only_fields = fields


class ClaimBriefSerializer(serializers.ModelSerializer):
    """The other claim of a relation: enough to know what it says and who says it."""

    claimant = ActorBriefSerializer(read_only=True)
    status = ChoiceField(choices=VerificationStatus.choices, read_only=True)

    class Meta:
        model = Claim
        fields = ["id", "statement", "claimant", "asserted_on", "status"]
        read_only_fields = fields


# --- actors, places, topics ---------------------------------------------


class AliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActorAlias
        fields = ["id", "name", "language"]
        read_only_fields = fields


class PlaceAliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlaceAlias
        fields = ["id", "name", "language"]
        read_only_fields = fields


class ActorRoleSerializer(serializers.ModelSerializer):
    organisation = ActorBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ActorRole
        fields = ["id", "title", "organisation", "start", "end"]
        read_only_fields = fields


class ActorSerializer(serializers.ModelSerializer):
    affiliation = ActorBriefSerializer(read_only=True, allow_null=True)
    aliases = AliasSerializer(many=True, read_only=True)
    claim_count = serializers.IntegerField(
        read_only=True, help_text="Claims this actor made (merged duplicates not counted)."
    )

    class Meta:
        model = Actor
        fields = [
            "id",
            "name",
            "kind",
            "affiliation",
            "description",
            "reliability",
            "aliases",
            "claim_count",
            "version",
        ]
        read_only_fields = fields


class ActorDetailSerializer(serializers.ModelSerializer):
    affiliation = ActorBriefSerializer(read_only=True, allow_null=True)
    aliases = AliasSerializer(many=True, read_only=True)
    roles = ActorRoleSerializer(many=True, read_only=True)
    members = ActorBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Actor
        fields = [
            "id",
            "name",
            "kind",
            "affiliation",
            "description",
            "reliability",
            "aliases",
            "roles",
            "members",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AliasWriteSerializer(WriteSerializer):
    """One alias as written: matched to those recorded by name and language."""

    class Meta:
        model = ActorAlias
        fields = ["name", "language"]


class PlaceAliasWriteSerializer(WriteSerializer):
    class Meta:
        model = PlaceAlias
        fields = ["name", "language"]


class ActorRoleWriteSerializer(WriteSerializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.only("id"), required=False, allow_null=True
    )

    class Meta:
        model = ActorRole
        fields = ["title", "organisation", "start", "end"]


ALIASES_HELP = (
    "Other names or spellings. Given, the list replaces the recorded aliases (those kept "
    "keep their history; those left out are removed); left out, they stay as they are. "
    "An alias given twice or equal to the name is refused."
)


class ActorWriteSerializer(WriteSerializer):
    affiliation = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(), required=False, allow_null=True
    )
    aliases = AliasWriteSerializer(many=True, required=False, help_text=ALIASES_HELP)
    roles = ActorRoleWriteSerializer(
        many=True,
        required=False,
        help_text=(
            "Positions held over time. Given, the list replaces the recorded roles; left "
            "out, they stay as they are. A role cannot end before it starts."
        ),
    )

    class Meta:
        model = Actor
        fields = ["name", "kind", "affiliation", "description", "reliability", "aliases", "roles"]
        validators = []


class PlaceSerializer(serializers.ModelSerializer):
    parent = PlaceBriefSerializer(read_only=True, allow_null=True)
    aliases = PlaceAliasSerializer(many=True, read_only=True)

    class Meta:
        model = Place
        fields = [
            "id",
            "name",
            "kind",
            "parent",
            "ancestor_ids",
            "latitude",
            "longitude",
            "aliases",
            "version",
        ]
        read_only_fields = fields

    ancestor_ids = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="Ids of the places this one is inside, outermost first.",
    )


class PlaceDetailSerializer(PlaceSerializer):
    children = PlaceBriefSerializer(many=True, read_only=True)

    class Meta(PlaceSerializer.Meta):
        fields = [*PlaceSerializer.Meta.fields, "children", "created_at", "updated_at"]
        read_only_fields = fields


class PlaceWriteSerializer(WriteSerializer):
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Place.objects.all(), required=False, allow_null=True
    )
    aliases = PlaceAliasWriteSerializer(many=True, required=False, help_text=ALIASES_HELP)

    class Meta:
        model = Place
        fields = ["name", "kind", "parent", "latitude", "longitude", "aliases"]
        validators = []


class TopicSerializer(serializers.ModelSerializer):
    claim_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Topic
        fields = ["id", "name", "description", "claim_count", "version"]
        read_only_fields = fields


class TopicWriteSerializer(WriteSerializer):
    class Meta:
        model = Topic
        fields = ["name", "description"]
        validators = []
        extra_kwargs = {"name": {"validators": []}}


# --- the parts of a claim -----------------------------------------------


class QuantitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Quantity
        fields = [
            "id",
            "value",
            "value_max",
            "unit",
            "canonical_value",
            "canonical_value_max",
            "canonical_unit",
            "counted",
            "qualifier",
            "per",
            "text",
            "display",
        ]
        read_only_fields = fields

    display = serializers.CharField(read_only=True, help_text='e.g. "about 430 soldiers captured"')


class AttributionStepSerializer(serializers.ModelSerializer):
    actor = ActorBriefSerializer(read_only=True, allow_null=True)
    outlet = OutletBriefSerializer(read_only=True, allow_null=True)
    source = CitedSourceSerializer(read_only=True, allow_null=True)
    fidelity = ChoiceField(choices=AttributionStep.Fidelity.choices, read_only=True)

    class Meta:
        model = AttributionStep
        fields = ["position", "actor", "outlet", "source", "label", "fidelity"]
        read_only_fields = fields


class AppearanceSerializer(serializers.ModelSerializer):
    source = SourceBriefSerializer(read_only=True)
    excerpt = ExcerptSerializer(read_only=True, allow_null=True)
    chain = AttributionStepSerializer(
        many=True, read_only=True, help_text="The attribution chain, original speaker first."
    )
    version = serializers.IntegerField(
        read_only=True,
        help_text='Send it as If-Match ("3") to remove this appearance safely.',
    )

    class Meta:
        model = Appearance
        fields = ["id", "source", "excerpt", "chain", "note", "version"]
        read_only_fields = fields


class EvidenceBriefSerializer(serializers.ModelSerializer):
    source = CitedSourceSerializer(read_only=True, allow_null=True)
    excerpt = ExcerptSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Evidence
        fields = ["id", "stance", "source", "excerpt", "url", "note"]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    status = ChoiceField(choices=VerificationStatus.choices, read_only=True)
    credibility = serializers.IntegerField(
        read_only=True, help_text="Credibility of the information, 1 (confirmed) to 6."
    )
    grade = serializers.CharField(
        read_only=True, help_text='Reliability (A–F) and credibility (1–6), e.g. "B2".'
    )
    assessed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    evidence = EvidenceBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "claim",
            "status",
            "credibility",
            "reliability",
            "grade",
            "rationale",
            "assessed_by",
            "assessed_at",
            "evidence",
        ]
        read_only_fields = fields


class AssessmentBriefSerializer(AssessmentSerializer):
    """An assessment in a list of claims: the judgement without its evidence."""

    class Meta(AssessmentSerializer.Meta):
        fields = [name for name in AssessmentSerializer.Meta.fields if name != "evidence"]
        read_only_fields = fields


class ClaimRelationSideSerializer(serializers.Serializer):
    """A relation as read from one claim: "contradicted by" claim #7."""

    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="The stored kind, from the claim that made the link.")
    label = serializers.CharField(
        help_text='Wording from this claim\'s side, e.g. "contradicted by".'
    )
    direction = serializers.ChoiceField(choices=["outgoing", "incoming"])
    other = ClaimBriefSerializer()
    note = serializers.CharField()


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)


class ClaimFieldsSerializer(serializers.Serializer):
    """What a claim in a list and a claim on its own both show, read the same way."""

    claimant = ActorBriefSerializer(read_only=True)
    status = serializers.SerializerMethodField(
        help_text="The current status, or with ``as_of`` the status on that day."
    )
    period = serializers.SerializerMethodField()
    quantities = QuantitySerializer(many=True, read_only=True)
    first_reported_at = serializers.DateTimeField(read_only=True, allow_null=True)
    source_count = serializers.IntegerField(read_only=True)
    counter_claim_count = serializers.IntegerField(read_only=True)

    @extend_schema_field(ChoiceSerializer)
    def get_status(self, claim: Claim) -> dict:
        status = claim.shown_status_choice
        return {"code": status.value, "label": status.label}

    @extend_schema_field(PeriodSerializer)
    def get_period(self, claim: Claim) -> dict:
        return {"start": claim.period_start, "end": claim.period_end}


@extend_schema_serializer(
    description=(
        "A claim in a list: what it says, who says it, the status and grade it is shown "
        "with, its numbers and counts. `url` is the complete claim."
    )
)
class ClaimListSerializer(ClaimFieldsSerializer, serializers.ModelSerializer):
    """A claim in a list, from the ``for_list()`` read path: what it says, who says it,
    its status and grade, its numbers and counts. Where it appeared, its relations and
    what it is about are on the claim itself (``url``), read with ``for_detail()``."""

    url = serializers.HyperlinkedIdentityField(view_name="claims-api:claim-detail")
    grade = serializers.CharField(
        source="shown_grade",
        read_only=True,
        help_text='The grade of the status shown, e.g. "B2"; empty while unverified.',
    )
    latest_assessment = AssessmentBriefSerializer(
        source="shown_assessment",
        read_only=True,
        allow_null=True,
        help_text="The assessment that set the status shown (null when unverified).",
    )
    appearance_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "url",
            "statement",
            "claimant",
            "status",
            "grade",
            "asserted_on",
            "period",
            "first_reported_at",
            "quantities",
            "latest_assessment",
            "appearance_count",
            "source_count",
            "counter_claim_count",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_serializer(
    description=(
        "A claim, complete: where it appeared and through whom, its numbers, its relations "
        "to other claims, the assessment behind its status, and what it is about."
    )
)
class ClaimSerializer(ClaimFieldsSerializer, serializers.ModelSerializer):
    """A claim with everything a script needs, from the ``for_detail()`` read path."""

    # As of a past day (``as_of``), the appearances and relations made by then, as the page.
    appearances = AppearanceSerializer(many=True, read_only=True, source="shown_appearances")
    actors = ActorBriefSerializer(many=True, read_only=True)
    places = PlaceBriefSerializer(many=True, read_only=True)
    topics = TopicBriefSerializer(many=True, read_only=True)
    relations = serializers.SerializerMethodField()
    latest_assessment = AssessmentSerializer(
        source="shown_assessment",
        read_only=True,
        allow_null=True,
        help_text="The assessment that set the status shown (null when unverified).",
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "statement",
            "claimant",
            "status",
            "asserted_on",
            "period",
            "first_reported_at",
            "quantities",
            "appearances",
            "actors",
            "places",
            "topics",
            "relations",
            "latest_assessment",
            "source_count",
            "counter_claim_count",
            "merged_into",
            "notes",
            "external_id",
            "source_system",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @cached_property
    def _claim_brief(self) -> ClaimBriefSerializer:
        # One brief serializer for every relation of every row: a list of 50 claims
        # builds it once instead of once per relation.
        return ClaimBriefSerializer()

    @extend_schema_field(ClaimRelationSideSerializer(many=True))
    def get_relations(self, claim: Claim) -> list[dict]:
        rows = []
        for direction, relations in (
            ("outgoing", claim.shown_relations_out()),
            ("incoming", claim.shown_relations_in()),
        ):
            for relation in relations:
                rows.append(
                    {
                        "id": relation.pk,
                        "kind": relation.kind,
                        "label": relation.label_from(claim),
                        "direction": direction,
                        "other": self._claim_brief.to_representation(relation.other(claim)),
                        "note": relation.note,
                    }
                )
        return sorted(rows, key=lambda row: (row["kind"], row["id"]))


# --- writing a claim ----------------------------------------------------


class QuantityWriteSerializer(WriteSerializer):
    class Meta:
        model = Quantity
        fields = ["value", "value_max", "unit", "counted", "qualifier", "per", "text"]

    def validate(self, attrs):
        """The row's own rules (a known unit, a range in order) checked with its shape.

        So a claim whose quantity #0 has an unknown unit and #2 a malformed
        value is told both at once: each row of a list is validated on its own.
        """
        quantity = Quantity(**attrs)
        try:
            # The constraints are checked by the service, which saves the row.
            quantity.full_clean(
                exclude=["claim"], validate_unique=False, validate_constraints=False
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: texts
                    for field, texts in error.message_dict.items()
                }
            ) from None
        return attrs


class AttributionStepWriteSerializer(WriteSerializer):
    actor = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(), required=False, allow_null=True
    )
    outlet = serializers.PrimaryKeyRelatedField(
        queryset=Outlet.objects.all(), required=False, allow_null=True
    )
    source = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.only("id"), required=False, allow_null=True
    )

    class Meta:
        model = AttributionStep
        fields = ["actor", "outlet", "source", "label", "fidelity"]


class AppearanceWriteSerializer(InputSerializer):
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all())
    excerpt = serializers.PrimaryKeyRelatedField(
        queryset=Excerpt.objects.all(),
        required=False,
        allow_null=True,
        help_text="An excerpt already recorded; or give its exact text instead.",
    )
    exact = TextField(
        required=False,
        allow_blank=True,
        max_length=100_000,
        trim_whitespace=False,
        help_text="The words in the source's text that report the claim.",
    )
    start = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=2_000_000_000,
        help_text="Offset of the words, when they occur more than once.",
    )
    chain = AttributionStepWriteSerializer(
        many=True, required=False, help_text="The attribution chain, original speaker first."
    )
    note = TextField(required=False, allow_blank=True, max_length=10_000)


@extend_schema_serializer(
    description=(
        "A new claim with its quantities and the sources it appeared in. Ids name "
        "records already recorded (actors, places, topics, sources, outlets)."
    )
)
class ClaimWriteSerializer(WriteSerializer):
    """Input for recording a claim with its quantities and appearances in one request."""

    claimant = serializers.PrimaryKeyRelatedField(queryset=Actor.objects.all())
    actors = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(), many=True, required=False
    )
    places = serializers.PrimaryKeyRelatedField(
        queryset=Place.objects.all(), many=True, required=False
    )
    topics = serializers.PrimaryKeyRelatedField(
        queryset=Topic.objects.all(), many=True, required=False
    )
    quantities = QuantityWriteSerializer(many=True, required=False)
    appearances = AppearanceWriteSerializer(many=True, required=False)

    class Meta:
        model = Claim
        fields = [
            "statement",
            "claimant",
            "asserted_on",
            "period_start",
            "period_end",
            "notes",
            "actors",
            "places",
            "topics",
            "quantities",
            "appearances",
            "external_id",
            "source_system",
        ]
        # A repeated external id is the service's to refuse (or the import's to skip).
        validators = []


@extend_schema_serializer(
    description="A claim's own fields; its status changes only by assessing it."
)
class ClaimUpdateSerializer(WriteSerializer):
    """Input for editing a claim's own fields; its status changes only by assessing it."""

    claimant = serializers.PrimaryKeyRelatedField(queryset=Actor.objects.all())
    actors = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(), many=True, required=False
    )
    places = serializers.PrimaryKeyRelatedField(
        queryset=Place.objects.all(), many=True, required=False
    )
    topics = serializers.PrimaryKeyRelatedField(
        queryset=Topic.objects.all(), many=True, required=False
    )

    class Meta:
        model = Claim
        fields = [
            "statement",
            "claimant",
            "asserted_on",
            "period_start",
            "period_end",
            "notes",
            "actors",
            "places",
            "topics",
        ]


class EvidenceWriteSerializer(WriteSerializer):
    source = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.only("id"), required=False, allow_null=True
    )
    excerpt = serializers.PrimaryKeyRelatedField(
        queryset=Excerpt.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Evidence
        fields = ["stance", "source", "excerpt", "url", "note"]


class EvidenceCreateSerializer(EvidenceWriteSerializer):
    claim = serializers.PrimaryKeyRelatedField(queryset=Claim.objects.all())
    assessment = serializers.PrimaryKeyRelatedField(
        queryset=Assessment.objects.all(), required=False, allow_null=True
    )

    class Meta(EvidenceWriteSerializer.Meta):
        fields = ["claim", "assessment", *EvidenceWriteSerializer.Meta.fields]


class EvidenceSerializer(serializers.ModelSerializer):
    source = CitedSourceSerializer(read_only=True, allow_null=True)
    excerpt = ExcerptSerializer(read_only=True, allow_null=True)
    added_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "claim",
            "assessment",
            "stance",
            "source",
            "excerpt",
            "url",
            "note",
            "added_by",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class AssessmentWriteSerializer(InputSerializer):
    """Input for assessing one claim (the claim is in the URL)."""

    status = serializers.ChoiceField(choices=VerificationStatus.choices)
    rationale = TextField(max_length=20_000)
    credibility = serializers.ChoiceField(choices=Credibility.choices, required=False)
    reliability = serializers.ChoiceField(
        choices=Reliability.choices,
        required=False,
        help_text="Defaults to the grade of the outlet that first reported the claim.",
    )
    assessed_at = serializers.DateTimeField(
        required=False, help_text="To import an earlier judgement; never in the future."
    )
    evidence = EvidenceWriteSerializer(many=True, required=False)


class AssessmentCreateSerializer(AssessmentWriteSerializer):
    claim = serializers.PrimaryKeyRelatedField(queryset=Claim.objects.all())


class RelationWriteSerializer(InputSerializer):
    """Input for relating this claim (in the URL) to another."""

    to_claim = serializers.PrimaryKeyRelatedField(queryset=Claim.objects.all())
    kind = serializers.ChoiceField(choices=ClaimRelation.Kind.choices)
    note = TextField(required=False, allow_blank=True, max_length=10_000)


class RelationCreateSerializer(RelationWriteSerializer):
    from_claim = serializers.PrimaryKeyRelatedField(queryset=Claim.objects.all())


class RelationUpdateSerializer(WriteSerializer):
    class Meta:
        model = ClaimRelation
        fields = ["note"]


class RelationSerializer(serializers.ModelSerializer):
    from_claim = ClaimBriefSerializer(read_only=True)
    to_claim = ClaimBriefSerializer(read_only=True)
    kind = ChoiceField(choices=ClaimRelation.Kind.choices, read_only=True)
    inverse_label = serializers.SerializerMethodField()
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ClaimRelation
        fields = [
            "id",
            "from_claim",
            "kind",
            "inverse_label",
            "to_claim",
            "note",
            "created_by",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    def get_inverse_label(self, relation: ClaimRelation) -> str:
        """How the relation reads from the target claim's side."""
        return ClaimRelation.Kind(relation.kind).inverse_label


class MergeSerializer(InputSerializer):
    into = serializers.PrimaryKeyRelatedField(
        queryset=Claim.objects.all(), help_text="The claim this duplicate is folded into."
    )
    note = TextField(required=False, allow_blank=True, max_length=10_000)


# --- importing claims in a batch ------------------------------------------


@extend_schema_field(ClaimWriteSerializer(many=True))
class ClaimRowsField(serializers.ListField):
    """Claims in the shape of ``POST /api/v1/claims/``, each checked by the import itself.

    The rows are handed over as sent, so that a bad row is reported by its
    index with the messages the claim endpoint would give.
    """

    child = serializers.JSONField()


class ClaimImportSerializer(InputSerializer):
    """Input for importing a batch of claims, all or nothing."""

    claims = ClaimRowsField(min_length=1, max_length=1000)
    source_system = TextField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="The system the external ids come from, for claims that do not name one.",
    )


class ClaimImportResultSerializer(serializers.Serializer):
    written = serializers.IntegerField(help_text="Claims written.")
    skipped = serializers.IntegerField(
        help_text="Claims skipped: their external id was already recorded."
    )
    created = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the claims written, in input order."
    )


class ImportRowErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the claim in ``claims``, from 0.")
    external_id = serializers.CharField(help_text="The claim's external id, if it has one.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Messages per field of the claim ("quantities.0.unit").',
    )


@extend_schema_serializer(
    description="An import refused: the usual error, plus each refused claim by its index."
)
class ImportErrorSerializer(ErrorSerializer):
    """An import refused: the usual error shape, plus the refused claims one by one."""

    rows = ImportRowErrorSerializer(
        many=True,
        required=False,
        help_text="Present when claims of the batch were refused: each one by its index. "
        "A request that is not a batch at all (no claims list) has only the usual fields.",
    )


class ClaimReviewRefusalSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="Position of the review in the document, from 0.")
    url = serializers.CharField(help_text="The review's url, when it has a usable one.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Messages per property of the review ("reviewRating.ratingValue").',
    )


class ClaimReviewImportResultSerializer(serializers.Serializer):
    """What a ClaimReview import did; refused reviews wrote nothing, the others were written."""

    imported = serializers.IntegerField(help_text="Reviews recorded, each as a new claim.")
    skipped = serializers.IntegerField(
        help_text="Reviews skipped: their url was already imported (or came earlier)."
    )
    refused = serializers.IntegerField(help_text="Reviews refused; see ``reviews``.")
    created = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the claims created, in document order."
    )
    reviews = ClaimReviewRefusalSerializer(many=True, help_text="Each refused review and why.")
