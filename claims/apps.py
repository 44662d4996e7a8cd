from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import pre_save

        from claimsbase.models import skip_history_of_loaded_rows
        from claimsbase.search import sqlite_functions

        # Rows loaded from a backup bring their own history (both apps connect it, once).
        pre_save.connect(skip_history_of_loaded_rows, dispatch_uid="skip_history_of_loaded_rows")

        # SQLite builds the claims' search documents with a Python function.
        connection_created.connect(sqlite_functions, dispatch_uid="claimsbase_sqlite_functions")
