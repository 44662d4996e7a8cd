"""Keyset paging for list pages: the next page starts after the last row shown.

``OFFSET`` makes page 20,000 read the 500,000 rows before it, and a page
count needs ``COUNT(*)`` over every match; both grow with the knowledge
base. A keyset page reads only its own rows through the index that serves
the ordering, and the count shown is exact up to ``COUNT_CAP`` and "more
than" beyond, from a count that stops there.

A cursor names the sort value and primary key of the row a page ends (or
starts) at, and which way to read. Rows with no sort value (a claim whose
date asserted is unknown) come first in a descending order and last in an
ascending one, as PostgreSQL orders them by default, so that an ordinary
index on the column serves both directions.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet

COUNT_CAP = 1000


class InvalidCursor(ValueError):
    """The ``cursor`` parameter was not made by this paginator."""


@dataclass(frozen=True)
class Cursor:
    value: Any
    pk: int
    backwards: bool = False

    def encode(self) -> str:
        value = self.value.isoformat() if hasattr(self.value, "isoformat") else self.value
        if isinstance(value, Decimal):
            value = str(value)
        raw = json.dumps([value, self.pk, self.backwards], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            value, pk, backwards = json.loads(raw)
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
            raise InvalidCursor(token) from None
        if not isinstance(pk, int) or not isinstance(backwards, bool):
            raise InvalidCursor(token)
        if not (value is None or isinstance(value, int | float | str)):
            raise InvalidCursor(token)
        return cls(value, pk, backwards)


@dataclass
class KeysetPage:
    """One page of rows, the cursors to its neighbours and a bounded count of all matches."""

    object_list: list
    next_cursor: str | None
    previous_cursor: str | None
    count: int
    count_capped: bool

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)

    @property
    def count_label(self) -> str:
        """The count as a page shows it: "3", or "more than 1,000" past the cap."""
        return f"more than {self.count:,}" if self.count_capped else str(self.count)


class KeysetPaginator:
    """Pages of ``per_page`` rows of ``queryset`` ordered by ``ordering`` ("-asserted_on").

    The primary key breaks ties, in the same direction, so a page boundary
    never repeats or skips a row, even when rows are added meanwhile.
    """

    def __init__(self, queryset: QuerySet, *, ordering: str, per_page: int = 25):
        self.queryset = queryset
        self.field = ordering.lstrip("-")
        self.descending = ordering.startswith("-")
        self.per_page = per_page

    def page(self, token: str | None) -> KeysetPage:
        """The page the cursor ``token`` points to (the first page without one, or when
        the token was not made here: a mangled link starts the list again)."""
        try:
            cursor = Cursor.decode(token) if token else None
        except InvalidCursor:
            cursor = None
        backwards = bool(cursor and cursor.backwards)
        rows = self.queryset.order_by(*self._order(reverse=backwards))
        if cursor is not None:
            rows = rows.filter(self._after(cursor, reverse=backwards))
        rows = list(rows[: self.per_page + 1])
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if backwards:
            rows.reverse()
        has_next = (not backwards and more) or (backwards and cursor is not None)
        has_previous = (backwards and more) or (not backwards and cursor is not None)
        count, capped = self.bounded_count()
        return KeysetPage(
            object_list=rows,
            next_cursor=self._cursor(rows[-1], backwards=False) if rows and has_next else None,
            previous_cursor=self._cursor(rows[0], backwards=True)
            if rows and has_previous
            else None,
            count=count,
            count_capped=capped,
        )

    def bounded_count(self) -> tuple[int, bool]:
        """How many rows match, counting no further than ``COUNT_CAP`` (then ``capped``)."""
        counted = self.queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
        return min(counted, COUNT_CAP), counted > COUNT_CAP

    # --- the SQL of a keyset -------------------------------------------------

    def _order(self, *, reverse: bool) -> list:
        descending = self.descending != reverse
        if descending:
            return [F(self.field).desc(nulls_first=True), F("pk").desc()]
        return [F(self.field).asc(nulls_last=True), F("pk").asc()]

    def _after(self, cursor: Cursor, *, reverse: bool) -> Q:
        """Rows that come after ``cursor`` in the order read (the reversed one when ``reverse``)."""
        descending = self.descending != reverse
        pk_after = Q(pk__lt=cursor.pk) if descending else Q(pk__gt=cursor.pk)
        field, value = self.field, cursor.value
        # Nulls come first when descending and last when ascending.
        nulls_first = descending
        if value is None:
            tie = Q(**{f"{field}__isnull": True}) & pk_after
            return tie if not nulls_first else tie | Q(**{f"{field}__isnull": False})
        beyond = "lt" if descending else "gt"
        within = "lte" if descending else "gte"
        # The redundant bound (``<= value``) lets the index start the scan at the cursor.
        after = Q(**{f"{field}__{within}": value}) & (Q(**{f"{field}__{beyond}": value}) | pk_after)
        return after if nulls_first else after | Q(**{f"{field}__isnull": True})

    def _cursor(self, row, *, backwards: bool) -> str:
        value = getattr(row, self.field)
        if isinstance(value, datetime.datetime | datetime.date):
            value = value.isoformat()
        return Cursor(value, row.pk, backwards).encode()


def keyset_page(request, queryset: QuerySet, *, ordering: str, per_page: int = 25) -> KeysetPage:
    """The page of ``queryset`` that the request's ``?cursor=`` points to."""
    paginator = KeysetPaginator(queryset, ordering=ordering, per_page=per_page)
    return paginator.page(request.GET.get("cursor"))
