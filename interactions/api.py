"""POST /api/interactions: the import objects as a JSON array, all-or-nothing, idempotent.

Part of the JSON API (segments/api.py mounts `router`), with its own answers: token only, any user.
"""

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from ninja import Router, Schema

from .ingest import IngestRejected, ingest
from .models import ApiToken


def _error(status: int, message: str, **extra) -> JsonResponse:
    response = JsonResponse({"error": message, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="segment-designer"'
    return response


def authenticate_token(request):
    """The active ApiToken named by `Authorization: Bearer <key>` (or `Token <key>`), or None."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() not in ("bearer", "token") or not key.strip():
        return None
    return ApiToken.authenticate(key.strip())


class IngestResult(Schema):
    inserted: int
    duplicates: int
    records: int
    inserted_by_type: dict[str, int]


class IngestError(Schema):
    error: str
    errors: list[dict[str, Any]] | None = None
    limit: int | None = None


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
             response={200: IngestResult, 400: IngestError, 401: IngestError, 413: IngestError})
def ingest_interactions(request):
    """Contacts, records and interactions as a JSON array, all-or-nothing (400 with per-item errors), idempotent
    (an interaction stored before counts as a duplicate). Needs an API token of any user."""
    if authenticate_token(request) is None:
        return _error(401, "missing or invalid API token: send 'Authorization: Bearer <key>'")
    limit = settings.INGEST_MAX_BYTES
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _error(413, f"body too large: {declared:,} bytes; the limit is {limit:,} bytes", limit=limit)
    try:
        body = request.body
    except RequestDataTooBig:
        return _error(413, f"body too large; the limit is {limit:,} bytes", limit=limit)
    if len(body) > limit:
        return _error(413, f"body too large: {len(body):,} bytes; the limit is {limit:,} bytes", limit=limit)
    try:
        items = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        return _error(400, f"body is not valid JSON: {exc}")
    if not isinstance(items, list):
        return _error(400, "body must be a JSON array of import objects")
    try:
        result = ingest(enumerate(items))
    except IngestRejected as rejected:
        return _error(
            400,
            f"{rejected.result.error_count} invalid item(s); nothing was written",
            errors=[e.as_dict() for e in rejected.result.errors],
        )
    return JsonResponse({
        "inserted": result.inserted_total,
        "duplicates": result.duplicates,
        "records": result.records,
        "inserted_by_type": result.inserted,
    })
