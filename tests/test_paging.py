"""Keyset pages: a bounded count; on PostgreSQL a count too slow is given up, not waited for."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from claims.models import Claim
from claimsbase import paging
from tests.factories import ClaimFactory

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement timeouts are PostgreSQL's"
)


def _statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout')")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_count_stops_at_the_cap(monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    for _ in range(5):
        ClaimFactory()
    page = paging.KeysetPaginator(Claim.objects.all(), ordering="-pk", per_page=2).page(None)
    assert (page.count, page.count_capped, page.count_label) == (3, True, "more than 3")
    assert len(page) == 2 and page.next_cursor and not page.previous_cursor


@pytest.mark.django_db
@postgresql_only
def test_a_count_too_slow_is_given_up_and_the_page_still_shown(monkeypatch):
    monkeypatch.setattr(paging, "COUNT_MILLISECONDS", 20)
    for _ in range(5):
        ClaimFactory()
    before = _statement_timeout()
    slow = Claim.objects.filter(
        RawSQL("pg_sleep(0.02) IS NOT NULL", [], output_field=BooleanField())
    )
    page = paging.KeysetPaginator(slow, ordering="-pk", per_page=2).page(None)
    assert (page.count, page.count_label) == (None, "many")
    assert len(page) == 2
    assert _statement_timeout() == before


@pytest.mark.django_db
@postgresql_only
def test_a_quick_count_leaves_the_time_limit_as_it_was():
    ClaimFactory()
    before = _statement_timeout()
    page = paging.KeysetPaginator(Claim.objects.all(), ordering="-pk").page(None)
    assert page.count == 1
    assert _statement_timeout() == before
