"""Stored search documents for claims; trigram indexes on names.

On every database a claim gets ``search_document`` (its texts, lower-cased
and accent-stripped), which SQLite searches. On PostgreSQL it gets instead a
``search_vector`` tsvector with a GIN index (not a model field: only
``claimsbase.search`` reads it), GIN trigram indexes on the unaccented names
and aliases of actors and places, and ``claimsbase_tsquery(q)``, which turns
the words typed into a tsquery in which a word resembling a recorded name
also looks for that name. Existing claims are indexed at the end.

``claimsbase_tsquery`` reads the name tables yet is declared IMMUTABLE on
purpose: the planner then evaluates it once, while planning, and estimates
``@@`` from the word statistics of the actual query, so it can choose between
the GIN index (rare words) and walking the date index (frequent ones). A
STABLE function would be planned with a default guess, or evaluated for every
row a filter tests. It is never used in an index, and Django does not keep
prepared plans, so no plan outlives a change of names.
"""

from django.db import migrations, models

NAME_TABLES = {
    "actor_name_trgm_idx": "claims_actor",
    "actoralias_name_trgm_idx": "claims_actoralias",
    "place_name_trgm_idx": "claims_place",
    "placealias_name_trgm_idx": "claims_placealias",
}

TSQUERY = """
CREATE OR REPLACE FUNCTION claimsbase_tsquery(q text) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET pg_trgm.word_similarity_threshold = 0.5
AS $$
DECLARE
    result tsquery := websearch_to_tsquery('english', claimsbase_unaccent(q));
    word text;
    part text;
BEGIN
    -- Each word of four letters or more that resembles a word of a recorded
    -- name (trigram similarity 0.45 or more) also looks for that word.
    FOR word IN
        SELECT DISTINCT w
          FROM regexp_split_to_table(lower(claimsbase_unaccent(q)), '[^[:alnum:]]+') AS w
         WHERE length(w) >= 4 AND numnode(plainto_tsquery('english', w)) > 0
    LOOP
        -- EXECUTE plans with the word itself, so the trigram indexes are used.
        FOR part IN EXECUTE
            'SELECT DISTINCT part FROM (
                SELECT lower(claimsbase_unaccent(name)) AS name FROM claims_actor
                 WHERE lower(claimsbase_unaccent(name)) %> $1
                UNION SELECT lower(claimsbase_unaccent(name)) FROM claims_actoralias
                 WHERE lower(claimsbase_unaccent(name)) %> $1
                UNION SELECT lower(claimsbase_unaccent(name)) FROM claims_place
                 WHERE lower(claimsbase_unaccent(name)) %> $1
                UNION SELECT lower(claimsbase_unaccent(name)) FROM claims_placealias
                 WHERE lower(claimsbase_unaccent(name)) %> $1
             ) AS names, regexp_split_to_table(names.name, ''[^[:alnum:]]+'') AS part
             WHERE part <> $1 AND similarity(part, $1) >= 0.45
               AND numnode(plainto_tsquery(''english'', part)) > 0'
            USING word
        LOOP
            result := ts_rewrite(
                result,
                plainto_tsquery('english', word),
                plainto_tsquery('english', word) || plainto_tsquery('english', part)
            );
        END LOOP;
    END LOOP;
    RETURN result;
END
$$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE claims_claim ADD COLUMN search_vector tsvector")
    schema_editor.execute(
        "CREATE INDEX claim_search_vector_idx ON claims_claim USING gin (search_vector)"
    )
    for index, table in NAME_TABLES.items():
        schema_editor.execute(
            f"CREATE INDEX {index} ON {table} "
            "USING gin (lower(claimsbase_unaccent(name)) gin_trgm_ops)"
        )
    schema_editor.execute(TSQUERY, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP FUNCTION IF EXISTS claimsbase_tsquery(text)")
    for index in NAME_TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
    schema_editor.execute("ALTER TABLE claims_claim DROP COLUMN IF EXISTS search_vector")


def index_existing_claims(apps, schema_editor):
    from claimsbase.search import reindex_claims

    Claim = apps.get_model("claims", "Claim")
    ids = list(Claim.objects.values_list("pk", flat=True))
    if ids:
        reindex_claims(ids)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0007_claim_external_id"),
        ("sources", "0002_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="search_document",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(index_existing_claims, migrations.RunPython.noop),
    ]
