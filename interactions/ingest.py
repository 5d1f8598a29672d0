"""Getting interactions in: one validating, all-or-nothing loader behind `import_jsonl` and the HTTP API.

Objects are validated one by one as they stream past (constant memory), staged in temporary tables
(COPY on PostgreSQL), and only then checked as a set (unknown contacts) and moved into the real tables
with INSERT ... ON CONFLICT, inside one transaction: a rejected input writes nothing, and an
InteractionId that is already stored is counted as a duplicate and changes nothing.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection, transaction

from .catalog import (
    ACCOUNT,
    COMMON_FIELDS,
    CONTACT,
    CUSTOM_COLUMN,
    INTERACTION_TYPES,
    RECORD_TYPES,
    Attribute,
    Entity,
    FieldKind,
)
from .copying import CopyThread
from .import_values import CONVERTERS, BadValue, custom_value, json_kind, suggest, to_choice
from .jsonlines import Unreadable
from .maintenance import summarize_new_ranges
from .models import INTERACTION_MODELS, RECORD_MODELS, Account, Contact
from .profile_records import CustomAttributes, custom_attributes, store_profile_records
from .signals import interactions_stored

logger = logging.getLogger(__name__)
BATCH_ROWS = 10_000
MAX_REPORTED_ERRORS = 1000
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
    attribute: Attribute | None = None  # on contacts and accounts

    @cached_property
    def max_length(self) -> int:
        return getattr(self.model_field, "max_length", None) or MAX_TEXT_LENGTH

    @cached_property
    def convert(self):
        if self.kind is FieldKind.CHOICE:
            return lambda key, value: to_choice(self.attribute, key, value)
        return CONVERTERS[self.kind]


@dataclass(frozen=True)
class _Target:
    """Where one kind of line goes: its model, its columns, and its stage table."""

    name: str
    model: type
    columns: tuple[_Column, ...]
    pk_column: str
    is_interaction: bool
    entity: Entity | None = None  # a profile record: a line updates the attributes it names
    aliases: tuple[tuple[str, str], ...] = ()  # (old key, logical name) that keep working

    @cached_property
    def by_key(self) -> dict[str, tuple[int, _Column]]:
        """(position, column) by JSON key, in the catalog's spelling and in lower case."""
        found = {}
        for index, col in enumerate(self.columns):
            found[col.key] = found[col.key.lower()] = (index, col)
        for old, name in self.aliases:
            found[old] = found[old.lower()] = found[name]
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

    @cached_property
    def stage_names(self) -> list[str]:
        """The stage's columns: the table's, and for profile records the custom values and which keys were named."""
        return [*self.column_names, CUSTOM_COLUMN, "named"] if self.entity else self.column_names


def _column(model, key: str, kind: FieldKind, column: str, required: bool, attribute=None) -> _Column:
    model_field = model._meta.get_field(_attname(model, column))
    default = "" if not model_field.null and not required and kind is FieldKind.STRING else None
    return _Column(key, kind, column, required, model_field, default, attribute)


def _profile_target(name: str, model, entity: Entity, id_key: str, aliases=()) -> _Target:
    """Contacts and accounts: the id under its import key, then every catalog attribute by logical name."""
    id_attribute = entity.attribute(entity.id_attribute)
    columns = [_column(model, id_key, FieldKind.GUID, id_attribute.column, True, id_attribute)]
    # modifiedon is not imported: every import sets it, so that refreshes see the change.
    columns += [_column(model, a.name, a.kind, a.column, False, a) for a in entity.attributes
                if a.name not in (entity.id_attribute, "modifiedon")]
    return _Target(name, model, tuple(columns), id_attribute.column, False, entity, aliases)


def _attname(model, column: str) -> str:
    for f in model._meta.concrete_fields:
        if f.column == column:
            return f.name
    raise LookupError(column)


def _build_targets() -> dict[str, _Target]:
    targets: dict[str, _Target] = {}
    targets["contact"] = _profile_target("Contact", Contact, CONTACT, "ContactId",
                                         (("FullName", "fullname"), ("Email", "emailaddress1")))
    targets["account"] = _profile_target("Account", Account, ACCOUNT, "AccountId")
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


def parse_object(obj, custom: CustomAttributes | None = None) -> tuple[_Target, list]:
    """Validate one import object; returns its target and its row in the target's stage column order.

    A contact's or account's row ends with its custom attribute values and a bit mask of the columns named."""
    if isinstance(obj, Unreadable):
        raise BadValue(obj.field, obj.reason)
    if not isinstance(obj, dict):
        raise BadValue(None, f"expected a JSON object, got {json_kind(obj)}")
    type_name = obj.get("type")
    if type_name is None:
        raise BadValue("type", "missing required field")
    if not isinstance(type_name, str):
        raise BadValue("type", f"expected a string, got {json_kind(type_name)}")
    target = _TARGETS.get(type_name.lower())
    if target is None:
        raise BadValue("type", f"unknown type {type_name!r}{suggest(type_name, LINE_TYPES)}")
    row = list(target.defaults)
    by_key = target.by_key
    named, extra = 0, {}
    declared = (custom or {}).get(target.entity.name, {}) if target.entity else {}
    for key, value in obj.items():
        found = by_key.get(key) or by_key.get(key.lower())  # exact spelling first: the common case
        if found is None:
            if key == "type":
                continue
            attribute = declared.get(key.lower())
            if attribute is not None:
                extra[attribute.name] = custom_value(attribute, key, value) if value is not None else None
                continue
            spellings = [c.key for c in target.columns]
            hint = suggest(key, spellings)
            if not hint and target.entity and "_" in key:
                hint = " (a custom attribute is declared in the admin console first)"
            raise BadValue(key, f"unknown field for {target.name}{hint}")
        index, col = found
        if value is None and col.default is None and not col.model_field.null and not col.required:
            raise BadValue(key, "cannot be null; leave the field out instead")
        row[index] = col.convert(key, value) if value is not None else col.default  # errors name what was written
        if col.kind is FieldKind.STRING and value is not None and len(row[index]) > col.max_length:
            raise BadValue(key, f"text of {len(row[index]):,} characters; at most {col.max_length:,} fit")
        named |= 1 << index
    for index, col in target.required:
        if row[index] is None:
            raise BadValue(col.key, "missing required field")
    if target.entity:
        row += [extra, named]
    return target, row


class _Stager:
    """Stages validated rows in temporary tables, one per target, in batches."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.vendor = connection.vendor
        self.batches: dict[str, list] = {}
        self.created: dict[str, _Target] = {}
        self.staged: dict[str, int] = {}
        self.copier = CopyThread(cursor.cursor.connection, name="ingest-copy") if self.vendor == "postgresql" else None

    @staticmethod
    def _sqlite_row(target: _Target, raw: list) -> list:
        """Rows in Django's SQLite storage forms; psycopg adapts the Python values on PostgreSQL itself."""
        position, *row = raw
        out = [position]
        for col, value in zip(target.columns, row, strict=False):
            out.append(None if value is None else col.model_field.get_db_prep_value(value, connection))
        if target.entity:
            out += [json.dumps(row[-2]), row[-1]]
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
        if self.copier is not None:
            self.copier.close()  # waits for the batches still queued; raises a failed COPY's error

    def stop(self):
        """End the COPY thread whatever happened; the transaction's rollback discards what it wrote."""
        if self.copier is not None:
            self.copier.close(raising=False)

    def _create(self, target: _Target):
        table = target.model._meta.db_table
        self.cursor.execute(f"DROP TABLE IF EXISTS {target.stage}")
        columns = ", ".join(target.column_names)
        if self.vendor == "postgresql":
            named = f", {CUSTOM_COLUMN}, 0::bigint AS named" if target.entity else ""
            self.cursor.execute(
                f"CREATE TEMP TABLE {target.stage} ON COMMIT DROP AS "
                f"SELECT 0::bigint AS line, {columns}{named} FROM {table} WITH NO DATA"
            )
        else:
            named = f", {CUSTOM_COLUMN}, 0 AS named" if target.entity else ""
            self.cursor.execute(
                f"CREATE TEMP TABLE {target.stage} AS "
                f"SELECT 0 AS line, {columns}{named} FROM {table} WHERE 0"
            )
        self.created[target.name] = target
        self.staged[target.name] = 0

    def _flush(self, target: _Target):
        batch = self.batches.pop(target.name, [])
        if not batch:
            return
        if self.vendor == "postgresql":
            rows = batch
            if target.entity:  # the custom values go to a jsonb column
                rows = [[*raw[:-2], connection.ops.adapt_json_value(raw[-2], None), raw[-1]] for raw in batch]
        else:
            rows = [self._sqlite_row(target, raw) for raw in batch]
        names = ["line", *target.stage_names]
        if self.vendor == "postgresql":
            self.copier.put(f"COPY {target.stage} ({', '.join(names)}) FROM STDIN", rows)
        else:
            marks = ", ".join(["%s"] * len(names))
            self.cursor.executemany(f"INSERT INTO {target.stage} ({', '.join(names)}) VALUES ({marks})", rows)
        self.staged[target.name] += len(rows)


def ingest(
    objects: Iterable[tuple[int, object]],
    *,
    source: str = "",
    skip_invalid: bool = False,
    on_error: Callable[[IngestError], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestResult:
    """Validate and store (position, object) pairs; all-or-nothing unless skip_invalid.

    Raises IngestRejected (nothing written) when any object is bad and skip_invalid is off. Logs one line
    per call: the `source` (api, a file name), the lines read and written, the duration and the outcome.
    """
    lines = 0

    def counted():
        nonlocal lines
        for item in objects:
            lines += 1
            yield item

    started, outcome, result = time.monotonic(), "failed", None
    try:
        result = _ingest(counted(), skip_invalid=skip_invalid, on_error=on_error, on_progress=on_progress)
        outcome = "stored"
        return result
    except IngestRejected as rejected:
        outcome, result = "rejected", rejected.result
        raise
    finally:
        logger.info("ingest source=%(source)s lines=%(lines)s written=%(written)s duplicates=%(duplicates)s "
                    "invalid=%(invalid)s duration_ms=%(duration_ms)s outcome=%(outcome)s",
                    {"source": source or "-", "lines": lines, "outcome": outcome,
                     "written": result.inserted_total + result.records if result and outcome == "stored" else 0,
                     "duplicates": result.duplicates if result else 0, "invalid": result.error_count if result else 0,
                     "duration_ms": int((time.monotonic() - started) * 1000)})


def _ingest(objects, *, skip_invalid, on_error, on_progress) -> IngestResult:
    result = IngestResult()

    def report(error: IngestError):
        result.error_count += 1
        if len(result.errors) < MAX_REPORTED_ERRORS:
            result.errors.append(error)
        if on_error is not None:
            on_error(error)

    with transaction.atomic(), connection.cursor() as cursor:
        custom = custom_attributes()
        stager = _Stager(cursor)
        try:
            for position, obj in objects:
                try:
                    target, row = parse_object(obj, custom)
                except BadValue as bad:
                    report(IngestError(position, bad.field_name, bad.reason))
                else:
                    stager.add(target, position, row)
                if on_progress is not None:
                    on_progress(position)
            stager.finish()
        finally:
            stager.stop()
        for error in [*_unknown_contacts(cursor, stager), *_unknown_accounts(cursor, stager)]:
            report(error)
        if result.error_count and not skip_invalid:
            transaction.set_rollback(True)
            raise IngestRejected(result)
        profiles = [name for name in ("Account", "Contact") if name in stager.created]  # written or updated
        _store(cursor, stager, result)
        stored = sorted(name for name, n in result.inserted.items() if n)
        if stored:
            tables = [_TARGETS[name.lower()].model._meta.db_table for name in stored]
            # robust: the rows are stored; upkeep or a refresh that fails afterwards must not say otherwise.
            transaction.on_commit(lambda: summarize_new_ranges(tables=tables), robust=True)
        if stored or profiles:  # profile segments read contacts and accounts as behavioral ones read interactions
            transaction.on_commit(lambda: interactions_stored.send(sender=ingest, types=[*stored, *profiles]),
                                  robust=True)
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


def _unknown_accounts(cursor, stager: _Stager) -> list[IngestError]:
    """Contacts whose company (parentcustomerid) is neither stored nor among the input's Account lines."""
    if "Contact" not in stager.created:
        return []
    contacts = _TARGETS["contact"].stage
    staged = (f" AND NOT EXISTS (SELECT 1 FROM {_TARGETS['account'].stage} n WHERE n.accountid = s.parentcustomerid)"
              if "Account" in stager.created else "")
    cursor.execute(f"SELECT s.line, s.parentcustomerid FROM {contacts} s WHERE s.parentcustomerid IS NOT NULL "
                   f"AND NOT EXISTS (SELECT 1 FROM {Account._meta.db_table} a WHERE a.accountid = s.parentcustomerid)"
                   f"{staged} ORDER BY s.line")
    errors = [IngestError(line, "parentcustomerid",
                          f"unknown account {value if isinstance(value, uuid.UUID) else uuid.UUID(value)}")
              for line, value in cursor.fetchall()]
    _delete_lines(cursor, _TARGETS["contact"], [e.position for e in errors])
    return errors


def _delete_lines(cursor, target: _Target, lines: list[int]):
    for start in range(0, len(lines), 1000):
        chunk = lines[start:start + 1000]
        cursor.execute(f"DELETE FROM {target.stage} WHERE line IN ({', '.join(['%s'] * len(chunk))})", chunk)


def _store(cursor, stager: _Stager, result: IngestResult):
    if connection.vendor == "postgresql":
        # The time-order sort of a large import fits in memory instead of spilling to disk.
        cursor.execute("SET LOCAL work_mem = '256MB'")
    # Records, accounts and contacts first: interactions point to contacts, contacts to accounts.
    ordered = sorted(stager.created.values(), key=lambda t: (t.is_interaction, t.name == "Contact"))
    for target in ordered:
        if target.entity:
            result.records += store_profile_records(cursor, target)
            cursor.execute(f"DROP TABLE {target.stage}")
            continue
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
