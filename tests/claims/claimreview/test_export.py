"""The ClaimReview export: what the knowledge base knows, and back again through the import."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.utils import timezone

from claims.models import Actor, Claim
from claims.services import claim_assess
from sources.models import Outlet, Source
from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    AppearanceFactory,
    ClaimFactory,
    OutletFactory,
    PlaceFactory,
    SourceFactory,
)
from tests.helpers import assert_status

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
MARCH_14 = datetime.datetime(2025, 3, 14, 15, 0, tzinfo=datetime.UTC)


def assessed(claim: Claim, status: str = "disputed", at=MARCH_14) -> Claim:
    claim_assess(claim=claim, by=None, status=status, rationale="Checked.", assessed_at=at)
    return claim


def rich_claim() -> Claim:
    """A claim with a claimant who changed roles, places with Wikidata ids, two appearances."""
    gerasimov = ActorFactory(name="Valery Gerasimov", wikidata_id="Q312825")
    ActorRoleFactory(
        actor=gerasimov,
        title="Commander of the Leningrad Military District",
        start=datetime.date(2009, 1, 1),
        end=datetime.date(2010, 12, 23),
    )
    ActorRoleFactory(
        actor=gerasimov, title="Chief of the General Staff", start=datetime.date(2012, 11, 9)
    )
    claim = ClaimFactory(
        statement="Forces regained control of 24 settlements.",
        claimant=gerasimov,
        asserted_on=datetime.date(2025, 3, 12),
        places=[PlaceFactory(name="Kursk Oblast", kind="region", wikidata_id="Q2097")],
    )
    tass = OutletFactory(name="TASS")
    later = SourceFactory(
        outlet=OutletFactory(name="novinite.com"),
        title="Russia says it retook 24 settlements",
        url="https://novinite.example/articles/1",
        published_at=datetime.datetime(2025, 3, 13, 8, 0, tzinfo=datetime.UTC),
    )
    first = SourceFactory(
        outlet=tass,
        title="Gerasimov reports to Putin",
        url="https://tass.example/politics/1",
        published_at=datetime.datetime(2025, 3, 12, 9, 30, tzinfo=datetime.UTC),
    )
    cited = SourceFactory(  # cited by novinite.com, never retrieved: no URL
        outlet=tass,
        title="TASS report on the briefing",
        url="",
        published_at=datetime.datetime(2025, 3, 13, 12, 0, tzinfo=datetime.UTC),
    )
    AppearanceFactory(claim=claim, source=later)
    AppearanceFactory(claim=claim, source=first)
    AppearanceFactory(claim=claim, source=cited, excerpt=None)
    return assessed(claim)


def export(client, claim: Claim) -> dict:
    response = client.get(f"/api/v1/claims/{claim.pk}/claimreview/")
    assert_status(response, 200)
    return response.json()


def test_a_claim_never_assessed_has_no_review(client):
    never = ClaimFactory()
    reviewed = assessed(ClaimFactory())
    response = client.get(f"/api/v1/claims/{never.pk}/claimreview/")
    assert_status(response, 404)
    assert "never assessed" in response.json()["detail"]
    graph = client.get("/api/v1/claims/claimreview/").json()["@graph"]
    assert [review["claimReviewed"] for review in graph] == [reviewed.statement]


def test_a_claim_assessed_only_after_the_as_of_day_has_no_review_that_day(client):
    assessed(ClaimFactory(asserted_on=datetime.date(2025, 3, 1)))
    graph = client.get("/api/v1/claims/claimreview/?as_of=2025-03-10").json()["@graph"]
    assert graph == []
    graph = client.get("/api/v1/claims/claimreview/?as_of=2025-03-20").json()["@graph"]
    assert len(graph) == 1


def test_the_review_is_published_by_the_organisation_in_settings(client, settings):
    settings.CLAIMREVIEW_PUBLISHER = {
        "name": "Conflict Claims Desk",
        "url": "https://claims.example.org/",
        "logo": "https://claims.example.org/logo.png",
    }
    review = export(client, assessed(ClaimFactory()))
    assert review["author"] == {
        "@type": "Organization",
        "name": "Conflict Claims Desk",
        "url": "https://claims.example.org/",
        "logo": "https://claims.example.org/logo.png",
    }


def test_the_review_is_dated_by_its_assessment_and_rated_by_its_status(client):
    claim = assessed(ClaimFactory(), status="verified", at=MARCH_14)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    claim_assess(
        claim=claim,
        by=None,
        status="false",
        rationale="Satellite images show otherwise.",
        assessed_at=yesterday,
    )
    review = export(client, claim)
    assert review["datePublished"] == yesterday.astimezone(datetime.UTC).date().isoformat()
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "False",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert review["reviewBody"] == "Satellite images show otherwise."


def test_the_claimant_has_the_role_held_on_the_day_and_the_places_their_wikidata_ids(client):
    review = export(client, rich_claim())
    item = review["itemReviewed"]
    assert item["author"] == {
        "@type": "Person",
        "name": "Valery Gerasimov",
        "jobTitle": "Chief of the General Staff",
        "sameAs": "https://www.wikidata.org/wiki/Q312825",
    }
    assert item["spatialCoverage"] == [
        {"@type": "Place", "name": "Kursk Oblast", "sameAs": "https://www.wikidata.org/wiki/Q2097"}
    ]


def test_the_role_follows_the_day_the_claim_was_made(client):
    claim = rich_claim()
    claim.asserted_on = datetime.date(2010, 6, 1)
    claim.save()
    item = export(client, claim)["itemReviewed"]
    assert item["author"]["jobTitle"] == "Commander of the Leningrad Military District"


def test_every_appearance_with_its_publisher_and_the_first_one(client):
    item = export(client, rich_claim())["itemReviewed"]
    assert item["appearance"] == [
        {
            "@type": "CreativeWork",
            "headline": "Gerasimov reports to Putin",
            "url": "https://tass.example/politics/1",
            "datePublished": "2025-03-12T09:30:00+00:00",
            "publisher": {"@type": "Organization", "name": "TASS"},
        },
        {
            "@type": "CreativeWork",
            "headline": "Russia says it retook 24 settlements",
            "url": "https://novinite.example/articles/1",
            "datePublished": "2025-03-13T08:00:00+00:00",
            "publisher": {"@type": "Organization", "name": "novinite.com"},
        },
        {
            "@type": "CreativeWork",
            "headline": "TASS report on the briefing",
            "datePublished": "2025-03-13T12:00:00+00:00",
            "publisher": {"@type": "Organization", "name": "TASS"},
        },
    ]
    assert item["firstAppearance"] == item["appearance"][0]


def test_an_imported_review_comes_back_as_its_fact_checker_published_it(client):
    document = json.loads((FIXTURES / "single.json").read_text())
    response = client_post(client, document)
    [claim_id] = response.json()["created"]
    review = export(client, Claim.objects.get(pk=claim_id))

    assert review["url"] == document["url"]
    assert review["author"] == document["author"]
    assert review["reviewRating"] == document["reviewRating"]
    assert review["datePublished"] == "2025-03-14"
    assert review["headline"] == document["headline"]
    assert review["inLanguage"] == "en"
    assert review["reviewBody"] == document["reviewBody"]
    author = review["itemReviewed"]["author"]
    assert author == {**document["itemReviewed"]["author"]}
    video = review["itemReviewed"]["appearance"][1]
    assert video["@type"] == "VideoObject" and video["name"] == "Briefing at the command post"
    assert (
        review["itemReviewed"]["firstAppearance"]["url"] == "https://tass.example/politics/1234567"
    )


def client_post(client, document):
    from django.contrib.auth import get_user_model

    from claimsbase.permissions import role_grant

    user = get_user_model().objects.create_user(username="round-trip-editor", password="x")
    role_grant(user=user, role="editor")
    client.force_login(user)
    response = client.post(
        "/api/v1/claims/claimreview/", json.dumps(document), content_type="application/ld+json"
    )
    assert_status(response, 201)
    return response


def forget(claim: Claim) -> None:
    """Delete a claim and everything the import would make again for it."""
    claimant = claim.claimant
    sources = [appearance.source for appearance in claim.appearances.all()]
    outlets = {source.outlet for source in sources} | {
        assessment.outlet for assessment in claim.assessments.all() if assessment.outlet
    }
    # The knowledge base never deletes a judgement; here the claim's assessments and
    # evidence go under the rules, as if the export were read by another knowledge base.
    for rows in (claim.evidence.all(), claim.assessments.all()):
        rows._raw_delete(rows.db)
    claim.delete()
    for source in sources:
        source.delete()
    claimant.delete()
    for outlet in outlets:
        if not Source.objects.filter(outlet=outlet).exists():
            outlet.delete()


def test_export_import_export_gives_the_same_document(client, settings):
    settings.CLAIMREVIEW_PUBLISHER = {
        "name": "Conflict Claims Desk",
        "url": "https://claims.example.org/",
        "logo": "https://claims.example.org/logo.png",
    }
    claim = rich_claim()
    before = export(client, claim)
    forget(claim)
    assert not Actor.objects.filter(name="Valery Gerasimov").exists()
    assert not Outlet.objects.filter(name="TASS").exists()

    [claim_id] = client_post(client, before).json()["created"]
    claim = Claim.objects.get(pk=claim_id)
    assert claim.appearances.filter(source__url="").count() == 1
    after = export(client, claim)
    assert after == before


def test_an_imported_review_survives_export_and_import_again(client):
    document = json.loads((FIXTURES / "single.json").read_text())
    [claim_id] = client_post(client, document).json()["created"]
    claim = Claim.objects.get(pk=claim_id)
    before = export(client, claim)
    forget(claim)

    response = client.post(
        "/api/v1/claims/claimreview/", json.dumps(before), content_type="application/json"
    )
    assert_status(response, 201)
    after = export(client, Claim.objects.get(pk=response.json()["created"][0]))
    assert after == before


def test_the_claim_page_names_the_fact_checker_and_links_its_review(client):
    document = json.loads((FIXTURES / "single.json").read_text())
    [claim_id] = client_post(client, document).json()["created"]
    response = client.get(f"/claims/{claim_id}/")
    assert_status(response, 200)
    content = response.content.decode()
    assert (
        'review by <a href="https://factcheck.example/2025/03/14/gerasimov-24-settlements/" '
        'rel="nofollow noopener">FactCheck Example</a>'
    ) in content
