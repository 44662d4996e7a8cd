"""The API's shared endpoint machinery: the schema class, the record viewset base, tokens.

Kept apart from ``claimsbase.api``, which DRF's settings import while DRF
itself is still loading, so that module must not import views.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from knox import auth as knox_auth
from knox.models import AuthToken
from rest_framework import authentication, serializers, status, viewsets
from rest_framework.response import Response

from claimsbase import services
from claimsbase.api import ErrorSerializer, etag_for, expected_version
from claimsbase.permissions import SignedInPermission

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        'The ETag of the version you edited, e.g. "3". If the record has changed since, '
        "the request is refused with 412 and nothing changes."
    ),
)


class ClaimsbaseAutoSchema(AutoSchema):
    """drf-spectacular schema with the error answers and If-Match every client needs to know."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method in ("PUT", "PATCH", "DELETE"):
            parameters.append(IF_MATCH)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        error = self._get_response_for_code(ErrorSerializer, "400")
        codes = ["400", "401", "403", "404", "405", "406", "429"]
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            codes += ["409", "412", "415"]
        for code in codes:
            responses.setdefault(code, error)
        return responses


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
        return services.record_save(record=record, actor=self.request.user, **data)

    def update_record(self, instance, data: dict, *, expected_version: int | None):
        return services.record_save(
            record=instance, actor=self.request.user, expected_version=expected_version, **data
        )

    def destroy_record(self, instance, *, expected_version: int | None) -> None:
        services.record_delete(
            record=instance, actor=self.request.user, expected_version=expected_version
        )


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
        authentication.BasicAuthentication,
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

    @extend_schema(request=None, responses={201: NewTokenSerializer})
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
