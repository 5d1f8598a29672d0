"""How a JSON value of an import line becomes a column's value, or BadValue saying which field and why."""

import difflib
import math
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime

from django.db import connection

from .catalog import Attribute, FieldKind, parse_guid

_BIGINT = 2**63  # what a bigint column holds
_CANONICAL_GUID = re.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class BadValue(Exception):
    """A value an import line cannot hold: which field, and why."""

    def __init__(self, field_name: str | None, reason: str):
        self.field_name = field_name
        self.reason = reason


def suggest(word: str, options: Iterable[str]) -> str:
    options = list(options)
    lowered = {o.lower(): o for o in options}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.7)
    return f"; did you mean '{lowered[match[0]]}'?" if match else ""


def _to_guid(key: str, value):
    if value.__class__ is not str:
        raise BadValue(key, f"not a GUID: expected a string like '5acc43d5-356e-e811-a960-000d3a1cae35', "
                        f"got {json_kind(value)}")
    if _CANONICAL_GUID.fullmatch(value):
        return value  # the usual spelling, checked without building a UUID: the database reads the text
    guid = parse_guid(value.strip())
    if guid is None:
        raise BadValue(key, f"not a GUID: {value!r}")
    return guid


def _to_string(key: str, value):
    if value.__class__ is not str:
        raise BadValue(key, f"expected a string, got {json_kind(value)}")
    if "\x00" in value:
        raise BadValue(key, "text contains a NUL character")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BadValue(key, f"text contains a lone surrogate ({value[exc.start]!r}), which is not a character; "
                            "escape a character outside the BMP as a surrogate pair") from None
    return value


def _to_instant(key: str, value):
    if value.__class__ is not str:
        raise BadValue(key, f"bad timestamp: expected an ISO 8601 string, got {json_kind(value)}")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadValue(key, f"bad timestamp: {value!r} is not ISO 8601 (e.g. '2026-10-20T08:15:00Z')") from None
    if moment.tzinfo is None:
        raise BadValue(key, f"bad timestamp: {value!r} has no time zone; add 'Z' for UTC")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise BadValue(key, f"bad timestamp: {value!r} is past the year 9999 in UTC") from None


def _to_date(key: str, value):
    if value.__class__ is not str:
        raise BadValue(key, f"bad date: expected an ISO 8601 date string like '1985-04-12', got {json_kind(value)}")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadValue(key, f"bad date: {value!r} is not an ISO 8601 date (e.g. '1985-04-12')") from None


def to_choice(attribute: Attribute, key: str, value):
    number = attribute.choice(value) if isinstance(value, int | str) else None
    if number is None:
        options = ", ".join(f"{n} {label}" for n, label in attribute.choices)
        raise BadValue(key, f"{value!r} is not a choice of {attribute.name}; use a number or label: {options}")
    return number


def _to_boolean(key: str, value):
    if not isinstance(value, bool):
        raise BadValue(key, f"expected true or false, got {json_kind(value)}")
    return value


def _number(key: str, value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadValue(key, f"expected a number, got {json_kind(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise BadValue(key, "expected a finite number")
    return value


def _to_integer(key: str, value):
    value = _number(key, value)
    if isinstance(value, float):
        if not value.is_integer():
            raise BadValue(key, f"expected a whole number, got {value}")
        value = int(value)
    if not -_BIGINT <= value < _BIGINT:
        raise BadValue(key, "whole number out of range")
    return value


def _to_float(key: str, value):
    return float(_number(key, value))


# How a JSON value becomes a column's Python value, or BadValue saying why not; chosen once per column.
CONVERTERS = {
    FieldKind.GUID: _to_guid, FieldKind.STRING: _to_string, FieldKind.DATETIME: _to_instant,
    FieldKind.BOOLEAN: _to_boolean, FieldKind.INTEGER: _to_integer, FieldKind.NUMBER: _to_float,
    FieldKind.DATE: _to_date,
}


def custom_value(attribute: Attribute, key: str, value):
    """A custom attribute's value in the JSON column, in the form the compiler compares it in."""
    converted = CONVERTERS[attribute.kind](key, value)
    if isinstance(converted, datetime):
        if connection.vendor == "sqlite":  # Django's SQLite text form, which orders as time
            return str(converted.replace(tzinfo=None))
        return converted.isoformat()
    return converted.isoformat() if isinstance(converted, date) else converted


def json_kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
