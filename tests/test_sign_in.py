"""The doors that take a password: lockout after repeated failures, and tokens that end with
the password.

Every door (the sign-in page, the admin's, HTTP Basic on /api/v1/tokens/) is tried with
failures counted in the database and in the cache, the two places a deployment may keep them.
"""

from __future__ import annotations

import base64
import datetime
import io
import types

import pytest
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import SESSION_KEY
from django.core.cache.backends import locmem
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from claimsbase.permissions import ANALYST, role_grant
from tests.helpers import assert_status

pytestmark = pytest.mark.django_db

PASSWORD = "a long and right password"
LIMIT = 5
HANDLERS = {
    "database": "axes.handlers.database.AxesDatabaseHandler",
    "cache": "axes.handlers.cache.AxesCacheHandler",
}


@pytest.fixture(params=sorted(HANDLERS), autouse=True)
def store(request, settings):
    """Count failures in the database, then in the cache, with the limit the README gives."""
    configured = settings.AXES_HANDLER
    settings.AXES_HANDLER = HANDLERS[request.param]
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
    # django-axes keeps one handler object; make it again for the store chosen, and after.
    AxesProxyHandler.get_implementation(force=True)
    yield request.param
    settings.AXES_HANDLER = configured
    AxesProxyHandler.get_implementation(force=True)


@pytest.fixture
def later(monkeypatch):
    """Move the clock the lockout reads (the attempt's time, the cache's expiry) forward."""

    def advance(delta: datetime.timedelta) -> None:
        real_now, real_time = timezone.now, locmem.time.time
        monkeypatch.setattr("axes.handlers.proxy.now", lambda: real_now() + delta)
        monkeypatch.setattr(
            locmem, "time", types.SimpleNamespace(time=lambda: real_time() + delta.total_seconds())
        )

    return advance


@pytest.fixture
def ana(db):
    user = _user("ana")
    role_grant(user=user, role=ANALYST)  # may use the admin
    return user


def _user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username=username, password=PASSWORD)


def _basic(username: str, password: str) -> dict:
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


# One function per door: try a password from an address; answer the status and whether
# the right password let the user in.


def _site(client: Client, username: str, password: str):
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response, SESSION_KEY in client.session


def _admin(client: Client, username: str, password: str):
    response = client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}
    )
    return response, SESSION_KEY in client.session


def _api(client: Client, username: str, password: str):
    response = client.post("/api/v1/tokens/", headers=_basic(username, password))
    return response, response.status_code == 201


DOORS = {"sign-in page": _site, "admin": _admin, "API token": _api}
FAILED = {"sign-in page": 200, "admin": 200, "API token": 401}  # a plain wrong password
SUCCEEDED = {"sign-in page": 302, "admin": 302, "API token": 201}


def _assert_locked(door: str, response) -> None:
    assert_status(response, 429)
    if door == "API token":
        body = response.json()
        assert body["code"] == "locked_out"
        assert set(body) == {"status", "code", "detail", "errors"} and body["status"] == 429
        assert "15 minutes" in body["detail"]
    else:
        page = " ".join(response.content.decode().split())
        assert "Sign-in locked" in page
        assert "even with the right password" in page and "15 minutes" in page
    assert response["Retry-After"] == str(15 * 60)


@pytest.mark.parametrize("door", DOORS)
def test_a_username_is_locked_after_the_limit_even_with_the_right_password(door, ana):
    attempt = DOORS[door]
    client = Client()
    for _ in range(LIMIT - 1):
        response, signed_in = attempt(client, "ana", "wrong")
        assert_status(response, FAILED[door])
        assert not signed_in
    response, _ = attempt(client, "ana", "wrong")
    _assert_locked(door, response)

    response, signed_in = attempt(client, "ana", PASSWORD)
    _assert_locked(door, response)
    assert not signed_in
    assert not AuthToken.objects.filter(user=ana).exists()


@pytest.mark.parametrize("door", DOORS)
def test_fewer_failures_than_the_limit_do_not_lock(door, ana):
    attempt = DOORS[door]
    client = Client()
    for _ in range(LIMIT - 1):
        attempt(client, "ana", "wrong")
    response, signed_in = attempt(client, "ana", PASSWORD)
    assert_status(response, SUCCEEDED[door])
    assert signed_in


@pytest.mark.parametrize("door", DOORS)
def test_one_address_trying_many_usernames_is_locked_for_every_username(door, ana):
    attempt = DOORS[door]
    spraying = Client(REMOTE_ADDR="203.0.113.7")
    for number in range(LIMIT):
        response, _ = attempt(spraying, f"guess-{number}", "wrong")
    _assert_locked(door, response)

    # Ana's right password from that address is refused; from hers it is accepted.
    response, signed_in = attempt(Client(REMOTE_ADDR="203.0.113.7"), "ana", PASSWORD)
    _assert_locked(door, response)
    response, signed_in = attempt(Client(REMOTE_ADDR="198.51.100.20"), "ana", PASSWORD)
    assert_status(response, SUCCEEDED[door])
    assert signed_in


@pytest.mark.parametrize("door", DOORS)
def test_one_username_tried_from_many_addresses_is_locked_everywhere(door, ana):
    attempt = DOORS[door]
    for number in range(LIMIT):
        response, _ = attempt(Client(REMOTE_ADDR=f"203.0.113.{number + 1}"), "ana", "wrong")
    _assert_locked(door, response)
    response, signed_in = attempt(Client(REMOTE_ADDR="198.51.100.20"), "ana", PASSWORD)
    _assert_locked(door, response)
    assert not signed_in


def test_failures_at_one_door_count_at_the_others(ana):
    client = Client()
    for number in range(LIMIT):
        list(DOORS.values())[number % 3](client, "ana", "wrong")
    for door, attempt in DOORS.items():
        _assert_locked(door, attempt(client, "ana", PASSWORD)[0])


@pytest.mark.parametrize("door", DOORS)
def test_the_lockout_ends_after_the_cool_off(door, ana, later):
    attempt = DOORS[door]
    client = Client()
    for _ in range(LIMIT):
        attempt(client, "ana", "wrong")
    later(datetime.timedelta(minutes=14))
    _assert_locked(door, attempt(client, "ana", PASSWORD)[0])

    # That refused try started the wait again: 15 minutes from it, not from the first lock.
    later(datetime.timedelta(minutes=14 + 16))
    response, signed_in = attempt(client, "ana", PASSWORD)
    assert_status(response, SUCCEEDED[door])
    assert signed_in


def test_the_cool_off_and_limit_come_from_settings(ana, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=1)
    client = Client()
    assert_status(_api(client, "ana", "wrong")[0], 401)
    response = _api(client, "ana", "wrong")[0]
    assert_status(response, 429)
    assert response["Retry-After"] == "60"
    assert "1 minute " in response.json()["detail"]


def test_an_administrator_lifts_a_lockout_with_the_reset_commands(ana, store):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(LIMIT):
        _site(client, "ana", "wrong")
    _assert_locked("sign-in page", _site(client, "ana", PASSWORD)[0])

    out = io.StringIO()
    call_command("axes_reset_username", "ana", stdout=out)
    assert "removed" in out.getvalue()
    if store == "cache":
        # The cache counts the address apart from the username: it is reset on its own.
        _assert_locked("sign-in page", _site(client, "ana", PASSWORD)[0])
        call_command("axes_reset_ip", "203.0.113.9", stdout=io.StringIO())
    response, signed_in = _site(Client(REMOTE_ADDR="203.0.113.9"), "ana", PASSWORD)
    assert_status(response, 302)
    assert signed_in


def test_the_address_counted_behind_a_proxy_is_the_one_the_proxy_saw(ana, settings):
    """A client cannot dodge the lockout by writing its own X-Forwarded-For."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for number in range(LIMIT):
        forged = {"X-Forwarded-For": f"10.0.0.{number}, 203.0.113.50"}
        response = Client(REMOTE_ADDR="127.0.0.1", headers=forged).post(
            reverse("login"), {"username": f"guess-{number}", "password": "wrong"}
        )
    assert_status(response, 429)
    other = Client(REMOTE_ADDR="127.0.0.1", headers={"X-Forwarded-For": "198.51.100.20"})
    assert_status(other.post(reverse("login"), {"username": "ana", "password": PASSWORD}), 302)


def test_code_on_the_server_signs_in_without_a_request(ana):
    """The test client's login() and a shell call authenticate() with no request to count."""
    from django.contrib.auth import authenticate

    assert authenticate(username="ana", password=PASSWORD) == ana
    assert authenticate(username="ana", password="wrong") is None
    assert Client().login(username="ana", password=PASSWORD)


def test_the_lockout_is_documented_in_the_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    create = schema["paths"]["/api/v1/tokens/"]["post"]
    assert "Too many failed sign-ins" in create["responses"]["429"]["description"]


# --- tokens end with the password ------------------------------------------------


@pytest.fixture
def token(ana):
    return AuthToken.objects.create(user=ana)[1]


def _works(token: str) -> int:
    return Client(headers={"Authorization": f"Token {token}"}).get("/api/v1/tokens/").status_code


def test_a_new_password_ends_the_users_tokens(ana, token, store):
    other = AuthToken.objects.create(user=_user("bob"))[1]
    assert _works(token) == 200
    ana.set_password("a brand new password")
    ana.save()
    assert _works(token) == 401
    assert _works(other) == 200


def test_saving_a_user_without_a_new_password_keeps_their_tokens(ana, token, store):
    ana.first_name = "Ana"
    ana.save()
    client = Client()
    assert_status(_site(client, "ana", PASSWORD)[0], 302)  # writes last_login
    assert _works(token) == 200


def test_changing_ones_own_password_in_the_admin_ends_ones_tokens(ana, token, store):
    client = Client()
    client.force_login(ana)
    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new password",
            "new_password2": "a brand new password",
        },
    )
    assert_status(response, 302)
    assert _works(token) == 401


def test_an_administrator_setting_a_users_password_ends_their_tokens(ana, token, store):
    from django.contrib.auth import get_user_model

    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root", password=PASSWORD))
    response = admin.post(
        reverse("admin:auth_user_password_change", args=[ana.pk]),
        {
            "password1": "a brand new password",
            "password2": "a brand new password",
            "usable_password": "true",
        },
    )
    assert_status(response, 302)
    assert _works(token) == 401


def test_making_a_password_unusable_ends_the_users_tokens(ana, token, store):
    ana.set_unusable_password()
    ana.save()
    assert _works(token) == 401
