"""Test helper: the compiler's target schema in a stdlib sqlite3 database, stored the way Django's
sqlite backend stores it (uuids as 32-char hex, datetimes as naive UTC text, booleans as 0/1)."""

from __future__ import annotations

import re
import sqlite3
import uuid
from datetime import UTC, datetime

from interactions.catalog import INTERACTION_TYPES, FieldKind

_COLUMN_TYPES = {
    FieldKind.GUID: "char(32)", FieldKind.STRING: "varchar(400)", FieldKind.NUMBER: "real",
    FieldKind.INTEGER: "integer", FieldKind.BOOLEAN: "bool", FieldKind.DATETIME: "datetime",
}


def create_database() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE interactions_contact (contact_id char(32) NOT NULL PRIMARY KEY)")
    db.execute("CREATE TABLE segments_membership (segment_id integer NOT NULL, contact_id char(32) NOT NULL)")
    for itype in INTERACTION_TYPES:
        columns = ["interaction_id char(32) NOT NULL PRIMARY KEY",
                   "contact_id char(32) NOT NULL REFERENCES interactions_contact (contact_id)"]
        for fld in itype.all_fields:
            if fld.column not in ("interaction_id", "contact_id"):
                columns.append(f"{fld.column} {_COLUMN_TYPES[fld.kind]}")
        db.execute(f"CREATE TABLE {itype.table} ({', '.join(columns)})")
    return db


def stored(value: object) -> object:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return str(value.astimezone(UTC).replace(tzinfo=None))
    return value


def load(db: sqlite3.Connection, contacts, rows: dict[str, list[dict]]) -> None:
    db.executemany("INSERT INTO interactions_contact VALUES (?)", [(stored(c),) for c in contacts])
    for itype in INTERACTION_TYPES:
        fields = itype.all_fields
        sql = (f"INSERT INTO {itype.table} ({', '.join(f.column for f in fields)}) "
               f"VALUES ({', '.join('?' for _ in fields)})")
        db.executemany(sql, [tuple(stored(r.get(f.name)) for f in fields) for r in rows.get(itype.name, ())])


def run(db: sqlite3.Connection, sql: str, params: list) -> list:
    """Execute as Django's sqlite cursor does: `%s` placeholders become `?`."""
    query = re.sub(r"(?<!%)%s", "?", sql).replace("%%", "%")
    return [r[0] for r in db.execute(query, params).fetchall()]
