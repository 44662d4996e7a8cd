"""The only exceptions to the Content-Security-Policy, each for the one page that needs it.

The policy itself is ``CONTENT_SECURITY_POLICY`` in settings: scripts, styles,
images and fonts from this site only, nothing inline. Pages written here keep
to it (the admin's history pages too: their list is the project's own template,
``admin/claimsbase/object_history_list.html``); one page drawn by a library needs
a little more, granted to its responses only: the interactive API documentation
(Swagger UI) draws its icons from ``data:`` images in its own stylesheet.
"""

from __future__ import annotations

from csp.decorators import csp_update

API_DOCS_IMAGES = csp_update({"img-src": ["data:"]})
