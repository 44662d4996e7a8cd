"""The admin's change pages in a 1,280 px window: every one fits without scrolling sideways."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Actor, Claim, Place, Topic
from sources.models import Outlet, Source
from tests.browser.conftest import admin_sign_in

pytestmark = pytest.mark.browser

WINDOW = {"width": 1280, "height": 800}


def the_busiest(model):
    """The record of the worked example whose change page holds the most."""
    if model is Claim:
        return Claim.objects.active().get(statement__startswith="Russian forces have regained")
    if model is Source:
        return Source.objects.get(outlet__name__icontains="novinite")
    if model is Actor:
        return Actor.objects.get(name="Valery Gerasimov")
    return model.objects.order_by("pk").first()


# Each change page of a record an editor keeps; a new one is one more entry.
CHANGE_PAGES = [Claim, Source, Actor, Place, Topic, Outlet]


@pytest.mark.parametrize("model", CHANGE_PAGES, ids=lambda m: m._meta.model_name)
def test_the_change_page_fits_a_1280_px_window(page, live_server, seed, editor, shot, model):
    page.set_viewport_size(WINDOW)
    admin_sign_in(page, live_server, editor)
    record = the_busiest(model)
    meta = model._meta

    page.goto(
        live_server.url
        + reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
    )
    page.locator("#content-main form").wait_for()
    shot(f"15-admin-{meta.model_name}-change-1280")

    width = page.evaluate("document.documentElement.scrollWidth")
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('#content-main *')]
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(0, 8).map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`)"""
    )
    assert width <= WINDOW["width"], f"{width} px wide; overflowing: {overflowing}"
    # Nor does an inline hide columns in a box of its own that scrolls sideways.
    scrolled = page.evaluate(
        """() => [...document.querySelectorAll('.inline-group, .inline-group fieldset')]
          .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.id || e.className)"""
    )
    assert not scrolled, f"inlines scrolling sideways: {scrolled}"
