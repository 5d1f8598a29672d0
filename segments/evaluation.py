"""Evaluating a segment: compile its query, compute the new member set and apply the difference.

A refresh of a segment that was evaluated before recomputes only the contacts that can have changed
(PostgreSQL): those with interactions that arrived since the last run (ingested_at past the watermark),
that became visible (Timestamp between the last and this evaluation time) or that slid out of the
moving window, for "did not" queries the contacts created since, for profile blocks the contacts
modified since and the contacts of accounts modified since, and for the segments read from their
memberships the contacts whose membership their runs applied since changed. Queries with dates relative
to now, and those that compile a segment inline, are recomputed whole. The watermark is the start of the
oldest transaction still running when a run begins, so rows (and runs) committed late are never skipped.

Everything happens inside the database and inside one transaction: the new members go into a temporary
table (straight into the membership when it has none yet), the exits and entries are written to the change
log and applied to the membership with set-based statements (no Python loop over members). A failed or killed
run rolls back and leaves the previous membership exactly as it was. On PostgreSQL a transaction-scoped
advisory lock keeps two workers from evaluating the same segment at once.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models import F, Max
from django.utils import timezone

from .models import EvaluationRun, Membership, Segment
from .query import compile_query, parse
from .query.compiler import compile_touched
from .query.nodes import segment_refs, uses_now
from .services import REFRESH, dependants, next_evaluation, segment_request_evaluation, segment_sources

logger = logging.getLogger(__name__)
_LOCK_NAMESPACE = 0x5E6  # pg advisory locks take (namespace, id); this one is ours
NEW = "segment_new_members"
AFFECTED = "segment_affected"
LOG = "INSERT INTO segments_membershipchange (segment_id, contact_id, change, at, run_id)"


class SegmentBusy(Exception):
    """Another run holds the segment's lock."""


def segment_evaluate(*, segment_id: int, at: datetime | None = None, full: bool = False,
                     reason: str = "") -> EvaluationRun:
    """Evaluate the segment as of `at` (default: now) and materialize its membership; returns the run.

    `full` forces recomputing every contact; otherwise a refresh is incremental where it can be. `reason`
    (why it runs) is recorded on the run and shown in the segment's History.
    """
    segment = Segment.objects.get(pk=segment_id)
    now = at or timezone.now()
    with transaction.atomic():  # one commit: the run and the segment's status appear together
        run = EvaluationRun.objects.create(segment=segment, version=segment.version, evaluated_at=now,
                                          reason=reason[:200])
        Segment.objects.filter(pk=segment_id).update(status=Segment.Status.RUNNING, queued_at=None)
    started = time.monotonic()
    try:
        with transaction.atomic():
            if not _lock(segment_id):
                raise SegmentBusy(f"another evaluation of '{segment.name}' is running")
            _fail_interrupted(segment_id, before=run)
            current = Segment.objects.get(pk=segment_id)
            if current.version != run.version:
                _finish(run, started, status=EvaluationRun.Status.SUPERSEDED,
                        error=f"the segment was edited (version {current.version}) before this run started")
                return run
            watermark = _watermark()
            node = parse(current.query)
            reads = _memberships_read(node)
            # Dates relative to now move every contact's verdict as time passes: those are recomputed whole.
            seen = None if full or uses_now(node) else _can_refresh(current, now, reads)
            incremental = seen is not None
            if incremental:
                _collect_affected(current, node, now, seen)
                run.mode = EvaluationRun.Mode.INCREMENTAL
            empty = not incremental and not Membership.objects.filter(segment_id=segment_id).exists()
            added, removed = _apply(current, run, now, node, within=AFFECTED if incremental else None, empty=empty)
            _keep_statistics(added + removed)
            if empty:
                members = added
            elif incremental:
                members = (current.member_count or 0) + added - removed
            else:  # a full run counts afresh: whatever bent the count before (rows deleted by hand) ends here
                members = Membership.objects.filter(segment_id=segment_id).count()
            Segment.objects.filter(pk=segment_id).update(
                status=Segment.Status.SUCCEEDED, member_count=members, evaluated_version=run.version,
                last_evaluated_at=now, next_evaluation_at=next_evaluation(current, now), failures=0, last_error="",
                ingest_watermark=watermark)
            _finish(run, started, status=EvaluationRun.Status.SUCCEEDED, members=members, added=added,
                    removed=removed, applied_at=_database_now(), read_memberships=reads)
    except SegmentBusy as busy:
        _finish(run, started, status=EvaluationRun.Status.SKIPPED, error=str(busy))
        Segment.objects.filter(pk=segment_id, status=Segment.Status.RUNNING).update(status=Segment.Status.QUEUED)
        return run
    except BaseException as exc:  # also an interrupt or a worker's SIGTERM (SystemExit): never left "running"
        _record_failure(run, started, error=f"{type(exc).__name__}: {exc}", shown=str(exc) or type(exc).__name__)
        raise
    if added or removed:
        for user in dependants(current, live_only=True):
            segment_request_evaluation(segment=user, reason=f"'{current.name}' changed", queue=REFRESH)
    return run


def _lock(segment_id: int) -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite serializes writers itself
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, segment_id])
        return cursor.fetchone()[0]


def _fail_interrupted(segment_id: int, *, before: EvaluationRun) -> None:
    """Mark failed the segment's earlier runs still "running": this run holds the segment's lock, so none of them
    is evaluating. Their worker was killed, or lost the database and could not record the failure (that needs
    the database too). A run that has not yet asked for the lock finds it held and records its own outcome."""
    EvaluationRun.objects.filter(segment_id=segment_id, status=EvaluationRun.Status.RUNNING, pk__lt=before.pk).update(
        status=EvaluationRun.Status.FAILED, finished=timezone.now(),
        error="interrupted: the run ended without recording its outcome (its worker or its database was lost)")


def _keep_statistics(changed: int) -> None:
    """ANALYZE the membership after a change that makes its statistics misleading (autovacuum may be off)."""
    if connection.vendor != "postgresql" or changed < 10_000:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'segments_membership'::regclass")
        if changed > 0.1 * max(cursor.fetchone()[0], 0):
            cursor.execute("ANALYZE segments_membership")


def _watermark() -> datetime | None:
    """Rows ingested after this instant may be unseen by this run (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT LEAST(clock_timestamp(), MIN(xact_start)) FROM pg_stat_activity "
                       "WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() "
                       "AND datname = current_database()")  # another database's transactions write none of ours
        return cursor.fetchone()[0]


def _database_now() -> datetime:
    """The database's clock inside the current transaction (one clock for every worker's runs, which compound
    refreshes compare). Elsewhere (SQLite: nothing refreshes incrementally) the process's."""
    if connection.vendor != "postgresql":
        return timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement_timestamp()")
        return cursor.fetchone()[0]


def _memberships_read(node) -> dict[str, str | None] | None:
    """The segments whose memberships the query reads, each (its id as text) with the time its newest run seen
    now applied its changes (ISO 8601, the database's clock); None when the query compiles a segment inline.

    Read before the memberships are: a run committed in between is then read as well and followed again next
    time (harmless), never the other way round. A segment's runs apply in turn (its lock), so the times are in
    commit order: a run not seen here applies later than every one seen."""
    ids = set()
    for ref in segment_refs(node):
        source = segment_sources(ref.name)
        if source is None or source.membership_segment_id is None:
            return None
        ids.add(source.membership_segment_id)
    if not ids:
        return {}
    newest = dict(EvaluationRun.objects.filter(segment_id__in=ids, status=EvaluationRun.Status.SUCCEEDED)
                  .values_list("segment_id").annotate(newest=Max("applied_at")))
    return {str(i): newest[i].isoformat() if newest.get(i) else None for i in sorted(ids)}


def _can_refresh(segment: Segment, now: datetime, reads: dict | None) -> dict[int, datetime] | None:
    """Whether only the touched contacts need recomputing: the same query, evaluated before, not long ago, and
    for one that reads segments, the same memberships as then (an inline segment's query changes with time).
    Returns None (recompute whole) or, per membership read, the time its newest run seen last time applied."""
    if connection.vendor != "postgresql":
        return None
    if segment.evaluated_version != segment.version or segment.ingest_watermark is None:
        return None
    if segment.last_evaluated_at is None or now < segment.last_evaluated_at:
        return None
    seen = {}
    if segment.uses_segments:
        last = (EvaluationRun.objects.filter(segment=segment, status=EvaluationRun.Status.SUCCEEDED)
                .order_by(F("applied_at").desc(nulls_last=True)).values_list("read_memberships", flat=True).first())
        if reads is None or not isinstance(last, dict) or last.keys() != reads.keys() or None in last.values():
            return None
        seen = {int(key): datetime.fromisoformat(value) for key, value in last.items()}
    # A full run now and then also catches what no watermark sees (interactions deleted by hand).
    last_full = (EvaluationRun.objects.filter(segment=segment, mode=EvaluationRun.Mode.FULL,
                                              status=EvaluationRun.Status.SUCCEEDED)
                 .order_by("-started").values_list("evaluated_at", flat=True).first())
    if last_full is None or now - last_full >= timedelta(seconds=settings.SEGMENT_FULL_REFRESH_INTERVAL):
        return None
    return seen


def _collect_affected(segment: Segment, node, now: datetime, seen: dict[int, datetime]) -> None:
    """Fill AFFECTED with the contacts whose membership can have changed since the last run."""
    sql, params = compile_touched(node, ingested_after=segment.ingest_watermark, previous=segment.last_evaluated_at,
                                  now=now, dialect=connection.vendor, segments=segment_sources, changed_after=seen)
    with connection.cursor() as cursor:
        # A refresh looks up a few thousand contacts; with the default cost of a random page the planner
        # hashes whole tables instead of probing the (contact, timestamp) indexes (measured 3x slower).
        cursor.execute("SET LOCAL random_page_cost = 1.1")
        # Probes gain nothing from compiled expressions, and a compound's thousands of membership probes add up
        # to a cost past jit_above_cost: compiling them took 0.4 s of a 0.45 s refresh.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"DROP TABLE IF EXISTS {AFFECTED}")
        cursor.execute(f"CREATE TEMP TABLE {AFFECTED} ON COMMIT DROP AS {sql}", params)
        cursor.execute(f"ANALYZE {AFFECTED}")


def _apply(segment: Segment, run: EvaluationRun, now: datetime, node, *, within: str | None,
           empty: bool = False) -> tuple[int, int]:
    """Replace the membership (of the `within` contacts, or all; `empty`: it has none) by the query's result;
    returns (entered, exited).

    New members are written in contact order, which keeps the contact-keyed index inserts sequential.
    """
    sql, params = compile_query(node, now=now, dialect=connection.vendor, segments=segment_sources, within=within,
                                ingested_after=segment.ingest_watermark if within else None)
    at = connection.ops.adapt_datetimefield_value(now)
    postgres = connection.vendor == "postgresql"
    if postgres and empty:
        # No members yet (a first evaluation): every member enters, so there is no difference to take. The
        # query's rows go straight into the membership, and those inserted into the change log, in one pass.
        with connection.cursor() as cursor:
            cursor.execute(f"WITH changed AS (INSERT INTO segments_membership (segment_id, contact_id, since) "
                           f"SELECT %s, q.contact_id, %s FROM ({sql}) AS q ORDER BY q.contact_id "
                           f"RETURNING contact_id) {LOG} SELECT %s, contact_id, 'entered', %s, %s FROM changed",
                           [segment.pk, at, *params, segment.pk, at, run.pk])
            return cursor.rowcount, 0
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {NEW}")
        on_commit = " ON COMMIT DROP" if postgres else ""
        cursor.execute(f"CREATE TEMP TABLE {NEW}{on_commit} AS {sql}", params)
        names = {"segment": segment.pk, "at": at, "run": run.pk}
        if within:
            added, removed = _apply_touched(cursor, names, within)
            cursor.execute(f"DROP TABLE {NEW}")
            cursor.execute(f"DROP TABLE {within}")
            return added, removed
        if postgres:
            # The membership's statistics can be stale (a large evaluation just now, autovacuum off); then the
            # planner expects one member and loops over the new set for each: 194 s instead of 25 ms, seen
            # with 100k members. A full diff compares whole sets, so it always hashes.
            cursor.execute(f"ANALYZE {NEW}")
            cursor.execute("SET LOCAL enable_nestloop = off")
        gone = (f"m.segment_id = %(segment)s AND NOT EXISTS (SELECT 1 FROM {NEW} n "
                "WHERE n.contact_id = m.contact_id)")
        delete = f"DELETE FROM segments_membership AS m WHERE {gone}"
        fresh = (f"FROM {NEW} n WHERE NOT EXISTS (SELECT 1 FROM segments_membership m "
                 "WHERE m.segment_id = %(segment)s AND m.contact_id = n.contact_id) ORDER BY n.contact_id")
        insert = ("INSERT INTO segments_membership (segment_id, contact_id, since) "
                  f"SELECT %(segment)s, n.contact_id, %(at)s {fresh}")
        if postgres:
            # One pass each: the rows deleted or inserted are the change log's rows.
            cursor.execute(f"WITH changed AS ({delete} RETURNING m.contact_id) "
                           f"{LOG} SELECT %(segment)s, contact_id, 'exited', %(at)s, %(run)s FROM changed", names)
            removed = cursor.rowcount
            cursor.execute(f"WITH changed AS ({insert} RETURNING contact_id) "
                           f"{LOG} SELECT %(segment)s, contact_id, 'entered', %(at)s, %(run)s FROM changed", names)
            added = cursor.rowcount
        else:
            cursor.execute(f"{LOG} SELECT m.segment_id, m.contact_id, 'exited', %(at)s, %(run)s "
                           f"FROM segments_membership AS m WHERE {gone}", names)
            removed = cursor.rowcount
            cursor.execute(delete, names)
            cursor.execute(f"{LOG} SELECT %(segment)s, n.contact_id, 'entered', %(at)s, %(run)s {fresh}", names)
            added = cursor.rowcount
            cursor.execute(insert, names)
        cursor.execute(f"DROP TABLE {NEW}")
    return added, removed


def _apply_touched(cursor, names: dict, within: str) -> tuple[int, int]:
    """A refresh's difference (PostgreSQL): from the few touched contacts, one probe of the membership's
    (segment, contact) index each, in statements whose plan does not hang on what the planner believes of the
    segment's size. A segment newer than the membership's statistics looks empty to it (one row); it then
    scanned the touched set once per member: 17 s instead of 20 ms, seen with 17,000 members."""
    cursor.execute(f"ANALYZE {NEW}")
    # Leaving: the touched members not in the new set. Their rows are found by a probe per contact (OFFSET 0
    # keeps it one) and deleted where the probe found them (a TID scan: no second lookup of each row, half the
    # time of deleting by id at 13,000 rows). Given the contacts as an array instead, the planner scanned the
    # segment's rows against it (1.7 s for 4,000 of 100,000 members). Only this run writes the segment's rows
    # (it holds the segment's lock); a row a contact deletion removes meanwhile is skipped, not an error.
    leaving = (f"SELECT p.ctid FROM {within} AS a CROSS JOIN LATERAL (SELECT ctid FROM segments_membership "
               "WHERE segment_id = %(segment)s AND contact_id = a.contact_id OFFSET 0) AS p "
               f"WHERE NOT EXISTS (SELECT 1 FROM {NEW} AS n WHERE n.contact_id = a.contact_id)")
    cursor.execute(f"WITH changed AS (DELETE FROM segments_membership AS m WHERE m.ctid = ANY (ARRAY({leaving})) "
                   f"RETURNING m.contact_id) {LOG} SELECT %(segment)s, contact_id, 'exited', %(at)s, %(run)s "
                   "FROM changed", names)
    removed = cursor.rowcount
    # Entering: the new set's contacts that are not members yet, as the unique index finds on insert.
    cursor.execute(f"WITH changed AS (INSERT INTO segments_membership (segment_id, contact_id, since) "
                   f"SELECT %(segment)s, contact_id, %(at)s FROM {NEW} ORDER BY contact_id "
                   "ON CONFLICT (segment_id, contact_id) DO NOTHING RETURNING contact_id) "
                   f"{LOG} SELECT %(segment)s, contact_id, 'entered', %(at)s, %(run)s FROM changed", names)
    return cursor.rowcount, removed


def _record_failure(run: EvaluationRun, started: float, *, error: str, shown: str) -> None:
    """Mark the run and its segment failed at once, on a connection of its own: the evaluation's own may be
    broken or mid-statement (an interrupt). Inside a caller's transaction the failure is the caller's to keep,
    and another connection would wait for that transaction's row locks, so it is written there."""
    failed = {"status": EvaluationRun.Status.FAILED, "error": error, "finished": timezone.now(),
              "duration_ms": int((time.monotonic() - started) * 1000)}
    segment_failed = {"status": Segment.Status.FAILED, "last_error": shown}
    if connection.in_atomic_block:
        EvaluationRun.objects.filter(pk=run.pk).update(**failed)
        Segment.objects.filter(pk=run.segment_id).update(**segment_failed, failures=F("failures") + 1)
    else:
        own = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with own.cursor() as cursor:
                cursor.execute(f"UPDATE {EvaluationRun._meta.db_table} SET error = %s, status = %s, finished = %s, "
                               "duration_ms = %s WHERE id = %s",
                               [error, failed["status"], own.ops.adapt_datetimefield_value(failed["finished"]),
                                failed["duration_ms"], run.pk])
                cursor.execute(f"UPDATE {Segment._meta.db_table} SET status = %s, last_error = %s, "
                               "failures = failures + 1 WHERE id = %s", [*segment_failed.values(), run.segment_id])
        except DatabaseError as lost:
            # The database is gone as well: the run's own error goes on up (a retry follows), and the segment's
            # next run marks this one failed (_fail_interrupted).
            logger.warning("evaluation segment=%s run=%s: its failure could not be recorded: %s", run.segment_id,
                           run.pk, lost)
        finally:
            own.close()
    run.status, run.error = EvaluationRun.Status.FAILED, error


def _finish(run: EvaluationRun, started: float, *, status, error: str = "", **counts):
    run.status = status
    run.error = error
    run.finished = timezone.now()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    for key, value in counts.items():
        setattr(run, key, value)
    run.save()
    logger.info("evaluation segment=%(segment)s run=%(run)s mode=%(mode)s outcome=%(outcome)s "
                "duration_ms=%(duration_ms)s members=%(members)s added=%(added)s removed=%(removed)s",
                {"segment": run.segment_id, "run": run.pk, "mode": run.mode, "outcome": status,
                 "duration_ms": run.duration_ms, "members": run.members, "added": run.added, "removed": run.removed})
