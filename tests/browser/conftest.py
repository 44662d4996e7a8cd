"""Headless Chromium driven by Playwright against pytest-django's live server.

The browser is Debian's ``chromium`` package (``.ci/run`` installs it); the
Playwright Python package only drives it, so no browser is downloaded. Tests
here are skipped where either is missing, and every page visited is saved as
a screenshot in ``test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.urls import reverse

from tests.helpers import make_role_groups

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# On a developer's machine without a browser these tests skip; in CI (which
# installs chromium first) a missing browser is an error, never a silent skip.
if os.environ.get("CI") and not CHROMIUM.exists():
    raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package.")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)


def pytest_collection_modifyitems(items):
    """Run the browser tests last.

    They need the live server's transactional mode, which empties the database
    after each test (the role groups made by a migration included); any other
    test that relies on migrated data then still runs before them.
    """
    items.sort(key=lambda item: "tests/browser/" in str(item.path))


@pytest.fixture(autouse=True)
def roles(transactional_db):
    """The role groups: the live server needs committed data, so these tests run in
    transactional mode, which empties the database after each one."""
    make_role_groups()


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in the test's thread, and Django
    # refuses database calls from a thread with a running loop unless told this
    # is safe. Set only while the browser runs (browser tests run last), so no
    # other test, such as the deploy check, sees it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


# Runs in every document before its own scripts (Playwright injects it outside the page's
# Content-Security-Policy) and reports each violation the browser sees to the test.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} refused ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile || event.documentURI}:${event.lineNumber} ${event.sample || ""}`
  );
});
"""


@contextmanager
def watched_page(browser) -> Iterator[tuple[object, list[str]]]:
    """A browser tab and the Content-Security-Policy violations seen while it is open.

    A violation is seen twice: as a ``securitypolicyviolation`` event in the page, and as
    the console error Chromium writes for it; both are collected.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    violations: list[str] = []

    def report(violation: str) -> None:
        violations.append(violation)

    context.expose_function("reportCspViolation", report)
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")

    page.on("console", on_console)
    try:
        yield page, violations
        # Let events still on their way from the page arrive before the tab closes.
        page.wait_for_timeout(100)
    finally:
        context.close()


@pytest.fixture
def page(browser):
    """A browser tab; the test fails at teardown if any page it showed broke the policy."""
    with watched_page(browser) as (page, violations):
        yield page
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def shot(page):
    """Save a full-page screenshot of what the browser shows now, named for the step."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


def publish(screenshot: Path, name: str) -> None:
    """Copy a screenshot to the README's folder."""
    target = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(screenshot, target)


PASSWORD = "a long browser test password"


def sign_in(page, live_server, user) -> None:
    """Sign ``user`` in on the site's own sign-in page, as a reader would."""
    user.set_password(PASSWORD)
    user.save()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")


def admin_sign_in(page, live_server, user) -> None:
    """Sign ``user`` in on the admin's log-in page, as an editor would."""
    user.set_password(PASSWORD)
    user.save()
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + reverse("admin:index"))
