"""Row counts that stay cheap on big tables.

COUNT(*) over a 10-million-row PostgreSQL table reads the whole table (seconds). There the planner's own
estimate serves instead: pg_class.reltuples scaled to the table's current size, as the planner scales it, so
that rows loaded since the last ANALYZE are counted too. Small tables (and tables never analyzed) are counted
exactly, and SQLite always counts exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections, router

EXACT_BELOW = 50_000  # an estimate under this is replaced by an exact count (a few ms)


@dataclass(frozen=True)
class RowCount:
    value: int
    estimated: bool = False

    def __int__(self) -> int:
        return self.value


_ESTIMATE_SQL = """
    SELECT c.relname,
           CASE WHEN c.reltuples < 0 THEN -1
                WHEN c.relpages > 0 THEN c.reltuples / c.relpages
                     * (pg_relation_size(c.oid) / current_setting('block_size')::int)
                ELSE c.reltuples END,
           pg_relation_size(c.oid)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname = ANY (current_schemas(false)) AND c.relname = ANY (%s)
"""


def table_counts(models) -> tuple[dict, bool]:
    """{model: RowCount} for every model, and whether any count is an estimate. One query for the estimates."""
    models = list(models)
    estimates: dict[str, float] = {}
    empty: set[str] = set()
    by_alias: dict[str, list] = {}
    for model in models:
        by_alias.setdefault(router.db_for_read(model), []).append(model)
    for alias, group in by_alias.items():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute(_ESTIMATE_SQL, [[m._meta.db_table for m in group]])
            for name, value, size in cursor.fetchall():
                estimates[name] = value
                if size == 0:
                    empty.add(name)  # no page at all: nothing to count
    counts = {}
    for model in models:
        estimate = estimates.get(model._meta.db_table)
        if model._meta.db_table in empty:
            counts[model] = RowCount(0)
        elif estimate is not None and estimate >= EXACT_BELOW:
            counts[model] = RowCount(int(round(estimate, -3)) if estimate >= 1_000_000 else int(estimate), True)
        else:
            counts[model] = RowCount(model._default_manager.count())
    return counts, any(c.estimated for c in counts.values())
