"""Segments over the API: create, read, edit and delete them, their lifecycle, members and evaluation runs."""

from __future__ import annotations

import json
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Status

from interactions.catalog import parse_guid
from segments import services
from segments.evaluation import segment_evaluate
from segments.models import EvaluationRun, Segment
from segments.selectors import members_of

from .auth import require_editor, require_viewer
from .errors import ApiError
from .schemas import (
    ERRORS,
    MAX_ID,
    READ,
    WRITE,
    EvaluateOut,
    MembersPage,
    RunOut,
    SegmentIn,
    SegmentOut,
    SegmentPatch,
)

router = Router(tags=["segments"])
SegmentId = Path(..., ge=1, le=MAX_ID, description="the segment's id")


def _segment(segment_id: int) -> Segment:
    return get_object_or_404(Segment.objects.select_related("owner"), pk=segment_id)


def _in_use(segment: Segment, exc: services.SegmentInUse) -> ApiError:
    return ApiError(409, str(exc), used_by=[s.name for s in services.dependants(segment)])


@router.get("/segments", response={200: list[SegmentOut], **ERRORS}, summary="List segments")
def list_segments(request, state: Literal["draft", "live", "stopped"] | None = None):
    require_viewer(request)
    segments = Segment.objects.select_related("owner")
    return segments.filter(state=state) if state else segments


@router.post("/segments", response={201: SegmentOut, **WRITE}, summary="Create a segment (a draft)")
def create_segment(request, payload: SegmentIn):
    """The query is validated: 422 with the line and column of the first error; 409 if the name is taken."""
    require_editor(request)
    segment = services.segment_create(name=payload.name, query_text=payload.query, description=payload.description,
                                      owner=request.user, crm_id=payload.crm_id)
    return Status(201, segment)


@router.get("/segments/{segment_id}", response={200: SegmentOut, **READ}, summary="Read a segment")
def read_segment(request, segment_id: int = SegmentId):
    require_viewer(request)
    return _segment(segment_id)


@router.patch("/segments/{segment_id}", response={200: SegmentOut, **WRITE}, summary="Edit a segment")
def update_segment(request, payload: SegmentPatch, segment_id: int = SegmentId):
    """Send the version you edited: 409 if someone saved a newer one meanwhile (reload and apply again)."""
    require_editor(request)
    segment = _segment(segment_id)
    try:
        services.segment_update(segment=segment, version=payload.version, name=payload.name,
                                description=payload.description, query_text=payload.query, crm_id=payload.crm_id)
    except services.ConcurrentEdit as exc:
        current = Segment.objects.filter(pk=segment.pk).values_list("version", flat=True).first()
        raise ApiError(409, str(exc), current_version=current) from None
    except services.SegmentInUse as exc:
        raise _in_use(segment, exc) from None
    return _segment(segment_id)  # read again: an edit of a live segment queued an evaluation


@router.delete("/segments/{segment_id}", response={204: None, **WRITE}, summary="Delete a segment")
def delete_segment(request, segment_id: int = SegmentId):
    """409 with the names of the segments that use it."""
    require_editor(request)
    segment = _segment(segment_id)
    try:
        services.segment_delete(segment=segment)
    except services.SegmentInUse as exc:
        raise _in_use(segment, exc) from None
    return Status(204, None)


@router.post("/segments/{segment_id}/go-live", response={200: SegmentOut, **WRITE}, summary="Take live")
def go_live(request, segment_id: int = SegmentId):
    """A live segment is evaluated now and kept up to date."""
    require_editor(request)
    services.segment_go_live(segment=_segment(segment_id))
    return _segment(segment_id)  # read again: queued (or, without a broker, evaluated already)


@router.post("/segments/{segment_id}/stop", response={200: SegmentOut, **WRITE}, summary="Stop")
def stop(request, segment_id: int = SegmentId):
    """409 while live segments use it."""
    require_editor(request)
    segment = _segment(segment_id)
    try:
        return services.segment_stop(segment=segment)
    except services.SegmentInUse as exc:
        raise _in_use(segment, exc) from None


_EVALUATE_BODY = {"requestBody": {"required": False, "content": {"application/json": {"schema": {
    "type": "object", "properties": {"full": {"type": "boolean", "default": False, "description": (
        "recompute every contact, not only those touched since the last run (a refresh does not see "
        "interactions deleted or edited by hand)")}}}}}}}


def _full(request, full: bool) -> bool:
    """`?full=true` or a JSON body `{"full": true}`; any other body is ignored, as it always was."""
    if request.content_type != "application/json" or not request.body.strip():
        return full
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"body is not valid JSON: {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("full", False), bool):
        raise ApiError(422, 'invalid request: the body is {"full": true} or {"full": false}')
    return full or body.get("full", False)


@router.post("/segments/{segment_id}/evaluate", response={200: EvaluateOut, 202: EvaluateOut, **WRITE},
             summary="Evaluate", openapi_extra=_EVALUATE_BODY)
def evaluate(request, segment_id: int = SegmentId, wait: bool = False, full: bool = False):
    """Queue an evaluation (202; `queued` is false when one was queued already), or with wait=true evaluate
    now and answer with the run (200; a failed run has status "failed" and its error). `full` (or a body
    `{"full": true}`) recomputes every contact; otherwise a refresh recomputes those touched since the last run."""
    require_editor(request)
    segment = _segment(segment_id)
    full = _full(request, full)
    if not wait:
        queued = services.segment_request_evaluation(segment=segment, reason="API", full=full)
        return Status(202, {"queued": queued, "run": None, "segment": _segment(segment_id)})
    try:
        run = segment_evaluate(segment_id=segment.pk, full=full, reason="API")
    except Exception:  # the run and the segment record the failure; the caller reads it from the run
        run = EvaluationRun.objects.filter(segment=segment).order_by("-id").first()
    return Status(200, {"queued": False, "run": run, "segment": _segment(segment_id)})


@router.get("/segments/{segment_id}/members", response={200: MembersPage, **READ}, summary="Members")
def members(request, segment_id: int = SegmentId, after: str | None = Query(None, description="the `next` of the "
            "previous page: members with a greater ContactId"), limit: int = Query(100, ge=1, le=1000)):
    """The current members, ordered by ContactId, a page at a time (cursor-based)."""
    require_viewer(request)
    segment = _segment(segment_id)
    rows = members_of(segments=[segment])
    if after is not None:
        cursor = parse_guid(after)
        if cursor is None:
            raise ApiError(422, f"after: '{after[:60]}' is not a ContactId (a GUID)")
        rows = rows.filter(contact_id__gt=cursor)
    page = list(rows.values("contact_id", "contact__fullname", "contact__emailaddress1", "since")[:limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return {
        # The API's keys stay as published; they read the contact's Dataverse-named fields.
        "items": [{"contact_id": r["contact_id"], "full_name": r["contact__fullname"],
                   "email": r["contact__emailaddress1"], "since": r["since"]} for r in page],
        "next": page[-1]["contact_id"] if more else None,
        "member_count": segment.member_count,
    }


@router.get("/segments/{segment_id}/runs", response={200: list[RunOut], **READ}, summary="Evaluation runs")
def runs(request, segment_id: int = SegmentId, before: int | None = Query(None, ge=1, le=MAX_ID, description="a "
         "run id: older runs only (paging)"), limit: int = Query(50, ge=1, le=500)):
    """The segment's evaluation runs, newest first."""
    require_viewer(request)
    found = EvaluationRun.objects.filter(segment=_segment(segment_id)).order_by("-id")
    if before is not None:
        found = found.filter(id__lt=before)
    return found[:limit]
