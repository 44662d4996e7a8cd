"""OutletFilterSet and SourceFilterSet, shared by the pages and the API."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sources.filters import OutletFilterSet, SourceFilterSet
from sources.models import Outlet, Source
from tests.factories import OutletFactory, SourceFactory

pytestmark = pytest.mark.django_db


def outlets(**params) -> set[int]:
    filterset = OutletFilterSet(params, queryset=Outlet.objects.for_list())
    assert filterset.is_valid(), filterset.errors
    return {outlet.pk for outlet in filterset.qs}


def sources(**params) -> set[int]:
    filterset = SourceFilterSet(params, queryset=Source.objects.for_list())
    assert filterset.is_valid(), filterset.errors
    return {source.pk for source in filterset.qs}


def test_outlet_filters():
    tass = OutletFactory(
        name="TASS",
        domain="tass.ru",
        kind=Outlet.Kind.NEWS_AGENCY,
        country="RU",
        state_affiliated=True,
        reliability="D",
    )
    novinite = OutletFactory(name="Novinite", domain="novinite.com", country="BG", reliability="C")
    assert outlets(q="tass.ru") == {tass.pk}
    assert outlets(q="novinite") == {novinite.pk}
    assert outlets(kind=["news_agency"]) == {tass.pk}
    assert outlets(country="ru") == {tass.pk}
    assert outlets(state_affiliated="true") == {tass.pk}
    assert outlets(reliability=["C", "D"]) == {tass.pk, novinite.pk}


def test_source_filters():
    tass = OutletFactory(name="TASS")
    report = SourceFactory(
        outlet=tass,
        title="Gerasimov reports to Putin",
        published_at=timezone.make_aware(datetime.datetime(2025, 3, 12, 10)),
    )
    article = SourceFactory(
        title="Putin visits Kursk",
        published_at=timezone.make_aware(datetime.datetime(2025, 3, 13, 8)),
    )
    article.cites.add(report)
    assert sources(outlet=tass.pk) == {report.pk}
    assert sources(q="Gerasimov") == {report.pk}
    assert sources(published_after="2025-03-13T00:00:00Z") == {article.pk}
    assert sources(published_before="2025-03-12T23:59:59Z") == {report.pk}
    assert sources(cites=report.pk) == {article.pk}


def test_unknown_outlet_id_is_a_form_error():
    filterset = SourceFilterSet({"outlet": 999999}, queryset=Source.objects.all())
    assert not filterset.is_valid()
    assert "outlet" in filterset.errors


@pytest.mark.parametrize("value", ["maybe", "2", "null"])
def test_a_yes_no_filter_refuses_other_words(value):
    filterset = OutletFilterSet({"state_affiliated": value}, queryset=Outlet.objects.all())
    assert not filterset.is_valid()
    assert filterset.errors["state_affiliated"] == ["Give true or false."]


def test_empty_values_mean_not_given():
    tass, novinite = OutletFactory(state_affiliated=True), OutletFactory()
    assert outlets(state_affiliated="") == {tass.pk, novinite.pk}
    assert outlets(state_affiliated="1") == {tass.pk}
    assert outlets(state_affiliated="0") == {novinite.pk}
    source = SourceFactory(outlet=tass)
    assert sources(published_after="", published_before="") == {source.pk}


def test_url_finds_the_source_under_any_spelling_of_its_address():
    article = SourceFactory(url="https://www.novinite.com/articles/231234?id=2&b=1")
    SourceFactory(url="https://novinite.com/articles/2312345")

    assert sources(url="http://novinite.com/articles/231234/?b=1&id=2&utm_source=x#top") == {
        article.pk
    }
    assert sources(url="https://novinite.com/articles/231234") == set()
    assert sources(url="https://novinite.com:notaport/") == set()
