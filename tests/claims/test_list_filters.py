"""The claim list's filters as a reader uses them: boxes to tick, clean addresses, the
filters in force as removable chips, and a refused filter that lists nothing."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import ActorFactory, ClaimFactory, OutletFactory, TopicFactory
from tests.helpers import assert_status

LIST = "/claims/"


def chips(page: str) -> dict[str, str]:
    """Each chip's text → its removal link, as the page shows them."""
    found = re.findall(
        r'<li class="chip[^"]*"><span>(.*?)</span>\s*<a href="([^"]*)" class="chip-remove"', page
    )
    return {text: url.replace("&amp;", "&") for text, url in found}


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


@pytest.fixture
def putin(db):
    return ActorFactory(name="Vladimir Putin")


# --- addresses ------------------------------------------------------------------------


def test_a_list_address_with_empty_parameters_redirects_to_the_one_without_them(client, db):
    response = client.get(
        LIST + "?q=&status=disputed&claimant=&status=false&actor=&ordering=&has_counter_claims="
    )

    assert response.status_code == 302
    assert response["Location"] == LIST + "?status=disputed&status=false"


def test_a_list_address_with_only_empty_parameters_redirects_to_the_bare_list(client, db):
    response = client.get(LIST + "?q=+&actor=")

    assert response.status_code == 302
    assert response["Location"] == LIST


def test_the_other_lists_drop_empty_parameters_too(client, db):
    response = client.get(reverse("claims:actor_list") + "?q=&kind=person")

    assert response.status_code == 302
    assert response["Location"] == reverse("claims:actor_list") + "?kind=person"


def test_a_clean_list_address_is_answered_without_a_redirect(client, putin):
    ClaimFactory(claimant=putin, status="disputed")

    response = client.get(LIST, {"status": ["disputed", "false"], "claimant": putin.pk})

    assert_status(response, 200)
    assert len(response.context["claims"]) == 1


def test_the_filter_form_sends_nothing_for_a_field_left_alone(client, db):
    """The sort order and the yes/no filter have an empty choice, selected by default."""
    page = client.get(LIST).content.decode()

    assert '<option value="" selected>Either</option>' in page
    assert re.search(r'<option value=""\s+selected>Newest asserted first</option>', page)
    assert page.count('<option value="-asserted_on"') == 0  # the default is the empty choice
    assert "data-drop-empty" in page and "/static/js/filters.js" in page


def test_while_searching_the_default_order_is_best_match_and_newest_can_be_chosen(client, db):
    """PostgreSQL ranks search results; the SQLite fallback keeps the list's order."""
    page = client.get(LIST, {"q": "settlements"}).content.decode()

    if connection.vendor == "postgresql":
        assert re.search(r'<option value=""\s+selected>Best match first</option>', page)
        assert '<option value="-asserted_on">Newest asserted first</option>' in page
    else:
        assert re.search(r'<option value=""\s+selected>Newest asserted first</option>', page)


# --- statuses as boxes to tick ---------------------------------------------------------


def test_statuses_are_checkboxes_and_stay_ticked_after_filtering(client, db):
    page = client.get(LIST, {"status": ["disputed", "false"]}).content.decode()

    assert '<select name="status"' not in page
    assert "<legend>Status</legend>" in page
    ticked = re.findall(r'<input type="checkbox" name="status" value="(\w+)"[^>]*checked', page)
    assert sorted(ticked) == ["disputed", "false"]
    assert page.count('type="checkbox" name="status"') == 8


def test_filter_fields_point_only_at_descriptions_the_page_has(client, db):
    for params in ({}, {"actor": "abc", "status": "bogus"}):
        page = client.get(LIST, params).content.decode()

        described = re.findall(r'aria-describedby="([^"]+)"', page)
        for ids in described:
            for target in ids.split():
                assert f'id="{target}"' in page, (params, target)
    assert described  # the refused fields point at their errors


# --- chips ----------------------------------------------------------------------------


def test_active_filters_are_chips_with_human_names(client, putin):
    topic = TopicFactory(name="Kursk incursion")

    page = client.get(
        LIST,
        {
            "actor": putin.pk,
            "topic": topic.pk,
            "status": ["disputed", "false"],
            "q": "settlements",
            "has_counter_claims": "true",
            "asserted_after": "2025-03-01",
        },
    ).content.decode()

    assert list(chips(page)) == [
        "Search: settlements",
        "Status: Disputed",
        "Status: False",
        "Actor involved: Vladimir Putin",
        "Topic: Kursk incursion",
        "Asserted on or after: 1 March 2025",
        "Has counter-claims: yes",
    ]


def test_removing_a_chip_drops_only_that_filter(client, putin):
    page = client.get(
        LIST,
        {"status": ["disputed", "false"], "actor": putin.pk, "ordering": "status", "cursor": "x"},
    ).content.decode()
    links = chips(page)

    assert query(links["Status: Disputed"]) == {
        "status": ["false"],
        "actor": [str(putin.pk)],
        "ordering": ["status"],
    }
    assert query(links["Actor involved: Vladimir Putin"]) == {
        "status": ["disputed", "false"],
        "ordering": ["status"],
    }


def test_removing_the_last_chip_leads_to_the_bare_list(client, putin):
    links = chips(client.get(LIST, {"actor": putin.pk}).content.decode())

    assert links == {"Actor involved: Vladimir Putin": LIST}


def test_no_chips_without_filters(client, db):
    assert 'class="filter-chips"' not in client.get(LIST).content.decode()


def test_chips_cost_no_query_per_filter_beyond_checking_the_record(
    client, putin, django_assert_max_num_queries
):
    for _ in range(5):
        ClaimFactory(claimant=putin)
    # actor checked, claimant checked; rows, quantities, latest assessments, count;
    # both pickers show their record's name; the map
    with django_assert_max_num_queries(9):
        response = client.get(LIST, {"actor": putin.pk, "claimant": putin.pk})

    assert "Claimant: Vladimir Putin" in chips(response.content.decode())


# --- refused filters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"actor": "abc"}, "Select a valid choice."),
        ({"status": ["disputed", "rumoured"]}, "rumoured is not one of the available choices"),
        ({"has_counter_claims": "perhaps"}, "Give true or false."),
    ],
    ids=["actor", "status", "has_counter_claims"],
)
def test_a_refused_filter_lists_nothing_and_shows_the_error_with_a_400(client, db, params, message):
    ClaimFactory(status="disputed")

    response = client.get(LIST, params)

    assert response.status_code == 400
    assert list(response.context["claims"]) == []
    page = response.content.decode()
    assert message in page
    assert "nothing is listed until they are corrected or removed" in page
    assert "No claims match these filters." in page


def test_a_refused_filter_is_a_chip_that_can_be_removed(client, putin):
    ClaimFactory(claimant=putin, status="disputed")

    page = client.get(LIST, {"actor": "abc", "claimant": putin.pk}).content.decode()
    links = chips(page)

    assert '<li class="chip chip-invalid"><span>Actor involved: abc</span>' in page
    fixed = client.get(links["Actor involved: abc"])
    assert_status(fixed, 200)
    assert len(fixed.context["claims"]) == 1


def test_an_unknown_status_is_its_own_chip_and_removing_it_keeps_the_others(client, db):
    ClaimFactory(status="disputed")

    response = client.get(LIST, {"status": ["disputed", "rumoured"]})
    links = chips(response.content.decode())

    assert '<li class="chip chip-invalid"><span>Status: rumoured</span>' in (
        response.content.decode()
    )
    assert query(links["Status: rumoured"]) == {"status": ["disputed"]}
    assert len(client.get(links["Status: rumoured"]).context["claims"]) == 1


def test_the_list_links_its_csv_export_with_the_same_filters(client, putin):
    ClaimFactory(claimant=putin, status="disputed")

    page = client.get(
        LIST, {"claimant": putin.pk, "status": "disputed", "ordering": "status"}
    ).content.decode()

    export = re.search(r'href="(/api/v1/claims/csv/\?[^"]*)"', page).group(1).replace("&amp;", "&")
    assert query(export) == {"claimant": [str(putin.pk)], "status": ["disputed"]}
    assert_status(client.get(export), 200)


def test_the_outlet_list_shows_its_filters_as_chips_too(client, db):
    tass = OutletFactory(name="TASS", kind="news_agency", state_affiliated=True)
    OutletFactory(name="Kyiv Courier", kind="news_site")

    response = client.get(
        reverse("sources:outlet_list"), {"kind": "news_agency", "state_affiliated": "true"}
    )

    assert [outlet.pk for outlet in response.context["outlets"]] == [tass.pk]
    assert list(chips(response.content.decode())) == [
        "Kind: News agency",
        "State affiliated: yes",
    ]
