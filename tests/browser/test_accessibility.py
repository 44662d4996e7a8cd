"""axe-core over every kind of page, in a real browser: no accessibility violation anywhere.

axe-core is a test tool, vendored under ``tests/browser/vendor/axe-core/`` (not served
by the site). It is evaluated in the page through the browser's debugging protocol, so
the page's Content-Security-Policy stays as strict as for a visitor (the ``page`` fixture
still fails on any violation of it).

A new kind of page is one line in ``PAGE_KINDS``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from claims.models import Actor, Claim, Place, Topic
from sources.models import Source
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()


def gains() -> Claim:
    return Claim.objects.active().get(statement__startswith="Russian forces have regained")


def novinite() -> Source:
    return Source.objects.get(outlet__name__icontains="novinite")


def first_topic() -> Topic:
    return Topic.objects.order_by("pk").first()


def compared() -> str:
    counter = gains().relations_in.order_by("pk").first().from_claim
    return reverse("claims:claim_compare") + f"?a={gains().pk}&b={counter.pk}"


# (name, the page's path from the worked example, who looks: None, "analyst" or "editor")
# Admin pages are checked without the autocomplete pickers' select2 markup, which is
# Django's vendored library (its multiple picker puts a <span> in a <ul>).
PAGE_KINDS = [
    ("home", lambda: reverse("home"), None),
    ("claim-list", lambda: reverse("claims:claim_list"), None),
    ("claim-list-filtered", lambda: reverse("claims:claim_list") + "?status=disputed", None),
    ("claim", lambda: gains().get_absolute_url(), None),
    ("claim-as-analyst", lambda: gains().get_absolute_url(), "analyst"),
    ("compare", compared, None),
    ("compare-empty", lambda: reverse("claims:claim_compare"), None),
    ("actor", lambda: Actor.objects.get(name="Valery Gerasimov").get_absolute_url(), None),
    ("place", lambda: Place.objects.get(name="Sudzha").get_absolute_url(), None),
    ("actor-index", lambda: reverse("claims:actor_list"), None),
    ("place-index", lambda: reverse("claims:place_list"), None),
    ("topic-index", lambda: reverse("claims:topic_list"), None),
    ("claim-as-of", lambda: gains().get_absolute_url() + "?as_of=2025-03-13", None),
    ("claim-list-as-of", lambda: reverse("claims:claim_list") + "?as_of=2025-03-13", None),
    ("topic", lambda: first_topic().get_absolute_url(), None),
    ("figures", lambda: reverse("claims:figures_list") + f"?topic={first_topic().pk}", None),
    (
        "figures-as-analyst",
        lambda: reverse("claims:figures_list") + f"?topic={first_topic().pk}",
        "analyst",
    ),
    ("source-list", lambda: reverse("sources:source_list"), None),
    ("source", lambda: novinite().get_absolute_url(), None),
    ("source-as-editor", lambda: novinite().get_absolute_url(), "editor"),
    ("source-ingest", lambda: reverse("sources:source_ingest"), "editor"),
    ("outlet-list", lambda: reverse("sources:outlet_list"), None),
    ("outlet", lambda: novinite().outlet.get_absolute_url(), None),
    ("sign-in", lambda: reverse("login"), None),
    ("not-found", lambda: "/claims/999999/", None),
    ("admin-index", lambda: reverse("admin:index"), "editor"),
    (
        "admin-claim-change",
        lambda: reverse("admin:claims_claim_change", args=[gains().pk]),
        "editor",
    ),
    ("admin-claim-list", lambda: reverse("admin:claims_claim_changelist"), "editor"),
]


THIRD_PARTY = {"admin": [".select2-container"]}


def violations(page, exclude: list[str] = ()) -> list[dict]:
    """What axe-core finds in the page as it is shown now (all its rules: WCAG 2.x A and AA
    and best practices), leaving out the elements matching ``exclude``."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    # preload: false, so that axe does not copy the page's stylesheets into inline <style>
    # elements, which the Content-Security-Policy would refuse.
    return page.evaluate(
        """async (exclude) => (await axe.run(
              {exclude: exclude.map(s => [s])},
              {resultTypes: ["violations"], preload: false})).violations
          .map(v => ({id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " +
                                                      n.failureSummary.replace(/\\s+/g, " "))}))""",
        list(exclude),
    )


# axe-core only asks for a review when aria-describedby names an element that is not
# there; such a reference is an error of the page all the same.
DANGLING_REFERENCES = """() =>
  [...document.querySelectorAll("[aria-describedby], [aria-labelledby]")]
    .flatMap(e => ["aria-describedby", "aria-labelledby"].flatMap(a =>
      (e.getAttribute(a) || "").split(/\\s+/)
        .filter(id => id && !document.getElementById(id))
        .map(id => `${e.tagName.toLowerCase()}#${e.id} ${a}=${id}`)))
    .filter(ref => !ref.includes("select2"))"""


def described(found: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(f"    {n}" for n in v["nodes"])
        for v in found
    )


@pytest.mark.parametrize(("name", "path", "who"), PAGE_KINDS, ids=[kind[0] for kind in PAGE_KINDS])
def test_the_page_has_no_accessibility_violation(request, page, live_server, seed, name, path, who):
    if who:
        sign_in(page, live_server, request.getfixturevalue(who))
    page.goto(live_server.url + path())
    page.wait_for_load_state("load")

    found = violations(page, THIRD_PARTY["admin"] if name.startswith("admin") else [])
    dangling = page.evaluate(DANGLING_REFERENCES)

    assert not found, f"axe-core on {name} ({path()}):\n{described(found)}"
    assert not dangling, f"ARIA references to nothing on {name}: {dangling}"
