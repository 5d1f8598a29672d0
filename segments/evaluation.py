"""Evaluating a segment: compile its query, compute the new member set and apply the difference.

Everything happens inside the database and inside one transaction: the new members go into a temporary
table, the exits and entries are written to the change log and applied to the membership with
set-based statements (no Python loop over members). A failed or killed run rolls back and leaves the
previous membership exactly as it was. On PostgreSQL a transaction-scoped advisory lock keeps two
workers from evaluating the same segment at once.
"""

from __future__ import annotations

import time
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import EvaluationRun, Segment
from .query import compile, parse
from .services import dependants, next_evaluation, segment_request_evaluation, segment_sources

_LOCK_NAMESPACE = 0x5E6  # pg advisory locks take (namespace, id); this one is ours
NEW = "segment_new_members"


class SegmentBusy(Exception):
    """Another run holds the segment's lock."""


def segment_evaluate(*, segment_id: int, at: datetime | None = None) -> EvaluationRun:
    """Evaluate the segment as of `at` (default: now) and materialize its membership; returns the run."""
    segment = Segment.objects.get(pk=segment_id)
    now = at or timezone.now()
    run = EvaluationRun.objects.create(segment=segment, version=segment.version, evaluated_at=now)
    Segment.objects.filter(pk=segment_id).update(status=Segment.Status.RUNNING, queued_at=None)
    started = time.monotonic()
    try:
        with transaction.atomic():
            if not _lock(segment_id):
                raise SegmentBusy(f"another evaluation of '{segment.name}' is running")
            current = Segment.objects.get(pk=segment_id)
            if current.version != run.version:
                _finish(run, started, status=EvaluationRun.Status.SUPERSEDED,
                        error=f"the segment was edited (version {current.version}) before this run started")
                return run
            added, removed = _apply(current, run, now)
            members = (current.member_count or 0) + added - removed if current.evaluated_version else None
            if members is None:
                members = Segment.objects.get(pk=segment_id).memberships.count()
            Segment.objects.filter(pk=segment_id).update(
                status=Segment.Status.SUCCEEDED, member_count=members, evaluated_version=run.version,
                last_evaluated_at=now, next_evaluation_at=next_evaluation(current, now), failures=0, last_error="")
            _finish(run, started, status=EvaluationRun.Status.SUCCEEDED, members=members, added=added,
                    removed=removed)
    except SegmentBusy as busy:
        _finish(run, started, status=EvaluationRun.Status.SKIPPED, error=str(busy))
        Segment.objects.filter(pk=segment_id, status=Segment.Status.RUNNING).update(status=Segment.Status.QUEUED)
        return run
    except Exception as exc:
        _finish(run, started, status=EvaluationRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        Segment.objects.filter(pk=segment_id).update(status=Segment.Status.FAILED, last_error=str(exc),
                                                     failures=F("failures") + 1)
        raise
    if added or removed:
        for user in dependants(current, live_only=True):
            segment_request_evaluation(segment=user, reason=f"'{current.name}' changed")
    return run


def _lock(segment_id: int) -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite serializes writers itself
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, segment_id])
        return cursor.fetchone()[0]


def _apply(segment: Segment, run: EvaluationRun, now: datetime) -> tuple[int, int]:
    """Replace the membership by the query's result; returns (entered, exited)."""
    sql, params = compile(parse(segment.query), now=now, dialect=connection.vendor, segments=segment_sources)
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {NEW}")
        on_commit = " ON COMMIT DROP" if connection.vendor == "postgresql" else ""
        cursor.execute(f"CREATE TEMP TABLE {NEW}{on_commit} AS {sql}", params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {NEW}")
        gone = (f"m.segment_id = %s AND NOT EXISTS (SELECT 1 FROM {NEW} n WHERE n.contact_id = m.contact_id)")
        cursor.execute(
            "INSERT INTO segments_membershipchange (segment_id, contact_id, change, at, run_id) "
            f"SELECT m.segment_id, m.contact_id, 'exited', %s, %s FROM segments_membership m WHERE {gone}",
            [at, run.pk, segment.pk])
        removed = cursor.rowcount
        cursor.execute(f"DELETE FROM segments_membership AS m WHERE {gone}", [segment.pk])
        fresh = ("NOT EXISTS (SELECT 1 FROM segments_membership m WHERE m.segment_id = %s "
                 "AND m.contact_id = n.contact_id)")
        cursor.execute(
            "INSERT INTO segments_membershipchange (segment_id, contact_id, change, at, run_id) "
            f"SELECT %s, n.contact_id, 'entered', %s, %s FROM {NEW} n WHERE {fresh}",
            [segment.pk, at, run.pk, segment.pk])
        added = cursor.rowcount
        cursor.execute(
            f"INSERT INTO segments_membership (segment_id, contact_id, since) SELECT %s, n.contact_id, %s "
            f"FROM {NEW} n WHERE {fresh}", [segment.pk, at, segment.pk])
        cursor.execute(f"DROP TABLE {NEW}")
    return added, removed


def _finish(run: EvaluationRun, started: float, *, status, error: str = "", **counts):
    run.status = status
    run.error = error
    run.finished = timezone.now()
    run.duration_ms = int((time.monotonic() - started) * 1000)
    for key, value in counts.items():
        setattr(run, key, value)
    run.save()
