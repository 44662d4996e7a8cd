"""Bringing an article in: pasted text, a saved page or a URL; outlets found; duplicates opened."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sources import services
from sources.models import Outlet, Source
from sources.services import document_read, source_ingest_document
from tests.factories import OutletFactory, SourceFactory
from tests.helpers import assert_status, refused

pytestmark = pytest.mark.django_db

PAGE = (Path(__file__).parent / "pages" / "kupiansk.html").read_text()
URL = "https://www.example-wire.com/world/europe/kupiansk-2025-11-20/"
TEXT = (
    "Russia's top general tells Putin Kupiansk is taken\n"
    "Valery Gerasimov told President Vladimir Putin on Thursday that Russian forces had "
    "taken the town of Kupiansk. Ukraine's military denied the claim."
)


# --- reading a saved page ------------------------------------------------------


def test_document_read_keeps_the_article_and_drops_menus_and_footers():
    read = document_read(PAGE, url=URL)

    assert read["title"] == "Russia's top general tells Putin Kupiansk is taken; Ukraine denies it"
    assert read["author"] == "Anna Petrova"
    assert read["language"] == "en-gb"
    assert read["published"] == "2025-11-20"
    assert read["body"].startswith("MOSCOW, Nov 20 (Example Wire) - Russia's top general")
    assert "more than 80% of Vovchansk" in read["body"]
    for chrome in ("Markets", "Most read", "All rights reserved"):
        assert chrome not in read["body"]


# --- the service -----------------------------------------------------------------


def test_a_saved_page_becomes_a_source_of_a_new_outlet_found_from_the_url():
    source, created = source_ingest_document(html=PAGE, url=URL)

    assert created
    assert (source.title, source.author, source.language) == (
        "Russia's top general tells Putin Kupiansk is taken; Ukraine denies it",
        "Anna Petrova",
        "en-gb",
    )
    assert source.published_at.date() == datetime.date(2025, 11, 20)
    assert (source.outlet.name, source.outlet.domain) == ("Example Wire", "example-wire.com")
    assert source.retrieved_at is not None
    assert Source.history.filter(id=source.pk).exists()


def test_the_outlet_is_matched_by_domain_with_or_without_www():
    wire = OutletFactory(name="The Wire", domain="www.example-wire.com")

    source, _ = source_ingest_document(text=TEXT, url=URL)

    assert source.outlet == wire
    assert Outlet.objects.count() == 1


def test_pasted_text_with_a_day_and_no_time_is_accepted():
    outlet = OutletFactory()
    source, created = source_ingest_document(
        text=TEXT, outlet=outlet, published_at=datetime.date(2025, 11, 20)
    )

    assert created
    assert source.title == "Russia's top general tells Putin Kupiansk is taken"  # its first line
    assert source.published_at == datetime.datetime(2025, 11, 20, tzinfo=datetime.UTC)


def test_what_the_editor_typed_wins_over_what_the_page_says():
    source, _ = source_ingest_document(html=PAGE, url=URL, title="Kupiansk: claim and denial")
    assert source.title == "Kupiansk: claim and denial"
    assert source.author == "Anna Petrova"


@pytest.mark.parametrize("again", [{"url": URL}, {"text": TEXT}], ids=["same URL", "same text"])
def test_an_article_already_recorded_is_returned_instead_of_an_error(again):
    first, _ = source_ingest_document(text=TEXT, url=URL)
    outlet = OutletFactory()

    second, created = source_ingest_document(
        **{"text": "Other words entirely.", "outlet": outlet, **again}
    )

    assert (second, created) == (first, False)
    assert Source.objects.count() == 1


def test_text_without_an_outlet_or_a_url_is_refused():
    with refused(Source, "Choose the outlet, or give the article's URL so that it can be found."):
        source_ingest_document(text=TEXT)


def test_nothing_to_read_is_refused():
    with refused(Source, "Paste the article's text, upload its saved page, or give its URL."):
        source_ingest_document(text="  ", outlet=OutletFactory())


def test_a_url_alone_is_not_fetched_unless_the_server_may(settings):
    settings.INGEST_FETCH_URLS = False
    with refused(
        Source, "This server does not fetch pages; paste the text or upload the saved page."
    ):
        source_ingest_document(url=URL)


class _Response(io.BytesIO):
    headers = type("Headers", (), {"get_content_charset": staticmethod(lambda: "utf-8")})()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_a_url_alone_is_fetched_and_read_where_the_server_may(settings, monkeypatch):
    settings.INGEST_FETCH_URLS = True
    fetched = []

    def urlopen(request, timeout):
        fetched.append(request.full_url)
        return _Response(PAGE.encode())

    monkeypatch.setattr(services.urllib.request, "urlopen", urlopen)
    source, created = source_ingest_document(url=URL)

    assert fetched == [URL] and created
    assert "more than 80% of Vovchansk" in source.body


def test_a_page_larger_than_allowed_is_refused(settings, monkeypatch):
    settings.INGEST_FETCH_URLS, settings.INGEST_MAX_BYTES = True, 100
    monkeypatch.setattr(
        services.urllib.request, "urlopen", lambda request, timeout: _Response(PAGE.encode())
    )
    with refused(Source, "The page is larger than this server accepts."):
        source_ingest_document(url=URL)


# --- the page ----------------------------------------------------------------------


def test_editor_uploads_a_saved_page_and_lands_on_its_source(editor_client):
    upload = SimpleUploadedFile("kupiansk.html", PAGE.encode(), content_type="text/html")
    response = editor_client.post(
        reverse("sources:source_ingest"), {"url": URL, "html_file": upload, "kind": "article"}
    )

    source = Source.objects.get()
    assert_status(response, 302)
    assert response["Location"] == source.get_absolute_url()
    page = editor_client.get(response["Location"]).content.decode()
    assert "Source recorded." in page and "Vovchansk" in page


def test_editor_pastes_text_with_a_day_only(editor_client):
    outlet = OutletFactory()
    response = editor_client.post(
        reverse("sources:source_ingest"),
        {"text": TEXT, "outlet": outlet.pk, "published_at": "2025-11-20", "kind": "article"},
    )

    assert_status(response, 302)
    assert Source.objects.get().published_at.date() == datetime.date(2025, 11, 20)


def test_pasting_an_article_already_recorded_opens_it(editor_client):
    existing = SourceFactory(body=TEXT)
    response = editor_client.post(
        reverse("sources:source_ingest"),
        {"text": TEXT, "outlet": OutletFactory().pk, "kind": "article"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == existing.get_absolute_url()
    assert "This article is already recorded: here it is." in response.content.decode()
    assert Source.objects.count() == 1


def test_an_empty_form_says_what_is_needed(editor_client):
    response = editor_client.post(reverse("sources:source_ingest"), {"kind": "article"})

    assert_status(response, 200)
    assert response.context["form"].non_field_errors() == [
        "Paste the article's text, upload its saved page, or give its URL."
    ]
    assert not Source.objects.exists()


@pytest.mark.parametrize("who", ["client", "viewer_client", "analyst_client"])
def test_ingest_is_refused_to_anyone_but_editors(request, who):
    response = request.getfixturevalue(who).post(
        reverse("sources:source_ingest"), {"text": TEXT, "outlet": OutletFactory().pk}
    )
    assert response.status_code in (302, 403)
    assert not Source.objects.exists()


def test_ingest_page_is_linked_from_the_source_list_for_editors(
    client, editor_client, django_assert_max_num_queries
):
    url = reverse("sources:source_ingest")
    assert url not in client.get(reverse("sources:source_list")).content.decode()
    assert url in editor_client.get(reverse("sources:source_list")).content.decode()
    with django_assert_max_num_queries(6):  # session, user, groups/permissions, messages
        assert_status(editor_client.get(url), 200)
