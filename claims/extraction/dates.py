"""The day a claimant said something, when the text gives it next to the verb of saying.

"said on Thursday", "said Friday", "told reporters on Monday", "claimed on
Dec. 19", "said yesterday": resolved against the publication date (a weekday
is the latest such day on or before publication). "this week" or "last
month" name no day, and a date elsewhere in the sentence ("killed 28 people
on Thursday, the ministry said") is when something happened, not when it was
said: neither is resolved.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# fmt: off
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
# fmt: on
MONTH_RE = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
DAY_EXPRESSION = re.compile(
    r"(?:(?:late|early|earlier|later)\s+)?(?:on\s+)?(?:(?:late|early)\s+)?"
    r"(?:(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?:\s+(?:night|evening|morning|afternoon))?"
    r"|(?P<relative>yesterday|today|last\s+night|this\s+morning|on\s+the\s+same\s+day)"
    r"|" + MONTH_RE + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?"
    r"|(?P<day2>\d{1,2})\s+" + MONTH_RE.replace("month", "month2") + r"(?:\s+(?P<year2>\d{4}))?"
    r")\b",
    re.IGNORECASE,
)


def publication_day(published: str | date | datetime | None) -> date | None:
    """The publication date from the header's date or date-time ("2025-03-13T10:00Z")."""
    if published is None or published == "":
        return None
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(published))
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None  # "2025-02-30": no such day, so no relative day is resolved


def resolve_day(expression: re.Match, published: date) -> date | None:
    """The date a matched DAY_EXPRESSION names, seen from the publication date."""
    if expression.group("weekday"):
        target = WEEKDAYS.index(expression.group("weekday").lower())
        return published - timedelta(days=(published.weekday() - target) % 7)
    relative = expression.group("relative")
    if relative:
        relative = relative.lower()
        if relative in ("yesterday", "last night"):
            return published - timedelta(days=1)
        return published
    month = expression.group("month") or expression.group("month2")
    day = expression.group("day") or expression.group("day2")
    year = expression.group("year") or expression.group("year2")
    if not (month and day):
        return None
    try:
        resolved = date(int(year) if year else published.year, MONTHS[month[:3].lower()], int(day))
    except ValueError:
        return None
    if not year and resolved > published + timedelta(days=1):
        resolved = resolved.replace(year=resolved.year - 1)
    return resolved


def day_near(
    text: str, position: int, published: date | None, *, before: bool = False
) -> date | None:
    """The day named right at ``position`` (after a verb; or right before it with ``before``)."""
    if published is None:
        return None
    if before:
        window = text[max(0, position - 40) : position]
        for match in DAY_EXPRESSION.finditer(window):
            if not window[match.end() :].strip():
                return resolve_day(match, published)
        return None
    match = DAY_EXPRESSION.match(text, position)
    if match is None:
        return None
    return resolve_day(match, published)
