"""Validator: checks a parsed query against the catalog, the value rules and the saved segments.

Errors are positioned with the nodes' `pos` fields (None on hand-built nodes). `segments` maps a saved
segment's name to its parsed query, or None when there is no such segment; without it, SEGMENT references
are not resolved (the compiler resolves them itself).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from decimal import Decimal

from interactions.catalog import (
    INTERACTION_TYPES,
    OPERATORS,
    Field,
    FieldKind,
    InteractionType,
    interaction_type,
    parse_guid,
    parse_instant,
)

from .errors import QueryValidationError
from .nodes import (
    AGGREGATES,
    COMPARES,
    MAX_INTEGER,
    MAX_RESTRICTIONS,
    MAX_SEGMENT_DEPTH,
    NULL_TESTS,
    SET_OPS,
    WINDOW_UNITS,
    Behavioral,
    Clause,
    Group,
    Having,
    Pos,
    Query,
    SegmentRef,
    SetOp,
    Value,
    is_one_of,
    reference_cycle,
    segment_refs,
)
from .printer import value_text

SegmentLookup = Callable[[str], Query | None]

_KIND_NAMES = {
    FieldKind.STRING: "a string",
    FieldKind.GUID: "a GUID",
    FieldKind.NUMBER: "a number",
    FieldKind.INTEGER: "a whole number",
    FieldKind.DATETIME: "a date and time",
    FieldKind.BOOLEAN: "True or False",
}


def validate(node: Query, *, segments: SegmentLookup | None = None, name: str | None = None) -> None:
    """Raise QueryValidationError for the first problem found; `name` is the segment being validated."""
    _check_query(node)
    if segments is not None:
        _check_references(node, segments, name)


def _error(message: str, pos: Pos | None, suggestion: str | None = None) -> QueryValidationError:
    line, column = pos if pos else (None, None)
    return QueryValidationError(message, line, column, suggestion)


def _suggest(word: str, choices: list[str]) -> str | None:
    by_lower = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1)
    return by_lower[close[0]] if close else None


def _check_query(node: Query) -> None:
    if isinstance(node, SetOp):
        if node.op not in SET_OPS:
            raise _error(f"unknown set operator '{node.op}'", node.op_pos)
        _check_query(node.left)
        _check_query(node.right)
    elif isinstance(node, SegmentRef):
        if not isinstance(node.name, str) or not node.name.strip():
            raise _error("the segment name is empty", node.name_pos)
    elif isinstance(node, Behavioral):
        _check_behavioral(node)
    else:
        raise _error(f"not a query node: {type(node).__name__}", None)


def _check_behavioral(node: Behavioral) -> None:
    itype = interaction_type(node.type) if isinstance(node.type, str) else None
    if itype is None:
        raise _error(f"unknown interaction type '{node.type}'", node.type_pos,
                     _suggest(str(node.type), [t.name for t in INTERACTION_TYPES]))
    if node.filter is not None:
        if not isinstance(node.filter, Group):
            raise _error("FILTER must hold a group of conditions", node.pos)
        _check_group(node.filter, itype)
        found = restrictions(node.filter)
        if len(found) > MAX_RESTRICTIONS:
            raise _error(f"FILTER holds {len(found):,} restrictions; at most {MAX_RESTRICTIONS:,} fit in one "
                         "block: write many values of one field as one restriction (Field == 'a' || Field == 'b' "
                         "...) or split the query", found[MAX_RESTRICTIONS].pos)
    if not isinstance(node.having, Having):
        raise _error("a behavioral query needs HAVING", node.pos)
    _check_having(node.having, itype)


def restrictions(group: Group) -> list[Clause | Group]:
    """The restrictions of a FILTER as a person counts them (an "is one of" chain is one)."""
    if is_one_of(group):
        return [group]
    found: list[Clause | Group] = []
    for item in group.items:
        found.extend(restrictions(item) if isinstance(item, Group) else [item])
    return found


# Names the old product's documentation and examples use for fields that are spelled otherwise here.
_ALIASES = {"emailid": "MessageId"}


def _field(itype: InteractionType, name: object, pos: Pos | None) -> Field:
    found = itype.field(name) if isinstance(name, str) else None
    if found is None:
        raise _error(f"unknown field '{name}' on {itype.name}", pos, _hint(itype, str(name)))
    return found


def _hint(itype: InteractionType, name: str) -> str | None:
    """A targeted suggestion for a known alias, else the closest field name."""
    alias = _ALIASES.get(name.lower())
    if alias is not None and itype.field(alias) is not None:
        return alias
    if name.lower() == "name":
        ids = [f.name for f in itype.all_fields if f.kind is FieldKind.GUID and f.name.endswith("Id")
               and f.name not in ("InteractionId", "ContactId")]
        if ids:
            return ids[0]  # interactions hold a record's id, not its name
    return _suggest(name, [f.name for f in itype.all_fields])


def _check_group(group: Group, itype: InteractionType) -> None:
    if group.op not in ("AND", "OR"):
        raise _error(f"unknown condition joiner '{group.op}'", group.pos)
    if not group.items:
        raise _error("empty group of conditions", group.pos)
    for item in group.items:
        if isinstance(item, Group):
            _check_group(item, itype)
        elif isinstance(item, Clause):
            _check_clause(item, itype)
        else:
            raise _error(f"not a condition: {type(item).__name__}", group.pos)


def _check_clause(clause: Clause, itype: InteractionType) -> None:
    fld = _field(itype, clause.field, clause.pos)
    allowed = OPERATORS[fld.kind]
    if clause.op not in allowed:
        raise _error(f"'{clause.op}' does not apply to {fld.name}, {_KIND_NAMES[fld.kind]}; "
                     f"use {', '.join(allowed[:-1])} or {allowed[-1]}", clause.pos)
    count = len(clause.values)
    if clause.op in NULL_TESTS:
        if count:
            raise _error(f"{clause.op}({fld.name}) takes no value", clause.pos)
        return
    if count == 0 or (count > 1 and clause.op != "=="):
        raise _error(f"'{clause.op}' needs exactly one value", clause.pos)
    for index, value in enumerate(clause.values):
        value_pos = clause.value_pos[index] if clause.value_pos and index < len(clause.value_pos) else clause.pos
        problem = _value_problem(fld, value)
        if problem:
            raise _error(problem, value_pos)


def _shown(value: object) -> str:
    if isinstance(value, Decimal) and not value.is_finite():
        return str(value)
    return value_text(value) if isinstance(value, str | int | Decimal) else repr(value)


def _value_problem(fld: Field, value: Value) -> str | None:
    kind = fld.kind
    if kind is FieldKind.BOOLEAN:
        return None if isinstance(value, bool) else f"{fld.name} is compared with True or False, not {_shown(value)}"
    if kind in (FieldKind.STRING, FieldKind.GUID, FieldKind.DATETIME) and not isinstance(value, str):
        return f"{fld.name} is {_KIND_NAMES[kind]}: write the value in quotes, not {_shown(value)}"
    if isinstance(value, str) and "\x00" in value:
        return f"the value of {fld.name} holds a NUL character (\\x00), which no stored text can hold"
    if kind is FieldKind.GUID and parse_guid(value) is None:
        return f"{_shown(value)} is not a GUID"
    if kind is FieldKind.DATETIME and parse_instant(value) is None:
        return f"{_shown(value)} is not an ISO 8601 date and time, e.g. '2026-01-01T00:00:00Z'"
    if kind.is_numeric:
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            return f"{fld.name} is {_KIND_NAMES[kind]}: compare it with a number, not {_shown(value)}"
        if isinstance(value, Decimal) and not value.is_finite():
            return f"{_shown(value)} is not a number"
        if kind is FieldKind.INTEGER and isinstance(value, Decimal) and value != value.to_integral_value():
            return f"{fld.name} holds whole numbers: {_shown(value)} is not one"
        if isinstance(value, int) and abs(value) > MAX_INTEGER:
            return f"{_shown(value)} is out of range: whole numbers go up to {MAX_INTEGER} in size"
    return None


def _check_having(having: Having, itype: InteractionType) -> None:
    if having.aggregate not in AGGREGATES:
        raise _error(f"unknown aggregate '{having.aggregate}'; use COUNT, SUM, AVG, MIN or MAX", having.pos)
    if having.op not in COMPARES:
        raise _error(f"unknown comparison '{having.op}'; use ==, !=, >, >=, < or <=", having.pos)
    value = having.value
    if isinstance(value, bool) or not isinstance(value, int | Decimal) or (
            isinstance(value, Decimal) and not value.is_finite()):
        raise _error(f"{having.aggregate} compares with a number, not {_shown(value)}", having.value_pos)
    if having.aggregate == "COUNT":
        if having.field is not None:
            raise _error("COUNT() takes no field", having.field_pos)
        if not isinstance(value, int) or value < 0:
            raise _error(f"COUNT() compares with whole numbers >= 0, not {_shown(value)}", having.value_pos)
        if value > MAX_INTEGER:
            raise _error(f"COUNT() compares with whole numbers up to {MAX_INTEGER}, not {_shown(value)}",
                         having.value_pos)
    else:
        if having.field is None:
            raise _error(f"{having.aggregate} needs a numeric field", having.pos)
        if isinstance(value, int) and abs(value) > MAX_INTEGER:
            raise _error(f"{_shown(value)} is out of range: whole numbers go up to {MAX_INTEGER} in size",
                         having.value_pos)
        fld = _field(itype, having.field, having.field_pos)
        if not fld.kind.is_numeric:
            raise _error(f"{having.aggregate} needs a numeric field, {fld.name} is {_KIND_NAMES[fld.kind]}",
                         having.field_pos)
    window = having.window
    if window is not None:
        if window.unit not in WINDOW_UNITS:
            raise _error(f"unknown window unit '{window.unit}'", window.pos)
        if isinstance(window.n, bool) or not isinstance(window.n, int) or window.n < 1:
            raise _error(f"the window must be at least 1 {window.unit.lower()[:-1]}, not {window.n}",
                         window.n_pos or window.pos)


def _check_references(node: Query, segments: SegmentLookup, name: str | None) -> None:
    done: set[str] = set()  # segments whose references were followed to the end without a problem

    def follow(ref: SegmentRef, target: str, chain: list[str]) -> None:
        cycle = reference_cycle(chain, target)
        if cycle:
            raise _error(f"segment '{target}' refers back to itself: {cycle}", ref.name_pos or ref.pos)
        if target in done:
            return
        if len(chain) - (1 if name else 0) >= MAX_SEGMENT_DEPTH:
            raise _error(f"SEGMENT({ref.name}) reads segments more than {MAX_SEGMENT_DEPTH} levels deep "
                         f"({' -> '.join([*chain[:3], '...', target])})", ref.name_pos or ref.pos)
        query = segments(target)
        if query is None:
            if len(chain) <= (1 if name else 0):
                raise _error(f"unknown segment '{target}'", ref.name_pos or ref.pos)
            raise _error(f"segment '{chain[-1]}' refers to unknown segment '{target}'", ref.name_pos or ref.pos)
        for inner in segment_refs(query):
            follow(ref, inner.name, [*chain, target])
        done.add(target)

    for ref in segment_refs(node):
        follow(ref, ref.name, [name] if name else [])
