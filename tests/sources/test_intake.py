"""The intake screen: an article's suggested claims, each recorded from its card in one step."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Actor, Claim, ClaimRelation, Place
from sources.models import Source
from tests.factories import ActorAliasFactory, ActorFactory, OutletFactory, PlaceFactory
from tests.helpers import assert_status

pytestmark = pytest.mark.django_db

BODY = (
    "MOSCOW, Nov 20 (Example Wire) - Russia's top general, Valery Gerasimov, told President "
    "Vladimir Putin on Thursday that Russian forces had taken full control of the town of "
    "Kupiansk, according to TASS.\n\n"
    "Ukraine's military denied the claim, saying its troops still held positions in the town.\n\n"
    "Gerasimov also said Russian forces controlled more than 80% of Vovchansk."
)


@pytest.fixture
def wire_story(db):
    gerasimov = ActorFactory(name="Valery Gerasimov", kind="person", reliability="D")
    ActorAliasFactory(actor=gerasimov, name="Gerasimov")
    military = ActorFactory(name="Armed Forces of Ukraine", kind="military")
    ActorAliasFactory(actor=military, name="Ukraine's military")
    PlaceFactory(name="Kupiansk", kind="settlement")
    OutletFactory(name="TASS", domain="tass.com")
    return Source.objects.create(
        outlet=OutletFactory(name="Example Wire", domain="example-wire.com"),
        title="Gerasimov tells Putin Kupiansk is taken",
        body=BODY,
        published_at="2025-11-20T12:00:00Z",
    )


def card_data(card, **overrides) -> dict:
    """What the browser posts for a card: its prefilled values, with the editor's changes."""
    data = {}
    for bound in card["form"]:
        value = bound.value()
        if value is None:
            continue
        data[bound.html_name] = bound.field.prepare_value(value) if value != "" else ""
    formset = card["quantity_formset"]
    for bound in formset.management_form:
        data[bound.html_name] = bound.value()
    for form in formset:
        for bound in form:
            value = bound.value()
            if value is not None:
                data[bound.html_name] = value
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def cards(client, source):
    response = client.get(source.get_absolute_url())
    assert_status(response, 200)
    return response.context["cards"]


def test_source_page_suggests_each_attributed_claim_with_its_claimant_places_and_numbers(
    editor_client, wire_story
):
    shown = cards(editor_client, wire_story)

    first, *_, last = shown
    assert first["form"]["claimant"].value() == "Valery Gerasimov"
    assert first["form"]["places"].value() == "Kupiansk"
    assert first["form"]["relays"].value() == "TASS"
    assert str(first["form"]["asserted_on"].value()) == "2025-11-20"  # "on Thursday"
    assert last["quantity_formset"].initial == [
        {
            "value": 80,
            "unit": "%",
            "counted": "Vovchansk",
            "qualifier": "more_than",
            "text": "80%",
        }
    ]
    page = editor_client.get(wire_story.get_absolute_url()).content.decode()
    assert "Suggested claims" in page and "Record this claim" in page
    assert '<a class="suggested" href="#card1" title="Suggestion 1">Russia' in page


def test_the_reuters_story_is_recorded_in_three_submissions_from_the_cards(
    editor_client, wire_story
):
    capture = reverse("sources:claim_capture", args=[wire_story.pk])

    first = cards(editor_client, wire_story)[0]
    response = editor_client.post(
        capture, card_data(first, statement="Russian forces have taken Kupiansk.")
    )
    assert_status(response, 302)
    assert response["Location"] == wire_story.get_absolute_url() + "#suggestions"
    taken = Claim.objects.get()

    denial = cards(editor_client, wire_story)[0]  # the recorded one is no longer suggested
    assert denial["form"]["claimant"].value() == "Armed Forces of Ukraine"
    response = editor_client.post(
        capture,
        card_data(
            denial,
            statement="Ukrainian forces still hold positions in Kupiansk.",
            relation_kind="contradicts",
            related=taken.pk,
        ),
    )
    assert_status(response, 302)

    vovchansk = cards(editor_client, wire_story)[-1]
    response = editor_client.post(
        capture,
        card_data(
            vovchansk,
            statement="Russian forces control more than 80% of Vovchansk.",
            places="Vovchansk",
        ),
    )
    assert_status(response, 302)

    assert Claim.objects.count() == 3
    chain = [str(step) for step in taken.appearances.get().chain.all()]
    assert [s.actor or s.outlet for s in taken.appearances.get().chain.all()] == [
        taken.claimant,
        *[s.outlet for s in taken.appearances.get().chain.all()[1:]],
    ], chain
    assert [s.outlet.name for s in taken.appearances.get().chain.all()[1:]] == [
        "TASS",
        "Example Wire",
    ]
    assert list(taken.places.values_list("name", flat=True)) == ["Kupiansk"]
    relation = ClaimRelation.objects.get()
    assert (relation.kind, relation.to_claim) == ("contradicts", taken)
    last = Claim.objects.latest("pk")
    assert last.quantities.get().display.startswith("more than 80")
    assert Place.objects.filter(name="Vovchansk").exists()  # created on the spot


def test_a_new_claimant_is_created_on_the_spot(editor_client, wire_story):
    first = cards(editor_client, wire_story)[0]
    response = editor_client.post(
        reverse("sources:claim_capture", args=[wire_story.pk]),
        card_data(first, claimant="Kremlin press service", claimant_kind="organisation"),
    )

    assert_status(response, 302)
    assert Actor.objects.get(name="Kremlin press service").kind == "organisation"


def test_a_card_can_add_the_words_to_a_claim_already_recorded(editor_client, wire_story):
    gerasimov = Actor.objects.get(name="Valery Gerasimov")
    recorded = Claim.objects.create(
        statement="Russian forces have taken full control of Kupiansk.", claimant=gerasimov
    )

    first = cards(editor_client, wire_story)[0]
    assert recorded.pk in [
        int(value) for value, _ in first["form"].fields["into"].widget.choices if value
    ]
    response = editor_client.post(
        reverse("sources:claim_capture", args=[wire_story.pk]),
        card_data(first, into=recorded.pk, statement=""),
    )

    assert_status(response, 302)
    assert Claim.objects.count() == 1
    assert recorded.appearances.get().source == wire_story


def test_a_relation_kind_without_the_other_claim_is_a_form_error(editor_client, wire_story):
    first = cards(editor_client, wire_story)[0]
    response = editor_client.post(
        reverse("sources:claim_capture", args=[wire_story.pk]),
        card_data(first, relation_kind="contradicts"),
    )

    assert_status(response, 200)
    assert response.context["form"].errors["related"] == ["Choose the claim this one is linked to."]
    assert not Claim.objects.exists()


def test_the_intake_screen_costs_the_same_queries_with_more_names_known(
    editor_client, wire_story, django_assert_max_num_queries
):
    editor_client.get(wire_story.get_absolute_url())  # names indexed once per process
    # session, user, permissions (2), source with outlet, cites, cited by, claims here,
    # their prefetches, the claimants' recorded claims, the quantity units, the messages.
    with django_assert_max_num_queries(20):
        assert_status(editor_client.get(wire_story.get_absolute_url()), 200)
    for number in range(30):
        ActorFactory(name=f"Spokesperson {number}")
    with django_assert_max_num_queries(20):
        assert_status(editor_client.get(wire_story.get_absolute_url()), 200)


def test_names_typed_with_other_spellings_record_them_as_aliases(editor_client, wire_story):
    first = cards(editor_client, wire_story)[0]
    response = editor_client.post(
        reverse("sources:claim_capture", args=[wire_story.pk]),
        card_data(first, places="Kupiansk = Kupyansk, Kharkiv Oblast = Kharkiv region"),
    )

    assert_status(response, 302)
    kupiansk = Place.objects.get(name="Kupiansk")
    assert list(kupiansk.aliases.values_list("name", flat=True)) == ["Kupyansk"]
    kharkiv = Place.objects.get(name="Kharkiv Oblast")  # created on the spot, with its alias
    assert list(kharkiv.aliases.values_list("name", flat=True)) == ["Kharkiv region"]
    assert Place.objects.named("kupyansk").get() == kupiansk


def test_a_card_may_contradict_a_similar_claim_recorded_from_another_source(
    editor_client, wire_story
):
    gerasimov = Actor.objects.get(name="Valery Gerasimov")
    earlier = Claim.objects.create(
        statement="Russian forces have taken full control of Kupiansk.", claimant=gerasimov
    )
    denial = cards(editor_client, wire_story)[1]
    offered = [value for value, _ in denial["form"].fields["related"].widget.choices if value]
    assert earlier.pk not in [int(v) for v in offered]  # not the denial claimant's claim

    first = cards(editor_client, wire_story)[0]
    offered = [int(value) for value, _ in first["form"].fields["related"].widget.choices if value]
    assert offered == [earlier.pk]
