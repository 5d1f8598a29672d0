"""Reading import JSON strictly: UTF-8, no duplicate keys, bounded nesting; one line of JSON Lines at a time.

Shared by `import_jsonl` (a line at a time, so one bad byte costs only its line) and the HTTP ingest (a body).
"""

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Unreadable:
    """Stands in for an input line that could not even be decoded (or a CSV cell that cannot be the value its
    column needs); the ingest reports it like any bad line."""

    reason: str
    field: str | None = None


class UnreadableJSON(ValueError):
    """JSON that cannot be taken as import objects, whatever they hold (the message says why)."""


def _refuse_duplicate_keys(pairs):
    found = dict(pairs)
    if len(found) < len(pairs):
        seen = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise UnreadableJSON(f"not valid JSON for import: the key {key!r} appears twice in one object")
    return found


def read_json(data: bytes | str):
    """Strict JSON: UTF-8 bytes (or text), no duplicate keys, nesting within what Python's parser can hold.

    Raises UnreadableJSON saying what is wrong and where.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UnreadableJSON(f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    try:
        return json.loads(data, object_pairs_hook=_refuse_duplicate_keys)
    except RecursionError:
        raise UnreadableJSON("not valid JSON for import: arrays and objects nest too deeply") from None
    except UnreadableJSON:
        raise
    except ValueError as exc:
        raise UnreadableJSON(f"not valid JSON: {exc}") from None


def read_line(raw: bytes):
    """One JSON Lines line (bytes) as its object, or Unreadable saying why it is not one."""
    try:
        return read_json(raw)
    except UnreadableJSON as exc:
        return Unreadable(str(exc))
