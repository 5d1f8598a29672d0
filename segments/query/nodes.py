"""The query AST: frozen dataclasses in canonical normalised form, so equal queries compare equal.

`pos` (and the other `*_pos` fields) hold the (line, column) of a node's tokens in the parsed text; they
do not take part in equality and are None on nodes built in code. The validator uses them to position
its errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

Pos = tuple[int, int]

AGGREGATES = ("COUNT", "SUM", "AVG", "MIN", "MAX")
COMPARES = ("==", "!=", ">", ">=", "<", "<=")
STRING_TESTS = ("CONTAINS", "STARTSWITH", "ENDSWITH")
NULL_TESTS = ("ISNULL", "ISNOTNULL")
WINDOW_UNITS = ("DAYS", "MONTHS", "YEARS")
SET_OPS = ("UNION", "INTERSECT", "EXCEPT")
# Query text of any origin (designer, current_query, import, sharing, API, commands) is refused past this: it
# bounds what a statement can cost to plan, and no real query comes near it.
MAX_QUERY_LENGTH = 100_000
MAX_INTEGER = 2**63 - 1  # whole numbers are stored and compared as 64-bit integers by both databases
# Restrictions in one block's FILTER (a multi-value restriction counts once): SQLite refuses expressions
# deeper than 1,000, and no designer row list is longer.
MAX_RESTRICTIONS = 500
# Profile queries (shared spec profiles.md).
PROFILE_ENTITIES = ("contact", "account")
DATE_PARTS = ("YEAR", "MONTH", "DAY", "HOUR", "MINUTE")
# SEGMENT() references followed from one query: how deep a chain may go (each level is a few Python frames
# in the validator and the compiler) and how many INTERACTION blocks the expanded query may hold in all.
MAX_SEGMENT_DEPTH = 50
# Groups inside one FILTER: what the designer's form shows as nested boxes (and its pages render).
MAX_GROUP_DEPTH = 30
MAX_EXPANDED_BLOCKS = 2_000


def _pos() -> Pos | None:
    return field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Now:
    """DATETIMEUTCNOW(): the evaluation time."""

    pos: Pos | None = _pos()


@dataclass(frozen=True)
class DateValue:
    """DATE(y, m, d[, h, mi, s]): an instant in UTC."""

    parts: tuple[int, ...]
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class DateAdd:
    """DATEADD(part, n, value): `value` moved by n calendar units."""

    part: str  # one of DATE_PARTS
    n: int
    value: DateExpr
    pos: Pos | None = _pos()


DateExpr = Now | DateValue | DateAdd
Value = str | int | Decimal | bool | DateExpr


@dataclass(frozen=True)
class AttributeRef:
    """An attribute named as an operand of DATEDIFF: `birthdate` or `contact_1.birthdate`."""

    name: str
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class Clause:
    """One restriction row. `values` has one value, none for ISNULL/ISNOTNULL, or 2+ for '==' ("is one of")."""

    field: str
    op: str
    values: tuple[Value, ...]
    pos: Pos | None = _pos()
    value_pos: tuple[Pos, ...] | None = _pos()


@dataclass(frozen=True)
class DateDiff:
    """DATEDIFF(part, start, end) compared with a whole number: the part boundaries crossed from start to end."""

    part: str
    start: AttributeRef | DateExpr | str
    end: AttributeRef | DateExpr | str
    op: str
    value: int
    pos: Pos | None = _pos()
    value_pos: Pos | None = _pos()


@dataclass(frozen=True)
class Group:
    op: str  # 'AND' | 'OR'
    items: tuple[Condition, ...]
    negated: bool = False
    pos: Pos | None = _pos()


Condition = Clause | Group | DateDiff


@dataclass(frozen=True)
class Window:
    unit: str  # 'DAYS' | 'MONTHS' | 'YEARS'
    n: int
    pos: Pos | None = _pos()
    n_pos: Pos | None = _pos()


@dataclass(frozen=True)
class Having:
    aggregate: str
    field: str | None  # None for COUNT
    op: str
    value: int | Decimal
    window: Window | None
    pos: Pos | None = _pos()
    field_pos: Pos | None = _pos()
    value_pos: Pos | None = _pos()


@dataclass(frozen=True)
class Behavioral:
    type: str
    filter: Group | None  # None when there are no restrictions
    having: Having
    pos: Pos | None = _pos()
    type_pos: Pos | None = _pos()


@dataclass(frozen=True)
class SegmentRef:
    name: str
    pos: Pos | None = _pos()
    name_pos: Pos | None = _pos()


@dataclass(frozen=True)
class SetOp:
    op: str  # 'UNION' | 'INTERSECT' | 'EXCEPT'
    left: Query
    right: Query
    pos: Pos | None = _pos()
    op_pos: Pos | None = _pos()


@dataclass(frozen=True)
class ProfileFilter:
    condition: Group
    pos: Pos | None = _pos()


@dataclass(frozen=True)
class Traverse:
    relationship: str  # contact_account_parentcustomerid
    alias: str | None = None
    pos: Pos | None = _pos()
    relationship_pos: Pos | None = _pos()


@dataclass(frozen=True)
class Profile:
    """PROFILE(entity[, alias]) and its steps, read left to right; the chain must end on contacts."""

    entity: str  # lower case
    alias: str | None
    steps: tuple[ProfileFilter | Traverse, ...]
    pos: Pos | None = _pos()
    entity_pos: Pos | None = _pos()


Query = Behavioral | Profile | SegmentRef | SetOp
Node = Query


@dataclass(frozen=True)
class SegmentSource:
    """What the compiler needs about a saved segment that a query references.

    A live segment has materialised members (`membership_segment_id`) and is read from the membership
    table; otherwise its `query` is compiled inline.
    """

    membership_segment_id: int | None
    query: Query | None


# -- traversals: the one walk, and the few views of it that everyone needs --------------------------------

def walk(node: Query | Condition):
    """Every node of a query, parents before children, left to right: set operations, blocks, groups, clauses."""
    yield node
    if isinstance(node, SetOp):
        yield from walk(node.left)
        yield from walk(node.right)
    elif isinstance(node, Behavioral) and node.filter is not None:
        yield from walk(node.filter)
    elif isinstance(node, Profile):
        for step in node.steps:
            if isinstance(step, ProfileFilter):
                yield from walk(step.condition)
    elif isinstance(node, Group):
        for item in node.items:
            yield from walk(item)


def behaviorals(node: Query):
    """The INTERACTION blocks of a query, left to right."""
    return (n for n in walk(node) if isinstance(n, Behavioral))


def profiles(node: Query):
    """The PROFILE blocks of a query, left to right."""
    return (n for n in walk(node) if isinstance(n, Profile))


def date_values(node: Query | Condition):
    """The date expressions of a query's profile conditions, outermost first."""
    def expand(value):
        while isinstance(value, DateAdd):
            yield value
            value = value.value
        if isinstance(value, Now | DateValue):
            yield value

    for n in walk(node):
        operands = n.values if isinstance(n, Clause) else (n.start, n.end) if isinstance(n, DateDiff) else ()
        for value in operands:
            yield from expand(value)


def uses_now(node: Query) -> bool:
    """Whether the query reads DATETIMEUTCNOW(), so that its members change as time passes."""
    return any(isinstance(v, Now) for v in date_values(node))


def segment_refs(node: Query):
    """The SEGMENT references of a query, left to right."""
    return (n for n in walk(node) if isinstance(n, SegmentRef))


def clauses(node: Query | Condition):
    """The restrictions of a block or condition, left to right."""
    return (n for n in walk(node) if isinstance(n, Clause))


def is_one_of(group: Group) -> bool:
    """An OR of == on one field: "is one of" its values, one restriction however many values it lists."""
    return (group.op == "OR" and len(group.items) > 1
            and all(isinstance(item, Clause) and item.op == "==" for item in group.items)
            and len({item.field.lower() for item in group.items if isinstance(item, Clause)}) == 1)


_CRM_REFERENCE = re.compile(r"SEGMENT_CRM_ID_([0-9a-fA-F]{32})")


def crm_id(name: str) -> str | None:
    """The Dynamics ID (32 hex digits, lower case) a reference like SEGMENT_CRM_ID_<hex> names, or None."""
    match = _CRM_REFERENCE.fullmatch(name) if isinstance(name, str) else None
    return match.group(1).lower() if match else None


def reference_cycle(chain, name: str) -> str | None:
    """'a -> b -> a' when following SEGMENT(name) from the segments in `chain` comes back to one of them."""
    chain = list(chain)
    return " -> ".join([*chain[chain.index(name):], name]) if name in chain else None
