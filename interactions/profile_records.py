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
    last line that names it, and modifiedon is set. Returns how many records were written.

    A record with one line (the usual import, and every CSV row) is written by one statement: an UPDATE of the
    known records, then an INSERT of the new ones. Only records with several lines take a statement per column."""
    table, stage, pk = target.model._meta.db_table, target.stage, target.pk_column
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    empty = "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"
    # Finding a record's other lines and last line per column is an index look-up, not a scan of the stage per
    # line (quadratic: hours at a million rows).
    cursor.execute(f"CREATE INDEX {stage}_last ON {stage} ({pk}, line)")
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {stage}")  # a temporary table has no statistics until told
    bits = [(index, col, 1 << index) for index, col in enumerate(target.columns) if index]
    cursor.execute(f"SELECT {', '.join(f'MAX(named & {bit})' for _, _, bit in bits)} FROM {stage}")
    named = [(col, bit) for (_, col, bit), used in zip(bits, cursor.fetchone(), strict=True) if used]
    merge = "t.custom || s.custom" if connection.vendor == "postgresql" else "json_patch(t.custom, s.custom)"
    several = f"EXISTS (SELECT 1 FROM {stage} s2 WHERE s2.{pk} = s.{pk} AND s2.line <> s.line)"
    sets = [f"{col.column} = CASE WHEN (s.named & {bit}) <> 0 THEN s.{col.column} ELSE t.{col.column} END"
            for col, bit in named]
    cursor.execute(f"UPDATE {table} AS t SET {', '.join([*sets, f'{CUSTOM_COLUMN} = {merge}', 'modifiedon = %s'])} "
                   f"FROM {stage} s WHERE s.{pk} = t.{pk} AND NOT {several}", [now])
    values = ["COALESCE(s.createdon, %(now)s)" if c == "createdon" else f"s.{c}" for c in target.column_names]
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(target.column_names)}, modifiedon, {CUSTOM_COLUMN}) "
        f"SELECT {', '.join(values)}, %(now)s, s.{CUSTOM_COLUMN} FROM {stage} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {stage} s2 WHERE s2.{pk} = s.{pk} AND s2.line > s.line) "
        f"ON CONFLICT ({pk}) DO NOTHING", {"now": now})
    cursor.execute(f"SELECT COUNT(*) - COUNT(DISTINCT {pk}), COUNT(DISTINCT {pk}) FROM {stage}")
    repeated, written = cursor.fetchone()
    if not repeated:
        return written
    for col, bit in named:
        last = f"(SELECT MAX(s2.line) FROM {stage} s2 WHERE s2.{pk} = s.{pk} AND (s2.named & {bit}) <> 0)"
        cursor.execute(f"UPDATE {table} AS t SET {col.column} = s.{col.column} FROM {stage} s "
                       f"WHERE s.{pk} = t.{pk} AND s.line = {last} AND {several}")
    cursor.execute(f"UPDATE {table} AS t SET {CUSTOM_COLUMN} = {merge} FROM {stage} s "
                   f"WHERE s.{pk} = t.{pk} AND {several} AND s.line = (SELECT MAX(s2.line) FROM {stage} s2 "
                   f"WHERE s2.{pk} = s.{pk} AND s2.{CUSTOM_COLUMN} <> {empty})")
    cursor.execute(f"UPDATE {table} AS t SET modifiedon = %s FROM {stage} s WHERE s.{pk} = t.{pk} AND {several}",
                   [now])
    return written
