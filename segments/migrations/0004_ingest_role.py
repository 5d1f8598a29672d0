"""The Ingest group (segments/roles.py): accounts that may write interactions through the API."""

from django.db import migrations

NAME = "Ingest"


def create(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=NAME)


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("segments", "0003_evaluation_run_reason")]
    operations = [migrations.RunPython(create, remove)]
