"""Compiler: a validated query -> one SQL statement returning the distinct `contact_id`s of its members.

Safety rule: values only ever reach SQL as parameters (`%s`); identifiers (tables, columns) only ever come
from the interaction catalog, never from the query text. compile() validates first, so a type or field
name that is not in the catalog is refused with QueryValidationError before any SQL is built.

Schema (created by Django): contacts in `interactions_contact(contact_id)`; one table per interaction type
(`InteractionType.table`) with `interaction_id`, `contact_id`, `timestamp` and a column per catalog field;
live segments' members in `segments_membership(segment_id, contact_id)`.

SEGMENT(name) is resolved through `segments(name) -> SegmentSource | None`: a source with a
`membership_segment_id` (a live segment) reads its materialised members; otherwise its query is compiled
inline. An unknown name or a reference cycle is a QueryValidationError.

`within` (optional) names a table of `contact_id`s that the caller made (never text from a query): the
statement then only considers those contacts. Incremental refresh uses it to recompute just the contacts
that new or window-crossing interactions touched.

Dialects: "postgresql" (uuid.UUID and aware datetime parameters) and "sqlite" (Django stores uuids as
32-char hex and datetimes as naive UTC text `str(dt)`, so parameters take those forms and text order
is time order). `now` is always an argument, never read from the clock; the window start is computed
here in Python (calendar arithmetic is easier to get right, and identical, in one place).
"""

from __future__ import annotations

import calendar
import operator
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from interactions.catalog import Field, FieldKind, InteractionType, interaction_type, parse_guid, parse_instant

from .errors import QueryValidationError
from .nodes import Behavioral, Clause, Group, Having, Query, SegmentRef, SegmentSource, SetOp, Value, Window
from .validator import validate

CONTACTS_TABLE = "interactions_contact"
MEMBERSHIP_TABLE = "segments_membership"
DIALECTS = ("postgresql", "sqlite")

_SQL_COMPARE = {"==": "=", "!=": "<>", ">": ">", ">=": ">=", "<": "<", "<=": "<="}
_PY_COMPARE = {"==": operator.eq, "!=": operator.ne, ">": operator.gt, ">=": operator.ge,
               "<": operator.lt, "<=": operator.le}
_LIKE_PATTERN = {"CONTAINS": "%{}%", "STARTSWITH": "{}%", "ENDSWITH": "%{}"}

SegmentSources = Callable[[str], SegmentSource | None]


def window_start(window: Window, now: datetime) -> datetime | None:
    """The inclusive start of the window, or None when it reaches before year 1 (the whole history)."""
    try:
        if window.unit == "DAYS":
            return now - timedelta(days=window.n)
        months = window.n * (12 if window.unit == "YEARS" else 1)
        year, month0 = divmod(now.year * 12 + now.month - 1 - months, 12)
        if year < 1:
            return None
        day = min(now.day, calendar.monthrange(year, month0 + 1)[1])  # 03-31 minus a month is 02-28
        return now.replace(year=year, month=month0 + 1, day=day)
    except OverflowError:
        return None


def count_accepts_zero(having: Having) -> bool:
    """Whether a contact with no matching interaction passes this COUNT() condition."""
    return having.aggregate == "COUNT" and _PY_COMPARE[having.op](0, having.value)


def compile(
    node: Query, *, now: datetime, dialect: str = "postgresql", segments: SegmentSources | None = None,
    within: str | None = None,
) -> tuple[str, list]:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; expected one of {DIALECTS}")
    if now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")
    if within is not None and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", within):
        raise ValueError(f"within must be a plain table name, got {within!r}")
    validate(node)
    compiler = _Compiler(now.astimezone(UTC), dialect, segments, within)
    sql = compiler.query(node, ())
    return sql, compiler.params


class _Compiler:
    def __init__(self, now: datetime, dialect: str, segments: SegmentSources | None, within: str | None) -> None:
        self.now = now
        self.dialect = dialect
        self.segments = segments
        self.within = within
        self.params: list = []
        self.aliases = 0

    def only(self, column: str = "contact_id") -> str:
        """The restriction to the `within` contacts, if any."""
        return f" AND {column} IN (SELECT contact_id FROM {self.within})" if self.within else ""

    def param(self, value: object) -> str:
        self.params.append(value)
        return "%s"

    def alias(self) -> str:
        self.aliases += 1
        return f"s{self.aliases}"

    # -- parameter forms per dialect -----------------------------------------------------------------

    def instant(self, value: datetime) -> object:
        if self.dialect == "sqlite":
            return str(value.astimezone(UTC).replace(tzinfo=None))
        return value

    def guid(self, text: str) -> object:
        value = parse_guid(text)
        assert value is not None  # validated
        return value.hex if self.dialect == "sqlite" else value

    def number(self, value: int | Decimal) -> object:
        # Django's sqlite backend sends Decimal as text, which SQLite orders after every number.
        if self.dialect == "sqlite" and isinstance(value, Decimal):
            return float(value)
        return value

    # -- queries ---------------------------------------------------------------------------------------

    def query(self, node: Query, chain: tuple[str, ...]) -> str:
        if isinstance(node, SetOp):
            # Every operand is a derived table: SQLite forbids parenthesised compound operands, and
            # PostgreSQL would otherwise bind INTERSECT tighter than UNION/EXCEPT.
            left = f"SELECT contact_id FROM ({self.query(node.left, chain)}) AS {self.alias()}"
            right = f"SELECT contact_id FROM ({self.query(node.right, chain)}) AS {self.alias()}"
            return f"{left} {node.op} {right}"
        if isinstance(node, SegmentRef):
            return self.segment(node, chain)
        return self.behavioral(node)

    def segment(self, ref: SegmentRef, chain: tuple[str, ...]) -> str:
        pos = ref.name_pos or ref.pos
        if ref.name in chain:
            cycle = " -> ".join([*chain[chain.index(ref.name):], ref.name])
            raise QueryValidationError(f"segment '{ref.name}' refers back to itself: {cycle}", *(pos or (None, None)))
        source = self.segments(ref.name) if self.segments else None
        if source is None or (source.membership_segment_id is None and source.query is None):
            raise QueryValidationError(f"unknown segment '{ref.name}'", *(pos or (None, None)))
        if source.membership_segment_id is not None:
            # (segment_id, contact_id) is unique, so no DISTINCT is needed.
            return (f"SELECT contact_id FROM {MEMBERSHIP_TABLE} "
                    f"WHERE segment_id = {self.param(source.membership_segment_id)}{self.only()}")
        assert source.query is not None
        validate(source.query)
        return self.query(source.query, (*chain, ref.name))

    def behavioral(self, node: Behavioral) -> str:
        itype = interaction_type(node.type)
        assert itype is not None  # validated
        having = node.having
        conditions = [f"timestamp <= {self.param(self.instant(self.now))}"]
        start = window_start(having.window, self.now) if having.window else None
        if start is not None:
            conditions.append(f"timestamp >= {self.param(self.instant(start))}")
        if node.filter is not None:
            conditions.append(f"({self.group(node.filter, itype)})")
        if having.aggregate == "COUNT":
            aggregate = "COUNT(*)"
        else:
            fld = itype.field(having.field or "")
            assert fld is not None  # validated
            aggregate = f"{having.aggregate}({fld.column})"
        where = " AND ".join(conditions) + self.only()
        if having.aggregate == "COUNT" and (having.op, having.value) == (">=", 1):
            # "at least once", the commonest shape: no count needed, only the contacts.
            return f"SELECT DISTINCT contact_id FROM {itype.table} WHERE {where}"
        if having.aggregate == "COUNT" and (having.op, having.value) in (("==", 0), ("<", 1), ("<=", 0)):
            # "never": every contact without a matching row, as a plain anti-join.
            return (f"SELECT c.contact_id FROM {CONTACTS_TABLE} AS c WHERE NOT EXISTS (SELECT 1 FROM {itype.table} "
                    f"AS i WHERE i.contact_id = c.contact_id AND {where}){self.only('c.contact_id')}")
        test = f"{aggregate} {_SQL_COMPARE[having.op]} {self.param(self.number(having.value))}"
        if not count_accepts_zero(having):
            return f"SELECT contact_id FROM {itype.table} WHERE {where} GROUP BY contact_id HAVING {test}"
        # Contacts without a matching row pass too, so take every contact except those whose count fails;
        # NOT EXISTS over the grouped failures plans as a hash anti-join on PostgreSQL.
        failing = f"SELECT contact_id FROM {itype.table} WHERE {where} GROUP BY contact_id HAVING NOT ({test})"
        return (f"SELECT c.contact_id FROM {CONTACTS_TABLE} AS c WHERE NOT EXISTS "
                f"(SELECT 1 FROM ({failing}) AS f WHERE f.contact_id = c.contact_id){self.only('c.contact_id')}")

    # -- conditions (two-valued: a test on a missing value is false, also under NOT) --------------------

    def group(self, group: Group, itype: InteractionType) -> str:
        joiner = " AND " if group.op == "AND" else " OR "
        parts = []
        for item in group.items:
            if isinstance(item, Group):
                inner = self.group(item, itype)
                parts.append(inner if item.negated else f"({inner})")
            else:
                parts.append(self.clause(item, itype))
        body = joiner.join(parts)
        # SQL's NULL would make NOT(unknown) unknown; COALESCE turns "unknown" into false before negating.
        return f"NOT COALESCE(({body}), FALSE)" if group.negated else body

    def clause(self, clause: Clause, itype: InteractionType) -> str:
        fld = itype.field(clause.field)
        assert fld is not None  # validated
        column = fld.column
        if clause.op == "ISNULL":
            return f"{column} IS NULL"
        if clause.op == "ISNOTNULL":
            return f"{column} IS NOT NULL"
        if fld.kind is FieldKind.STRING:
            column = f"lower({column})"  # strings compare case-insensitively
        if clause.op in _LIKE_PATTERN:
            value = clause.values[0]
            assert isinstance(value, str)
            pattern = _LIKE_PATTERN[clause.op].format(_escape_like(value.lower()))
            return f"{column} LIKE {self.param(pattern)} ESCAPE '\\'"
        if len(clause.values) > 1:
            placeholders = ", ".join(self.param(self.value(fld, v)) for v in clause.values)
            return f"{column} IN ({placeholders})"
        return f"{column} {_SQL_COMPARE[clause.op]} {self.param(self.value(fld, clause.values[0]))}"

    def value(self, fld: Field, value: Value) -> object:
        if fld.kind is FieldKind.STRING:
            assert isinstance(value, str)
            return value.lower()
        if fld.kind is FieldKind.GUID:
            assert isinstance(value, str)
            return self.guid(value)
        if fld.kind is FieldKind.DATETIME:
            assert isinstance(value, str)
            instant = parse_instant(value)
            assert instant is not None  # validated
            return self.instant(instant)
        if fld.kind is FieldKind.BOOLEAN:
            return value
        assert isinstance(value, int | Decimal)
        return self.number(value)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
