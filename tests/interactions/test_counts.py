"""Row counts of big tables: exact below EXACT_BELOW, else PostgreSQL's planner estimate, never a COUNT(*)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interactions import counts
from interactions.counts import RowCount, table_counts
from interactions.models import INTERACTION_MODELS, Contact

pytestmark = pytest.mark.django_db
CLICKED = INTERACTION_MODELS["EmailClicked"]


@pytest.fixture
def contacts():
    return [Contact.objects.create(contact_id=uuid.UUID(int=n), fullname=f"Contact {n}") for n in range(1, 4)]


def test_small_tables_are_counted_exactly(contacts):
    found, estimated = table_counts([Contact, CLICKED])
    assert found == {Contact: RowCount(3), CLICKED: RowCount(0)} and not estimated
    assert int(found[Contact]) == 3


@pytest.mark.postgresql
def test_on_postgresql_an_analyzed_big_table_is_estimated_without_counting_it(contacts, monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{Contact._meta.db_table}"')
    monkeypatch.setattr(counts, "EXACT_BELOW", 1)  # every analyzed, non-empty table counts as big
    with CaptureQueriesContext(connection) as queries:
        found, estimated = table_counts([Contact])
    assert found == {Contact: RowCount(3, estimated=True)} and estimated
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
