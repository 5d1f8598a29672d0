"""Reading import JSON strictly: UTF-8, no duplicate keys, bounded nesting; one line of JSON Lines at a time.

Shared by `import_jsonl` (a line at a time, so one bad byte costs only its line) and the HTTP ingest (a body).
"""

import json
import re
from dataclasses import dataclass

import orjson

_SPACED_KEY = re.compile(rb'"[ \t\r\n]+:')


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


def _strict(data: bytes | str):
    """The reference reader: Python's parser, which says exactly what is wrong and where."""
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


def _fast(data: bytes | str):
    """orjson's reading of a flat object (an import line), or None where only the strict reader can decide.

    orjson keeps the last of two equal keys silently, so the keys are counted. Without a backslash no string
    holds a quote, so `":` occurs exactly once per key written with its colon right after it: as many as the
    object's keys means no key was repeated and no object nests. Keys spaced from their colon, escapes, and
    whatever orjson refuses or reads differently (NaN, lone surrogates, a BOM) go the strict way.
    """
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if obj.__class__ is not dict:
        return None
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    if b"\\" in raw or raw.count(b'":') != len(obj) or _SPACED_KEY.search(raw):
        return None
    return obj


def read_json(data: bytes | str):
    """Strict JSON: UTF-8 bytes (or text), no duplicate keys, nesting within what Python's parser can hold.

    Raises UnreadableJSON saying what is wrong and where.
    """
    found = _fast(data)
    return _strict(data) if found is None else found


def read_line(raw: bytes):
    """One JSON Lines line (bytes) as its object, or Unreadable saying why it is not one."""
    try:
        return read_json(raw)
    except UnreadableJSON as exc:
        return Unreadable(str(exc))
