from django.contrib.admin.apps import AdminConfig


class ClaimsbaseAdminConfig(AdminConfig):
    """Installs claimsbase's admin site, whose door is decided by the roles."""

    default_site = "claimsbase.admin.ClaimsbaseAdminSite"
