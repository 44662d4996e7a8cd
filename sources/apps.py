from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Sources"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from claimsbase.models import skip_history_of_loaded_rows

        # Rows loaded from a backup bring their own history (both apps connect it, once).
        pre_save.connect(skip_history_of_loaded_rows, dispatch_uid="skip_history_of_loaded_rows")
