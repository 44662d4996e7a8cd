"""Full-text search of sources on PostgreSQL; nothing changes on SQLite.

``claimsbase_unaccent`` wraps ``unaccent`` as IMMUTABLE (it names its
dictionary, so its answer cannot change with the search path), which lets
indexes and generated columns use it. Sources get a generated, GIN-indexed
``search_vector``: title (weight A), body (C) and URL (D). It is not a model
field: the database keeps it current and only ``claimsbase.search`` reads it.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

UNACCENT = """
CREATE OR REPLACE FUNCTION claimsbase_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
"""

SOURCE_VECTOR = """
ALTER TABLE sources_source ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', claimsbase_unaccent(coalesce(title, ''))), 'A')
    || setweight(to_tsvector('english', claimsbase_unaccent(coalesce(body, ''))), 'C')
    || setweight(to_tsvector('english', coalesce(url, '')), 'D')
) STORED;
CREATE INDEX source_search_vector_idx ON sources_source USING gin (search_vector);
"""

REVERSE = """
ALTER TABLE sources_source DROP COLUMN IF EXISTS search_vector;
DROP FUNCTION IF EXISTS claimsbase_unaccent(text);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNACCENT)
        schema_editor.execute(SOURCE_VECTOR)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE)


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0001_initial"),
    ]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunPython(forwards, backwards),
    ]
