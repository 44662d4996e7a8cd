"""Quantities of one measure over time, drawn as a small SVG line chart on the server.

Pure functions over claims already loaded by a read path (their quantities
prefetched), so a topic page plots without a query of its own and without a
charting library in the browser.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40


@dataclass(frozen=True)
class Measure:
    """What a quantity measures: its canonical unit (empty for a count) and what is counted."""

    unit: str
    counted: str

    @property
    def key(self) -> str:
        return f"{self.unit}|{self.counted}"

    @property
    def label(self) -> str:
        return f"{self.counted} ({self.unit})" if self.unit else self.counted

    @classmethod
    def of(cls, quantity) -> Measure:
        return cls(quantity.canonical_unit, quantity.counted.strip().lower())

    @classmethod
    def parse(cls, key: str) -> Measure | None:
        unit, sep, counted = (key or "").partition("|")
        return cls(unit, counted) if sep else None


@dataclass(frozen=True)
class Point:
    day: datetime.date
    value: Decimal
    claim: object
    x: float = 0.0
    y: float = 0.0


def line_up(claims) -> list[tuple[Measure, list[list]]]:
    """Each measure any of ``claims`` quantifies, with each claim's quantities of it in a
    column of its own (the compare page's rows), in a stable order."""
    rows: dict[Measure, list[list]] = {}
    for column, claim in enumerate(claims):
        for quantity in claim.quantities.all():
            rows.setdefault(Measure.of(quantity), [[] for _ in claims])[column].append(quantity)
    return sorted(rows.items(), key=lambda row: row[0].key)


def measures(claims) -> list[Measure]:
    """Measures quantified by dated claims, the most frequent first."""
    counts = Counter(
        Measure.of(quantity)
        for claim in claims
        if claim.asserted_on
        for quantity in claim.quantities.all()
    )
    return [measure for measure, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].key))]


def chart(claims, measure: Measure) -> dict:
    """Points and axes of ``measure`` over the dates the claims were asserted."""
    points = [
        Point(
            claim.asserted_on,
            quantity.canonical_value if quantity.canonical_unit else quantity.value,
            claim,
        )
        for claim in claims
        if claim.asserted_on
        for quantity in claim.quantities.all()
        if Measure.of(quantity) == measure
    ]
    points.sort(key=lambda p: (p.day, p.value))
    if not points:
        return {"points": [], "measure": measure}
    first, last = points[0].day, points[-1].day
    days = max((last - first).days, 1)
    top = max(p.value for p in points) or Decimal(1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day: datetime.date) -> float:
        if first == last:
            return LEFT + plot_w / 2
        return round(LEFT + plot_w * (day - first).days / days, 1)

    def y_of(value: Decimal) -> float:
        return round(TOP + plot_h * (1 - float(value) / float(top)), 1)

    placed = [Point(p.day, p.value, p.claim, x_of(p.day), y_of(p.value)) for p in points]
    return {
        "measure": measure,
        "points": placed,
        "polyline": " ".join(f"{p.x},{p.y}" for p in placed),
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "max_value": top,
        "first": first,
        "last": last,
        "label_y": HEIGHT - BOTTOM + 24,
    }
