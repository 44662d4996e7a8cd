from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class ClaimsbaseAdminConfig(AdminConfig):
    """Installs claimsbase's admin site, whose door is decided by the roles."""

    default_site = "claimsbase.admin.ClaimsbaseAdminSite"


class ClaimsbaseConfig(AppConfig):
    """The plumbing every app shares; connects what the sign-in doors need."""

    name = "claimsbase"
    verbose_name = "claimsbase"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from claimsbase.signin import connect_signals

        connect_signals(get_user_model())
