"""What the source pages show, quick capture of claims from an article, and escaping."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Claim
from sources.models import Excerpt
from tests.factories import (
    ActorFactory,
    AppearanceFactory,
    ClaimFactory,
    ClaimRelationFactory,
    ExcerptFactory,
    OutletFactory,
    PlaceFactory,
    QuantityFactory,
    SourceFactory,
    TopicFactory,
)
from tests.helpers import assert_status

ARTICLE = (
    "Gerasimov reported that Russian forces had regained control of 24 settlements. "
    "He also claimed that about 430 Ukrainian soldiers had been captured. "
    "Syrskyi confirmed ongoing battles in and around Sudzha."
)
CAPTURED = "He also claimed that about 430 Ukrainian soldiers had been captured."


@pytest.fixture
def article(db):
    outlet = OutletFactory(name="novinite.com", reliability="C")
    source = SourceFactory(outlet=outlet, title="Putin Visits Kursk", body=ARTICLE)
    quote = "regained control of 24 settlements"
    excerpt = ExcerptFactory(source=source, start=ARTICLE.index(quote), exact=quote)
    claim = ClaimFactory(statement="Russia regained 24 settlements.")
    AppearanceFactory(claim=claim, source=source, excerpt=excerpt)
    return source


def test_source_page_shows_the_text_with_excerpts_linked_to_their_claims(client, article):
    claim = Claim.objects.get()

    response = client.get(article.get_absolute_url())

    assert_status(response, 200)
    page = response.content.decode()
    start = ARTICLE.index("regained control")
    assert (
        f'Russian forces had <a class="excerpt" id="excerpt-{start}" '
        f'href="{claim.get_absolute_url()}" title="Russia regained 24 settlements.">'
        "regained control of 24 settlements</a>. He also claimed"
    ) in page
    assert "novinite.com" in page
    assert "C – fairly reliable" in page


def test_source_page_text_content_equals_the_body_so_offsets_match(client, article):
    """The capture script counts offsets in the rendered text; they must be the body's."""
    import html
    import re

    page = client.get(article.get_absolute_url()).content.decode()
    rendered = re.search(r'<div id="source-body"[^>]*>(.*?)</div>', page, re.S).group(1)

    assert html.unescape(re.sub(r"<[^>]+>", "", rendered)) == ARTICLE


def test_source_page_shows_what_it_cites_and_what_cites_it(client, article):
    tass = SourceFactory(title="TASS report of the briefing", body="")
    article.cites.add(tass)

    assert "TASS report of the briefing" in client.get(article.get_absolute_url()).content.decode()
    assert "Putin Visits Kursk" in client.get(tass.get_absolute_url()).content.decode()


def test_outlet_page_shows_reliability_and_sources(client, article):
    page = client.get(article.outlet.get_absolute_url()).content.decode()

    assert "C – fairly reliable" in page
    assert "Putin Visits Kursk" in page


def test_source_list_searches_and_filters_by_outlet(client, article):
    other = SourceFactory(title="Jeddah talks conclude")

    response = client.get(reverse("sources:source_list"), {"q": "kursk"})
    assert [source.title for source in response.context["sources"]] == ["Putin Visits Kursk"]

    response = client.get(reverse("sources:source_list"), {"outlet": other.outlet_id})
    assert [source.title for source in response.context["sources"]] == ["Jeddah talks conclude"]


def test_outlet_list_shows_reliability(client, article):
    page = client.get(reverse("sources:outlet_list")).content.decode()
    assert "novinite.com" in page


# --- quick capture -----------------------------------------------------------


def capture_data(**overrides) -> dict:
    data = {
        "exact": CAPTURED,
        "start": str(ARTICLE.index(CAPTURED)),
        "statement": "About 430 Ukrainian soldiers were captured in Kursk.",
        "claimant": "",
        "claimant_kind": "person",
        "asserted_on": "2025-03-12",
        "quantities-TOTAL_FORMS": "2",
        "quantities-INITIAL_FORMS": "0",
        "quantities-MIN_NUM_FORMS": "0",
        "quantities-MAX_NUM_FORMS": "10",
        "quantities-0-qualifier": "about",
        "quantities-0-value": "430",
        "quantities-0-unit": "",
        "quantities-0-counted": "Ukrainian soldiers captured",
        "quantities-0-text": "about 430 Ukrainian soldiers",
        "quantities-1-qualifier": "exactly",
    }
    data.update(overrides)
    return data


def test_editor_records_a_claim_from_a_selected_sentence(editor_client, article):
    gerasimov = ActorFactory(name="Valery Gerasimov")
    kursk = PlaceFactory(name="Kursk Oblast")
    topic = TopicFactory(name="Kursk incursion")

    response = editor_client.post(
        reverse("sources:claim_capture", args=[article.pk]),
        capture_data(claimant="valery gerasimov", places="Kursk Oblast", topics="Kursk incursion"),
    )

    assert_status(response, 302)
    claim = Claim.objects.get(claimant=gerasimov)
    assert response["Location"] == article.get_absolute_url() + "#suggestions"
    excerpt = claim.appearances.get().excerpt
    assert (excerpt.start, excerpt.end) == (
        ARTICLE.index(CAPTURED),
        ARTICLE.index(CAPTURED) + len(CAPTURED),
    )
    assert excerpt.exact == CAPTURED
    assert [q.display for q in claim.quantities.all()] == ["about 430 Ukrainian soldiers captured"]
    assert list(claim.places.all()) == [kursk]
    assert list(claim.topics.all()) == [topic]


def history_rows(page: str) -> list[str]:
    """The rows of the claim page's history table, as text with tags removed."""
    import re

    table = page[page.index('id="history-heading"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]  # after the header row
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_a_captured_claim_has_one_history_row_saying_who_recorded_it(editor_client, article):
    PlaceFactory(name="Kursk Oblast")
    TopicFactory(name="Kursk incursion")
    editor_client.post(
        reverse("sources:claim_capture", args=[article.pk]),
        capture_data(claimant="Valery Gerasimov", places="Kursk Oblast", topics="Kursk incursion"),
    )
    claim = Claim.objects.get(statement__startswith="About 430")

    rows = history_rows(editor_client.get(claim.get_absolute_url()).content.decode())

    assert len(rows) == 1, rows
    assert rows[0].endswith("Recorded by ed-editor —")
    assert "Created" not in rows[0]
    assert claim.history.count() == 1
    recorded = claim.history.get()
    assert [link.place.name for link in recorded.places.all()] == ["Kursk Oblast"]


def test_the_claim_history_says_what_each_change_changed(editor_client, analyst, article):
    from claims.services import claim_assess, claim_update

    claim = Claim.objects.get()
    kursk = PlaceFactory(name="Kursk Oblast")
    claim_assess(claim=claim, by=analyst, status="disputed", rationale="Denied.")
    claim_update(claim=claim, statement="Russia regained 12 settlements.", places=[kursk])
    claim.save()  # the same values again: nothing shown changed

    rows = history_rows(editor_client.get(claim.get_absolute_url()).content.decode())

    assert len(rows) == 3, rows
    assert rows[0].endswith(
        "Changed Statement : Russia regained 24 settlements. → Russia regained 12 settlements.; "
        "Places : — → Kursk Oblast"
    )
    assert rows[1].endswith("Changed (Assessed disputed) Status : Unverified → Disputed")
    assert "Recorded" in rows[2]


def test_capture_of_words_not_in_the_text_shows_the_error_next_to_the_quote(editor_client, article):
    gerasimov = ActorFactory()

    response = editor_client.post(
        reverse("sources:claim_capture", args=[article.pk]),
        capture_data(claimant=gerasimov.name, exact="Words nobody wrote.", start=""),
    )

    assert_status(response, 200)
    assert response.context["form"].errors["exact"] == [
        "This text does not occur in the source's body."
    ]
    assert not Claim.objects.filter(claimant=gerasimov).exists()
    assert Excerpt.objects.count() == 1


def test_capture_with_an_unknown_unit_shows_the_error_next_to_that_quantity(editor_client, article):
    gerasimov = ActorFactory()

    response = editor_client.post(
        reverse("sources:claim_capture", args=[article.pk]),
        capture_data(claimant=gerasimov.name, **{"quantities-0-unit": "furlongs of glory"}),
    )

    assert_status(response, 200)
    formset = response.context["quantity_formset"]
    assert "is not a unit claimsbase knows" in formset.forms[0].errors["unit"][0]
    assert "is not a unit claimsbase knows" in response.content.decode()
    assert not Claim.objects.filter(claimant=gerasimov).exists()


@pytest.mark.parametrize("who", ["client", "viewer_client", "analyst_client"])
def test_capture_is_refused_to_anyone_but_editors(request, who, article):
    gerasimov = ActorFactory()

    response = request.getfixturevalue(who).post(
        reverse("sources:claim_capture", args=[article.pk]), capture_data(claimant=gerasimov.name)
    )

    assert response.status_code == (302 if who == "client" else 403)
    assert Claim.objects.count() == 1


def test_capture_form_is_shown_to_editors_only(client, analyst_client, editor_client, article):
    assert (
        "Record a claim from your own selection"
        not in client.get(article.get_absolute_url()).content.decode()
    )
    assert (
        "Record a claim from your own selection"
        not in analyst_client.get(article.get_absolute_url()).content.decode()
    )
    assert (
        "Record a claim from your own selection"
        in editor_client.get(article.get_absolute_url()).content.decode()
    )


# --- article text is shown as text, never as markup ---------------------------

HOSTILE_TITLE = '<script>alert("title")</script><b>Bold</b> claims'
HOSTILE_BODY = (
    'Intro <img src=x onerror=alert(1)> text. The general said <script>alert("body")</script> '
    "24 villages fell. <i>End</i>."
)


@pytest.fixture
def hostile(db):
    outlet = OutletFactory(name='<script>alert("outlet")</script>')
    source = SourceFactory(outlet=outlet, title=HOSTILE_TITLE, body=HOSTILE_BODY)
    quote = '<script>alert("body")</script> 24 villages fell.'
    excerpt = ExcerptFactory(source=source, start=HOSTILE_BODY.index(quote), exact=quote)
    claim = ClaimFactory(
        statement='<script>alert("statement")</script> 24 villages fell',
        claimant=ActorFactory(name="<b>General</b>"),
        topics=[TopicFactory(name="<em>Topic</em>")],
    )
    QuantityFactory(claim=claim, counted="<u>villages</u>")
    AppearanceFactory(claim=claim, source=source, excerpt=excerpt)
    ClaimRelationFactory(from_claim=ClaimFactory(statement="<script>x()</script>"), to_claim=claim)
    return claim


def test_markup_in_article_text_is_shown_as_text_on_every_page(client, editor_client, hostile):
    source = hostile.appearances.get().source
    pages = [
        reverse("home"),
        reverse("claims:claim_list"),
        hostile.get_absolute_url(),
        reverse("claims:claim_compare")
        + f"?a={hostile.pk}&b={hostile.relations_in.get().from_claim_id}",
        hostile.claimant.get_absolute_url(),
        hostile.topics.get().get_absolute_url(),
        source.get_absolute_url(),
        source.outlet.get_absolute_url(),
        reverse("sources:source_list"),
        reverse("sources:outlet_list"),
        reverse("claims:claim_link", args=[hostile.pk]) + "?q=villages",
    ]
    for url in pages:
        response = editor_client.get(url) if "link" in url else client.get(url)
        assert_status(response, 200)
        page = response.content.decode()
        for raw in ("<script>alert", "<img src=x", "<b>Bold", "<b>General", "<em>Topic", "<u>vill"):
            assert raw not in page, f"{raw!r} unescaped on {url}"
    page = client.get(source.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&quot;body&quot;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;&lt;b&gt;Bold&lt;/b&gt;" in page
    assert client.get(reverse("claims:claim_search"), {"q": "villages"}).json()["results"]
