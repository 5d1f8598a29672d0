"""Migrations keep the data they move."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets=None):
    """Migrate to `targets` (default: the latest) and return the app registry of that state."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def test_the_dataverse_names_keep_each_contacts_name_email_and_creation_time():
    old = migrate([("interactions", "0002_brin_indexes")]).get_model("interactions", "Contact")
    try:
        ada = old.objects.create(contact_id=uuid.UUID(int=1), full_name="Ada Lovelace", email="ada@example.com")
        created = old.objects.get(pk=ada.pk).created
        new = migrate([("interactions", "0003_contact_dataverse_names")]).get_model("interactions", "Contact")
        moved = new.objects.get(pk=ada.pk)
        assert (moved.fullname, moved.emailaddress1, moved.createdon) == ("Ada Lovelace", "ada@example.com", created)
    finally:
        migrate()
