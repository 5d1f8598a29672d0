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
    PARENT_CUSTOMER,
    Attribute,
    Field,
    FieldKind,
    InteractionType,
    entity,
    interaction_type,
    parse_guid,
    parse_instant,
    profile_attribute,
)

from .dates import date_problem, instant
from .errors import QueryValidationError
from .nodes import (
    AGGREGATES,
    COMPARES,
    DATE_PARTS,
    MAX_INTEGER,
    MAX_RESTRICTIONS,
    MAX_SEGMENT_DEPTH,
    NULL_TESTS,
    SET_OPS,
    WINDOW_UNITS,
    AttributeRef,
    Behavioral,
    Clause,
    DateAdd,
    DateDiff,
    DateValue,
    Group,
    Having,
    Now,
    Pos,
    Profile,
    ProfileFilter,
    Query,
    SegmentRef,
    SetOp,
    Value,
    crm_id,
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
    FieldKind.DATE: "a date",
    FieldKind.CHOICE: "a choice",
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
    elif isinstance(node, Profile):
        _check_profile(node)
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
    _check_operator_and_values(clause, fld.name, fld.kind, lambda value: value_problem(fld, value))


def _check_operator_and_values(clause: Clause, name: str, kind: FieldKind, problem_of) -> None:
    """The rules every clause shares, of an interaction's field or of a profile attribute: the operator applies
    to the kind, null tests take no value, only '==' takes several; `problem_of(value)` judges each value."""
    allowed = OPERATORS[kind]
    if clause.op not in allowed:
        raise _error(f"'{clause.op}' does not apply to {name}, {_KIND_NAMES[kind]}; "
                     f"use {', '.join(allowed[:-1])} or {allowed[-1]}", clause.pos)
    count = len(clause.values)
    if clause.op in NULL_TESTS:
        if count:
            raise _error(f"{clause.op}({name}) takes no value", clause.pos)
        return
    if count == 0 or (count > 1 and clause.op != "=="):
        raise _error(f"'{clause.op}' needs exactly one value", clause.pos)
    for index, value in enumerate(clause.values):
        value_pos = clause.value_pos[index] if clause.value_pos and index < len(clause.value_pos) else clause.pos
        problem = problem_of(value)
        if problem:
            raise _error(problem, value_pos)


def _shown(value: object) -> str:
    if isinstance(value, Decimal) and not value.is_finite():
        return str(value)
    return value_text(value) if isinstance(value, str | int | Decimal) else repr(value)


def value_problem(fld: Field, value: Value, *, name: str = "") -> str | None:
    """What is wrong with `value` for `fld`, naming the field `name` (the designer's display name), else None."""
    kind, name = fld.kind, name or fld.name
    if kind is FieldKind.BOOLEAN:
        return None if isinstance(value, bool) else f"{name} is compared with True or False, not {_shown(value)}"
    if kind in (FieldKind.STRING, FieldKind.GUID, FieldKind.DATETIME) and not isinstance(value, str):
        return f"{name} is {_KIND_NAMES[kind]}: write the value in quotes, not {_shown(value)}"
    if isinstance(value, str) and "\x00" in value:
        return f"the value of {name} holds a NUL character (\\x00), which no stored text can hold"
    if kind is FieldKind.GUID and parse_guid(value) is None:
        return f"{_shown(value)} is not a GUID"
    if kind is FieldKind.DATETIME and parse_instant(value) is None:
        return f"{_shown(value)} is not an ISO 8601 date and time, e.g. '2026-01-01T00:00:00Z'"
    if kind.is_numeric:
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            return f"{name} is {_KIND_NAMES[kind]}: compare it with a number, not {_shown(value)}"
        if isinstance(value, Decimal) and not value.is_finite():
            return f"{_shown(value)} is not a number"
        if kind is FieldKind.INTEGER and isinstance(value, Decimal) and value != value.to_integral_value():
            return f"{name} holds whole numbers: {_shown(value)} is not one"
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
            if crm_id(target):
                raise _error(f"no segment carries the Dynamics ID {crm_id(target)} ({target}): set that ID on the "
                             "segment copied from Dynamics", ref.name_pos or ref.pos)
            if len(chain) <= (1 if name else 0):
                raise _error(f"unknown segment '{target}'", ref.name_pos or ref.pos)
            raise _error(f"segment '{chain[-1]}' refers to unknown segment '{target}'", ref.name_pos or ref.pos)
        for inner in segment_refs(query):
            follow(ref, inner.name, [*chain, target])
        done.add(target)

    for ref in segment_refs(node):
        follow(ref, ref.name, [name] if name else [])


# -- profile blocks (shared spec profiles.md) -------------------------------------------------------------

_ENDS_ON_ACCOUNTS = f"a segment's members are contacts; add .TRAVERSE({PARENT_CUSTOMER})"


class _Scope:
    """What a profile FILTER applies to: the entity the chain stands on, and the names that qualify its fields."""

    def __init__(self, entity_name: str, alias: str | None, earlier: dict[str, str]) -> None:
        self.entity = entity_name
        self.alias = alias
        self.earlier = earlier  # aliases of the other steps -> their entity

    def describe(self) -> str:
        return f"{self.entity} ({self.alias})" if self.alias else self.entity


def _check_profile(node: Profile) -> None:
    if entity(node.entity) is None:
        raise _error(f"PROFILE({node.entity}): {node.entity} records are not supported; profile queries select "
                     "contact or account", node.entity_pos or node.pos)
    current, alias, aliases = node.entity.lower(), node.alias, {}
    for step in node.steps:
        if isinstance(step, ProfileFilter):
            if not isinstance(step.condition, Group):
                raise _error("FILTER must hold a group of conditions", step.pos)
            scope = _Scope(current, alias, {a: e for a, e in aliases.items() if a != alias})
            _check_pgroup(step.condition, scope)
            found = restrictions(step.condition)
            if len(found) > MAX_RESTRICTIONS:
                raise _error(f"FILTER holds {len(found):,} restrictions; at most {MAX_RESTRICTIONS:,} fit in one "
                             "block", found[MAX_RESTRICTIONS].pos)
        elif getattr(step, "relationship", None) == PARENT_CUSTOMER:
            if alias:
                aliases[alias] = current
            current = "account" if current == "contact" else "contact"
            alias = step.alias
        else:
            raise _error(f"unknown profile step; profile queries traverse {PARENT_CUSTOMER}", node.pos)
    if current != "contact":
        raise _error(_ENDS_ON_ACCOUNTS, node.pos)


def _check_pgroup(group: Group, scope: _Scope) -> None:
    if group.op not in ("AND", "OR"):
        raise _error(f"unknown condition joiner '{group.op}'", group.pos)
    if not group.items:
        raise _error("empty group of conditions", group.pos)
    for item in group.items:
        if isinstance(item, Group):
            _check_pgroup(item, scope)
        elif isinstance(item, Clause):
            _check_pclause(item, scope)
        elif isinstance(item, DateDiff):
            _check_date_diff(item, scope)
        else:
            raise _error(f"not a condition: {type(item).__name__}", group.pos)


def attribute_of(name: str, scope_entity: str) -> Attribute | None:
    """The attribute a (possibly qualified) profile field names on the entity, or None."""
    return profile_attribute(scope_entity, name.rpartition(".")[2])


def _attribute(name: object, scope: _Scope, pos: Pos | None) -> Attribute:
    if not isinstance(name, str) or not name:
        raise _error(f"not an attribute name: {name!r}", pos)
    qualifier, _, bare = name.rpartition(".")
    if qualifier and qualifier.lower() not in {scope.entity, (scope.alias or "").lower()}:
        if qualifier in scope.earlier:
            raise _error(f"'{qualifier}' names the {scope.earlier[qualifier]} of another step; this FILTER applies "
                         f"to {scope.describe()}", pos)
        raise _error(f"unknown alias '{qualifier}'; this FILTER applies to {scope.describe()}", pos)
    found = profile_attribute(scope.entity, bare)
    if found is None:
        standard = entity(scope.entity)
        close = _suggest(bare, [a.name for a in standard.attributes]) if standard else None
        if close is None and "_" in bare:  # publisher_name: the shape of a Dataverse custom attribute
            raise _error(f"unknown attribute '{bare}' on {scope.entity}: a custom attribute must be declared in the "
                         "admin console (Custom attributes) before queries can use it", pos)
        raise _error(f"unknown attribute '{bare}' on {scope.entity}", pos, close)
    return found


def _check_pclause(clause: Clause, scope: _Scope) -> None:
    attribute = _attribute(clause.field, scope, clause.pos)
    _check_operator_and_values(clause, attribute.name, attribute.kind,
                               lambda value: _attribute_value_problem(attribute, value))


def _attribute_value_problem(attribute: Attribute, value) -> str | None:
    kind, name = attribute.kind, attribute.name
    if isinstance(value, Now | DateValue | DateAdd):
        if kind not in (FieldKind.DATE, FieldKind.DATETIME):
            return f"{name} is {_KIND_NAMES[kind]}: date functions compare with dates"
        return _date_function_problem(value)
    if kind is FieldKind.CHOICE:
        if attribute.choice(value) is None:
            options = ", ".join(f"{n} {label}" for n, label in attribute.choices)
            return f"{_shown(value)} is not a choice of {name}; use a number or label: {options}"
        return None
    if kind is FieldKind.DATE:
        kind = FieldKind.DATETIME  # a date compares as its midnight UTC
    if kind is FieldKind.STRING and value == "":
        return f"an empty value is a missing one: write ISNULL({name}) or ISNOTNULL({name})"
    return value_problem(Field(name, kind), value)


def _date_function_problem(value) -> str | None:
    if isinstance(value, DateValue):
        return date_problem(value)
    if isinstance(value, DateAdd):
        if value.part not in DATE_PARTS:
            return f"unknown date part '{value.part}' in DATEADD: use {', '.join(DATE_PARTS)}"
        if isinstance(value.n, bool) or not isinstance(value.n, int) or abs(value.n) > 10**6:
            return f"DATEADD moves by a whole number up to 1000000, not {value.n!r}"
        if not isinstance(value.value, Now | DateValue | DateAdd):
            return "DATEADD moves DATETIMEUTCNOW(), DATE(...) or another DATEADD(...)"
        problem = _date_function_problem(value.value)
        if problem is None and not _uses_now(value):
            try:
                instant(value, None)  # no DATETIMEUTCNOW(): a fixed date, known now
            except OverflowError:
                return "DATEADD goes past the years 1 to 9999"
        return problem
    return None


def _uses_now(value) -> bool:
    return isinstance(value, Now) or (isinstance(value, DateAdd) and _uses_now(value.value))


def _check_date_diff(item: DateDiff, scope: _Scope) -> None:
    if item.part not in DATE_PARTS:
        raise _error(f"unknown date part '{item.part}' in DATEDIFF: use {', '.join(DATE_PARTS)}", item.pos)
    for operand in (item.start, item.end):
        if isinstance(operand, AttributeRef):
            attribute = _attribute(operand.name, scope, operand.pos or item.pos)
            if attribute.kind not in (FieldKind.DATE, FieldKind.DATETIME):
                raise _error(f"DATEDIFF counts between dates; {attribute.name} is {_KIND_NAMES[attribute.kind]}",
                             operand.pos or item.pos)
        elif isinstance(operand, Now | DateValue | DateAdd):
            problem = _date_function_problem(operand)
            if problem:
                raise _error(problem, getattr(operand, "pos", None) or item.pos)
        elif not isinstance(operand, str) or parse_instant(operand) is None:
            raise _error(f"DATEDIFF counts between dates: {_shown(operand)} is not one", item.pos)
    if item.op not in COMPARES:
        raise _error(f"unknown comparison '{item.op}'; use ==, !=, >, >=, < or <=", item.pos)
    if isinstance(item.value, bool) or not isinstance(item.value, int) or abs(item.value) > MAX_INTEGER:
        raise _error(f"DATEDIFF compares with a whole number, not {_shown(item.value)}", item.value_pos or item.pos)
