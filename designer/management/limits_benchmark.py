"""The segments section's limits: per shape the best SQL written by hand (each candidate named, the fastest
kept) beside the first evaluation, the refresh, the estimate and the per-clause counts; and what each way of
getting nearer that best SQL measures on the same data (visibility maps, a covering index, a per-contact
rollup, time partitioning). It prints; it asserts nothing."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from django.db import connection, transaction

from segments.estimates import TooSlow, clause_counts, estimate_size
from segments.query import parse

from .measure import best_of

# Planner settings a hand-tuned statement may carry, as SET LOCAL inside its transaction.
INDEX_ONLY = ("SET LOCAL enable_seqscan = off", "SET LOCAL enable_bitmapscan = off")


def _run(sql: str, params, settings=()) -> Callable[[], None]:
    """The statement's member count, with planner settings (SET LOCAL) in a transaction of its own."""
    def run():
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in settings:
                cursor.execute(statement)
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS q", params)
    return run


def candidates(label: str, hand: str, params: list) -> list[tuple[str, str, list, tuple]]:
    """The hand-written ways to get one shape's members: (name, sql, params, planner settings)."""
    found = [("as written (planner's choice)", hand, params, ())]
    if "GROUP BY contact_id" in hand or label == "has-not":
        found.append(("index-only (contact_id, timestamp)", hand, params, INDEX_ONLY))
    if "SELECT DISTINCT" in hand:
        grouped = hand.replace("SELECT DISTINCT contact_id", "SELECT contact_id", 1) + " GROUP BY contact_id"
        found.append(("GROUP BY instead of DISTINCT", grouped, params, ()))
    return found


def best_of_candidates(label, hand, params, repeat) -> tuple[str, float, tuple, str, list]:
    """(name, seconds to count, settings, sql, params) of the fastest candidate."""
    timed = [(best_of(repeat, _run(sql, p, settings)), name, settings, sql, p)
             for name, sql, p, settings in candidates(label, hand, params)]
    seconds, name, settings, sql, p = min(timed, key=lambda row: row[0])
    return name, seconds, settings, sql, p


def designer_times(text: str, now, repeat: int) -> tuple[float | str | None, float | str | None]:
    """The estimate's and the per-clause counts' server times in seconds, as the designer runs them, or
    "timed out"; per-clause is None for a shape without a FILTER (nothing to count per clause). Best of at
    least 3: a web process counts all contacts once a minute (the scale of a sampled figure) and keeps the
    count, which the first run here pays for (0.4 s at 10M contacts)."""
    node = parse(text)

    def timed(fn):
        try:
            return best_of(max(repeat, 3), fn)
        except TooSlow:
            return "timed out"

    estimate = timed(lambda: estimate_size(node=node))
    per_clause = timed(lambda: clause_counts(node=node, at=now)) if ".FILTER(" in text else None
    return estimate, per_clause


def heap_fetches(sql: str, params, settings) -> int:
    """Heap fetches of the statement's index-only scans: rows on pages the visibility map does not vouch for."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in settings:
            cursor.execute(statement)
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
        transaction.set_rollback(True)
    total, stack = 0, [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        total += node.get("Heap Fetches", 0)
        stack.extend(node.get("Plans", []))
    return total


def measure_options(out, *, now, repeat: int, ms) -> None:
    """Each way of getting nearer the best SQL, measured on EmailOpened (the lifetime and windowed shapes)."""
    lifetime = ("SELECT contact_id FROM {t} WHERE timestamp <= %s GROUP BY contact_id HAVING COUNT(*) >= 3", [now])
    out.write("  options, on EmailOpened's 'lifetime count' (opened >= 3 times, ever):")
    sql = lifetime[0].format(t="interactions_emailopened")
    base = best_of(repeat, _run(sql, lifetime[1], INDEX_ONLY))
    out.write(f"    index-only scan, table as upkeep left it       {ms(base):>9}  "
              f"({heap_fetches(sql, lifetime[1], INDEX_ONLY):,} heap fetches)")
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("CREATE TEMP TABLE benchmark_rollup AS SELECT contact_id, COUNT(*) AS n, MAX(timestamp) AS "
                       "last FROM interactions_emailopened GROUP BY contact_id")
        cursor.execute("CREATE INDEX ON benchmark_rollup (n)")
        cursor.execute("ANALYZE benchmark_rollup")
        built = time.perf_counter() - started
    roll = best_of(repeat, _run("SELECT contact_id FROM benchmark_rollup WHERE n >= 3 AND last <= %s", [now]))
    with connection.cursor() as cursor:
        # What keeping it current costs per ingest: 25,000 new opens folded in.
        cursor.execute("CREATE TEMP TABLE benchmark_new AS SELECT contact_id FROM interactions_emailopened "
                       "TABLESAMPLE SYSTEM (5) LIMIT 25000")
        cursor.execute("CREATE UNIQUE INDEX ON benchmark_rollup (contact_id)")
        started = time.perf_counter()
        cursor.execute("INSERT INTO benchmark_rollup AS r SELECT contact_id, COUNT(*), now() FROM benchmark_new "
                       "GROUP BY contact_id ON CONFLICT (contact_id) DO UPDATE SET n = r.n + excluded.n, "
                       "last = excluded.last")
        folded = time.perf_counter() - started
        cursor.execute("DROP TABLE benchmark_rollup, benchmark_new")
    out.write(f"    per-contact rollup (contact, count, last)      {ms(roll):>9}  (built in {ms(built)}; "
              f"25,000 new rows folded in {ms(folded)}; exact only for lifetime COUNT, not windows or FILTERs)")
    yearly = ("SELECT contact_id FROM {t} WHERE timestamp >= %s AND timestamp <= %s GROUP BY contact_id "
              "HAVING COUNT(*) = 2")
    has_not = ("SELECT c.contact_id FROM interactions_contact c WHERE NOT EXISTS (SELECT 1 FROM {t} o "
               "WHERE o.contact_id = c.contact_id AND o.timestamp >= %s AND o.timestamp <= %s)")
    from_year, from_90 = now - timedelta(days=365), now - timedelta(days=90)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("CREATE TABLE benchmark_parted (LIKE interactions_emailopened) PARTITION BY RANGE (timestamp)")
        cursor.execute("SELECT date_trunc('month', MIN(timestamp)), MAX(timestamp) FROM interactions_emailopened")
        low, high = cursor.fetchone()
        month = 0
        while low <= high:
            upper = _next_month(low)
            cursor.execute(f"CREATE TABLE benchmark_parted_{month} PARTITION OF benchmark_parted "
                           "FOR VALUES FROM (%s) TO (%s)", [low, upper])
            low, month = upper, month + 1
        cursor.execute("INSERT INTO benchmark_parted SELECT * FROM interactions_emailopened")
        cursor.execute("CREATE INDEX ON benchmark_parted (contact_id, timestamp)")
        cursor.execute("VACUUM (ANALYZE) benchmark_parted")  # as upkeep would keep it
        built = time.perf_counter() - started
    try:
        out.write(f"  time partitioning: EmailOpened as {month} monthly partitions (built in {ms(built)}), "
                  "beside the table itself, best of the candidates each:")
        for name, template, params in (("exactly 2 in a year", yearly, [from_year, now]),
                                       ("no open in 90 days", has_not, [from_90, now])):
            row = []
            for table in ("interactions_emailopened", "benchmark_parted"):
                sql = template.format(t=table)
                row.append(min(best_of(repeat, _run(sql, params, s)) for s in ((), INDEX_ONLY)))
            out.write(f"    {name:<24} table {ms(row[0]):>9}   partitioned {ms(row[1]):>9}  "
                      f"ratio {row[1] / row[0]:.2f}")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE benchmark_parted")


def _next_month(moment):
    return moment.replace(year=moment.year + moment.month // 12, month=moment.month % 12 + 1, day=1)
