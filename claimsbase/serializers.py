"""Serializer bases every app's ``api/serializers.py`` builds on.

Input is strict: a field the input does not know is an error, text and
yes/no arrive in their JSON types, and a choice reads as its code with a
label for people. Apps hold only their own resources' shapes.
"""

from __future__ import annotations

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


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
