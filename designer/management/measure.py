"""What the benchmark sections share: timing, one value by SQL, and the hand-written baselines of a count and
of a first evaluation."""

import time

from django.db import connection, transaction

from segments.evaluation import segment_evaluate
from segments.query import compile_query, parse
from segments.services import segment_sources


def best_of(repeat, fn, *, after=None):
    """The fastest of `repeat` calls of `fn`, in seconds; `after` (untimed) runs after each."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            fn()
        finally:
            times.append(time.perf_counter() - started)
            if after:
                after()
    return min(times)


def scalar(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def delete_ingested_since(tables, since) -> None:
    """Delete what the benchmark ingested into `tables` from `since` (the database's clock) on."""
    for table in tables:
        scalar(f"WITH d AS (DELETE FROM {table} WHERE ingested_at >= %s RETURNING 1) SELECT COUNT(*) FROM d", [since])


def count_of(sql, params):
    return lambda: scalar(f"SELECT COUNT(*) FROM ({sql}) AS q", params)


STORE_TABLES = ("benchmark_members", "benchmark_log")


def stored(sql, params, *, repeat, log=False, settings=()) -> float:
    """The seconds of the hand-written baseline of a first evaluation, best of `repeat`: the same members
    written into a table shaped and indexed like segments_membership (and with `log`, one entry each into a
    table like the change log) and committed, as an evaluation commits. `settings`: planner settings the
    statement carries (SET LOCAL). The tables are dropped after each, untimed."""
    def run():
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in settings:
                cursor.execute(statement)
            # Regular tables, WAL-logged like the real ones.
            cursor.execute(f"CREATE TABLE {STORE_TABLES[0]} (LIKE segments_membership INCLUDING ALL)")
            cursor.execute(f"INSERT INTO {STORE_TABLES[0]} (segment_id, contact_id, since) "
                           f"SELECT 1, contact_id, now() FROM ({sql}) AS h ORDER BY contact_id", params)
            if log:
                cursor.execute(f"CREATE TABLE {STORE_TABLES[1]} (LIKE segments_membershipchange INCLUDING ALL)")
                cursor.execute(f"INSERT INTO {STORE_TABLES[1]} (segment_id, contact_id, change, at, run_id) "
                               f"SELECT 1, contact_id, 'entered', now(), 1 FROM {STORE_TABLES[0]}")

    def drop():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(STORE_TABLES)}")

    drop()  # what a run that was interrupted left
    return best_of(repeat, run, after=drop)


def ms(seconds):
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def shown(figure) -> str:
    """A figure that may be seconds, the reason there is none ("timed out"), or None (does not apply)."""
    if figure is None:
        return "-"
    return ms(figure) if isinstance(figure, int | float) else figure


def refresh_and_check(segments, rows, *, at) -> None:
    """Refresh each segment as of `at` and add to its row the time, the run's mode and whether its members
    equal a from-scratch count of the compiled query ("ok" / "WRONG")."""
    for segment, row in zip(segments, rows, strict=True):
        started = time.perf_counter()
        run = segment_evaluate(segment_id=segment.pk, at=at)
        t_refresh = time.perf_counter() - started
        full_sql, full_params = compile_query(parse(segment.query), now=at, segments=segment_sources)
        check = "ok" if run.members == scalar(f"SELECT COUNT(*) FROM ({full_sql}) AS f", full_params) else "WRONG"
        row += [t_refresh, run.mode, check]
