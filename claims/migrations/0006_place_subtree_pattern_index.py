"""A pattern index on the place path, so "inside Kursk Oblast" is an index range on PostgreSQL.

``Place.objects.inside`` filters ``ancestor_path LIKE '/1/7/%'``. Under a
non-C collation (C.UTF-8, en_US.UTF-8) PostgreSQL cannot use an ordinary
btree index for LIKE; ``varchar_pattern_ops`` compares byte-wise and can.
SQLite's LIKE uses no index either way, and the embedded database is small.
"""

from django.db import migrations

INDEX = "claims_place_ancestor_path_like"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON claims_place (ancestor_path varchar_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0005_assessment_reliability_choices")]

    operations = [migrations.RunPython(create, drop)]
