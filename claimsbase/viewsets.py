"""The API's shared endpoint machinery: the schema class, the record viewset base, tokens.

Kept apart from ``claimsbase.api``, which DRF's settings import while DRF
itself is still loading, so that module must not import views.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.authentication import BasicScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from knox import auth as knox_auth
from knox.models import AuthToken
from rest_framework import authentication, parsers, serializers, status, viewsets
from rest_framework.response import Response

from claimsbase import services
from claimsbase.api import ErrorSerializer, etag_for, expected_version
from claimsbase.permissions import RolePermission, SignedInPermission
from claimsbase.signin import LockoutBasicAuthentication

IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": r'^(W/)?"[0-9]{1,9}"$|^\*$'},
    OpenApiParameter.HEADER,
    required=False,
    description=(
        'The ETag of the version you edited, e.g. "3". If the record has changed since, '
        "the request is refused with 412 and nothing changes."
    ),
)

ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    description='The record\'s version, e.g. "3": send it back as If-Match to edit safely.',
    response=[200],
)


class LockoutBasicScheme(BasicScheme):
    """The token endpoint's HTTP Basic sign-in, documented as plain HTTP Basic."""

    target_class = "claimsbase.signin.LockoutBasicAuthentication"


class ClaimsbaseAutoSchema(AutoSchema):
    """drf-spectacular schema with the error answers and If-Match every client needs to know."""

    def get_auth(self):
        auths = super().get_auth()
        # Reading needs no sign-in unless reading is closed (claimsbase.permissions).
        permissions = {type(permission) for permission in self.view.get_permissions()}
        if self.method == "GET" and RolePermission in permissions:
            auths.append({})
        return auths

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request":
            schema["additionalProperties"] = False  # unknown fields are refused
        return schema

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        if isinstance(field, serializers.URLField):
            # Every URL a record holds is optional: a web address, or "" when there is none.
            schema.pop("format", None)
            schema.pop("oneOf", None)
            schema.update(type="string", pattern=r"^$|^https?://\S+$")
            if field.max_length:
                schema["maxLength"] = field.max_length

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if isinstance(self.view, RecordViewSet):
            if self.method in ("PUT", "PATCH", "DELETE"):
                parameters.append(IF_MATCH)
            if self.view.action in ("retrieve", "update", "partial_update"):
                parameters.append(ETAG)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = READ_ERRORS if self.method == "GET" else {**READ_ERRORS, **WRITE_ERRORS}
        for code, description in codes.items():
            if code not in responses:
                error = self._get_response_for_code(ErrorSerializer, code)
                responses[code] = {**error, "description": description}
        return responses


# Every answer an operation can give besides its success, all in ErrorSerializer's shape.
READ_ERRORS = {
    "400": "A parameter or field is invalid; the messages are per field.",
    "401": "Not signed in, or the token is unknown or expired.",
    "403": "Signed in, but your role does not allow this.",
    "404": "No such record or endpoint.",
    "405": "This method is not allowed here.",
    "406": "The Accept header names no format this endpoint answers in.",
    "429": "Too many requests; retry after the time given in Retry-After.",
}
WRITE_ERRORS = {
    "409": "Conflicts with what is recorded (a duplicate, or records still refer to this one).",
    "412": "If-Match names a version that is no longer current; nothing was changed.",
    "415": "The body is not JSON.",
}


# --- viewsets ------------------------------------------------------------


class RecordViewSet(viewsets.ModelViewSet):
    """Reads through the model's read paths; every write through a service.

    ``queryset`` names the model; ``get_queryset`` picks ``for_list()`` or
    ``for_detail()``. ``write_serializer_class`` validates the shape of the
    input only; ``create_record``, ``update_record`` and ``destroy_record``
    hand the validated data to a service, which applies the rules and the
    version check in one transaction.
    """

    write_serializer_class: type[serializers.Serializer] | None = None
    detail_serializer_class: type[serializers.Serializer] | None = None
    # Records are written as JSON: nested rows (quantities, appearances) have no form encoding.
    parser_classes = [parsers.JSONParser]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        model_qs = self.queryset.model._default_manager.all()
        if self.action == "list":
            return model_qs.for_list()
        return model_qs.for_detail()

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update") and self.write_serializer_class:
            return self.write_serializer_class
        if self.action != "list" and self.detail_serializer_class:
            return self.detail_serializer_class
        return self.serializer_class

    def read_serializer(self, instance):
        serializer_class = self.detail_serializer_class or self.serializer_class
        return serializer_class(instance, context=self.get_serializer_context())

    def reload(self, instance):
        return self.queryset.model._default_manager.for_detail().get(pk=instance.pk)

    def versioned(self, response: Response, instance) -> Response:
        version = getattr(instance, "version", None)
        if version is not None:
            response["ETag"] = etag_for(version)
        return response

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return self.versioned(Response(self.read_serializer(instance).data), instance)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.reload(self.create_record(dict(serializer.validated_data)))
        response = Response(self.read_serializer(instance).data, status=status.HTTP_201_CREATED)
        return self.versioned(response, instance)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        expected = expected_version(request)
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        instance = self.update_record(
            instance, dict(serializer.validated_data), expected_version=expected
        )
        instance = self.reload(instance)
        return self.versioned(Response(self.read_serializer(instance).data), instance)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        self.destroy_record(instance, expected_version=expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    # The service calls; override where a model has its own service.
    def create_record(self, data: dict):
        record = self.queryset.model()
        return services.record_save(record=record, **data)

    def update_record(self, instance, data: dict, *, expected_version: int | None):
        return services.record_save(record=instance, expected_version=expected_version, **data)

    def destroy_record(self, instance, *, expected_version: int | None) -> None:
        services.record_delete(record=instance, expected_version=expected_version)


# --- tokens --------------------------------------------------------------


class TokenSerializer(serializers.Serializer):
    """A token as listed: its first characters name it; the token itself is never stored."""

    token_key = serializers.CharField(read_only=True, help_text="The token's first characters.")
    created = serializers.DateTimeField(read_only=True)
    expiry = serializers.DateTimeField(read_only=True, allow_null=True)


class NewTokenSerializer(TokenSerializer):
    token = serializers.CharField(
        read_only=True, help_text="Send as `Authorization: Token <token>`. Shown only once."
    )


class TokenViewSet(viewsets.ViewSet):
    """Your own API tokens: create one (sign in with your password), list them, revoke one.

    Tokens are stored as hashes (django-rest-knox), so a leaked database does
    not leak working tokens.
    """

    authentication_classes = [
        knox_auth.TokenAuthentication,
        LockoutBasicAuthentication,
        authentication.SessionAuthentication,
    ]
    permission_classes = [SignedInPermission]
    pagination_class = None
    lookup_field = "token_key"
    lookup_value_regex = "[^/]+"
    serializer_class = TokenSerializer

    def _tokens(self):
        return AuthToken.objects.filter(user=self.request.user).order_by("-created")

    @extend_schema(responses=TokenSerializer(many=True))
    def list(self, request):
        return Response(TokenSerializer(self._tokens(), many=True).data)

    @extend_schema(
        request=None,
        responses={
            201: NewTokenSerializer,
            429: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "Too many failed sign-ins for this username or from this address: "
                    "every attempt, even with the right password, is refused until the "
                    "time given in Retry-After has passed."
                ),
            ),
        },
    )
    def create(self, request):
        instance, token = AuthToken.objects.create(user=request.user)
        data = {**TokenSerializer(instance).data, "token": token}
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, token_key=None):
        deleted, _ = self._tokens().filter(token_key=token_key).delete()
        if not deleted:
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)
