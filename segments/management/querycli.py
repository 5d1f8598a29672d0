"""What the query commands share: reading query text, timestamps, and reporting invalid input."""

import sys
import uuid
from datetime import UTC, datetime

from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from interactions.catalog import parse_guid
from segments.query import QueryError, compile_query
from segments.services import query_for, segment_sources


def read_text(source: str | None) -> str:
    if source in (None, "-"):
        return sys.stdin.read()
    try:
        with open(source, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise CommandError(f"{source}: {exc.strerror}", returncode=2) from None


def parse_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--at: '{text}' is not an ISO 8601 time such as 2026-11-01T00:00:00Z",
                           returncode=2) from None
    if moment.tzinfo is None:
        raise CommandError(f"--at: '{text}' has no time zone; add Z for UTC", returncode=2)
    return moment.astimezone(UTC)


def query_error(exc: QueryError) -> CommandError:
    """An invalid query as `LINE:COL: message`, exit status 2, no traceback."""
    return CommandError(str(exc), returncode=2)


def compiled(source: str | None, at: str | None) -> tuple[str, list]:
    """The SQL and parameters of the query in `source`, as of `at` (default: now), for this database."""
    now = parse_at(at) or timezone.now()
    try:
        return compile_query(query_for(read_text(source)), now=now, dialect=connection.vendor, segments=segment_sources)
    except QueryError as exc:
        raise query_error(exc) from None


def as_uuid(value) -> uuid.UUID:
    """A ContactId as the database returned it (SQLite: 32 hex digits)."""
    return value if isinstance(value, uuid.UUID) else parse_guid(value)
