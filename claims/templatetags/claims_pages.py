"""Template helpers of the analysts' pages.

Everything that puts article text into HTML goes through ``escape`` here, so
a source whose body holds markup or script is shown as text. The source body
is rendered so that its text content equals the stored body exactly: the
offsets a reader's selection yields in the browser are the offsets an
excerpt stores.
"""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from claimsbase.as_of import with_as_of

register = template.Library()

# A sentence ends at ., ! or ? followed by whitespace, or at a line break.
SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s|\n")


@register.simple_tag(takes_context=True)
def admin_edit_link(context, record):
    """An "Edit in admin" link to ``record``'s change page, for those who may change it."""
    from claimsbase.permissions import can

    meta = record._meta
    if not can(context["request"].user, f"{meta.app_label}.change_{meta.model_name}"):
        return ""
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
    return format_html('<a class="admin-edit" href="{}">Edit in admin</a>', url)


@register.inclusion_tag("includes/_claim_list_links.html", takes_context=True)
def claim_list_links(context, parameter: str, record, what: str = "claims"):
    """Links to the claim list filtered to ``record`` (``?actor=7``) and to its CSV export.

    ``parameter`` is a filter of the claim list (``actor``, ``place``, ``topic``,
    ``outlet``); the export takes the same filters, so both show the same claims, as of
    the page's day in the as-of view.
    """
    as_of = context.get("as_of")
    query = {parameter: record.pk}
    return {
        "list_url": with_as_of(reverse("claims:claim_list"), as_of, **query),
        "csv_url": with_as_of(reverse("claims-api:claim-csv"), as_of, **query),
        "what": what,
    }


@register.filter
def role_on(actor, day):
    """The role ``actor`` held on ``day`` (from prefetched roles), or None."""
    return actor.role_on(day) if actor is not None else None


@register.filter
def label_from(relation, claim) -> str:
    return relation.label_from(claim)


@register.filter
def percent(share: float) -> str:
    return f"{round(share * 100)} %"


def sentence_bounds(body: str, start: int, end: int) -> tuple[int, int]:
    """The start and end of the sentence(s) around ``body[start:end]``."""
    before = 0
    for match in SENTENCE_END.finditer(body, 0, start):
        before = match.end()
    after = SENTENCE_END.search(body, max(end - 1, start))
    return before, (after.end() if after else len(body))


@register.simple_tag
def excerpt_in_context(excerpt, body: str):
    """The excerpt inside its sentence, the quote marked; all text escaped."""
    if excerpt is None:
        return ""
    if excerpt.is_lost or body[excerpt.start : excerpt.end] != excerpt.exact:
        return format_html('<mark class="quote">{}</mark>', excerpt.exact)
    left, right = sentence_bounds(body, excerpt.start, excerpt.end)
    return format_html(
        '{}<mark class="quote">{}</mark>{}',
        body[left : excerpt.start].lstrip(),
        excerpt.exact,
        body[excerpt.end : right].rstrip(),
    )


@register.simple_tag(takes_context=True)
def highlighted_body(context, source, claims, cards=()):
    """The whole body with every recorded excerpt marked and linked to its claim.

    On the intake screen, the words of each suggested claim are marked too
    and lead to its card. Overlapping spans are clipped so the text is never
    repeated: the rendered text content stays equal to the body. In the
    as-of view the links to claims carry ``as_of``.
    """
    body = source.body
    spans: dict[object, tuple[int, int, list]] = {}
    for claim in claims:
        for appearance in getattr(claim, "appearances_here", ()):
            excerpt = appearance.excerpt
            if excerpt is None or excerpt.is_lost:
                continue
            entry = spans.setdefault(excerpt.pk, (excerpt.start, excerpt.end, []))
            entry[2].append(claim)
    for card in cards or ():
        suggestion = card["suggestion"]
        spans[f"card{card['number']}"] = (suggestion.start, suggestion.end, [card])
    parts, cursor = [], 0
    for start, end, linked in sorted(spans.values(), key=lambda s: (s[0], -s[1])):
        start = max(start, cursor)
        if start >= end:
            continue
        parts.append(escape(body[cursor:start]))
        first = linked[0]
        if isinstance(first, dict):  # a suggestion card
            parts.append(
                format_html(
                    '<a class="suggested" href="#card{}" title="Suggestion {}">{}</a>',
                    first["number"],
                    first["number"],
                    body[start:end],
                )
            )
        else:
            title = "; ".join(str(claim) for claim in linked)
            parts.append(
                format_html(
                    '<a class="excerpt" id="excerpt-{}" href="{}" title="{}">{}</a>',
                    start,
                    with_as_of(first.get_absolute_url(), context.get("as_of")),
                    title,
                    body[start:end],
                )
            )
        cursor = end
    parts.append(escape(body[cursor:]))
    # Every part was escaped above, by escape() or format_html().
    return mark_safe("".join(str(part) for part in parts))


@register.inclusion_tag("includes/_status_badge.html")
def status_badge(status, grade: str = ""):
    """A status as text and colour (never colour alone), with the two-part grade if known."""
    from claims.models import VerificationStatus

    choice = VerificationStatus(status)
    return {"status": choice, "grade": grade}


@register.filter
def figure(quantity) -> str:
    """A quantity's number in its canonical unit, rounded to the precision it was written
    with: 386 square miles → "≈ 1,000 km²" (``Quantity.amount``)."""
    return quantity.amount if quantity is not None else ""


@register.filter
def as_written(quantity) -> str:
    """ "386 square miles": the quantity as given, when its unit was converted; else ""."""
    if quantity is None or not quantity.canonical_unit or quantity.unit == quantity.canonical_unit:
        return ""
    value = quantity.value.normalize()
    upper = f"–{quantity.value_max.normalize():,f}" if quantity.value_max is not None else ""
    return f"{value:,f}{upper} {quantity.unit}"
