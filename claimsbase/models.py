"""Abstract bases shared by the apps; no concrete models live here."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction


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
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)

    def save_validated(self, *, reason: str = "") -> None:
        """Validate every field and constraint, save, and label the history row.

        The constraint checks in ``full_clean()`` can race with another
        writer; the database constraint then fires, and is reported as the
        same ``ValidationError`` instead of an IntegrityError.
        """
        self.full_clean()
        self._change_reason = reason or None
        try:
            with transaction.atomic():
                self.save()
        except IntegrityError:
            self.full_clean()
            raise ValidationError(
                "This change conflicts with one saved at the same moment; reload and retry."
            ) from None
