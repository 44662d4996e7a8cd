"""An analyst's and an editor's day on the worked example, in a real browser."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from claims.models import Claim
from sources.models import Source
from tests.browser.conftest import publish, sign_in

pytestmark = pytest.mark.browser

GAINS = "Russian forces have regained control of 24 settlements"
COUNTER = "Battles are going on in and around Sudzha"
SENTENCE = (
    "Meanwhile, Ukrainian authorities have not publicly commented on Russia’s claims of "
    "territorial gains."
)


def test_home_then_the_list_filtered_to_disputed_claims(page, live_server, seed, shot):
    page.goto(live_server.url + reverse("home"))
    assert page.title() == "Home · claimsbase"
    assert page.get_by_role("heading", name="Most contested").is_visible()
    shot("01-home")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Claims").click()
    page.get_by_role("group", name="Status").get_by_label("Disputed").check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r".*status=disputed.*"))

    rows = page.locator(".results .claim-row")
    assert rows.count() == 3
    assert rows.locator(".badge").all_inner_texts() == ["Disputed"] * 3
    shot("02-claims-disputed")


def test_a_claim_with_its_counter_claim_side_by_side(page, live_server, seed, shot):
    page.goto(live_server.url + reverse("claims:claim_list") + "?status=disputed")
    page.get_by_role("link", name=re.compile(GAINS)).click()

    cards = page.locator(".side-by-side .card")
    assert cards.count() == 2
    assert GAINS in cards.nth(0).inner_text()
    assert COUNTER in cards.nth(1).inner_text()
    left, right = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert right["x"] > left["x"] and abs(right["y"] - left["y"]) < 5  # side by side
    assert "TASS" in page.locator(".chain").first.inner_text()
    shot("03-claim-page")
    publish(shot("03-claim-page-top", full_page=False), "claim-page.png")


def test_an_analyst_signs_in_and_assesses_a_claim(page, live_server, seed, analyst, shot):
    claim = Claim.objects.get(statement__startswith="About 430 Ukrainian soldiers")
    sign_in(page, live_server, analyst)
    shot("04-signed-in")

    page.goto(live_server.url + claim.get_absolute_url())
    form = page.locator("form", has=page.get_by_role("button", name="Record assessment"))
    form.get_by_label("Status").select_option("disputed")
    form.get_by_label("Credibility").select_option("4")
    form.get_by_label("Rationale").fill("Only the Russian side reports the number.")
    form.get_by_role("button", name="Record assessment").click()
    page.wait_for_url(live_server.url + claim.get_absolute_url())

    assert page.locator(".claim-status .badge").inner_text() == "Disputed"
    assert "Only the Russian side reports the number." in page.locator(".timeline").inner_text()
    shot("05-claim-assessed")
    claim.refresh_from_db()
    assert claim.status == "disputed"


SELECT_TEXT = """
([container, wanted]) => {
  const root = document.querySelector(container);
  const full = root.textContent;
  const from = full.indexOf(wanted), to = from + wanted.length;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let seen = 0, start = null, end = null, node;
  while ((node = walker.nextNode())) {
    const next = seen + node.data.length;
    if (start === null && from < next) start = [node, from - seen];
    if (end === null && to <= next) { end = [node, to - seen]; break; }
    seen = next;
  }
  const range = document.createRange();
  range.setStart(...start);
  range.setEnd(...end);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return from;
}
"""


def test_an_editor_selects_a_sentence_and_records_a_claim(page, live_server, seed, editor, shot):
    source = Source.objects.get(outlet__name__icontains="novinite")
    assert SENTENCE in source.body
    sign_in(page, live_server, editor)
    page.goto(live_server.url + source.get_absolute_url())
    assert page.locator("#source-body a.excerpt").count() >= 20

    offset = page.evaluate(SELECT_TEXT, ["#source-body", SENTENCE])
    assert offset == source.body.index(SENTENCE)
    form = page.locator(".capture-form")
    page.wait_for_function("document.querySelector('.capture-form [name=exact]').value !== ''")
    assert form.get_by_label("Quote from the article").input_value() == SENTENCE
    assert form.get_by_label(re.compile("Where the quote starts")).input_value() == str(offset)
    page.evaluate("window.scrollTo(0, 0)")
    publish(shot("06-source-page-selection", full_page=False), "source-page.png")

    form.get_by_label("Statement").fill("Ukraine has not commented on Russia's claimed gains.")
    form.get_by_label(re.compile(r"^Claimant")).fill("novinite.com staff")
    form.get_by_label("Asserted on").fill("2025-03-13")
    shot("06-source-page-filled")
    form.get_by_role("button", name="Record claim").click()
    page.wait_for_url(re.compile(r".*/sources/\d+/#suggestions$"))

    claim = Claim.objects.get(statement__startswith="Ukraine has not commented")
    assert f"Claim #{claim.pk} recorded from this source." in page.locator(".messages").inner_text()
    assert "Ukraine has not commented" in page.locator("#claims-heading + ol").inner_text()
    shot("07-captured-claim")
    excerpt = claim.appearances.get().excerpt
    assert (excerpt.start, excerpt.exact) == (source.body.index(SENTENCE), SENTENCE)
    assert claim.claimant.name == "novinite.com staff"


REUTERS = (
    "MOSCOW, Nov 20 (Reuters) - Russia's top general, Valery Gerasimov, told President "
    "Vladimir Putin on Thursday that Russian forces had taken full control of the town of "
    "Kupiansk in Ukraine's Kharkiv region, according to a Kremlin video.\n\n"
    "Ukraine's military denied the claim, saying its troops still held positions in the town.\n\n"
    "Gerasimov also said Russian forces controlled more than 80% of Vovchansk, a town to the "
    "north, and were advancing in several other directions."
)


def test_the_reuters_item_is_entered_in_four_submissions_on_one_screen(
    page, live_server, editor, shot
):
    """Source, Gerasimov's claim with its chain and place, the denial contradicting it, and
    the Vovchansk figure, all anchored: counted as the form submissions the browser makes."""
    from claims.models import ActorAlias, ClaimRelation
    from tests.factories import ActorFactory, OutletFactory, PlaceFactory

    gerasimov = ActorFactory(name="Valery Gerasimov", kind="person", reliability="D")
    ActorAlias.objects.create(actor=gerasimov, name="Gerasimov")
    military = ActorFactory(name="Armed Forces of Ukraine", kind="military")
    ActorAlias.objects.create(actor=military, name="Ukraine's military")
    OutletFactory(name="Reuters", domain="reuters.com", reliability="B")
    PlaceFactory(name="Kupiansk", kind="settlement")
    sign_in(page, live_server, editor)
    submissions = []
    page.on("request", lambda r: submissions.append(r.url) if r.method == "POST" else None)

    page.goto(live_server.url + reverse("sources:source_ingest"))
    page.get_by_label("URL").fill("https://www.reuters.com/world/europe/kupiansk-2025-11-20/")
    page.get_by_label("Text").fill(REUTERS)
    page.get_by_label("Title").fill("Russia's top general tells Putin Kupiansk is taken")
    page.get_by_label("Published").fill("2025-11-20")
    page.get_by_role("button", name="Record the source").click()  # 1
    page.wait_for_url(re.compile(r".*/sources/\d+/$"))
    source = Source.objects.get()
    assert source.outlet.name == "Reuters"

    cards = page.locator(".suggestion-card")
    first = cards.nth(0)
    assert first.get_by_label(re.compile(r"^Claimant")).input_value() == "Valery Gerasimov"
    assert first.get_by_label("Asserted on").input_value() == "2025-11-20"  # "on Thursday"
    page.locator("#suggestions").scroll_into_view_if_needed()
    publish(shot("08-intake-screen", full_page=False), "intake-screen.png")
    first.get_by_label("Statement").fill("Russian forces have taken full control of Kupiansk.")
    places = first.get_by_label("Places it is about")
    places.fill("Kharkiv Oblast, Kupi")
    places.dispatch_event("input")
    first.get_by_role("button", name="Kupiansk").click()  # the name typed, found as one types
    assert places.input_value() == "Kharkiv Oblast, Kupiansk"
    first.get_by_role("button", name="Record this claim").click()  # 2
    page.wait_for_url(re.compile(r".*#suggestions$"))
    taken = Claim.objects.get()

    denial = page.locator(".suggestion-card").nth(0)
    assert denial.get_by_label(re.compile(r"^Claimant")).input_value() == "Armed Forces of Ukraine"
    denial.get_by_label("Statement").fill("Ukrainian troops still hold positions in Kupiansk.")
    denial.get_by_label("This claim").select_option("contradicts")
    denial.get_by_label(re.compile(f"#{taken.pk}:")).check()
    denial.get_by_role("button", name="Record this claim").click()  # 3
    page.wait_for_url(re.compile(r".*#suggestions$"))

    vovchansk = page.locator(".suggestion-card", has_text="80% of Vovchansk")
    vovchansk.get_by_label("Statement").fill("Russian forces control more than 80% of Vovchansk.")
    vovchansk.get_by_label("Places it is about").fill("Vovchansk")
    vovchansk.get_by_role("button", name="Record this claim").click()  # 4
    page.wait_for_url(re.compile(r".*#suggestions$"))
    shot("09-intake-done")

    assert len(submissions) == 4, submissions
    assert Claim.objects.count() == 3
    chain = list(taken.appearances.get().chain.all())
    assert [step.actor or step.outlet for step in chain] == [gerasimov, source.outlet]
    assert sorted(taken.places.values_list("name", flat=True)) == ["Kharkiv Oblast", "Kupiansk"]
    relation = ClaimRelation.objects.get()
    assert (relation.kind, relation.to_claim, relation.from_claim.claimant) == (
        "contradicts",
        taken,
        military,
    )
    figure = Claim.objects.get(statement__contains="Vovchansk").quantities.get()
    assert (figure.qualifier, figure.value, figure.unit) == ("more_than", 80, "%")
    assert all(claim.appearances.get().excerpt.exact in REUTERS for claim in Claim.objects.all())
