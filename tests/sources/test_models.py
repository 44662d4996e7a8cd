"""Rules that hold for one source or excerpt, in validation and in the database."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sources.models import Excerpt, Outlet, Source, content_hash, normalize_url
from sources.services import source_ingest
from tests.factories import ExcerptFactory, OutletFactory, SourceFactory
from tests.helpers import refused, refused_by_database

URL = "https://www.novinite.com/articles/231234/Gerasimov-Reports"


@pytest.mark.parametrize(
    "variant",
    [
        "http://www.novinite.com/articles/231234/Gerasimov-Reports",
        "https://novinite.com/articles/231234/Gerasimov-Reports",
        "https://www.novinite.com/articles/231234/Gerasimov-Reports/",
        "https://www.novinite.com/articles/231234/Gerasimov-Reports?utm_source=x&utm_medium=y",
        "https://www.novinite.com/articles/231234/Gerasimov-Reports#comments",
        "HTTPS://WWW.NOVINITE.COM:443/articles/231234/Gerasimov-Reports",
    ],
)
def test_same_url_after_normalisation_is_refused(db, variant):
    outlet = OutletFactory()
    source_ingest(outlet=outlet, title="Original", url=URL, body="First text.")

    with refused(Source, "A source with this URL is already recorded.", field="url"):
        source_ingest(outlet=outlet, title="Copy", url=variant, body="Other text.")


def test_meaningful_query_parameters_keep_urls_apart(db):
    outlet = OutletFactory()
    source_ingest(outlet=outlet, title="Page 1", url="https://example.org/list?page=1")
    source_ingest(outlet=outlet, title="Page 2", url="https://example.org/list?page=2")
    assert Source.objects.count() == 2


def test_normalize_url_keeps_path_case_and_sorts_query():
    assert normalize_url("http://www.Example.org/A/b/?b=2&a=1&fbclid=x#top") == (
        "https://example.org/A/b?a=1&b=2"
    )
    assert normalize_url("   ") == ""


def test_same_body_is_refused_even_rewrapped(db):
    outlet = OutletFactory()
    source_ingest(outlet=outlet, title="Original", body="Forces regained  24 settlements.\n")

    with refused(Source, "A source with the same text is already recorded.", field="body"):
        source_ingest(outlet=outlet, title="Copy", body="Forces regained 24\nsettlements.")


def test_sources_without_url_or_body_are_not_duplicates(db):
    """A cited report never retrieved has neither, and many such can exist."""
    outlet = OutletFactory()
    source_ingest(outlet=outlet, title="TASS report")
    source_ingest(outlet=outlet, title="Another TASS report")
    assert Source.objects.filter(normalized_url="", content_hash="").count() == 2


def test_duplicate_url_is_refused_by_the_database(db):
    existing = SourceFactory()
    with refused_by_database(Source):
        Source.objects.create(
            outlet=existing.outlet, title="Raw copy", normalized_url=existing.normalized_url
        )


def test_duplicate_body_is_refused_by_the_database(db):
    existing = SourceFactory()
    with refused_by_database(Source):
        Source.objects.create(
            outlet=existing.outlet, title="Raw copy", content_hash=content_hash(existing.body)
        )


def test_retrieved_before_published_is_refused(db):
    source = SourceFactory.build(outlet=OutletFactory())
    source.retrieved_at = source.published_at.replace(year=2000)
    with refused(
        Source, "A source cannot be retrieved before it was published.", field="retrieved_at"
    ):
        source.full_clean()


def test_outlet_reliability_outside_the_scale_is_refused(db):
    outlet = OutletFactory.build(reliability="G")
    with refused(Outlet, "Value 'G' is not a valid choice.", field="reliability"):
        outlet.full_clean()
    with refused_by_database(Outlet):
        Outlet.objects.create(name="Raw", reliability="G")
    with refused_by_database(Outlet):
        Outlet.objects.bulk_create([Outlet(name="Raw", kind="rumour_mill")])


# --- excerpts ------------------------------------------------------------


def _excerpt(source: Source, start: int, end: int, exact: str) -> Excerpt:
    return Excerpt(source=source, start=start, end=end, exact=exact)


def test_excerpt_past_the_end_of_the_body_is_refused(db):
    source = SourceFactory(body="Short text.")
    excerpt = _excerpt(source, 6, 20, "text." + " " * 9)
    with refused(Excerpt, "The source's text is only 11 characters long.", field="end"):
        excerpt.full_clean()


def test_excerpt_text_not_at_its_offsets_is_refused(db):
    source = SourceFactory(body="Forces regained 24 settlements.")
    excerpt = _excerpt(source, 0, 6, "regain")
    with refused(Excerpt, "This text is not at these offsets in the source's body.", field="exact"):
        excerpt.full_clean()


@pytest.mark.parametrize("start, end", [(6, 6), (6, 2)])
def test_excerpt_ending_where_it_starts_is_refused(db, start, end):
    source = SourceFactory(body="Forces regained 24 settlements.")
    with refused(Excerpt, "An excerpt must end after it starts."):
        _excerpt(source, start, end, "").full_clean()


@pytest.mark.parametrize(
    "start, end, exact",
    [(6, 6, ""), (6, 2, ""), (0, 10, "Forces")],
    ids=["empty", "reversed", "length-mismatch"],
)
def test_excerpt_offsets_are_refused_by_the_database(db, start, end, exact):
    source = SourceFactory()
    with refused_by_database(Excerpt):
        Excerpt.objects.create(source=source, start=start, end=end, exact=exact)


def test_excerpt_records_its_context(db):
    source = SourceFactory(body="Before the quote. THE QUOTE. After the quote.")
    excerpt = _excerpt(source, 18, 28, "THE QUOTE.")
    excerpt.full_clean()
    assert (excerpt.prefix, excerpt.suffix) == ("Before the quote. ", " After the quote.")


def test_excerpt_str_shortens_long_quotes(db):
    excerpt = ExcerptFactory.build(exact="x" * 100)
    assert str(excerpt) == "“" + "x" * 77 + "…”"


# --- bounds on what one row may hold -------------------------------------------


@pytest.mark.parametrize(
    "domain", ["javascript:alert(1)", "https://novinite.com", "novinite.com/news", "localhost"]
)
def test_an_outlet_domain_that_is_not_a_host_name_is_refused(db, domain):
    outlet = OutletFactory.build(domain=domain)
    message = 'Give a host name such as novinite.com, without "https://" or a path.'
    with refused(Outlet, message, field="domain"):
        outlet.full_clean()


@pytest.mark.parametrize("domain", ["novinite.com", "t.me", "bbc.co.uk", "münchen.de", ""])
def test_host_names_and_no_domain_are_accepted(db, domain):
    OutletFactory.build(domain=domain).full_clean()


def test_a_source_published_on_9999_12_31_is_refused(db):
    source = SourceFactory.build(
        outlet=OutletFactory(), published_at=datetime.datetime(9999, 12, 31, tzinfo=datetime.UTC)
    )
    message = "This date is in the future; give the day it happened."
    with refused(Source, message, field="published_at"):
        source.full_clean()


def test_a_source_published_an_hour_ahead_of_the_server_clock_is_accepted(db):
    soon = timezone.now() + datetime.timedelta(hours=1)
    SourceFactory.build(outlet=OutletFactory(), published_at=soon, retrieved_at=soon).full_clean()


def test_notes_longer_than_ten_thousand_characters_are_refused(db):
    outlet = OutletFactory.build(notes="x" * 10_001)
    message = "Ensure this value has at most 10000 characters (it has 10001)."
    with refused(Outlet, message, field="notes"):
        outlet.full_clean()
