"""The synthetic corpus: the same for a seed, in the working-size proportions, and consistent
with every rule the pages rely on."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F, Q

from claims.corpus import Corpus, transliterations
from claims.filters import ClaimFilterSet
from claims.models import (
    Actor,
    Appearance,
    Assessment,
    AttributionStep,
    Claim,
    ClaimRelation,
    Place,
    Quantity,
)
from sources.models import Excerpt, Outlet, Source
from tests.helpers import assert_status


def _load(claims: int = 400, seed: int = 3, **options) -> None:
    call_command("generate_corpus", claims=claims, seed=seed, verbosity=0, **options)


def _statements(corpus: Corpus) -> list[tuple]:
    return [row[:2] for rows, _ in corpus.claim_batches() for row in rows[Claim]]


def test_corpus_rows_are_the_same_for_a_seed_and_differ_for_another():
    first, again, other = (Corpus(claims=300, seed=seed) for seed in (7, 7, 8))
    assert first.reference_rows() == again.reference_rows()
    assert list(first.claim_batches()) == list(again.claim_batches())
    assert _statements(Corpus(claims=300, seed=7)) != _statements(other)


def test_transliterations_give_the_usual_spellings():
    assert transliterations("Syrskyi")[:2] == ["Syrsky", "Syrskii"]
    assert "Harkiv" in transliterations("Kharkiv")
    assert transliterations("Lublin") == []


@pytest.mark.django_db
def test_generate_corpus_writes_the_rows_of_its_seed():
    _load(seed=5)
    expected = _statements(Corpus(claims=400, seed=5))
    assert list(Claim.objects.order_by("id").values_list("id", "statement")) == expected
    # The sequences continue after the explicit ids.
    assert Claim.objects.create(statement="x", claimant=Actor.objects.first()).pk == 401


@pytest.mark.django_db
def test_corpus_holds_the_working_size_proportions():
    _load()
    assert Claim.objects.count() == 400
    assert Source.objects.count() == 20
    assert Actor.objects.count() == 110
    assert Place.objects.count() == 110
    assert Outlet.objects.count() == 15
    per_claim = Counter(Appearance.objects.values_list("claim", flat=True))
    assert set(per_claim.values()) <= {1, 2} and len(per_claim) == 400
    assert 1.2 < sum(per_claim.values()) / 400 < 1.6
    assert Quantity.objects.count() == 400
    assessments = Counter(Assessment.objects.values_list("claim", flat=True))
    assert set(assessments.values()) <= {1, 2, 3} and len(assessments) == 400
    assert 20 <= ClaimRelation.objects.count() <= 60
    chains = Counter(AttributionStep.objects.values_list("appearance", flat=True))
    assert set(chains.values()) <= {1, 2, 3}
    for length in Source.objects.values_list("body", flat=True):
        assert 2000 <= len(length) <= 4600
    assert set(Claim.objects.values_list("actors", flat=True)) - {None}
    assert set(Claim.objects.values_list("topics", flat=True)) - {None}


@pytest.mark.django_db
def test_every_excerpt_is_the_text_at_its_offsets():
    _load()
    excerpts = Excerpt.objects.select_related("source")
    assert excerpts.count() == Appearance.objects.count()
    for excerpt in excerpts:
        assert excerpt.source.body[excerpt.start : excerpt.end] == excerpt.exact
        prefix, suffix = excerpt.prefix, excerpt.suffix
        excerpt.full_clean()  # the constraints, and the context clean() would store
        assert (excerpt.prefix, excerpt.suffix) == (prefix, suffix)
    assert not Appearance.objects.exclude(excerpt__source=F("source")).exists()


@pytest.mark.django_db
def test_every_claim_status_is_its_latest_assessment():
    _load()
    for claim in Claim.objects.prefetch_related("assessments"):
        latest = max(claim.assessments.all(), key=lambda a: (a.assessed_at, a.id))
        assert claim.status == latest.status
    assert len(Counter(Claim.objects.values_list("status", flat=True))) >= 5


@pytest.mark.django_db
def test_quantities_are_normalised_as_the_model_would():
    _load()
    for quantity in Quantity.objects.all():
        stored = (quantity.canonical_value, quantity.canonical_value_max, quantity.canonical_unit)
        quantity.full_clean()
        assert stored == (
            quantity.canonical_value,
            quantity.canonical_value_max,
            quantity.canonical_unit,
        )
    assert Quantity.objects.filter(canonical_unit="km²").exists()
    assert Quantity.objects.filter(per="day").exists()


@pytest.mark.django_db
def test_a_settlement_is_found_through_its_country():
    _load()
    for place in Place.objects.select_related("parent"):
        expected = f"{place.parent.ancestor_path}{place.parent_id}/" if place.parent else "/"
        assert place.ancestor_path == expected
    settlement = Place.objects.filter(kind="settlement", claims__isnull=False).first()
    country = Place.objects.get(pk=settlement.ancestor_ids[0])
    other = Place.objects.filter(kind="country").exclude(pk=country.pk).first()
    claims = set(settlement.claims.values_list("pk", flat=True))
    assert claims <= set(Claim.objects.about_place(country).values_list("pk", flat=True))
    assert not claims & set(Claim.objects.about_place(other).values_list("pk", flat=True))


@pytest.mark.django_db
def test_claim_page_and_api_list_answer_on_a_generated_corpus(client):
    _load()
    claim = Claim.objects.filter(relations_out__isnull=False).first()
    response = client.get(claim.get_absolute_url())
    assert_status(response, 200)
    assert claim.statement in response.content.decode()
    response = client.get("/api/v1/claims/")
    assert_status(response, 200)
    assert len(response.json()["results"]) == 50


@pytest.mark.django_db
def test_generate_corpus_refuses_a_database_with_records_unless_appending():
    _load(claims=40)
    with pytest.raises(CommandError, match="already holds records"):
        _load(claims=40)
    assert Claim.objects.count() == 40
    _load(claims=40, append=True)
    assert Claim.objects.count() == 80
    assert Outlet.objects.filter(name__endswith="[41]").count() == Outlet.objects.count() // 2


@pytest.mark.django_db
def test_generate_corpus_refuses_a_corpus_without_claims():
    with pytest.raises(CommandError, match="--claims must be at least 1"):
        _load(claims=0)
    assert not Actor.objects.exists()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's")
def test_list_queries_use_their_indexes():
    _load(claims=3000)
    # Claims of one status. (A newest-first page of them may instead walk
    # claim_asserted_idx backwards: claims are written in date order, so that
    # index is perfectly correlated with the table and the planner likes it.)
    by_status = Claim.objects.filter(status="retracted").values("pk", "asserted_on")
    assert "claim_status_asserted_idx" in by_status.explain()

    claimant = (
        Claim.objects.values("claimant").annotate(n=Count("pk")).order_by("-n")[0]["claimant"]
    )
    country = Place.objects.filter(kind="country").order_by("pk").first()
    filterset = ClaimFilterSet(
        {"status": ["disputed"], "claimant": claimant, "place": country.pk, "as_of": "2024-06-30"},
        queryset=Claim.objects.for_list(),
    )
    plan = filterset.qs.order_by("-asserted_on", "-pk")[:25].explain()
    assert "claims_claim_claimant" in plan or "claim_claimant_asserted_idx" in plan
    assert "assessment_claim_latest_idx" in plan
    assert "claims_claim_places_claim_id" in plan


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's")
def test_place_containment_and_keyset_pages_use_their_indexes():
    _load(claims=3000)
    country = Place.objects.filter(kind="country").order_by("pk").first()
    with connection.cursor() as cursor:
        # A few thousand rows fit a page or two: make the planner show which index it
        # would take at a size where a scan is not the cheaper choice.
        cursor.execute("SET LOCAL enable_seqscan = off")
    inside = Place.objects.inside(country).values("pk").explain()
    assert "claims_place_ancestor_path_like" in inside
    after = Claim.objects.filter(asserted_on__lte="2024-06-30").filter(
        Q(asserted_on__lt="2024-06-30") | Q(pk__lt=5000)
    )
    page = after.order_by(F("asserted_on").desc(nulls_first=True), "-pk")[:25].explain()
    assert "claim_asserted_idx" in page
    # Read in the index's order; ties of one day at most are sorted by id.
    assert not re.search(r"(^|->\s+)Sort\b", page, re.MULTILINE)


@pytest.mark.django_db
def test_bench_bare_view_is_not_routed_by_default(client):
    assert client.get("/bench/bare/").status_code == 404


def test_bench_refuses_sqlite_in_one_line(settings, monkeypatch):
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "x"}}
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("bench", claims=100)
