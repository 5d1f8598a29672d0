"""Sharing over the API: segment definitions exported to a file and imported from one (segments/sharing.py)."""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import HttpResponse
from ninja import Query, Router, Status

from segments import sharing
from segments.models import Segment

from .auth import require_editor, require_viewer
from .errors import ApiError
from .schemas import ERRORS, READ, Error, ImportReport, ShareFile, Text

router = Router(tags=["sharing"])


@router.get("/segments/export", response={200: ShareFile, **READ}, summary="Export segment definitions")
def export_segments(request, response: HttpResponse, with_dependencies: bool = False,
                    name: Annotated[list[Text] | None, Query(description="segment names; none: all")] = None):
    """The sharing document (see POST /api/segments/import) for the named segments, as a file download."""
    require_viewer(request)
    found = Segment.objects.filter(name__in=name) if name else Segment.objects.all()
    missing = sorted(set(name or ()) - {s.name for s in found})
    if missing:
        raise ApiError(404, f"no segment named {', '.join(repr(n) for n in missing)}")
    response["Content-Disposition"] = 'attachment; filename="segments.json"'
    return sharing.export_segments(segments=found, with_dependencies=with_dependencies)


@router.post("/segments/import", response={**ERRORS, 200: ImportReport, 400: Error, 422: ImportReport | Error},
             summary="Import segment definitions")
def import_segments(request, file: ShareFile, on_conflict: Literal["skip", "rename", "replace"] = "skip",
                    dry_run: bool = False, partial: bool = False):
    """Creates the file's segments as drafts, in dependency order, resolving SEGMENT(...) by name.

    A name that exists here already is skipped (default), imported under a new name, or replaces the
    existing definition. All-or-nothing unless partial=true: on any error nothing is written (422 with the
    report). dry_run=true reports what would happen without writing.
    """
    require_editor(request)
    report = sharing.import_segments(data=file.model_dump(), user=request.user, on_conflict=on_conflict,
                                     dry_run=dry_run, partial=partial)
    return Status(200 if report.ok else 422, report.as_dict())
