"""The admin for outlets, sources and excerpts: every page opens for an editor, and saves
go through ``sources.services`` (URL normalised, duplicates refused, excerpts re-anchored)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.forms import MultiWidget
from django.urls import reverse

from sources.models import Excerpt, Outlet, Source
from tests.factories import ExcerptFactory, OutletFactory, SourceFactory

FACTORIES = {Outlet: OutletFactory, Source: SourceFactory, Excerpt: ExcerptFactory}
SOURCES_MODELS = [
    pytest.param(model, id=model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label == "sources"
]

BODY = (
    "Forces regained control of 24 settlements, the general said. "
    "The commander denied it and said fighting continued around the town."
)


def admin_url(model_or_obj, view: str, *args) -> str:
    opts = model_or_obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def admin_form_data(response) -> dict:
    """The POST data of an admin add or change page as rendered, for a test to edit.

    Covers the object's form and every inline formset (management form
    included), so a test changes only the values its behaviour is about.
    """
    data: dict = {}

    def add(form) -> None:
        for name, field in form.fields.items():
            key, value = form.add_prefix(name), form[name].value()
            if isinstance(field.widget, MultiWidget) or isinstance(
                getattr(field.widget, "widget", None), MultiWidget
            ):
                widget = getattr(field.widget, "widget", field.widget)
                for index, part in enumerate(widget.decompress(value)):
                    data[f"{key}_{index}"] = "" if part is None else part
            elif value is None or value is False:
                continue
            elif value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            else:
                data[key] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def inline_row(data: dict, prefix: str, **values) -> dict:
    """Fill in the next extra row of the inline ``prefix`` (adding one if needed)."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    initial = int(data[f"{prefix}-INITIAL_FORMS"])
    index = initial
    while index < total and any(data.get(f"{prefix}-{index}-{name}") for name in values):
        index += 1
    if index >= total:
        data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = value
    return data


def admin_status(response, expected: int) -> None:
    """Assert the status; on a mismatch show the admin form's and inline rows' errors."""
    if response.status_code == expected:
        return
    context = response.context or {}
    detail = response.content[:1000].decode(errors="replace")
    if "adminform" in context:
        detail = [dict(context["adminform"].form.errors)] + [
            inline.formset.errors for inline in context["inline_admin_formsets"]
        ]
    raise AssertionError(f"expected HTTP {expected}, got {response.status_code}: {detail}")


def form_errors(response) -> list[str]:
    """Every error shown on the page: the object's form and its inline rows."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += inline.formset.forms
    return [message for form in forms for messages in form.errors.values() for message in messages]


# --- every page opens for an editor ----------------------------------------


@pytest.mark.parametrize("model", SOURCES_MODELS)
def test_every_sources_admin_page_opens_for_an_editor(editor_client, model):
    obj = FACTORIES[model]()

    admin_status(editor_client.get(admin_url(model, "changelist")), 200)
    admin_status(editor_client.get(admin_url(model, "changelist"), {"q": "a"}), 200)
    admin_status(editor_client.get(admin_url(model, "add")), 200)
    response = editor_client.get(admin_url(model, "change", obj.pk))
    admin_status(response, 200)
    assert str(obj) in response.content.decode()
    admin_status(editor_client.get(admin_url(model, "history", obj.pk)), 200)


def test_source_changelist_queries_do_not_grow_with_rows(
    editor_client, django_assert_max_num_queries
):
    SourceFactory()
    # Expected queries, 13 whatever the number of rows: session, user, the admin role check
    # (twice: the site's door and the page's context), the user's and its groups' permissions
    # (2), the outlet filter's choices, filtered and total counts (2), the sources with outlet
    # and excerpt count, the date hierarchy's range and days (2), the language filter's choices.
    with django_assert_max_num_queries(13):
        admin_status(editor_client.get(admin_url(Source, "changelist")), 200)
    for _ in range(20):
        ExcerptFactory(source=SourceFactory())
    with django_assert_max_num_queries(13):
        admin_status(editor_client.get(admin_url(Source, "changelist")), 200)


# --- entering an article -----------------------------------------------------


def _add_source(client, **fields):
    response = client.get(admin_url(Source, "add"))
    data = admin_form_data(response)
    data.update(fields)
    return client.post(admin_url(Source, "add"), data)


def test_adding_a_source_goes_through_ingest_and_normalises_the_url(editor_client, editor):
    outlet = OutletFactory(name="novinite.com")

    response = _add_source(
        editor_client,
        outlet=outlet.pk,
        title="Gerasimov reports gains",
        url="HTTP://WWW.Novinite.com/articles/231?utm_source=feed",
        body=BODY,
    )

    admin_status(response, 302)
    source = Source.objects.get(title="Gerasimov reports gains")
    assert source.normalized_url == "https://novinite.com/articles/231"
    assert source.content_hash
    record = source.history.latest()
    assert record.history_change_reason == "Ingested"
    assert record.history_user == editor


def test_a_publication_day_without_a_time_is_accepted(editor_client):
    response = _add_source(
        editor_client,
        outlet=OutletFactory().pk,
        title="Gerasimov reports gains",
        body=BODY,
        published_at_0="2025-03-13",
        published_at_1="",
    )

    admin_status(response, 302)
    published = Source.objects.get().published_at
    assert (published.date().isoformat(), published.hour, published.minute) == ("2025-03-13", 0, 0)


def test_a_duplicate_url_is_a_form_error_and_writes_nothing(editor_client):
    existing = SourceFactory(url="https://novinite.com/articles/231")

    response = _add_source(
        editor_client,
        outlet=existing.outlet.pk,
        title="The same article again",
        url="http://www.novinite.com/articles/231/?utm_campaign=x",
        body="Other words entirely.",
    )

    admin_status(response, 200)
    assert "A source with this URL is already recorded." in form_errors(response)
    assert Source.objects.count() == 1


def test_a_duplicate_body_is_a_form_error_and_writes_nothing(editor_client):
    existing = SourceFactory(body=BODY)

    response = _add_source(
        editor_client,
        outlet=existing.outlet.pk,
        title="A re-wrapped copy",
        url="https://elsewhere.example/copy",
        body=BODY.replace(" ", "\n  "),
    )

    admin_status(response, 200)
    assert "A source with the same text is already recorded." in form_errors(response)
    assert Source.objects.count() == 1


def test_correcting_the_body_reanchors_excerpts(editor_client):
    source = SourceFactory(body=BODY)
    quote = "fighting continued around the town"
    excerpt = ExcerptFactory(source=source, start=BODY.index(quote), exact=quote)
    url = admin_url(Source, "change", source.pk)
    data = admin_form_data(editor_client.get(url))
    data["body"] = "Correction appended at the top. " + BODY

    admin_status(editor_client.post(url, data), 302)

    excerpt.refresh_from_db()
    source.refresh_from_db()
    assert excerpt.anchor == Excerpt.Anchor.ANCHORED
    assert excerpt.start == source.body.index(quote)
    assert source.body[excerpt.start : excerpt.end] == quote
    assert source.history.latest().history_change_reason == "Body corrected"


def test_a_body_correction_that_removes_the_quote_marks_the_excerpt_lost(editor_client):
    source = SourceFactory(body=BODY)
    excerpt = ExcerptFactory(source=source, start=0, exact="Forces regained control")
    url = admin_url(Source, "change", source.pk)
    data = admin_form_data(editor_client.get(url))
    data["body"] = BODY.replace("Forces regained control", "Troops retook")

    admin_status(editor_client.post(url, data), 302)

    excerpt.refresh_from_db()
    assert excerpt.anchor == Excerpt.Anchor.LOST


def test_an_excerpt_added_inline_is_anchored_by_its_words(editor_client):
    source = SourceFactory(body=BODY)
    url = admin_url(Source, "change", source.pk)
    data = inline_row(admin_form_data(editor_client.get(url)), "excerpts", exact="the general said")

    admin_status(editor_client.post(url, data), 302)

    excerpt = source.excerpts.get()
    assert (excerpt.start, excerpt.end) == (BODY.index("the general said"), BODY.index(". The"))
    assert excerpt.suffix.startswith(". The commander")


def test_an_excerpt_whose_words_are_not_in_the_body_is_a_row_error(editor_client):
    source = SourceFactory(body=BODY)
    url = admin_url(Source, "change", source.pk)
    data = inline_row(admin_form_data(editor_client.get(url)), "excerpts", exact="words never said")

    response = editor_client.post(url, data)

    admin_status(response, 200)
    assert "This text does not occur in the source's body." in form_errors(response)
    assert not source.excerpts.exists()


def test_an_ambiguous_excerpt_asks_for_its_start(editor_client):
    source = SourceFactory(body=BODY)
    url = admin_url(Source, "change", source.pk)
    data = inline_row(admin_form_data(editor_client.get(url)), "excerpts", exact="the")

    response = editor_client.post(url, data)

    admin_status(response, 200)
    assert any("give its start offset" in error for error in form_errors(response))
    data["excerpts-0-start"] = str(BODY.index("the general"))
    admin_status(editor_client.post(url, data), 302)
    assert source.excerpts.get().start == BODY.index("the general")


def test_a_recorded_excerpt_cannot_be_moved_by_hand(editor_client):
    excerpt = ExcerptFactory()
    url = admin_url(Excerpt, "change", excerpt.pk)

    response = editor_client.post(
        url, {"source": excerpt.source.pk, "exact": "x", "start": 3, "expected_version": 1}
    )

    admin_status(response, 302)
    moved = Excerpt.objects.get(pk=excerpt.pk)
    assert (moved.start, moved.exact, moved.version) == (excerpt.start, excerpt.exact, 1)


def test_the_excerpt_add_page_anchors_through_the_service(editor_client):
    source = SourceFactory(body=BODY)

    refused = editor_client.post(
        admin_url(Excerpt, "add"), {"source": source.pk, "exact": "not in the text"}
    )
    admin_status(refused, 200)
    assert "This text does not occur in the source's body." in form_errors(refused)
    assert not Excerpt.objects.exists()

    added = editor_client.post(
        admin_url(Excerpt, "add"), {"source": source.pk, "exact": "24 settlements"}
    )
    admin_status(added, 302)
    assert Excerpt.objects.get().start == BODY.index("24 settlements")


def test_saving_a_source_over_a_newer_edit_is_refused(editor_client):
    source = SourceFactory(title="First title")
    url = admin_url(Source, "change", source.pk)
    data = admin_form_data(editor_client.get(url))
    admin_status(editor_client.post(url, {**data, "title": "Second title"}), 302)

    response = editor_client.post(url, {**data, "title": "Stale title"})

    admin_status(response, 200)
    assert "This record was changed since you read it; reload it and retry." in form_errors(
        response
    )
    assert Source.objects.get(pk=source.pk).title == "Second title"


def test_source_history_page_shows_who_changed_what_and_why(editor_client):
    source = SourceFactory(title="Old title")
    url = admin_url(Source, "change", source.pk)
    data = admin_form_data(editor_client.get(url))
    data["title"] = "New title"
    admin_status(editor_client.post(url, data), 302)

    response = editor_client.get(admin_url(Source, "history", source.pk))

    content = response.content.decode()
    assert "ed-editor" in content
    assert "Old title" in content and "New title" in content


# --- who may do what -----------------------------------------------------------


def test_an_analyst_cannot_add_or_change_a_source(analyst_client):
    source = SourceFactory()

    admin_status(analyst_client.get(admin_url(Source, "add")), 403)
    admin_status(analyst_client.get(admin_url(Source, "changelist")), 200)
    data = {"outlet": source.outlet.pk, "title": "Changed", "kind": "article", "language": "en"}
    admin_status(analyst_client.post(admin_url(Source, "change", source.pk), data), 403)
    assert Source.objects.get(pk=source.pk).title == source.title


@pytest.mark.parametrize("client_fixture", ["viewer_client", "client"])
def test_viewers_and_anonymous_users_are_sent_to_sign_in(db, request, client_fixture):
    client = request.getfixturevalue(client_fixture)
    source = SourceFactory()

    for url in (admin_url(Source, "changelist"), admin_url(Source, "change", source.pk)):
        response = client.get(url)
        admin_status(response, 302)
        assert response["Location"].startswith(reverse("admin:login"))


def test_history_versions_cannot_be_posted_back(editor_client):
    """Reverting from a past version would skip the services; the page is read-only."""
    source = SourceFactory(title="First")
    record = source.history.earliest()
    url = reverse("admin:sources_source_simple_history", args=[source.pk, record.history_id])

    admin_status(editor_client.get(url), 200)
    admin_status(editor_client.post(url, {"title": "Reverted"}), 403)
