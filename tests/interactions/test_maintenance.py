"""Store upkeep on PostgreSQL that does not wait for autovacuum (which may be off)."""

import json

import pytest
from django.core.management import call_command
from django.db import connection

from interactions import maintenance
from interactions.models import INTERACTION_MODELS

from .factories import contact, interaction

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def unsummarized_ranges(table):
    """Summarizing again finds nothing left to do exactly when the ingest already did it."""
    return maintenance.summarize_new_ranges(tables=[table])


def flush_statistics():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")


def test_an_ingest_summarizes_the_brin_ranges_it_filled(tmp_path):
    path = tmp_path / "in.jsonl"
    lines = [contact(1)] + [interaction("EmailOpened", i, 1) for i in range(20_000)]
    path.write_text("\n".join(json.dumps(x) for x in lines))
    table = INTERACTION_MODELS["EmailOpened"]._meta.db_table
    call_command("import_jsonl", str(path), "--no-progress", stdout=open("/dev/null", "w"))
    assert unsummarized_ranges(table) == 0
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (interaction_id, contact_id, timestamp) SELECT gen_random_uuid(), "
                       f"contact_id, timestamp FROM {table}")
    assert unsummarized_ranges(table) > 0


def last_analyzed(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("parallel", [1, 2], ids=["one connection", "two connections"])
def test_changed_tables_are_analyzed_and_dead_rows_vacuumed(parallel):
    table = INTERACTION_MODELS["EmailClicked"]._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO interactions_contact (contact_id, fullname, emailaddress1) "
                       "VALUES ('00000000-0000-0000-0000-000000000001', '', '')")
        cursor.execute(f"INSERT INTO {table} (interaction_id, contact_id, timestamp) SELECT gen_random_uuid(), "
                       "'00000000-0000-0000-0000-000000000001', now() FROM generate_series(1, 5000)")
    flush_statistics()
    before = last_analyzed(table)
    assert table in maintenance.analyze_changed(parallel=parallel)
    flush_statistics()
    assert last_analyzed(table) not in (None, before)
    assert table not in maintenance.analyze_changed(parallel=parallel)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
    flush_statistics()
    assert table in maintenance.vacuum_needed()


def heap_fetches(table):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off; SET enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) SELECT contact_id, COUNT(*) FROM {table} "
                       "WHERE timestamp <= now() GROUP BY contact_id")
        plan = cursor.fetchone()[0][0]["Plan"]
        cursor.execute("RESET enable_seqscan; RESET enable_bitmapscan")
    found, kinds, stack = 0, set(), [plan]
    while stack:
        node = stack.pop()
        kinds.add(node["Node Type"])
        found += node.get("Heap Fetches", 0)
        stack.extend(node.get("Plans", []))
    assert "Index Only Scan" in kinds, kinds
    return found


def test_new_rows_are_vacuumed_after_a_fixed_count_so_index_only_scans_stay_index_only():
    table = INTERACTION_MODELS["EmailOpened"]._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO interactions_contact (contact_id, fullname, emailaddress1) "
                       "VALUES ('00000000-0000-0000-0000-000000000001', '', '')")
        cursor.execute(f"INSERT INTO {table} (interaction_id, contact_id, timestamp) SELECT gen_random_uuid(), "
                       "'00000000-0000-0000-0000-000000000001', now() - interval '1 day' "
                       f"FROM generate_series(1, {maintenance.INSERTS_PER_VACUUM + 1})")
        cursor.execute("SELECT pg_stat_force_next_flush()")  # counted before the VACUUM resets the count
        cursor.execute(f"VACUUM {table}")
        # A table far larger than the new rows: a fraction of it would never be reached.
        cursor.execute(f"INSERT INTO {table} (interaction_id, contact_id, timestamp) SELECT gen_random_uuid(), "
                       "'00000000-0000-0000-0000-000000000001', now() - interval '1 day' "
                       f"FROM generate_series(1, {maintenance.INSERTS_PER_VACUUM // 2})")
    flush_statistics()
    assert table not in maintenance.vacuum_needed()
    assert heap_fetches(table) > 0
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (interaction_id, contact_id, timestamp) SELECT gen_random_uuid(), "
                       "'00000000-0000-0000-0000-000000000001', now() - interval '1 day' "
                       f"FROM generate_series(1, {maintenance.INSERTS_PER_VACUUM // 2 + 1})")
    flush_statistics()
    assert table in maintenance.vacuum_needed()
    assert heap_fetches(table) == 0


def test_autovacuum_where_it_runs_vacuums_interaction_tables_after_a_fixed_count_of_inserts():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname LIKE 'interactions\\_email%%' "
                       "AND relkind = 'r'")
        found = dict(cursor.fetchall())
    assert found, "no interaction tables"
    for options in found.values():
        assert f"autovacuum_vacuum_insert_threshold={maintenance.INSERTS_PER_VACUUM}" in options
        assert "autovacuum_vacuum_insert_scale_factor=0" in options
