"""Two finer samples of contacts inside 0006's 1/64, for estimates over many contacts (segments/sampling.py).

An estimate counts the coarsest sample whose expected size stays under a target (about 20,000 contacts), so
that its cost does not grow with the contacts: 1/256 of them (MD5 of the id, as `str(uuid)`, starting with
00) and 1/1024 (starting with 000-003), each a subset of the coarser one. As in 0006: an IMMUTABLE SQL
function per sample and a partial index per table on it, with 0006's tables and columns (a sampled statement
reads only its level's index, index-only). They hold 1/256 and 1/1024 of a table's rows beside the 16/1024
of 0006's: 5/16 more space than those. PostgreSQL only; SQLite gets the functions per connection from
segments/apps.py.
"""

import importlib

from django.db import migrations

# The tables and columns of the 1/64 sample's indexes, as that migration froze them.
SAMPLED_INDEXES = importlib.import_module("segments.migrations.0006_contact_sample").INDEXES
LEVELS = (  # (function and index suffix, its test of the id's MD5 hex digest)
    ("256", "left(md5(id::text), 2) = '00'"),
    ("1024", "left(md5(id::text), 3) IN ('000', '001', '002', '003')"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for suffix, test in LEVELS:
        schema_editor.execute(f"CREATE OR REPLACE FUNCTION sd_contact_sampled_{suffix}(id uuid) RETURNS boolean "
                              f"LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT {test} $$")
        for name, table, columns in SAMPLED_INDEXES:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name}_{suffix} ON {table} ({columns}) "
                                  f"WHERE sd_contact_sampled_{suffix}(contact_id)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for suffix, _ in LEVELS:
        for name, _, _ in SAMPLED_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}_{suffix}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS sd_contact_sampled_{suffix}(uuid)")


class Migration(migrations.Migration):
    dependencies = [("segments", "0006_contact_sample")]
    operations = [migrations.RunPython(create, drop)]
