"""The map of claims by place in a real browser, offline and over a tile server, under the
Content-Security-Policy (the ``page`` fixture fails a test whose pages broke it)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from claims.models import Claim, Place
from claims.services import claim_assess
from tests.browser.conftest import ARTIFACTS, publish

pytestmark = pytest.mark.browser

TILES = Path(__file__).resolve().parent / "map_tiles"


def fill(locator, style: str) -> str:
    return locator.evaluate(f"element => getComputedStyle(element).{style}")


def test_the_claim_list_maps_its_places_over_the_bundled_borders(page, live_server, seed, analyst):
    sudzha = Claim.objects.get(places__name="Sudzha")
    claim_assess(
        claim=sudzha, by=analyst, status="disputed", rationale="Each side says the other lies."
    )
    tiles = []
    page.on("request", lambda request: tiles.append(request.url) if "tile" in request.url else None)

    page.goto(live_server.url + reverse("claims:claim_list"))
    canvas = page.locator(".claim-map-canvas")
    canvas.wait_for()
    page.wait_for_selector(".claim-map-canvas[data-borders-drawn]")

    # The worked example's places with coordinates: Sudzha, Huliaipole, Orikhiv, Jeddah.
    points = canvas.locator("path.claim-map-point")
    assert points.count() == 4
    assert canvas.locator("path.claim-map-land").count() > 100
    assert canvas.locator("path.claim-map-graticule").count() == 1
    assert "Natural Earth" in canvas.locator(".leaflet-control-attribution").inner_text()
    assert tiles == [] and canvas.locator("img.leaflet-tile").count() == 0

    # Each circle has its status badge's colour: Sudzha disputed now, the others unverified.
    for status, count in (("disputed", 1), ("unverified", 3)):
        circles = canvas.locator(f"path.claim-map-point.status-{status}")
        badge = page.locator(f".claim-map-legend .status-{status}")
        assert circles.count() == count
        assert {fill(circle, "fill") for circle in circles.all()} == {
            fill(badge, "backgroundColor")
        }
    # Jeddah, with four claims (three unverified), is the largest circle.
    widths = [point.bounding_box()["width"] for point in points.all()]
    largest = points.nth(widths.index(max(widths)))
    assert sorted(widths)[-1] > sorted(widths)[-2]

    largest.click()
    popup = page.locator(".leaflet-popup-content")
    assert "Jeddah" in popup.inner_text()
    assert "4 claims" in popup.inner_text()
    assert "Unverified: 3" in popup.inner_text()
    page.locator(".claim-map").scroll_into_view_if_needed()
    page.mouse.move(0, 0)  # no circle drawn hovered
    # The popup fades in; the screenshot waits for it to be drawn whole.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "20-map.png"
    page.locator(".claim-map").screenshot(path=str(screenshot))
    publish(screenshot, "map.png")

    popup.get_by_role("link", name="Claims about Jeddah").click()
    jeddah_place = Place.objects.get(name="Jeddah")
    page.wait_for_url(re.compile(rf".*\?place={jeddah_place.pk}$"))
    assert page.locator(".results .claim-row").count() == 4


def test_the_place_page_maps_over_the_tiles_of_map_tile_url(page, live_server, seed, settings):
    # The tile server is this live server under another name (127.0.0.1, where pages are
    # read from localhost), so only the host the policy derives from the setting lets the
    # browser load the tiles.
    port = urlsplit(live_server.url).port
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, ("map-test", TILES)]
    settings.MAP_TILE_URL = f"http://127.0.0.1:{port}/static/map-test/tile.png?{{z}}/{{x}}/{{y}}"
    settings.MAP_TILE_ATTRIBUTION = "Test tiles"
    served = []
    page.on(
        "requestfinished",
        lambda request: served.append(request.url) if "/map-test/" in request.url else None,
    )

    page.goto(live_server.url + Place.objects.get(name="Zaporizhzhia Oblast").get_absolute_url())
    canvas = page.locator(".claim-map-canvas")
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.leaflet-tile-loaded')]"
        ".some(tile => tile.naturalWidth === 256)"
    )

    assert canvas.locator("path.claim-map-point").count() == 2  # Huliaipole and Orikhiv
    assert served and all(url.startswith(f"http://127.0.0.1:{port}/static/") for url in served)
    assert "Test tiles" in canvas.locator(".leaflet-control-attribution").inner_text()
    assert canvas.locator("path.claim-map-land").count() == 0  # no bundled borders needed


def test_without_javascript_the_map_is_a_table(browser, live_server, seed):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("claims:claim_list"))

        assert not page.locator(".claim-map-canvas").is_visible()
        page.get_by_text("The places as a table").click()
        table = page.locator(".claim-map-table table")
        assert table.is_visible()
        assert table.locator("tbody tr").count() == 4
        assert table.locator("tbody tr").first.inner_text().startswith("Jeddah\t4")
    finally:
        context.close()
