"""POST /api/interactions: the import objects as a JSON array, all-or-nothing, idempotent."""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

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


@csrf_exempt
@require_POST
def ingest_interactions(request):
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
