"""The demo data: the novinite.com article of 13 March 2025, modelled completely.

The fixture is what editors and analysts first see, and what the page and
API tests build on, so it must load into an empty database, load again
without duplicating anything, and respect every rule of the models.
"""

from __future__ import annotations

import json
import runpy
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder

from claims.models import Actor, AttributionStep, Claim, ClaimRelation, Place, Quantity
from sources.models import Source
from tests.factories import ClaimFactory

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "seed_article.json"
ENTRIES = json.loads(FIXTURE.read_text(encoding="utf-8"))
TITLE = "Putin Visits Kursk as Russia Claims Gains, Ukraine Vows to Hold Defense"


def counts() -> dict[str, int]:
    labels = {entry["model"] for entry in ENTRIES}
    return {label: apps.get_model(label)._default_manager.count() for label in sorted(labels)}


def expected_counts() -> dict[str, int]:
    expected: dict[str, int] = {}
    for entry in ENTRIES:
        expected[entry["model"]] = expected.get(entry["model"], 0) + 1
    return dict(sorted(expected.items()))


def field_values(obj) -> dict:
    """Every stored field, derived ones included (model_to_dict leaves those out)."""
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_fixture_is_what_the_generator_builds():
    built = runpy.run_path(str(ROOT / "fixtures" / "build_seed_article.py"))["seed"]
    serialised = json.loads(json.dumps(built.serialise(), cls=DjangoJSONEncoder))
    assert serialised == ENTRIES, "Run fixtures/build_seed_article.py and commit its output."


def test_fixture_holds_no_users_or_history():
    models = {entry["model"] for entry in ENTRIES}
    assert not {label for label in models if label.startswith("auth.")}
    assert not {label for label in models if ".historical" in label}


def test_loads_into_an_empty_database(db):
    assert Claim.objects.count() == 0
    call_command("loaddata", str(FIXTURE), verbosity=0)
    assert counts() == expected_counts()


def test_loading_twice_changes_no_counts(seed):
    before = counts()
    call_command("loaddata", str(FIXTURE), verbosity=0)
    assert counts() == before


def test_records_made_after_loading_get_fresh_ids(seed):
    """Loading resets the id sequences, so the next claim does not collide with the demo."""
    claim = ClaimFactory()
    assert claim.pk > max(entry["pk"] for entry in ENTRIES if entry["model"] == "claims.claim")


def test_every_object_passes_full_clean_unchanged(seed):
    """Every row respects the model rules, and its derived fields are what clean() derives."""
    for entry in ENTRIES:
        obj = apps.get_model(entry["model"])._default_manager.get(pk=entry["pk"])
        before = field_values(obj)
        obj.full_clean()
        assert field_values(obj) == before, f"{entry['model']} {entry['pk']} derived fields"


def test_the_article_is_a_source_with_its_full_text_and_cites_tass(seed):
    article = Source.objects.get(title=TITLE)
    assert article.outlet.name == "novinite.com"
    assert article.outlet.country == "BG"
    assert not article.outlet.state_affiliated
    assert article.kind == Source.Kind.ARTICLE
    assert article.body.startswith("Russian President Vladimir Putin visited a command post")
    assert article.body.endswith("and comprehensive security guarantees.")
    assert article.body.count("\n") == 6  # seven paragraphs, as published
    assert article.published_at.date().isoformat() == "2025-03-13"
    assert article.retrieved_at >= article.published_at

    (tass_report,) = article.cites.all()
    assert tass_report.outlet.name == "TASS"
    assert tass_report.outlet.state_affiliated
    assert tass_report.outlet.country == "RU"
    assert (tass_report.url, tass_report.body) == ("", "")


def test_there_are_at_least_fifteen_claims_each_traced_to_its_exact_words(seed):
    claims = Claim.objects.select_related("claimant").prefetch_related(
        "appearances__excerpt__source", "appearances__chain", "assessments"
    )
    assert len(claims) >= 15
    for claim in claims:
        assert claim.claimant is not None
        appearances = list(claim.appearances.all())
        assert appearances, f"claim {claim.pk} has no appearance"
        for appearance in appearances:
            excerpt = appearance.excerpt
            assert excerpt.source_id == appearance.source_id
            assert excerpt.source.body[excerpt.start : excerpt.end] == excerpt.exact
            assert appearance.chain.all(), f"claim {claim.pk} has no attribution chain"
        assert claim.assessments.all(), f"claim {claim.pk} has no assessment"


def test_each_claims_status_is_its_latest_assessment(seed):
    for claim in Claim.objects.all():
        latest = claim.assessments.order_by("-assessed_at", "-id").first()
        assert claim.status == latest.status, claim.statement
        assert latest.rationale


def test_the_named_quantities_are_normalised(seed):
    found = {
        q.counted: (q.canonical_value, q.canonical_unit, q.qualifier, q.per)
        for q in Quantity.objects.all()
    }
    assert found == {
        "settlements regained": (Decimal(24), "", "exactly", ""),
        "territory regained": (Decimal(259), "km²", "exactly", ""),
        "Ukrainian soldiers captured": (Decimal(430), "", "about", ""),
        "assaults": (Decimal(35), "", "exactly", "day"),
        "interim ceasefire duration": (Decimal(30), "day", "exactly", ""),
    }


def test_settlements_and_territory_are_two_quantities_of_one_claim(seed):
    claim = Claim.objects.get(quantities__counted="territory regained")
    assert sorted(q.display for q in claim.quantities.all()) == [
        "24 settlements regained",
        "259 km² territory regained",
    ]
    assert claim.claimant.name == "Valery Gerasimov"


def test_every_place_named_is_present_in_its_parent(seed):
    parents = {
        place.name: place.parent.name if place.parent else None
        for place in Place.objects.select_related("parent")
    }
    named = {
        "Russia": None,
        "Kursk Oblast": "Russia",
        "Sudzha": "Kursk Oblast",
        "Ukraine": None,
        "Sumy Oblast": "Ukraine",
        "Kharkiv Oblast": "Ukraine",
        "Zaporizhzhia Oblast": "Ukraine",
        "Huliaipole": "Zaporizhzhia Oblast",
        "Orikhiv": "Zaporizhzhia Oblast",
        "Kherson Oblast": "Ukraine",
        "Saudi Arabia": None,
        "Jeddah": "Saudi Arabia",
    }
    assert {name: parents.get(name, "missing") for name in named} == named


def test_place_paths_lead_through_every_parent(seed):
    sudzha = Place.objects.get(name="Sudzha")
    assert [Place.objects.get(pk=pk).name for pk in sudzha.ancestor_ids] == [
        "Russia",
        "Kursk Oblast",
    ]
    for place in Place.objects.select_related("parent"):
        expected = f"{place.parent.ancestor_path}{place.parent_id}/" if place.parent else "/"
        assert place.ancestor_path == expected, place.name


def test_places_carry_their_other_spellings(seed):
    assert Place.objects.get(name="Huliaipole").aliases.filter(name="Gulyaipole").exists()
    assert Place.objects.get(name="Orikhiv").aliases.filter(name="Orekhov").exists()


def test_every_actor_named_is_present(seed):
    named = [
        "Vladimir Putin",
        "Valery Gerasimov",
        "Oleksandr Syrskyi",
        "Volodymyr Zelensky",
        "Donald Trump",
        "Marco Rubio",
        "Spokesperson for Ukraine's Southern Command (unnamed)",
        "Russian military leadership (unnamed)",
        "Ukrainian officials (unnamed)",
        "Government of Ukraine",
        "Russian Armed Forces",
        "Armed Forces of Ukraine",
        "Southern Command of the Armed Forces of Ukraine",
        "Russia",
        "Ukraine",
        "United States",
        "European partners of Ukraine",
        "novinite.com staff",
    ]
    present = set(Actor.objects.values_list("name", flat=True))
    assert [name for name in named if name not in present] == []


def test_actors_have_their_aliases_roles_and_sides(seed):
    syrskyi = Actor.objects.get(name="Oleksandr Syrskyi")
    assert {"Syrsky", "Syrskii", "Сирський"} <= set(syrskyi.aliases.values_list("name", flat=True))
    assert syrskyi.affiliation.name == "Armed Forces of Ukraine"
    assert syrskyi.affiliation.affiliation.name == "Ukraine"
    role = syrskyi.roles.get()
    assert (role.title, role.start.isoformat()) == (
        "Commander-in-Chief of the Armed Forces of Ukraine",
        "2024-02-08",
    )

    gerasimov = Actor.objects.get(name="Valery Gerasimov")
    briefing_day = Claim.objects.filter(claimant=gerasimov).first().asserted_on
    assert gerasimov.role_on(briefing_day).title == (
        "Chief of the General Staff of the Russian Armed Forces"
    )
    assert gerasimov.roles.get().start.isoformat() == "2012-11-09"

    zelensky = Actor.objects.get(name="Volodymyr Zelensky")
    assert {"Zelenskyy", "Zelenskiy"} <= set(zelensky.aliases.values_list("name", flat=True))


def test_tass_is_in_gerasimovs_chain_in_order(seed):
    claim = Claim.objects.get(quantities__counted="settlements regained")
    steps = AttributionStep.objects.filter(appearance__claim=claim).select_related(
        "actor", "outlet", "source"
    )
    assert [
        (step.actor and step.actor.name, step.outlet and step.outlet.name) for step in steps
    ] == [
        ("Valery Gerasimov", None),
        (None, None),
        (None, "TASS"),
        (None, "novinite.com"),
    ]
    assert steps[0].fidelity == AttributionStep.Fidelity.ORIGINAL
    assert "briefing to Putin" in steps[1].label
    assert steps[2].source.outlet.name == "TASS"
    assert steps[3].source.title == TITLE


def test_the_outlets_own_assertions_are_claimed_by_the_outlet(seed):
    claim = Claim.objects.get(statement__startswith="Ukrainian authorities have not publicly")
    assert claim.claimant.name == "novinite.com staff"
    assert claim.actors.filter(name="Government of Ukraine").exists()


def test_counter_claims_exist(seed):
    contradictions = ClaimRelation.objects.filter(kind=ClaimRelation.Kind.CONTRADICTS)
    with_counter_claims = {r.from_claim_id for r in contradictions} | {
        r.to_claim_id for r in contradictions
    }
    assert len(with_counter_claims) >= 3

    regained = Claim.objects.get(quantities__counted="settlements regained")
    sudzha = Claim.objects.get(places__name="Sudzha")
    assert contradictions.filter(from_claim=sudzha, to_claim=regained).exists()
    surrendered = Claim.objects.get(statement__contains="surrendered")
    countered_by = {r.from_claim.claimant.name for r in contradictions.filter(to_claim=surrendered)}
    assert countered_by == {"Oleksandr Syrskyi"}


def test_every_relation_carries_a_note_and_reads_from_both_sides(seed):
    relations = ClaimRelation.objects.select_related("from_claim", "to_claim")
    assert relations
    for relation in relations:
        assert relation.note
    relation = relations.get(kind=ClaimRelation.Kind.RESPONDS_TO, to_claim__quantities__value=30)
    assert relation.from_claim.claimant.name == "Donald Trump"
    assert relation.label_from(relation.to_claim) == "responded to by"
