"""Keeping PostgreSQL's view of the store current without relying on autovacuum, which may be off.

- New block ranges get BRIN summaries (until then every query scans them), right after each ingest.
- Tables that changed much since their last ANALYZE are analyzed, so the planner knows their size.
- Tables with many dead or newly inserted rows are vacuumed (space, and the visibility map).
A periodic task runs the last two; all three are no-ops on SQLite.
"""

from concurrent.futures import ThreadPoolExecutor

from django.db import connection

_PREFIXES = ("interactions\\_%", "segments\\_%")
# Rows inserted into a table before upkeep marks their pages all-visible (also autovacuum's insert threshold,
# migration 0005, where autovacuum is on).
INSERTS_PER_VACUUM = 10_000


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def summarize_new_ranges(*, tables) -> int:
    """Summarize the BRIN ranges that new rows filled; returns how many ranges were summarized."""
    if not _postgresql() or not tables:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE %s",
                       [list(tables), "%USING brin%"])
        names = [row[0] for row in cursor.fetchall()]
        total = 0
        for name in names:
            cursor.execute("SELECT brin_summarize_new_values(%s::regclass)", [name])
            total += cursor.fetchone()[0]
    return total


def interaction_tables() -> list[str]:
    from .catalog import INTERACTION_TYPES

    return [t.table for t in INTERACTION_TYPES]


def _tables(where: str, params) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
                       f"WHERE (s.relname LIKE %s OR s.relname LIKE %s) AND {where}", [*_PREFIXES, *params])
        return [row[0] for row in cursor.fetchall()]


def analyze_changed(*, fraction: float = 0.1, parallel: int = 1) -> list[str]:
    """ANALYZE the tables with more than `fraction` of their rows changed since the last ANALYZE.

    With `parallel` > 1, outside a transaction, that many connections share the tables (after a bulk load,
    each ANALYZE is CPU-bound in its own backend). Inside one, the other connections would wait on its locks.
    """
    if not _postgresql():
        return []
    tables = _tables("s.n_mod_since_analyze > GREATEST(1000, c.reltuples * %s)", [fraction])
    if parallel > 1 and not connection.in_atomic_block:
        with ThreadPoolExecutor(parallel, thread_name_prefix="analyze") as pool:
            list(pool.map(_analyze_on_own_connection, tables))
        return tables
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')
    return tables


def _analyze_on_own_connection(table: str) -> None:
    try:
        with connection.cursor() as cursor:  # this thread's own connection
            cursor.execute(f'ANALYZE "{table}"')
    finally:
        connection.close()


def vacuum_needed(*, fraction: float = 0.2, inserted: int = INSERTS_PER_VACUUM) -> list[str]:
    """VACUUM the tables whose dead rows exceed `fraction` of the live ones (membership after refreshes wastes
    space), or that took more than `inserted` rows since their last vacuum: new rows are not yet marked
    all-visible, so index-only scans of them (evaluations and refreshes read (contact, timestamp)) fetch
    their heap pages too. A fixed count, not a fraction: at 10M rows a fraction waits for millions of new
    rows while every scan pays, and vacuuming only the new pages (the visibility map skips the rest) costs
    little. Needs autocommit."""
    if not _postgresql() or not connection.get_autocommit():
        return []
    tables = _tables("(s.n_dead_tup > GREATEST(1000, s.n_live_tup * %s) OR s.n_ins_since_vacuum > %s)",
                     [fraction, inserted])
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    return tables
