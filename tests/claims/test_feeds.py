"""Atom feeds of claims: parsed as a feed reader would, and advertised by the pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from claims.feeds import FEED_ENTRIES
from claims.services import claim_assess
from tests.factories import ActorFactory, ClaimFactory, PlaceFactory, TopicFactory
from tests.helpers import assert_status

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response) -> ET.Element:
    assert_status(response, 200)
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    return feed


def entries(feed: ET.Element) -> list[dict]:
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "id": entry.findtext(f"{ATOM}id"),
            "updated": entry.findtext(f"{ATOM}updated"),
            "summary": entry.findtext(f"{ATOM}summary"),
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def assess(claim, status: str, rationale: str = "Checked."):
    # Dated now: after the claim was recorded, before the next assessment.
    return claim_assess(claim=claim, by=None, status=status, rationale=rationale)


def test_claim_feed_has_an_entry_per_new_claim_and_per_new_assessment_newest_first(client):
    claim = ClaimFactory(statement="Forces regained 24 settlements.")
    first = assess(claim, "in_review")
    second = assess(claim, "disputed", "Only one side reports it.")

    found = entries(parse(client.get("/claims/feed/")))

    assert [entry["link"] for entry in found] == [
        f"http://testserver/claims/{claim.pk}/#assessment-{second.pk}",
        f"http://testserver/claims/{claim.pk}/#assessment-{first.pk}",
        f"http://testserver/claims/{claim.pk}/",
    ]
    assert found[0]["title"] == "Disputed (F6): Forces regained 24 settlements."
    assert "Only one side reports it." in found[0]["summary"]
    assert (
        found[2]["title"] == f"New claim by {claim.claimant.name}: Forces regained 24 settlements."
    )
    assert len({entry["id"] for entry in found}) == 3


def test_claim_feed_takes_the_list_pages_filters(client):
    topic = TopicFactory()
    disputed = ClaimFactory(statement="In the topic, disputed.", topics=[topic])
    assess(disputed, "disputed")
    ClaimFactory(statement="In the topic, unverified.", topics=[topic])
    ClaimFactory(statement="Elsewhere, disputed.")

    feed = parse(client.get(f"/claims/feed/?status=disputed&topic={topic.pk}&cursor=abc"))

    assert {entry["link"].split("#")[0] for entry in entries(feed)} == {
        f"http://testserver/claims/{disputed.pk}/"
    }
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["alternate"] == f"http://testserver/claims/?status=disputed&topic={topic.pk}"
    assert links["self"] == f"http://testserver/claims/feed/?status=disputed&topic={topic.pk}"


def test_claim_feed_of_a_search(client):
    found = ClaimFactory(statement="Forces regained settlements near Sudzha.")
    assess(found, "disputed")
    ClaimFactory(statement="Talks in Jeddah ended.")

    feed = parse(client.get("/claims/feed/?q=Sudzha"))

    assert {entry["link"].split("#")[0] for entry in entries(feed)} == {
        f"http://testserver/claims/{found.pk}/"
    }
    assert len(entries(feed)) == 2


def test_claim_feed_with_an_invalid_filter_is_a_400(client):
    response = client.get("/claims/feed/?claimant=999999999&as_of=someday")

    assert response.status_code == 400
    text = response.content.decode()
    assert "claimant:" in text and "as_of:" in text


def test_feed_is_bounded(client):
    for _ in range(FEED_ENTRIES // 2 + 5):
        assess(ClaimFactory(), "disputed")

    found = entries(parse(client.get("/claims/feed/")))

    assert len(found) == FEED_ENTRIES
    updated = [entry["updated"] for entry in found]
    assert updated == sorted(updated, reverse=True)


def test_actor_feed_has_the_claims_they_made_and_those_about_them(client):
    actor = ActorFactory(name="Valery Gerasimov")
    made = ClaimFactory(claimant=actor)
    about = ClaimFactory(actors=[actor])
    ClaimFactory()

    feed = parse(client.get(reverse("claims:actor_feed", args=[actor.pk])))

    assert feed.findtext(f"{ATOM}title") == "Claims by or about Valery Gerasimov · claimsbase"
    assert {entry["link"] for entry in entries(feed)} == {
        f"http://testserver/claims/{made.pk}/",
        f"http://testserver/claims/{about.pk}/",
    }


def test_place_feed_includes_the_places_inside(client):
    region = PlaceFactory(name="Kursk Oblast")
    town = PlaceFactory(name="Sudzha", parent=region)
    inside = ClaimFactory(places=[town])
    ClaimFactory(places=[PlaceFactory()])

    feed = parse(client.get(reverse("claims:place_feed", args=[region.pk])))

    assert [entry["link"] for entry in entries(feed)] == [f"http://testserver/claims/{inside.pk}/"]


def test_topic_feed(client):
    topic = TopicFactory(name="Jeddah talks")
    claim = ClaimFactory(topics=[topic])
    assess(claim, "verified")
    ClaimFactory()

    found = entries(parse(client.get(reverse("claims:topic_feed", args=[topic.pk]))))

    assert [entry["link"].split("#")[0] for entry in found] == [
        f"http://testserver/claims/{claim.pk}/"
    ] * 2


def test_unknown_record_has_no_feed(client):
    assert client.get(reverse("claims:actor_feed", args=[999999999])).status_code == 404


def test_feed_escapes_article_text(client):
    claim = ClaimFactory(statement='<script>alert("x")</script> & more')
    assess(claim, "false", rationale="<img src=x onerror=alert(1)>")

    found = entries(parse(client.get("/claims/feed/")))

    # Titles are plain text; summaries are HTML whose text is escaped.
    assert found[0]["title"] == 'False (F6): <script>alert("x")</script> & more'
    for entry in found:
        assert "<script>" not in entry["summary"] and "<img" not in entry["summary"]
        assert "&lt;script&gt;" in entry["summary"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in found[0]["summary"]


def test_feeds_follow_the_read_open_switch(client, viewer_client, read_closed):
    response = client.get("/claims/feed/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    parse(viewer_client.get("/claims/feed/"))


# --- pages advertise their feeds -----------------------------------------------

ALTERNATE = re.compile(
    r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)">'
)
VISIBLE = re.compile(r'<a href="([^"]+)" type="application/atom\+xml" rel="alternate">')


def advertised(response) -> tuple[list[str], list[str]]:
    assert_status(response, 200)
    html = response.content.decode()
    head = html.split("</head>")[0]
    body = html.split("<body>")[1]
    return ALTERNATE.findall(head), VISIBLE.findall(body)


def test_claim_list_advertises_the_feed_of_its_filters(client):
    topic = TopicFactory()

    head, body = advertised(
        client.get(f"/claims/?status=disputed&topic={topic.pk}&ordering=status")
    )

    feed = f"/claims/feed/?status=disputed&amp;topic={topic.pk}"
    assert head == [feed]
    assert body == [feed]


@pytest.mark.parametrize("kind", ["actor", "place", "topic"])
def test_record_pages_advertise_their_feed(client, kind):
    record = {"actor": ActorFactory, "place": PlaceFactory, "topic": TopicFactory}[kind]()

    head, body = advertised(client.get(record.get_absolute_url()))

    feed = reverse(f"claims:{kind}_feed", args=[record.pk])
    assert head == body == [feed]
    assert_status(client.get(feed), 200)


def test_home_advertises_the_feed_of_every_claim(client):
    assert advertised(client.get("/")) == (["/claims/feed/"], ["/claims/feed/"])


def test_pages_without_a_feed_advertise_none(client):
    head, body = advertised(client.get(reverse("sources:source_list")))
    assert head == body == []
