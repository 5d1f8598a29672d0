"""BRIN indexes on PostgreSQL: rows arrive roughly in time order, so a block range index on Timestamp
(moving windows) and on ingested_at (incremental refresh: the rows that arrived since the last run) costs
a few pages per table and almost nothing on insert. autosummarize asks autovacuum to summarize filled
ranges; where autovacuum is off, interactions/maintenance.py does it after each ingest. SQLite has no BRIN
and keeps its btrees."""

from django.db import migrations

TABLES = (  # (index name prefix, table): frozen here as at this migration
    ("es", "interactions_emailsent"),
    ("ed", "interactions_emaildelivered"),
    ("eo", "interactions_emailopened"),
    ("ec", "interactions_emailclicked"),
    ("ef", "interactions_emailforwarded"),
    ("ehb", "interactions_emailhardbounced"),
    ("esb", "interactions_emailsoftbounced"),
    ("ebb", "interactions_emailblockbounced"),
    ("eb", "interactions_emailblocked"),
    ("efl", "interactions_emailfeedbackloop"),
    ("ess", "interactions_emailsubscriptionsubmit"),
    ("ss", "interactions_segmentsubscribed"),
    ("su", "interactions_segmentunsubscribed"),
    ("fv", "interactions_formvisited"),
    ("fs", "interactions_formsubmitted"),
    ("wv", "interactions_websitevisited"),
    ("wc", "interactions_websiteclicked"),
    ("rlc", "interactions_redirectlinkclicked"),
    ("er", "interactions_eventregistration"),
    ("eci", "interactions_eventcheckin"),
    ("erc", "interactions_eventregistrationcanceled"),
    ("sr", "interactions_surveyresponse"),
    ("lsb", "interactions_leadscoreboost"),
)


def _statements(create: bool):
    for short, table in TABLES:
        for column in ("timestamp", "ingested_at"):
            name = f"{short}_{column}_brin"
            if create:
                yield f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING brin ({column}) WITH (autosummarize = on)"
            else:
                yield f"DROP INDEX IF EXISTS {name}"


def _run(create: bool):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in _statements(create):
            schema_editor.execute(statement)
    return apply


class Migration(migrations.Migration):
    dependencies = [("interactions", "0001_initial")]
    operations = [migrations.RunPython(_run(True), _run(False))]
