"""Serving in production: the health check, static files without DEBUG, gunicorn's settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


# --- /healthz ------------------------------------------------------------------


def test_healthz_answers_200_when_the_database_and_the_cache_answer(
    client, db, django_assert_max_num_queries
):
    # Expect 1 query: SELECT 1.
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert response["Cache-Control"] == "no-store"


def test_healthz_needs_no_sign_in_no_session_no_https_and_no_known_host(client, db, settings):
    """A load balancer checks the server by its address, over plain HTTP, without cookies."""
    settings.CLAIMSBASE_READ_OPEN = False
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["claims.example.org"]
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert not response.cookies
    assert client.head("/healthz", HTTP_HOST="10.0.0.7:8000").status_code == 200


def test_healthz_answers_503_naming_the_database_when_it_fails(client, db):
    broken = mock.MagicMock()
    broken.cursor.side_effect = OperationalError("connection refused")
    with mock.patch("claimsbase.health.connection", broken):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "failed", "cache": "ok"},
        "failed": ["database"],
    }


def test_healthz_answers_503_naming_the_cache_when_it_fails(client, db):
    broken = mock.MagicMock()
    broken.set.side_effect = ConnectionError("Error 111 connecting to redis:6379")
    with mock.patch("claimsbase.health.cache", broken):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


def test_healthz_answers_503_when_the_cache_keeps_nothing(client, db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "failed"}


# --- static files without DEBUG ---------------------------------------------------


@pytest.fixture
def collected_static(settings, tmp_path):
    """``collectstatic`` as production runs it: hashed, compressed copies in STATIC_ROOT."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = PRODUCTION_STORAGES
    call_command("collectstatic", "--noinput", verbosity=0)
    return tmp_path


def test_pages_link_static_files_that_the_app_server_serves_without_debug(db, collected_static):
    # A new client loads the middleware now, so WhiteNoise sees the collected files.
    client = Client()
    page = client.get("/")
    assert page.status_code == 200
    stylesheet = re.search(r'href="(/static/css/claimsbase\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, "the page links the stylesheet by its hashed name"

    response = client.get(stylesheet.group(1), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert response["Content-Encoding"] == "gzip"
    # A hashed name never changes content, so browsers may keep it for good.
    assert "immutable" in response["Cache-Control"]


def test_static_files_of_the_admin_and_api_docs_are_served_without_debug(db, collected_static):
    client = Client()
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    script = re.search(r'src="(/static/drf_spectacular_sidecar/[^"]+\.js)"', docs.text)
    assert script
    assert client.get(script.group(1)).status_code == 200


# --- gunicorn ----------------------------------------------------------------------


def _gunicorn(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "claimsbase/gunicorn.conf.py", *args],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_gunicorn_config_loads_with_values_from_the_environment():
    result = _gunicorn(
        "--check-config",
        "--print-config",
        GUNICORN_BIND="127.0.0.1:8399",
        GUNICORN_WORKERS="3",
        GUNICORN_THREADS="4",
        GUNICORN_TIMEOUT="45",
    )
    assert result.returncode == 0, result.stderr
    shown = dict(
        re.match(r"(\w+)\s+= (.*)", line).groups()
        for line in result.stdout.splitlines()
        if re.match(r"\w+\s+= ", line)
    )
    assert shown["wsgi_app"] == "claimsbase.wsgi:application"
    assert shown["bind"] == "['127.0.0.1:8399']"
    assert (shown["workers"], shown["threads"], shown["timeout"]) == ("3", "4", "45")


def test_gunicorn_config_refuses_a_malformed_number():
    result = _gunicorn("--check-config", GUNICORN_WORKERS="many")
    assert result.returncode != 0
    assert "GUNICORN_WORKERS must be a whole number, not 'many'" in result.stderr
