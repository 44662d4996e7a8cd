"""Abstract bases, field types and validators shared by the apps; no concrete models live here."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone

# Text lengths: a statement is a sentence or a short paragraph in the analyst's
# words; notes, descriptions and rationales are a few pages at most. Every list
# shows statements, so one pasted article must not make every page megabytes.
STATEMENT_MAX_LENGTH = 2_000
NOTE_MAX_LENGTH = 10_000
RATIONALE_MAX_LENGTH = 20_000


class LimitedTextField(models.TextField):
    """A TextField whose ``max_length`` is a validation rule, not only a hint to forms.

    Django's TextField passes ``max_length`` to form widgets and serializers
    but does not validate it; this one does, on every ``full_clean()``, as
    CharField does. The column stays ``text``, so no database rewrites it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))


# Slack for "now": a date typed in a time zone ahead of the server's is not in the future.
CLOCK_SLACK = datetime.timedelta(days=1)


def not_in_future(value) -> None:
    """A date or moment of something that has already happened (published, asserted)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        late = value > timezone.now() + CLOCK_SLACK
    else:
        late = value > timezone.localdate() + CLOCK_SLACK
    if late:
        raise ValidationError(
            "This date is in the future; give the day it happened.", code="in_future"
        )


def within_a_century(value) -> None:
    """A date a claim or a role may look ahead to (a pledge for 2030), but not 9999-12-31."""
    if value.year > timezone.localdate().year + 100:
        raise ValidationError(
            "This date is more than a hundred years ahead; check the year.", code="too_far_ahead"
        )


def error_codes(error: ValidationError) -> set[str]:
    """The codes of every message of ``error``, however it is nested."""
    if hasattr(error, "error_dict"):
        items = [item for errors in error.error_dict.values() for item in errors]
    else:
        items = error.error_list
    return {item.code for item in items if getattr(item, "code", None)}


class TrackedModel(models.Model):
    """A record editors change over time.

    ``version`` counts saves, so that a client can say which version it edited
    and a stale edit can be refused instead of silently overwriting a newer one.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        self.version += 1
        try:
            super().save(*args, **kwargs)
        except Exception:
            # The row was not written, so neither was its new version.
            self.version -= 1
            raise

    def lock_version(self, expected: int | None) -> None:
        """Compare-and-swap on ``version``: go on only if the row is still at ``expected``.

        The conditional UPDATE takes the row lock, so of two edits sent with
        the same version the second waits for the first to commit, then
        matches no row and is refused; reading the version and comparing it
        in Python would let both through. Call inside the writing
        transaction, before saving. ``None`` means the client named no version.
        """
        if expected is None or self.pk is None:
            return
        matched = (
            type(self)
            ._default_manager.filter(pk=self.pk, version=expected)
            .update(version=models.F("version"))
        )
        if not matched:
            if not type(self)._default_manager.filter(pk=self.pk).exists():
                # Deleted meanwhile: no version of it is current any more.
                raise type(self).DoesNotExist(f"{type(self).__name__} {self.pk} was deleted.")
            raise ValidationError(
                "This record was changed since you read it; reload it and retry.",
                code="stale_version",
            )
        self.version = expected

    def duplicate_of(self, codes: set[str]) -> models.Model | None:
        """The recorded row this one would duplicate, for a refusal with these ``codes``.

        Models with a natural key (a source's URL, an actor's name) say which
        row holds it, so that a script told "already recorded" is also told
        where: the API answers with that row's id and URL.
        """
        return None

    def validated(self) -> None:
        """``full_clean()``; a refused duplicate carries the row it duplicates as ``existing``."""
        try:
            self.full_clean()
        except ValidationError as error:
            existing = self.duplicate_of(error_codes(error))
            if existing is not None:
                error.existing = existing
            raise

    def save_validated(self, *, reason: str = "") -> None:
        """Validate every field and constraint, save, and label the history row.

        The constraint checks in ``full_clean()`` can race with another
        writer; the database constraint then fires, and is reported as the
        same ``ValidationError`` instead of an IntegrityError.
        """
        self.validated()
        self._change_reason = reason or None
        try:
            with transaction.atomic():
                self.save()
        except IntegrityError:
            self.validated()
            raise ValidationError(
                "This change conflicts with one saved at the same moment; reload and retry."
            ) from None
        finally:
            # The reason labels this save only, not a later one of the same object.
            self._change_reason = None


# What a history row did, in words (the claim page's trail and the admin's history),
# and the reasons that verb already says, so that no row reads "Created: Created".
HISTORY_VERBS = {"+": "Recorded", "~": "Changed", "-": "Deleted"}
SAID_BY_THE_VERB = {"Created", "Edited", "Recorded"}


def skip_history_of_loaded_rows(sender, instance, raw=False, **kwargs) -> None:
    """A row loaded from a fixture or a backup writes no history, nor do its many-to-many links.

    ``loaddata`` saves rows raw, which simple-history already skips; but it
    then sets each row's many-to-many links, and that change would write a
    history row too. A backup holds its history already, so such a row is a
    duplicate: an extra row on SQLite, and on PostgreSQL a duplicate key as
    soon as the history table's sequence reaches an id the backup holds.
    Connected to ``pre_save`` by the apps (``dispatch_uid`` "skip_history_of_loaded_rows").
    """
    if raw:
        instance.skip_history_when_saving = True
