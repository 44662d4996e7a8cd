"""Backups and moving house: the README's ``dumpdata`` / ``loaddata`` route loses nothing.

The demo data, with history written by the services on top, is dumped as
the README says, the database is emptied back to what ``migrate`` leaves
(the roles and their permissions, ids counted from 1 again), the dump is
loaded, and every table must hold the same rows with the same fields.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from knox.models import AuthToken

from claims.models import Claim
from claims.services import claim_assess, claim_update, claims_link
from sources.models import Source

pytestmark = pytest.mark.django_db

# What the README's dump leaves out: rebuilt by migrate, or not worth keeping.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
# What a freshly migrated database already holds: kept when emptying the database.
MIGRATED = {"contenttypes.contenttype", "auth.permission", "auth.group", "auth.group_permissions"}


def dump(path) -> None:
    """``manage.py dumpdata`` exactly as the README gives it."""
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        *(f"--exclude={label}" for label in EXCLUDED),
        "--format=jsonl",
        "--output",
        str(path),
        verbosity=0,
    )


def all_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def empty_as_freshly_migrated() -> None:
    """Delete every row ``migrate`` would not have made, and count ids from 1 again."""
    tables = [
        model._meta.db_table for model in all_models() if model._meta.label_lower not in MIGRATED
    ]
    # PostgreSQL truncates no table with foreign key checks still pending in the transaction.
    connection.check_constraints()
    for statement in connection.ops.sql_flush(no_style(), tables, reset_sequences=True):
        with connection.cursor() as cursor:
            cursor.execute(statement)


def snapshot() -> dict[str, list[dict]]:
    """Every dumped table's rows, users and groups named by their natural keys.

    ``--natural-primary`` gives users and groups new ids on loading; a dump
    holds many-to-many links as lists, not as rows with ids; JSON keeps times
    to the millisecond. Everything else must be identical.
    """
    natural = {
        get_user_model(): dict(get_user_model().objects.values_list("pk", "username")),
        Group: dict(Group.objects.values_list("pk", "name")),
        Permission: {
            permission.pk: permission.natural_key() for permission in Permission.objects.all()
        },
    }
    tables = {}
    for model in all_models():
        if model._meta.app_label in EXCLUDED or model._meta.label in EXCLUDED:
            continue
        rows = []
        for row in model._base_manager.values():
            for field in model._meta.concrete_fields:
                value = row[field.attname]
                if field.primary_key and (model in natural or model._meta.auto_created):
                    del row[field.attname]
                elif field.is_relation and field.related_model in natural and value is not None:
                    row[field.attname] = natural[field.related_model][value]
                elif isinstance(value, datetime.datetime):
                    row[field.attname] = value.replace(microsecond=value.microsecond // 1000 * 1000)
            rows.append(row)
        tables[model._meta.label] = sorted(rows, key=repr)
    return tables


@pytest.fixture
def knowledge_base(seed, analyst, editor):
    """The demo data, and history that the services, not the fixture, wrote on top of it."""
    claims = list(Claim.objects.order_by("pk")[:3])
    claim_assess(claim=claims[0], by=analyst, status="disputed", rationale="Checked twice.")
    claim_update(claim=claims[1], actors=[claims[0].claimant], notes="Edited after the dump.")
    claims_link(from_claim=claims[1], to_claim=claims[2], kind="supports", by=analyst)
    AuthToken.objects.create(user=analyst)
    return claims


def test_a_dump_loads_into_a_freshly_migrated_database_with_nothing_lost_or_added(
    knowledge_base, tmp_path
):
    before = snapshot()
    assert len(before["claims.HistoricalClaim"]) > Claim.objects.count()  # history is in it
    path = tmp_path / "claimsbase.jsonl"
    dump(path)

    empty_as_freshly_migrated()
    assert not Claim.objects.exists()
    call_command("loaddata", str(path), verbosity=0)

    after = snapshot()
    assert sorted(after) == sorted(before)
    for label in before:
        assert len(after[label]) == len(before[label]), label
        assert after[label] == before[label], label


def test_after_loading_a_dump_search_finds_what_it_found_before(knowledge_base, tmp_path):
    def found(words: str) -> list[tuple[str, ...]]:
        return [
            *Claim.objects.search(words).order_by("statement").values_list("statement"),
            *Source.objects.search(words).order_by("title").values_list("title"),
        ]

    before = found("settlements")
    assert before
    path = tmp_path / "claimsbase.jsonl"
    dump(path)
    empty_as_freshly_migrated()
    call_command("loaddata", str(path), verbosity=0)
    call_command("search_reindex", stdout=io.StringIO())  # as the README says
    assert found("settlements") == before
