"""The JSON API under /api/ (django-ninja): segments, their members and runs, the catalog, sharing, ingest.

Thin by design: each endpoint checks the caller's role (segments/roles.py), parses the request, calls a
service and shapes the response. The OpenAPI schema is at /api/openapi.json, its docs page at /api/docs.

Authentication: `Authorization: Bearer <key>` with an API token (the token's user's roles apply), or the
browser's logged-in session (then unsafe methods need the X-CSRFToken header).
Errors are `{"error": {"message": ..., ...}}`; query errors add "line" and "column".
"""

from __future__ import annotations

from ninja import NinjaAPI

from . import catalog, docs, errors, ingest, segments, sharing
from .auth import SessionAuth, TokenAuth


class SegmentDesignerApi(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Clients generated from the schema know these ids: they named the modules the endpoints were first
        # written in (segments/api.py, interactions/api.py), and moving the code must not rename them.
        prefix = "interactions_api" if operation.view_func.__module__ == ingest.__name__ else "segments_api"
        return f"{prefix}_{operation.view_func.__name__}"


api = SegmentDesignerApi(
    title="Segment Designer API",
    version="1",
    description=__doc__.split("\n\n", 1)[1],
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=docs.OfflineSwagger(),
)
errors.install(api)
api.add_router("", docs.router)
api.add_router("", sharing.router)  # before segments.router: /segments/export is not /segments/{id}
api.add_router("", segments.router)
api.add_router("", catalog.router)
api.add_router("", ingest.router)
