"""What the query commands share: reading query text, timestamps, and reporting invalid input."""

import codecs
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
    """The query text of a file or of standard input ('-'): UTF-8 (a BOM allowed), or UTF-16 by its BOM."""
    name = "standard input is" if source in (None, "-") else f"{source}: the file is"
    if source in (None, "-"):
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # already text (an embedding program replaced stdin)
            return sys.stdin.read()
        data = stream.read()
    else:
        try:
            with open(source, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            raise CommandError(f"{source}: {exc.strerror}", returncode=2) from None
    return decode_text(data, name=name)


def decode_text(data: bytes, *, name: str) -> str:
    """Bytes as text, strictly: anything but UTF-8 (or UTF-16 with its BOM) is refused, never half-read.

    `name` starts the error: "standard input is" or "FILE: the file is".
    """
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and b"\x00" in data:  # no query holds a NUL: UTF-16 without its BOM, or a binary file
        raise _not_text(name, data, data.index(b"\x00"))
    try:
        return data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_text(name, data, exc.start) from None


def _not_text(name: str, data: bytes, offset: int) -> CommandError:
    return CommandError(f"{name} not UTF-8 text (byte 0x{data[offset]:02x} at offset {offset})", returncode=2)


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
