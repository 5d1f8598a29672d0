"""Where autovacuum runs, it vacuums an interaction table after a fixed number of inserted rows rather than a
fifth of the table, so that index-only scans of new rows stay index-only (maintenance.vacuum_needed does the
same where it is off)."""

from django.db import migrations

INSERTS_PER_VACUUM = 10_000  # maintenance.INSERTS_PER_VACUUM when this was written

# The tables as of this migration (a later interaction type sets its own in its migration).
TABLES = (
    "emailblocked", "emailblockbounced", "emailclicked", "emaildelivered", "emailfeedbackloop", "emailforwarded",
    "emailhardbounced", "emailopened", "emailsent", "emailsoftbounced", "emailsubscriptionsubmit",
    "eventcheckin", "eventregistration", "eventregistrationcanceled", "formsubmitted", "formvisited",
    "leadscoreboost", "redirectlinkclicked", "segmentsubscribed", "segmentunsubscribed", "surveyresponse",
    "websiteclicked", "websitevisited",
)
SETTINGS = "autovacuum_vacuum_insert_threshold, autovacuum_vacuum_insert_scale_factor"


def _each(schema_editor, statement):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(statement.format(table=f"interactions_{table}"))


def forwards(apps, schema_editor):
    _each(schema_editor, f"ALTER TABLE {{table}} SET (autovacuum_vacuum_insert_threshold = {INSERTS_PER_VACUUM}, "
                         "autovacuum_vacuum_insert_scale_factor = 0)")


def backwards(apps, schema_editor):
    _each(schema_editor, f"ALTER TABLE {{table}} RESET ({SETTINGS})")


class Migration(migrations.Migration):

    dependencies = [
        ("interactions", "0004_profiles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
