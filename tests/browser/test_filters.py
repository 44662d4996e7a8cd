"""Filtering the claim list in a real browser: boxes ticked, a clean address, chips."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser


def test_two_statuses_ticked_give_a_clean_address_and_two_removable_chips(
    page, live_server, seed, shot
):
    sent: list[str] = []
    page.on(
        "request",
        lambda request: sent.append(request.url) if request.is_navigation_request() else 0,
    )
    page.goto(live_server.url + reverse("claims:claim_list"))
    statuses = page.get_by_role("group", name="Status")
    statuses.get_by_label("Disputed").check()
    statuses.get_by_label("Verified", exact=True).check()
    page.get_by_role("button", name="Apply").click()

    clean = live_server.url + "/claims/?status=verified&status=disputed"
    page.wait_for_url(clean)
    # The script left the empty fields out: the browser never asked for them.
    assert not [url for url in sent if re.search(r"=(&|$)", url)], sent
    chips = page.locator(".filter-chips .chip")
    assert chips.all_inner_texts() == ["Status: Verified\n×", "Status: Disputed\n×"]
    badges = set(page.locator(".results .claim-row .badge").all_inner_texts())
    assert badges == {"Verified", "Disputed"}
    shot("filters-two-statuses")

    page.get_by_role("link", name="Remove filter Status: Verified").click()

    page.wait_for_url(live_server.url + "/claims/?status=disputed")
    assert page.locator(".filter-chips .chip").all_inner_texts() == ["Status: Disputed\n×"]
    assert set(page.locator(".results .claim-row .badge").all_inner_texts()) == {"Disputed"}
    assert page.get_by_role("group", name="Status").get_by_label("Disputed").is_checked()
    assert (
        not page.get_by_role("group", name="Status")
        .get_by_label("Verified", exact=True)
        .is_checked()
    )
