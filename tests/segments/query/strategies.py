"""Hypothesis strategies for random valid queries in canonical normalised form (what parse() returns)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import strategies as st

from interactions.catalog import INTERACTION_TYPES, FieldKind, InteractionType
from segments.query.nodes import Behavioral, Clause, Group, Having, SegmentRef, SetOp, Window

_OPS = {
    FieldKind.STRING: ("==", "!=", "CONTAINS", "STARTSWITH", "ENDSWITH", "ISNULL", "ISNOTNULL"),
    FieldKind.GUID: ("==", "!=", "ISNULL", "ISNOTNULL"),
    FieldKind.NUMBER: ("==", "!=", ">", ">=", "<", "<=", "ISNULL", "ISNOTNULL"),
    FieldKind.INTEGER: ("==", "!=", ">", ">=", "<", "<=", "ISNULL", "ISNOTNULL"),
    FieldKind.DATETIME: ("==", "!=", ">", ">=", "<", "<=", "ISNULL", "ISNOTNULL"),
}
_decimals = st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False).filter(
    lambda d: d != d.to_integral_value()).map(Decimal.normalize)
_numbers = st.one_of(st.integers(-10**6, 10**6), _decimals)
_instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC))


class Domain:
    """Where field values come from: anything by default; small shared pools for differential tests."""

    def __init__(self, types=INTERACTION_TYPES, strings=None, guids=None, numbers=None, instants=None, names=None,
                 window_sizes=None):
        self.types = tuple(types)
        self.window_sizes = st.sampled_from(window_sizes) if window_sizes else st.integers(1, 400)
        # any text a value can hold: NUL is refused (no stored text can hold it), see test_errors.py
        self.strings = st.sampled_from(strings) if strings else st.text(st.characters(exclude_characters="\x00"),
                                                                        max_size=8)
        self.guids = st.sampled_from(guids) if guids else st.uuids()
        self.numbers = st.sampled_from(numbers) if numbers else _numbers
        self.instants = st.sampled_from(instants) if instants else _instants
        self.names = st.sampled_from(names) if names else st.text(min_size=1, max_size=10).filter(str.strip)

    def value(self, kind: FieldKind):
        if kind is FieldKind.STRING:
            return self.strings
        if kind is FieldKind.GUID:
            return self.guids.map(lambda u: str(u) if isinstance(u, uuid.UUID) else u)
        if kind is FieldKind.NUMBER:
            return self.numbers
        if kind is FieldKind.INTEGER:
            return self.numbers.filter(lambda n: isinstance(n, int))
        return self.instants.map(lambda d: d.isoformat())


@st.composite
def clauses(draw, itype: InteractionType, domain: Domain):
    fields = [f for f in itype.all_fields if f.kind in _OPS and f.name not in ("InteractionId", "ContactId")]
    fld = draw(st.sampled_from(fields))
    op = draw(st.sampled_from(_OPS[fld.kind]))
    if op in ("ISNULL", "ISNOTNULL"):
        return Clause(fld.name, op, ())
    values = st.lists(domain.value(fld.kind), min_size=2 if op == "==" and draw(st.booleans()) else 1, max_size=3)
    return Clause(fld.name, op, tuple(draw(values)) if op == "==" else (draw(domain.value(fld.kind)),))


def _is_multi_value_shape(group: Group) -> bool:
    """An OR of single-valued == clauses on one field reads back as one multi-value clause."""
    items = group.items
    return (group.op == "OR" and all(isinstance(c, Clause) and c.op == "==" and len(c.values) == 1 for c in items)
            and len({c.field for c in items}) == 1)


@st.composite
def groups(draw, itype: InteractionType, domain: Domain, depth: int = 2, nested: bool = False):
    op = draw(st.sampled_from(("AND", "OR")))
    negated = nested and draw(st.booleans())
    item = clauses(itype, domain) if depth == 0 else st.one_of(
        clauses(itype, domain), groups(itype, domain, depth - 1, True))
    items = tuple(draw(st.lists(item, min_size=2 if op == "OR" else 1, max_size=3)))
    group = Group(op, items, negated)
    if nested and not negated and _is_multi_value_shape(group):
        return Group("AND", items)
    return group


@st.composite
def havings(draw, itype: InteractionType, domain: Domain):
    numeric = [f for f in itype.fields if f.kind.is_numeric]
    window = draw(st.none() | st.builds(Window, st.sampled_from(("DAYS", "MONTHS", "YEARS")), domain.window_sizes))
    if numeric and draw(st.booleans()):
        fld = draw(st.sampled_from(numeric))
        agg = draw(st.sampled_from(("SUM", "AVG", "MIN", "MAX")))
        return Having(agg, fld.name, draw(st.sampled_from(("==", "!=", ">", ">=", "<", "<="))),
                      draw(domain.numbers), window)
    return Having("COUNT", None, draw(st.sampled_from(("==", "!=", ">=", "<", "<="))), draw(st.integers(0, 4)), window)


@st.composite
def behaviorals(draw, domain: Domain):
    itype = draw(st.sampled_from(domain.types))
    flt = draw(st.none() | groups(itype, domain))
    return Behavioral(itype.name, flt, draw(havings(itype, domain)))


def queries(domain: Domain | None = None, refs: bool = True):
    domain = domain or Domain()
    leaf = behaviorals(domain)
    if refs:
        leaf = leaf | domain.names.map(SegmentRef)
    ops = st.sampled_from(("UNION", "INTERSECT", "EXCEPT"))
    return st.recursive(leaf, lambda inner: st.builds(SetOp, ops, inner, inner), max_leaves=4)
