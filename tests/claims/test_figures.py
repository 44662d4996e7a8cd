"""Conflicting figures: which other claims give a figure for the same measure, and whether
it agrees (claims.figures), as the claim page, the list and the compare page show it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse

from claims import figures, units
from claims.models import Claim, ClaimRelation, Place
from tests.factories import (
    ActorFactory,
    ClaimFactory,
    ClaimRelationFactory,
    PlaceFactory,
    QuantityFactory,
    TopicFactory,
)
from tests.helpers import assert_status

MARCH_12 = datetime.date(2025, 3, 12)


@pytest.fixture
def kursk(db):
    russia = PlaceFactory(name="Russia", kind=Place.Kind.COUNTRY)
    oblast = PlaceFactory(name="Kursk Oblast", kind=Place.Kind.REGION, parent=russia)
    sudzha = PlaceFactory(name="Sudzha", parent=oblast)
    return oblast, sudzha


def figure(
    value, unit="km²", counted="territory regained", place=None, qualifier="exactly", **claim
):
    """A claim stating one figure, about ``place``."""
    fields = {"asserted_on": MARCH_12, **claim}
    made = ClaimFactory(places=[place] if place else [], **fields)
    return QuantityFactory(
        claim=made, value=Decimal(value), unit=unit, counted=counted, qualifier=qualifier
    )


def found(quantity) -> dict:
    """The other claims found for ``quantity``'s claim, each with its agreement class."""
    claim = Claim.objects.for_page().get(pk=quantity.claim_id)
    return {c.other.claim_id: c.agreement.kind for c in figures.other_figures(claim)}


# --- rounding as written --------------------------------------------------------


@pytest.mark.parametrize(
    ("canonical", "written", "shown"),
    [
        ("999.735411", "386", "1,000"),  # 386 square miles
        ("1.609344", "1", "1.6"),  # one mile: at least two significant digits
        ("12949.940", "5000", "13,000"),
        ("3434", "3434", "3,434"),  # nothing converted, nothing rounded
        ("2.000000", "48", "2"),  # 48 hours, exactly two days
        ("0", "0", "0"),
    ],
)
def test_canonical_values_are_rounded_to_the_precision_written(canonical, written, shown):
    rounded = units.round_as_written(Decimal(canonical), Decimal(written))
    assert units.format_number(rounded) == shown


def test_the_figure_filter_shows_a_converted_value_rounded_and_marked(db):
    square_miles = QuantityFactory(value=Decimal(386), unit="square miles", counted="territory")
    kilometres = QuantityFactory(value=Decimal(3434), unit="km2", counted="territory")
    about = QuantityFactory(
        value=Decimal(386), unit="sq mi", counted="territory", qualifier="about"
    )
    template = Template("{% load claims_pages %}{{ q|figure }} | {{ q|as_written }}")

    def shown(quantity):
        return template.render(Context({"q": quantity}))

    assert shown(square_miles) == "≈ 1,000 km² | 386 square miles"
    assert shown(kilometres) == "3,434 km² | 3,434 km2"
    assert shown(about) == "1,000 km² | 386 sq mi"
    assert square_miles.display == "≈ 1,000 km² territory"
    assert about.display == "about 1,000 km² territory"


# --- agreeing and conflicting pairs ----------------------------------------------


def test_386_square_miles_agrees_with_about_1000_square_kilometres(kursk):
    oblast, _ = kursk
    syrskyi = figure(386, "square miles", place=oblast)
    outlet = figure(1000, "square kilometres", place=oblast, qualifier="about")

    comparison = figures.compare(syrskyi, outlet)

    assert comparison.kind == figures.AGREES and comparison.ratio == Decimal("1.00")
    assert found(syrskyi) == {outlet.claim_id: "agrees"}
    assert found(outlet) == {syrskyi.claim_id: "agrees"}


def test_putins_5000_square_kilometres_conflicts_with_isws_3434(kursk):
    oblast, _ = kursk
    putin = figure(5000, place=oblast)
    isw = figure(3434, "square kilometers", place=oblast)

    comparison = figures.compare(putin, isw)

    assert comparison.kind == figures.CONFLICTS and comparison.ratio == Decimal("1.46")
    assert found(putin) == {isw.claim_id: "conflicts"}


@pytest.mark.parametrize(
    ("first", "second", "kind"),
    [
        ((400, "more_than"), (500, "exactly"), "agrees"),
        ((400, "more_than"), (300, "exactly"), "conflicts"),
        ((100, "at_most"), (90, "exactly"), "agrees"),
        ((100, "at_most"), (120, "exactly"), "conflicts"),
        ((1000, "about"), (1080, "exactly"), "agrees"),
        ((1000, "exactly"), (1080, "exactly"), "conflicts"),
        ((430, "about"), (400, "at_least"), "agrees"),
    ],
)
def test_qualifiers_widen_what_a_figure_allows(kursk, first, second, kind):
    oblast, _ = kursk
    a = figure(first[0], "", counted="soldiers captured", place=oblast, qualifier=first[1])
    b = figure(second[0], "", counted="Soldiers captured", place=oblast, qualifier=second[1])

    assert figures.compare(a, b).kind == kind
    assert found(a) == {b.claim_id: kind}


def test_a_figure_about_a_place_inside_meets_one_about_the_place_containing_it(kursk):
    oblast, sudzha = kursk
    about_oblast = figure(259, place=oblast)
    about_sudzha = figure(100, "sq mi", place=sudzha)
    elsewhere = figure(259, place=PlaceFactory(name="Zaporizhzhia Oblast"))

    assert found(about_oblast) == {about_sudzha.claim_id: "agrees"}
    assert found(about_sudzha) == {about_oblast.claim_id: "agrees"}
    assert found(elsewhere) == {}


def test_figures_of_periods_that_do_not_overlap_are_left_out(kursk):
    oblast, _ = kursk
    january = figure(
        259,
        place=oblast,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 1, 31),
    )
    march = figure(
        500,
        place=oblast,
        period_start=datetime.date(2025, 3, 1),
        period_end=datetime.date(2025, 3, 12),
    )
    a_snapshot_in_march = figure(400, place=oblast, asserted_on=datetime.date(2025, 3, 10))
    a_snapshot_in_june = figure(400, place=oblast, asserted_on=datetime.date(2025, 6, 1))

    assert found(january) == {}
    assert found(march) == {a_snapshot_in_march.claim_id: "conflicts"}
    assert a_snapshot_in_june.claim_id not in found(a_snapshot_in_march)


def test_figures_of_other_things_or_dimensions_are_left_out(kursk):
    oblast, _ = kursk
    territory = figure(259, place=oblast)
    figure(259, place=oblast, counted="territory lost")
    figure(259, "km", place=oblast)
    figure(259, "", place=oblast)
    rate = figure(259, place=oblast)
    rate.per = "day"
    rate.save()

    assert found(territory) == {}


def test_the_seed_articles_259_square_kilometres_meets_other_figures_for_kursk(seed):
    gerasimov = Claim.objects.get(quantities__counted="territory regained")
    sudzha = Place.objects.get(name="Sudzha")
    agreeing = figure(100, "square miles", place=sudzha, asserted_on=gerasimov.asserted_on)
    conflicting = figure(5000, place=sudzha, asserted_on=gerasimov.asserted_on)
    territory = gerasimov.quantities.get(counted="territory regained")

    assert found(territory) == {conflicting.claim_id: "conflicts", agreeing.claim_id: "agrees"}


# --- the claim page -------------------------------------------------------------


def test_the_claim_page_lists_other_figures_with_their_agreement(client, kursk):
    oblast, _ = kursk
    putin = figure(5000, place=oblast, claimant=ActorFactory(name="Vladimir Putin"))
    isw = figure(3434, place=oblast, claimant=ActorFactory(name="ISW"))
    syrskyi = figure(386, "square miles", place=oblast, claimant=ActorFactory(name="Syrskyi"))

    page = client.get(putin.claim.get_absolute_url()).content.decode()

    section = page[page.index("Other figures for this measure") :]
    assert "3,434 km² territory regained" in section and "ISW" in section
    assert "≈ 1,000 km² territory regained" in section
    assert "(as written: 386 square miles)" in section
    assert 'agreement-conflicts">conflicts' in section
    assert "×1.46" in section and "×5.00" in section
    assert isw.claim.get_absolute_url() in section and syrskyi.claim.get_absolute_url() in section
    assert "999.735411" not in page
    compare = reverse("claims:claim_compare") + f"?a={putin.claim_id}"
    assert f'href="{compare}">Compare with…' in page


# --- the most conflicting figures of a topic or place --------------------------------


def conflicting_topic(pairs: int):
    topic = TopicFactory()
    place = PlaceFactory()
    for index in range(pairs):
        counted = f"territory {index}"
        figure(1000 + index, place=place, counted=counted, topics=[topic])
        figure(3000 + index, place=place, counted=counted, topics=[topic])
    return topic, place


@pytest.mark.parametrize("pairs", [1, 50])
def test_the_most_conflicting_figures_of_a_topic_within_budget(
    analyst_client, django_assert_max_num_queries, pairs
):
    topic, _ = conflicting_topic(pairs)
    url = reverse("claims:figures_list") + f"?topic={topic.pk}"

    # session, user, its permissions and its groups' (the link button); topic checked;
    # figures (+ claim, claimant); their claims' places; relations among them
    with django_assert_max_num_queries(8):
        response = analyst_client.get(url)

    assert_status(response, 200)
    page = response.content.decode()
    assert page.count("Record as contradicts") == pairs
    assert page.count("×3.00") >= 1


def test_the_most_conflicting_figures_of_a_place_most_divergent_first(client, kursk):
    oblast, sudzha = kursk
    figure(1000, place=oblast)
    figure(1200, place=sudzha)
    figure(386, "sq mi", place=sudzha, counted="territory held")
    figure(3000, place=oblast, counted="territory held")

    page = client.get(reverse("claims:figures_list") + f"?place={oblast.pk}").content.decode()

    assert page.index("×3.00") < page.index("×1.20")
    assert "Record as contradicts" not in page  # an anonymous reader may not link claims


@pytest.mark.parametrize("query", ["", "?topic=abc", "?topic=999999", "?topic=1&place=1"])
def test_the_figures_list_explains_bad_input(client, db, query):
    response = client.get(reverse("claims:figures_list") + query)

    assert_status(response, 200)
    assert 'role="alert"' in response.content.decode()


def test_record_as_contradicts_links_the_claims_once(analyst_client, kursk):
    oblast, _ = kursk
    a, b = figure(5000, place=oblast), figure(3434, place=oblast)
    back = reverse("claims:figures_list") + f"?place={oblast.pk}"
    data = {"first": a.claim_id, "second": b.claim_id, "next": back}
    url = reverse("claims:figures_contradict")

    response = analyst_client.post(url, data, follow=True)

    assert response.redirect_chain[0][0] == back
    relation = ClaimRelation.objects.get()
    assert (relation.from_claim_id, relation.to_claim_id, relation.kind) == (
        a.claim_id,
        b.claim_id,
        "contradicts",
    )
    page = response.content.decode()
    assert f"Recorded: claim {a.claim_id} contradicts claim {b.claim_id}." in page
    assert "Already related: contradicts" in page

    again = analyst_client.post(
        url, {**data, "first": b.claim_id, "second": a.claim_id}, follow=True
    )

    assert ClaimRelation.objects.count() == 1
    assert "are already related" in again.content.decode()


def test_record_as_contradicts_is_refused_when_related_another_way(analyst_client, kursk):
    oblast, _ = kursk
    a, b = figure(5000, place=oblast), figure(3434, place=oblast)
    ClaimRelationFactory(from_claim=b.claim, to_claim=a.claim, kind="qualifies")

    response = analyst_client.post(
        reverse("claims:figures_contradict"), {"first": a.claim_id, "second": b.claim_id}
    )

    assert response.status_code == 302
    assert ClaimRelation.objects.count() == 1


@pytest.mark.parametrize(("who", "status"), [("client", 302), ("viewer_client", 403)])
def test_record_as_contradicts_is_refused_without_permission(request, kursk, who, status):
    oblast, _ = kursk
    a, b = figure(5000, place=oblast), figure(3434, place=oblast)

    response = request.getfixturevalue(who).post(
        reverse("claims:figures_contradict"), {"first": a.claim_id, "second": b.claim_id}
    )

    assert response.status_code == status
    assert not ClaimRelation.objects.exists()


def test_record_as_contradicts_goes_back_only_to_this_site(analyst_client, kursk):
    oblast, _ = kursk
    a, b = figure(5000, place=oblast), figure(3434, place=oblast)

    response = analyst_client.post(
        reverse("claims:figures_contradict"),
        {"first": a.claim_id, "second": b.claim_id, "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("claims:claim_list")


# --- the compare page -----------------------------------------------------------------


def test_compare_with_from_a_claim_page_chooses_the_first_claim(client, kursk):
    oblast, _ = kursk
    putin = figure(5000, place=oblast)

    page = client.get(reverse("claims:claim_compare") + f"?a={putin.claim_id}").content.decode()

    assert f'name="a" value="{putin.claim_id}"' in page
    assert 'data-search-url="' + reverse("claims:claim_search") + '"' in page
    assert "errorlist" not in page


def test_compare_lines_up_quantities_with_their_agreement_and_the_relation(client, kursk):
    from tests.factories import AppearanceFactory, AssessmentFactory, ExcerptFactory, SourceFactory

    oblast, _ = kursk
    putin, isw = figure(5000, place=oblast), figure(3434, place=oblast)
    source = SourceFactory(body="Opening words. Russia regained 5,000 square km, he said. Then.")
    excerpt = ExcerptFactory(source=source, start=15, end=46, exact=source.body[15:46])
    AppearanceFactory(claim=putin.claim, source=source, excerpt=excerpt)
    AssessmentFactory(claim=isw.claim, rationale="Matches geolocated footage.")
    ClaimRelationFactory(from_claim=isw.claim, to_claim=putin.claim, kind="contradicts")

    url = reverse("claims:claim_compare") + f"?a={putin.claim_id}&b={isw.claim_id}"
    page = client.get(url).content.decode()

    assert "contradicted by" in page
    assert "Matches geolocated footage." in page
    assert '<mark class="quote">Russia regained 5,000 square km</mark>, he said.' in page
    assert 'agreement-conflicts">conflicts' in page and "ratio ×1.46" in page


def test_compare_as_of_a_day_shows_the_statuses_and_relations_of_that_day(client, analyst, kursk):
    from claims.services import claim_assess

    oblast, _ = kursk
    putin, isw = figure(5000, place=oblast), figure(3434, place=oblast)
    claim_assess(claim=isw.claim, by=analyst, status="disputed", rationale="Later view.")
    ClaimRelationFactory(from_claim=isw.claim, to_claim=putin.claim, kind="contradicts")
    url = reverse("claims:claim_compare") + f"?a={putin.claim_id}&b={isw.claim_id}"

    today = client.get(url).content.decode()
    then = client.get(url + "&as_of=2025-03-13").content.decode()

    assert "Later view." in today and "contradicted by" in today
    assert "Later view." not in then and "No relation between these claims" in then
    assert "as_of=2025-03-13" in then  # links stay on that day


@pytest.mark.parametrize("query", ["?a=abc&b=1", "?a=999999&b=999998"])
def test_compare_with_bad_input_shows_errors(client, db, query):
    response = client.get(reverse("claims:claim_compare") + query)

    assert_status(response, 200)
    assert "errorlist" in response.content.decode()


def test_without_javascript_claims_are_found_by_their_words_and_chosen_by_a_link(client, kursk):
    oblast, _ = kursk
    putin = figure(5000, place=oblast, statement="Putin: forces recaptured 5,000 km².")
    isw = figure(3434, place=oblast, statement="ISW: forces recaptured 3,434 km².")
    url = reverse("claims:claim_compare")

    page = client.get(url + f"?a={putin.claim_id}&find=ISW+recaptured").content.decode()

    assert "ISW: forces recaptured 3,434 km²." in page
    assert f'href="?a={putin.claim_id}&amp;b={isw.claim_id}">use as second</a>' in page
    assert f'href="?a={isw.claim_id}">use as first</a>' in page
    compared = client.get(url + f"?a={putin.claim_id}&b={isw.claim_id}").content.decode()
    assert "ratio ×1.46" in compared


def test_as_of_a_past_day_other_figures_are_of_claims_reported_by_then(client, kursk):
    oblast, _ = kursk
    putin = figure(5000, place=oblast)
    figure(3434, place=oblast, asserted_on=datetime.date(2025, 3, 14), statement="Later.")
    url = putin.claim.get_absolute_url()

    today = client.get(url).content.decode()
    then = client.get(url + "?as_of=2025-03-13").content.decode()

    assert ">Later.</a>" in today and "3,434 km²" in today
    assert ">Later.</a>" not in then and "3,434 km²" not in then
