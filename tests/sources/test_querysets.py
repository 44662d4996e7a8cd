"""Read paths of outlets and sources: right rows, fixed query counts."""

from __future__ import annotations

import pytest

from sources.models import Excerpt, Outlet, Source
from tests.factories import ExcerptFactory, OutletFactory, SourceFactory


def test_source_search_matches_title_body_and_url(db):
    by_title = SourceFactory(title="Gerasimov reports to Putin")
    by_body = SourceFactory(
        body="Syrskyi said fighting continued around Sudzha.",
        outlet=OutletFactory(name="Ukrinform"),
    )
    by_url = SourceFactory(url="https://tass.ru/armiya-i-opk/123")
    assert list(Source.objects.search("gerasimov")) == [by_title]
    assert list(Source.objects.search("SUDZHA")) == [by_body]
    assert list(Source.objects.search("tass.ru")) == [by_url]
    assert list(Source.objects.search("Putin gerasimov")) == [by_title]
    assert list(Source.objects.search('"Putin gerasimov"')) == []
    assert list(Source.objects.search("ukrinform")) == [by_body]
    assert Source.objects.search("").count() == 3


def test_outlet_counts_its_sources(db):
    busy, quiet = OutletFactory(), OutletFactory()
    SourceFactory.create_batch(3, outlet=busy)
    counts = {outlet: outlet.source_count for outlet in Outlet.objects.for_list()}
    assert counts == {busy: 3, quiet: 0}


@pytest.mark.parametrize("related", [1, 20])
def test_source_list_query_count_does_not_grow(db, django_assert_max_num_queries, related):
    outlet = OutletFactory()
    for _ in range(3):
        source = SourceFactory(outlet=outlet)
        for i in range(related):
            ExcerptFactory(source=source, start=i)
    # 1 sources with outlet and excerpt count.
    with django_assert_max_num_queries(1):
        rows = [(s.title, s.outlet.name, s.excerpt_count) for s in Source.objects.for_list()]
    assert [row[2] for row in rows] == [related] * 3


def test_source_list_leaves_out_the_body(db):
    SourceFactory()
    source = Source.objects.for_list().get()
    assert "body" in source.get_deferred_fields()


@pytest.mark.parametrize("related", [1, 20])
def test_source_detail_query_count_does_not_grow(db, django_assert_max_num_queries, related):
    source = SourceFactory()
    for i in range(related):
        ExcerptFactory(source=source, start=i)
        source.cites.add(SourceFactory())
        SourceFactory().cites.add(source)
    # 1 the source with outlet, 2 cited sources with outlets, 3 citing sources with
    # outlets, 4 excerpts.
    with django_assert_max_num_queries(4):
        detail = Source.objects.for_detail().get(pk=source.pk)
        cited = [(s.title, s.outlet.name) for s in detail.cites.all()]
        citing = [(s.title, s.outlet.name) for s in detail.cited_by.all()]
        excerpts = [e.exact for e in detail.excerpts.all()]
    assert (len(cited), len(citing), len(excerpts)) == (related, related, related)


def test_excerpt_list_query_count(db, django_assert_max_num_queries):
    for _ in range(5):
        ExcerptFactory()
    # 1 excerpts with source and outlet.
    with django_assert_max_num_queries(1):
        shown = [
            (e.exact, e.source.title, e.source.outlet.name) for e in Excerpt.objects.for_list()
        ]
    assert len(shown) == 5
