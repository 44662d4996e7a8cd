"""``manage.py evaluate_extraction DIR``: score the extraction assist on annotated articles.

Every ``*.json`` file in DIR is one article in the shared annotation format.
Its actors and places are loaded as the known names (in memory: nothing is
written to the database), the extraction runs on the body with the source's
publication date and outlet, and the suggestions are matched to the
annotated claims and scored. The table is printed, then one line that scripts
can read (one line)::

    extraction: claims P=0.00 R=0.00 F1=0.00; claimant acc=0.00;
    quantities P=0.00 R=0.00; places P=0.00 R=0.00

A missing directory, a file that is not valid JSON or a quote that is not in
its article's body stops the command with one line naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.extraction.evaluation import AnnotationError, evaluate, load_directory


class Command(BaseCommand):
    help = "Score the extraction assist against annotated articles (*.json in DIR)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path, help="The directory of annotated articles.")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="Print the figures as JSON."
        )

    def handle(self, *args, directory: Path, as_json: bool = False, **options) -> None:
        try:
            articles = load_directory(directory)
        except AnnotationError as error:
            raise CommandError(str(error)) from error
        scores = evaluate(articles)
        if as_json:
            self.stdout.write(
                json.dumps(scores.as_dict() | {"summary": scores.summary_line()}, indent=2)
            )
            return
        self.stdout.write(f"{scores.articles} annotated articles in {directory}")
        self.stdout.write(scores.table())
        self.stdout.write(scores.summary_line())
