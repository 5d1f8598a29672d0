"""A plain-Python reference evaluator of query meaning, written from the spec's "Meaning" section.

It shares nothing with the compiler on purpose (not even the window arithmetic), so that differential
tests compare two independent readings of the spec.

evaluate(node, now=..., contacts=ids, rows={type name: [{catalog field name: value}]}, segments=lookup)
where lookup(name) returns a saved segment's Query, its member set (a live segment), or None.
Values: uuid.UUID for GUID fields, aware datetime for Timestamp, str/float/int/bool/None otherwise.
"""

from __future__ import annotations

import calendar
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from interactions.catalog import FieldKind, interaction_type
from segments.query.nodes import Behavioral, Clause, Group, Having, SegmentRef, SetOp

_COMPARE: dict[str, Callable[[object, object], bool]] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
}


def evaluate(node, *, now: datetime, contacts: Iterable, rows: dict[str, list[dict]], segments=None) -> set:
    universe = set(contacts)

    def run(n) -> set:
        if isinstance(n, SetOp):
            left, right = run(n.left), run(n.right)
            return {"UNION": left | right, "INTERSECT": left & right, "EXCEPT": left - right}[n.op]
        if isinstance(n, SegmentRef):
            saved = segments(n.name) if segments else None
            if saved is None:
                raise KeyError(n.name)
            return set(saved) if isinstance(saved, set | frozenset) else run(saved)
        return _behavioral(n, now, universe, rows)

    return run(node)


def _start(unit: str, n: int, now: datetime) -> datetime | None:
    """None when the window reaches back before year 1, i.e. covers the whole history."""
    if unit == "DAYS":
        return now - timedelta(hours=24 * n) if n < (now - datetime.min.replace(tzinfo=UTC)).days else None
    months = n * 12 if unit == "YEARS" else n
    total = now.year * 12 + (now.month - 1) - months
    year, month = total // 12, total % 12 + 1
    if year < 1:
        return None
    last_day = calendar.monthrange(year, month)[1]
    return now.replace(year=year, month=month, day=min(now.day, last_day))


def _behavioral(node: Behavioral, now: datetime, universe: set, rows: dict[str, list[dict]]) -> set:
    itype = interaction_type(node.type)
    having: Having = node.having
    start = _start(having.window.unit, having.window.n, now) if having.window else None
    per_contact: dict[object, list[dict]] = defaultdict(list)
    for row in rows.get(itype.name, ()):
        ts = row["Timestamp"]
        if ts > now or (start is not None and ts < start):
            continue
        if node.filter is None or _truth(node.filter, row, itype):
            per_contact[row["ContactId"]].append(row)
    target = Fraction(having.value)
    test = _COMPARE[having.op]
    if having.aggregate == "COUNT":
        return {c for c in universe if test(Fraction(len(per_contact.get(c, ()))), target)}
    members = set()
    for contact, matched in per_contact.items():
        values = [Fraction(r.get(having.field)) for r in matched if r.get(having.field) is not None]
        if not values:
            continue  # SQL aggregates of only missing values are missing, and fail every comparison
        result = {"SUM": lambda v: sum(v), "AVG": lambda v: sum(v) / len(v), "MIN": min, "MAX": max}[
            having.aggregate](values)
        if test(result, target):
            members.add(contact)
    return members


def _truth(cond, row: dict, itype) -> bool:
    if isinstance(cond, Group):
        results = (_truth(item, row, itype) for item in cond.items)
        value = all(results) if cond.op == "AND" else any(results)
        return not value if cond.negated else value
    return _clause(cond, row, itype)


def _clause(clause: Clause, row: dict, itype) -> bool:
    fld = itype.field(clause.field)
    actual = row.get(fld.name)
    if clause.op == "ISNULL":
        return actual is None
    if clause.op == "ISNOTNULL":
        return actual is not None
    if actual is None:
        return False  # a test on a missing value is false
    kind = fld.kind
    if kind is FieldKind.STRING:
        actual = actual.lower()
        wanted = [v.lower() for v in clause.values]
        if clause.op == "CONTAINS":
            return wanted[0] in actual
        if clause.op == "STARTSWITH":
            return actual.startswith(wanted[0])
        if clause.op == "ENDSWITH":
            return actual.endswith(wanted[0])
    elif kind is FieldKind.GUID:
        wanted = [uuid.UUID(v) for v in clause.values]
    elif kind is FieldKind.DATETIME:
        wanted = [_instant(v) for v in clause.values]
    elif kind.is_numeric:
        actual = Fraction(actual)
        wanted = [Fraction(v) for v in clause.values]
    else:
        wanted = list(clause.values)
    if clause.op == "==":
        return actual in wanted
    return _COMPARE[clause.op](actual, wanted[0])


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
