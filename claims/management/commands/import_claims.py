"""``manage.py import_claims FILE``: load claims from a JSON Lines file, batch by batch.

Each line is one claim in the shape of ``POST /api/v1/claims/``. The file
is read in batches (``--batch-size`` lines), each written all or nothing by
``claims.bulk.claims_import``:

* a batch with a bad line (not JSON, a wrong type, an unknown id, a quote
  not in its source, an unknown unit) writes nothing, and every bad line of
  it is reported with its line number;
* later batches still load, so one run reports every bad line of the file;
  the command then exits with status 1;
* a line whose external id is already recorded is skipped, so once the bad
  lines are fixed the same file can be run again: what was written is not
  written twice. (Lines without an external id are written on every run.)
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from claims.bulk import BatchRefused, RowError, claims_check, claims_import
from claimsbase.api import MAX_JSON_DEPTH, json_too_deep
from claimsbase.permissions import can

# A batch is one INSERT per table; beyond this the statements grow unwieldy.
LARGEST_BATCH = 5000


class Command(BaseCommand):
    help = "Import claims from a JSON Lines file (one claim per line, as POST /api/v1/claims/)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="The JSON Lines file to read.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            help="Lines written together, all or nothing (default 1000).",
        )
        parser.add_argument(
            "--source-system",
            default="",
            help="The system the external ids come from, for lines that do not name one.",
        )
        parser.add_argument(
            "--as",
            dest="username",
            help="The editor recorded as having imported the claims.",
        )

    def handle(self, *args, file: Path, batch_size: int, source_system: str, username, **options):
        if not 1 <= batch_size <= LARGEST_BATCH:
            raise CommandError(f"--batch-size must be between 1 and {LARGEST_BATCH}.")
        by = self.importer(username)
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None

        numbered = [(number, text) for number, text in enumerate(lines, 1) if text.strip()]
        written = skipped = 0
        refused: list[tuple[int, str]] = []  # (line number, message)
        started = time.monotonic()
        for offset in range(0, len(numbered), batch_size):
            batch = numbered[offset : offset + batch_size]
            done, passed, problems = self.load(batch, by=by, source_system=source_system)
            written, skipped = written + done, skipped + passed
            refused.extend(problems)
            self.progress(offset + len(batch), len(numbered), written, started)

        self.stdout.write(
            f"{written} claims written, {skipped} skipped (already present), "
            f"{len({number for number, _ in refused})} lines refused."
        )
        for number, message in sorted(refused):
            self.stderr.write(f"line {number}: {message}")
        if refused:
            raise CommandError(
                "Some lines were refused; nothing of the batches holding them was written."
            )

    def importer(self, username: str | None):
        if username is None:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        if not can(user, "claims.add_claim"):
            raise CommandError(f"{username} may not add claims; importing needs the editor role.")
        return user

    def load(
        self, batch: list[tuple[int, str]], *, by, source_system: str
    ) -> tuple[int, int, list[tuple[int, str]]]:
        """Write one batch: (claims written, lines skipped, refused (line, message) pairs)."""
        rows, numbers, refused = [], [], []
        too_deep = f"JSON nested deeper than {MAX_JSON_DEPTH} levels."
        for number, text in batch:
            try:
                row = json.loads(text)
            except json.JSONDecodeError as error:
                refused.append((number, f"not JSON: {error.msg} (column {error.colno})."))
            except RecursionError:
                refused.append((number, too_deep))
            else:
                if json_too_deep(row):
                    refused.append((number, too_deep))
                else:
                    rows.append(row)
                    numbers.append(number)
        if refused:
            # The batch is not written; still name every other bad line in it.
            problems = claims_check(rows=rows, source_system=source_system)
            return 0, 0, refused + self.describe(problems, numbers)
        try:
            result = claims_import(rows=rows, by=by, source_system=source_system)
        except BatchRefused as error:
            return 0, 0, self.describe(error.rows, numbers)
        return len(result.created), len(result.skipped), []

    @staticmethod
    def describe(problems: list[RowError], numbers: list[int]) -> list[tuple[int, str]]:
        """One readable message per refused field, on the file's line number."""
        described = []
        for problem in problems:
            named = f" (external id {problem.external_id})" if problem.external_id else ""
            for field, messages in problem.errors.items():
                where = "" if field in ("__all__", "non_field_errors") else f"{field}: "
                for message in messages:
                    described.append((numbers[problem.index], f"{where}{message}{named}"))
        return described

    def progress(self, done: int, total: int, written: int, started: float) -> None:
        """A self-rewriting line on a terminal; nothing in a log or a pipe."""
        if not sys.stderr.isatty():
            return
        width = 30
        filled = width * done // max(total, 1)
        rate = written / max(time.monotonic() - started, 1e-9)
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} lines, {rate:,.0f} claims/s"
        )
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()
