"""Writes on records whose rules all live on their own row.

Actors, places, topics, outlets and evidence have no workflow beyond their
constraints and ``clean()``; these two functions give the API and the pages
one atomic, validated, version-checked path to create, edit and delete them.
Records with a workflow (claims, sources, assessments, relations) have their
own services in their app.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, ProtectedError, RestrictedError


@transaction.atomic
def record_save(*, record: Model, expected_version: int | None = None, **changes: Any) -> Model:
    """Create ``record`` or apply ``changes`` to it, refusing a stale ``expected_version``."""
    many = {
        name: changes.pop(name)
        for name in list(changes)
        if record._meta.get_field(name).many_to_many
    }
    for name, value in changes.items():
        setattr(record, name, value)
    if record.pk is not None and hasattr(record, "lock_version"):
        record.lock_version(expected_version)
    if hasattr(record, "save_validated"):
        record.save_validated(reason="Created" if record.pk is None else "Edited")
    else:
        record.full_clean()
        record.save()
    for name, values in many.items():
        getattr(record, name).set(values)
    return record


@transaction.atomic
def record_delete(*, record: Model, expected_version: int | None = None) -> None:
    """Delete ``record``; refused while other records still point at it."""
    if hasattr(record, "lock_version"):
        record.lock_version(expected_version)
    record._change_reason = "Deleted"
    try:
        with transaction.atomic():
            record.delete()
    except (ProtectedError, RestrictedError):
        raise ValidationError(
            "Other records still refer to this one; it cannot be deleted.", code="protected"
        ) from None
