"""What the claim pages show, and what their actions do for each role."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from claims.models import Assessment, ClaimRelation, Evidence
from claims.services import claim_assess
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    ActorRoleFactory,
    AppearanceFactory,
    AttributionStepFactory,
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
    "Putin visited a command post in the Kursk region. According to TASS, Gerasimov "
    "reported that Russian forces had regained control of 24 settlements and 259 square "
    "kilometers of territory in the region. Ukraine remains resolute in its defense."
)
QUOTE = "regained control of 24 settlements"


@pytest.fixture
def gains(db):
    """The Gerasimov claim of the worked example, reported by TASS via novinite.com."""
    gerasimov = ActorFactory(name="Valery Gerasimov", reliability="D")
    ActorRoleFactory(
        actor=gerasimov, title="Chief of the General Staff", start=datetime.date(2012, 11, 9)
    )
    ActorRoleFactory(
        actor=gerasimov,
        title="Commander of a military district",
        start=datetime.date(2009, 1, 1),
        end=datetime.date(2012, 11, 8),
    )
    novinite = OutletFactory(name="novinite.com", reliability="C")
    tass = OutletFactory(name="TASS", reliability="D", state_affiliated=True)
    source = SourceFactory(outlet=novinite, title="Putin Visits Kursk", body=ARTICLE)
    excerpt = ExcerptFactory(source=source, start=ARTICLE.index(QUOTE), exact=QUOTE)
    claim = ClaimFactory(
        statement="Russian forces regained control of 24 settlements and 259 km² in Kursk.",
        claimant=gerasimov,
        asserted_on=datetime.date(2025, 3, 12),
    )
    appearance = AppearanceFactory(claim=claim, source=source, excerpt=excerpt)
    AttributionStepFactory(appearance=appearance, position=0, actor=gerasimov, fidelity="original")
    AttributionStepFactory(
        appearance=appearance, position=1, actor=None, label="briefing to Putin", fidelity="summary"
    )
    AttributionStepFactory(appearance=appearance, position=2, actor=None, outlet=tass)
    AttributionStepFactory(appearance=appearance, position=3, actor=None, outlet=novinite)
    QuantityFactory(claim=claim, value=Decimal(24), counted="settlements regained")
    QuantityFactory(
        claim=claim, value=Decimal(259), unit="square kilometers", counted="territory regained"
    )
    syrskyi = ActorFactory(name="Oleksandr Syrskyi")
    counter = ClaimFactory(
        statement="Battles continue in and around Sudzha; Ukrainian forces hold positions.",
        claimant=syrskyi,
    )
    ClaimRelationFactory(from_claim=counter, to_claim=claim, kind=ClaimRelation.Kind.CONTRADICTS)
    return claim


def test_claim_page_shows_claimant_role_chain_quantities_and_counter_claim(client, gains):
    response = client.get(gains.get_absolute_url())

    assert_status(response, 200)
    page = response.content.decode()
    assert "Valery Gerasimov" in page
    assert "Chief of the General Staff" in page
    assert "Commander of a military district" not in page  # not the role held at the time
    for step in ("briefing to Putin", "TASS", "novinite.com"):
        assert step in page
    assert "24 settlements regained" in page
    assert "259 km² territory regained" in page
    assert "Counter-claims, side by side" in page
    assert "Battles continue in and around Sudzha" in page
    assert "Contradicted by" in page


def test_claim_page_shows_the_quote_highlighted_in_its_sentence(client, gains):
    page = client.get(gains.get_absolute_url()).content.decode()

    assert (
        'According to TASS, Gerasimov reported that Russian forces had <mark class="quote">'
        "regained control of 24 settlements</mark> and 259 square kilometers of territory "
        "in the region."
    ) in page
    assert "Putin visited a command post" not in page  # the sentence before is left out


def test_claim_page_shows_assessment_timeline_with_grade_rationale_and_evidence(
    client, gains, analyst
):
    claim_assess(
        claim=gains,
        by=analyst,
        status="disputed",
        credibility=3,
        rationale="Only the claimant's side reports it.",
        evidence=[{"url": "https://isw.example/kursk", "stance": "refutes"}],
    )

    page = client.get(gains.get_absolute_url()).content.decode()

    assert 'class="badge status-disputed">Disputed</span>' in page
    assert ">D3</abbr>" in page  # Gerasimov (D) originated it, credibility 3
    assert "Only the claimant&#x27;s side reports it." in page
    assert "https://isw.example/kursk" in page
    assert "ana-analyst" in page


def test_claim_page_shows_the_audit_history(client, gains, editor):
    from claims.services import claim_update

    claim_update(claim=gains, notes="Checked against the TASS wire.")

    page = client.get(gains.get_absolute_url()).content.decode()

    assert "History of this record" in page
    assert "<strong>Notes</strong>: — → Checked against the TASS wire." in page


def test_relations_read_from_each_claims_side(client, gains):
    counter = gains.relations_in.get().from_claim

    page = client.get(counter.get_absolute_url()).content.decode()

    assert "Contradicts" in page
    assert "Russian forces regained control of 24 settlements" in page


def test_claim_list_rows_show_status_claimant_counts_and_quantities(client, gains):
    response = client.get(reverse("claims:claim_list"))

    assert_status(response, 200)
    page = response.content.decode()
    assert "Russian forces regained control of 24 settlements" in page
    assert "1 source" in page
    assert "1 counter-claim" in page
    assert "259 km² territory regained" in page
    assert "Unverified" in page


def test_claim_list_filters_to_disputed(client, gains, analyst):
    claim_assess(claim=gains, by=analyst, status="disputed", rationale="One side only.")

    page = client.get(reverse("claims:claim_list"), {"status": "disputed"}).content.decode()

    assert "Russian forces regained control" in page
    assert "Battles continue in and around Sudzha" not in page


def test_claim_list_as_of_shows_the_status_claims_had_then(client, gains, analyst):
    source = gains.appearances.get().source
    source.published_at = datetime.datetime(2025, 3, 13, 7, tzinfo=datetime.UTC)
    source.save()
    claim_assess(
        claim=gains,
        by=analyst,
        status="false",
        rationale="Satellite images.",
        assessed_at=datetime.datetime(2025, 4, 1, tzinfo=datetime.UTC),
    )

    page = client.get(reverse("claims:claim_list"), {"as_of": "2025-03-20"}).content.decode()

    assert "As of 20 March 2025" in page
    assert "as it stood at the end of that day" in page
    assert "Russian forces regained control" in page
    assert "status-false" not in page


def test_claim_list_with_a_malformed_filter_shows_the_error(client, gains):
    response = client.get(reverse("claims:claim_list"), {"asserted_after": "yesterday"})

    assert_status(response, 400)
    assert "Enter a valid date." in response.content.decode()
    assert list(response.context["claims"]) == []


def test_claim_list_sorts_by_counter_claims_and_pages(client, gains):
    for _ in range(30):
        ClaimFactory()

    first = client.get(reverse("claims:claim_list"), {"ordering": "-counter_claim_count"})

    assert_status(first, 200)
    claims = list(first.context["claims"])
    assert len(claims) == 25
    assert claims[0].counter_claim_count == 1
    assert "32 claims." in first.content.decode()
    second = client.get(
        reverse("claims:claim_list"),
        {"ordering": "-counter_claim_count", "cursor": first.context["page_obj"].next_cursor},
    )
    rest = list(second.context["claims"])
    assert len(rest) == 7
    assert not set(rest) & set(claims)
    assert second.context["page_obj"].next_cursor is None
    back = client.get(
        reverse("claims:claim_list"),
        {"ordering": "-counter_claim_count", "cursor": second.context["page_obj"].previous_cursor},
    )
    assert list(back.context["claims"]) == claims


@pytest.mark.parametrize(
    "ordering", ["-asserted_on", "asserted_on", "-first_reported_at", "status"]
)
def test_claim_list_pages_visit_every_claim_once(client, db, ordering):
    """Keyset pages with ties and unknown dates neither repeat nor skip a claim."""
    days = [None, datetime.date(2025, 3, 1), datetime.date(2025, 3, 2)]
    made = {ClaimFactory(asserted_on=days[n % 3]).pk for n in range(60)}
    seen, cursor = [], None
    while True:
        query = {"ordering": ordering, **({"cursor": cursor} if cursor else {})}
        response = client.get(reverse("claims:claim_list"), query)
        assert_status(response, 200)
        seen += [claim.pk for claim in response.context["claims"]]
        cursor = response.context["page_obj"].next_cursor
        if cursor is None:
            break
    assert len(seen) == len(made) and set(seen) == made


def test_claim_list_counts_no_further_than_the_cap(client, db, settings, monkeypatch):
    monkeypatch.setattr("claimsbase.paging.COUNT_CAP", 5)
    for _ in range(7):
        ClaimFactory()
    page = client.get(reverse("claims:claim_list")).content.decode()
    assert "more than 5 claims." in page


def test_claim_list_with_a_mangled_cursor_starts_again(client, db):
    ClaimFactory(statement="The only claim.")
    response = client.get(reverse("claims:claim_list"), {"cursor": "not-a-cursor"})
    assert_status(response, 200)
    assert "The only claim." in response.content.decode()


def test_compare_shows_two_claims_with_quantities_of_one_measure_side_by_side(client, gains):
    later = ClaimFactory(statement="Forces regained 30 settlements.")
    QuantityFactory(claim=later, value=Decimal(30), counted="Settlements regained")

    response = client.get(reverse("claims:claim_compare"), {"a": gains.pk, "b": later.pk})

    assert_status(response, 200)
    page = response.content.decode()
    assert '<th scope="row">Settlements regained</th>' in page
    assert "24 settlements regained" in page
    assert "30 Settlements regained" in page


def test_compare_with_an_unknown_claim_says_so(client, gains):
    response = client.get(reverse("claims:claim_compare"), {"a": gains.pk, "b": 999999})

    assert_status(response, 200)
    assert "No claim has this number." in response.content.decode()


def test_actor_page_shows_aliases_roles_and_track_record_shares(client, gains, analyst):
    ActorAliasFactory(actor=gains.claimant, name="Gerasimov V.")
    other = ClaimFactory(claimant=gains.claimant)
    ClaimFactory(claimant=gains.claimant)
    claim_assess(claim=other, by=analyst, status="false", rationale="Refuted.")
    about = ClaimFactory(statement="Gerasimov was replaced.", actors=[gains.claimant])

    page = client.get(gains.claimant.get_absolute_url()).content.decode()

    assert "Gerasimov V." in page
    assert "Chief of the General Staff" in page
    assert "3 in all" in page
    assert "67 %" in page  # two of three still unverified
    assert "33 %" in page
    assert about.statement in page


def test_place_page_includes_claims_about_places_inside_and_its_parents(client, db):
    russia = PlaceFactory(name="Russia", kind="country")
    kursk = PlaceFactory(name="Kursk Oblast", kind="region", parent=russia)
    sudzha = PlaceFactory(name="Sudzha", parent=kursk)
    claim = ClaimFactory(statement="Fighting in Sudzha.", places=[sudzha])

    page = client.get(kursk.get_absolute_url()).content.decode()

    assert claim.statement in page
    assert "Russia" in page
    assert "Sudzha" in page


def test_topic_page_plots_one_measure_over_time(client, db):
    topic = TopicFactory(name="Kursk incursion")
    for day, value in ((1, 10), (12, 24)):
        claim = ClaimFactory(asserted_on=datetime.date(2025, 3, day), topics=[topic])
        QuantityFactory(claim=claim, value=Decimal(value), counted="settlements regained")

    page = client.get(topic.get_absolute_url()).content.decode()

    assert "<svg" in page
    assert "Settlements regained over time" in page
    assert page.count('<circle class="point') == 2
    assert page.index("1 Mar 2025") < page.index("12 Mar 2025")


def test_home_shows_statuses_most_contested_recent_assessments_and_topics(client, gains, analyst):
    TopicFactory(name="Jeddah talks")
    claim_assess(claim=gains, by=analyst, status="disputed", rationale="One side only.")

    response = client.get(reverse("home"))

    assert_status(response, 200)
    page = response.content.decode()
    assert "Claims by status" in page
    assert "Jeddah talks" in page
    counter = gains.relations_in.get().from_claim
    assert {claim.pk for claim in response.context["contested"]} == {gains.pk, counter.pk}
    assert [a.claim for a in response.context["recent_assessments"]] == [gains]
    assert page.count(gains.statement) == 2  # most contested, and recently assessed


# --- actions ---------------------------------------------------------------


def test_assess_by_analyst_records_the_judgement_with_evidence(analyst_client, gains):
    response = analyst_client.post(
        reverse("claims:claim_assess", args=[gains.pk]),
        {
            "status": "disputed",
            "credibility": "3",
            "reliability": "",
            "rationale": "Not confirmed independently.",
            "evidence_stance": "refutes",
            "evidence_url": "https://isw.example/kursk",
            "evidence_note": "Map of control.",
        },
    )

    assert_status(response, 302)
    assert response["Location"] == gains.get_absolute_url()
    gains.refresh_from_db()
    assert gains.status == "disputed"
    assessment = Assessment.objects.get(claim=gains)
    assert assessment.grade == "D3"  # Gerasimov's own grade, not TASS's or novinite's
    assert assessment.evidence.get().url == "https://isw.example/kursk"


def test_assess_form_proposes_the_originators_grade_and_finds_sources_by_title(
    analyst_client, gains
):
    form = analyst_client.get(reverse("claims:claim_assess", args=[gains.pk])).context["form"]
    page = analyst_client.get(gains.get_absolute_url()).content.decode()

    assert form["reliability"].value() == "D"
    assert '<option value="D" selected>' in page
    assert 'data-search-url="/api/v1/sources/"' in page
    assert "Evidence source (number)" not in page


def test_assess_with_evidence_but_no_stance_asks_for_one(analyst_client, gains):
    response = analyst_client.post(
        reverse("claims:claim_assess", args=[gains.pk]),
        {
            "status": "disputed",
            "credibility": "3",
            "rationale": "Not confirmed independently.",
            "evidence_url": "https://isw.example/kursk",
        },
    )

    assert_status(response, 200)
    assert response.context["form"].errors["evidence_stance"] == [
        "Say whether this evidence supports or refutes the claim."
    ]
    assert not Assessment.objects.exists()


def test_evidence_form_has_no_stance_chosen_in_advance(analyst_client, gains):
    url = reverse("claims:evidence_add", args=[gains.pk])
    response = analyst_client.post(url, {"url": "https://isw.example/kursk"})

    assert_status(response, 200)
    assert response.context["form"].errors["stance"] == ["This field is required."]
    assert not gains.evidence.exists()


def test_assess_without_rationale_shows_the_error_next_to_the_field(analyst_client, gains):
    response = analyst_client.post(
        reverse("claims:claim_assess", args=[gains.pk]), {"status": "false", "credibility": "2"}
    )

    assert_status(response, 200)
    assert response.context["form"].errors["rationale"] == ["This field is required."]
    assert not Assessment.objects.exists()


def test_assess_of_a_merged_claim_shows_the_services_error(analyst_client, gains, editor):
    from claims.services import claims_merge

    other = ClaimFactory()
    claims_merge(duplicate=other, into=gains)

    response = analyst_client.post(
        reverse("claims:claim_assess", args=[other.pk]),
        {"status": "false", "credibility": "2", "rationale": "x"},
    )

    assert_status(response, 200)
    assert "merged into another" in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("who", ["viewer_client", "client"])
def test_assess_is_refused_to_viewers_and_anonymous_users(request, who, gains):
    response = request.getfixturevalue(who).post(
        reverse("claims:claim_assess", args=[gains.pk]),
        {"status": "false", "credibility": "2", "rationale": "x"},
    )

    assert response.status_code == (403 if who == "viewer_client" else 302)
    assert not Assessment.objects.exists()


def test_claim_page_offers_actions_only_to_those_allowed(
    client, viewer_client, analyst_client, gains
):
    url = gains.get_absolute_url()
    assert "Record assessment" not in client.get(url).content.decode()
    assert "Record assessment" not in viewer_client.get(url).content.decode()
    page = analyst_client.get(url).content.decode()
    assert "Record assessment" in page
    assert "Link claims" in page
    assert "Add evidence" in page


def test_link_by_analyst_relates_the_claims(analyst_client, gains):
    other = ClaimFactory(statement="Ukraine denies losing Sudzha.")

    response = analyst_client.post(
        reverse("claims:claim_link", args=[gains.pk]),
        {"kind": "responds_to", "to_claim": other.pk, "note": "Answer to the briefing."},
    )

    assert_status(response, 302)
    relation = ClaimRelation.objects.get(from_claim=gains, to_claim=other)
    assert relation.kind == "responds_to"
    page = analyst_client.get(other.get_absolute_url()).content.decode()
    assert "Responded to by" in page


def test_link_to_itself_shows_the_rule_next_to_the_claim_field(analyst_client, gains):
    response = analyst_client.post(
        reverse("claims:claim_link", args=[gains.pk]), {"kind": "supports", "to_claim": gains.pk}
    )

    assert_status(response, 200)
    assert response.context["form"].errors["to_claim"] == ["A claim cannot be related to itself."]


def test_link_twice_is_refused_with_a_clear_error(analyst_client, gains):
    counter = gains.relations_in.get().from_claim

    response = analyst_client.post(
        reverse("claims:claim_link", args=[gains.pk]),
        {"kind": "contradicts", "to_claim": counter.pk},
    )

    assert_status(response, 200)
    assert "already recorded" in str(response.context["form"].errors)
    assert ClaimRelation.objects.count() == 1


def test_link_page_without_javascript_finds_claims_with_a_plain_search(analyst_client, gains):
    ClaimFactory(statement="Sudzha remains under Ukrainian control.")

    response = analyst_client.get(reverse("claims:claim_link", args=[gains.pk]), {"q": "sudzha"})

    assert_status(response, 200)
    page = response.content.decode()
    assert "Sudzha remains under Ukrainian control." in page
    assert "Battles continue in and around Sudzha" in page


def test_link_is_refused_to_viewers(viewer_client, gains):
    other = ClaimFactory()
    response = viewer_client.post(
        reverse("claims:claim_link", args=[gains.pk]), {"kind": "supports", "to_claim": other.pk}
    )
    assert response.status_code == 403


def test_evidence_add_by_analyst(analyst_client, gains):
    response = analyst_client.post(
        reverse("claims:evidence_add", args=[gains.pk]),
        {"stance": "context", "url": "https://maps.example/kursk", "note": "Front line map."},
    )

    assert_status(response, 302)
    assert Evidence.objects.get(claim=gains).note == "Front line map."


def test_evidence_without_source_or_url_shows_the_rule(analyst_client, gains):
    response = analyst_client.post(
        reverse("claims:evidence_add", args=[gains.pk]), {"stance": "context", "note": "?"}
    )

    assert_status(response, 200)
    assert "Evidence needs a source, an excerpt or a URL." in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_add_is_refused_to_anonymous_users(client, gains):
    response = client.post(
        reverse("claims:evidence_add", args=[gains.pk]),
        {"stance": "context", "url": "https://maps.example/kursk"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_claim_picker_json_finds_claims_by_words(client, gains):
    response = client.get(reverse("claims:claim_search"), {"q": "sudzha"})

    assert_status(response, 200)
    results = response.json()["results"]
    assert [row["statement"] for row in results] == [
        "Battles continue in and around Sudzha; Ukrainian forces hold positions."
    ]
    assert results[0]["claimant"] == "Oleksandr Syrskyi"


def test_claim_picker_is_closed_when_reading_is(client, read_closed, gains):
    assert client.get(reverse("claims:claim_search"), {"q": "sudzha"}).status_code == 302


# --- the worked example ------------------------------------------------------------


def test_seed_claim_page_shows_claimant_tass_quantities_and_counter_claim(client, seed):
    from claims.models import Claim

    claim = Claim.objects.get(statement__startswith="Russian forces have regained control of 24")

    response = client.get(claim.get_absolute_url())

    assert_status(response, 200)
    page = response.content.decode()
    assert "Gerasimov" in page
    assert "Chief of the General Staff" in page
    assert "TASS" in page
    assert "24 settlements" in page
    assert "259 km²" in page
    counter = response.context["counter_claims"]
    assert [c.statement for c in counter] == [
        "Battles are going on in and around Sudzha, a key Ukrainian stronghold in Kursk Oblast."
    ]
    assert '<mark class="quote">' in page


def test_seed_source_page_highlights_every_recorded_excerpt(client, seed):
    from sources.models import Source

    source = Source.objects.get(outlet__name__icontains="novinite")

    response = client.get(source.get_absolute_url())

    assert_status(response, 200)
    linked = {c.pk for c in response.context["claims"]}
    page = response.content.decode()
    assert page.count('<a class="excerpt"') >= 20
    for pk in linked:
        assert f'href="/claims/{pk}/"' in page


def test_seed_list_filtered_to_disputed(client, seed):
    response = client.get(reverse("claims:claim_list"), {"status": "disputed"})

    statuses = {claim.status for claim in response.context["claims"]}
    assert statuses == {"disputed"}
    assert len(response.context["claims"]) == 3


def test_claim_searches_ignore_a_nul_character_in_the_words(analyst_client, gains):
    """PostgreSQL refuses NUL in a query; the picker and the link page must not answer 500."""
    picker = analyst_client.get(reverse("claims:claim_search"), {"q": "settle\x00ments"})
    link_page = analyst_client.get(
        reverse("claims:claim_link", args=[gains.pk]), {"q": "\x00Sudzha"}
    )

    assert_status(picker, 200)
    assert [row["id"] for row in picker.json()["results"]] == [gains.pk]
    assert_status(link_page, 200)
    assert "Battles continue in and around Sudzha" in link_page.content.decode()


def test_claim_list_filters_pick_records_by_search_not_from_a_list_of_every_record(client, db):
    syrskyi = ActorFactory(name="Oleksandr Syrskyi")
    for _ in range(5):
        ActorFactory()
        PlaceFactory()
        SourceFactory()
    page = client.get(reverse("claims:claim_list"), {"claimant": syrskyi.pk}).content.decode()

    options = page.count("<option")
    # The three yes/no/either answers and the sort orders (6); statuses are checkboxes.
    assert options == 3 + 6
    assert 'data-search-url="/api/v1/actors/"' in page
    assert 'data-search-url="/api/v1/sources/"' in page
    assert '<small class="picker-chosen">Oleksandr Syrskyi</small>' in page


# --- appearances from the claim page ---------------------------------------------------


def test_editor_adds_an_appearance_from_the_claim_page_with_a_chain(editor_client):
    claim = ClaimFactory()
    source = SourceFactory(body=ARTICLE)
    gerasimov = ActorFactory(name="Valery Gerasimov")
    tass = OutletFactory(name="TASS")
    page = editor_client.get(claim.get_absolute_url()).content.decode()
    assert reverse("claims:appearance_add", args=[claim.pk]) in page
    assert 'data-search-url="/api/v1/sources/"' in page  # the source is picked by type-ahead

    response = editor_client.post(
        reverse("claims:appearance_add", args=[claim.pk]),
        {
            "source": source.pk,
            "exact": QUOTE,
            "chain": "valery gerasimov\nbriefing to Putin\nTASS\n",
        },
    )

    assert_status(response, 302)
    appearance = claim.appearances.get()
    assert appearance.excerpt.exact == QUOTE
    steps = [(s.actor, s.label, s.outlet) for s in appearance.chain.order_by("position")]
    assert steps == [(gerasimov, "", None), (None, "briefing to Putin", None), (None, "", tass)]
    page = editor_client.get(claim.get_absolute_url()).content.decode()
    assert "Appearance added." in page and source.title in page


def test_a_quote_not_in_the_source_is_shown_next_to_the_field(editor_client):
    claim, source = ClaimFactory(), SourceFactory(body=ARTICLE)

    response = editor_client.post(
        reverse("claims:appearance_add", args=[claim.pk]),
        {"source": source.pk, "exact": "words nobody wrote"},
    )

    assert_status(response, 200)
    assert response.context["form"].errors["exact"] == [
        "This text does not occur in the source's body."
    ]
    assert not claim.appearances.exists()


def test_editor_removes_an_appearance_after_confirming(editor_client):
    appearance = AppearanceFactory()
    claim = appearance.claim
    url = reverse("claims:appearance_remove", args=[claim.pk, appearance.pk])
    assert url in editor_client.get(claim.get_absolute_url()).content.decode()

    confirm = editor_client.get(url)
    assert_status(confirm, 200)
    page = confirm.content.decode()
    assert appearance.source.title in page and "csrfmiddlewaretoken" in page
    assert claim.appearances.exists()  # looking at the confirmation removes nothing

    assert_status(editor_client.post(url), 302)
    assert not claim.appearances.exists()


def test_appearance_actions_are_refused_to_analysts_and_hidden_from_them(analyst_client):
    appearance = AppearanceFactory()
    claim = appearance.claim
    remove = reverse("claims:appearance_remove", args=[claim.pk, appearance.pk])

    page = analyst_client.get(claim.get_absolute_url()).content.decode()

    assert remove not in page
    assert reverse("claims:appearance_add", args=[claim.pk]) not in page
    assert analyst_client.post(remove).status_code == 403
    assert claim.appearances.exists()


def test_an_appearance_of_another_claim_cannot_be_removed_through_this_one(editor_client):
    appearance, other = AppearanceFactory(), ClaimFactory()

    response = editor_client.post(
        reverse("claims:appearance_remove", args=[other.pk, appearance.pk])
    )

    assert response.status_code == 404
    assert appearance.claim.appearances.exists()
