"""The read replica (DATABASE_REPLICA_URL): reads that may be a moment behind go there, the rest to the primary.

Read-only interactive work reads the replica: every GET and HEAD request (pages, member lists, CSV exports,
API reads) and the designer's read-only posts (estimate, per-restriction counts, explain), marked with
`replica_reads()`. Writes, and everything outside a request (workers' evaluations, beat, commands), use the
primary. Read-your-writes: a request that wrote sends its user's requests to the primary for
REPLICA_STICKY_SECONDS (a cookie holds the deadline), so the designer shows its own saves at once.
Code that runs raw SQL asks `django.db.router.db_for_read(...)` which connection to use.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"
STICKY_COOKIE = "sd_primary_until"
# Writes that are bookkeeping, not the user's data: an API token's last use is written on every call.
_BOOKKEEPING = {"interactions.apitoken"}


@dataclass
class _Request:
    pinned: bool  # the user wrote moments ago: read the primary
    wrote: bool = False


_request: ContextVar[_Request | None] = ContextVar("replica_request", default=None)
_reading: ContextVar[bool] = ContextVar("replica_reading", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    """Inside, reads go to the replica (when there is one and this user has not just written)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _request.get()
        if _reading.get() and replica_configured() and not (state and (state.pinned or state.wrote)):
            return REPLICA
        return None  # Django's default: the instance's own database, else the primary

    def db_for_write(self, model, **hints):
        state = _request.get()
        if state is not None and model._meta.label_lower not in _BOOKKEEPING:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: objects read from either relate.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, **hints):
        return False if db == REPLICA else None


def _pinned(request) -> bool:
    try:
        return float(request.COOKIES.get(STICKY_COOKIE, "0")) > time.time()
    except ValueError:
        return False


class ReadYourWritesMiddleware:
    """Routes a request's reads (see the module's doc) and remembers that its user wrote."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        state = _Request(pinned=_pinned(request))
        request_token = _request.set(state)
        reading_token = _reading.set(request.method in ("GET", "HEAD"))
        try:
            response = self.get_response(request)
        finally:
            _reading.reset(reading_token)
            _request.reset(request_token)
        if state.wrote:
            seconds = settings.REPLICA_STICKY_SECONDS
            response.set_cookie(STICKY_COOKIE, f"{time.time() + seconds:.3f}", max_age=seconds, httponly=True,
                                samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response
