"""Storing contacts and accounts from an import's stage table: a line for a known record updates only the
attributes it names (the stage's `named` bit mask, one bit per column), custom attributes merge into the JSON
column, and every import sets modifiedon."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from .catalog import CUSTOM_COLUMN, Attribute
from .models import CustomAttribute

CustomAttributes = dict[str, dict[str, Attribute]]


def custom_attributes() -> CustomAttributes:
    """The declared custom attributes by entity and logical name, read once per import."""
    found: CustomAttributes = {"contact": {}, "account": {}}
    for declared in CustomAttribute.objects.all():
        found.setdefault(declared.entity, {})[declared.logical_name] = declared.as_attribute()
    return found


def store_profile_records(cursor, target) -> int:
    """New contacts or accounts are inserted; a known one gets the attributes its lines name, each from the
    last line that names it, and modifiedon is set. Returns how many records were written."""
    table, stage, pk = target.model._meta.db_table, target.stage, target.pk_column
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    empty = "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"
    values = ["COALESCE(s.createdon, %(now)s)" if c == "createdon" else f"s.{c}" for c in target.column_names]
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(target.column_names)}, modifiedon, {CUSTOM_COLUMN}) "
        f"SELECT {', '.join(values)}, %(now)s, {empty} FROM {stage} s "
        f"WHERE s.line IN (SELECT MAX(line) FROM {stage} GROUP BY {pk}) ON CONFLICT ({pk}) DO NOTHING",
        {"now": now})
    cursor.execute(f"SELECT BIT_OR(named) FROM {stage}" if connection.vendor == "postgresql"
                   else f"SELECT named FROM {stage}")
    named = 0
    for (mask,) in cursor.fetchall():
        named |= mask or 0
    for index, col in enumerate(target.columns):
        if index and named & (1 << index):
            last = (f"(SELECT MAX(s2.line) FROM {stage} s2 WHERE s2.{pk} = s.{pk} "
                    f"AND (s2.named & {1 << index}) <> 0)")
            cursor.execute(f"UPDATE {table} AS t SET {col.column} = s.{col.column} FROM {stage} s "
                           f"WHERE s.{pk} = t.{pk} AND s.line = {last}")
    merge = ("t.custom || s.custom" if connection.vendor == "postgresql" else "json_patch(t.custom, s.custom)")
    cursor.execute(f"UPDATE {table} AS t SET {CUSTOM_COLUMN} = {merge} FROM {stage} s WHERE s.{pk} = t.{pk} "
                   f"AND s.line = (SELECT MAX(s2.line) FROM {stage} s2 WHERE s2.{pk} = s.{pk} "
                   f"AND s2.{CUSTOM_COLUMN} <> {empty})")
    cursor.execute(f"UPDATE {table} SET modifiedon = %s WHERE {pk} IN (SELECT {pk} FROM {stage})", [now])
    cursor.execute(f"SELECT COUNT(DISTINCT {pk}) FROM {stage}")
    return cursor.fetchone()[0]
