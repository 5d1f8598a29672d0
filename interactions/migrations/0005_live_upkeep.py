"""Interaction tables as a live system keeps them (PostgreSQL only; SQLite keeps its btrees):

- Where autovacuum runs, it vacuums a table after a fixed number of inserted rows rather than a fifth of the
  table, so that index-only scans of new rows stay index-only (maintenance.vacuum_needed does the same
  where it is off).
- The rows ingested since a refresh's watermark are found by a btree on ingested_at that carries the contact,
  instead of a BRIN: after a vacuum, new rows fill the free space left all over the table, so each one
  widens a block range and the BRIN scan read half of EmailOpened (17,642 blocks, 622 ms at 10M
  interactions) to find 25,000 rows, which the btree reads alone (15 ms; 69 ms before the next vacuum).
"""

from django.db import migrations

INSERTS_PER_VACUUM = 10_000  # maintenance.INSERTS_PER_VACUUM when this was written

TABLES = (  # (index name prefix, table): frozen here as at this migration, like 0002's
    ("es", "interactions_emailsent"), ("ed", "interactions_emaildelivered"), ("eo", "interactions_emailopened"),
    ("ec", "interactions_emailclicked"), ("ef", "interactions_emailforwarded"),
    ("ehb", "interactions_emailhardbounced"), ("esb", "interactions_emailsoftbounced"),
    ("ebb", "interactions_emailblockbounced"), ("eb", "interactions_emailblocked"),
    ("efl", "interactions_emailfeedbackloop"), ("ess", "interactions_emailsubscriptionsubmit"),
    ("ss", "interactions_segmentsubscribed"), ("su", "interactions_segmentunsubscribed"),
    ("fv", "interactions_formvisited"), ("fs", "interactions_formsubmitted"), ("wv", "interactions_websitevisited"),
    ("wc", "interactions_websiteclicked"), ("rlc", "interactions_redirectlinkclicked"),
    ("er", "interactions_eventregistration"), ("eci", "interactions_eventcheckin"),
    ("erc", "interactions_eventregistrationcanceled"), ("sr", "interactions_surveyresponse"),
    ("lsb", "interactions_leadscoreboost"),
)


def _statements(forwards: bool):
    for short, table in TABLES:
        if forwards:
            yield (f"ALTER TABLE {table} SET (autovacuum_vacuum_insert_threshold = {INSERTS_PER_VACUUM}, "
                   "autovacuum_vacuum_insert_scale_factor = 0)")
            yield f"CREATE INDEX IF NOT EXISTS {short}_ingested_contact ON {table} (ingested_at) INCLUDE (contact_id)"
            yield f"DROP INDEX IF EXISTS {short}_ingested_at_brin"
        else:
            yield f"ALTER TABLE {table} RESET (autovacuum_vacuum_insert_threshold, autovacuum_vacuum_insert_scale_factor)"
            yield (f"CREATE INDEX IF NOT EXISTS {short}_ingested_at_brin ON {table} USING brin (ingested_at) "
                   "WITH (autosummarize = on)")
            yield f"DROP INDEX IF EXISTS {short}_ingested_contact"


def _run(forwards: bool):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in _statements(forwards):
            schema_editor.execute(statement)
    return apply


class Migration(migrations.Migration):
    dependencies = [("interactions", "0004_profiles")]
    operations = [migrations.RunPython(_run(True), _run(False))]
