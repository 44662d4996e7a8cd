"""``manage.py search_reindex``: rebuild every claim's search document.

Services keep the documents current; this is for rows written around them
(``loaddata``, SQL run by hand) and after a change to what a document holds.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from claims.models import Claim
from claims.services import claims_reindex

BATCH = 10_000


class Command(BaseCommand):
    help = "Rebuild the search documents of all claims, 10,000 at a time."

    def handle(self, *args, **options) -> None:
        last, done = 0, 0
        while True:
            ids = list(
                Claim.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH]
            )
            if not ids:
                break
            with transaction.atomic():
                claims_reindex(claim_ids=ids)
            last, done = ids[-1], done + len(ids)
            self.stdout.write(f"\r{done} claims reindexed", ending="")
        self.stdout.write(self.style.SUCCESS(f"\nReindexed {done} claims."))
