"""B-tree indexes on the normal form of actor and place names and aliases (PostgreSQL).

``?name=`` on actors and places is an exact lookup of
``lower(claimsbase_unaccent(name))`` (``claimsbase.search.exact_name``). The
GIN trigram indexes of 0008 can answer equality too, but the planner costs
them above a scan of a few thousand rows, which then unaccents every name;
a b-tree on the same expression is an index probe at any size. SQLite has no
such function in its indexes and compares row by row.
"""

from django.db import migrations

INDEXES = {
    "actor_name_norm_idx": "claims_actor",
    "actoralias_name_norm_idx": "claims_actoralias",
    "place_name_norm_idx": "claims_place",
    "placealias_name_norm_idx": "claims_placealias",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, table in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON {table} (lower(claimsbase_unaccent(name)))"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0015_claim_claim_external_id_idx_and_more")]

    operations = [migrations.RunPython(forwards, backwards)]
