"""``/healthz``: whether this app server can serve, for load balancers and monitors.

It answers 200 only when the database answers ``SELECT 1`` and the cache
returns a value just written to it, and 503 naming what failed otherwise, so
a proxy takes a server out of rotation when it has lost either.

It is a middleware at the top of the stack rather than a view: a health check
comes from a load balancer that addresses the server by its IP over plain
HTTP, sends no cookie and no CSRF token, and must not be redirected to HTTPS,
refused for its Host header, asked to sign in when reading is closed, or given
a session. So it answers before any of that runs, and costs two round trips.
"""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

PATH = "/healthz"
logger = logging.getLogger(__name__)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database does not answer")
        return False


def _cache_answers() -> bool:
    # A key of its own per check, so two checks at once cannot read each other's value.
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        answered = cache.get(key) == value
        cache.delete(key)
    except Exception:
        logger.exception("Health check: the cache does not answer")
        return False
    if not answered:
        logger.error("Health check: the cache did not return the value just written")
    return answered


def health() -> tuple[int, dict]:
    """The status code and body of a health check."""
    checks = {
        "database": "ok" if _database_answers() else "failed",
        "cache": "ok" if _cache_answers() else "failed",
    }
    failed = [name for name, result in checks.items() if result != "ok"]
    body = {"status": "unavailable" if failed else "ok", "checks": checks}
    if failed:
        body["failed"] = failed
    return (503 if failed else 200), body


class HealthCheckMiddleware:
    """Answers ``GET``/``HEAD /healthz`` itself; every other request passes on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        status, body = health()
        response = JsonResponse(body, status=status)
        response["Cache-Control"] = "no-store"
        return response
