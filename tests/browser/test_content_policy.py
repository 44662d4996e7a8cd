"""Under the Content-Security-Policy, in a real browser: the admin, the API documentation and
the lockout page still work, and every page visited reports no violation (the ``page``
fixture fails any test whose pages broke the policy)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from claims.models import Actor, Claim
from tests.browser.conftest import watched_page

pytestmark = pytest.mark.browser

PASSWORD = "a long browser test password"


def test_the_watch_reports_what_the_policy_refuses(browser, live_server):
    """The fixture's watch itself: inline style and script written into a page are caught."""
    with watched_page(browser) as (page, violations):
        page.goto(live_server.url + reverse("login"))
        page.evaluate("document.body.setAttribute('style', 'color: red')")
        page.evaluate(
            "const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
            "document.body.append(s)"
        )
        page.wait_for_timeout(200)
        assert page.evaluate("window.ran") is None  # the inline script never ran
    seen = "\n".join(violations)
    assert "style-src" in seen and "script-src" in seen


def test_an_editor_works_in_the_admin(page, live_server, seed, editor, shot):
    editor.set_password(PASSWORD)
    editor.save()
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill(editor.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + reverse("admin:index"))

    page.goto(live_server.url + reverse("admin:claims_claim_changelist"))
    page.locator("#changelist-filter").wait_for()
    page.locator("select[name=action]").select_option("assess")

    claim = Claim.objects.active().get(statement__startswith="About 430 Ukrainian soldiers")
    page.goto(live_server.url + reverse("admin:claims_claim_change", args=[claim.pk]))
    # The autocomplete picker (select2) opens and searches.
    page.locator("#id_topics + .select2 .select2-search__field").fill("Kursk")
    page.locator(".select2-results__option", has_text="Kursk").first.wait_for()
    page.keyboard.press("Escape")
    # The calendar shortcut opens.
    page.locator("#id_asserted_on").scroll_into_view_if_needed()
    page.locator(".datetimeshortcuts a", has_text="Today").first.wait_for()
    page.locator("#calendarlink0").click()
    page.locator("#calendarbox0").wait_for(state="visible")
    shot("10-admin-claim-change")

    page.goto(live_server.url + reverse("admin:claims_claim_history", args=[claim.pk]))
    assert page.locator("#change-history").is_visible()
    shot("11-admin-claim-history")


def test_the_api_documentation_renders(page, live_server, shot):
    page.goto(live_server.url + reverse("api_docs"))
    page.locator(".swagger-ui .info .title").wait_for()
    assert "claimsbase API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock-summary-path", has_text="/api/v1/claims/").first.wait_for()
    shot("12-api-docs", full_page=False)


def test_the_track_record_bars_are_drawn(page, live_server, seed, shot):
    actor = Actor.objects.get(name="Valery Gerasimov")
    page.goto(live_server.url + actor.get_absolute_url())
    bar = page.locator("svg.share-bar rect").first
    assert bar.bounding_box()["width"] > 0
    shot("13-actor-track-record")


def test_a_locked_out_visitor_is_told_to_wait(page, live_server, analyst, shot):
    analyst.set_password(PASSWORD)
    analyst.save()
    for _ in range(5):
        page.goto(live_server.url + reverse("login"))
        page.get_by_label("Username").fill(analyst.get_username())
        page.get_by_label("Password").fill("a wrong password")
        page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in locked for now"

    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(analyst.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert re.search(r"refused, even with the right password", page.locator("main").inner_text())
    shot("14-locked-out")
