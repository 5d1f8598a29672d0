"""A plain-Python reference evaluator of query meaning, written from the spec's "Meaning" section.

It shares nothing with the compiler on purpose (not even the window arithmetic), so that differential
tests compare two independent readings of the spec.

evaluate(node, now=..., contacts=ids, rows={type name: [{catalog field name: value}]}, segments=lookup,
         profiles={"contact": {id: {attribute: value}}, "account": {id: {attribute: value}}})
where lookup(name) returns a saved segment's Query, its member set (a live segment), or None.
Values: uuid.UUID for GUID fields, aware datetime for Timestamp, str/float/int/bool/None otherwise; profile
attributes as stored (date for birthdate, choice numbers).
"""

from __future__ import annotations

import calendar
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

from interactions.catalog import FieldKind, entity, interaction_type
from segments.query.nodes import (
    AttributeRef,
    Behavioral,
    Clause,
    DateAdd,
    DateDiff,
    DateValue,
    Group,
    Having,
    Now,
    Profile,
    ProfileFilter,
    SegmentRef,
    SetOp,
)

_COMPARE: dict[str, Callable[[object, object], bool]] = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
}


def evaluate(node, *, now: datetime, contacts: Iterable, rows: dict[str, list[dict]], segments=None,
             profiles: dict | None = None) -> set:
    universe = set(contacts)
    records = profiles or {"contact": {c: {} for c in universe}, "account": {}}

    def run(n) -> set:
        if isinstance(n, SetOp):
            left, right = run(n.left), run(n.right)
            return {"UNION": left | right, "INTERSECT": left & right, "EXCEPT": left - right}[n.op]
        if isinstance(n, SegmentRef):
            saved = segments(n.name) if segments else None
            if saved is None:
                raise KeyError(n.name)
            return set(saved) if isinstance(saved, set | frozenset) else run(saved)
        if isinstance(n, Profile):
            return _profile(n, now, records)
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


# -- profile blocks ---------------------------------------------------------------------------------------

def _profile(node: Profile, now: datetime, records: dict) -> set:
    on = node.entity
    chosen = set(records[on])
    for step in node.steps:
        if isinstance(step, ProfileFilter):
            chosen = {i for i in chosen if _ptruth(step.condition, records[on][i], on, now)}
        elif on == "contact":
            parents = {records["contact"][c].get("parentcustomerid") for c in chosen}
            on, chosen = "account", {a for a in records["account"] if a in parents}
        else:
            on, chosen = "contact", {c for c, r in records["contact"].items() if r.get("parentcustomerid") in chosen}
    return chosen


def _ptruth(cond, record: dict, on: str, now: datetime) -> bool:
    if isinstance(cond, Group):
        results = [_ptruth(item, record, on, now) for item in cond.items]
        value = all(results) if cond.op == "AND" else any(results)
        return not value if cond.negated else value
    if isinstance(cond, DateDiff):
        start, end = _operand(cond.start, record, now), _operand(cond.end, record, now)
        if start is None or end is None:
            return False
        return _COMPARE[cond.op](_boundaries(cond.part, start, end), cond.value)
    attribute = entity(on).attribute(cond.field.rpartition(".")[2])
    actual = record.get(attribute.name)
    if attribute.kind is FieldKind.STRING and actual == "":
        actual = None  # an empty string is a missing value
    if cond.op == "ISNULL":
        return actual is None
    if cond.op == "ISNOTNULL":
        return actual is not None
    if actual is None:
        return False
    kind = attribute.kind
    if kind is FieldKind.STRING:
        actual, wanted = actual.lower(), [v.lower() for v in cond.values]
        if cond.op == "CONTAINS":
            return wanted[0] in actual
        if cond.op == "STARTSWITH":
            return actual.startswith(wanted[0])
        if cond.op == "ENDSWITH":
            return actual.endswith(wanted[0])
    elif kind is FieldKind.CHOICE:
        labels = {label.lower(): n for n, label in attribute.choices}
        wanted = [labels[v.lower()] if isinstance(v, str) else v for v in cond.values]
    elif kind in (FieldKind.DATE, FieldKind.DATETIME):
        actual = _as_instant(actual)
        wanted = [_operand(v, record, now) for v in cond.values]
    elif kind is FieldKind.GUID:
        wanted = [uuid.UUID(v) for v in cond.values]
    elif kind.is_numeric:
        actual, wanted = Fraction(actual), [Fraction(v) for v in cond.values]
    else:
        wanted = list(cond.values)
    if cond.op == "==":
        return actual in wanted
    return _COMPARE[cond.op](actual, wanted[0])


def _as_instant(value) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)  # a date counts as its midnight UTC


def _operand(value, record: dict, now: datetime):
    if isinstance(value, AttributeRef):
        found = record.get(value.name.rpartition(".")[2])
        return None if found is None else _as_instant(found)
    if isinstance(value, Now):
        return now
    if isinstance(value, DateValue):
        return datetime(*value.parts, tzinfo=UTC)
    if isinstance(value, DateAdd):
        return _shift(value.part, value.n, _operand(value.value, record, now))
    return _as_instant(datetime.fromisoformat(value)) if "T" in value else _as_instant(date.fromisoformat(value))


def _shift(part: str, n: int, moment: datetime) -> datetime:
    if part in ("YEAR", "MONTH"):
        months = n * 12 if part == "YEAR" else n
        total = moment.year * 12 + (moment.month - 1) + months
        year, month = total // 12, total % 12 + 1
        return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))
    return moment + {"DAY": timedelta(hours=24), "HOUR": timedelta(minutes=60), "MINUTE": timedelta(seconds=60)}[
        part] * n


def _boundaries(part: str, start: datetime, end: datetime) -> int:
    """T-SQL's DATEDIFF: how many `part` boundaries lie in (start, end], negative backwards."""
    epoch = datetime(1, 1, 1, tzinfo=UTC)
    if part == "YEAR":
        return end.year - start.year
    if part == "MONTH":
        return (end.year * 12 + end.month) - (start.year * 12 + start.month)
    size = {"DAY": 86400, "HOUR": 3600, "MINUTE": 60}[part]
    return int((end - epoch).total_seconds() // size) - int((start - epoch).total_seconds() // size)
