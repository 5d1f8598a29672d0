"""Segment lifecycle: plain keyword-only functions that views, admin, the CLI and tasks all call."""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import signature
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from interactions.catalog import parse_guid

from .models import EvaluationRun, Membership, Segment
from .query import Behavioral, QueryError, SegmentSource, parse, unparse, validate
from .query.nodes import Profile, Traverse, behaviorals, profiles, segment_refs, uses_now
from .query.nodes import crm_id as referenced_crm_id

EVALUATE_TASK = "segments.tasks.evaluate_segment"


class SegmentError(Exception):
    """An action on a segment that cannot be done; the message says why, for the user."""


class ConcurrentEdit(SegmentError):
    pass


class SegmentInUse(SegmentError):
    pass


def segment_named(name: str) -> Segment | None:
    """The segment SEGMENT(name) refers to: by name, or by Dynamics ID for SEGMENT(SEGMENT_CRM_ID_<hex>)."""
    dynamics_id = referenced_crm_id(name)
    if dynamics_id is not None:
        return Segment.objects.filter(crm_id=dynamics_id).first()
    return Segment.objects.filter(name=name).first()


def _saved_query(name: str):
    segment = segment_named(name)
    return parse(segment.query) if segment is not None else None


def segment_sources(name: str) -> SegmentSource | None:
    """How the compiler reads SEGMENT(name): a live, evaluated segment's membership, else its query inline."""
    segment = segment_named(name)
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
    # Profile blocks read contacts, and accounts when they traverse to them; a change to either refreshes.
    for block in profiles(node):
        reads_accounts = block.entity == "account" or any(isinstance(step, Traverse) for step in block.steps)
        types.extend(t for t in ("Contact", "Account" if reads_accounts else None) if t and t not in types)
    uses = list(dict.fromkeys(ref.name for ref in segment_refs(node)))
    # A moving window, or a profile date relative to now: the members change as days pass.
    window = any(block.having.window is not None for block in behaviorals(node)) or uses_now(node)
    kind = (Segment.Kind.BEHAVIORAL if isinstance(node, Behavioral) else
            Segment.Kind.PROFILE if isinstance(node, Profile) else Segment.Kind.COMPOUND)
    return {"kind": kind, "reads_types": types, "uses_segments": uses, "has_window": window}


def crm_reference(name: str) -> str:
    """A reference in one spelling: SEGMENT_CRM_ID_ with the hex in lower case, any other name as it is."""
    dynamics_id = referenced_crm_id(name)
    return f"SEGMENT_CRM_ID_{dynamics_id}" if dynamics_id else name


def dependants(segment: Segment, *, live_only: bool = False):
    """Segments whose query uses this one."""
    names = {segment.name, *([f"SEGMENT_CRM_ID_{segment.crm_id}"] if segment.crm_id else [])}
    readers = Segment.objects.exclude(pk=segment.pk).exclude(uses_segments=[])
    if live_only:
        readers = readers.filter(state=Segment.State.LIVE)
    return [s for s in readers if names & {crm_reference(n) for n in s.uses_segments}]


def _check_words(name: str | None, description: str | None) -> None:
    """A name fits its column and neither holds a NUL (no stored text can); the segment's words, not its query."""
    limit = Segment._meta.get_field("name").max_length
    if name is not None and len(name) > limit:
        raise SegmentError(f"the name has {len(name):,} characters; at most {limit} fit")
    for what, text in (("name", name), ("description", description)):
        if text is not None and "\x00" in text:
            raise SegmentError(f"the {what} holds a NUL character (\\x00), which no stored text can hold")


def dynamics_id(text: str | None, *, segment: Segment | None = None) -> str | None:
    """A Dynamics segment ID as stored (32 hex digits), read from a GUID or SEGMENT_CRM_ID_<hex>; '' is none."""
    if text is None or not text.strip():
        return None
    found = referenced_crm_id(text.strip()) or (guid.hex if (guid := parse_guid(text.strip())) else None)
    if found is None:
        raise SegmentError(f"'{text[:60]}' is not a Dynamics segment ID: write its GUID or SEGMENT_CRM_ID_ "
                           "and 32 hex digits")
    taken = Segment.objects.filter(crm_id=found).exclude(pk=segment.pk if segment else None).first()
    if taken is not None:
        raise SegmentError(f"the Dynamics ID {found} belongs to '{taken.name}' already")
    return found


def segment_create(*, name: str, query_text: str, description: str = "", owner=None,
                   crm_id: str | None = None) -> Segment:
    name = name.strip()
    if not name:
        raise SegmentError("a segment needs a name")
    _check_words(name, description)
    if Segment.objects.filter(name=name).exists():
        raise SegmentError(f"a segment named '{name}' exists already")
    stored_id = dynamics_id(crm_id)
    node = query_for(query_text, name=name)
    return Segment.objects.create(name=name, description=description, query=unparse(node), owner=owner,
                                  crm_id=stored_id, **describe(node))


def segment_would_change(*, segment: Segment, query_text: str, name: str, description: str) -> bool:
    """Whether saving these would change the segment: an unchanged save is not written (no new version)."""
    return query_text != segment.query or name.strip() != segment.name or description != segment.description


def segment_update(*, segment: Segment, version: int, name: str | None = None,
                   description: str | None = None, query_text: str | None = None,
                   crm_id: str | None = None) -> Segment:
    """Save an edit made to `version`; refused if someone saved a newer version meanwhile. `crm_id` ''
    removes the Dynamics ID, None leaves it."""
    _check_words(name.strip() if name is not None else None, description)
    changes: dict = {}
    if crm_id is not None:
        changes["crm_id"] = dynamics_id(crm_id, segment=segment)
    if name is not None and name.strip() != segment.name:
        name = name.strip()
        if not name:
            raise SegmentError("a segment needs a name")
        if Segment.objects.filter(name=name).exclude(pk=segment.pk).exists():
            raise SegmentError(f"a segment named '{name}' exists already")
        users = dependants(segment)
        if users:
            raise SegmentInUse(f"'{segment.name}' cannot be renamed: {_used_by(users)}, "
                               f"which refer{'s' if len(users) == 1 else ''} to it by name")
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
        if segment_named(name) is None:
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
        raise SegmentInUse(f"'{segment.name}' cannot be stopped: {_used_by(users, live=True)}")
    Segment.objects.filter(pk=segment.pk).update(state=Segment.State.STOPPED, next_evaluation_at=None,
                                                 queued_at=None)
    segment.refresh_from_db()
    return segment


def segment_delete(*, segment: Segment) -> None:
    users = dependants(segment)
    if users:
        raise SegmentInUse(f"'{segment.name}' cannot be deleted: {_used_by(users)}")
    segment.delete()


def segment_duplicate(*, segment: Segment, user=None, name: str | None = None) -> Segment:
    if name is None:
        base = f"{segment.name} (copy)"
        name, n = base, 2
        while Segment.objects.filter(name=name).exists():
            name, n = f"{base[:-1]} {n})", n + 1
    return segment_create(name=name, query_text=segment.query, description=segment.description, owner=user)


INTERACTIVE = "interactive"  # a person asked: runs on its own queue, never behind scheduled refreshes
REFRESH = "refresh"
# A person's request replaces a queued marker older than this: that one may sit behind a thousand refreshes
# or have been lost with the broker; repeated clicks within it queue one run.
INTERACTIVE_REQUEUE_SECONDS = 5


def segment_request_evaluation(*, segment: Segment, reason: str = "", countdown: float = 0,
                               full: bool = False, queue: str = INTERACTIVE) -> bool:
    """Queue an evaluation after the current transaction commits; False when one is queued already.

    `queue` says why it runs: INTERACTIVE (a person asked; replaces a marker older than a few seconds) or
    REFRESH (scheduled or triggered; waits for a queued marker until SEGMENT_QUEUE_TIMEOUT, when it is
    taken as lost). The run records `reason` (of the request that queued it: later ones while it waits
    add nothing). The task is named, not imported: the tasks call these services, and Celery resolves the
    name to the task registered in this process (SegmentsConfig.ready), so in-process (eager) runs work too.
    `full` recomputes every contact, not only those touched since the last run: the run queued now is full,
    and so is one queued already (it has not read the segment yet; without a watermark it cannot refresh).
    """
    if full:
        Segment.objects.filter(pk=segment.pk).update(ingest_watermark=None)
    now = timezone.now()
    wait = INTERACTIVE_REQUEUE_SECONDS if queue == INTERACTIVE else settings.SEGMENT_QUEUE_TIMEOUT
    fresh_queue = Q(queued_at__isnull=True) | Q(queued_at__lt=now - timedelta(seconds=wait))
    claimed = Segment.objects.filter(fresh_queue, pk=segment.pk).update(queued_at=now, status=Segment.Status.QUEUED)
    if not claimed:
        return False
    segment_id = segment.pk
    # robust: a broker that is down must not fail the edit that was just saved; the segment stays queued
    # and beat queues it again after SEGMENT_QUEUE_TIMEOUT.
    task = signature(EVALUATE_TASK, args=(segment_id,), kwargs={"reason": reason, "full": full})
    options = {"countdown": countdown, "queue": settings.SEGMENT_QUEUES[queue]}
    transaction.on_commit(lambda: task.apply_async(**options), robust=True)
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
    """Queue every live segment whose next evaluation is due, or whose queued marker is older than the queue
    timeout (its task was lost, e.g. with a broker restart); returns how many were queued."""
    now = now or timezone.now()
    lost = Q(queued_at__lt=now - timedelta(seconds=settings.SEGMENT_QUEUE_TIMEOUT))
    due = Segment.objects.filter(state=Segment.State.LIVE).filter(
        Q(next_evaluation_at__isnull=True) | Q(next_evaluation_at__lte=now) | lost)
    return sum(segment_request_evaluation(segment=s, reason="due", queue=REFRESH) for s in due)


def segments_reading(type_names) -> list[Segment]:
    wanted = set(type_names)
    return [s for s in Segment.objects.filter(state=Segment.State.LIVE) if wanted & set(s.reads_types)]


def interactions_arrived(*, type_names) -> int:
    """New interactions of these types (or contacts and accounts, for profile blocks) were stored: queue the live
    segments that read them, debounced."""
    reason = "contacts or accounts changed" if set(type_names) <= {"Contact", "Account"} else "new interactions"
    return sum(
        segment_request_evaluation(segment=s, reason=reason, countdown=settings.SEGMENT_INGEST_DEBOUNCE,
                                   queue=REFRESH)
        for s in segments_reading(type_names)
    )


def interactions_changed_by_hand(*, type_names) -> int:
    """Interactions of these types were deleted or edited by hand (the admin console): no ingest watermark sees
    that, so every segment that reads them is evaluated in full next, the live ones (and any running now, whose
    result may miss the change) at once. Returns how many were queued."""
    readers = [s for s in Segment.objects.all() if set(type_names) & set(s.reads_types)]
    Segment.objects.filter(pk__in=[s.pk for s in readers]).update(ingest_watermark=None)
    return sum(segment_request_evaluation(segment=s, reason="interactions changed in the admin", full=True)
               for s in readers if s.is_live or s.status == Segment.Status.RUNNING)


def contacts_delete(*, contacts) -> int:
    """Delete these contacts (a queryset): their interactions, memberships and change log go with them, and every
    segment they were a member of keeps a true member count. Returns how many contacts were deleted."""
    with transaction.atomic():
        held = Membership.objects.filter(contact__in=contacts.values("pk")).values("segment_id").distinct()
        segment_ids = list(held.values_list("segment_id", flat=True))
        deleted = contacts.model.objects.filter(pk__in=contacts.values("pk")).delete()[1].get(
            contacts.model._meta.label, 0)
        recount_members(segment_ids=segment_ids)
    return deleted


def recount_members(*, segment_ids) -> None:
    """Set the member count of these evaluated segments from their membership rows."""
    rows = (Membership.objects.filter(segment_id=OuterRef("pk")).order_by().values("segment_id")
            .annotate(n=Count("*")).values("n"))
    Segment.objects.filter(pk__in=segment_ids, member_count__isnull=False).update(
        member_count=Coalesce(Subquery(rows), 0))


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
    """'a', 'b' and 'c'."""
    names = [f"'{s.name}'" for s in segments]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _used_by(segments, *, live: bool = False) -> str:
    """"it is used by 'a'", "it is used by the live segment 'a'", "it is used by 2 segments: 'a' and 'b'"."""
    kind = "live segment" if live else "segment"
    if len(segments) == 1:
        return f"it is used by {'the live segment ' if live else ''}{_names(segments)}"
    return f"it is used by {len(segments)} {kind}s: {_names(segments)}"


__all__ = [
    "ConcurrentEdit", "QueryError", "SegmentError", "SegmentInUse", "contacts_delete", "dependants", "describe",
    "query_for", "segment_create", "segment_delete", "segment_duplicate", "segment_go_live",
    "segment_request_evaluation", "segment_sources", "segment_stop", "segment_update", "segment_would_change",
]
