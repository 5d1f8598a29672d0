"""Writing a demo data set into the database in one transaction: COPY on PostgreSQL, with the tables' indexes
and constraints suspended during the load and the rows written frozen, executemany INSERT elsewhere."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections, transaction

from ..catalog import INTERACTION_TYPES
from ..copying import CopyThread
from ..models import INTERACTION_MODELS, RECORD_MODELS, Account, Contact
from .generator import DemoData
from .profiles import ACCOUNT_COLUMNS, CONTACT_COLUMNS, DemoProfiles


@dataclass
class SeedResult:
    contacts: int = 0
    accounts: int = 0
    records: int = 0
    inserted: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def interactions(self) -> int:
        return sum(self.inserted.values())


def existing_data(using: str = "default") -> int:
    """How many contacts, accounts and records the database already holds."""
    return sum(m.objects.using(using).count() for m in (Contact, Account, *RECORD_MODELS.values()))


class _Writer:
    def __init__(self, cursor, batch_rows: int):
        self.cursor = cursor
        self.batch_rows = batch_rows

    def write(self, table: str, columns: list[str], rows: list) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class _CopyWriter(_Writer):
    """PostgreSQL: COPY in text format, sent by a second thread while the main thread generates.

    Our values never contain tabs, newlines or backslashes, so they need no escaping.
    """

    def __init__(self, cursor, batch_rows: int, frozen: set[str]):
        super().__init__(cursor, batch_rows)
        self.frozen = frozen
        self.copier = CopyThread(cursor.cursor.connection, name="seed-demo-copy", depth=4)

    def write(self, table: str, columns: list[str], rows: list) -> None:
        self.write_lines(table, columns, ["\t".join(["\\N" if v is None else str(v) for v in row]) for row in rows])

    def write_lines(self, table: str, columns: list[str], lines: list[str]) -> None:
        options = " WITH (FREEZE)" if table in self.frozen else ""
        self.copier.put(f"COPY {table} ({', '.join(columns)}) FROM STDIN{options}", "\n".join(lines) + "\n")

    def close(self) -> None:
        """Wait until everything queued is written; raise what went wrong, if anything."""
        self.copier.close()


class _InsertWriter(_Writer):
    def write(self, table: str, columns: list[str], rows: list) -> None:
        marks = ", ".join(["%s"] * len(columns))
        self.cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _chunks(items, size: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _suspend_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop the tables' indexes and constraints for a bulk load (PostgreSQL); returns the SQL that restores them.

    Building an index once over loaded rows, and checking the contact foreign keys in one join, is many times
    faster than maintaining them row by row. It all happens inside the seeding transaction, so a failure
    rolls the drops back too. Only used on empty tables (seed_demo refuses a database with data).
    """
    cursor.execute(
        "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('p', 'u', 'f') ORDER BY c.contype DESC, c.conname",
        [tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        [tables],
    )
    indexes = cursor.fetchall()
    # Drop foreign keys first; restore primary and unique keys first, then indexes, then foreign keys.
    for table, name, _kind, _definition in sorted(constraints, key=lambda c: c[2] != "f"):
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    restore = [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
               for table, name, kind, definition in constraints if kind != "f"]
    restore += [definition for _name, definition in indexes]
    restore += [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                for table, name, kind, definition in constraints if kind == "f"]
    return restore


def write_demo(data: DemoData, *, using: str = "default", progress: Callable[[int], None] | None = None,
               batch_rows: int | None = None) -> SeedResult:
    """Store the data set in one transaction; progress(n) is called with the number of rows just written."""
    started = time.perf_counter()
    connection = connections[using]
    result = SeedResult()
    postgres = connection.vendor == "postgresql"
    batch = batch_rows or (20_000 if postgres else 5_000)
    tables = {t.name: (INTERACTION_MODELS[t.name]._meta.db_table, [f.column for f in t.all_fields])
              for t in INTERACTION_TYPES}
    with transaction.atomic(using=using), connection.cursor() as cursor:
        restore: list[str] = []
        if postgres:
            cursor.execute("SET LOCAL TIME ZONE 'UTC'")  # the timestamps are UTC wall-clock text
            bulk = [Account._meta.db_table, Contact._meta.db_table, *(table for table, _ in tables.values())]
            restore = _suspend_indexes(cursor, bulk)
            # Truncated in this transaction, the (empty) tables take COPY FREEZE: their rows are written frozen
            # and their pages all-visible, so the first evaluations scan indexes only, with no vacuum first.
            cursor.execute(f"TRUNCATE {', '.join(bulk)}")
            writer = _CopyWriter(cursor, batch, frozen=set(bulk))
        else:
            writer = _InsertWriter(cursor, batch)
        write_rows = writer.write_lines if postgres else writer.write
        buffers: dict[str, list] = {name: [] for name in tables}
        inserted = dict.fromkeys(buffers, 0)

        def flush(type_name: str):
            rows = buffers[type_name]
            if rows:
                write_rows(*tables[type_name], rows)
                inserted[type_name] += len(rows)
                if progress is not None:
                    progress(len(rows))
                buffers[type_name] = []

        try:
            for name, rows in data.records().items():
                for chunk in _chunks(rows, batch):
                    writer.write(RECORD_MODELS[name]._meta.db_table, ["id", "name"], chunk)
                    result.records += len(chunk)
            profiles = DemoProfiles(data)
            for chunk in _chunks(profiles.accounts(), batch):
                writer.write(Account._meta.db_table, ACCOUNT_COLUMNS, chunk)
                result.accounts += len(chunk)
            for chunk in _chunks(profiles.contacts(), batch):
                writer.write(Contact._meta.db_table, CONTACT_COLUMNS, chunk)
                result.contacts += len(chunk)
            for type_name, row in data.interactions(text=postgres):
                buf = buffers[type_name]
                buf.append(row)
                if len(buf) >= batch:
                    flush(type_name)
            for type_name in tables:
                flush(type_name)
        finally:
            writer.close()  # waits for the rows still queued; raises a failed COPY's error
        if restore:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for statement in restore:
                cursor.execute(statement)
        result.inserted = {k: v for k, v in inserted.items() if v}
    result.seconds = time.perf_counter() - started
    return result
