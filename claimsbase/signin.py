"""The doors that take a password: the sign-in page, the admin's, and API tokens.

django-axes counts failed sign-ins and refuses further attempts, the right
password included, for a cool-off time once a username or a client address has
failed too often (settings: ``AXES_*``). It hooks into
``django.contrib.auth.authenticate()``, which all three doors call. This module
gives it:

* its authentication backend, for attempts that come through a door;
* the client address, decided the same way as for the API's throttling;
* the answer a locked-out page visitor gets: a page saying how long to wait;
* the API's HTTP Basic authentication, which answers a lockout with a 429 in the
  API's error shape (django-axes' middleware never sees DRF's request object);

and ends a user's API tokens when their password changes.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.db.models.signals import post_init, post_save
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from knox.models import AuthToken
from rest_framework import authentication, exceptions, status
from rest_framework.settings import api_settings


def client_address(request) -> str:
    """The address a sign-in attempt comes from.

    ``REMOTE_ADDR``, unless ``API_NUM_PROXIES`` trusted proxies stand in front of
    the site: then the address the outermost of them saw, read from the right of
    ``X-Forwarded-For``. The left-most entries are whatever the client wrote, so
    they are never trusted; otherwise an attacker would pick a fresh address for
    every attempt.
    """
    proxies = api_settings.NUM_PROXIES or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(",")]
        return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in ``AUTHENTICATION_BACKENDS``.

    Every door passes the request to ``authenticate()``. A call without one
    comes from code running on the server (a shell, the test client's
    ``login()``), not from a visitor: there is no address to count, so it is
    left to the next backend instead of raising as django-axes does.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def cool_off_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The sign-in page (or the admin's) for a locked-out username or address: 429."""
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": cool_off_minutes(), "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=status.HTTP_429_TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


class LockedOut(exceptions.APIException):
    """Too many failed sign-ins: every attempt is refused until the cool-off has passed."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self) -> None:
        minutes = cool_off_minutes()
        super().__init__(
            f"Too many failed sign-ins for this username or from this address: every "
            f"sign-in is refused for {minutes} minute{'' if minutes == 1 else 's'} after "
            "the last attempt. An administrator can lift the lockout sooner."
        )
        # DRF turns ``wait`` into the Retry-After header.
        self.wait = int(settings.AXES_COOLOFF_TIME.total_seconds())


class LockoutBasicAuthentication(authentication.BasicAuthentication):
    """HTTP Basic sign-in whose refusals during a lockout are a 429, not a 401.

    django-axes marks the request it was given as locked out; for the API that
    is DRF's request, which its middleware never sees, so the mark is read here.
    """

    def authenticate_credentials(self, userid, password, request=None):
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            if getattr(request, "axes_locked_out", False):
                raise LockedOut() from None
            raise


# --- tokens end with the password ------------------------------------------

_LOADED_HASH = "_password_hash_when_loaded"


def remember_password_hash(sender, instance, **kwargs) -> None:
    # Read from __dict__: a user loaded without its password (only()/defer())
    # must not cost a query per row here.
    setattr(instance, _LOADED_HASH, instance.__dict__.get("password"))


def revoke_tokens_on_password_change(sender, instance, created, raw=False, **kwargs) -> None:
    """Delete the user's API tokens when the stored password hash has changed.

    Tokens follow what Django does to sessions, which are signed with the
    password hash: any new hash (a new password, an unusable one, or the
    hasher's own upgrade of an old hash) ends them, so a stolen token dies
    with the password that was used to make it.
    """
    current = instance.__dict__.get("password")
    loaded = getattr(instance, _LOADED_HASH, None)
    setattr(instance, _LOADED_HASH, current)
    if created or raw or loaded is None or current is None or current == loaded:
        return
    AuthToken.objects.filter(user=instance).delete()


def connect_signals(user_model) -> None:
    post_init.connect(
        remember_password_hash, sender=user_model, dispatch_uid="claimsbase_password_hash"
    )
    post_save.connect(
        revoke_tokens_on_password_change,
        sender=user_model,
        dispatch_uid="claimsbase_revoke_tokens",
    )
