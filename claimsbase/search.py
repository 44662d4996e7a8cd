"""The one text-search interface: claims, actors, places, topics and sources.

Callers (the querysets' ``search(q)``) pass a queryset and the words typed;
this module decides how, per database.

**PostgreSQL** (production, a million claims):

- *Claims* carry a stored ``search_vector`` (a ``tsvector`` column that only
  PostgreSQL has, added by the claims migration and not a model field): the
  statement (weight A), the names and aliases of the claimant, of the actors
  and of the places the claim is about (B), and the excerpts of its
  appearances (C), stemmed with the ``english`` configuration and stripped
  of accents by ``claimsbase_unaccent`` (an IMMUTABLE wrapper of
  ``unaccent``, so it may be used in indexes). A GIN index answers ``@@``.
  ``claims.services.claims_reindex`` keeps it current.
- The query is ``websearch_to_tsquery`` ("quoted phrase", ``-word``, ``or``)
  over the unaccented words, with each word that resembles a recorded name
  (``pg_trgm`` word similarity, over GIN trigram indexes on the unaccented
  names and aliases of actors and places) OR-ed with that name: ``Kupyansk``
  also looks for ``Kupiansk``, ``Zelenskiy`` for ``Zelensky``. The SQL
  function ``claimsbase_tsquery(q)`` does this in the database, once per
  statement.
- Ranking (``ts_rank``) runs over a bounded candidate set only, see
  ``claim_search``. Results come best first, annotated ``search_rank``.
- *Actors* and *places* are matched on their unaccented names and aliases by
  substring or trigram word similarity and ranked by that similarity, so a
  picker finds ``Syrskyi`` from ``Syrsky`` or ``syrs``. *Sources* carry a
  generated ``search_vector`` of title (A), body (C) and URL (D), also
  GIN-indexed; the outlet's name matches too.

**SQLite** (the embedded default) keeps the simpler behaviour behind the
same calls: claims are searched in their stored ``search_document`` (the same
texts, lower-cased and accent-stripped) with one ``LIKE`` per word on that
one table; every word or "quoted phrase" must occur (as a substring, so
``syrsk`` finds ``Syrskyi``), ``-word`` leaves out, and there is no stemming,
no ``or``, no fuzzy names and no ranking (the list keeps its own order).
Actors, places, topics and sources match every word case-insensitively in
their own fields.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import reduce
from operator import and_, or_

from django.db import connection
from django.db.models import (
    BooleanField,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import Col, RawSQL
from django.db.models.functions import Coalesce, Greatest, Lower

MAX_TERMS = 10
# How many claims (the most recently asserted of those matching) are ranked.
# Ranking reads each candidate's tsvector; 1,000 of them take a few
# milliseconds, while ranking the 300,000 claims a common word matches in a
# million would take seconds.
CLAIM_CANDIDATES = 1000
# The annotation holding a result's rank; lists and the API order by it.
SEARCH_RANK = "search_rank"


def terms(q: str) -> list[str]:
    """Words of ``q``; a "quoted phrase" stays one term. At most MAX_TERMS are used.

    NUL characters are dropped: no stored text holds one, and PostgreSQL
    refuses them in a query parameter.
    """
    q = clean(q)
    found = [phrase or word for phrase, word in re.findall(r'"([^"]+)"|(\S+)', q)]
    return [term for term in found if term.strip()][:MAX_TERMS]


def clean(q: str | None) -> str:
    """``q`` without NUL characters (PostgreSQL refuses them) and outer spaces."""
    return (q or "").replace("\x00", "").strip()


def normalise(text: str) -> str:
    """Lower case without accents: how the SQLite document stores text."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def ranked(queryset: QuerySet) -> bool:
    """Whether ``queryset`` comes from a search that ordered it by rank."""
    return SEARCH_RANK in queryset.query.annotations


# --- the portable fallback -----------------------------------------------


def text_search(queryset: QuerySet, q: str, fields: list[str]) -> QuerySet:
    """Every word must occur in at least one of ``fields``, case insensitively.

    Fields may cross relations (``aliases__name``); matching ids are taken in
    a subquery, so joins to many-valued relations never duplicate rows.
    """
    words = terms(q)
    if not words:
        return queryset
    condition = reduce(
        and_,
        (reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields)) for word in words),
    )
    matching = queryset.model._default_manager.filter(condition).values("pk")
    return queryset.filter(pk__in=matching)


def document_search(queryset: QuerySet, q: str, field: str = "search_document") -> QuerySet:
    """Every word or phrase in the stored, normalised document; ``-word`` must not be there."""
    condition = Q()
    for term in terms(q):
        excluded = term.startswith("-") and len(term) > 1
        text = normalise(term[1:] if excluded else term)
        lookup = Q(**{f"{field}__contains": text})
        condition &= ~lookup if excluded else lookup
    return queryset.filter(condition)


# --- PostgreSQL ------------------------------------------------------------


def _unaccented(field: str) -> Func:
    """``lower(claimsbase_unaccent(field))``: the expression the trigram indexes hold."""
    return Lower(Func(F(field), function="claimsbase_unaccent"))


def _hidden_column(queryset: QuerySet, column: str) -> Col:
    """A column the database has but the model does not declare (the stored tsvectors).

    A ``Col`` keeps its table alias right when the query becomes a subquery.
    """
    field = FloatField()  # any field will do: only its column name is read
    field.column = column
    field.model = queryset.model
    return Col(queryset.query.get_initial_alias(), field)


def _matches(vector: Col, query: RawSQL) -> Func:
    return Func(
        vector, query, template="%(expressions)s", arg_joiner=" @@ ", output_field=BooleanField()
    )


def _rank(vector: Col, query: RawSQL) -> Func:
    return Func(vector, query, function="ts_rank", output_field=FloatField())


def claim_search(queryset: QuerySet, q: str) -> QuerySet:
    """Claims matching ``q``, best first on PostgreSQL.

    Why a bounded candidate set: a word found in 30 % of a million claims
    gives a GIN bitmap of 300,000 rows, and ranking them all reads every
    one of their tsvectors (seconds). So the matching claims are taken in
    the list's own order (most recently asserted first) and only the first
    ``CLAIM_CANDIDATES`` of them are ranked. For a rare word that is every
    match, found through the GIN index; for a frequent one PostgreSQL walks
    the date index and tests ``@@`` on each row, stopping after
    ``CLAIM_CANDIDATES`` hits, which costs about ``CLAIM_CANDIDATES /
    frequency`` rows instead of the whole bitmap. The planner picks between
    the two from the words' statistics, which it can read because the query
    is a constant to it (``claimsbase_tsquery`` is folded while planning).
    A quoted phrase is estimated as if its words were merely all present, so
    a phrase much rarer than its words walks further (measured: 80 ms for a
    phrase in 1.3 % of 200,000 claims). Filters applied to ``queryset``
    before the search (status, place…) are part of the candidate query, so a
    frequent word combined with a filter still finds the filtered claims.
    """
    q = clean(q)
    if not terms(q):
        return queryset
    if not is_postgresql():
        return document_search(queryset, q)
    vector = _hidden_column(queryset, "search_vector")
    # A constant the planner folds (see migration claims 0005), so that it
    # estimates how many claims the words match.
    query = RawSQL("claimsbase_tsquery(%s)", [q])
    candidates = (
        queryset.filter(_matches(vector, query))
        .order_by("-asserted_on", "-pk")
        .values("pk")[:CLAIM_CANDIDATES]
    )
    return (
        queryset.filter(pk__in=candidates)
        .annotate(**{SEARCH_RANK: _rank(vector, query)})
        .order_by(f"-{SEARCH_RANK}", "-asserted_on", "-pk")
    )


def name_search(
    queryset: QuerySet, q: str, *, alias_model, alias_to: str, fallback_fields: list[str]
) -> QuerySet:
    """Actors or places whose name or an alias resembles ``q``, most alike first.

    A name matches when it holds ``q`` (type-ahead: ``sudz``) or when
    ``q`` is similar to it or to one of its words by trigrams (``Kupyansk`` →
    ``Kupiansk``, ``Syrsky`` → ``Oleksandr Syrskyi``); accents and case do not
    count. Both tests are
    answered by the GIN trigram indexes on the unaccented names.
    """
    q = clean(q)
    if not terms(q):
        return queryset
    if not is_postgresql():
        return text_search(queryset, q, fallback_fields)
    wanted = normalise(q)
    alike = (
        Q(norm__contains=wanted)
        | Q(norm__trigram_similar=wanted)
        | Q(norm__trigram_word_similar=wanted)
    )
    model = queryset.model
    by_name = model._default_manager.annotate(norm=_unaccented("name")).filter(alike)
    by_alias = alias_model._default_manager.annotate(norm=_unaccented("name")).filter(alike)

    def similarity(field: str) -> Func:
        return Greatest(
            Func(Value(wanted), _unaccented(field), function="similarity"),
            Func(Value(wanted), _unaccented(field), function="word_similarity"),
            output_field=FloatField(),
        )

    best_alias = (
        alias_model._default_manager.filter(**{alias_to: OuterRef("pk")})
        .annotate(similarity=similarity("name"))
        .order_by("-similarity")
        .values("similarity")[:1]
    )
    return (
        queryset.filter(Q(pk__in=by_name.values("pk")) | Q(pk__in=by_alias.values(alias_to)))
        .annotate(
            **{
                SEARCH_RANK: Greatest(
                    similarity("name"),
                    Coalesce(Subquery(best_alias, output_field=FloatField()), 0.0),
                    output_field=FloatField(),
                )
            }
        )
        .order_by(f"-{SEARCH_RANK}", "name", "pk")
    )


def exact_name(queryset: QuerySet, name: str, *, alias_model, alias_to: str) -> QuerySet:
    """Actors or places whose name or one of whose aliases is ``name``, ignoring case and accents.

    The natural-key lookup of a script's get-or-create: no substring, no
    resemblance, only the same name. On PostgreSQL both sides are
    ``lower(claimsbase_unaccent(...))``, the expression that b-tree indexes
    on the names and aliases hold (migration claims 0010), and the ids come
    from a UNION of two index probes, so the lookup costs the same at 5,000
    or 500,000 names. SQLite compares the same normal form
    (``claimsbase_normalise``) row by row, which is fine at its size.
    """
    name = clean(name)
    if not name:
        return queryset.none()
    if is_postgresql():
        wanted = Lower(Func(Value(name), function="claimsbase_unaccent"))

        def norm(field: str) -> Func:
            return _unaccented(field)
    else:
        wanted = Value(normalise(name))

        def norm(field: str) -> Func:
            return Func(F(field), function="claimsbase_normalise")

    by_name = queryset.model._default_manager.annotate(norm=norm("name")).filter(norm=wanted)
    by_alias = alias_model._default_manager.annotate(norm=norm("name")).filter(norm=wanted)
    ids = by_name.order_by().values("pk").union(by_alias.order_by().values(alias_to))
    return queryset.filter(pk__in=ids)


def source_search(queryset: QuerySet, q: str, *, outlets: QuerySet) -> QuerySet:
    """Sources whose title, body or URL match ``q``, or whose outlet is named by it.

    On PostgreSQL the stored ``search_vector`` answers through its GIN index
    and the matches are ranked; the sources are few enough (tens of
    thousands) that ranking every match stays within bounds for all but
    the commonest words, which are bounded like claims.
    """
    q = clean(q)
    if not terms(q):
        return queryset
    if not is_postgresql():
        return text_search(queryset, q, ["title", "body", "url", "outlet__name"])
    vector = _hidden_column(queryset, "search_vector")
    query = RawSQL("websearch_to_tsquery('english', claimsbase_unaccent(%s))", [q])
    by_text = (
        queryset.model._default_manager.filter(_matches(vector, query))
        .order_by("-published_at", "-pk")
        .values("pk")[:CLAIM_CANDIDATES]
    )
    named = outlets.annotate(norm=_unaccented("name")).filter(norm__contains=normalise(q))
    return (
        queryset.filter(Q(pk__in=by_text) | Q(outlet__in=named.values("pk")))
        .annotate(**{SEARCH_RANK: _rank(vector, query)})
        .order_by(f"-{SEARCH_RANK}", "-published_at", "-pk")
    )


# --- keeping claim documents current -----------------------------------------

# The texts of each claim's document, one row per (part, claim, weight, text): the
# statement; the names and aliases of the claimant, the actors and places it is
# about; the excerpts of its appearances. The claims are those of ``ids`` (a CTE),
# read from ``{claims}``: the claims table, or the staging table of an import.
_DOCUMENT_PARTS_OF = """
    SELECT 1 AS part, c.id AS claim_id, 'A' AS weight, c.statement AS text
      FROM {claims} c WHERE c.id IN (SELECT id FROM ids)
    UNION ALL
    SELECT 2, c.id, 'B', a.name FROM {claims} c
      JOIN claims_actor a ON a.id = c.claimant_id WHERE c.id IN (SELECT id FROM ids)
    UNION ALL
    SELECT 3, c.id, 'B', al.name FROM {claims} c
      JOIN claims_actoralias al ON al.actor_id = c.claimant_id WHERE c.id IN (SELECT id FROM ids)
    UNION ALL
    SELECT 4, ca.claim_id, 'B', a.name FROM claims_claim_actors ca
      JOIN claims_actor a ON a.id = ca.actor_id WHERE ca.claim_id IN (SELECT id FROM ids)
    UNION ALL
    SELECT 5, ca.claim_id, 'B', al.name FROM claims_claim_actors ca
      JOIN claims_actoralias al ON al.actor_id = ca.actor_id
     WHERE ca.claim_id IN (SELECT id FROM ids)
    UNION ALL
    SELECT 6, cp.claim_id, 'B', p.name FROM claims_claim_places cp
      JOIN claims_place p ON p.id = cp.place_id WHERE cp.claim_id IN (SELECT id FROM ids)
    UNION ALL
    SELECT 7, cp.claim_id, 'B', pa.name FROM claims_claim_places cp
      JOIN claims_placealias pa ON pa.place_id = cp.place_id
     WHERE cp.claim_id IN (SELECT id FROM ids)
    UNION ALL
    SELECT 8, ap.claim_id, 'C', e."exact" FROM claims_appearance ap
      JOIN sources_excerpt e ON e.id = ap.excerpt_id WHERE ap.claim_id IN (SELECT id FROM ids)
"""

_DOCUMENT_PARTS = _DOCUMENT_PARTS_OF.format(claims="claims_claim")

# Each claim's tsvector from its parts, in a fixed order (so a document written by an
# import and one rewritten by the services are the same, positions included).
_VECTORS = """
        SELECT claim_id,
               setweight(to_tsvector('english', claimsbase_unaccent(coalesce(
                   string_agg(text, ' ' ORDER BY part, text) FILTER (WHERE weight = 'A'), ''
               ))), 'A')
            || setweight(to_tsvector('english', claimsbase_unaccent(coalesce(
                   string_agg(text, ' ' ORDER BY part, text) FILTER (WHERE weight = 'B'), ''
               ))), 'B')
            || setweight(to_tsvector('english', claimsbase_unaccent(coalesce(
                   string_agg(text, ' ' ORDER BY part, text) FILTER (WHERE weight = 'C'), ''
               ))), 'C')
               AS vector
          FROM parts GROUP BY claim_id
"""

_REINDEX_POSTGRESQL = f"""
    WITH ids AS (SELECT DISTINCT unnest(%(ids)s::bigint[]) AS id),
    parts AS ({_DOCUMENT_PARTS}),
    documents AS ({_VECTORS})
    UPDATE claims_claim SET search_vector = documents.vector, search_document = ''
      FROM documents WHERE claims_claim.id = documents.claim_id
"""

_REINDEX_SQLITE = f"""
    WITH ids AS (SELECT value AS id FROM json_each(%(ids)s)),
    parts AS ({_DOCUMENT_PARTS}),
    documents AS (
        SELECT claim_id, claimsbase_normalise(group_concat(text, ' ')) AS document
          FROM parts GROUP BY claim_id
    )
    UPDATE claims_claim SET search_document = documents.document
      FROM documents WHERE claims_claim.id = documents.claim_id
"""

REINDEX_BATCH = 10_000


def reindex_claims(claim_ids: Iterable[int]) -> None:
    """Recompute the search documents of these claims: one statement per 10,000 ids."""
    import json

    ids = sorted({int(pk) for pk in claim_ids})
    with connection.cursor() as cursor:
        for start in range(0, len(ids), REINDEX_BATCH):
            batch = ids[start : start + REINDEX_BATCH]
            if connection.vendor == "postgresql":
                cursor.execute(_REINDEX_POSTGRESQL, {"ids": batch})
            else:
                cursor.execute(_REINDEX_SQLITE, {"ids": json.dumps(batch)})


def insert_indexed_claims(staging: str, columns: list[str]) -> None:
    """Move new claims from ``staging`` into the claims table with their search vectors.

    PostgreSQL only; for a bulk import. Writing each claim once, with its
    vector, costs a fraction of inserting it and then recomputing its
    document (``reindex_claims``): that UPDATE writes every claim row a second
    time, with an entry in each of the table's indexes. The claims' links,
    appearances and excerpts must already be written (the foreign keys to the
    claims are checked at commit). ``columns`` are those filled in ``staging``.
    """
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    selected = ", ".join(f"s.{connection.ops.quote_name(column)}" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH ids AS (SELECT id FROM {staging}),
            parts AS ({_DOCUMENT_PARTS_OF.format(claims=staging)}),
            documents AS ({_VECTORS})
            INSERT INTO claims_claim ({quoted}, search_vector)
            SELECT {selected}, documents.vector
              FROM {staging} s LEFT JOIN documents ON documents.claim_id = s.id
            """
        )


def sqlite_functions(sender, connection, **kwargs) -> None:
    """Give each SQLite connection ``claimsbase_normalise``, which builds its documents."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "claimsbase_normalise", 1, lambda text: normalise(text or ""), deterministic=True
        )
