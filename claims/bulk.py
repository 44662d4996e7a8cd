"""Writing claims in batches: the bulk counterpart of ``claims.services``.

``claims.services.claim_create`` writes one claim in some seventy queries:
every row is checked with ``full_clean()`` (whose constraint checks query the
database), every id is fetched on its own, every save writes its history
row. That is right for an editor's form and far too slow for a file of a
hundred thousand claims. ``claims_import`` keeps the same rules for a whole
batch with a fixed number of queries:

* each row is read with the API's own field objects (the input of
  ``POST /api/v1/claims/``), so a mistake gets the message the API gives;
  a row whose shape the lean reading does not expect (a missing field, a
  list where a number goes, an id written as text) is handed to
  ``ClaimWriteSerializer`` itself;
* every actor, place, topic, source, outlet and excerpt the batch names is
  fetched in one query per model;
* the one-row rules run in Python: the models' ``clean()`` (units through
  ``claims.units``, which parses each unit text once), the check
  constraints, and the excerpt anchoring of ``sources.services.excerpt_build``;
* the records are then written, each with one history row ("Imported", by
  the importing user), in one transaction: on PostgreSQL with one binary
  COPY per table, the claims last and with their search vectors (so no
  claim is written twice); on SQLite with ``bulk_create``, then the batch's
  search documents are recomputed. Only the quantities and excerpts, whose
  checks need them, become model instances before the write.

A batch is all or nothing: if any row is refused, nothing of the batch is
written and every refused row is reported. Rows carrying an external id
already recorded for their source system are skipped, so importing the
same file twice writes its claims once.
"""

from __future__ import annotations

import datetime
import functools
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import (
    MaxLengthValidator,
    ProhibitNullCharactersValidator,
)
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework import serializers
from rest_framework.fields import ProhibitSurrogateCharactersValidator

from claims import services
from claims.api.serializers import ClaimWriteSerializer
from claims.models import Actor, Appearance, AttributionStep, Claim, Place, Quantity, Topic
from claimsbase import search
from claimsbase.api import flatten_errors
from sources.models import Excerpt, Outlet, Source
from sources.services import excerpt_build

# The most rows one request to the API may carry; a file is read in batches.
MAX_BATCH_SIZE = 1000

IMPORT_REASON = "Imported"

Errors = dict[str, list[str]]


@dataclass
class ImportResult:
    """What one batch wrote: the new claims' ids, and the rows skipped as already present."""

    created: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


@dataclass
class RowError:
    """Why one row was refused: its index in the batch, its external id, messages per field."""

    index: int
    external_id: str
    errors: Errors


class BatchRefused(ValidationError):
    """Some rows of a batch were refused, so none was written.

    The messages are keyed ``rows.<index>.<field>`` (``rows.3.quantities.0.unit``),
    the dotted shape of every API error; ``rows`` keeps them per row.
    """

    def __init__(self, rows: list[RowError]):
        self.rows = rows
        super().__init__(
            {
                f"rows.{row.index}" + ("" if name == NON_FIELD_ERRORS else f".{name}"): messages
                for row in rows
                for name, messages in row.errors.items()
            },
            code="invalid",
        )


def _constraint_message(model, rule: str) -> str:
    """The message of ``model``'s constraint for ``rule``, so that text lives once, on the model."""
    for constraint in model._meta.constraints:
        if constraint.name.endswith(f"_{rule}"):
            return str(constraint.violation_error_message)
    raise LookupError(f"{model.__name__} has no constraint for {rule!r}")


# --- reading a row -----------------------------------------------------------


class _Unusual(Exception):
    """The row is not in the shape the lean reading expects; the API's serializer reads it."""


_TEXT_VALIDATORS = (
    MaxLengthValidator,
    ProhibitNullCharactersValidator,
    ProhibitSurrogateCharactersValidator,
)


def _reader(drf_field: serializers.Field) -> Callable[[Any], Any]:
    """A function reading one value as ``drf_field`` does, quickly for the usual values.

    The usual value (a clean string, an ISO date, a whole number, a listed
    choice) is read directly; anything else goes through the field's own
    ``run_validation``, so an unusual value is accepted or refused exactly as
    the API does, with its message.
    """
    slow = drf_field.run_validation
    plain = all(isinstance(v, _TEXT_VALIDATORS) for v in drf_field.validators)

    if isinstance(drf_field, serializers.ChoiceField):
        choices = drf_field.choice_strings_to_values

        def read_choice(value):
            if type(value) is str and value in choices:
                return choices[value]
            return slow(value)

        return read_choice
    if isinstance(drf_field, serializers.CharField) and plain:
        trim, blank_ok = drf_field.trim_whitespace, drf_field.allow_blank
        longest = drf_field.max_length

        def read_text(value):
            if type(value) is str:
                text = value.strip() if trim else value
                if (
                    (text or blank_ok)
                    and (longest is None or len(text) <= longest)
                    and "\x00" not in text
                    and (text.isascii() or _encodable(text))
                ):
                    return text
            return slow(value)

        return read_text
    if isinstance(drf_field, serializers.DateField) and not drf_field.validators:

        def read_date(value):
            if type(value) is str and len(value) == 10:
                try:
                    return datetime.date.fromisoformat(value)
                except ValueError:
                    pass
            if value is None and drf_field.allow_null:
                return None
            return slow(value)

        return read_date
    if isinstance(drf_field, serializers.DecimalField) and not drf_field.validators:
        places = Decimal(1).scaleb(-drf_field.decimal_places)
        bound = 10 ** (drf_field.max_digits - drf_field.decimal_places)

        def read_decimal(value):
            if type(value) is int and -bound < value < bound:
                return Decimal(value).quantize(places)
            if value is None and drf_field.allow_null:
                return None
            return slow(value)

        return read_decimal
    if isinstance(drf_field, serializers.IntegerField) and not drf_field.validators:
        low, high = drf_field.min_value, drf_field.max_value

        def read_integer(value):
            if (
                type(value) is int
                and (low is None or value >= low)
                and (high is None or value <= high)
            ):
                return value
            if value is None and drf_field.allow_null:
                return None
            return slow(value)

        return read_integer
    return slow


def _encodable(text: str) -> bool:
    """No lone surrogate (which JSON can carry and the database cannot store)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


@dataclass
class _Shape:
    """How to read one object of the input: scalar readers, id fields, nested lists."""

    readers: dict[str, Callable[[Any], Any]]
    ids: dict[str, bool]  # id field -> may be null
    id_lists: tuple[str, ...]
    required: frozenset[str]
    nested: dict[str, _Shape]

    @classmethod
    def of(cls, serializer: serializers.Serializer) -> _Shape:
        readers, ids, id_lists, nested = {}, {}, [], {}
        for name, drf_field in serializer.fields.items():
            if isinstance(drf_field, serializers.ListSerializer):
                nested[name] = cls.of(drf_field.child)
            elif isinstance(drf_field, serializers.ManyRelatedField):
                id_lists.append(name)
            elif isinstance(drf_field, serializers.PrimaryKeyRelatedField):
                ids[name] = drf_field.allow_null
            else:
                readers[name] = _reader(drf_field)
        required = frozenset(name for name, f in serializer.fields.items() if f.required)
        return cls(readers, ids, tuple(id_lists), required, nested)

    def read(self, data: Any, errors: Errors, prefix: str = "") -> dict:
        """The values of ``data``; field errors go to ``errors``; ``_Unusual`` for odd shapes."""
        if type(data) is not dict or not self.required.issubset(data):
            raise _Unusual
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name in self.readers:
                try:
                    values[name] = self.readers[name](value)
                except serializers.ValidationError as error:
                    errors[prefix + name] = [str(message) for message in error.detail]
            elif name in self.ids:
                if not (type(value) is int or (value is None and self.ids[name])):
                    raise _Unusual
                values[name] = value
            elif name in self.id_lists:
                if type(value) is not list or any(type(item) is not int for item in value):
                    raise _Unusual
                values[name] = value
            elif name in self.nested:
                if type(value) is not list:
                    raise _Unusual
                shape = self.nested[name]
                values[name] = [
                    shape.read(item, errors, f"{prefix}{name}.{index}.")
                    for index, item in enumerate(value)
                ]
            else:
                raise _Unusual  # an unknown field
        return values


def _ids_of(validated: Any) -> Any:
    """The serializer's validated data with model instances replaced by their ids."""
    if isinstance(validated, Mapping):
        return {name: _ids_of(value) for name, value in validated.items()}
    if isinstance(validated, list):
        return [_ids_of(item) for item in validated]
    if hasattr(validated, "_meta"):
        return validated.pk
    return validated


# --- the batch -------------------------------------------------------------


@dataclass
class _Found:
    """The records a batch names, fetched once per model."""

    actors: dict[int, Actor]
    places: set[int]
    topics: set[int]
    sources: dict[int, Source]
    outlets: set[int]
    excerpts: dict[int, Excerpt]


def _fetch(rows: Iterable[dict]) -> _Found:
    wanted: dict[str, set[int]] = {name: set() for name in _Found.__dataclass_fields__}
    for row in rows:
        wanted["actors"].update([row.get("claimant"), *row.get("actors", ())])
        wanted["places"].update(row.get("places", ()))
        wanted["topics"].update(row.get("topics", ()))
        for appearance in row.get("appearances", ()):
            wanted["sources"].add(appearance.get("source"))
            wanted["excerpts"].add(appearance.get("excerpt"))
            for step in appearance.get("chain", ()):
                wanted["actors"].add(step.get("actor"))
                wanted["outlets"].add(step.get("outlet"))
                wanted["sources"].add(step.get("source"))
    wanted = {name: ids - {None} for name, ids in wanted.items()}
    return _Found(
        actors=Actor.objects.only("id").order_by().in_bulk(wanted["actors"]),
        places=set(Place.objects.only("id").order_by().in_bulk(wanted["places"])),
        topics=set(Topic.objects.only("id").order_by().in_bulk(wanted["topics"])),
        sources=Source.objects.only("id", "body").order_by().in_bulk(wanted["sources"]),
        outlets=set(Outlet.objects.only("id").order_by().in_bulk(wanted["outlets"])),
        excerpts=Excerpt.objects.only("id", "source_id").order_by().in_bulk(wanted["excerpts"]),
    )


_DOES_NOT_EXIST = serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"]


def _missing(pk: int) -> list[str]:
    return [_DOES_NOT_EXIST.format(pk_value=pk)]


@dataclass
class _Planned:
    """One row's records, built and checked, waiting for their ids.

    The claim, its appearances and their chain steps are column values
    (attribute name -> value; ``_copy_records`` fills the defaults): building
    model instances for them cost as much as checking them. The quantities
    (whose ``clean()`` reads the units) and the excerpts are instances.
    """

    claim: dict[str, Any]
    actors: list[int]
    places: list[int]
    topics: list[int]
    quantities: list[Quantity]
    appearances: list[tuple[dict[str, Any], Excerpt | None, list[dict[str, Any]]]]


def _model_errors(error: ValidationError, prefix: str) -> Errors:
    """A model's ``ValidationError`` keyed as the services key it ("quantities.1.unit")."""
    if not hasattr(error, "error_dict"):
        return {prefix.rstrip("."): list(error.messages)}
    return {
        (prefix.rstrip(".") if name == NON_FIELD_ERRORS else prefix + name): list(messages)
        for name, messages in error.message_dict.items()
    }


def _check_ids(row: dict, found: _Found, errors: Errors) -> None:
    """Refuse ids that name no record, with the API's message (which names the first one)."""

    def check(name: str, pks: list, known) -> None:
        unknown = [pk for pk in pks if pk is not None and pk not in known]
        if unknown:
            errors.setdefault(name, _missing(unknown[0]))

    check("claimant", [row.get("claimant")], found.actors)
    check("actors", row.get("actors", []), found.actors)
    check("places", row.get("places", []), found.places)
    check("topics", row.get("topics", []), found.topics)
    for index, appearance in enumerate(row.get("appearances", [])):
        prefix = f"appearances.{index}."
        check(prefix + "source", [appearance.get("source")], found.sources)
        check(prefix + "excerpt", [appearance.get("excerpt")], found.excerpts)
        for position, step in enumerate(appearance.get("chain", [])):
            step_prefix = f"{prefix}chain.{position}."
            check(step_prefix + "actor", [step.get("actor")], found.actors)
            check(step_prefix + "outlet", [step.get("outlet")], found.outlets)
            check(step_prefix + "source", [step.get("source")], found.sources)


# The id fields of a chain step as the API names them, and as its columns do.
_STEP_IDS = {"actor": "actor_id", "outlet": "outlet_id", "source": "source_id"}


def _plan(row: dict, found: _Found, errors: Errors) -> _Planned:
    """Build one row's records and check the rules ``claim_create`` and ``full_clean`` keep."""
    claim = dict(row)
    relations = {name: claim.pop(name, []) for name in ("actors", "places", "topics")}
    quantities, appearances = claim.pop("quantities", []), claim.pop("appearances", [])
    claim["claimant_id"] = claim.pop("claimant")
    start, end = claim.get("period_start"), claim.get("period_end")
    if start and end and end < start:
        errors.setdefault(NON_FIELD_ERRORS, []).append(_constraint_message(Claim, "period_ordered"))

    planned_quantities = []
    for index, fields in enumerate(quantities):
        prefix = f"quantities.{index}."
        quantity = Quantity(**fields)
        try:
            quantity.clean()
        except ValidationError as error:
            errors.update(_model_errors(error, prefix))
        if quantity.value_max is not None and quantity.value_max < quantity.value:
            errors.setdefault(prefix.rstrip("."), []).append(
                _constraint_message(Quantity, "range_ordered")
            )
        planned_quantities.append(quantity)

    planned_appearances = []
    for index, fields in enumerate(appearances):
        prefix = f"appearances.{index}."
        appearance = dict(fields)
        chain = appearance.pop("chain", [])
        source = found.sources.get(appearance["source"])
        excerpt_id, exact, start = (
            appearance.pop("excerpt", None),
            appearance.pop("exact", ""),
            appearance.pop("start", None),
        )
        appearance["source_id"] = appearance.pop("source")
        excerpt = None
        if excerpt_id is not None:
            appearance["excerpt_id"] = excerpt_id
            try:
                Appearance(
                    excerpt=found.excerpts[excerpt_id], source_id=appearance["source_id"]
                ).clean()
            except ValidationError as error:
                errors.update(_model_errors(error, prefix))
        elif exact:
            # The same anchoring as appearance_add: the quote must be in the body.
            try:
                excerpt = excerpt_build(source=source, exact=exact, start=start)
            except ValidationError as error:
                errors.update(_model_errors(error, prefix))
        steps = []
        for position, step_fields in enumerate(chain):
            step = {_STEP_IDS.get(name, name): value for name, value in step_fields.items()}
            step["position"] = position
            if not any(step.get(name) for name in ("actor_id", "outlet_id", "source_id", "label")):
                errors.setdefault(f"{prefix}chain.{position}", []).append(
                    _constraint_message(AttributionStep, "names_someone")
                )
            steps.append(step)
        planned_appearances.append((appearance, excerpt, steps))

    return _Planned(
        claim=claim,
        actors=relations["actors"],
        places=relations["places"],
        topics=relations["topics"],
        quantities=planned_quantities,
        appearances=planned_appearances,
    )


def _external_key(row: Any, source_system: str) -> tuple[str, str] | None:
    """(source system, external id) of a row that names one, read without validating the row."""
    if type(row) is not dict:
        return None
    external_id = row.get("external_id")
    if type(external_id) is not str or not external_id.strip():
        return None
    system = row.get("source_system")
    system = system.strip() if type(system) is str and system.strip() else source_system
    return system, external_id.strip()


def _already_recorded(keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    by_system: dict[str, set[str]] = {}
    for system, external_id in keys:
        by_system.setdefault(system, set()).add(external_id)
    if not by_system:
        return set()
    condition = Q()
    for system, external_ids in by_system.items():
        condition |= Q(source_system=system, external_id__in=external_ids)
    # Saying "not blank" lets PostgreSQL answer from the partial unique index on
    # (source system, external id); without it, it reads the whole table.
    recorded = Claim.objects.filter(condition).exclude(external_id="")
    return set(recorded.values_list("source_system", "external_id"))


# --- writing -----------------------------------------------------------------


def _write(planned: list[_Planned], *, by, now: datetime.datetime) -> list[int]:
    """Insert the checked records and one history row each; a fixed number of queries."""
    if connection.vendor == "postgresql":
        return _copy(planned, by=by, now=now)
    return _bulk_create(planned, by=by, now=now)


def _next_ids(wanted: dict[Any, int]) -> dict[Any, list[int]]:
    """New ids from each model's own sequence (model -> how many), so children can name
    their parents; one query for all."""
    wanted = {model: count for model, count in wanted.items() if count}
    if not wanted:
        return {}
    ranges = ", ".join(
        "ARRAY(SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s))"
        for _ in wanted
    )
    params = []
    for model, count in wanted.items():
        params += [model._meta.db_table, model._meta.pk.column, count]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {ranges}", params)
        return dict(zip(wanted, cursor.fetchone(), strict=True))


@functools.cache
def _column_types(database: str) -> dict[tuple[str, str], int]:
    """The type (oid) of every column of the visible tables: (table, column) -> oid.

    Read once per process: the binary COPY needs each column's exact type.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, a.attname, a.atttypid::int
              FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
             WHERE c.relkind IN ('r', 'p') AND pg_table_is_visible(c.oid)
               AND a.attnum > 0 AND NOT a.attisdropped
            """
        )
        return {(table, column): oid for table, column, oid in cursor.fetchall()}


def _copy_in(model, columns: list[str], rows: list[tuple]) -> None:
    """PostgreSQL's COPY into ``model``'s table (or the staging table of claims).

    Tens of times faster than an INSERT built by the ORM; in the binary
    format, with each column's type given, the rows are sent several times
    faster than as text, and the server need not parse them.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = _STAGING if model == _STAGING else model._meta.db_table
    types = _column_types(connection.settings_dict["NAME"])
    typed = Claim._meta.db_table if table == _STAGING else table
    statement = (
        f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN (FORMAT BINARY)"
    )
    started = time.monotonic()
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        copy.set_types([types[typed, column] for column in columns])
        for row in rows:
            copy.write_row(row)
    if connection.queries_logged:
        # COPY goes around Django's cursor wrapper; log it so query budgets count it.
        connection.queries_log.append(
            {"sql": f"{statement} ({len(rows)} rows)", "time": f"{time.monotonic() - started:.3f}"}
        )


# Where the PostgreSQL path puts a batch's claims before they go in with their
# search vectors (``search.insert_indexed_claims``); private to the connection.
_STAGING = "claims_claim_import"


def _create_staging() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGING} (LIKE claims_claim) ON COMMIT DROP"
        )


@functools.cache
def _defaults(model) -> tuple[dict[str, Any], dict[str, Callable[[], Any]]]:
    """The values ``model``'s columns take when a record leaves them out, and the
    defaults to call once per record (none on the imported models today)."""
    values, calls = {}, {}
    for model_field in model._meta.concrete_fields:
        if model_field.has_default() and callable(model_field.default):
            calls[model_field.attname] = model_field.get_default
        else:
            values[model_field.attname] = model_field.get_default()
    return values, calls


def _copy_records(
    model, records: list[dict[str, Any]], *, user_id, now, history_ids=None, staged=False
) -> None:
    """COPY ``records`` and one "Imported" history row each.

    A record is column values by attribute name, its id set (a model
    instance's are ``vars(instance)``); a column it leaves out takes the
    field's default. ``staged`` claims go to the staging table; ``_copy``
    moves them in last.
    """
    values, calls = _defaults(model)
    records = [
        record
        if values.keys() <= record.keys() and calls.keys() <= record.keys()
        else {**values, **{name: call() for name, call in calls.items()}, **record}
        for record in records
    ]
    fields = model._meta.concrete_fields
    attnames = [field.attname for field in fields]
    if staged:
        _create_staging()
    _copy_in(
        _STAGING if staged else model,
        [field.column for field in fields],
        [tuple(record[name] for name in attnames) for record in records],
    )
    historical = model.history.model
    tracked = [field.attname for field in historical.tracked_fields]
    columns = [field.column for field in historical.tracked_fields]
    columns += ["history_date", "history_change_reason", "history_type", "history_user_id"]
    marks = (now, IMPORT_REASON, "+", user_id)
    if history_ids is None:
        rows = [(*(record[name] for name in tracked), *marks) for record in records]
    else:
        columns.append("history_id")
        rows = [
            (*(record[name] for name in tracked), *marks, history_id)
            for record, history_id in zip(records, history_ids, strict=True)
        ]
    _copy_in(historical, columns, rows)


def _copy(planned: list[_Planned], *, by, now: datetime.datetime) -> list[int]:
    """The PostgreSQL path: ids from the sequences (one query), then one COPY per table."""
    user_id = by.pk if getattr(by, "is_authenticated", False) else None
    claims = [plan.claim for plan in planned]
    quantities = [(plan, quantity) for plan in planned for quantity in plan.quantities]
    appearances = [(plan, *parts) for plan in planned for parts in plan.appearances]
    excerpts = [excerpt for _, _, excerpt, _ in appearances if excerpt is not None]
    steps = [(appearance, step) for _, appearance, _, chain in appearances for step in chain]
    stamps = {"created_at": now, "updated_at": now}
    relations = {name: getattr(Claim, name) for name in ("actors", "places", "topics")}
    links = {
        name: [(plan.claim, pk) for plan in planned for pk in dict.fromkeys(getattr(plan, name))]
        for name in relations
    }
    ids = _next_ids(
        {
            Claim: len(claims),
            Claim.history.model: len(claims),
            Quantity: len(quantities),
            Excerpt: len(excerpts),
            Appearance: len(appearances),
            AttributionStep: len(steps),
            **{relations[name].through: len(links[name]) for name in relations},
        }
    )

    for claim, pk in zip(claims, ids.get(Claim, []), strict=True):
        claim.update(stamps, id=pk)
    for (plan, obj), pk in zip(quantities, ids.get(Quantity, []), strict=True):
        obj.pk, obj.claim_id, obj.created_at, obj.updated_at = pk, plan.claim["id"], now, now
    for obj, pk in zip(excerpts, ids.get(Excerpt, []), strict=True):
        obj.pk, obj.created_at, obj.updated_at = pk, now, now
    for (plan, appearance, excerpt, _), pk in zip(
        appearances, ids.get(Appearance, []), strict=True
    ):
        appearance.update(stamps, id=pk, claim_id=plan.claim["id"])
        if excerpt is not None:
            appearance["excerpt_id"] = excerpt.pk
    for (appearance, step), pk in zip(steps, ids.get(AttributionStep, []), strict=True):
        step.update(stamps, id=pk, appearance_id=appearance["id"])

    claim_history_ids = ids.get(Claim.history.model, [])
    _copy_records(
        Claim, claims, user_id=user_id, now=now, history_ids=claim_history_ids, staged=True
    )
    history_of = dict(zip((claim["id"] for claim in claims), claim_history_ids, strict=True))
    for name, relation in relations.items():
        through = relation.through
        target = relation.field.m2m_reverse_field_name()
        link_ids = ids.get(through, [])
        _copy_in(
            through,
            ["id", "claim_id", f"{target}_id"],
            [
                (pk, claim["id"], other)
                for pk, (claim, other) in zip(link_ids, links[name], strict=True)
            ],
        )
        _copy_in(
            apps.get_model("claims", f"HistoricalClaim_{name}"),
            ["id", "claim_id", f"{target}_id", "history_id"],
            [
                (pk, claim["id"], other, history_of[claim["id"]])
                for pk, (claim, other) in zip(link_ids, links[name], strict=True)
            ],
        )
    _copy_records(Quantity, [vars(obj) for _, obj in quantities], user_id=user_id, now=now)
    _copy_records(Excerpt, [vars(obj) for obj in excerpts], user_id=user_id, now=now)
    _copy_records(Appearance, [obj for _, obj, _, _ in appearances], user_id=user_id, now=now)
    _copy_records(AttributionStep, [obj for _, obj in steps], user_id=user_id, now=now)
    # Last, now that what their documents name is written: the claims, with them.
    search.insert_indexed_claims(_STAGING, [field.column for field in Claim._meta.concrete_fields])
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {_STAGING}")
    return [claim["id"] for claim in claims]


def _bulk_create(planned: list[_Planned], *, by, now: datetime.datetime) -> list[int]:
    """The portable path: ``bulk_create``, which returns the new ids on both databases."""
    user = by if getattr(by, "is_authenticated", False) else None

    def history(model, objects: list) -> list:
        return model.history.bulk_history_create(
            objects, default_user=user, default_change_reason=IMPORT_REASON, default_date=now
        )

    claims = Claim.objects.bulk_create([Claim(**plan.claim) for plan in planned])
    claim_history = history(Claim, claims)

    # What each claim is about, and the same links in its history row.
    for name in ("actors", "places", "topics"):
        through = getattr(Claim, name).through
        target = getattr(Claim, name).field.m2m_reverse_field_name()
        links = through.objects.bulk_create(
            [
                through(claim_id=claim.pk, **{f"{target}_id": pk})
                for plan, claim in zip(planned, claims, strict=True)
                for pk in dict.fromkeys(getattr(plan, name))
            ]
        )
        history_of = {row.id: row.history_id for row in claim_history}
        m2m_history = apps.get_model("claims", f"HistoricalClaim_{name}")
        m2m_history.objects.bulk_create(
            [
                m2m_history(
                    id=link.id,
                    claim_id=link.claim_id,
                    history_id=history_of[link.claim_id],
                    **{f"{target}_id": getattr(link, f"{target}_id")},
                )
                for link in links
            ]
        )

    quantities = []
    for plan, claim in zip(planned, claims, strict=True):
        for quantity in plan.quantities:
            quantity.claim_id = claim.pk
            quantities.append(quantity)
    history(Quantity, Quantity.objects.bulk_create(quantities))

    excerpts = [excerpt for plan in planned for _, excerpt, _ in plan.appearances if excerpt]
    history(Excerpt, Excerpt.objects.bulk_create(excerpts))

    appearances, chains = [], []
    for plan, claim in zip(planned, claims, strict=True):
        for values, excerpt, chain in plan.appearances:
            appearance = Appearance(**values, claim_id=claim.pk)
            if excerpt is not None:
                appearance.excerpt_id = excerpt.pk
            appearances.append(appearance)
            chains.append(chain)
    history(Appearance, Appearance.objects.bulk_create(appearances))

    steps = [
        AttributionStep(**values, appearance_id=appearance.pk)
        for appearance, chain in zip(appearances, chains, strict=True)
        for values in chain
    ]
    history(AttributionStep, AttributionStep.objects.bulk_create(steps))
    services.claims_reindex(claim_ids=[claim.pk for claim in claims])
    return [claim.pk for claim in claims]


def _prepare(
    rows: list[Any], source_system: str
) -> tuple[ImportResult, list[_Planned], list[RowError]]:
    """Read and check every row: the records to write, the rows skipped, the rows refused."""
    source_system = source_system.strip()
    keys = [_external_key(row, source_system) for row in rows]
    recorded = _already_recorded(key for key in keys if key)
    result = ImportResult()
    read: list[tuple[int, dict | None, Errors]] = []
    seen: set[tuple[str, str]] = set()
    shape = _Shape.of(ClaimWriteSerializer())

    for index, (row, key) in enumerate(zip(rows, keys, strict=True)):
        if key in recorded:
            result.skipped.append(index)
            continue
        errors: Errors = {}
        if key in seen:
            errors["external_id"] = ["This external id appears earlier in the same batch."]
        if key:
            seen.add(key)
        try:
            values = shape.read(row, errors)
        except _Unusual:
            serializer = ClaimWriteSerializer(data=row)
            if serializer.is_valid():
                values = _ids_of(dict(serializer.validated_data))
            else:
                errors.update(flatten_errors(serializer.errors))
                values = None
        if values is not None and not values.get("source_system"):
            values["source_system"] = source_system
        read.append((index, values, errors))

    found = _fetch(values for _, values, _ in read if values is not None)
    planned: list[_Planned] = []
    refused: list[RowError] = []
    for index, values, errors in read:
        if values is not None:
            _check_ids(values, found, errors)
        if values is not None and not errors:
            planned.append(_plan(values, found, errors))
        if errors:
            key = keys[index]
            refused.append(RowError(index, key[1] if key else "", errors))
    return result, planned, refused


def claims_check(*, rows: list[Any], source_system: str = "") -> list[RowError]:
    """The rows ``claims_import`` would refuse, and why; writes nothing."""
    return _prepare(rows, source_system)[2]


@transaction.atomic
def claims_import(*, rows: list[Any], by, source_system: str = "") -> ImportResult:
    """Record a batch of claims, each in the shape of ``POST /api/v1/claims/``; all or nothing.

    Rows whose external id is already recorded for their source system
    (the row's own ``source_system``, else the batch's) are skipped. Raises
    ``BatchRefused`` naming every refused row and field; then nothing is
    written. The claims' search documents are written with them (PostgreSQL)
    or recomputed once for the batch (SQLite).
    """
    result, planned, refused = _prepare(rows, source_system)
    if refused:
        raise BatchRefused(refused)
    try:
        with transaction.atomic():
            result.created = _write(planned, by=by, now=timezone.now())
    except IntegrityError:
        raise ValidationError(
            "Another import wrote some of these claims at the same moment; run this one "
            "again, and the claims already written will be skipped.",
            code="duplicate_external_id",
        ) from None
    return result
