"""API plumbing shared by every endpoint.

* one JSON error shape for every refusal (``ErrorSerializer``);
* a JSON parser that refuses bodies nested deeper than any record is, and a
  body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` as a 413 in that shape;
* Django's ``ValidationError`` from a service as a 400 with field messages,
  a duplicate as a 409, a stale version as a 412;
* cursor pagination with a capped ``page_size``;
* ETag / If-Match on versioned records, If-Match required to edit or delete (428);
* throttles whose rates come from settings and whose counters live in the cache.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import exceptions, pagination, parsers, serializers, status, throttling
from rest_framework.settings import api_settings

from claimsbase import search

# Service ValidationError codes that are not "your input is malformed".
CONFLICT_CODES = {
    "duplicate_relation",
    "duplicate_url",
    "duplicate_body",
    "duplicate_external_id",
    "duplicate_actor",
    "duplicate_place",
    "protected",
}
STALE_CODE = "stale_version"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "This record was changed since you read it; fetch it again and retry."
    default_code = "stale_version"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Send If-Match with the ETag of the version you edited, as a GET of this record "
        'answers it (e.g. If-Match: "3"), so that an edit never overwrites one made meanwhile.'
    )
    default_code = "precondition_required"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This conflicts with what is already recorded."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        super().__init__(f"The body is larger than {limit:,} bytes, the most this API accepts.")


# No record the API takes is nested more than a few levels (a batch of claims,
# their appearances, each appearance's chain); this leaves ample room.
MAX_JSON_DEPTH = 100


def json_too_deep(data: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether lists and objects in ``data`` nest deeper than ``limit``; no recursion."""
    stack = [(data, 1)] if isinstance(data, (dict, list)) else []
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a body nested deeper than ``MAX_JSON_DEPTH`` with a 400.

    Python's decoder recurses once per level, so ``[`` × 100,000 would exhaust
    the stack and answer 500; a body that nests too deep is refused whether
    the decoder gives up on it or not.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = f"JSON nested deeper than {MAX_JSON_DEPTH} levels is not accepted."
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(too_deep) from None
        if json_too_deep(data):
            raise exceptions.ParseError(too_deep)
        return data


@extend_schema_serializer(
    description=(
        "Every refusal, whatever the endpoint and status, has this shape: test `status` "
        "or `code`, show `detail` to people, and read `errors` for the messages per field."
    )
)
class ErrorSerializer(serializers.Serializer):
    """The shape of every error answer."""

    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(help_text='A stable machine-readable code, e.g. "invalid".')
    detail = serializers.CharField(help_text="What went wrong, for people.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=(
            'Messages per field; nested fields are dotted ("quantities.1.unit"). A 409 for a '
            'duplicate also has "existing": [the URL of the record already holding that URL, '
            "text, name or external id]."
        ),
    )
    existing_id = serializers.IntegerField(
        required=False,
        help_text=(
            "Only on a 409 for a duplicate: the id of the record already recorded, so that "
            "get-or-create is one call to create and, when refused, no second call to find."
        ),
    )


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as {"quantities.1.unit": ["…"]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = "non_field_errors" if key == api_settings.NON_FIELD_ERRORS_KEY else str(key)
            flat.update(flatten_errors(value, f"{prefix}.{name}" if prefix else name))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            if item:
                flat.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def _codes(exc: DjangoValidationError) -> set[str]:
    return (
        {error.code for error in exc.error_list if error.code}
        if hasattr(exc, "error_list")
        else {
            error.code
            for errors in exc.error_dict.values()
            for error in errors
            if getattr(error, "code", None)
        }
    )


def _once(messages: list[str]) -> list[str]:
    """Each message once: two constraints refusing the same thing say the same sentence."""
    return list(dict.fromkeys(str(message) for message in messages))


def _from_django(exc: Exception) -> exceptions.APIException:
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return Conflict("Other records still refer to this one; it cannot be deleted.")
    codes = _codes(exc)
    messages = (
        {field: _once(texts) for field, texts in exc.message_dict.items()}
        if hasattr(exc, "error_dict")
        else {"non_field_errors": _once(exc.messages)}
    )
    if STALE_CODE in codes:
        return PreconditionFailed()
    if codes & CONFLICT_CODES:
        # A refusal with a sentence for people on top (why a record cannot be
        # deleted) says it as the detail, and what holds the record per field.
        summary = messages.pop(NON_FIELD_ERRORS, None) if hasattr(exc, "error_dict") else None
        error = Conflict(" ".join(_once(summary or exc.messages)))
        error.fields = messages
        error.existing = getattr(exc, "existing", None)
        return error
    return exceptions.ValidationError(messages)


def _existing_url(record, request) -> str:
    """The API URL of ``record``: its app's API namespace, the model's detail route."""
    from django.urls import reverse

    meta = record._meta
    path = reverse(f"{meta.app_label}-api:{meta.model_name}-detail", args=[record.pk])
    return request.build_absolute_uri(path) if request is not None else path


def exception_handler(exc, context):
    """Every refusal as ``{"status", "code", "detail", "errors"}``.

    A service's Django ``ValidationError`` becomes a 400 with field messages,
    or a 409 / 412 when its code says it is a conflict or a stale version.
    """
    # Imported here: DRF's settings import this module while rest_framework.views loads.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, (DjangoValidationError, ProtectedError, RestrictedError)):
        exc = _from_django(exc)
    elif isinstance(exc, RequestDataTooBig):
        # Django raises it when DRF reads the body; left alone it is an HTML 400 page.
        exc = PayloadTooLarge()
    elif isinstance(exc, ObjectDoesNotExist):
        # The record was deleted by another request between reading and locking it.
        exc = Http404("No such record: it was deleted meanwhile.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    fields: dict[str, list[str]] = {}
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_errors(exc.detail)
        detail = "The request has errors; see the messages per field."
        code = "invalid"
    else:
        fields = flatten_errors(getattr(exc, "fields", {})) if getattr(exc, "fields", None) else {}
        detail = str(exc.detail) if hasattr(exc, "detail") else str(exc)
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if not isinstance(code, str):
            code = "error"
    if isinstance(exc, Http404):
        code = "not_found"
    response.data = {
        "status": response.status_code,
        "code": code,
        "detail": detail,
        "errors": fields,
    }
    existing = getattr(exc, "existing", None)
    if existing is not None:
        fields["existing"] = [_existing_url(existing, context.get("request"))]
        response.data["existing_id"] = existing.pk
    return response


@csrf_exempt  # Like every API view: a refusal here must be this JSON, not a CSRF page.
def api_not_found(request, *args, **kwargs):
    """JSON 404 for paths under /api/ that name no endpoint."""
    return JsonResponse(
        {"status": 404, "code": "not_found", "detail": "No such endpoint.", "errors": {}},
        status=404,
    )


class CursorPagination(pagination.CursorPagination):
    """Stable paging through a list that changes meanwhile: no row is skipped or repeated."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request, queryset, view):
        """Best first for a ranked search unless ``?ordering=`` asks otherwise; else ``-id``."""
        if search.ranked(queryset) and not request.query_params.get("ordering"):
            return (f"-{search.SEARCH_RANK}", "-id")
        return super().get_ordering(request, queryset, view)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError(
                {
                    self.cursor_query_param: [
                        "Not a cursor this list gave; follow its next and previous links."
                    ]
                }
            ) from None

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and (not re.fullmatch(r"[0-9]{1,9}", raw) or int(raw) < 1):
            raise exceptions.ValidationError(
                {self.page_size_query_param: ["Give a whole number of at least 1."]}
            )
        return super().get_page_size(request)

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        for link, cursor in (("next", "cD0yMDI1LTAzLTEy"), ("previous", "cj0xJnA9MjAyNS0wMy0xMg")):
            paginated["properties"][link]["example"] = (
                f"https://claims.example.org/api/v1/claims/?cursor={cursor}"
            )
        return paginated

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=999_999_999)
                parameter["description"] = (
                    f"Rows per page: {self.page_size} unless given; "
                    f"more than {self.max_page_size} is cut to {self.max_page_size}."
                )
        return parameters


# --- versions ------------------------------------------------------------

_ETAG = re.compile(r'^\s*(?:W/)?"(\d{1,9})"\s*$')


def etag_for(version: int) -> str:
    return f'"{version}"'


def expected_version(request) -> int:
    """The version named by ``If-Match``, which every edit and delete must send.

    Without it (or with ``*``, which names no version) two writers could
    overwrite each other unseen, so the request is refused with 428. A value
    that names no version of the record can never match, so it is refused
    like a stale one (412).
    """
    raw = request.headers.get("If-Match")
    if raw is None or not raw.strip() or raw.strip() == "*":
        raise PreconditionRequired()
    match = _ETAG.match(raw)
    if not match:
        raise PreconditionFailed('If-Match must be an ETag from this API, e.g. "3".')
    return int(match.group(1))


# --- throttling ----------------------------------------------------------


class _SettingsRate:
    """Read the rate from settings at request time, so a changed setting takes effect."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_SettingsRate, throttling.AnonRateThrottle):
    """Requests without a signed-in user, counted per client address in the shared cache."""


class UserThrottle(_SettingsRate, throttling.UserRateThrottle):
    """Requests of a signed-in user or token, counted per user in the shared cache."""
