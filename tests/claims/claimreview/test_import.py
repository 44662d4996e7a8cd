"""ClaimReview import: real-world shapes become claims, claimants, sources and assessments."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.claimreview import SOURCE_SYSTEM, claimreviews_import, rating_status
from claims.models import Actor, ActorRole, Assessment, Claim
from sources.models import Outlet, Source
from tests.factories import ActorAliasFactory, ActorFactory, ActorRoleFactory, PlaceFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def imported(name: str, by=None):
    return claimreviews_import(document=load(name), by=by)


def claim_of(url: str) -> Claim:
    return Claim.objects.get(source_system=SOURCE_SYSTEM, external_id__contains=url)


# --- one review, completely ----------------------------------------------------


def test_a_review_becomes_a_claim_with_claimant_appearances_and_assessment(editor):
    summary = imported("single.json", by=editor)

    assert (len(summary.created), summary.skipped, summary.refused) == (1, [], [])
    claim = Claim.objects.get(pk=summary.created[0])
    assert claim.statement.startswith("Russian forces regained control of 24 settlements")
    assert claim.asserted_on == datetime.date(2025, 3, 12)
    assert claim.source_system == "claimreview"
    assert claim.external_id == "https://factcheck.example/2025/03/14/gerasimov-24-settlements"

    gerasimov = claim.claimant
    assert (gerasimov.name, gerasimov.kind, gerasimov.wikidata_id) == (
        "Valery Gerasimov",
        "person",
        "Q312825",
    )
    [role] = gerasimov.roles.all()
    assert role.title == "Chief of the General Staff" and role.covers(claim.asserted_on)

    sources = [appearance.source for appearance in claim.appearances.order_by("id")]
    assert [s.url for s in sources] == [
        "https://tass.example/politics/1234567",
        "https://video.example/watch?v=abc123",
    ]
    tass = sources[0]
    assert tass.title == "Gerasimov reports to Putin on the liberation of 24 settlements"
    assert tass.body == ""  # recorded by URL and metadata until its text is captured
    assert tass.outlet.name == "TASS" and tass.outlet.domain == "tass.example"
    assert tass.published_at == datetime.datetime(2025, 3, 12, 9, 30, tzinfo=datetime.UTC)
    assert sources[1].title == "Briefing at the command post"

    [assessment] = claim.assessments.all()
    assert assessment.outlet.name == "FactCheck Example"
    assert assessment.assessed_by == editor
    assert assessment.status == claim.status == "disputed"  # "Mostly False" by the word table
    assert assessment.assessed_at.date() == datetime.date(2025, 3, 14)
    assert assessment.rationale.startswith("Ukrainian commanders and satellite images")


def test_properties_without_a_field_are_kept_on_the_assessment():
    summary = imported("single.json")
    review = Assessment.objects.get(claim=summary.created[0]).review

    assert review["url"] == "https://factcheck.example/2025/03/14/gerasimov-24-settlements/"
    assert review["properties"] == {
        "headline": "No, Russia did not retake 24 settlements in a week",
        "inLanguage": "en",
    }
    assert review["reviewRating"]["image"] == "https://factcheck.example/meters/mostly-false.png"
    assert review["author"]["logo"]["url"] == "https://factcheck.example/logo.png"
    assert review["claimant"] == {
        "image": "https://factcheck.example/people/gerasimov.jpg",
        "sameAs": ["https://en.wikipedia.org/wiki/Valery_Gerasimov"],
    }
    video = review["appearances"]["https://video.example/watch?v=abc123"]
    assert video["@type"] == "VideoObject" and video["name"] == "Briefing at the command post"
    assert review["firstAppearance"] == "https://tass.example/politics/1234567"


# --- shapes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "count"),
    [
        ("single.json", 1),
        ("list.json", 2),
        ("graph.jsonld", 1),
        ("datafeed.json", 2),
        ("itemlist.json", 1),
        ("minimal.json", 1),
    ],
)
def test_every_shape_imports_its_reviews(fixture, count):
    summary = imported(fixture)
    assert summary.refused == []
    assert len(summary.created) == count
    assert Claim.objects.filter(source_system=SOURCE_SYSTEM).count() == count


def test_a_graph_under_the_http_context_skips_the_page_nodes_and_records_url_appearances():
    summary = imported("graph.jsonld")
    claim = Claim.objects.get(pk=summary.created[0])
    assert claim.status == "false"
    urls = sorted(appearance.source.url for appearance in claim.appearances.all())
    assert urls == ["http://t.me.example/channel/123", "http://t.me.example/channel/124"]
    # A source known by its URL alone takes the URL as its title and its domain as outlet.
    assert {a.source.title for a in claim.appearances.all()} == set(urls)
    assert {a.source.outlet.name for a in claim.appearances.all()} == {"t.me.example"}


def test_terms_written_with_a_schema_prefix_are_read():
    document = {
        "@context": {"schema": "https://schema.org/"},
        "@type": "schema:ClaimReview",
        "schema:url": "https://prefix.example/check",
        "schema:claimReviewed": "A claim under a prefixed context.",
        "schema:author": {"@type": "schema:Organization", "schema:name": "Prefix Checks"},
        "schema:reviewRating": {"@type": "schema:Rating", "schema:alternateName": "True"},
    }
    summary = claimreviews_import(document=document, by=None)
    assert summary.refused == [] and len(summary.created) == 1
    assert Claim.objects.get(pk=summary.created[0]).status == "verified"


def test_missing_optional_properties_take_plain_defaults():
    summary = imported("minimal.json")
    claim = Claim.objects.get(pk=summary.created[0])
    assert claim.claimant.kind == Actor.Kind.UNNAMED
    assert claim.asserted_on is None and not claim.appearances.exists()
    assessment = claim.assessments.get()
    assert assessment.status == "partly_verified"
    assert assessment.rationale == (
        "Rated “Half true” by Minimal Checks (https://minimal.example/check)."
    )
    assert assessment.review["reviewBody"] is False


# --- ratings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "status"),
    [
        ({"alternateName": "False"}, "false"),
        ({"alternateName": "Pants on Fire!"}, "false"),
        ({"alternateName": "Mostly false"}, "disputed"),
        ({"alternateName": "Misleading"}, "disputed"),
        ({"alternateName": "Half True"}, "partly_verified"),
        ({"alternateName": "TRUE"}, "verified"),
        ({"alternateName": "Unproven"}, "unverifiable"),
        ({"ratingValue": 1, "bestRating": 5, "worstRating": 1}, "false"),
        ({"ratingValue": 2, "bestRating": 5, "worstRating": 1}, "disputed"),
        ({"ratingValue": 3}, "partly_verified"),  # schema.org's default scale 1–5
        ({"ratingValue": "4", "bestRating": "5", "worstRating": "1"}, "partly_verified"),
        ({"ratingValue": 10, "bestRating": 10, "worstRating": 0}, "verified"),
        ({"ratingValue": 0, "bestRating": 0, "worstRating": 10}, "verified"),  # reversed scale
        # both: the words decide, since every fact-checker numbers its own scale
        ({"ratingValue": 1, "bestRating": 5, "alternateName": "True"}, "verified"),
        # unknown words, but a number
        ({"ratingValue": 5, "alternateName": "Four Pinocchios"}, "verified"),
    ],
)
def test_ratings_map_to_statuses_by_the_table(rating, status):
    assert rating_status(rating) == status


def test_the_rating_table_is_configurable(settings):
    settings.CLAIMREVIEW_RATING_WORDS = {"Four Pinocchios": "false"}
    settings.CLAIMREVIEW_RATING_SCALE = [[0.5, "false"], [1, "verified"]]
    assert rating_status({"alternateName": "four pinocchios"}) == "false"
    assert rating_status({"ratingValue": 3}) == "false"
    assert rating_status({"ratingValue": 4}) == "verified"


# --- claimants ---------------------------------------------------------------------


def test_the_claimant_is_found_by_wikidata_id_before_its_name():
    gerasimov = ActorFactory(name="Valeriy Gerasimov", wikidata_id="Q312825")
    ActorFactory(name="Valery Gerasimov")
    summary = imported("single.json")
    assert Claim.objects.get(pk=summary.created[0]).claimant == gerasimov


def test_the_claimant_is_found_by_an_alias_and_keeps_its_role():
    gerasimov = ActorFactory(name="Valerii Gerasimov")
    ActorAliasFactory(actor=gerasimov, name="Valery Gerasimov")
    ActorRoleFactory(actor=gerasimov, title="Chief of the General Staff")
    actors = Actor.objects.count()
    summary = imported("single.json")
    assert Claim.objects.get(pk=summary.created[0]).claimant == gerasimov
    assert Actor.objects.count() == actors
    assert gerasimov.roles.count() == 1  # the role covering the day already says it


def test_a_job_title_other_than_the_role_held_is_kept_as_written():
    gerasimov = ActorFactory(name="Valery Gerasimov")
    ActorRoleFactory(actor=gerasimov, title="Army General")
    summary = imported("single.json")
    review = Assessment.objects.get(claim=summary.created[0]).review
    assert review["claimant"]["jobTitle"] == "Chief of the General Staff"
    assert ActorRole.objects.filter(actor=gerasimov).count() == 1


def test_an_organisation_author_becomes_an_organisation_with_its_wikidata_id():
    imported("list.json")
    ministry = Actor.objects.get(name="Ministry of Foreign Affairs")
    assert (ministry.kind, ministry.wikidata_id) == ("organisation", "Q1364530")


def test_places_are_matched_by_wikidata_id_or_their_one_name():
    kursk = PlaceFactory(name="Kursk Oblast", kind="region", wikidata_id="Q2097")
    sudzha = PlaceFactory(name="Sudzha")
    document = load("single.json")
    document["itemReviewed"]["spatialCoverage"] = [
        {"@type": "Place", "name": "Kursk region", "sameAs": "https://www.wikidata.org/wiki/Q2097"},
        {"@type": "Place", "name": "sudzha"},
        {"@type": "Place", "name": "Nowhere in particular"},
    ]
    summary = claimreviews_import(document=document, by=None)
    claim = Claim.objects.get(pk=summary.created[0])
    assert set(claim.places.all()) == {kursk, sudzha}
    kept = claim.assessments.get().review["itemReviewed"]["spatialCoverage"]
    assert kept == [{"@type": "Place", "name": "Nowhere in particular"}]


# --- idempotence and refusals ---------------------------------------------------------


def test_importing_the_same_reviews_again_writes_nothing():
    first = imported("list.json")
    counts = [m.objects.count() for m in (Claim, Actor, Source, Outlet, Assessment, ActorRole)]
    again = imported("list.json")
    assert (again.created, again.skipped, again.refused) == ([], [0, 1], [])
    assert [m.objects.count() for m in (Claim, Actor, Source, Outlet, Assessment, ActorRole)] == (
        counts
    )
    assert len(first.created) == 2


def test_the_same_review_twice_in_one_document_is_written_once():
    review = load("minimal.json")
    http_copy = {**review, "url": "http://minimal.example/check/"}
    summary = claimreviews_import(document=[review, http_copy], by=None)
    assert (len(summary.created), summary.skipped) == (1, [1])


def test_malformed_reviews_are_refused_by_property_and_the_rest_imports():
    summary = imported("malformed.json")

    assert len(summary.created) == 1
    assert claim_of("bad.example/ok").statement == "The airport was reopened."
    refused = {r.index: r for r in summary.refused}
    assert set(refused) == {1, 2, 3, 4}
    assert refused[1].url == ""
    assert "url" in refused[1].errors
    assert refused[2].url == "https://bad.example/not-a-number"
    assert refused[2].errors == {"reviewRating.ratingValue": ["“ten” is not a number."]}
    assert set(refused[3].errors) == {
        "claimReviewed",
        "datePublished",
        "reviewRating.alternateName",
    }
    assert "Four Pinocchios" in refused[3].errors["reviewRating.alternateName"][0]
    assert set(refused[4].errors) == {"@context"}
    line = refused[2].lines()[0]
    assert line == (
        "review 2 (https://bad.example/not-a-number): reviewRating.ratingValue: "
        "“ten” is not a number."
    )
    assert Claim.objects.count() == 1


def test_a_review_refused_while_writing_leaves_nothing_behind():
    document = load("single.json")
    document["itemReviewed"]["appearance"][0]["headline"] = "x" * 600  # too long a title
    counts = [m.objects.count() for m in (Claim, Actor, Source, Outlet, Assessment)]
    summary = claimreviews_import(document=[document, load("minimal.json")], by=None)
    [refusal] = summary.refused
    assert refusal.index == 0
    assert list(refusal.errors) == ["itemReviewed.appearance.0.headline"]
    assert len(summary.created) == 1  # the next review still imports
    assert Source.objects.count() == counts[2]
    assert not Actor.objects.filter(name="Valery Gerasimov").exists()
    assert not Outlet.objects.filter(name="FactCheck Example").exists()


# --- the command -------------------------------------------------------------------


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_claimreview", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_reads_files_and_folders_and_prints_a_summary(tmp_path, editor):
    folder = tmp_path / "feeds"
    folder.mkdir()
    for name in ("list.json", "graph.jsonld"):
        (folder / name).write_text((FIXTURES / name).read_text())
    (folder / "notes.txt").write_text("not a review")
    out, err = run(str(folder), str(FIXTURES / "single.json"), "--as", editor.username)
    assert out.strip() == "4 imported, 0 skipped (already there), 0 refused."
    assert err == ""
    out, _ = run(str(folder))
    assert out.strip() == "0 imported, 3 skipped (already there), 0 refused."


def test_the_command_reports_refused_reviews_and_succeeds_when_others_imported():
    out, err = run(str(FIXTURES / "malformed.json"))
    assert out.strip() == "1 imported, 0 skipped (already there), 4 refused."
    assert (
        f"{FIXTURES / 'malformed.json'}: review 2 (https://bad.example/not-a-number): "
        "reviewRating.ratingValue: “ten” is not a number."
    ) in err.splitlines()


def test_the_command_fails_when_every_review_is_refused(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(load("malformed.json")[1:]))
    with pytest.raises(CommandError, match="Every review was refused"):
        run(str(path))


def test_the_command_fails_on_an_unreadable_file_but_imports_the_others(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="1 path"):
        run(str(broken), str(FIXTURES / "minimal.json"))
    assert Claim.objects.filter(source_system=SOURCE_SYSTEM).count() == 1


def test_the_command_refuses_a_user_who_is_not_an_editor(analyst):
    with pytest.raises(CommandError, match="editor role"):
        run(str(FIXTURES / "minimal.json"), "--as", analyst.username)
