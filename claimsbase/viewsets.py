"""The API's shared endpoint machinery: the schema class, the record viewset base, tokens.

Kept apart from ``claimsbase.api``, which DRF's settings import while DRF
itself is still loading, so that module must not import views.
"""

from __future__ import annotations

from http import HTTPStatus

from django.http import Http404
from django.urls import reverse
from drf_spectacular.authentication import BasicScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from knox import auth as knox_auth
from knox.models import AuthToken
from rest_framework import authentication, parsers, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from claimsbase import services
from claimsbase.api import ErrorSerializer, JSONParser, etag_for, expected_version
from claimsbase.permissions import RolePermission, SignedInPermission
from claimsbase.signin import LockoutBasicAuthentication

IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": r'^(W/)?"[0-9]{1,9}"$'},
    OpenApiParameter.HEADER,
    required=True,
    description=(
        'Required: the ETag of the version you edited, as a GET answers it, e.g. "3". '
        "Without it the request is refused with 428; if the record has changed since, "
        "with 412. Either way nothing changes."
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

    def get_tags(self):
        # One group per resource (/api/v1/claims/… → "claims"), as the API root lists them.
        segments = [part for part in self.path.split("/") if part]
        if segments[:2] == ["api", "v1"] and len(segments) > 2:
            return [segments[2]]
        return ["api"]

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
        if self.method in ("PUT", "PATCH", "DELETE") and isinstance(self.view, RecordViewSet):
            codes = {**codes, **EDIT_ERRORS}
        for code, description in codes.items():
            if code not in responses:
                responses[code] = self._error_response(code, description).ref
        return responses

    def _error_response(self, code: str, description: str) -> ResolvedComponent:
        """The answer with status ``code``, defined once under ``components/responses``
        (named for its status: ``NotFound``, ``PreconditionFailed``…) and referenced by
        every operation that can give it."""
        error = self.resolve_serializer(ErrorSerializer, "response")
        component = ResolvedComponent(
            name=HTTPStatus(int(code)).phrase.title().replace(" ", "").replace("-", ""),
            type=ResolvedComponent.RESPONSE,
            object=f"error-{code}",
            schema={
                "description": description,
                "content": {
                    "application/json": {
                        "schema": error.ref,
                        "example": _error_example(code, description),
                    }
                },
            },
        )
        self.registry.register_on_missing(component)
        return component


# Every answer an operation can give besides its success, all in ErrorSerializer's
# shape; each is one component (ClaimsbaseAutoSchema._error_response). A new status
# is one more entry here.
READ_ERRORS = {
    "400": (
        "A parameter or field is invalid, or a query parameter is unknown; "
        "the messages are per field or parameter."
    ),
    "401": "Not signed in, or the token is unknown or expired.",
    "403": "Signed in, but your role does not allow this.",
    "404": "No such record or endpoint.",
    "405": "This method is not allowed here.",
    "406": "The Accept header names no format this endpoint answers in.",
    "429": "Too many requests; retry after the number of seconds given in Retry-After.",
}
WRITE_ERRORS = {
    "409": (
        "Conflicts with what is recorded (a duplicate, or records still refer to this one); "
        "nothing was changed."
    ),
    "412": "If-Match names a version that is no longer current; nothing was changed.",
    "413": "The body is larger than the site accepts (DATA_UPLOAD_MAX_MEMORY_SIZE).",
    "415": "The body is not JSON.",
}
# Edits and deletes of a record must name the version they edited (If-Match).
EDIT_ERRORS = {
    "428": "If-Match is missing: send the ETag a GET of this record answered; nothing was changed.",
}
# The ``code`` each status carries in its example (claimsbase.api.exception_handler).
ERROR_CODES = {
    "400": "invalid",
    "401": "not_authenticated",
    "403": "permission_denied",
    "404": "not_found",
    "405": "method_not_allowed",
    "406": "not_acceptable",
    "409": "conflict",
    "412": "stale_version",
    "413": "too_large",
    "415": "unsupported_media_type",
    "428": "precondition_required",
    "429": "throttled",
}


def _error_example(code: str, description: str) -> dict:
    phrase = HTTPStatus(int(code)).phrase
    errors = (
        {"quantities.0.unit": ["“furlongs” is not a unit claimsbase knows."]}
        if code == "400"
        else {}
    )
    return {
        "status": int(code),
        "code": ERROR_CODES.get(code, phrase.lower().replace(" ", "_").replace("-", "_")),
        "detail": description.split(";")[0].rstrip("."),
        "errors": errors,
    }


# --- documentation of the operations ------------------------------------------
#
# Operation summaries and descriptions are written here for script authors, never
# taken from docstrings (SPECTACULAR_SETTINGS["DISABLE_DOCSTRING_DESCRIPTIONS"]):
# docstrings are for the people who change the code.

READ_ROLE = (
    "**Who:** anyone while reading is open (the default); when the site closes reading, "
    "any signed-in user."
)
ROLE = {
    "editor": "**Who:** a user with the *editor* role.",
    "analyst": "**Who:** a user with the *analyst* or *editor* role.",
    "signed_in": "**Who:** any signed-in user (HTTP Basic with your password, or a token).",
}
VERSIONED = (
    "Send `If-Match` with the `ETag` you read: if the record changed meanwhile, "
    "the request is refused with 412 and nothing changes."
)


def example(method: str, path: str, body: str = "") -> str:
    """A request written out for a description: ``GET /api/v1/…`` and its JSON body."""
    request = f"{method} {path}"
    return f"**Example:**\n\n```\n{request}\n{body}\n```" if body else f"**Example:** `{request}`"


def describe(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part)


def record_docs(
    *,
    singular: str,
    plural: str,
    path: str,
    about: str,
    writer: str = "editor",
    list_example: str = "",
    create_body: str = "",
    edit_body: str = "",
    delete_note: str = "Refused with 409 while other records still refer to it.",
):
    """Summaries and descriptions of a record viewset's list, detail, create, edit and
    delete operations, in one voice; ``path`` is the list's path (``/api/v1/actors/``)."""
    one = f"{path}42/"
    a = "an" if singular[0] in "aeiou" else "a"
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {plural}",
            description=describe(
                f"{about} Narrow the list with the query parameters below.",
                "Rows come newest recorded first unless `ordering` says otherwise; follow "
                "`next` for the next page (`page_size` up to 200).",
                READ_ROLE,
                example("GET", list_example or path),
            ),
        ),
        retrieve=extend_schema(
            summary=f"Get one {singular}",
            description=describe(
                f"One {singular}, complete. The `ETag` header is its version: send it back "
                "as `If-Match` when you edit it.",
                READ_ROLE,
                example("GET", one),
            ),
        ),
        create=extend_schema(
            summary=f"Create {a} {singular}",
            description=describe(
                f"Records a new {singular} and answers with it (201). Unknown fields are "
                "refused with 400, as is a value of the wrong JSON type.",
                ROLE[writer],
                example("POST", path, create_body),
            ),
        ),
        update=extend_schema(
            summary=f"Replace {a} {singular}",
            description=describe(
                f"Sets the {singular}'s fields to the body; every required field must be "
                f"sent. {VERSIONED}",
                ROLE[writer],
                example("PUT", one, create_body),
            ),
        ),
        partial_update=extend_schema(
            summary=f"Edit {a} {singular}",
            description=describe(
                f"Changes only the fields sent. {VERSIONED}",
                ROLE[writer],
                example("PATCH", one, edit_body),
            ),
        ),
        destroy=extend_schema(
            summary=f"Delete {a} {singular}",
            description=describe(
                f"Deletes the {singular}. {delete_note} {VERSIONED}",
                ROLE[writer],
                example("DELETE", one),
            ),
        ),
    )


# --- viewsets ------------------------------------------------------------


class RecordViewSet(viewsets.ModelViewSet):
    """Reads through the model's read paths; every write through a service.

    ``queryset`` names the model; ``get_queryset`` picks ``for_list()`` or
    ``for_detail()``. ``write_serializer_class`` validates the shape of the
    input only; ``create_record``, ``update_record`` and ``destroy_record``
    hand the validated data to a service, which applies the rules and the
    version check in one transaction. Edits and deletes must name the version
    they edited in ``If-Match`` (428 without it, 412 when it is stale).
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
        return services.record_save(record=record, **data)

    def update_record(self, instance, data: dict, *, expected_version: int):
        return services.record_save(record=instance, expected_version=expected_version, **data)

    def destroy_record(self, instance, *, expected_version: int) -> None:
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
    # Creating a token takes no body; a failed sign-in is logged by django-axes with the
    # request's form data, which must not fail on a form-encoded or multipart request.
    parser_classes = [JSONParser, parsers.FormParser, parsers.MultiPartParser]
    pagination_class = None
    lookup_field = "token_key"
    lookup_value_regex = "[^/]+"
    serializer_class = TokenSerializer

    def _tokens(self):
        return AuthToken.objects.filter(user=self.request.user).order_by("-created")

    @extend_schema(
        summary="List your API tokens",
        description=describe(
            "The tokens you hold, newest first, each named by its first characters "
            "(`token_key`); the tokens themselves are never shown again.",
            ROLE["signed_in"],
            example("GET", "/api/v1/tokens/"),
        ),
        responses=TokenSerializer(many=True),
    )
    def list(self, request):
        return Response(TokenSerializer(self._tokens(), many=True).data)

    @extend_schema(
        summary="Create an API token",
        description=describe(
            "Sign in with your user name and password (HTTP Basic) and get a token; send it "
            "on every later request as `Authorization: Token <token>`. It is shown only in "
            "this answer and expires after 90 days unless the site says otherwise.",
            ROLE["signed_in"],
            "**Example:** `curl -u editor:password -X POST https://…/api/v1/tokens/`",
        ),
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

    @extend_schema(
        summary="Revoke an API token",
        description=describe(
            "The token named by its `token_key` stops working at once.",
            ROLE["signed_in"],
            example("DELETE", "/api/v1/tokens/abcd1234/"),
        ),
        responses={204: None},
    )
    def destroy(self, request, token_key=None):
        deleted, _ = self._tokens().filter(token_key=token_key).delete()
        if not deleted:
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- the API root ----------------------------------------------------------------

# (name, URL name) of each resource the root lists, in the order a newcomer reads them.
API_RESOURCES = [
    ("claims", "claims-api:claim-list"),
    ("actors", "claims-api:actor-list"),
    ("places", "claims-api:place-list"),
    ("topics", "claims-api:topic-list"),
    ("relations", "claims-api:relation-list"),
    ("assessments", "claims-api:assessment-list"),
    ("evidence", "claims-api:evidence-list"),
    ("outlets", "sources-api:outlet-list"),
    ("sources", "sources-api:source-list"),
    ("tokens", "tokens-api:token-list"),
]
API_LINKS = [("schema", "api_schema"), ("docs", "api_docs")]


class ApiRootView(APIView):
    """``/api/v1/``: where a script or a person starts browsing the API."""

    permission_classes = [RolePermission]

    @extend_schema(
        summary="API root: the resources",
        description=describe(
            "Every resource of the API by name, with the absolute URL of its list, and "
            "where the OpenAPI schema (`schema`) and the interactive documentation "
            "(`docs`) are.",
            READ_ROLE,
            example("GET", "/api/v1/"),
        ),
        responses=OpenApiResponse(
            OpenApiTypes.OBJECT,
            examples=[
                OpenApiExample(
                    "The root",
                    value={
                        "claims": "https://claims.example.org/api/v1/claims/",
                        "actors": "https://claims.example.org/api/v1/actors/",
                        "schema": "https://claims.example.org/api/schema/",
                        "docs": "https://claims.example.org/api/docs/",
                    },
                )
            ],
        ),
    )
    def get(self, request):
        return Response(
            {
                name: request.build_absolute_uri(reverse(url_name))
                for name, url_name in [*API_RESOURCES, *API_LINKS]
            }
        )
