"""Getting interactions in: one validating, all-or-nothing loader behind `import_jsonl` and the HTTP API.

Objects are validated one by one as they stream past (constant memory), staged in temporary tables
(COPY on PostgreSQL), and only then checked as a set (unknown contacts) and moved into the real tables
with INSERT ... ON CONFLICT, inside one transaction: a rejected input writes nothing, and an
InteractionId that is already stored is counted as a duplicate and changes nothing.
"""

from __future__ import annotations

import difflib
import json
import math
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property

from django.db import connection, transaction

from .catalog import COMMON_FIELDS, INTERACTION_TYPES, RECORD_TYPES, FieldKind, parse_guid
from .maintenance import summarize_new_ranges
from .models import INTERACTION_MODELS, RECORD_MODELS, Contact
from .signals import interactions_stored

BATCH_ROWS = 5000
MAX_REPORTED_ERRORS = 1000
_BIGINT = 2**63
# Interaction text fields are unbounded text columns; no URL, city or subject needs more than this, and an
# unbounded one would let one line store megabytes. Contact and record fields take their models' max_length.
MAX_TEXT_LENGTH = 10_000


@dataclass(frozen=True)
class IngestError:
    """One bad line (file) or item (API): where, which field, and why."""

    position: int
    field: str | None
    reason: str

    def describe(self, unit: str = "line") -> str:
        where = f"{unit} {self.position}"
        return f"{where}: {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"

    def as_dict(self) -> dict:
        return {"index": self.position, "field": self.field, "reason": self.reason}


@dataclass
class IngestResult:
    inserted: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    records: int = 0  # contacts and records created or updated
    errors: list[IngestError] = field(default_factory=list)
    error_count: int = 0

    @property
    def inserted_total(self) -> int:
        return sum(self.inserted.values())


class IngestRejected(Exception):
    """The input had bad lines and nothing was written."""

    def __init__(self, result: IngestResult):
        super().__init__(f"{result.error_count} invalid line(s); nothing was written")
        self.result = result


@dataclass(frozen=True)
class _Column:
    key: str  # the JSON key, in catalog spelling
    kind: FieldKind
    column: str
    required: bool
    model_field: object
    default: object = None  # stored when the input leaves the field out

    @cached_property
    def max_length(self) -> int:
        return getattr(self.model_field, "max_length", None) or MAX_TEXT_LENGTH

    @cached_property
    def convert(self):
        return _CONVERTERS[self.kind]


@dataclass(frozen=True)
class _Target:
    """Where one kind of line goes: its model, its columns, and its stage table."""

    name: str
    model: type
    columns: tuple[_Column, ...]
    pk_column: str
    is_interaction: bool

    @cached_property
    def by_key(self) -> dict[str, tuple[int, _Column]]:
        """(position, column) by JSON key, in the catalog's spelling and in lower case."""
        found = {}
        for index, col in enumerate(self.columns):
            found[col.key] = found[col.key.lower()] = (index, col)
        return found

    @cached_property
    def defaults(self) -> tuple:
        return tuple(c.default for c in self.columns)

    @cached_property
    def required(self) -> tuple[tuple[int, _Column], ...]:
        return tuple((i, c) for i, c in enumerate(self.columns) if c.required)

    @property
    def stage(self) -> str:
        return f"stage_{self.model._meta.db_table}"

    @cached_property
    def column_names(self) -> list[str]:
        return [c.column for c in self.columns]


def _column(model, key: str, kind: FieldKind, column: str, required: bool) -> _Column:
    model_field = model._meta.get_field(_attname(model, column))
    default = "" if not model_field.null and not required else None
    return _Column(key, kind, column, required, model_field, default)


def _attname(model, column: str) -> str:
    for f in model._meta.concrete_fields:
        if f.column == column:
            return f.name
    raise LookupError(column)


def _build_targets() -> dict[str, _Target]:
    targets: dict[str, _Target] = {}
    contact_columns = (
        _column(Contact, "ContactId", FieldKind.GUID, "contact_id", True),
        _column(Contact, "FullName", FieldKind.STRING, "full_name", False),
        _column(Contact, "Email", FieldKind.STRING, "email", False),
    )
    targets["contact"] = _Target("Contact", Contact, contact_columns, "contact_id", False)
    for record in RECORD_TYPES:
        model = RECORD_MODELS[record.name]
        columns = (
            _column(model, record.id_field, FieldKind.GUID, "id", True),
            _column(model, "Name", FieldKind.STRING, "name", True),
        )
        targets[record.name.lower()] = _Target(record.name, model, columns, "id", False)
    required = {f.name for f in COMMON_FIELDS}
    for itype in INTERACTION_TYPES:
        model = INTERACTION_MODELS[itype.name]
        columns = tuple(_column(model, f.name, f.kind, f.column, f.name in required) for f in itype.all_fields)
        targets[itype.name.lower()] = _Target(itype.name, model, columns, "interaction_id", True)
    return targets


_TARGETS = _build_targets()
LINE_TYPES = tuple(t.name for t in _TARGETS.values())


class _Bad(Exception):
    def __init__(self, field_name: str | None, reason: str):
        self.field_name = field_name
        self.reason = reason


def _suggest(word: str, options: Iterable[str]) -> str:
    options = list(options)
    lowered = {o.lower(): o for o in options}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.7)
    return f"; did you mean '{lowered[match[0]]}'?" if match else ""


def _to_guid(key: str, value):
    if value.__class__ is not str:
        raise _Bad(key, f"not a GUID: expected a string like '5acc43d5-356e-e811-a960-000d3a1cae35', "
                        f"got {_json_kind(value)}")
    guid = parse_guid(value.strip())
    if guid is None:
        raise _Bad(key, f"not a GUID: {value!r}")
    return guid


def _to_string(key: str, value):
    if value.__class__ is not str:
        raise _Bad(key, f"expected a string, got {_json_kind(value)}")
    if "\x00" in value:
        raise _Bad(key, "text contains a NUL character")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise _Bad(key, f"text contains a lone surrogate ({value[exc.start]!r}), which is not a character; "
                            "escape a character outside the BMP as a surrogate pair") from None
    return value


def _to_instant(key: str, value):
    if value.__class__ is not str:
        raise _Bad(key, f"bad timestamp: expected an ISO 8601 string, got {_json_kind(value)}")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _Bad(key, f"bad timestamp: {value!r} is not ISO 8601 (e.g. '2026-10-20T08:15:00Z')") from None
    if moment.tzinfo is None:
        raise _Bad(key, f"bad timestamp: {value!r} has no time zone; add 'Z' for UTC")
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise _Bad(key, f"bad timestamp: {value!r} is past the year 9999 in UTC") from None


def _to_boolean(key: str, value):
    if not isinstance(value, bool):
        raise _Bad(key, f"expected true or false, got {_json_kind(value)}")
    return value


def _number(key: str, value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad(key, f"expected a number, got {_json_kind(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _Bad(key, "expected a finite number")
    return value


def _to_integer(key: str, value):
    value = _number(key, value)
    if isinstance(value, float):
        if not value.is_integer():
            raise _Bad(key, f"expected a whole number, got {value}")
        value = int(value)
    if not -_BIGINT <= value < _BIGINT:
        raise _Bad(key, "whole number out of range")
    return value


def _to_float(key: str, value):
    return float(_number(key, value))


# How a JSON value becomes a column's Python value, or _Bad saying why not; chosen once per column.
_CONVERTERS = {
    FieldKind.GUID: _to_guid, FieldKind.STRING: _to_string, FieldKind.DATETIME: _to_instant,
    FieldKind.BOOLEAN: _to_boolean, FieldKind.INTEGER: _to_integer, FieldKind.NUMBER: _to_float,
}


def _json_kind(value) -> str:
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


@dataclass(frozen=True)
class Unreadable:
    """Stands in for an input line that could not even be decoded; the ingest reports it like any bad line."""

    reason: str


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


def parse_object(obj) -> tuple[_Target, list]:
    """Validate one import object; returns its target and its row in the target's column order."""
    if isinstance(obj, Unreadable):
        raise _Bad(None, obj.reason)
    if not isinstance(obj, dict):
        raise _Bad(None, f"expected a JSON object, got {_json_kind(obj)}")
    type_name = obj.get("type")
    if type_name is None:
        raise _Bad("type", "missing required field")
    if not isinstance(type_name, str):
        raise _Bad("type", f"expected a string, got {_json_kind(type_name)}")
    target = _TARGETS.get(type_name.lower())
    if target is None:
        raise _Bad("type", f"unknown type {type_name!r}{_suggest(type_name, LINE_TYPES)}")
    row = list(target.defaults)
    by_key = target.by_key
    for key, value in obj.items():
        found = by_key.get(key) or by_key.get(key.lower())  # exact spelling first: the common case
        if found is None:
            if key == "type":
                continue
            spellings = [c.key for c in target.columns]
            raise _Bad(key, f"unknown field for {target.name}{_suggest(key, spellings)}")
        index, col = found
        row[index] = col.convert(col.key, value) if value is not None else col.default
        if col.kind is FieldKind.STRING and value is not None and len(row[index]) > col.max_length:
            raise _Bad(col.key, f"text of {len(row[index]):,} characters; at most {col.max_length:,} fit")
    for index, col in target.required:
        if row[index] is None:
            raise _Bad(col.key, "missing required field")
    return target, row


class _Stager:
    """Stages validated rows in temporary tables, one per target, in batches."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.vendor = connection.vendor
        self.batches: dict[str, list] = {}
        self.created: dict[str, _Target] = {}
        self.staged: dict[str, int] = {}

    @staticmethod
    def _sqlite_row(target: _Target, raw: list) -> list:
        """Rows in Django's SQLite storage forms; psycopg adapts the Python values on PostgreSQL itself."""
        position, *row = raw
        out = [position]
        for col, value in zip(target.columns, row, strict=True):
            out.append(None if value is None else col.model_field.get_db_prep_value(value, connection))
        return out

    def add(self, target: _Target, position: int, row: list):
        if target.name not in self.created:
            self._create(target)
        batch = self.batches.setdefault(target.name, [])
        batch.append([position, *row])
        if len(batch) >= BATCH_ROWS:
            self._flush(target)

    def finish(self):
        for target in self.created.values():
            self._flush(target)

    def _create(self, target: _Target):
        table = target.model._meta.db_table
        self.cursor.execute(f"DROP TABLE IF EXISTS {target.stage}")
        if self.vendor == "postgresql":
            self.cursor.execute(
                f"CREATE TEMP TABLE {target.stage} ON COMMIT DROP AS "
                f"SELECT 0::bigint AS line, {', '.join(target.column_names)} FROM {table} WITH NO DATA"
            )
        else:
            self.cursor.execute(
                f"CREATE TEMP TABLE {target.stage} AS "
                f"SELECT 0 AS line, {', '.join(target.column_names)} FROM {table} WHERE 0"
            )
        self.created[target.name] = target
        self.staged[target.name] = 0

    def _flush(self, target: _Target):
        batch = self.batches.pop(target.name, [])
        if not batch:
            return
        rows = batch if self.vendor == "postgresql" else [self._sqlite_row(target, raw) for raw in batch]
        names = ["line", *target.column_names]
        if self.vendor == "postgresql":
            with self.cursor.copy(f"COPY {target.stage} ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(names))
            self.cursor.executemany(f"INSERT INTO {target.stage} ({', '.join(names)}) VALUES ({marks})", rows)
        self.staged[target.name] += len(rows)


def ingest(
    objects: Iterable[tuple[int, object]],
    *,
    skip_invalid: bool = False,
    on_error: Callable[[IngestError], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestResult:
    """Validate and store (position, object) pairs; all-or-nothing unless skip_invalid.

    Raises IngestRejected (nothing written) when any object is bad and skip_invalid is off.
    """
    result = IngestResult()

    def report(error: IngestError):
        result.error_count += 1
        if len(result.errors) < MAX_REPORTED_ERRORS:
            result.errors.append(error)
        if on_error is not None:
            on_error(error)

    with transaction.atomic(), connection.cursor() as cursor:
        stager = _Stager(cursor)
        for position, obj in objects:
            try:
                target, row = parse_object(obj)
            except _Bad as bad:
                report(IngestError(position, bad.field_name, bad.reason))
            else:
                stager.add(target, position, row)
            if on_progress is not None:
                on_progress(position)
        stager.finish()
        for error in _unknown_contacts(cursor, stager):
            report(error)
        if result.error_count and not skip_invalid:
            transaction.set_rollback(True)
            raise IngestRejected(result)
        _store(cursor, stager, result)
        stored = sorted(name for name, n in result.inserted.items() if n)
        if stored:
            tables = [_TARGETS[name.lower()].model._meta.db_table for name in stored]
            # robust: the rows are stored; upkeep or a refresh that fails afterwards must not say otherwise.
            transaction.on_commit(lambda: summarize_new_ranges(tables=tables), robust=True)
            transaction.on_commit(lambda: interactions_stored.send(sender=ingest, types=stored), robust=True)
    return result


def _unknown_contacts(cursor, stager: _Stager) -> list[IngestError]:
    """Interactions whose contact is neither stored nor among the input's Contact lines."""
    errors = []
    contact_stage = _TARGETS["contact"].stage if "Contact" in stager.created else None
    for target in stager.created.values():
        if not target.is_interaction:
            continue
        staged_contact = (
            f" AND NOT EXISTS (SELECT 1 FROM {contact_stage} n WHERE n.contact_id = s.contact_id)"
            if contact_stage else ""
        )
        cursor.execute(
            f"SELECT s.line, s.contact_id FROM {target.stage} s "
            f"WHERE NOT EXISTS (SELECT 1 FROM interactions_contact c WHERE c.contact_id = s.contact_id)"
            f"{staged_contact} ORDER BY s.line"
        )
        for line, contact_id in cursor.fetchall():
            shown = contact_id if isinstance(contact_id, uuid.UUID) else uuid.UUID(contact_id)
            errors.append(IngestError(line, "ContactId", f"unknown contact {shown}"))
    if errors:
        bad = {}
        for error in errors:
            bad.setdefault(error.position, error)
        for target in stager.created.values():
            if target.is_interaction:
                _delete_lines(cursor, target, sorted(bad))
        errors.sort(key=lambda e: e.position)
    return errors


def _delete_lines(cursor, target: _Target, lines: list[int]):
    for start in range(0, len(lines), 1000):
        chunk = lines[start:start + 1000]
        cursor.execute(f"DELETE FROM {target.stage} WHERE line IN ({', '.join(['%s'] * len(chunk))})", chunk)


def _store(cursor, stager: _Stager, result: IngestResult):
    # Records and contacts first: interactions point to contacts.
    ordered = sorted(stager.created.values(), key=lambda t: t.is_interaction)
    for target in ordered:
        table = target.model._meta.db_table
        names = ", ".join(target.column_names)
        if target.is_interaction:
            # Time order keeps the table clustered on Timestamp, which moving windows scan.
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM {target.stage} WHERE true "
                f"ORDER BY timestamp ON CONFLICT (interaction_id) DO NOTHING"
            )
            inserted = cursor.rowcount
            staged = _count(cursor, target.stage)
            result.inserted[target.name] = result.inserted.get(target.name, 0) + inserted
            result.duplicates += staged - inserted
        else:
            # The last line for a record wins; a re-import updates its name, never its id.
            updates = ", ".join(f"{c} = excluded.{c}" for c in target.column_names if c != target.pk_column)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM {target.stage} s "
                f"WHERE s.line IN (SELECT MAX(line) FROM {target.stage} GROUP BY {target.pk_column}) "
                f"ON CONFLICT ({target.pk_column}) DO UPDATE SET {updates}"
            )
            result.records += cursor.rowcount
        cursor.execute(f"DROP TABLE {target.stage}")


def _count(cursor, table: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {table}")
    return cursor.fetchone()[0]
