"""Links that stay in the as-of view (``claimsbase.as_of``).

Every internal link of a page is written ``href="{% as_of_url url %}"``
(``url`` a path, e.g. ``claim.get_absolute_url``, or a URL name with its
arguments: ``{% as_of_url 'claims:claim_list' topic=topic.pk %}``); a GET form
holds ``{% as_of_field %}``. Today they give the plain URL and nothing, as of
a past day they add ``as_of``, so an analyst who follows a link stays on the
day they are reading.
"""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from claimsbase.as_of import PARAMETER, with_as_of

register = template.Library()


@register.simple_tag(takes_context=True)
def as_of_url(context, url, *args, **query) -> str:
    """``url`` (a path, or a URL name reversed with ``args``) with ``query`` and ``as_of``."""
    url = str(url)
    if args or not url.startswith(("/", "?", "#", "http:", "https:")):
        try:
            url = reverse(url, args=args)
        except NoReverseMatch:
            if args:
                raise
    return with_as_of(url, context.get("as_of"), **query)


@register.simple_tag(takes_context=True)
def as_of_field(context, form=None) -> str:
    """The hidden ``as_of`` input of a GET form, in the as-of view; nothing today, nor
    when ``form`` (a filter form) has an ``as_of`` field of its own."""
    current = context.get("as_of")
    if current is None or (form is not None and PARAMETER in form.fields):
        return ""
    return format_html('<input type="hidden" name="{}" value="{}">', PARAMETER, current.value)
