"""The JSON API under /api/ (django-ninja): segments, their members and runs, the catalog, sharing, ingest.

Thin by design: each endpoint checks the caller's role (segments/roles.py), parses the request, calls a
service and shapes the response. The OpenAPI schema is at /api/openapi.json, its docs page at /api/docs.

Authentication: `Authorization: Bearer <key>` with an API token (the token's user's roles apply), or the
browser's logged-in session (then unsafe methods need the X-CSRFToken header).
Errors are `{"error": {"message": ..., ...}}`; query errors add "line" and "column".
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path as FilePath
from typing import Annotated, Literal

import ninja
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import RequestContext, Template
from django.urls import reverse
from ninja import NinjaAPI, Path, Query, Router, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger, _csrf_needed
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from interactions import api as interactions_api
from interactions.api import authenticate_token
from interactions.catalog import INTERACTION_TYPES, interaction_type

from . import roles, services, sharing
from .evaluation import segment_evaluate
from .models import EvaluationRun, Membership, Segment
from .query import QueryError
from .schemas import (
    MAX_ID,
    Error,
    EvaluateOut,
    ImportReport,
    InteractionTypeOut,
    MembersPage,
    RunOut,
    SegmentIn,
    SegmentOut,
    SegmentPatch,
    ShareFile,
    Text,
)

# Authentication ------------------------------------------------------------------------------------------------

class TokenAuth(HttpBearer):
    """An API token: `Authorization: Bearer <key>` (or `Token <key>`); the request runs as the token's user."""

    def __call__(self, request: HttpRequest):
        token = authenticate_token(request)
        if token is None:
            return None
        request.user = token.user
        return token.user

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return None


class SessionAuth(APIKeyCookie):
    """The browser's Django session; unsafe methods must carry the CSRF token (X-CSRFToken header)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and check_csrf(request):
            raise HttpError(403, "CSRF check failed: with session authentication, send the CSRF token in the "
                                 "X-CSRFToken header (or use an API token)")
        return user

    def _get_key(self, request):  # pragma: no cover - __call__ does the work
        return None

    def authenticate(self, request, key):  # pragma: no cover
        return None


# Docs that work offline: swagger-ui from the files that ship inside django-ninja, served by this API --------------

_NINJA_STATIC = FilePath(ninja.__file__).parent / "static" / "ninja"
_DOCS_FILES = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "text/javascript",
               "swagger-ui-init.js": "text/javascript", "favicon.png": "image/png"}
_DOCS_PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{{ api.title }}</title>
  <link rel="stylesheet" href="{{ base }}swagger-ui.css">
  <link rel="icon" href="{{ base }}favicon.png" type="image/png">
</head>
<body data-csrf-token="{% if add_csrf %}{{ csrf_token }}{% endif %}" data-api-csrf="{% if add_csrf %}true{% endif %}">
  <script type="application/json" id="swagger-settings">{{ swagger_settings|safe }}</script>
  <div id="swagger-ui"></div>
  <script src="{{ base }}swagger-ui-bundle.js"></script>
  <script src="{{ base }}swagger-ui-init.js"></script>
</body>
</html>
""")


class OfflineSwagger(Swagger):
    """ninja's Swagger page loads swagger-ui from a CDN unless "ninja" is an installed app; this one never does."""

    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"api": api, "add_csrf": _csrf_needed(api), "swagger_settings": json.dumps(self.settings),
                   "base": reverse(f"{api.urls_namespace}:docs-static", args=["x"])[:-1]}
        return HttpResponse(_DOCS_PAGE.render(RequestContext(request, context)))


api = NinjaAPI(
    title="Segment Designer API",
    version="1",
    description=__doc__.split("\n\n", 1)[1],
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=OfflineSwagger(),
)


@api.get("/docs/static/{name}", auth=None, include_in_schema=False, url_name="docs-static")
def docs_static(request, name: str):
    if name not in _DOCS_FILES:
        raise Http404(name)
    return FileResponse((_NINJA_STATIC / name).open("rb"), content_type=_DOCS_FILES[name])


# Errors ---------------------------------------------------------------------------------------------------------

def error_response(request, status: int, message: str, **extra) -> HttpResponse:
    response = api.create_response(request, {"error": {"message": message, **extra}}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="segment-designer"'
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error_response(request, 401, "authentication required: send 'Authorization: Bearer <API token key>' "
                                        "or log in")


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return error_response(request, exc.status_code, exc.message)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, 404, "not found")


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    details = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type"))}
               for e in exc.errors]
    first = details[0] if details else {"loc": [], "msg": "invalid"}
    where = ".".join(p for p in first["loc"] if p not in ("body", "payload"))
    return error_response(request, 422, f"invalid request: {where + ': ' if where else ''}{first['msg']}",
                          details=details)


@api.exception_handler(QueryError)
def _query_error(request, exc: QueryError):
    return error_response(request, 422, exc.message, line=exc.line, column=exc.column)


@api.exception_handler(services.SegmentError)
def _segment_error(request, exc):
    return error_response(request, 409, str(exc))


@api.exception_handler(sharing.SharingError)
def _sharing_error(request, exc):
    return error_response(request, 400, str(exc))


# Roles ----------------------------------------------------------------------------------------------------------

def require_viewer(request) -> None:
    if not roles.can_view(request.user):
        raise HttpError(403, f"you may not see segments: ask an administrator to add '{request.user.get_username()}' "
                             f"to one of the groups {', '.join(roles.GROUPS)}")


def require_editor(request) -> None:
    require_viewer(request)
    if not roles.can_edit(request.user):
        raise HttpError(403, "you may only read segments (Viewers): changing them needs the Marketers group")


ERRORS = {401: Error, 403: Error, 422: Error}  # 422: a parameter or body that does not fit the schema
READ = {**ERRORS, 404: Error}
WRITE = {**READ, 400: Error, 409: Error}  # 400: a body that is not JSON
SegmentId = Path(..., ge=1, le=MAX_ID, description="the segment's id")


def _segment(segment_id: int) -> Segment:
    return get_object_or_404(Segment.objects.select_related("owner"), pk=segment_id)


def _in_use(request, segment: Segment, exc: services.SegmentInUse) -> HttpResponse:
    return error_response(request, 409, str(exc), used_by=[s.name for s in services.dependants(segment)])


# Segments -------------------------------------------------------------------------------------------------------

segments_router = Router(tags=["segments"])
sharing_router = Router(tags=["sharing"])


@sharing_router.get("/segments/export", response={200: ShareFile, **READ}, summary="Export segment definitions")
def export_segments(request, response: HttpResponse, with_dependencies: bool = False,
                    name: Annotated[list[Text] | None, Query(description="segment names; none: all")] = None):
    """The sharing document (see POST /api/segments/import) for the named segments, as a file download."""
    require_viewer(request)
    found = Segment.objects.filter(name__in=name) if name else Segment.objects.all()
    missing = sorted(set(name or ()) - {s.name for s in found})
    if missing:
        return error_response(request, 404, f"no segment named {', '.join(repr(n) for n in missing)}")
    response["Content-Disposition"] = 'attachment; filename="segments.json"'
    return sharing.export_segments(segments=found, with_dependencies=with_dependencies)


@sharing_router.post("/segments/import", response={**ERRORS, 200: ImportReport, 400: Error,
                                                   422: ImportReport | Error}, summary="Import segment definitions")
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


@segments_router.get("/segments", response={200: list[SegmentOut], **ERRORS}, summary="List segments")
def list_segments(request, state: Literal["draft", "live", "stopped"] | None = None):
    require_viewer(request)
    segments = Segment.objects.select_related("owner")
    return segments.filter(state=state) if state else segments


@segments_router.post("/segments", response={201: SegmentOut, **WRITE}, summary="Create a segment (a draft)")
def create_segment(request, payload: SegmentIn):
    """The query is validated: 422 with the line and column of the first error; 409 if the name is taken."""
    require_editor(request)
    segment = services.segment_create(name=payload.name, query_text=payload.query, description=payload.description,
                                      owner=request.user)
    return Status(201, segment)


@segments_router.get("/segments/{segment_id}", response={200: SegmentOut, **READ}, summary="Read a segment")
def read_segment(request, segment_id: int = SegmentId):
    require_viewer(request)
    return _segment(segment_id)


@segments_router.patch("/segments/{segment_id}", response={200: SegmentOut, **WRITE}, summary="Edit a segment")
def update_segment(request, payload: SegmentPatch, segment_id: int = SegmentId):
    """Send the version you edited: 409 if someone saved a newer one meanwhile (reload and apply again)."""
    require_editor(request)
    segment = _segment(segment_id)
    try:
        services.segment_update(segment=segment, version=payload.version, user=request.user, name=payload.name,
                                description=payload.description, query_text=payload.query)
    except services.ConcurrentEdit as exc:
        current = Segment.objects.filter(pk=segment.pk).values_list("version", flat=True).first()
        return error_response(request, 409, str(exc), current_version=current)
    except services.SegmentInUse as exc:
        return _in_use(request, segment, exc)
    return _segment(segment_id)  # read again: an edit of a live segment queued an evaluation


@segments_router.delete("/segments/{segment_id}", response={204: None, **WRITE}, summary="Delete a segment")
def delete_segment(request, segment_id: int = SegmentId):
    """409 with the names of the segments that use it."""
    require_editor(request)
    segment = _segment(segment_id)
    try:
        services.segment_delete(segment=segment, user=request.user)
    except services.SegmentInUse as exc:
        return _in_use(request, segment, exc)
    return Status(204, None)


@segments_router.post("/segments/{segment_id}/go-live", response={200: SegmentOut, **WRITE}, summary="Take live")
def go_live(request, segment_id: int = SegmentId):
    """A live segment is evaluated now and kept up to date."""
    require_editor(request)
    services.segment_go_live(segment=_segment(segment_id), user=request.user)
    return _segment(segment_id)  # read again: queued (or, without a broker, evaluated already)


@segments_router.post("/segments/{segment_id}/stop", response={200: SegmentOut, **WRITE}, summary="Stop")
def stop(request, segment_id: int = SegmentId):
    """409 while live segments use it."""
    require_editor(request)
    segment = _segment(segment_id)
    try:
        return services.segment_stop(segment=segment, user=request.user)
    except services.SegmentInUse as exc:
        return _in_use(request, segment, exc)


@segments_router.post("/segments/{segment_id}/evaluate", response={200: EvaluateOut, 202: EvaluateOut, **WRITE},
                      summary="Evaluate")
def evaluate(request, segment_id: int = SegmentId, wait: bool = False):
    """Queue an evaluation (202; `queued` is false when one was queued already), or with wait=true evaluate
    now and answer with the run (200; a failed run has status "failed" and its error)."""
    require_editor(request)
    segment = _segment(segment_id)
    if not wait:
        queued = services.segment_request_evaluation(segment=segment, reason="API")
        return Status(202, {"queued": queued, "run": None, "segment": _segment(segment_id)})
    try:
        run = segment_evaluate(segment_id=segment.pk)
    except Exception:  # the run and the segment record the failure; the caller reads it from the run
        run = EvaluationRun.objects.filter(segment=segment).order_by("-id").first()
    return Status(200, {"queued": False, "run": run, "segment": _segment(segment_id)})


@segments_router.get("/segments/{segment_id}/members", response={200: MembersPage, **READ}, summary="Members")
def members(request, segment_id: int = SegmentId, after: str | None = Query(None, description="the `next` of the "
            "previous page: members with a greater ContactId"), limit: int = Query(100, ge=1, le=1000)):
    """The current members, ordered by ContactId, a page at a time (cursor-based)."""
    require_viewer(request)
    segment = _segment(segment_id)
    rows = Membership.objects.filter(segment=segment).order_by("contact_id")
    if after is not None:
        rows = rows.filter(contact_id__gt=_uuid(after))
    page = list(rows.values("contact_id", "contact__full_name", "contact__email", "since")[:limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return {
        "items": [{"contact_id": r["contact_id"], "full_name": r["contact__full_name"], "email": r["contact__email"],
                   "since": r["since"]} for r in page],
        "next": page[-1]["contact_id"] if more else None,
        "member_count": segment.member_count,
    }


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise HttpError(422, f"after: '{text[:60]}' is not a ContactId (a GUID)") from None


@segments_router.get("/segments/{segment_id}/runs", response={200: list[RunOut], **READ}, summary="Evaluation runs")
def runs(request, segment_id: int = SegmentId, before: int | None = Query(None, ge=1, le=MAX_ID, description="a "
         "run id: older runs only (paging)"), limit: int = Query(50, ge=1, le=500)):
    """The segment's evaluation runs, newest first."""
    require_viewer(request)
    found = EvaluationRun.objects.filter(segment=_segment(segment_id)).order_by("-id")
    if before is not None:
        found = found.filter(id__lt=before)
    return found[:limit]


# The catalog ----------------------------------------------------------------------------------------------------

catalog_router = Router(tags=["catalog"])


def _type_out(itype) -> dict:
    return {"name": itype.name, "display_name": itype.display_name,
            "fields": [{"name": f.name, "kind": str(f.kind), "label": f.label,
                        "record_type": f.record.name if f.record else None} for f in itype.all_fields]}


@catalog_router.get("/interaction-types", response={200: list[InteractionTypeOut], **ERRORS},
                    summary="Interaction types and their fields")
def interaction_types(request):
    require_viewer(request)
    return [_type_out(t) for t in INTERACTION_TYPES]


@catalog_router.get("/interaction-types/{name}", response={200: InteractionTypeOut, **READ},
                    summary="One interaction type")
def interaction_type_detail(request, name: str):
    require_viewer(request)
    itype = interaction_type(name)
    if itype is None:
        return error_response(request, 404, f"unknown interaction type '{name[:60]}'")
    return _type_out(itype)


api.add_router("", sharing_router)  # before segments_router: /segments/export is not /segments/{id}
api.add_router("", segments_router)
api.add_router("", catalog_router)
api.add_router("", interactions_api.router)

# include("segments.api") mounts the API (designer/urls.py): its URLs in the "api" namespace.
urlpatterns = api.urls[0]
app_name = api.urls_namespace
