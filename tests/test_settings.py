"""Settings read from the environment: each variation is a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3W9-production-only-" + "x7Qz" * 12,
    "ALLOWED_HOSTS": "claims.example.org",
}
# Variables of the surrounding shell (or of other tests, such as the browser tests'
# DJANGO_ALLOW_ASYNC_UNSAFE) that would change what is being checked.
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CACHE_URL",
    "CONN_MAX_AGE",
    "CONN_HEALTH_CHECKS",
}
SETTINGS_PREFIXES = ("DJANGO_", "SECURE_", "SESSION_", "CSRF_", "CLAIMSBASE_", "LOGIN_", "CSP_")
SHOW_SETTINGS = (
    "import django, json; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'DEBUG': settings.DEBUG, 'ENGINE': db['ENGINE'], 'NAME': str(db['NAME']), "
    "'HOST': db.get('HOST', ''), 'PORT': db.get('PORT', ''), "
    "'ALLOWED_HOSTS': settings.ALLOWED_HOSTS, 'CONN_MAX_AGE': db['CONN_MAX_AGE']}))"
)


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run Python in the project with only the given claimsbase variables set."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if name not in SETTINGS_VARIABLES and not name.startswith(SETTINGS_PREFIXES)
    }
    clean["DJANGO_SETTINGS_MODULE"] = "claimsbase.settings"
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings(**env: str) -> dict:
    result = _run("-c", SHOW_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_without_a_secret_key_refuses_to_start():
    result = _run("-c", SHOW_SETTINGS, DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set." in result.stderr


def test_debug_defaults_to_off_so_a_bare_start_needs_a_secret_key():
    result = _run("-c", SHOW_SETTINGS)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_gets_a_secret_key_and_local_hosts():
    shown = _settings(DEBUG="1")
    assert shown["DEBUG"] is True
    assert shown["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_malformed_debug_is_improperly_configured(value):
    result = _run("-c", SHOW_SETTINGS, DEBUG=value)
    assert result.returncode != 0
    assert (
        f"ImproperlyConfigured: DEBUG must be a boolean (1/0, true/false), not {value!r}"
        in result.stderr
    )


def test_malformed_integer_is_improperly_configured():
    result = _run("-c", SHOW_SETTINGS, DEBUG="1", CONN_MAX_AGE="forever")
    assert "ImproperlyConfigured: CONN_MAX_AGE must be an integer, not 'forever'" in result.stderr


def test_database_url_selects_postgresql():
    shown = _settings(
        DEBUG="1",
        DATABASE_URL="postgres://claims:secret@db.example:5433/claimsbase",
        CONN_MAX_AGE="60",
    )
    assert shown["ENGINE"] == "django.db.backends.postgresql"
    assert (shown["NAME"], shown["HOST"], shown["PORT"]) == ("claimsbase", "db.example", 5433)
    assert shown["CONN_MAX_AGE"] == 60


def test_without_database_url_a_local_sqlite_file_is_used():
    shown = _settings(DEBUG="1")
    assert shown["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(shown["NAME"]) == ROOT / "var" / "claimsbase.sqlite3"


def test_cache_url_must_be_redis():
    result = _run("-c", SHOW_SETTINGS, DEBUG="1", CACHE_URL="memcached://cache:11211")
    assert "CACHE_URL must be a redis:// URL" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_without_allowed_hosts_have_none():
    shown = _settings(DEBUG="0", SECRET_KEY=PRODUCTION["SECRET_KEY"])
    assert shown["ALLOWED_HOSTS"] == []


SHOW_DOORS = (
    "import django, json; from django.conf import settings; django.setup(); "
    "print(json.dumps({'handler': settings.AXES_HANDLER, 'limit': settings.AXES_FAILURE_LIMIT, "
    "'minutes': settings.AXES_COOLOFF_TIME.total_seconds() / 60, "
    "'report': settings.CONTENT_SECURITY_POLICY['DIRECTIVES'].get('report-uri')}))"
)


def _doors(**env: str) -> dict:
    result = _run("-c", SHOW_DOORS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_failed_sign_ins_are_counted_in_the_database_unless_a_shared_cache_is_named():
    assert _doors(DEBUG="1") == {
        "handler": "axes.handlers.database.AxesDatabaseHandler",
        "limit": 5,
        "minutes": 15,
        "report": None,
    }
    shown = _doors(DEBUG="1", CACHE_URL="redis://cache:6379/0")
    assert shown["handler"] == "axes.handlers.cache.AxesCacheHandler"
    shown = _doors(DEBUG="1", CACHE_URL="redis://cache:6379/0", LOGIN_LOCKOUT_STORE="database")
    assert shown["handler"] == "axes.handlers.database.AxesDatabaseHandler"


def test_the_lockout_and_the_policy_reports_are_set_from_the_environment():
    shown = _doors(
        DEBUG="1",
        LOGIN_FAILURE_LIMIT="10",
        LOGIN_LOCKOUT_MINUTES="60",
        CSP_REPORT_URI="https://reports.example.org/csp",
    )
    assert (shown["limit"], shown["minutes"]) == (10, 60)
    assert shown["report"] == ["https://reports.example.org/csp"]


def test_an_unknown_lockout_store_stops_the_start():
    result = _run("-c", SHOW_DOORS, DEBUG="1", LOGIN_LOCKOUT_STORE="memory")
    assert "LOGIN_LOCKOUT_STORE must be cache or database, not 'memory'" in result.stderr


def test_a_lockout_counted_in_a_cache_that_is_not_shared_fails_the_deploy_check():
    result = _run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        LOGIN_LOCKOUT_STORE="cache",
    )
    assert result.returncode != 0
    assert "axes.W001" in result.stdout + result.stderr
