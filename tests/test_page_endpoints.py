"""Every page in one table: it renders, within a written query budget at 1 and at 50 related
rows, follows the read-open switch, and its actions are refused to the wrong roles.

Budgets are literal numbers; each comment lists the queries expected, so a change that
adds a query per row fails here instead of in production.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.views.defaults import server_error

from claims.models import Assessment, ClaimRelation, Evidence
from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    AppearanceFactory,
    AssessmentFactory,
    AttributionStepFactory,
    ClaimFactory,
    ClaimRelationFactory,
    OutletFactory,
    PlaceFactory,
    QuantityFactory,
    SourceFactory,
    TopicFactory,
)
from tests.helpers import assert_status


def _rich_claim(**fields):
    """A claim with an appearance (two chain steps), two quantities and an assessment."""
    claim = ClaimFactory(**fields)
    appearance = AppearanceFactory(claim=claim)
    AttributionStepFactory(appearance=appearance, position=0)
    AttributionStepFactory(appearance=appearance, position=1, actor=None, label="briefing")
    QuantityFactory(claim=claim)
    QuantityFactory(claim=claim, value=Decimal(259), unit="km2", counted="territory")
    AssessmentFactory(claim=claim)
    return claim


def home(n):
    topic = TopicFactory()
    for _ in range(n):
        claim = _rich_claim(topics=[topic])
        ClaimRelationFactory(from_claim=ClaimFactory(), to_claim=claim)
    return reverse("home")


def claim_list(n):
    place = PlaceFactory()
    for _ in range(n):
        _rich_claim(places=[place])
    return reverse("claims:claim_list") + "?status=disputed&status=unverified&q=settlements"


def claim_list_as_of(n):
    for _ in range(n):
        _rich_claim()
    return reverse("claims:claim_list") + "?as_of=2030-01-01&ordering=-counter_claim_count"


def claim_detail(n):
    claimant = ActorFactory()
    ActorRoleFactory(actor=claimant)
    claim = _rich_claim(
        claimant=claimant,
        places=[PlaceFactory() for _ in range(n)],
        actors=[ActorFactory() for _ in range(n)],
        topics=[TopicFactory() for _ in range(n)],
    )
    for index in range(n):
        appearance = AppearanceFactory(claim=claim)
        AttributionStepFactory(appearance=appearance, position=0)
        QuantityFactory(claim=claim, value=Decimal(index))
        other = _rich_claim()
        ClaimRelationFactory(from_claim=other, to_claim=claim)
        ClaimRelationFactory(from_claim=claim, to_claim=ClaimFactory(), kind="supports")
        AssessmentFactory(claim=claim)
    return claim.get_absolute_url()


def claim_compare(n):
    a, b = ClaimFactory(), ClaimFactory()
    for index in range(n):
        for claim in (a, b):
            QuantityFactory(claim=claim, value=Decimal(index), counted=f"measure {index}")
            AppearanceFactory(claim=claim)
    return reverse("claims:claim_compare") + f"?a={a.pk}&b={b.pk}"


def figures_list(n):
    topic, place = TopicFactory(), PlaceFactory()
    for index in range(n):
        for value in (1000, 3000):
            claim = ClaimFactory(topics=[topic], places=[place])
            QuantityFactory(claim=claim, value=Decimal(value), unit="km2", counted=f"area {index}")
    return reverse("claims:figures_list") + f"?topic={topic.pk}"


def claim_search(n):
    for _ in range(n):
        ClaimFactory(statement="Forces regained settlements near Sudzha.")
    return reverse("claims:claim_search") + "?q=sudzha"


def actor_detail(n):
    actor = ActorFactory()
    for _ in range(n):
        ActorRoleFactory(actor=actor)
        _rich_claim(claimant=actor)
        _rich_claim(actors=[actor])
    return actor.get_absolute_url()


def place_detail(n):
    parent = PlaceFactory()
    place = PlaceFactory(parent=parent)
    for _ in range(n):
        child = PlaceFactory(parent=place)
        _rich_claim(places=[child])
    return place.get_absolute_url()


def topic_detail(n):
    topic = TopicFactory()
    for day in range(n):
        _rich_claim(topics=[topic], asserted_on=datetime.date(2025, 1, 1) + datetime.timedelta(day))
    return topic.get_absolute_url()


def source_list(n):
    outlet = OutletFactory()
    for _ in range(n):
        SourceFactory(outlet=outlet)
    return reverse("sources:source_list") + "?q=article"


def outlet_list(n):
    for _ in range(n):
        SourceFactory()
    return reverse("sources:outlet_list")


def source_detail(n):
    source = SourceFactory()
    for _ in range(n):
        appearance = AppearanceFactory(source=source)
        QuantityFactory(claim=appearance.claim)
        source.cites.add(SourceFactory())
        SourceFactory().cites.add(source)
    return source.get_absolute_url()


def outlet_detail(n):
    outlet = OutletFactory()
    for _ in range(n):
        SourceFactory(outlet=outlet)
    return outlet.get_absolute_url()


def actor_list(n):
    side = ActorFactory(kind="side")
    for _ in range(n):
        actor = ActorFactory(affiliation=side)
        ClaimFactory(claimant=actor, status="disputed")
        ClaimFactory(claimant=actor, status="verified")
    return reverse("claims:actor_list")


def place_list(n):
    country = PlaceFactory(kind="country")
    for _ in range(n):
        region = PlaceFactory(parent=country, kind="region")
        ClaimFactory(places=[region], status="disputed")
        ClaimFactory(places=[PlaceFactory(parent=region)], status="verified")
    return reverse("claims:place_list") + f"?parent={country.pk}"


def place_list_top_level(n):
    for _ in range(n):
        country = PlaceFactory(kind="country")
        ClaimFactory(places=[PlaceFactory(parent=country)], status="disputed")
    return reverse("claims:place_list")


def place_list_search(n):
    region = PlaceFactory(parent=PlaceFactory(kind="country"), kind="region")
    for number in range(n):
        ClaimFactory(places=[PlaceFactory(parent=region, name=f"Sudzha {number}")])
    return reverse("claims:place_list") + "?q=sudzha"


def topic_list(n):
    for _ in range(n):
        topic = TopicFactory()
        ClaimFactory(topics=[topic], status="disputed")
        ClaimFactory(topics=[topic], status="false")
    return reverse("claims:topic_list") + "?ordering=-name"


def claim_feed(n):
    topic = TopicFactory()
    for _ in range(n):
        _rich_claim(topics=[topic])
    return reverse("claims:claim_feed") + f"?status=disputed&status=unverified&topic={topic.pk}"


def actor_feed(n):
    actor = ActorFactory()
    for _ in range(n):
        _rich_claim(claimant=actor)
        _rich_claim(actors=[actor])
    return reverse("claims:actor_feed", args=[actor.pk])


def place_feed(n):
    place = PlaceFactory()
    for _ in range(n):
        _rich_claim(places=[PlaceFactory(parent=place)])
    return reverse("claims:place_feed", args=[place.pk])


def topic_feed(n):
    topic = TopicFactory()
    for _ in range(n):
        _rich_claim(topics=[topic])
    return reverse("claims:topic_feed", args=[topic.pk])


# (page, budget, the queries expected) for an anonymous reader.
PAGES = [
    # statuses (GROUP BY), contested claims, their quantities, their latest assessments,
    # recent assessments, their evidence, topics
    (home, 7),
    # count, claims, quantities, latest assessments; filter form selects: claimant, actor,
    # place, topic, outlet, source; the map (one GROUP BY)
    (claim_list, 11),
    (claim_list_as_of, 11),
    # claim (+ claimant, counts); roles, appearances (+ source, outlet, excerpt), chains,
    # quantities, relations out, their quantities, relations in, their quantities,
    # assessments, their evidence, evidence, actors, places, topics; history (+ the
    # actors, places and topics each history row saw); other figures for its measures
    # (+ claim, claimant)
    (claim_detail, 20),
    # the two claim numbers checked; the pair (+ claimant, counts); roles, appearances,
    # chains, quantities, relations out, relations in, assessments, evidence, actors,
    # places, topics (no relations here, so no related claims' quantities); the two
    # pickers' chosen claims
    (claim_compare, 16),
    # the topic checked; its latest figures (+ claim, claimant), their claims' places,
    # the relations among the claims in conflict
    (figures_list, 4),
    # matching claims with their claimant
    (claim_search, 1),
    # actor; aliases, roles, members; claims made (+ quantities, latest assessments);
    # track record (GROUP BY); claims about (+ quantities, latest assessments)
    (actor_detail, 11),
    # place; aliases, children; ancestors; count, claims, quantities, latest assessments;
    # the map
    (place_detail, 9),
    # topic; the charted claims (latest 500), their quantities; count, a page of claims,
    # quantities, latest assessments; the map
    (topic_detail, 8),
    # count, sources (+ outlet); filter form selects: outlet, cites
    (source_list, 4),
    # count, outlets
    (outlet_list, 2),
    # source (+ outlet); cites, cited by, excerpts; claims, quantities, latest assessments,
    # appearances here (+ excerpt)
    (source_detail, 8),
    # outlet; count, sources
    (outlet_detail, 3),
    # Indexes: count, a page of rows (+ affiliation, or + child count), their claims by
    # status (one GROUP BY)
    (actor_list, 3),
    (topic_list, 3),
    (place_list_top_level, 3),
    # + the parent place checked and shown in its picker (a country: no ancestors to read)
    (place_list, 5),
    # + the rows' ancestors (one query for the page)
    (place_list_search, 4),
    # Atom feeds: the topic filter checked; the latest claims (+ claimant); the latest
    # assessments of them (+ claim, claimant, assessor)
    (claim_feed, 3),
    # the actor, place or topic; the latest claims; the latest assessments
    (actor_feed, 3),
    (place_feed, 3),
    (topic_feed, 3),
]


@pytest.mark.parametrize("size", [1, 50])
@pytest.mark.parametrize(("page", "budget"), PAGES, ids=[page.__name__ for page, _ in PAGES])
def test_page_renders_within_its_query_budget(
    client, db, django_assert_max_num_queries, page, budget, size
):
    url = page(size)

    with django_assert_max_num_queries(budget):
        response = client.get(url)

    assert_status(response, 200)


@pytest.mark.parametrize(("page", "budget"), PAGES, ids=[page.__name__ for page, _ in PAGES])
def test_page_is_closed_to_anonymous_readers_when_reading_is(client, read_closed, db, page, budget):
    response = client.get(page(1))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("page", "budget"), PAGES, ids=[page.__name__ for page, _ in PAGES])
def test_page_is_open_to_signed_in_viewers_when_reading_is_closed(
    viewer_client, read_closed, page, budget
):
    assert_status(viewer_client.get(page(1)), 200)


# --- actions -------------------------------------------------------------------


def assess(claim):
    data = {"status": "disputed", "credibility": "3", "rationale": "One side only."}
    return reverse("claims:claim_assess", args=[claim.pk]), data, Assessment.objects


def link(claim):
    other = ClaimFactory()
    data = {"kind": "contradicts", "to_claim": other.pk}
    return reverse("claims:claim_link", args=[claim.pk]), data, ClaimRelation.objects


def evidence(claim):
    data = {"stance": "refutes", "url": "https://evidence.example/x"}
    return reverse("claims:evidence_add", args=[claim.pk]), data, Evidence.objects


def capture(claim):
    source = claim.appearances.get().source
    quote = source.body[:20]
    data = {
        "exact": quote,
        "start": "0",
        "statement": "A captured claim.",
        "claimant": claim.claimant.name,
        "claimant_kind": "person",
        "quantities-TOTAL_FORMS": "0",
        "quantities-INITIAL_FORMS": "0",
    }
    from claims.models import Claim

    return reverse("sources:claim_capture", args=[source.pk]), data, Claim.objects


def appearance_add(claim):
    source = SourceFactory()
    data = {"source": source.pk, "exact": source.body[:30], "chain": "briefing\nTASS"}
    from claims.models import Appearance

    return reverse("claims:appearance_add", args=[claim.pk]), data, Appearance.objects


# (action, the role allowed, the roles refused)
ACTIONS = [
    (assess, "analyst_client", ["viewer_client", "client"]),
    (link, "analyst_client", ["viewer_client", "client"]),
    (evidence, "analyst_client", ["viewer_client", "client"]),
    (capture, "editor_client", ["analyst_client", "viewer_client", "client"]),
    (appearance_add, "editor_client", ["analyst_client", "viewer_client", "client"]),
]


@pytest.mark.parametrize(
    ("action", "allowed", "refused"), ACTIONS, ids=[a.__name__ for a, *_ in ACTIONS]
)
def test_action_is_refused_to_the_wrong_roles_and_accepted_for_the_right_one(
    request, db, action, allowed, refused
):
    claim = AppearanceFactory().claim
    url, data, rows = action(claim)
    before = rows.count()

    for who in refused:
        response = request.getfixturevalue(who).post(url, data)
        assert response.status_code == (302 if who == "client" else 403), who
        if who == "client":
            assert response["Location"].startswith(reverse("login"))
        assert rows.count() == before

    allowed_client = request.getfixturevalue(allowed)
    assert_status(allowed_client.get(url), 200)
    assert_status(allowed_client.post(url, data), 302)
    assert rows.count() == before + 1


def test_a_missing_page_is_the_sites_own_404_without_debug(db, client, settings):
    settings.DEBUG = False
    response = client.get("/claims/999999/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Not found</h1>" in page and 'rel="icon"' in page


def test_favicon_ico_leads_to_the_sites_icon(db, client):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"].endswith(".svg") and "favicon" in response["Location"]
    assert "max-age=86400" in response["Cache-Control"]
    assert finders.find("favicon.svg")


def test_a_server_error_is_the_sites_own_500_page(rf):
    page = server_error(rf.get("/")).content.decode()

    assert "Something went wrong on our side" in page and "favicon.svg" in page


def test_editors_find_an_edit_in_admin_link_on_record_pages(editor_client, analyst_client):
    claim = ClaimFactory(places=[PlaceFactory()])
    appearance = AppearanceFactory(claim=claim)
    records = [claim, appearance.source, claim.claimant, claim.places.get()]

    for record in records:
        meta = record._meta
        admin_url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
        editor_page = editor_client.get(record.get_absolute_url()).content.decode()
        assert f'<a class="admin-edit" href="{admin_url}">Edit in admin</a>' in editor_page
        assert admin_url not in analyst_client.get(record.get_absolute_url()).content.decode()
