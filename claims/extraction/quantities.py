"""The numbers a claim asserts: "about 430 Ukrainian soldiers", "259 square kilometers",
"between 5 and 6 million people", "more than 80%", "two-thirds", "35 assaults per day".

What is *not* a quantity of the claim: years and dates ("since April 2023",
"Dec. 19"), time frames ("over the past 24 hours", "in the past seven weeks"),
ordinals, weapon designations ("Su-34", "S-400"), "one of the men", and a
conversion in brackets after a measure ("30 km (19 miles)"), which repeats it.
Units are written as ``claims.units`` (Pint) reads them: km², mi², t, %, day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

# fmt: off
WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "a dozen": 12,
    "a hundred": 100, "a thousand": 1000,
}
# fmt: on
# fmt: off
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "mln": 1_000_000,
          "bn": 1_000_000_000, "m": 1_000_000, "k": 1_000}
# fmt: on
# fmt: off
FRACTIONS = {
    "half": Decimal(50), "a half": Decimal(50), "one half": Decimal(50),
    "a third": Decimal("33.333333"), "one third": Decimal("33.333333"),
    "one-third": Decimal("33.333333"), "two-thirds": Decimal("66.666667"),
    "two thirds": Decimal("66.666667"), "a quarter": Decimal(25), "one quarter": Decimal(25),
    "one-quarter": Decimal(25), "three-quarters": Decimal(75), "three quarters": Decimal(75),
    "a fifth": Decimal(20), "one-fifth": Decimal(20), "a tenth": Decimal(10),
}
# fmt: on
# Unit words as written → what Pint reads (through claims.units) and what is shown.
# fmt: off
UNIT_WORDS = [
    (r"square\s+kilomet(?:er|re)s?|sq\.?\s*km|km²|km2|square\s+km", "km²"),
    (r"square\s+miles?|sq\.?\s*mi(?:les?)?|mi²", "mi²"),
    (r"square\s+met(?:er|re)s?|m²", "m²"),
    (r"hectares?|ha\b", "ha"),
    (r"kilomet(?:er|re)s?|km\b", "km"),
    (r"miles?", "mi"),
    (r"met(?:er|re)s?\b", "m"),
    (r"(?:metric\s+)?(?:tons?|tonnes?)\b", "t"),
    (r"kilo(?:gram)?s?\b|kg\b", "kg"),
    (r"percent\b|per\s+cent\b|%", "%"),
    (r"percentage\s+points?", "%"),
    (r"days?\b", "day"),
    (r"weeks?\b", "week"),
    (r"months?\b", "month"),
    (r"years?\b", "year"),
    (r"hours?\b", "hour"),
]
# fmt: on
UNIT_RE = re.compile(
    r"\s*-?\s*(?:" + "|".join(f"(?P<u{i}>{p})" for i, (p, _) in enumerate(UNIT_WORDS)) + ")",
    re.IGNORECASE,
)
TIME_UNITS = {"day", "week", "month", "year", "hour"}
# fmt: off
QUALIFIERS = [
    (r"(?:about|around|roughly|approximately|nearly|almost|some|an estimated|estimated|close to|"
     r"approx\.?|just under|just over)", "about"),
    (r"(?:more than|over|upwards of|in excess of|above|exceeding)", "more_than"),
    (r"(?:at least|no fewer than|no less than|a minimum of)", "at_least"),
    (r"(?:up to|as many as|as much as|at most|a maximum of|no more than)", "up_to"),
    (r"(?:less than|fewer than|under|below)", "less_than"),
]
# fmt: on
QUALIFIER_RE = re.compile(
    r"\b(?:" + "|".join(f"(?P<q{i}>{p})" for i, (p, _) in enumerate(QUALIFIERS)) + r")\s+$",
    re.IGNORECASE,
)
MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
NUMBER_WORD = "|".join(sorted((re.escape(w) for w in WORD_NUMBERS), key=len, reverse=True))
FRACTION_WORD = "|".join(sorted((re.escape(w) for w in FRACTIONS), key=len, reverse=True))
# fmt: off
NUMBER_BODY = (
    r"(?:"
    r"(?P<fraction>" + FRACTION_WORD + r")(?![\w-])"
    r"|(?P<money>[$€£])?(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<scale>thousand|million|billion|mln|bn)\b)?"
    r"|(?P<word>(?:" + NUMBER_WORD + r")(?:[\s-](?:" + NUMBER_WORD + r"))?)"
    r"(?:\s+(?P<wscale>thousand|million|billion)\b)?(?![\w-])"
    r")"
)
# fmt: on
NUMBER_RE = re.compile(r"(?<![\w\-.,])" + NUMBER_BODY, re.IGNORECASE)
# The second number of a range follows a hyphen or "to": no look-behind.
SECOND_NUMBER_RE = re.compile(NUMBER_BODY, re.IGNORECASE)
TIME_FRAME_RE = re.compile(
    r"\b(?:(?:over|in|during|within|for)\s+the\s+(?:past|last|previous|next|coming)|past|last|"
    r"within|after|the\s+past)\s+$",
    re.IGNORECASE,
)
RATE_RE = re.compile(
    r"^[^.;,]{0,40}?\b(?:per|a|each|every)\s+(?P<per>day|week)\b|"
    r"^[^.;,]{0,40}?\b(?:in a single|during the|over the past|in one|within a)\s+"
    r"(?P<per2>day|week)\b",
    re.IGNORECASE,
)
# fmt: off
STOP_WORDS = {
    "of", "in", "on", "at", "to", "from", "by", "with", "and", "or", "but", "that", "since",
    "over", "during", "for", "had", "have", "has", "were", "was", "is", "are", "would", "will",
    "who", "which", "as", "than", "the", "a", "an", "its", "their", "his", "her", "this",
}
# fmt: on


@dataclass(frozen=True)
class QuantitySuggestion:
    """A number in the claim's words, shaped like an annotated quantity."""

    start: int
    end: int
    value: Decimal
    value_max: Decimal | None = None
    unit: str = ""
    counted: str = ""
    qualifier: str = ""
    per: str = ""

    def as_dict(self) -> dict:
        data = {
            "value": _plain(self.value),
            "unit": self.unit,
            "counted": self.counted,
            "qualifier": self.qualifier,
        }
        if self.value_max is not None:
            data["value_max"] = _plain(self.value_max)
        if self.per:
            data["per"] = self.per
        return data


def _plain(number: Decimal) -> int | float:
    return int(number) if number == number.to_integral_value() else float(number)


def _number(match: re.Match) -> Decimal | None:
    if match.group("fraction"):
        return FRACTIONS[re.sub(r"\s+", " ", match.group("fraction").lower())]
    if match.group("digits"):
        value = Decimal(match.group("digits").replace(",", ""))
        scale = match.group("scale")
        return value * SCALES[scale.lower()] if scale else value
    words = re.split(r"[\s-]+", match.group("word").lower())
    total = Decimal(0)
    for word in words:
        number = WORD_NUMBERS.get(word)
        if number is None:
            continue
        total = total * number if number == 100 and total else total + number
    if match.group("wscale"):
        total *= SCALES[match.group("wscale").lower()]
    return total


def _skip(text: str, match: re.Match, span_text_before: str) -> bool:
    """True for numbers that are not quantities: years, dates, designations, time frames."""
    token = match.group()
    after = text[match.end() : match.end() + 30]
    before = span_text_before[-30:]
    if match.group("digits") and not match.group("scale"):
        raw = match.group("digits")
        if re.fullmatch(r"(19|20)\d\d", raw) and not re.match(r"\s*(?:%|percent|per cent)", after):
            return True  # a year
        if re.search(r"\b(?:" + MONTHS + r")\.?\s*$", before, re.IGNORECASE):
            return True  # "Dec. 19", "March 11"
        if re.match(r"\s*(?:" + MONTHS + r")\b", after, re.IGNORECASE):
            return True  # "19 December"
        if re.match(r"\s*(?:a\.m\.|p\.m\.|GMT|UTC)|:\d", after) or re.search(r"\d:$", before):
            return True
    if re.search(r"[A-Za-z]-?$", before) and not before.endswith(" "):
        return True  # Su-34, S-400, F-16
    if re.match(r"-year-old|-strong\b", after):
        return True
    if re.match(r"\s*(?:st|nd|rd|th)\b", after):
        return True
    lower = token.lower()
    if lower == "one" and re.match(
        r"\s+(?:of|another|side|step|way|time|thing|point|day)\b", after
    ):
        return True
    if TIME_FRAME_RE.search(before) and re.match(
        r"[\s-]*(?:hours?|days?|weeks?|months?|years?|nights?)\b", after, re.IGNORECASE
    ):
        return True  # "over the past 24 hours"
    # "three days ago": when, not how much
    ago = r"\s+(?:hours?|days?|weeks?|months?|years?)\s+(?:ago|earlier|later|before)\b"
    return bool(re.match(ago, after))


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[QuantitySuggestion]:
    """The quantities asserted in ``text[start:end]``, with offsets into ``text``."""
    end = len(text) if end is None else end
    span = text[start:end]
    found: list[QuantitySuggestion] = []
    consumed_until = 0
    for match in NUMBER_RE.finditer(span):
        if match.start() < consumed_until:
            continue
        before = span[: match.start()]
        if _skip(span, match, before):
            continue
        value = _number(match)
        if value is None:
            continue
        cursor = match.end()
        value_max = None
        qualifier = _qualifier(before)
        # A range: "between 5 and 6 million", "10 to 15", "10-15", "10% to 15%".
        range_match = re.match(r"\s*%?\s*(?:-|–|to|and)\s*(?=[\d$])", span[cursor:]) or (
            re.match(r"\s*(?:to|and)\s+(?=\w)", span[cursor:]) if match.group("word") else None
        )
        if range_match and (
            re.search(r"\bbetween\s+$|\bfrom\s+$", before, re.IGNORECASE)
            or not re.match(r"\s*and", span[cursor:])
        ):
            second = SECOND_NUMBER_RE.match(span, cursor + range_match.end())
            if second and not _skip(span, second, span[: second.start()]):
                value_max = _number(second)
                if second.group("scale") and not match.group("scale"):
                    value *= SCALES[second.group("scale").lower()]
                if second.group("wscale") and not match.group("wscale"):
                    value *= SCALES[second.group("wscale").lower()]
                cursor = second.end()
        unit = ""
        if match.group("fraction"):
            unit = "%"  # two-thirds of the population: 66.67 %
        else:
            unit_match = UNIT_RE.match(span, cursor)
            if unit_match and not re.match(
                r"\w", span[unit_match.end() : unit_match.end() + 1] or " "
            ):
                unit = next(
                    symbol for i, (_, symbol) in enumerate(UNIT_WORDS) if unit_match.group(f"u{i}")
                )
                cursor = unit_match.end()
        if unit in TIME_UNITS and TIME_FRAME_RE.search(before):
            continue
        if match.group("money"):
            unit = ""
        # A conversion in brackets repeats the measure: "30 km (19 miles)".
        bracket = re.match(r"\s*\(\s*(?:about\s+)?[\d.,]+\s*[^\d()]{1,20}\)", span[cursor:])
        if unit and bracket:
            consumed_until = cursor + bracket.end()
        counted = _counted(span[cursor:])
        per = _rate(span[cursor:])
        found.append(
            QuantitySuggestion(
                start=start + match.start(),
                end=start + cursor,
                value=value,
                value_max=value_max,
                unit=unit,
                counted=counted,
                qualifier=qualifier,
                per=per,
            )
        )
        consumed_until = max(consumed_until, cursor)
    found.extend(_article_quantities(span, start, found))
    return sorted(found, key=lambda q: q.start)


def _article_quantities(
    span: str, start: int, found: list[QuantitySuggestion]
) -> list[QuantitySuggestion]:
    """ "at least a year", "more than a week": a qualified unit with "a" for one."""
    extra = []
    pattern = re.compile(
        r"\b(?P<q>at least|more than|less than|up to|nearly|almost|about|over)\s+an?\s+"
        r"(?P<u>year|month|week|day|hour)\b",
        re.IGNORECASE,
    )
    for match in pattern.finditer(span):
        if any(q.start <= start + match.start() < q.end for q in found):
            continue
        qualifier = _qualifier(match.group("q") + " ")
        extra.append(
            QuantitySuggestion(
                start=start + match.start(),
                end=start + match.end(),
                value=Decimal(1),
                unit=match.group("u").lower(),
                counted="",
                qualifier=qualifier,
            )
        )
    return extra


def _qualifier(before: str) -> str:
    match = QUALIFIER_RE.search(before[-40:])
    if not match:
        return ""
    if re.search(r"\d[\d,.]*\s+[a-z-]+s\s+(?:over|under|above|below)\s+$", before[-60:]):
        return ""  # "62 drones over 15 oblasts": a place, not "more than"
    return next(name for i, (_, name) in enumerate(QUALIFIERS) if match.group(f"q{i}"))


def _counted(after: str) -> str:
    words = []
    for word in re.findall(r"[A-Za-z][\w'’-]*|[^\w\s]", after[:80]):
        if not word[0].isalpha() or word.lower() in STOP_WORDS:
            if words:
                break
            if word.lower() in ("of",):
                continue
            if not word[0].isalpha():
                break
            continue
        words.append(word)
        if len(words) == 3:
            break
    return " ".join(words)


def _rate(after: str) -> str:
    match = RATE_RE.match(after)
    if not match:
        return ""
    return (match.group("per") or match.group("per2")).lower()
