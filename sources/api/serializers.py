"""API shapes of outlets, sources and excerpts.

Serializers only describe fields; every write is done by a service in the
viewset. ``*BriefSerializer`` is the short form used when nesting.
"""

from __future__ import annotations

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sources.models import Excerpt, Outlet, Source


class ChoiceSerializer(serializers.Serializer):
    """A choice as its stable code and its label for people."""

    code = serializers.CharField()
    label = serializers.CharField()


@extend_schema_field(ChoiceSerializer)
class ChoiceField(serializers.ChoiceField):
    """Read as ``{"code", "label"}``, written as the code."""

    def to_representation(self, value):
        if value in ("", None):
            return None
        return {"code": value, "label": str(self.choices.get(value, value))}


class TextField(serializers.CharField):
    """Text sent as a JSON string; a number or a list is refused instead of turned into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class FlagField(serializers.BooleanField):
    """A yes/no sent as JSON true or false; 0, "yes" or "on" are refused."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class RefuseUnknownFields:
    """A field the input does not know is an error, so a misspelt name is never silently lost."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - known)
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class InputSerializer(RefuseUnknownFields, serializers.Serializer):
    """Base of the input serializers that are not one model's fields."""


class WriteSerializer(RefuseUnknownFields, serializers.ModelSerializer):
    """Base of the input serializers: known fields only, text and yes/no in their JSON type."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: TextField,
        models.TextField: TextField,
        models.BooleanField: FlagField,
    }


class OutletBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "domain", "reliability", "state_affiliated"]
        read_only_fields = fields


class OutletSerializer(serializers.ModelSerializer):
    source_count = serializers.IntegerField(read_only=True, help_text="Sources recorded.")

    class Meta:
        model = Outlet
        fields = [
            "id",
            "name",
            "domain",
            "kind",
            "country",
            "state_affiliated",
            "reliability",
            "notes",
            "source_count",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "source_count", "version", "created_at", "updated_at"]


class OutletWriteSerializer(WriteSerializer):
    class Meta:
        model = Outlet
        fields = ["name", "domain", "kind", "country", "state_affiliated", "reliability", "notes"]


class SourceBriefSerializer(serializers.ModelSerializer):
    outlet = OutletBriefSerializer(read_only=True)

    class Meta:
        model = Source
        fields = ["id", "title", "url", "published_at", "outlet"]
        read_only_fields = fields


class CitedSourceSerializer(serializers.ModelSerializer):
    """A cited or citing source, named without its outlet."""

    class Meta:
        model = Source
        fields = ["id", "title", "url", "published_at"]
        read_only_fields = fields


class ExcerptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Excerpt
        fields = ["id", "start", "end", "exact", "prefix", "suffix", "anchor", "version"]
        read_only_fields = fields


class ExcerptWriteSerializer(InputSerializer):
    exact = TextField(
        max_length=100_000,
        trim_whitespace=False,
        help_text="The quoted text, exactly as in the body.",
    )
    start = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=2_000_000_000,
        help_text="Offset of the quote; needed when the text occurs more than once.",
    )


class SourceSerializer(serializers.ModelSerializer):
    """A source in lists: everything but its body."""

    outlet = OutletBriefSerializer(read_only=True)
    excerpt_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "outlet",
            "kind",
            "title",
            "url",
            "normalized_url",
            "author",
            "language",
            "published_at",
            "retrieved_at",
            "excerpt_count",
            "version",
        ]
        read_only_fields = fields


class SourceDetailSerializer(serializers.ModelSerializer):
    """A source with its full text, its excerpts, and what it cites and is cited by."""

    outlet = OutletBriefSerializer(read_only=True)
    excerpts = ExcerptSerializer(many=True, read_only=True)
    cites = CitedSourceSerializer(many=True, read_only=True)
    cited_by = CitedSourceSerializer(many=True, read_only=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "outlet",
            "kind",
            "title",
            "url",
            "normalized_url",
            "author",
            "language",
            "published_at",
            "retrieved_at",
            "body",
            "content_hash",
            "excerpts",
            "cites",
            "cited_by",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SourceWriteSerializer(WriteSerializer):
    """Input for ingesting a source; duplicates are refused by the service."""

    outlet = serializers.PrimaryKeyRelatedField(queryset=Outlet.objects.all())
    cites = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.only("id"), many=True, required=False
    )

    class Meta:
        model = Source
        fields = [
            "outlet",
            "kind",
            "title",
            "url",
            "author",
            "language",
            "published_at",
            "retrieved_at",
            "body",
            "cites",
            "notes",
        ]
        extra_kwargs = {"body": {"trim_whitespace": False}}
        # Uniqueness is the service's to decide, with the right error code.
        validators = []


class SourceUpdateSerializer(SourceWriteSerializer):
    """Input for correcting a source; a changed body re-anchors its excerpts."""

    class Meta(SourceWriteSerializer.Meta):
        fields = [name for name in SourceWriteSerializer.Meta.fields if name != "cites"]
