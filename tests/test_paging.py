"""Keyset pages: neighbours by cursor and a count that stops at the cap."""

from __future__ import annotations

import pytest

from claims.models import Claim
from claimsbase import paging
from tests.factories import ClaimFactory


@pytest.mark.django_db
def test_the_count_stops_at_the_cap(monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    for _ in range(5):
        ClaimFactory()
    page = paging.KeysetPaginator(Claim.objects.all(), ordering="-pk", per_page=2).page(None)
    assert (page.count, page.count_capped, page.count_label) == (3, True, "more than 3")
    assert len(page) == 2 and page.next_cursor and not page.previous_cursor
