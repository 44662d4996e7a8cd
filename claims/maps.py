"""The map of claims by place, shaped for the place, topic and claim list pages.

``ClaimQuerySet.counts_by_place`` reads the counts in one GROUP BY; this module
turns its rows into points (a place, its claims by status, the status that
prevails, links to the place and to the claim list filtered by it) and says
which tile layer the browser draws them on. ``static/js/map.js`` draws them
with Leaflet; without JavaScript the page shows the same points as a table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from claims.models import VerificationStatus
from claimsbase.as_of import with_as_of
from claimsbase.paging import COUNT_CAP

# The claims a map is drawn from: the latest asserted, as many as a list counts
# exactly, so the list's own "more than 1,000" says when the map left some out.
MAP_CLAIMS = COUNT_CAP
# The places drawn, most claims first: enough for any front line, and the
# page stays small when the claims mention thousands of places.
MAP_PLACES = 500
# Rows of the table shown beside the map (and instead of it, without JavaScript).
TABLE_PLACES = 20


@dataclass
class MapPoint:
    """One place on the map with how many of the claims are about it, by status."""

    place_id: int
    name: str
    latitude: float
    longitude: float
    counts: dict[str, int] = field(default_factory=dict)
    list_url: str = ""
    place_url: str = ""

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    @property
    def status(self) -> VerificationStatus:
        """The status most of its claims hold; a tie goes to the one named first in the
        vocabulary (unverified before verified before disputed…)."""
        order = list(VerificationStatus.values)
        best = max(self.counts.items(), key=lambda item: (item[1], -order.index(item[0])))
        return VerificationStatus(best[0])

    @property
    def statuses(self) -> list[tuple[VerificationStatus, int]]:
        """Each status held, with its count, in the vocabulary's order."""
        return [
            (status, self.counts[status]) for status in VerificationStatus if status in self.counts
        ]

    def data(self) -> dict:
        """What the browser draws (``static/js/map.js``)."""
        return {
            "name": self.name,
            "lat": self.latitude,
            "lon": self.longitude,
            "count": self.count,
            "status": self.status.value,
            "status_label": self.status.label,
            "status_class": self.status.badge_class,
            "statuses": [
                {"label": status.label, "count": count} for status, count in self.statuses
            ],
            "place_url": self.place_url,
            "list_url": self.list_url,
        }


@dataclass
class ClaimMap:
    """The points of a map, most claims first, and whether claims or places were left out."""

    points: list[MapPoint]
    claims_capped: bool
    places_capped: bool
    claims_limit: int = MAP_CLAIMS
    places_limit: int = MAP_PLACES

    @property
    def table(self) -> list[MapPoint]:
        return self.points[:TABLE_PLACES]

    @property
    def statuses(self) -> list[VerificationStatus]:
        """The prevailing statuses drawn, in the vocabulary's order (the legend)."""
        shown = {point.status for point in self.points}
        return [status for status in VerificationStatus if status in shown]

    def data(self) -> dict:
        return {"points": [point.data() for point in self.points], "tiles": tile_layer()}


def claim_map(
    claims, *, capped: bool, list_params: dict | None = None, within=None, as_of=None
) -> ClaimMap:
    """The map of ``claims`` (a ``ClaimQuerySet``, filtered as the page's list is).

    ``capped`` says whether more than ``MAP_CLAIMS`` claims match (the page's
    bounded count knows it). Each point links to the claim list filtered by
    its place and by ``list_params``, the page's other filters (a topic), and
    to its place page; in the as-of view (``as_of``) both links keep the day.
    """
    points: dict[int, MapPoint] = {}
    for row in claims.counts_by_place(MAP_CLAIMS, within=within):
        point = points.get(row["place_id"])
        if point is None:
            point = points[row["place_id"]] = MapPoint(
                place_id=row["place_id"],
                name=row["name"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
            )
        point.counts[row["status"]] = point.counts.get(row["status"], 0) + row["count"]
    ordered = sorted(points.values(), key=lambda point: (-point.count, point.name))
    base = {key: value for key, value in (list_params or {}).items() if key != "place"}
    for point in ordered[:MAP_PLACES]:
        query = urlencode({**base, "place": point.place_id}, doseq=True)
        point.list_url = with_as_of(f"{reverse('claims:claim_list')}?{query}", as_of)
        point.place_url = with_as_of(reverse("claims:place_detail", args=[point.place_id]), as_of)
    return ClaimMap(
        points=ordered[:MAP_PLACES],
        claims_capped=capped,
        places_capped=len(ordered) > MAP_PLACES,
    )


def one_claim_map(claim, *, as_of=None) -> ClaimMap:
    """The map of one claim (the claim page): its places with coordinates, each in the
    status the claim is shown with. Built from the places the page already prefetched,
    so it costs no query."""
    located = [place for place in claim.places.all() if place.latitude is not None]
    points = [
        MapPoint(
            place_id=place.pk,
            name=place.name,
            latitude=float(place.latitude),
            longitude=float(place.longitude),
            counts={claim.shown_status: 1},
            list_url=with_as_of(reverse("claims:claim_list"), as_of, place=place.pk),
            place_url=with_as_of(place.get_absolute_url(), as_of),
        )
        for place in sorted(located, key=lambda place: place.name)
    ]
    return ClaimMap(points=points, claims_capped=False, places_capped=False)


def list_params(query) -> dict[str, list[str]]:
    """The claim list's filters in ``query`` (a ``QueryDict``) that a point's link keeps:
    every non-empty one, but not the page it was on."""
    return {
        key: [value for value in values if value]
        for key, values in query.lists()
        if key not in ("cursor", "place") and any(values)
    }


def tile_layer() -> dict | None:
    """The tiles under the points (``MAP_TILE_URL``), or None for the bundled borders."""
    if not settings.MAP_TILE_URL:
        return None
    return {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}
