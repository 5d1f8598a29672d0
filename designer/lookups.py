"""Helpers the designer's views share: record names and searches, size estimates, the history chart."""

from __future__ import annotations

import operator
import uuid
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from interactions.catalog import FieldKind, interaction_type, record_type
from interactions.models import INTERACTION_MODELS, RECORD_MODELS, Contact
from segments.query import Behavioral, Clause, Group, Having, compile, unparse
from segments.query.compiler import window_start
from segments.query.validator import parse_instant
from segments.services import segment_sources

from .forms import IN, OPERATOR_LABELS, VALUELESS, ClauseRow, DesignerState, GroupRow, walk

LOOKUP_LIMIT = 10


def search_records(record_name: str, text: str, limit: int = LOOKUP_LIMIT):
    """Records of a type whose name contains `text` (case-insensitive), best first."""
    record = record_type(record_name)
    if record is None:
        return []
    model = RECORD_MODELS[record.name]
    found = model.objects.all()
    if text.strip():
        found = found.filter(name__icontains=text.strip())
    return list(found.order_by("name")[:limit])


def _as_uuid(text: str):
    try:
        return uuid.UUID(text)
    except (ValueError, AttributeError, TypeError):
        return None


def decorate(state: DesignerState) -> None:
    """Attach what the template needs to each row: the field, its operators, value widgets, record names."""
    itype = state.itype
    wanted: dict[str, set] = defaultdict(set)
    for row in walk(state.root):
        if not isinstance(row, ClauseRow):
            continue
        fld = itype.field(row.field) if row.field else None
        kind = fld.kind if fld else FieldKind.STRING
        row.fieldobj = fld
        row.ops = OPERATOR_LABELS[kind]
        row.valueless = row.op in VALUELESS
        row.multi = row.op == IN
        row.input_kind = kind.value
        row.record = fld.record if fld else None
        if row.record:
            for value in row.values:
                parsed = _as_uuid(value.strip())
                if parsed:
                    wanted[row.record.name].add(parsed)
    names: dict[str, dict] = {}
    for record_name, ids in wanted.items():  # one query per record type in use
        model = RECORD_MODELS[record_name]
        names[record_name] = {str(pk): name for pk, name in model.objects.filter(pk__in=ids).values_list("pk", "name")}
    for row in walk(state.root):
        if isinstance(row, ClauseRow):
            known = names.get(row.record.name, {}) if row.record else {}
            row.shown = [(value, known.get(str(_as_uuid(value.strip())))) for value in row.values]
        if isinstance(row, ClauseRow) and row.record and row.lookup.strip():
            row.results = search_records(row.record.name, row.lookup)
    numeric = [f for f in itype.all_fields if f.kind.is_numeric]
    state.numeric_fields = numeric
    state.fields = itype.all_fields


def count_members(node, segment=None) -> dict:
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


def clause_counts(node: Behavioral, limit: int = 12) -> list[dict]:
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


def history_chart(runs, width: int = 640, height: int = 160, pad: int = 28) -> dict | None:
    """An inline SVG line chart of membership size over time, from succeeded runs (oldest first)."""
    points = [(r.evaluated_at, r.members) for r in runs if r.members is not None]
    if not points:
        return None
    t0, t1 = points[0][0].timestamp(), points[-1][0].timestamp()
    top = max(m for _, m in points) or 1
    span = (t1 - t0) or 1
    inner_w, inner_h = width - 2 * pad, height - 2 * pad

    def xy(at, members):
        x = pad + (inner_w * (at.timestamp() - t0) / span if t1 > t0 else inner_w / 2)
        y = pad + inner_h - inner_h * members / top
        return round(x, 1), round(y, 1)

    coords = [xy(at, m) for at, m in points]
    return {
        "width": width, "height": height, "pad": pad, "bottom": height - pad, "right": width - pad,
        "polyline": " ".join(f"{x},{y}" for x, y in coords),
        "dots": [{"x": x, "y": y, "at": at, "members": m} for (x, y), (at, m) in zip(coords, points, strict=True)],
        "top": top, "first": points[0][0], "last": points[-1][0],
    }


def group_rows(state: DesignerState):
    return [row for row in walk(state.root) if isinstance(row, GroupRow)]


# --- explain a contact -----------------------------------------------------------------------------------

def find_contact(text: str):
    """A contact by ID, else the first whose name or email contains the text."""
    text = text.strip()
    if not text:
        return None
    parsed = _as_uuid(text)
    if parsed is not None:
        return Contact.objects.filter(pk=parsed).first()
    return (Contact.objects.filter(Q(full_name__icontains=text) | Q(email__icontains=text))
            .order_by("full_name").first())


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
        value, wanted = _as_uuid(str(value)), _as_uuid(str(wanted))
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


def explain_contact(node, contact, limit: int = 25) -> dict:
    """Why a contact is in or out: its interactions of the type in the window, which pass FILTER, the aggregate."""
    now = timezone.now()
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
