"""``manage.py import_claimreview PATH…``: bring in fact-checkers' schema.org ClaimReview.

Each PATH is a ``.json`` or ``.jsonld`` file, or a folder whose such files
(at any depth, in name order) are read. A file may hold one review, a list,
an ``@graph``, a DataFeed or an ItemList (``claims.claimreview``).

* A review already imported (by its url) is skipped: running the same files
  again writes nothing.
* A refused review writes nothing and is printed with its file, position,
  url and the property at fault; the rest of the file still imports.
* The summary line counts reviews imported, skipped and refused.

The exit status is 1 when a file cannot be read (or is not JSON), or when
reviews were refused and none was imported or skipped: a run that wrote
what it could and reported the rest succeeds, as a partial import is its
normal outcome.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from claims.claimreview import ImportSummary, claimreviews_import
from claimsbase.permissions import can

SUFFIXES = (".json", ".jsonld")


class Command(BaseCommand):
    help = "Import schema.org ClaimReview from .json/.jsonld files or folders of them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="Files or folders to read.")
        parser.add_argument(
            "--as", dest="username", help="The editor recorded as having imported the reviews."
        )

    def handle(self, *args, paths: list[Path], username: str | None, **options) -> None:
        by = self.importer(username)
        files, unreadable = self.files(paths)
        summary = ImportSummary()
        for path in files:
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as error:
                unreadable.append(f"{path}: cannot be read: {error}")
                continue
            except json.JSONDecodeError as error:
                unreadable.append(f"{path}: not JSON: {error.msg} (line {error.lineno}).")
                continue
            done = claimreviews_import(document=document, by=by)
            for refusal in done.refused:
                for line in refusal.lines():
                    self.stderr.write(f"{path}: {line}")
            summary.add(done)
        for line in unreadable:
            self.stderr.write(line)
        self.stdout.write(f"{summary.counts}.")
        if unreadable:
            raise CommandError(f"{len(unreadable)} path(s) could not be read.")
        if summary.refused and not summary.created and not summary.skipped:
            raise CommandError("Every review was refused; nothing was imported.")

    @staticmethod
    def files(paths: list[Path]) -> tuple[list[Path], list[str]]:
        files, unreadable = [], []
        for path in paths:
            if path.is_dir():
                files += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
            elif path.is_file():
                files.append(path)
            else:
                unreadable.append(f"{path}: no such file or folder.")
        return files, unreadable

    @staticmethod
    def importer(username: str | None):
        if username is None:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        if not can(user, "claims.add_claim"):
            raise CommandError(f"{username} may not add claims; importing needs the editor role.")
        return user
