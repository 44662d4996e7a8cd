"""``manage.py generate_corpus --claims N [--seed S] [--append]``: a synthetic knowledge base.

Writes the rows of ``claims.corpus.Corpus`` (one source per 20 claims,
about 50 outlets, up to 5,000 actors and 10,000 places, appearances with
excerpts and attribution chains, quantities, assessments over two years,
relations), so that pages, queries and the benchmark can be measured at the
working size. The same seed gives the same rows and ids.

How it writes, and why:
- COPY on PostgreSQL, ``bulk_create`` elsewhere, one transaction per batch of
  claims (10,000 by default), so a million claims load in minutes and no
  transaction holds millions of deferred foreign-key checks.
- Ids are explicit, so the sequences are moved past them afterwards.
- No history rows (django-simple-history) are written: nobody edited these
  records, and a history row per record would double the load for nothing.
  The pages show such a record with an empty history.
- Then each claim's stored search document is recomputed
  (``claims.services.claims_reindex``, 10,000 claims at a time) and the
  tables are ANALYZEd (and VACUUMed on PostgreSQL) so the planner sees their
  real size and the new GIN indexes are compact.

The database must hold no records yet. ``--append`` writes the corpus after
the existing rows instead: ids continue after the highest id of each table,
and the names that must be unique across the database (outlets, actors,
countries, topics) carry the first new claim id, e.g. "Kyiv Courier [1000001]".

A load that fails part-way leaves the batches written before the failure;
empty the database (``manage.py flush``) before loading again.
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from tqdm import tqdm

from claims import services
from claims.corpus import FIELDS, Corpus, Rows
from claims.models import Actor, Claim, Place, Topic
from claimsbase.models import TrackedModel
from sources.models import Outlet, Source

REINDEX_BATCH = 10_000


def _columns(model: type[models.Model]) -> tuple[str, ...]:
    if issubclass(model, TrackedModel):
        return (*FIELDS[model], "created_at", "updated_at", "version")
    return FIELDS[model]


def write_rows(rows: Rows, *, recorded_at) -> None:
    """Insert a batch of corpus rows: COPY on PostgreSQL, ``bulk_create`` elsewhere."""
    for model, model_rows in rows.items():
        if not model_rows:
            continue
        names = _columns(model)
        tracked = (recorded_at, recorded_at, 1) if issubclass(model, TrackedModel) else ()
        if connection.vendor == "postgresql":
            quote = connection.ops.quote_name
            columns = ", ".join(quote(model._meta.get_field(name).column) for name in names)
            statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
                for row in model_rows:
                    copy.write_row(row + tracked)
        else:
            model._base_manager.bulk_create(
                model(**dict(zip(names, row + tracked, strict=True))) for row in model_rows
            )


class Command(BaseCommand):
    help = (
        "Fill an empty database with a synthetic corpus of N claims (with sources, actors, "
        "places, quantities, assessments and relations), the same for the same seed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--claims", type=int, required=True, help="How many claims.")
        parser.add_argument("--seed", type=int, default=1, help="The corpus for this seed.")
        parser.add_argument(
            "--append",
            action="store_true",
            help="Write after the records already in the database instead of refusing.",
        )
        parser.add_argument(
            "--batch", type=int, default=10_000, help="Claims written per transaction."
        )

    def handle(self, *args, claims: int, seed: int, append: bool, batch: int, **options):
        if claims < 1:
            raise CommandError("--claims must be at least 1.")
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        populated = any(
            model.objects.exists() for model in (Claim, Source, Outlet, Actor, Place, Topic)
        )
        if populated and not append:
            raise CommandError(
                "The database already holds records; pass --append to add the corpus after them."
            )
        first_ids = {
            model: (model._base_manager.aggregate(top=Max("id"))["top"] or 0) + 1
            for model in FIELDS
            if "id" in FIELDS[model]
        }
        label = f" [{first_ids[Claim]}]" if populated else ""
        corpus = Corpus(claims=claims, seed=seed, first_ids=first_ids, label=label)
        quiet = options["verbosity"] == 0
        recorded_at = timezone.now()
        started = time.monotonic()
        written = 0
        try:
            with transaction.atomic():
                write_rows(corpus.reference_rows(), recorded_at=recorded_at)
            with tqdm(total=claims, unit="claims", file=sys.stderr, disable=quiet) as bar:
                for rows, count in corpus.claim_batches(batch):
                    with transaction.atomic():
                        write_rows(rows, recorded_at=recorded_at)
                    written += count
                    bar.update(count)
        except DatabaseError as error:
            raise CommandError(
                f"Loading stopped after {written} claims: {error}".strip()
                + " Empty the database (manage.py flush) before loading again."
            ) from error
        loaded = time.monotonic() - started

        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(FIELDS)):
                cursor.execute(statement)
        first = first_ids[Claim]
        with tqdm(
            total=claims, unit="claims", desc="reindex", file=sys.stderr, disable=quiet
        ) as bar:
            for start in range(first, first + claims, REINDEX_BATCH):
                stop = min(start + REINDEX_BATCH, first + claims)
                services.claims_reindex(claim_ids=list(range(start, stop)))
                bar.update(stop - start)
        with connection.cursor() as cursor:
            # VACUUM as well on PostgreSQL: freshly filled GIN (trigram) indexes keep a
            # pending list that makes every fuzzy name lookup slow until it is cleaned.
            in_transaction = not connection.get_autocommit()
            vacuum = connection.vendor == "postgresql" and not in_transaction
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        total = time.monotonic() - started
        if not quiet:
            self.stdout.write(
                f"Loaded {claims} claims and {corpus.sources} sources (seed {seed}) in "
                f"{loaded:.1f} s ({claims / loaded:,.0f} claims/s); "
                f"with reindexing and ANALYZE {total:.1f} s."
            )
