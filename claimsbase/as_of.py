"""The knowledge base as of a past day, on every page: ``?as_of=`` read once per request.

``?as_of=2025-03-12`` (the end of that day) or ``?as_of=2025-03-12T09:30Z`` (a
moment) turns any page into the *as-of view*: the claims first reported by
then, each with the status, grade, assessments and relations it had then.
The parameter is parsed here, once, by the same ``MomentField`` the claim
list's and the API's ``as_of`` filter use, so a day means the same thing on
a page, in the API and in an export.

One mechanism carries it from page to page:

* ``AsOfMiddleware`` sets ``request.as_of`` (an ``AsOf``, or None today) and
  answers a page asked for an invalid ``as_of`` with a 400 that says what is
  wrong (the API, the feeds and the admin are left to their own rules: the
  API's and the feeds' FilterSets refuse it with their own 400);
* the context processor ``context`` puts it in every template, with
  ``as_of_today_url`` (the same page without it) for the banner;
* ``{% load as_of %}`` gives ``{% as_of_url url %}``, which every internal
  link of a page writes, and ``{% as_of_field %}``, the hidden input of a
  GET form; Python code that builds a link calls ``with_as_of()``.
"""

from __future__ import annotations

import dataclasses
import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django import forms
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone

PARAMETER = "as_of"
# Paging positions belong to the list they came from; "today" starts at its first page.
LEFT_OUT_OF_TODAY = (PARAMETER, "cursor")


@dataclasses.dataclass(frozen=True)
class AsOf:
    """A past day (its end) or moment that a page shows the knowledge base as of."""

    moment: datetime.datetime  # aware
    value: str  # as given in the URL, carried on as it came
    whole_day: bool  # given as a day (YYYY-MM-DD), not a moment

    def __str__(self) -> str:
        return self.value

    @property
    def day(self) -> datetime.date:
        return timezone.localtime(self.moment).date()


def parse(value: str | None) -> AsOf | None:
    """``value`` as an ``AsOf``, None when empty; ``forms.ValidationError`` when invalid."""
    # Imported here: claimsbase.filters imports DRF, which reads settings when loaded.
    from claimsbase.filters import MomentField

    value = (value or "").strip()
    moment = MomentField(required=False).clean(value)
    if moment is None:
        return None
    return AsOf(moment=moment, value=value, whole_day=len(value) == 10)


def moment(request: HttpRequest) -> datetime.datetime | None:
    """The moment the page shows the knowledge base as of, or None for today."""
    current = getattr(request, "as_of", None)
    return current.moment if current is not None else None


def with_as_of(url: str, as_of: AsOf | None, **query) -> str:
    """``url`` with ``query`` added and, in the as-of view, ``as_of``; its #fragment kept.

    Parameters already in ``url`` stay; a value of None or "" in ``query`` is
    left out, so ``with_as_of(url, as_of, topic=None)`` is just ``url``.
    """
    added = {name: value for name, value in query.items() if value not in (None, "")}
    if as_of is not None:
        added[PARAMETER] = as_of.value
    if not added:
        return url
    scheme, netloc, path, old_query, fragment = urlsplit(url)
    pairs = [(name, value) for name, value in parse_qsl(old_query, keep_blank_values=True)]
    pairs = [(name, value) for name, value in pairs if name not in added]
    pairs += [(name, str(value)) for name, value in added.items()]
    return urlunsplit((scheme, netloc, path, urlencode(pairs), fragment))


def without_as_of(request: HttpRequest) -> str:
    """The page ``request`` asked for, today: the same URL without ``as_of`` (nor its cursor)."""
    query = request.GET.copy()
    for name in LEFT_OUT_OF_TODAY:
        query.pop(name, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def _outside_the_pages(request: HttpRequest, view_func) -> bool:
    """The API and the feeds (their FilterSets judge ``as_of`` and answer in their own
    format) and the admin (which takes none)."""
    from django.contrib.syndication.views import Feed
    from rest_framework.views import APIView

    view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    if isinstance(view_class, type) and issubclass(view_class, APIView):
        return True
    if isinstance(view_func, Feed):
        return True
    match = request.resolver_match
    return bool(match and match.app_name == "admin") or request.path_info.startswith("/api/")


class AsOfMiddleware:
    """Sets ``request.as_of``; a page asked for an impossible day answers 400, never 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.as_of, request.as_of_error = None, ""
        try:
            request.as_of = parse(request.GET.get(PARAMETER))
        except forms.ValidationError as error:
            request.as_of_error = " ".join(error.messages)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not request.as_of_error or _outside_the_pages(request, view_func):
            return None
        response = TemplateResponse(
            request,
            "as_of_invalid.html",
            {
                "value": request.GET.get(PARAMETER, ""),
                "error": request.as_of_error,
                "today_url": without_as_of(request),
            },
            status=400,
        )
        return response.render()


def context(request: HttpRequest) -> dict:
    """Context processor: ``as_of`` (an ``AsOf`` or None) and the page's URL today."""
    current = getattr(request, "as_of", None)
    if current is None:
        return {"as_of": None}
    return {"as_of": current, "as_of_today_url": without_as_of(request)}
