"""The fixed, uniform sample of contacts that live estimates count (segments/sampling.py).

A contact is sampled when the MD5 of its id (canonical text, as `str(uuid)`) starts with 00-03: 4 of 256 hash
prefixes, 1/64 of the contacts, whatever made the ids (Dataverse ids are not all random). On PostgreSQL the
test is the SQL function sd_contact_sampled, and a partial index per table keeps the sampled contacts' rows
(maintained on every insert, COPY included): a sampled estimate reads 1/64 of an index, index-only, where a
hash join over the sample would still visit most heap pages (rows arrive in time order, not by contact).
SQLite (small data, counted exactly) gets the function per connection from segments/apps.py and no indexes.
Tables frozen here as at this migration, like 0002's BRIN indexes.
"""

from django.db import migrations

FUNCTION = ("CREATE OR REPLACE FUNCTION sd_contact_sampled(id uuid) RETURNS boolean LANGUAGE sql IMMUTABLE "
            "PARALLEL SAFE AS $$ SELECT left(md5(id::text), 2) IN ('00', '01', '02', '03') $$")
INDEXES = (  # (index name, table, columns)
    ("contact_sampled", "interactions_contact", "contact_id"),
    ("membership_sampled", "segments_membership", "segment_id, contact_id"),
    *((f"{short}_sampled", f"interactions_{name}", "contact_id, timestamp") for short, name in (
        ("es", "emailsent"), ("ed", "emaildelivered"), ("eo", "emailopened"), ("ec", "emailclicked"),
        ("ef", "emailforwarded"), ("ehb", "emailhardbounced"), ("esb", "emailsoftbounced"),
        ("ebb", "emailblockbounced"), ("eb", "emailblocked"), ("efl", "emailfeedbackloop"),
        ("ess", "emailsubscriptionsubmit"), ("ss", "segmentsubscribed"), ("su", "segmentunsubscribed"),
        ("fv", "formvisited"), ("fs", "formsubmitted"), ("wv", "websitevisited"), ("wc", "websiteclicked"),
        ("rlc", "redirectlinkclicked"), ("er", "eventregistration"), ("eci", "eventcheckin"),
        ("erc", "eventregistrationcanceled"), ("sr", "surveyresponse"), ("lsb", "leadscoreboost"))),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for name, table, columns in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns}) "
                              "WHERE sd_contact_sampled(contact_id)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS sd_contact_sampled(uuid)")


class Migration(migrations.Migration):
    dependencies = [
        ("interactions", "0004_profiles"),
        ("segments", "0005_profiles_and_dynamics_ids"),
    ]
    operations = [migrations.RunPython(create, drop)]
