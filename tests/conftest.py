"""Personas, clients and data shared by every test.

Users are named for their role, so a test reads as who does what: the
``viewer`` may only read, the ``analyst`` assesses and relates claims, the
``editor`` enters and edits everything.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from claims.extraction.database import forget_knowledge
from claimsbase.permissions import ANALYST, EDITOR, VIEWER, role_grant


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    """Speed switches for tests only: a cheap hasher and in-memory email; and an empty
    cache, so that no test reads counts, throttle counters or sign-in failures another test
    left (failures counted in the database go with the test's transaction), nor the
    names another test recorded."""
    cache.clear()
    forget_knowledge()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SECURE_SSL_REDIRECT = False


def _user_with_role(username: str, role: str | None):
    user = get_user_model().objects.create_user(username=username, password="not-used")
    if role:
        role_grant(user=user, role=role)
    return user


@pytest.fixture
def viewer(db):
    return _user_with_role("vera-viewer", VIEWER)


@pytest.fixture
def analyst(db):
    return _user_with_role("ana-analyst", ANALYST)


@pytest.fixture
def editor(db):
    return _user_with_role("ed-editor", EDITOR)


@pytest.fixture
def nobody(db):
    """Signed in, but holding no role."""
    return _user_with_role("nobody", None)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def viewer_client(viewer):
    return _client_for(viewer)


@pytest.fixture
def analyst_client(analyst):
    return _client_for(analyst)


@pytest.fixture
def editor_client(editor):
    return _client_for(editor)


@pytest.fixture
def read_closed(settings):
    """Close reading to anonymous visitors."""
    settings.CLAIMSBASE_READ_OPEN = False


@pytest.fixture
def seed(db):
    """The worked example: the novinite.com article, modelled completely, as `make run` loads it."""
    call_command("load_demo", "--no-user", stdout=io.StringIO())
