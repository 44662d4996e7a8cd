"""Normalising the numbers claims assert, with no ORM in sight.

Units are parsed and converted by Pint, so "259 square kilometers",
"259 sq km" and "259 km²" are one value, and 100 square miles converts to
km². Each physical dimension has one canonical unit; a count (settlements,
soldiers, assaults) has no unit at all and is compared by what is counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache, lru_cache

import pint

# The unit each dimension is stored in, chosen for how claims are read:
# territory in km², distances in km, weights in kg, durations in days.
CANONICAL_UNITS = {
    "[length]": "kilometer",
    "[length] ** 2": "kilometer ** 2",
    "[mass]": "kilogram",
    "[time]": "day",
    "[length] ** 3": "meter ** 3",
}

# How canonical units are written for people.
DISPLAY_SYMBOLS = {
    "kilometer": "km",
    "kilometer ** 2": "km²",
    "kilogram": "kg",
    "day": "day",
    "meter ** 3": "m³",
    "percent": "%",
}

DECIMAL_PLACES = Decimal("0.000001")


class UnknownUnit(ValueError):
    """The unit text is not a unit Pint knows."""


class UnitTooComplex(UnknownUnit):
    """Pint reads the unit, but no claim measures in it (``km**99999``, ``m**0.5``)."""


# The highest power a unit of a claim is raised to: volumes (km³) and their inverses.
MAX_POWER = 3


@dataclass(frozen=True)
class Normalised:
    value: Decimal | None
    value_max: Decimal | None
    unit: str  # canonical unit symbol; "" for a plain count


@cache
def _registry() -> pint.UnitRegistry:
    return pint.UnitRegistry(non_int_type=Decimal)


def _parse(unit_text: str) -> pint.Unit:
    text = unit_text.strip().replace("²", "**2").replace("³", "**3")
    # "km2", "m3": an exponent typed without superscript or "**".
    text = re.sub(r"(?<=[A-Za-z])([23])\b", r"**\1", text)
    if text in ("%", "percent", "per cent"):
        return _registry().percent
    try:
        unit = _registry().parse_units(text)
    except Exception as error:  # Pint raises many types for unreadable text
        raise UnknownUnit(unit_text) from error
    # Both what was written (km**4) and what it measures (km·m·cm·mm is [length]**4).
    powers = [*unit._units.values(), *unit.dimensionality.values()]
    if any(power != int(power) or abs(power) > MAX_POWER for power in powers):
        raise UnitTooComplex(unit_text)
    return unit


def _canonical(unit: pint.Unit) -> tuple[pint.Unit, str]:
    if unit == _registry().percent:
        return unit, "percent"
    name = CANONICAL_UNITS.get(str(unit.dimensionality))
    if name is None:
        # A dimension without a chosen canonical unit keeps its own unit.
        return unit, str(unit)
    return _registry().parse_units(name), name


@lru_cache(maxsize=4096)
def _conversion(unit_text: str) -> tuple[Decimal | None, pint.Unit, pint.Unit, str]:
    """(factor, source unit, canonical unit, canonical name) for ``unit_text``, parsed once.

    Parsing a unit with Pint costs far more than the multiplication, and an
    import repeats the same few units thousands of times. ``factor`` is None
    for a unit with an offset (degrees Celsius), which Pint converts itself.
    Unknown units raise ``UnknownUnit`` every time (not cached).
    """
    source = _parse(unit_text)
    target, name = _canonical(source)
    registry = _registry()
    # Pint multiplies by this same factor (as Decimal(str(factor))), so the result is identical.
    factor = registry.Quantity(Decimal(1), source).to(target).magnitude
    offset = registry.Quantity(Decimal(0), source).to(target).magnitude
    return (Decimal(factor) if offset == 0 else None), source, target, name


def canonical_symbol(unit_text: str) -> str:
    """The symbol of the canonical unit for ``unit_text`` ("" for a count)."""
    if not unit_text.strip():
        return ""
    name = _conversion(unit_text)[3]
    return DISPLAY_SYMBOLS.get(name, name)


def normalise(value: Decimal | None, value_max: Decimal | None, unit_text: str) -> Normalised:
    """Convert a value, or a range, given in ``unit_text`` to its canonical unit.

    Raises ``UnknownUnit`` for text Pint cannot read as a unit.
    """
    if not unit_text.strip():
        return Normalised(value, value_max, "")
    factor, source, target, name = _conversion(unit_text)

    def convert(number: Decimal | None) -> Decimal | None:
        if number is None:
            return None
        if factor is not None:
            magnitude = Decimal(number) * factor
        else:
            magnitude = _registry().Quantity(Decimal(number), source).to(target).magnitude
        return Decimal(magnitude).quantize(DECIMAL_PLACES)

    return Normalised(convert(value), convert(value_max), DISPLAY_SYMBOLS.get(name, name))


# A converted value keeps at least this many significant digits: 1 mile is "≈ 1.6 km", not "≈ 2 km".
MIN_SIGNIFICANT_DIGITS = 2


def significant_digits(written: Decimal) -> int:
    """How many significant digits a value was written with: 386 → 3, 2.5 → 2, 5000 → 1.

    Trailing zeros of a whole number are read as rounding ("5,000" is a round
    figure); the stored six decimal places are never counted.
    """
    return len(Decimal(written).normalize().as_tuple().digits)


def round_as_written(canonical: Decimal, written: Decimal) -> Decimal:
    """``canonical`` rounded to the precision ``written`` was given with.

    386 square miles is 999.735411 km², shown as 1,000 km²: a conversion
    cannot make a figure more precise than the claimant gave it.
    """
    canonical = Decimal(canonical)
    if not canonical:
        return Decimal(0)
    digits = max(significant_digits(written), MIN_SIGNIFICANT_DIGITS)
    step = Decimal(1).scaleb(canonical.adjusted() - digits + 1)
    return canonical.quantize(step, rounding=ROUND_HALF_EVEN).normalize()


def format_number(number: Decimal) -> str:
    """A number as people read it: thousands separated, no trailing zeros ("3,434", "1.6")."""
    return f"{Decimal(number).normalize():,f}"
