"""Conflicting figures and the compare page's pickers, in a real browser, on the worked example
with the other figures reported for the Kursk region the same day."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from claims.models import Actor, Claim, ClaimRelation, Place, Topic
from tests.browser.conftest import publish, sign_in
from tests.factories import ActorFactory, ClaimFactory, QuantityFactory

pytestmark = pytest.mark.browser


def kursk_figures() -> dict[str, Claim]:
    """Putin's 5,000 km² and ISW's 3,434 km² regained in the Kursk region, beside the seed
    article's 259 km² (Gerasimov); Syrskyi's 386 square miles held, and an outlet's "about
    1,000 km²" of the same."""
    kursk = Place.objects.get(name="Kursk Oblast")
    topic = Topic.objects.get(name="Kursk incursion")
    regained, held = "territory regained", "territory held by Ukrainian forces"
    made = {}
    for key, claimant, statement, value, unit, counted, qualifier, day in [
        (
            "putin",
            Actor.objects.get(name="Vladimir Putin"),
            "Putin: Russian forces recaptured 5,000 km² of the Kursk region.",
            5000,
            "km²",
            regained,
            "exactly",
            datetime.date(2025, 3, 12),
        ),
        (
            "isw",
            ActorFactory(name="Institute for the Study of War"),
            "ISW: Russian forces recaptured 3,434 km² of the Kursk region.",
            3434,
            "square kilometers",
            regained,
            "exactly",
            datetime.date(2025, 3, 12),
        ),
        (
            "syrskyi",
            Actor.objects.get(name="Oleksandr Syrskyi"),
            "Syrskyi: Ukrainian forces control 386 square miles of the Kursk region.",
            386,
            "square miles",
            held,
            "exactly",
            datetime.date(2024, 8, 12),
        ),
        (
            "outlet",
            ActorFactory(name="Kyiv Independent staff"),
            "Ukraine holds about 1,000 square kilometres of the Kursk region.",
            1000,
            "square kilometres",
            held,
            "about",
            datetime.date(2024, 8, 13),
        ),
    ]:
        claim = ClaimFactory(
            statement=statement,
            claimant=claimant,
            asserted_on=day,
            places=[kursk],
            topics=[topic],
        )
        QuantityFactory(
            claim=claim, value=Decimal(value), unit=unit, counted=counted, qualifier=qualifier
        )
        made[key] = claim
    return made


def test_an_analyst_records_conflicting_figures_as_contradicting(
    page, live_server, seed, analyst, shot
):
    made = kursk_figures()
    sign_in(page, live_server, analyst)
    page.goto(live_server.url + Topic.objects.get(name="Kursk incursion").get_absolute_url())
    page.get_by_role("link", name="Conflicting figures in this topic").click()

    rows = page.locator("table.conflicts tbody tr")
    assert rows.count() == 3  # Syrskyi's 386 square miles agree with "about 1,000 km²"
    first = rows.nth(0).inner_text()
    assert "5,000 km²" in first and "259 km²" in first and "×19.31" in first
    assert "386" not in page.locator("table.conflicts").inner_text()
    publish(shot("20-conflicting-figures", full_page=False), "conflicting-figures.png")

    row = page.locator("table.conflicts tbody tr", has_text="3,434 km²").filter(has_text="Putin")
    row.get_by_role("button", name="Record as contradicts").click()
    page.wait_for_load_state()
    assert "contradicts claim" in page.locator(".messages").inner_text()
    assert (
        "Already related: contradicts"
        in page.locator("table.conflicts tbody tr", has_text="3,434 km²")
        .filter(has_text="Putin")
        .inner_text()
    )
    assert ClaimRelation.objects.filter(
        from_claim__in=[made["putin"], made["isw"]], to_claim__in=[made["putin"], made["isw"]]
    ).exists()
    shot("21-conflicting-figures-recorded")

    page.goto(live_server.url + made["putin"].get_absolute_url())
    section = page.locator("section.other-figures")
    assert section.locator(".agreement-conflicts").count() == 2
    shot("22-claim-other-figures")

    page.goto(live_server.url + made["syrskyi"].get_absolute_url())
    section = page.locator("section.other-figures")
    assert "≈ 1,000 km² territory held" in section.inner_text()
    assert "about 1,000 km² territory held" in section.inner_text()
    assert section.locator(".agreement-agrees").inner_text() == "agrees"
    assert "999.7" not in page.content()
    shot("23-claim-figures-agree")


def test_two_claims_are_picked_by_typing_and_compared(page, live_server, seed, shot):
    made = kursk_figures()
    page.goto(live_server.url + reverse("claims:claim_compare"))
    searches = page.get_by_label("Search by name")
    assert searches.count() == 2

    for index, claim in enumerate([made["putin"], made["isw"]]):
        box = searches.nth(index)
        box.press_sequentially("recaptured", delay=20)
        box.locator("xpath=..").get_by_role("button", name=re.compile(rf"^#{claim.pk} ")).click()
    assert page.locator("#id_a").input_value() == str(made["putin"].pk)
    assert page.locator("#id_b").input_value() == str(made["isw"].pk)
    shot("24-compare-picked")

    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(re.compile(r".*a=\d+&b=\d+.*"))
    table = page.locator("table.compare").inner_text()
    assert "conflicts" in table and "×1.46" in table
    assert "No relation between these claims is recorded." in page.content()
    shot("25-compare")


def test_compare_with_from_a_claim_page_keeps_that_claim(page, live_server, seed):
    made = kursk_figures()
    page.goto(live_server.url + made["syrskyi"].get_absolute_url())
    page.get_by_role("link", name="Compare with…").click()

    assert page.locator("#id_a").input_value() == str(made["syrskyi"].pk)
    assert "Syrskyi" in page.get_by_label("Search by name").nth(0).input_value()
