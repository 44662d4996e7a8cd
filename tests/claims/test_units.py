"""Unit normalisation on its own, and as a quantity shows it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claims import units
from claims.models import Quantity
from tests.factories import QuantityFactory
from tests.helpers import refused


@pytest.mark.parametrize(
    "unit",
    ["square kilometers", "square kilometres", "sq km", "km²", "km2", "km^2", "km**2"],
)
def test_ways_of_writing_square_kilometres_are_one_value(unit):
    assert units.normalise(Decimal("259"), None, unit) == units.Normalised(
        Decimal("259"), None, "km²"
    )


def test_square_miles_convert_to_square_kilometres():
    assert units.normalise(Decimal("100"), None, "square miles") == units.Normalised(
        Decimal("258.998811"), None, "km²"
    )


def test_hours_convert_to_days():
    assert units.normalise(Decimal("36"), None, "hours") == units.Normalised(
        Decimal("1.5"), None, "day"
    )


def test_a_range_converts_both_bounds():
    assert units.normalise(Decimal("48"), Decimal("72"), "hours") == units.Normalised(
        Decimal("2"), Decimal("3"), "day"
    )
    assert units.normalise(Decimal("1"), Decimal("2"), "square miles") == units.Normalised(
        Decimal("2.589988"), Decimal("5.179976"), "km²"
    )


def test_a_count_has_no_unit():
    assert units.normalise(Decimal("24"), None, "") == units.Normalised(Decimal("24"), None, "")
    assert units.normalise(Decimal("24"), None, "  ") == units.Normalised(Decimal("24"), None, "")


@pytest.mark.parametrize(
    "unit, symbol",
    [("metres", "km"), ("tonnes", "kg"), ("weeks", "day"), ("per cent", "%"), ("", "")],
)
def test_each_dimension_has_one_canonical_symbol(unit, symbol):
    assert units.canonical_symbol(unit) == symbol


@pytest.mark.parametrize("unit", ["soldiers", "settlements", "km3x", "??", "2 km"])
def test_text_that_is_not_a_unit_is_refused(unit):
    with pytest.raises(units.UnknownUnit):
        units.normalise(Decimal("1"), None, unit)


# --- as a quantity shows it -------------------------------------------------


def test_an_unknown_unit_is_a_clear_error_on_the_unit_field(db):
    quantity = QuantityFactory.build(claim=QuantityFactory().claim, unit="soldiers")
    message = (
        "“soldiers” is not a unit claimsbase knows. Leave the unit empty for a count and say "
        "what is counted."
    )
    with refused(Quantity, message, field="unit"):
        quantity.full_clean()


def test_a_quantity_stores_its_canonical_value(db):
    quantity = QuantityFactory(value=Decimal("100"), unit="square miles", counted="territory")
    quantity.refresh_from_db()
    assert (quantity.canonical_value, quantity.canonical_unit) == (Decimal("258.998811"), "km²")


def test_a_count_keeps_an_empty_canonical_unit(db):
    quantity = QuantityFactory(value=Decimal("24"), unit="", counted="settlements regained")
    assert (quantity.canonical_value, quantity.canonical_unit) == (Decimal("24"), "")


@pytest.mark.parametrize(
    "fields, shown",
    [
        (
            {"value": "430", "qualifier": "about", "counted": "soldiers captured"},
            "about 430 soldiers captured",
        ),
        (
            {"value": "259", "unit": "square kilometers", "counted": "territory regained"},
            "259 km² territory regained",
        ),
        ({"value": "35", "counted": "assaults", "per": "day"}, "35 assaults per day"),
        (
            {"value": "48", "value_max": "72", "unit": "hours", "counted": "ceasefire"},
            "2–3 day ceasefire",
        ),
        (
            {"value": "24", "qualifier": "more_than", "counted": "settlements"},
            "more than 24 settlements",
        ),
    ],
)
def test_quantity_display_reads_like_the_claim(db, fields, shown):
    quantity = QuantityFactory(**fields)
    assert quantity.display == shown
    assert str(quantity) == shown


def test_a_rate_must_be_per_unit_of_time(db):
    quantity = QuantityFactory.build(claim=QuantityFactory().claim, per="kilometre")
    with refused(Quantity, "A rate is per unit of time: day, week, hour…", field="per"):
        quantity.full_clean()


@pytest.mark.parametrize(
    "value, unit, message",
    [
        ("many", "km", "“many” value must be a decimal number."),
        ("1e400", "km", "Ensure that there are no more than 20 digits in total."),
        (
            "99999999999999",
            "square miles",
            "This number is too large to convert to the canonical unit.",
        ),
        (
            "99999999999999",
            "light_year ** 2",
            "This number is too large to convert to the canonical unit.",
        ),
    ],
)
def test_a_value_that_is_not_a_convertible_number_is_a_clear_error(db, value, unit, message):
    quantity = QuantityFactory.build(claim=QuantityFactory().claim, value=value, unit=unit)
    with refused(Quantity, message, field="value"):
        quantity.full_clean()


@pytest.mark.parametrize("unit", ["km**99999", "km ** 1e9", "km**4", "m**0.5", "percent**9"])
def test_units_raised_beyond_the_third_power_are_not_units(unit):
    with pytest.raises(units.UnitTooComplex):
        units.normalise(Decimal(1), None, unit)


@pytest.mark.parametrize("unit, symbol", [("km**3", "m³"), ("1/km", "1 / kilometer")])
def test_cubes_and_inverses_are_units(unit, symbol):
    assert units.canonical_symbol(unit) == symbol
