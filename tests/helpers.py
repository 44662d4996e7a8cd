"""Assertions that explain themselves when they fail."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


def assert_status(response, expected: int) -> None:
    """Assert the status code, and show the body or the form errors if it is wrong."""
    if response.status_code == expected:
        return
    detail = getattr(response, "data", None)
    context = getattr(response, "context", None)
    if detail is None and context is not None:
        # A rendered page: a ContextList (several templates) or one Context.
        # A ContextList iterates its Contexts, not keys, hence keys().
        keys = context.keys() if hasattr(context, "keys") else []
        values = [context[key] for key in keys]
        errors = [value.errors for value in values if getattr(value, "errors", None)]
        detail = errors or None
    if detail is None:
        detail = response.content[:2000].decode(errors="replace")
    raise AssertionError(f"expected HTTP {expected}, got {response.status_code}: {detail}")


def ids(response) -> list[int]:
    """The ids of the results of an API list response, in order."""
    data = response.json()
    results = data["results"] if isinstance(data, dict) and "results" in data else data
    return [row["id"] for row in results]


@contextmanager
def refused(model, message: str, *, field: str | None = None, count=None):
    """Expect a ``ValidationError`` carrying ``message`` (on ``field``) and no new ``model`` rows.

    ``count`` may give another way to count what must not change (e.g. a filtered queryset).
    """
    counter = count or model._default_manager.count
    before = counter()
    with pytest.raises(ValidationError) as info:
        yield info
    error = info.value
    if field is not None:
        messages = error.message_dict.get(field, []) if hasattr(error, "error_dict") else []
    else:
        messages = error.messages
    assert message in messages, f"{message!r} not among {getattr(error, 'message_dict', messages)}"
    assert counter() == before, f"{model.__name__} rows changed from {before} to {counter()}"


@contextmanager
def refused_by_database(model):
    """Expect the database itself to refuse a write that skipped validation, leaving no row."""
    before = model._default_manager.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        yield
    assert model._default_manager.count() == before


def make_role_groups() -> None:
    """The role groups, as the roles data migration makes them.

    Tests in transactional mode (a live server needs committed data) empty the
    database after each test, the groups made by a migration included; they
    are made again here (permissions come back by themselves).
    """
    import importlib

    from django.contrib.auth.models import Group, Permission

    migration = importlib.import_module("claims.migrations.0002_roles")
    for role, wanted in migration.ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in wanted
        )
