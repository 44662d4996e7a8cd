from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from claimsbase.search import sqlite_functions

        # SQLite builds the claims' search documents with a Python function.
        connection_created.connect(sqlite_functions, dispatch_uid="claimsbase_sqlite_functions")
