"""Segment lifecycle: plain keyword-only functions that views, admin, the CLI and tasks all call."""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import signature
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import EvaluationRun, Segment
from .query import Behavioral, QueryError, SegmentSource, parse, unparse, validate
from .query.nodes import behaviorals, segment_refs

EVALUATE_TASK = "segments.tasks.evaluate_segment"


class SegmentError(Exception):
    """An action on a segment that cannot be done; the message says why, for the user."""


class ConcurrentEdit(SegmentError):
    pass


class SegmentInUse(SegmentError):
    pass


def _saved_query(name: str):
    segment = Segment.objects.filter(name=name).only("query").first()
    return parse(segment.query) if segment is not None else None


def segment_sources(name: str) -> SegmentSource | None:
    """How the compiler reads SEGMENT(name): a live, evaluated segment's membership, else its query inline."""
    segment = Segment.objects.filter(name=name).first()
    if segment is None:
        return None
    live = segment.is_live and segment.evaluated_version is not None
    return SegmentSource(membership_segment_id=segment.pk if live else None, query=parse(segment.query))


def query_for(text: str, *, name: str | None = None):
    """Parse and validate query text against the catalog and the saved segments; raises QueryError."""
    node = parse(text)
    validate(node, segments=_saved_query, name=name)
    return node


def describe(node) -> dict:
    """What a query is and reads: its kind, interaction types, referenced segments, and whether it has a window."""
    types = list(dict.fromkeys(block.type for block in behaviorals(node)))
    uses = list(dict.fromkeys(ref.name for ref in segment_refs(node)))
    window = any(block.having.window is not None for block in behaviorals(node))
    kind = Segment.Kind.BEHAVIORAL if isinstance(node, Behavioral) else Segment.Kind.COMPOUND
    return {"kind": kind, "reads_types": types, "uses_segments": uses, "has_window": window}


def dependants(segment: Segment, *, live_only: bool = False):
    """Segments whose query uses this one."""
    found = [s for s in Segment.objects.exclude(pk=segment.pk) if segment.name in s.uses_segments]
    return [s for s in found if s.is_live] if live_only else found


def _check_words(name: str | None, description: str | None) -> None:
    """A name fits its column and neither holds a NUL (no stored text can); the segment's words, not its query."""
    limit = Segment._meta.get_field("name").max_length
    if name is not None and len(name) > limit:
        raise SegmentError(f"the name has {len(name):,} characters; at most {limit} fit")
    for what, text in (("name", name), ("description", description)):
        if text is not None and "\x00" in text:
            raise SegmentError(f"the {what} holds a NUL character (\\x00), which no stored text can hold")


def segment_create(*, name: str, query_text: str, description: str = "", owner=None) -> Segment:
    name = name.strip()
    if not name:
        raise SegmentError("a segment needs a name")
    _check_words(name, description)
    if Segment.objects.filter(name=name).exists():
        raise SegmentError(f"a segment named '{name}' exists already")
    node = query_for(query_text, name=name)
    return Segment.objects.create(name=name, description=description, query=unparse(node), owner=owner,
                                  **describe(node))


def segment_would_change(*, segment: Segment, query_text: str, name: str, description: str) -> bool:
    """Whether saving these would change the segment: an unchanged save is not written (no new version)."""
    return query_text != segment.query or name.strip() != segment.name or description != segment.description


def segment_update(*, segment: Segment, version: int, name: str | None = None,
                   description: str | None = None, query_text: str | None = None) -> Segment:
    """Save an edit made to `version`; refused if someone saved a newer version meanwhile."""
    _check_words(name.strip() if name is not None else None, description)
    changes: dict = {}
    if name is not None and name.strip() != segment.name:
        name = name.strip()
        if not name:
            raise SegmentError("a segment needs a name")
        if Segment.objects.filter(name=name).exclude(pk=segment.pk).exists():
            raise SegmentError(f"a segment named '{name}' exists already")
        users = dependants(segment)
        if users:
            raise SegmentInUse(f"'{segment.name}' cannot be renamed: {_names(users)} use it by name")
        changes["name"] = name
    if description is not None:
        changes["description"] = description
    if query_text is not None:
        node = query_for(query_text, name=changes.get("name", segment.name))
        changes["query"] = unparse(node)
        changes.update(describe(node))
    with transaction.atomic():
        updated = Segment.objects.filter(pk=segment.pk, version=version).update(
            **changes, version=F("version") + 1, updated=timezone.now())
        if not updated:
            current = Segment.objects.filter(pk=segment.pk).first()
            if current is None:
                raise SegmentError(f"'{segment.name}' was deleted meanwhile")
            raise ConcurrentEdit(
                f"'{segment.name}' was changed by someone else (now version {current.version}, you edited "
                f"version {version}); reload it and apply your changes again"
            )
        segment.refresh_from_db()
        if segment.is_live and "query" in changes:
            segment_request_evaluation(segment=segment, reason="edited while live")
    return segment


def segment_go_live(*, segment: Segment) -> Segment:
    if segment.is_live:
        return segment
    for name in segment.uses_segments:
        if not Segment.objects.filter(name=name).exists():
            raise SegmentError(f"'{segment.name}' uses segment '{name}', which no longer exists")
    query_for(segment.query, name=segment.name)
    with transaction.atomic():
        Segment.objects.filter(pk=segment.pk).update(state=Segment.State.LIVE, failures=0, last_error="")
        segment.refresh_from_db()
        segment_request_evaluation(segment=segment, reason="went live")
    return segment


def segment_stop(*, segment: Segment) -> Segment:
    users = dependants(segment, live_only=True)
    if users:
        raise SegmentInUse(f"'{segment.name}' cannot be stopped: live segment(s) {_names(users)} use it")
    Segment.objects.filter(pk=segment.pk).update(state=Segment.State.STOPPED, next_evaluation_at=None,
                                                 queued_at=None)
    segment.refresh_from_db()
    return segment


def segment_delete(*, segment: Segment) -> None:
    users = dependants(segment)
    if users:
        raise SegmentInUse(f"'{segment.name}' cannot be deleted: {_names(users)} use it")
    segment.delete()


def segment_duplicate(*, segment: Segment, user=None, name: str | None = None) -> Segment:
    if name is None:
        base = f"{segment.name} (copy)"
        name, n = base, 2
        while Segment.objects.filter(name=name).exists():
            name, n = f"{base[:-1]} {n})", n + 1
    return segment_create(name=name, query_text=segment.query, description=segment.description, owner=user)


def segment_request_evaluation(*, segment: Segment, reason: str = "", countdown: float = 0) -> bool:
    """Queue an evaluation after the current transaction commits; False when one is queued already.

    The run records `reason` (of the request that queued it: later ones while it waits add nothing). The
    task is named, not imported: the tasks call these services, and Celery resolves the name to the task
    registered in this process (SegmentsConfig.ready), so in-process (eager) runs work as well.
    """
    now = timezone.now()
    fresh_queue = Q(queued_at__isnull=True) | Q(queued_at__lt=now - timedelta(seconds=settings.SEGMENT_QUEUE_TIMEOUT))
    claimed = Segment.objects.filter(fresh_queue, pk=segment.pk).update(queued_at=now, status=Segment.Status.QUEUED)
    if not claimed:
        return False
    segment_id = segment.pk
    # robust: a broker that is down must not fail the edit that was just saved; the segment stays queued
    # and beat queues it again after SEGMENT_QUEUE_TIMEOUT.
    task = signature(EVALUATE_TASK, args=(segment_id,), kwargs={"reason": reason})
    transaction.on_commit(lambda: task.apply_async(countdown=countdown), robust=True)
    return True


def next_evaluation(segment: Segment, evaluated_at: datetime) -> datetime | None:
    """Live segments refresh on an interval; a moving window also at least daily, at the next UTC midnight."""
    if not segment.is_live:
        return None
    due = evaluated_at + timedelta(seconds=settings.SEGMENT_REFRESH_INTERVAL)
    if segment.has_window:
        midnight = (evaluated_at + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        due = min(due, midnight)
    return due


def refresh_due_segments(*, now: datetime | None = None) -> int:
    """Queue every live segment whose next evaluation is due; returns how many were queued."""
    now = now or timezone.now()
    due = Segment.objects.filter(state=Segment.State.LIVE).filter(
        Q(next_evaluation_at__isnull=True) | Q(next_evaluation_at__lte=now))
    return sum(segment_request_evaluation(segment=s, reason="due") for s in due)


def segments_reading(type_names) -> list[Segment]:
    wanted = set(type_names)
    return [s for s in Segment.objects.filter(state=Segment.State.LIVE) if wanted & set(s.reads_types)]


def interactions_arrived(*, type_names) -> int:
    """New interactions of these types were stored: queue the live segments that read them, debounced."""
    return sum(
        segment_request_evaluation(segment=s, reason="new interactions", countdown=settings.SEGMENT_INGEST_DEBOUNCE)
        for s in segments_reading(type_names)
    )


def reset_stuck_runs(*, now: datetime | None = None) -> int:
    """Runs left 'running' past the limit (a killed worker) are marked failed so the segment can run again."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.SEGMENT_RUN_TIMEOUT)
    stuck = EvaluationRun.objects.filter(status=EvaluationRun.Status.RUNNING, started__lt=limit)
    count = stuck.update(status=EvaluationRun.Status.FAILED, finished=now,
                         error="reset: the run did not finish within the time limit (worker lost?)")
    Segment.objects.filter(status=Segment.Status.RUNNING, runs__status=EvaluationRun.Status.FAILED,
                           runs__finished=now).update(status=Segment.Status.FAILED, queued_at=None)
    return count


def _names(segments) -> str:
    return ", ".join(f"'{s.name}'" for s in segments)


__all__ = [
    "ConcurrentEdit", "QueryError", "SegmentError", "SegmentInUse", "dependants", "describe", "query_for",
    "segment_create", "segment_delete", "segment_duplicate", "segment_go_live", "segment_request_evaluation",
    "segment_sources", "segment_stop", "segment_update", "segment_would_change",
]
