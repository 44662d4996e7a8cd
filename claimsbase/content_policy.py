"""The only exceptions to the Content-Security-Policy, each for the one page that needs it.

The policy itself is ``CONTENT_SECURITY_POLICY`` in settings: scripts, styles,
images and fonts from this site only, nothing inline. Pages written here keep
to it; two pages drawn by libraries need a little more, granted to their
responses only:

* django-simple-history's history page in the admin has one fixed
  ``style="border-top: 0"`` attribute; its hash allows that declaration and no
  other (``'unsafe-hashes'`` is what CSP requires for a hash to cover an attribute);
* the interactive API documentation (Swagger UI) draws its icons from
  ``data:`` images in its own stylesheet;
* the pages with a map of claims (place, topic, claim list) load tile images
  from the server ``MAP_TILE_URL`` names, when it names one.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from csp.decorators import csp_update
from django.conf import settings

# sha256 of the exact declaration "border-top: 0".
_HISTORY_PAGINATOR_STYLE = "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"

HISTORY_PAGE_STYLE = csp_update({"style-src-attr": ["'unsafe-hashes'", _HISTORY_PAGINATOR_STYLE]})
API_DOCS_IMAGES = csp_update({"img-src": ["data:"]})


def tile_source(url: str) -> str:
    """The source a tile URL template's images come from, for ``img-src``: its scheme and
    host (with the port), any subdomain where the template picks one (``{s}.tile…``)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1].replace("{s}", "*")
    return f"{parts.scheme}://{host}"


def map_tiles(view):
    """Let a map page show tiles from ``MAP_TILE_URL``'s server; nothing more when unset."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if settings.MAP_TILE_URL:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["img-src"] = [*update.get("img-src", []), tile_source(settings.MAP_TILE_URL)]
            response._csp_update = update
        return response

    return wrapped
