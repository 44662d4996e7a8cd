"""The only exceptions to the Content-Security-Policy, each for the one page that needs it.

The policy itself is ``CONTENT_SECURITY_POLICY`` in settings: scripts, styles,
images and fonts from this site only, nothing inline. Pages written here keep
to it; two pages drawn by libraries need a little more, granted to their
responses only:

* django-simple-history's history page in the admin has one fixed
  ``style="border-top: 0"`` attribute; its hash allows that declaration and no
  other (``'unsafe-hashes'`` is what CSP requires for a hash to cover an attribute);
* the interactive API documentation (Swagger UI) draws its icons from
  ``data:`` images in its own stylesheet.
"""

from __future__ import annotations

from csp.decorators import csp_update

# sha256 of the exact declaration "border-top: 0".
_HISTORY_PAGINATOR_STYLE = "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"

HISTORY_PAGE_STYLE = csp_update({"style-src-attr": ["'unsafe-hashes'", _HISTORY_PAGINATOR_STYLE]})
API_DOCS_IMAGES = csp_update({"img-src": ["data:"]})
