"""``manage.py load_demo``: the worked example, and an editor to explore it with.

Loads ``fixtures/seed_article.json`` (the novinite.com article of 13 March
2025, modelled completely) unless it is already there, then makes sure the
demo user ``editor`` has the editor role. Its password is random, set and
printed on the first run and kept afterwards, so a newcomer who runs
``make run`` again can still sign in; ``--reset-password`` sets and prints a
new one. There is never a fixed password.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from urllib.parse import urljoin

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse

from claims.services import claims_reindex
from claimsbase.permissions import EDITOR, role_grant
from sources.models import Source

FIXTURE = Path("fixtures") / "seed_article.json"  # under the project directory
DEMO_USERNAME = "editor"


class Command(BaseCommand):
    help = (
        "Load the demo data (the seed article) if it is not loaded yet, and set up the demo "
        f"user '{DEMO_USERNAME}' in the editor role, with a random password printed when it is "
        "first made."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-user",
            action="store_true",
            help="Only load the demo data; create no user and print no password.",
        )
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="Give the demo editor a new random password, and print it.",
        )
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="Where the site is served, for the sign-in instructions.",
        )

    def handle(self, *args, no_user: bool, reset_password: bool, url: str, **options) -> None:
        if not no_user and not settings.DEBUG:
            raise CommandError(
                "The demo editor is for development only, and DEBUG is off. "
                "Pass --no-user to load the demo data alone."
            )
        self.load_fixture()
        if not no_user:
            site = url if url.endswith("/") else f"{url}/"
            admin = urljoin(site, reverse("admin:index"))
            password = self.demo_editor(reset=reset_password)
            self.print_sign_in(site, admin, password)

    def load_fixture(self) -> None:
        """Load the fixture once; later runs leave the demo records as they are.

        Reloading would reset edited demo claims to their shipped status while
        the assessments made since stay, so a claim's status would no longer
        be its latest assessment.
        """
        fixture = Path(settings.BASE_DIR) / FIXTURE
        entries = json.loads(fixture.read_text(encoding="utf-8"))
        hashes = [
            entry["fields"]["content_hash"]
            for entry in entries
            if entry["model"] == "sources.source" and entry["fields"]["content_hash"]
        ]
        if Source.objects.filter(content_hash__in=hashes).exists():
            self.stdout.write("The demo data is already loaded; left as it is.")
            return
        taken = self.ids_in_use(entries)
        if taken:
            self.stderr.write(
                self.style.WARNING(
                    "Not loading the demo data: the database already holds other records with "
                    f"its ids ({', '.join(taken)}), which loading would overwrite."
                )
            )
            return
        self.load_with_history(fixture, entries)
        claims = sum(entry["model"] == "claims.claim" for entry in entries)
        self.stdout.write(self.style.SUCCESS(f"Loaded the demo data: {claims} claims."))

    @staticmethod
    @transaction.atomic
    def load_with_history(fixture: Path, entries: list[dict]) -> None:
        """Load the fixture and give every record one "created" history row.

        loaddata saves rows raw, which the history skips, but many-to-many
        links would still be logged as changes of records never logged as
        created; so the history is off while loading and written afterwards.
        """
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", str(fixture), verbosity=0)
        loaded: dict[str, list[int]] = {}
        for entry in entries:
            loaded.setdefault(entry["model"], []).append(entry["pk"])
        for label, pks in loaded.items():
            model = apps.get_model(label)
            history = getattr(model, "history", None)
            if history is not None:
                history.bulk_history_create(
                    list(model._default_manager.filter(pk__in=pks)),
                    default_change_reason="Loaded from the demo data",
                )
        # loaddata writes rows raw: the claims' search documents are built here.
        claims_reindex(claim_ids=loaded.get("claims.claim", []))

    @staticmethod
    def ids_in_use(entries: list[dict]) -> list[str]:
        """The models whose rows already use an id the fixture needs."""
        wanted: dict[str, list[int]] = {}
        for entry in entries:
            wanted.setdefault(entry["model"], []).append(entry["pk"])
        return [
            label
            for label, pks in wanted.items()
            if apps.get_model(label)._default_manager.filter(pk__in=pks).exists()
        ]

    @transaction.atomic
    def demo_editor(self, *, reset: bool) -> str | None:
        """Make sure the demo editor exists in the editor role; its new password, if one is set.

        The password is set when the user is made (or with ``reset``) and
        kept otherwise: only its hash is stored, so it is printed only then.
        """
        user, created = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        password = None
        if created or reset or not user.has_usable_password():
            password = secrets.token_urlsafe(12)
            user.set_password(password)
        user.is_active = True
        user.save()
        role_grant(user=user, role=EDITOR)
        return password

    def print_sign_in(self, site: str, admin: str, password: str | None) -> None:
        rule = "-" * 64
        if password:
            secret = [
                f"    password:  {password}",
                "  (Kept from now on; `manage.py load_demo --reset-password` sets a new one.)",
            ]
        else:
            secret = [
                "    password:  the one printed when the demo editor was made",
                "  (Forgotten? `.venv/bin/python manage.py load_demo --reset-password`,",
                "   or `make run RESET_PASSWORD=1`, sets and prints a new one.)",
            ]
        self.stdout.write(
            "\n".join(
                [
                    rule,
                    f"  claimsbase:  {site}",
                    f"  admin:       {admin}",
                    "  Sign in as the demo editor:",
                    f"    username:  {DEMO_USERNAME}",
                    *secret,
                    rule,
                ]
            )
        )
