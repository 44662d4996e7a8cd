"""An analyst reads the worked example as it stood on 13 March 2025, then comes back to today."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.browser.conftest import publish

pytestmark = pytest.mark.browser

GAINS = "Russian forces have regained control of 24 settlements"


def test_a_past_day_from_the_list_to_a_claim_and_back_to_today(page, live_server, seed, shot):
    page.goto(live_server.url + reverse("claims:claim_list") + "?as_of=2025-03-13")
    banner = page.locator(".as-of-banner")
    assert "As of 13 March 2025 — the knowledge base as it stood at the end of that day" in (
        " ".join(banner.inner_text().split())
    )
    row = page.locator(".results .claim-row").filter(has_text=GAINS)
    assert row.locator(".badge").inner_text() == "Unverified"  # judged on the 14th
    shot("as-of-01-claim-list")

    row.get_by_role("link", name=re.compile(GAINS)).click()
    page.wait_for_url(re.compile(r".*/claims/\d+/\?as_of=2025-03-13$"))
    assert page.locator(".claim-status .badge").inner_text() == "Unverified"
    assert page.locator(".claim-status .grade").count() == 0
    assert "As of 13 March 2025" in banner.inner_text()
    assert page.get_by_text("Not assessed yet then.").is_visible()
    publish(shot("as-of-02-claim-page", full_page=False), "as-of-view.png")

    banner.get_by_role("link", name="Back to today").click()
    page.wait_for_url(re.compile(r".*/claims/\d+/$"))
    assert page.locator(".claim-status .badge").inner_text() == "Disputed"
    assert page.locator(".claim-status .grade").inner_text() == "D3"
    assert page.locator(".as-of-banner").count() == 0
    shot("as-of-03-claim-page-today")
