"""The one text-search interface.

Callers pass a queryset, the words typed and the text fields to look in;
this module decides how. Every word must match at least one field, case
insensitively, which behaves the same on SQLite and PostgreSQL. Fields may
cross relations (``claimant__aliases__name``); matching ids are taken in a
subquery, so joins to many-valued relations never duplicate rows.
"""

from __future__ import annotations

import re
from functools import reduce
from operator import and_, or_

from django.db.models import Q, QuerySet

MAX_TERMS = 10


def terms(q: str) -> list[str]:
    """Words of ``q``; a "quoted phrase" stays one term. At most MAX_TERMS are used.

    NUL characters are dropped: no stored text holds one, and PostgreSQL
    refuses them in a query parameter.
    """
    q = (q or "").replace("\x00", "")
    found = [phrase or word for phrase, word in re.findall(r'"([^"]+)"|(\S+)', q)]
    return [term for term in found if term.strip()][:MAX_TERMS]


def text_search(queryset: QuerySet, q: str, fields: list[str]) -> QuerySet:
    words = terms(q)
    if not words:
        return queryset
    condition = reduce(
        and_,
        (reduce(or_, (Q(**{f"{field}__icontains": word}) for field in fields)) for word in words),
    )
    matching = queryset.model._default_manager.filter(condition).values("pk")
    return queryset.filter(pk__in=matching)
