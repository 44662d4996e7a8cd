"""The editors' workbench: Django's admin, opened by role instead of by is_staff."""

from django.contrib import admin

from claimsbase.permissions import can_use_admin


class ClaimsbaseAdminSite(admin.AdminSite):
    site_header = "claimsbase"
    site_title = "claimsbase admin"
    index_title = "Editors' workbench"

    def has_permission(self, request) -> bool:
        return can_use_admin(request.user)
