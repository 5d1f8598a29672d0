"""POST /api/interactions: the import objects as a JSON array, all-or-nothing, idempotent (interactions/ingest.py).

Token only, of a user who may ingest (the Ingest group or Administrators, segments/roles.py): whoever feeds
interactions in need not see segments, and whoever sees segments may not rewrite contacts.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from ninja import Router

from interactions.ingest import IngestRejected, ingest
from interactions.jsonlines import UnreadableJSON, read_json
from segments import roles

from .auth import authenticate_token
from .errors import ApiError
from .schemas import Error, IngestResult

router = Router(tags=["interactions"])
_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {
            "type": "array",
            "items": {"type": "object", "description": "an import object: {\"type\": \"Contact\" | a record type | "
                                                       "an interaction type, ...its fields}"},
        }}},
    },
    "security": [{"TokenAuth": []}],
}


@router.post("/interactions", auth=None, openapi_extra=_BODY, summary="Ingest interactions",
             response={200: IngestResult, 400: Error, 401: Error, 403: Error, 413: Error})
def ingest_interactions(request):
    """Contacts, records and interactions as a JSON array, all-or-nothing (400 with per-item errors), idempotent
    (an interaction stored before counts as a duplicate). Needs an API token of a user in the Ingest group (or an
    Administrator's)."""
    token = authenticate_token(request)
    if token is None:
        raise ApiError(401, "missing or invalid API token: send 'Authorization: Bearer <key>'")
    if not roles.can_ingest(token.user):
        raise ApiError(403, f"'{token.user.get_username()}' may not ingest interactions: ask an administrator to add "
                            f"this user to the {roles.INGEST} group")
    limit = settings.INGEST_MAX_BYTES
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise ApiError(413, f"body too large: {declared:,} bytes; the limit is {limit:,} bytes", limit=limit)
    try:
        body = request.body
    except RequestDataTooBig:
        raise ApiError(413, f"body too large; the limit is {limit:,} bytes", limit=limit) from None
    if len(body) > limit:
        raise ApiError(413, f"body too large: {len(body):,} bytes; the limit is {limit:,} bytes", limit=limit)
    try:
        items = read_json(body)
    except UnreadableJSON as exc:
        raise ApiError(400, f"body is {exc}") from None
    if not isinstance(items, list):
        raise ApiError(400, "body must be a JSON array of import objects")
    try:
        result = ingest(enumerate(items), source="api")
    except IngestRejected as rejected:
        raise ApiError(400, f"{rejected.result.error_count} invalid item(s); nothing was written",
                       errors=[e.as_dict() for e in rejected.result.errors]) from None
    return {"inserted": result.inserted_total, "duplicates": result.duplicates, "records": result.records,
            "inserted_by_type": result.inserted}
