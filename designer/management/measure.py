"""What the benchmark sections share: timing, one value by SQL, and the hand-written baselines of a count and
of a first evaluation."""

import time

from django.db import connection, transaction

from segments.evaluation import segment_evaluate
from segments.query import compile_query, parse
from segments.services import segment_sources


def best_of(repeat, fn):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def scalar(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def count_of(sql, params):
    return lambda: scalar(f"SELECT COUNT(*) FROM ({sql}) AS q", params)


def stored(sql, params, *, log=False):
    """The hand-written baseline of a first evaluation: the same members written into a table shaped and
    indexed like segments_membership (and with `log`, one entry each into a table like the change log),
    in one transaction that is rolled back."""
    def run():
        with transaction.atomic(), connection.cursor() as cursor:
            # Regular tables, WAL-logged like the real ones, dropped by the rollback.
            cursor.execute("CREATE TABLE benchmark_members (LIKE segments_membership INCLUDING ALL)")
            cursor.execute("INSERT INTO benchmark_members (segment_id, contact_id, since) "
                           f"SELECT 1, contact_id, now() FROM ({sql}) AS h ORDER BY contact_id", params)
            if log:
                cursor.execute("CREATE TABLE benchmark_log (LIKE segments_membershipchange INCLUDING ALL)")
                cursor.execute("INSERT INTO benchmark_log (segment_id, contact_id, change, at, run_id) "
                               "SELECT 1, contact_id, 'entered', now(), 1 FROM benchmark_members")
            transaction.set_rollback(True)
    return run


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
