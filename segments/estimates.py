"""What the designer shows while a query is edited, all through the compiler: how many contacts the query
selects (and, for a live segment, how that differs from its members), how many pass each restriction, and
why one contact is in or out.
"""

from __future__ import annotations

import operator
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from interactions.catalog import FieldKind, interaction_type, parse_guid, parse_instant
from interactions.models import INTERACTION_MODELS

from .query import Behavioral, Clause, Group, Having, compile, unparse
from .query.compiler import window_start
from .services import segment_sources


def estimate_size(*, node, segment=None) -> dict:
    """How many contacts the query selects now; for a live, evaluated segment also the difference."""
    sql, params = compile(node, now=timezone.now(), dialect=connection.vendor, segments=segment_sources)
    result = {"count": None, "added": None, "removed": None}
    with connection.cursor() as cursor:
        if segment is not None and segment.is_live and segment.evaluated_version is not None:
            cursor.execute(
                f"WITH n AS ({sql}) SELECT (SELECT COUNT(*) FROM n), "
                "(SELECT COUNT(*) FROM n WHERE NOT EXISTS (SELECT 1 FROM segments_membership m "
                "WHERE m.segment_id = %s AND m.contact_id = n.contact_id)), "
                "(SELECT COUNT(*) FROM segments_membership m WHERE m.segment_id = %s AND NOT EXISTS "
                "(SELECT 1 FROM n WHERE n.contact_id = m.contact_id))",
                [*params, segment.pk, segment.pk])
            result["count"], result["added"], result["removed"] = cursor.fetchone()
        else:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) m", params)
            result["count"] = cursor.fetchone()[0]
    return result


def clause_counts(*, node, limit: int = 12) -> list[dict]:
    """Per restriction: how many contacts have at least one interaction of the type (in the window) passing it."""
    if not isinstance(node, Behavioral) or node.filter is None:
        return []
    rows = []

    def visit(group: Group):
        for item in group.items:
            if isinstance(item, Group):
                visit(item)
            elif len(rows) < limit:
                rows.append(item)

    visit(node.filter)
    counts = []
    window = node.having.window
    for clause in rows:
        probe = Behavioral(node.type, Group("AND", (clause,)), Having("COUNT", None, ">=", 1, window))
        sql, params = compile(probe, now=timezone.now(), dialect=connection.vendor)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) m", params)
            counts.append({"text": _clause_text(clause), "count": cursor.fetchone()[0]})
    return counts


def _clause_text(clause: Clause) -> str:
    text = unparse(Behavioral("X", Group("AND", (clause,)), Having("COUNT", None, ">=", 1, None)))
    return text[text.index(".FILTER(") + 8:text.index(").HAVING")]



def _row_value(row, fld):
    return getattr(row, "contact_id" if fld.name == "ContactId" else fld.column)


def _clause_passes(clause: Clause, row, itype) -> bool:
    fld = itype.field(clause.field)
    value = _row_value(row, fld)
    if clause.op == "ISNULL":
        return value is None
    if clause.op == "ISNOTNULL":
        return value is not None
    if value is None:
        return False
    return any(_compare(fld.kind, clause.op, value, wanted) for wanted in clause.values)


def _compare(kind, op, value, wanted) -> bool:
    if kind is FieldKind.GUID:
        value, wanted = parse_guid(str(value)), parse_guid(str(wanted))
    elif kind is FieldKind.DATETIME:
        wanted = parse_instant(wanted)
    elif kind.is_numeric:
        value, wanted = Decimal(str(value)), Decimal(str(wanted))
    elif kind is FieldKind.STRING:
        value, wanted = str(value).casefold(), str(wanted).casefold()
        if op in _STRING_TESTS:
            return _STRING_TESTS[op](value, wanted)
    if value is None or wanted is None:
        return False
    return _COMPARE[op](value, wanted)


_STRING_TESTS = {"CONTAINS": lambda v, w: w in v, "STARTSWITH": str.startswith, "ENDSWITH": str.endswith}
_COMPARE = {"==": operator.eq, "!=": operator.ne, ">": operator.gt, ">=": operator.ge, "<": operator.lt,
            "<=": operator.le}


def _passes(group: Group | None, row, itype) -> bool:
    if group is None:
        return True
    results = (_passes(item, row, itype) if isinstance(item, Group) else _clause_passes(item, row, itype)
               for item in group.items)
    result = all(results) if group.op == "AND" else any(results)
    return not result if group.negated else result


def explain_contact(*, node, contact, at: datetime | None = None, limit: int = 25) -> dict:
    """Why a contact is in or out: its interactions of the type in the window, which pass FILTER, the aggregate."""
    now = at or timezone.now()
    sql, params = compile(node, now=now, dialect=connection.vendor, segments=segment_sources)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM ({sql}) m WHERE m.contact_id = %s", [*params, _uuid_param(contact.pk)])
        member = cursor.fetchone() is not None
    result = {"contact": contact, "member": member, "behavioral": isinstance(node, Behavioral)}
    if not isinstance(node, Behavioral):
        return result
    itype = interaction_type(node.type)
    rows = INTERACTION_MODELS[itype.name].objects.filter(contact_id=contact.pk, timestamp__lte=now)
    start = window_start(node.having.window, now) if node.having.window else None
    if start is not None:
        rows = rows.filter(timestamp__gte=start)
    rows = list(rows.order_by("-timestamp"))
    matching = [row for row in rows if _passes(node.filter, row, itype)]
    having = node.having
    if having.aggregate == "COUNT":
        value = len(matching)
    else:
        fld = itype.field(having.field)
        numbers = [Decimal(str(v)) for v in (_row_value(r, fld) for r in matching) if v is not None]
        value = None
        if numbers:
            value = {"SUM": sum(numbers), "AVG": sum(numbers) / len(numbers), "MIN": min(numbers),
                     "MAX": max(numbers)}[having.aggregate]
            value = value.normalize() if isinstance(value, Decimal) else value
    result.update({
        "type": itype, "total": len(rows), "matching": len(matching), "value": value,
        "threshold": f"{having.op} {having.value}", "aggregate": having.aggregate, "field": having.field,
        "window": having.window, "start": start,
        "rows": [{"row": r, "passes": _passes(node.filter, r, itype)} for r in rows[:limit]],
    })
    return result


def _uuid_param(value):
    return value if connection.vendor == "postgresql" else value.hex
