"""Who may do what, decided in one place.

Three roles are Django groups made by a data migration (see
``claims/migrations/0002_roles.py``), each holding model permissions:

* **viewer** reads everything and changes nothing;
* **analyst** also assesses claims, relates them and adds evidence;
* **editor** also enters and edits sources, claims, actors, places and topics,
  and merges duplicate claims.

Everything else asks this module: the admin site's door, the DRF permission
class, the page mixin and the querysets' visibility scope. Reading is open to
anonymous visitors unless ``CLAIMSBASE_READ_OPEN`` is off; this module is the
only reader of that setting.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.models import Group
from rest_framework import permissions

VIEWER = "viewer"
ANALYST = "analyst"
EDITOR = "editor"
ROLES = (VIEWER, ANALYST, EDITOR)

# Roles whose members work in the admin (editors enter articles, analysts
# assess and relate claims there). Viewers read the pages and the API only.
ADMIN_ROLES = (ANALYST, EDITOR)


def read_is_open() -> bool:
    return settings.CLAIMSBASE_READ_OPEN


def has_role(user, *roles: str) -> bool:
    """Whether ``user`` holds one of ``roles``; superusers hold every role."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=roles).exists()


def can_read(user) -> bool:
    return read_is_open() or (user.is_authenticated and user.is_active)


def can_use_admin(user) -> bool:
    return has_role(user, *ADMIN_ROLES)


def can(user, permission: str) -> bool:
    """Whether ``user`` may perform a write named by a Django permission."""
    return user.is_authenticated and user.is_active and user.has_perm(permission)


def role_grant(*, user, role: str) -> None:
    """Put ``user`` in ``role``'s group (made by the roles data migration)."""
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    user.groups.add(Group.objects.get(name=role))


class RolePermission(permissions.BasePermission):
    """DRF permission: reads follow the read-open switch, writes need a model permission.

    A view names the permission a write needs with ``required_permissions``, a
    dict from action (``create``, ``assess`` ...) to a Django permission;
    otherwise the model's add/change/delete permission is required.
    """

    write_perms = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return can_read(request.user)
        if not request.user.is_authenticated:
            return False
        needed = self.permission_for(request, view)
        return needed is not None and can(request.user, needed)

    def permission_for(self, request, view) -> str | None:
        explicit = getattr(view, "required_permissions", {})
        action = getattr(view, "action", None)
        if action in explicit:
            return explicit[action]
        verb = self.write_perms.get(request.method)
        queryset = getattr(view, "queryset", None)
        model = queryset.model if queryset is not None else None
        if verb is None or model is None:
            return None
        return f"{model._meta.app_label}.{verb}_{model._meta.model_name}"


class SignedInPermission(permissions.BasePermission):
    """DRF permission for a user's own things (their API tokens): any active signed-in user."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_active)


class ReadPermissionMixin(AccessMixin):
    """Page mixin: reading follows the read-open switch; anonymous users go to sign in."""

    def dispatch(self, request, *args, **kwargs):
        if not can_read(request.user):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class WritePermissionMixin(AccessMixin):
    """Page mixin for an action: the user needs ``permission_required``."""

    permission_required: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not can(request.user, self.permission_required):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)
