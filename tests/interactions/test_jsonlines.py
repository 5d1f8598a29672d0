"""The fast reader (orjson) answers exactly as the strict one (Python's json) would, or leaves the line to it."""

import json
import math

import pytest

from interactions.jsonlines import Unreadable, _strict, read_line

LINES = [
    b'{"type": "EmailOpened", "City": "Oslo", "City": "Rome"}',
    b'{"type": "EmailOpened", "City": "Oslo", "City" : "Rome"}',
    b'{"type": "EmailOpened", "City": "Oslo", "City"\t:"Rome"}',
    b'{"type": "EmailOpened", "City": "Oslo", "Cit\\u0079": "Rome"}',
    b'{"type": "EmailOpened", "a": {"b": 1, "b": 2}}',
    b'{"type": "EmailOpened", "a": [{"b": 1, "b": 2}]}',
    b'{"type": "EmailOpened", "a": "x\\":y", "a": 1}',
    b'{"type": "EmailOpened", "a": "x:y:z", "b": "12:00"}',
    b'{"type": "EmailOpened", "a": {}}',
    b'{"type": "EmailOpened", "a": "\\ud800"}',
    b'{"type": "EmailOpened", "n": NaN}',
    b'{"type": "EmailOpened", "n": 123456789012345678901234567890}',
    b'{"type": "EmailOpened", "n": 1e400}',
    b'{"type": "Caf\xc3\xa9", "x": "\xe2\x82\xac"}',
    b'{"type": "EmailOpened", "a": "\xfc"}',
    b"[1, 2]",
    b"{not json",
    b'"text"',
]


def _strict_answer(raw):
    try:
        return _strict(raw)
    except ValueError as exc:
        return Unreadable(str(exc))


def _same(a, b):
    """Equal, numbers compared as floats (json reads a long integer as int, orjson as float), NaN as NaN."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b) or math.isnan(a) and math.isnan(b)
    return a == b


@pytest.mark.parametrize("raw", LINES, ids=[line.decode("utf-8", "replace")[:40] for line in LINES])
def test_the_fast_reader_gives_the_strict_readers_answer(raw):
    assert _same(read_line(raw), _strict_answer(raw))


def test_a_repeated_key_is_refused_however_it_is_spaced_or_escaped():
    for raw in LINES[:6]:
        found = read_line(raw)
        assert isinstance(found, Unreadable), raw
        assert "appears twice in one object" in found.reason


def test_an_ordinary_line_reads_as_json_reads_it():
    line = {"type": "EmailOpened", "InteractionId": "5acc43d5-356e-e811-a960-000d3a1cae35",
            "Timestamp": "2026-10-20T08:15:00+00:00", "City": None, "Score": 2.5, "Flag": True}
    assert read_line(json.dumps(line).encode()) == line
    assert read_line(json.dumps(line, separators=(",", ":")).encode()) == line
