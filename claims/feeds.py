"""Atom feeds of claims, so analysts follow changes in a feed reader.

A feed covers a filtered claim list (the list page's FilterSet and parameters:
``/claims/feed/?status=disputed&topic=3``) or the claims of an actor, a place
(and the places inside it) or a topic. Each entry is a claim newly recorded or a
new assessment of one, newest first, the latest ``FEED_ENTRIES``; a feed costs
the same few queries however many claims match.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.text import Truncator

from claims.filters import ClaimFilterSet
from claims.models import Actor, Claim, Place, Topic
from claims.querysets import feed_entries
from claimsbase.permissions import can_read

FEED_ENTRIES = 50
# Parameters of the list page that choose a page or an order, not which claims.
# A feed follows what changes from now on, so a link from a past day's page leads to today's.
NOT_FILTERS = ("cursor", "ordering", "as_of")


@dataclass
class FeedScope:
    """What a feed covers: its title, the page it follows, its own URL and its claims."""

    title: str
    page_url: str
    feed_url: str
    claims: QuerySet


class InvalidFilters(Exception):
    def __init__(self, errors):
        super().__init__("Invalid filters")
        self.errors = errors


def list_feed_url(request) -> str:
    """The feed of the claim list as ``request`` filters it (paging and order left out)."""
    query = request.GET.copy()
    for name in NOT_FILTERS:
        query.pop(name, None)
    url = reverse("claims:claim_feed")
    return f"{url}?{query.urlencode()}" if query else url


class ClaimFeed(Feed):
    """The entries of a ``FeedScope``; subclasses say what the scope is (``get_object``)."""

    feed_type = Atom1Feed
    subtitle = f"New claims and new assessments, newest first (the latest {FEED_ENTRIES})."

    def __call__(self, request, *args, **kwargs):
        # Reading follows the read-open switch, as on the pages.
        if not can_read(request.user):
            return redirect_to_login(request.get_full_path())
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidFilters as invalid:
            lines = [f"{name}: {' '.join(errors)}" for name, errors in invalid.errors.items()]
            return HttpResponseBadRequest(
                "\n".join(["Invalid filters.", *lines]), content_type="text/plain; charset=utf-8"
            )

    def title(self, scope: FeedScope) -> str:
        return f"{scope.title} · claimsbase"

    def link(self, scope: FeedScope) -> str:
        return scope.page_url

    def feed_url(self, scope: FeedScope) -> str:
        return scope.feed_url

    def items(self, scope: FeedScope) -> list:
        return feed_entries(scope.claims, FEED_ENTRIES)

    def item_title(self, entry) -> str:
        _, claim, assessment = entry
        statement = Truncator(claim.statement).chars(120)
        if assessment is None:
            return f"New claim by {claim.claimant.name}: {statement}"
        return f"{assessment.get_status_display()} ({assessment.grade}): {statement}"

    def item_description(self, entry) -> str:
        # Atom carries this as HTML: every piece of text is escaped by format_html.
        _, claim, assessment = entry
        if assessment is None:
            return format_html(
                "<p>{}</p><p>Claimed by {}{}.</p>",
                claim.statement,
                claim.claimant.name,
                format_html(" on {}", claim.asserted_on.isoformat()) if claim.asserted_on else "",
            )
        return format_html(
            "<p>{}</p><p>Assessed <strong>{}</strong> ({}): {}</p>",
            claim.statement,
            assessment.get_status_display(),
            assessment.grade,
            assessment.rationale,
        )

    def item_link(self, entry) -> str:
        _, claim, assessment = entry
        url = claim.get_absolute_url()
        return url if assessment is None else f"{url}#assessment-{assessment.pk}"

    def item_pubdate(self, entry):
        return entry[0]

    def item_updateddate(self, entry):
        return entry[0]


class ClaimListFeed(ClaimFeed):
    def get_object(self, request) -> FeedScope:
        filterset = ClaimFilterSet(
            request.GET or None, queryset=Claim.objects.active(), request=request
        )
        if filterset.is_bound and not filterset.is_valid():
            raise InvalidFilters(filterset.errors)
        feed_url = list_feed_url(request)
        query = feed_url.partition("?")[2]
        page_url = reverse("claims:claim_list") + (f"?{query}" if query else "")
        return FeedScope(
            title="Claims matching filters" if query else "Claims",
            page_url=page_url,
            feed_url=feed_url,
            claims=filterset.qs,
        )


class ActorFeed(ClaimFeed):
    def get_object(self, request, pk: int) -> FeedScope:
        actor = get_object_or_404(Actor.objects.only("id", "name"), pk=pk)
        return FeedScope(
            title=f"Claims by or about {actor.name}",
            page_url=actor.get_absolute_url(),
            feed_url=reverse("claims:actor_feed", args=[actor.pk]),
            claims=Claim.objects.involving_actor(actor),
        )


class PlaceFeed(ClaimFeed):
    def get_object(self, request, pk: int) -> FeedScope:
        place = get_object_or_404(Place.objects.only("id", "name", "ancestor_path"), pk=pk)
        return FeedScope(
            title=f"Claims about {place.name}",
            page_url=place.get_absolute_url(),
            feed_url=reverse("claims:place_feed", args=[place.pk]),
            claims=Claim.objects.about_place(place),
        )


class TopicFeed(ClaimFeed):
    def get_object(self, request, pk: int) -> FeedScope:
        topic = get_object_or_404(Topic.objects.only("id", "name"), pk=pk)
        return FeedScope(
            title=f"Claims in {topic.name}",
            page_url=topic.get_absolute_url(),
            feed_url=reverse("claims:topic_feed", args=[topic.pk]),
            claims=Claim.objects.in_topic(topic),
        )


claim_feed = ClaimListFeed()
actor_feed = ActorFeed()
place_feed = PlaceFeed()
topic_feed = TopicFeed()
