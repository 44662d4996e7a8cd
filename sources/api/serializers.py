"""API shapes of outlets, sources and excerpts.

Serializers only describe fields; every write is done by a service in the
viewset. ``*BriefSerializer`` is the short form used when nesting.
"""

from __future__ import annotations

from rest_framework import serializers

from claimsbase.serializers import InputSerializer, TextField, WriteSerializer
from sources.models import Excerpt, Outlet, Source


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
