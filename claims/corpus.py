"""A synthetic corpus of conflict reporting, the same for the same seed.

``Corpus(claims=N, seed=S)`` describes a knowledge base of N claims in the
proportions the design is sized for: one source of 2–4 KB of prose per 20
claims, about 50 outlets, up to 5,000 actors and 10,000 places (fewer for a
small N). It yields plain row tuples, table by table, in the column order of
``FIELDS``, and never touches the database: ``manage.py generate_corpus``
writes them (COPY on PostgreSQL). All randomness comes from one
``random.Random(seed)``, so two runs give the same rows and ids.

What the pages and services rely on holds by construction, because the
generator writes below the services:
- every excerpt is the text at its offsets in its source's body (each claim
  is reported by a sentence the body is built from), with the same prefix
  and suffix ``Excerpt.clean()`` would store;
- a claim's status is its latest assessment's;
- a place's ``ancestor_path`` lists its parents' ids, as ``Place.save`` would;
- canonical quantities are what ``claims.units`` makes of value and unit;
- relations never point at their own claim and a pair is related once.

Timestamps of recording (``created_at``, ``updated_at``) and ``version`` are
left to the writer, so the rows depend on the seed alone. No history rows
are generated: see ``generate_corpus``.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.db import models

from claims import units
from claims.models import (
    Actor,
    ActorAlias,
    Appearance,
    Assessment,
    AttributionStep,
    Claim,
    ClaimRelation,
    Place,
    PlaceAlias,
    Quantity,
    Topic,
)
from sources.models import Excerpt, Outlet, Source, content_hash, normalize_url

Rows = dict[type[models.Model], list[tuple]]

# Columns of each table the corpus fills, parents before children. The
# recording timestamps and version of tracked models are added by the writer.
FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Outlet: ("id", "name", "domain", "kind", "country", "state_affiliated", "reliability", "notes"),
    Actor: ("id", "name", "kind", "affiliation_id", "description"),
    ActorAlias: ("id", "actor_id", "name", "language"),
    Place: ("id", "name", "kind", "parent_id", "ancestor_path", "latitude", "longitude"),
    PlaceAlias: ("id", "place_id", "name", "language"),
    Topic: ("id", "name", "description"),
    Source: (
        "id",
        "outlet_id",
        "kind",
        "title",
        "url",
        "normalized_url",
        "author",
        "language",
        "published_at",
        "retrieved_at",
        "body",
        "content_hash",
        "notes",
    ),
    Source.cites.through: ("from_source_id", "to_source_id"),
    Excerpt: ("id", "source_id", "start", "end", "exact", "prefix", "suffix", "anchor"),
    Claim: (
        "id",
        "statement",
        "claimant_id",
        "asserted_on",
        "period_start",
        "period_end",
        "status",
        "merged_into_id",
        "notes",
        "external_id",
        "source_system",
        "search_document",  # filled by claims_reindex after the load
    ),
    Claim.actors.through: ("claim_id", "actor_id"),
    Claim.places.through: ("claim_id", "place_id"),
    Claim.topics.through: ("claim_id", "topic_id"),
    Appearance: ("id", "claim_id", "source_id", "excerpt_id", "note"),
    AttributionStep: (
        "id",
        "appearance_id",
        "position",
        "actor_id",
        "outlet_id",
        "source_id",
        "label",
        "fidelity",
    ),
    Quantity: (
        "id",
        "claim_id",
        "value",
        "value_max",
        "unit",
        "counted",
        "qualifier",
        "per",
        "text",
        "canonical_value",
        "canonical_value_max",
        "canonical_unit",
    ),
    ClaimRelation: ("id", "from_claim_id", "to_claim_id", "kind", "note", "created_by_id"),
    Assessment: (
        "id",
        "claim_id",
        "status",
        "credibility",
        "reliability",
        "rationale",
        "assessed_by_id",
        "assessed_at",
    ),
}

CLAIMS_PER_SOURCE = 20
START = datetime.date(2023, 1, 1)
END = datetime.date(2024, 12, 31)  # two years of reporting and assessing

# --- vocabularies -----------------------------------------------------------

COUNTRIES = [
    ("Ukraine", "Ukrainian", "UA"),
    ("Russia", "Russian", "RU"),
    ("Belarus", "Belarusian", "BY"),
    ("Moldova", "Moldovan", "MD"),
    ("Poland", "Polish", "PL"),
    ("Georgia", "Georgian", "GE"),
    ("Romania", "Romanian", "RO"),
    ("Kazakhstan", "Kazakh", "KZ"),
]
FIRST_NAMES = [
    "Oleksandr", "Valerii", "Serhiy", "Dmytro", "Mykhailo", "Yurii", "Andriy", "Vitaliy",
    "Kyrylo", "Oleh", "Petro", "Volodymyr", "Yevhen", "Tetiana", "Iryna", "Olena", "Nataliia",
    "Anatoliy", "Viktor", "Ivan", "Maksym", "Yaroslav", "Hennadiy", "Ruslan", "Taras", "Bohdan",
    "Larysa", "Khrystyna", "Vasyl", "Heorhiy", "Arkadiy", "Zhanna", "Tsezar", "Yuliia",
]  # fmt: skip
SURNAME_ROOTS = [
    "Syrs", "Kovalch", "Tkach", "Petrenk", "Hryts", "Khmel", "Zhuk", "Bondar", "Shevch", "Moroz",
    "Kravch", "Lysenk", "Tsyb", "Marchenk", "Rudn", "Savch", "Kuzmyn", "Polishch", "Yarosh",
    "Kharch", "Ostapch", "Levch", "Honchar", "Zaluzh", "Budan", "Tarn", "Pryhodk", "Melnych",
    "Didench", "Kotsiub", "Sobol", "Kryvon", "Shapoval", "Hrushev", "Tsaruk", "Khomen", "Yatsen",
]  # fmt: skip
SURNAME_ENDINGS = ["kyi", "skyi", "enko", "uk", "chuk", "ov", "in", "ych", "iy", "yak", "ets"]
PLACE_ONSETS = [
    "Kup", "Pok", "Kost", "Huli", "Bakh", "Vuh", "Avd", "Sud", "Kur", "Khar", "Zap", "Myk", "Sum",
    "Chas", "Tor", "Lym", "Selyd", "Kras", "Myr", "Velyk", "Mal", "Nov", "Star", "Zol", "Bil",
    "Chorn", "Vysok", "Tsar", "Kremin", "Ivan", "Petr", "Vas", "Hryh", "Dobr", "Kamian", "Yas",
    "Zhyt", "Rivn", "Lozov", "Khot",
]  # fmt: skip
PLACE_MIDDLES = ["", "ia", "o", "an", "yn", "iv", "ov", "ar", "ol", "ai", "ut", "ych"]
PLACE_SUFFIXES = [
    "nsk", "sk", "ivka", "ove", "pole", "yne", "ka", "horod", "dar", "yar", "ytsia", "ets", "ky",
    "ivske",
]  # fmt: skip
PLACE_PREFIXES = ["", "", "", "Nova ", "Velyka ", "Mala ", "Stara "]
OUTLET_FIRST = [
    "Kyiv", "Eastern", "Frontline", "Black Sea", "Donbas", "Baltic", "Northern", "Steppe",
    "Dnipro", "Carpathian", "Continental", "Danube",
]  # fmt: skip
OUTLET_SECOND = [
    "Courier", "Herald", "Monitor", "Post", "Dispatch", "Observer", "Telegraph", "Review", "Wire",
    "Bulletin", "Agency", "Tribune",
]  # fmt: skip
OUTLET_KINDS = [
    ("news_site", 40), ("news_agency", 20), ("broadcaster", 10), ("government", 10),
    ("military", 8), ("ngo", 5), ("social_media", 7),
]  # fmt: skip
MILITARY_UNITS = ["Mechanised Brigade", "Assault Brigade", "Airborne Brigade", "Marine Brigade"]
UNNAMED = [
    "unnamed officials", "a source in the General Staff", "military bloggers",
    "local officials", "a defence ministry source", "intelligence sources",
]  # fmt: skip
CODE_FIRST = [
    "Vel", "Mar", "Tor", "Kal", "Lis", "Dor", "Bre", "Zan", "Fal", "Grom", "Ost", "Rud", "Sem",
    "Tav", "Ulm", "Yor", "Bask", "Cer", "Dub", "Esk",
]  # fmt: skip
CODE_SECOND = [
    "mar", "ven", "dal", "rik", "tos", "bel", "gor", "nis", "vat", "lun", "sek", "dorn", "min",
    "pra", "zet", "kol", "rast", "quin", "wend", "xar",
]  # fmt: skip
CODE_THIRD = ["", "a", "o", "en", "is", "ur"]
SAYING = [
    "said", "told reporters", "claimed", "announced", "stated", "wrote on Telegram",
    "told a briefing", "reported to the president",
]  # fmt: skip
SAYING_AFTER = ["said", "claimed", "stated", "told state television", "announced"]
CHAIN_LABELS = [
    "briefing to the president", "statement on Telegram", "press conference", "televised address",
    "interview", "daily situation report",
]  # fmt: skip
FORCES = ["forces", "forces", "forces", "forces", "troops", "units"]
FILLERS = [
    "The figures could not be independently verified.",
    "{outlet} was unable to confirm the report.",
    "Fighting continued near {place}, where heavy shelling was reported overnight.",
    "Residents of {place} said they heard explosions before dawn.",
    "Officials in {region} said power had been restored to {n} households.",
    "The {adj} defence ministry did not respond to a request for comment.",
    "Analysts said the claims were hard to reconcile with satellite imagery of {place}.",
    "Earlier this week, {person} accused {adj} forces of striking civilian infrastructure.",
    "Evacuations from {place} continued on {weekday}, according to local authorities.",
    "Military bloggers close to the {adj} side gave lower figures.",
    "The statement came as talks on a ceasefire stalled in {region}.",
    "Independent monitors recorded {n} incidents along the line of contact.",
    "Aid convoys reached {place} for the first time in {n} days.",
    "{person} was not available for comment.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
RATIONALES = [
    "Consistent with {outlet} reporting and commercial satellite imagery.",
    "No independent confirmation; the figure exceeds earlier estimates.",
    "Contradicted by geolocated footage from near {place}.",
    "Partly confirmed: several of the settlements named are still contested.",
    "Awaiting corroboration from a second, unaffiliated source.",
    "The claimant later withdrew the figure.",
    "Matches the count published by independent monitors.",
]
LAST_STATUSES = [
    ("unverified", 25), ("in_review", 10), ("verified", 15), ("partly_verified", 12),
    ("disputed", 15), ("false", 10), ("unverifiable", 8), ("retracted", 5),
]  # fmt: skip
EARLIER_STATUSES = [("unverified", 3), ("in_review", 5), ("disputed", 2)]
CREDIBILITY = {
    "verified": (1, 2), "partly_verified": (2, 3), "disputed": (4, 4), "false": (5, 5),
    "retracted": (5, 5), "unverified": (6, 6), "in_review": (6, 6), "unverifiable": (6, 6),
}  # fmt: skip
RELATION_KINDS = [
    ("contradicts", 40), ("supports", 20), ("responds_to", 15), ("qualifies", 10),
    ("supersedes", 10), ("same_as", 5),
]  # fmt: skip
QUALIFIERS = [("exactly", 50), ("about", 25), ("at_least", 8), ("more_than", 12), ("at_most", 5)]
QUALIFIER_WORDS = {
    "exactly": "", "about": "about ", "at_least": "at least ", "more_than": "more than ",
    "at_most": "at most ",
}  # fmt: skip

# Transliteration pairs: the ways one Cyrillic name reaches Latin letters.
TRANSLITERATIONS = [
    ("yi", "y"), ("yi", "ii"), ("iy", "y"), ("iy", "ii"), ("kh", "h"), ("ts", "c"), ("ia", "ya"),
    ("zh", "j"), ("y", "i"),
]  # fmt: skip


@dataclass(frozen=True)
class Measure:
    """One kind of number claims assert, with the words it is reported in."""

    counted: str
    verbs: tuple[str, ...]
    noun: str  # what follows the number: "settlements", "of territory"
    units: tuple[str, ...] = ("",)
    low: int = 1
    high: int = 100
    per: str = ""


AREA_UNITS = ("km²", "square kilometres", "sq km", "square miles", "hectares")
MEASURES = [
    Measure("territory regained", ("regained", "liberated", "retaken"), "of territory",
            AREA_UNITS, 5, 1500),
    Measure("territory captured", ("captured", "seized", "occupied"), "of territory",
            AREA_UNITS, 5, 900),
    Measure("settlements captured", ("captured", "taken control of", "seized"), "settlements",
            low=1, high=40),
    Measure("settlements regained", ("liberated", "regained", "retaken"), "settlements",
            low=1, high=30),
    Measure("soldiers killed", ("killed", "eliminated"), "soldiers", low=10, high=2000),
    Measure("soldiers captured", ("captured", "taken prisoner"), "soldiers", low=5, high=600),
    Measure("drones shot down", ("shot down", "destroyed", "intercepted"), "drones",
            low=3, high=300),
    Measure("assaults repelled", ("repelled", "repulsed"), "assaults", low=5, high=80, per="day"),
    Measure("drone attacks", ("launched", "carried out"), "drone attacks", low=10, high=200,
            per="day"),
    Measure("distance advanced", ("advanced",), "", ("km", "kilometres", "miles"), 1, 30),
]  # fmt: skip


def transliterations(name: str) -> list[str]:
    """Other Latin spellings of ``name`` (Syrsky, Syrskii for Syrskyi), most usual first."""
    found = []
    for old, new in TRANSLITERATIONS:
        variant = name.replace(old, new).replace(old.capitalize(), new.capitalize())
        if variant != name and variant not in found:
            found.append(variant)
    return found


@cache
def _unit_factor(unit: str) -> Decimal:
    """How many canonical units one ``unit`` is, exact to 12 places (Pint is slow per row)."""
    scale = Decimal(10) ** 6
    return units.normalise(scale, None, unit).value / scale


def canonical(value: Decimal, unit: str) -> tuple[Decimal, str]:
    """``units.normalise`` for one value, from the cached factor of its unit."""
    if not unit:
        return value, ""
    symbol = units.canonical_symbol(unit) if unit not in _SYMBOLS else _SYMBOLS[unit]
    _SYMBOLS[unit] = symbol
    return (value * _unit_factor(unit)).quantize(units.DECIMAL_PLACES), symbol


_SYMBOLS: dict[str, str] = {}


def _weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([name for name, _ in choices], [weight for _, weight in choices])[0]


# --- the corpus ---------------------------------------------------------------


@dataclass
class _Said:
    """A claim as reported: the sentence a body quotes, and what the claim rows need."""

    claim_id: int
    sentence: str
    claimant_id: int
    statement: str
    outlet_id: int = 0


class Corpus:
    """The rows of a synthetic knowledge base of ``claims`` claims, fixed by ``seed``.

    ``first_ids`` gives the first id of each table (default 1), so a corpus
    can be written after existing rows; ``label`` is appended to every name
    that must be unique across the database (outlets, actors, countries,
    topics), for the same reason.
    """

    def __init__(
        self,
        *,
        claims: int,
        seed: int = 1,
        first_ids: Mapping[type[models.Model], int] | None = None,
        label: str = "",
    ) -> None:
        if claims < 1:
            raise ValueError("A corpus has at least one claim.")
        self.claims = claims
        self.seed = seed
        self.label = label
        self.rng = random.Random(seed)
        self._next = {model: (first_ids or {}).get(model, 1) for model in FIELDS}
        self.sources = -(-claims // CLAIMS_PER_SOURCE)
        self.outlet_count = min(50, 5 + claims // 40)
        self.actor_count = min(5000, claims // 4 + 10)
        self.place_count = min(10000, claims // 4 + 10)
        self.topic_count = min(200, claims // 500 + 5)
        self.codenames = self._codenames()
        self._reference: Rows | None = None

    def _id(self, model: type[models.Model]) -> int:
        value = self._next[model]
        self._next[model] = value + 1
        return value

    # --- reference records: outlets, actors, places, topics ---------------------

    def reference_rows(self) -> Rows:
        """Outlets, actors with aliases, the place tree with aliases, and topics."""
        if self._reference is None:
            rows: Rows = {model: [] for model in (Outlet, Actor, ActorAlias, Place, PlaceAlias)}
            rows[Topic] = []
            self._outlets(rows)
            self._places(rows)
            self._actors(rows)
            self._topics(rows)
            self._reference = rows
        return self._reference

    def _outlets(self, rows: Rows) -> None:
        rng = self.rng
        names = [f"{first} {second}" for first in OUTLET_FIRST for second in OUTLET_SECOND]
        self.outlets: list[tuple[int, str, str, str]] = []  # id, name, domain, reliability
        for name in rng.sample(names, self.outlet_count):
            kind = _weighted(rng, OUTLET_KINDS)
            country = rng.choice(COUNTRIES[:4])[2]
            state = kind in ("government", "military") or (
                kind == "news_agency" and rng.random() < 0.5
            )
            reliability = rng.choice("BCDEF" if state else "ABBCCDF")
            domain = name.lower().replace(" ", "") + ".example"
            outlet_id = self._id(Outlet)
            full_name = f"{name}{self.label}"
            rows[Outlet].append(
                (outlet_id, full_name, domain, kind, country, state, reliability, "")
            )
            self.outlets.append((outlet_id, full_name, domain, reliability))
        self.agencies = [outlet for outlet in self.outlets[: max(2, len(self.outlets) // 5)]]

    def _place_name(self, taken: set[str]) -> str:
        rng = self.rng
        while True:
            name = (
                rng.choice(PLACE_PREFIXES)
                + rng.choice(PLACE_ONSETS)
                + rng.choice(PLACE_MIDDLES)
                + rng.choice(PLACE_SUFFIXES)
            )
            if name not in taken:
                taken.add(name)
                return name

    def _places(self, rows: Rows) -> None:
        """Countries → regions → settlements, with ids in the ancestor paths."""
        rng = self.rng
        taken: set[str] = set()
        countries = COUNTRIES[: min(len(COUNTRIES), max(2, self.place_count // 50))]
        region_count = max(len(countries), self.place_count // 40)
        self.countries: list[tuple[int, str, str]] = []  # id, name, adjective
        for name, adjective, _ in countries:
            place_id = self._id(Place)
            rows[Place].append((place_id, f"{name}{self.label}", "country", None, "/", None, None))
            self.countries.append((place_id, name, adjective))
        self.regions: list[tuple[int, str, str]] = []  # id, name, ancestor path
        for index in range(region_count):
            country_id = self.countries[index % len(self.countries)][0]
            name = f"{self._place_name(taken)} Oblast"
            place_id, path = self._id(Place), f"/{country_id}/"
            rows[Place].append((place_id, name, "region", country_id, path, None, None))
            self.regions.append((place_id, name, path))
        self.settlements: list[tuple[int, str]] = []
        for _ in range(self.place_count - len(countries) - region_count):
            region_id, _, region_path = rng.choice(self.regions)
            name = self._place_name(taken)
            latitude = Decimal(rng.randint(44_000000, 56_000000)) / 10**6
            longitude = Decimal(rng.randint(22_000000, 45_000000)) / 10**6
            place_id = self._id(Place)
            rows[Place].append(
                (
                    place_id,
                    name,
                    "settlement",
                    region_id,
                    f"{region_path}{region_id}/",
                    latitude,
                    longitude,
                )
            )
            self.settlements.append((place_id, name))
            variants = transliterations(name)
            if variants and rng.random() < 0.5:
                rows[PlaceAlias].append((self._id(PlaceAlias), place_id, variants[0], "en"))

    def _actors(self, rows: Rows) -> None:
        """Sides and governments first, then commanders, units and officials, then the rest.

        Claimants are drawn with a strong bias to low ids, so the first
        actors make most claims, as a handful of commanders do in reality.
        """
        rng = self.rng
        taken: set[tuple[str, str]] = set()
        self.actors: list[tuple[int, str]] = []

        def add(name: str, kind: str, affiliation: int | None = None, aliases=()) -> int:
            actor_id = self._id(Actor)
            full_name = f"{name}{self.label}"
            rows[Actor].append((actor_id, full_name, kind, affiliation, ""))
            for alias in aliases:
                rows[ActorAlias].append((self._id(ActorAlias), actor_id, alias, "en"))
            self.actors.append((actor_id, full_name))
            taken.add((name, kind))
            return actor_id

        sides = [add(name, "side") for name, _, _ in COUNTRIES[:2]]
        for name, _, _ in COUNTRIES[:2]:
            add(f"Ministry of Defence of {name}", "government")
        for unnamed in UNNAMED:
            add(unnamed, "unnamed")
        while len(self.actors) < self.actor_count:
            roll = rng.random()
            if roll < 0.8:
                name = (
                    f"{rng.choice(FIRST_NAMES)} "
                    f"{rng.choice(SURNAME_ROOTS)}{rng.choice(SURNAME_ENDINGS)}"
                )
                kind = "person"
            else:
                number = rng.randint(1, 250)
                suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10 * (number % 100 // 10 != 1))
                name = f"{number}{suffix or 'th'} {rng.choice(MILITARY_UNITS)}"
                kind = "military"
            if (name, kind) in taken:
                continue
            variants = transliterations(name) if kind == "person" else []
            aliases = variants[: rng.choice((0, 1, 1, 2))]
            add(name, kind, rng.choice(sides), aliases)

    def _codenames(self) -> list[str]:
        """Operation names used by about 2 % of claims: each word is rare, by design."""
        words = [a + b + c for a in CODE_FIRST for b in CODE_SECOND for c in CODE_THIRD]
        random.Random(self.seed + 1).shuffle(words)
        return words[: max(20, self.claims // 400)]

    def _topics(self, rows: Rows) -> None:
        rng = self.rng
        forms = [
            "The {place} offensive",
            "{place} ceasefire talks",
            "Strikes on {region}",
            "The battle for {place}",
            "Prisoner exchanges in {region}",
        ]
        self.topics: list[int] = []
        names: set[str] = set()
        while len(self.topics) < self.topic_count:
            name = rng.choice(forms).format(
                place=rng.choice(self.settlements)[1], region=rng.choice(self.regions)[1]
            )
            if name in names:
                continue
            names.add(name)
            topic_id = self._id(Topic)
            rows[Topic].append((topic_id, f"{name}{self.label}", ""))
            self.topics.append(topic_id)

    # --- claims and the sources that report them ---------------------------------

    def claim_batches(self, claims_per_batch: int = 10_000) -> Iterator[tuple[Rows, int]]:
        """(rows, number of claims in them) per batch, sources and everything reported in them."""
        self.reference_rows()
        self._first_claim_id = self._next[Claim]
        previous: list[_Said] = []
        previous_source: int | None = None
        rows: Rows = {}
        in_batch = 0
        made = 0
        for index in range(self.sources):
            count = (index + 1) * self.claims // self.sources - index * self.claims // self.sources
            if not rows:
                rows = {model: [] for model in FIELDS if model not in self._reference}
            previous, previous_source = self._source(rows, index, count, previous, previous_source)
            in_batch += count
            made += count
            if in_batch >= claims_per_batch or made == self.claims:
                yield rows, in_batch
                rows, in_batch = {}, 0

    def _day(self, index: int) -> datetime.date:
        span = (END - START).days - 30
        return START + datetime.timedelta(days=index * span // self.sources)

    def _amount(self, measure: Measure) -> tuple[str, tuple]:
        """The words of a number ("about 259 km² of territory") and its quantity columns."""
        rng = self.rng
        unit = rng.choice(measure.units)
        low, high = measure.low, measure.high
        if unit == "hectares":
            low, high = low * 100, high * 100
        value = Decimal(rng.randint(low, high))
        value_max = None
        qualifier = _weighted(rng, QUALIFIERS)
        if rng.random() < 0.1:
            value_max = value + Decimal(rng.randint(1, max(1, int(value) // 4 + 1)))
            qualifier = "exactly"
            number = f"between {value} and {value_max}"
        else:
            number = f"{QUALIFIER_WORDS[qualifier]}{value}"
        text = f"{number} {unit}".strip() if unit else f"{number} {measure.noun}"
        if measure.per:
            text = f"{text} a {measure.per}"
        words = text if not unit else f"{text} {measure.noun}".strip()
        canonical_value, canonical_unit = canonical(value, unit)
        canonical_max = canonical(value_max, unit)[0] if value_max is not None else None
        columns = (
            value,
            value_max,
            unit,
            measure.counted,
            qualifier,
            measure.per,
            text,
            canonical_value,
            canonical_max,
            canonical_unit,
        )
        return words, columns

    def _claim(self, rows: Rows, day: datetime.date, topic: int, reliability: str) -> _Said:
        rng = self.rng
        claim_id = self._id(Claim)
        # A strong bias to the first actors: a few commanders make most claims.
        claimant_id, claimant = self.actors[int(len(self.actors) * rng.random() ** 3)]
        _, _, adjective = rng.choice(self.countries[:2])
        place_id, place = rng.choice(self.settlements)
        measure = rng.choice(MEASURES)
        verb = rng.choice(measure.verbs)
        amount, quantity = self._amount(measure)
        force = f"{adjective} {rng.choice(FORCES)}"
        operation = ""
        if rng.random() < 0.02:
            operation = f" during Operation {rng.choice(self.codenames)}"
        form = rng.randrange(3)
        if form == 0:
            sentence = (
                f"{claimant} {rng.choice(SAYING)} that {force} had {verb} {amount} "
                f"near {place}{operation}."
            )
        elif form == 1:
            sentence = (
                f"{force.capitalize()} have {verb} {amount} near {place}{operation}, "
                f"{claimant} {rng.choice(SAYING_AFTER)}."
            )
        else:
            sentence = f"According to {claimant}, {force} have {verb} {amount} in the {place} area."
            operation = ""
        statement = f"{force.capitalize()} {verb} {amount} near {place}{operation}"
        if rng.random() < 0.5:
            statement = f"{claimant}: {statement}"
        asserted_on = day - datetime.timedelta(days=rng.choice((0, 0, 0, 1)))
        period_start = period_end = None
        if rng.random() < 0.3:
            period_end = asserted_on
            period_start = asserted_on - datetime.timedelta(days=rng.choice((1, 7, 30)))
        status = self._assessments(rows, claim_id, asserted_on, place, reliability)
        claim = (claim_id, statement, claimant_id, asserted_on, period_start, period_end)
        rows[Claim].append((*claim, status, None, "", "", "", ""))
        rows[Quantity].append((self._id(Quantity), claim_id, *quantity))
        rows[Claim.places.through].append((claim_id, place_id))
        if rng.random() < 0.3:
            rows[Claim.places.through].append((claim_id, rng.choice(self.regions)[0]))
        about = {rng.choice(self.actors)[0] for _ in range(rng.choice((0, 1, 1, 2)))}
        for actor_id in sorted(about - {claimant_id}):
            rows[Claim.actors.through].append((claim_id, actor_id))
        if rng.random() < 0.7:
            rows[Claim.topics.through].append((claim_id, topic))
        if claim_id > self._first_claim_id and rng.random() < 0.1:
            # Only towards an earlier claim, so no pair is ever related twice.
            other = rng.randint(max(self._first_claim_id, claim_id - 60), claim_id - 1)
            kind = _weighted(rng, RELATION_KINDS)
            rows[ClaimRelation].append((self._id(ClaimRelation), claim_id, other, kind, "", None))
        return _Said(claim_id, sentence, claimant_id, statement)

    def _assessments(
        self, rows: Rows, claim_id: int, day: datetime.date, place: str, reliability: str
    ) -> str:
        """1–3 judgements between the assertion and the end of the period; returns the latest."""
        rng = self.rng
        count = rng.choices((1, 2, 3), (50, 30, 20))[0]
        first = datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)
        last = datetime.datetime.combine(END, datetime.time(23), tzinfo=datetime.UTC)
        seconds = max(3600, int((last - first).total_seconds()))
        moments = sorted(
            first + datetime.timedelta(seconds=rng.randrange(seconds)) for _ in range(count)
        )
        status = "unverified"
        for position, moment in enumerate(moments):
            latest = position == count - 1
            status = _weighted(rng, LAST_STATUSES if latest else EARLIER_STATUSES)
            credibility = rng.randint(*CREDIBILITY[status])
            rationale = rng.choice(RATIONALES).format(
                outlet=rng.choice(self.outlets)[1], place=place
            )
            rows[Assessment].append(
                (
                    self._id(Assessment),
                    claim_id,
                    status,
                    credibility,
                    reliability,
                    rationale,
                    None,
                    moment,
                )
            )
        return status

    def _source(
        self,
        rows: Rows,
        index: int,
        count: int,
        previous: list[_Said],
        previous_source: int | None,
    ) -> tuple[list[_Said], int]:
        """One source reporting ``count`` new claims and relaying some of the previous source's.

        The body is built from the claims' sentences, with filler prose to
        2–4 KB, so each appearance's excerpt is a sentence at known offsets.
        """
        rng = self.rng
        source_id = self._id(Source)
        outlet_id, outlet_name, domain, reliability = rng.choice(self.outlets)
        day = self._day(index)
        topic = rng.choice(self.topics)
        said = [self._claim(rows, day, topic, reliability) for _ in range(count)]
        for claim in said:
            claim.outlet_id = outlet_id
        relayed = [claim for claim in previous if rng.random() < 0.4]
        pieces: list[tuple[str, _Said | None]] = [(claim.sentence, claim) for claim in said]
        for claim in relayed:
            pieces.insert(rng.randint(0, len(pieces)), (claim.sentence, claim))
        target = rng.randint(2000, 4000)
        length = sum(len(text) + 1 for text, _ in pieces)
        while length < target:
            filler = rng.choice(FILLERS).format(
                outlet=outlet_name,
                place=rng.choice(self.settlements)[1],
                region=rng.choice(self.regions)[1],
                adj=rng.choice(self.countries[:2])[2],
                person=rng.choice(self.actors)[1],
                n=rng.randint(2, 400),
                weekday=rng.choice(WEEKDAYS),
            )
            pieces.insert(rng.randint(0, len(pieces)), (filler, None))
            length += len(filler) + 1

        published = datetime.datetime.combine(
            day, datetime.time(rng.randint(6, 22), rng.randint(0, 59)), tzinfo=datetime.UTC
        )
        dateline = (
            f"{rng.choice(self.settlements)[1].upper()}, {published:%d %B %Y} ({outlet_name})"
        )
        body, spans = f"{dateline} —", []
        for position, (text, claim) in enumerate(pieces):
            body += "\n\n" if position % 3 == 2 else " "
            if claim is not None:
                spans.append((len(body), text, claim))
            body += text

        for start, text, claim in spans:
            excerpt_id = self._id(Excerpt)
            end = start + len(text)
            context = Excerpt.CONTEXT_LENGTH
            rows[Excerpt].append(
                (
                    excerpt_id,
                    source_id,
                    start,
                    end,
                    text,
                    body[max(0, start - context) : start],
                    body[end : end + context],
                    "anchored",
                )
            )
            appearance_id = self._id(Appearance)
            rows[Appearance].append((appearance_id, claim.claim_id, source_id, excerpt_id, ""))
            self._chain(rows, appearance_id, claim, outlet_id, previous_source)

        url = f"https://{domain}/{published:%Y/%m/%d}/{source_id}-report"
        rows[Source].append(
            (
                source_id,
                outlet_id,
                rng.choice(("article", "article", "article", "report", "statement")),
                said[0].statement[:200] if said else dateline,
                url,
                normalize_url(url),
                rng.choice(self.actors)[1] if rng.random() < 0.6 else "",
                "en",
                published,
                published + datetime.timedelta(hours=rng.randint(1, 72)),
                body,
                content_hash(body),
                "",
            )
        )
        if relayed and previous_source is not None:
            rows[Source.cites.through].append((source_id, previous_source))
        return said, source_id

    def _chain(
        self,
        rows: Rows,
        appearance_id: int,
        claim: _Said,
        outlet_id: int,
        previous_source: int | None,
    ) -> None:
        """1–3 steps: the claimant, then the agency or earlier source relayed, then this outlet."""
        rng = self.rng
        steps = [(claim.claimant_id, None, None, rng.choice(CHAIN_LABELS), "original")]
        if claim.outlet_id != outlet_id:
            # Relayed from the previous source, which published it first.
            steps.append((None, claim.outlet_id, previous_source, "", "verbatim"))
        elif rng.random() < 0.5:
            agency = rng.choice(self.agencies)[0]
            if agency != outlet_id:
                steps.append((None, agency, None, "", rng.choice(("verbatim", "translation"))))
        if rng.random() < 0.5:
            steps.append((None, outlet_id, None, "", rng.choice(("paraphrase", "summary"))))
        for position, (actor, outlet, source, label, fidelity) in enumerate(steps):
            rows[AttributionStep].append(
                (
                    self._id(AttributionStep),
                    appearance_id,
                    position,
                    actor,
                    outlet,
                    source,
                    label,
                    fidelity,
                )
            )
