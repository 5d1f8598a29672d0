"""The one place where the designer's form and the query AST meet.

The form of a behavioral query is a `DesignerState`: the interaction type, the interaction filters
(aggregate, comparison, number, window) and a tree of restrictions. The tree travels as flat form fields
whose names carry the node's path, so that a plain form post (no JavaScript) carries the whole tree:

    r-op                  the root group's joiner (AND / OR)
    r-0-kind              "clause" or "group"
    r-0-field, r-0-op     a clause's field and operator (see OPERATOR_LABELS)
    r-0-value             its value(s): repeated for "is one of"
    r-1-op, r-1-not       a nested group's joiner and NOT
    r-1-0-kind ...        the nested group's children
    r-0-sel               the row is selected (for "group selected")
    r-0-q                 the record lookup's search text on an ID field

state_from_post / state_from_node build a state; node_from_state turns it back into an AST (with errors per
field); state_to_post gives the form data of a state. form(AST) -> POST -> AST is the identity for every
canonical behavioral query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qs, unquote, urlsplit

from interactions.catalog import INTERACTION_TYPES, Field, FieldKind, InteractionType, interaction_type
from segments.query import (
    Behavioral,
    Clause,
    Group,
    Having,
    QueryError,
    SegmentRef,
    SetOp,
    Window,
    parse,
    unparse,
    validate,
)

ROOT = "r"
DEFAULT_TYPE = "EmailClicked"
IN = "IN"  # the form's "is one of": a clause with 2+ values and '=='

# Operators the form offers per field kind, in menu order, with their labels.
_NULLS = (("ISNOTNULL", "contains data"), ("ISNULL", "does not contain data"))
_COMPARES = (("==", "="), ("!=", "≠"), (">", ">"), (">=", "≥"), ("<", "<"), ("<=", "≤"))
OPERATOR_LABELS: dict[FieldKind, tuple[tuple[str, str], ...]] = {
    FieldKind.STRING: (("==", "equals"), ("!=", "does not equal"), (IN, "is one of"), ("CONTAINS", "contains"),
                       ("STARTSWITH", "begins with"), ("ENDSWITH", "ends with"), *_NULLS),
    FieldKind.GUID: (("==", "equals"), ("!=", "does not equal"), (IN, "is one of"), *_NULLS),
    FieldKind.NUMBER: (*_COMPARES, (IN, "is one of"), *_NULLS),
    FieldKind.INTEGER: (*_COMPARES, (IN, "is one of"), *_NULLS),
    FieldKind.DATETIME: (*_COMPARES, (IN, "is one of"), *_NULLS),
    FieldKind.BOOLEAN: (("==", "is"), ("!=", "is not"), (IN, "is one of"), *_NULLS),
}
VALUELESS = ("ISNULL", "ISNOTNULL")

# The interaction filters: [how many] [N] [interactions | interactions in the last] [N] [unit].
COUNT_OPS = (
    ("atleast", "at least"), ("exactly", "exactly"), ("morethan", "more than"), ("atmost", "at most"),
    ("none", "none"), ("fewer", "fewer than"), ("notexactly", "not exactly"),
)
_OP_OF = {"atleast": ">=", "exactly": "==", "morethan": ">", "atmost": "<=", "fewer": "<", "notexactly": "!="}
_CHOICE_OF = {v: k for k, v in _OP_OF.items()}
AGGREGATES = (("COUNT", "count"), ("SUM", "sum of"), ("AVG", "average of"), ("MIN", "minimum of"),
              ("MAX", "maximum of"))
UNITS = (("DAYS", "days"), ("MONTHS", "months"), ("YEARS", "years"))

_PATH = re.compile(r"r(?:-\d+)*")
# A path anywhere in the page: a behavioral block's rows, or the rows of an inline block of a compound query
# (whose field names start with the operand's path, e.g. "c-1-0-r-2-field").
_ANY_PATH = re.compile(r"(?:c(?:-\d+)+-)?r(?:-\d+)*")
_KEY = re.compile(r"(r(?:-\d+)*)-(\d+)-kind")
_GUID = re.compile(r"\{?([0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})\}?")
_INTEGER = re.compile(r"[+-]?\d+")


@dataclass
class ClauseRow:
    field: str = ""  # "" until the user picks one: such a row is kept in the form but not in the query
    op: str = "=="
    values: list[str] = dc_field(default_factory=lambda: [""])
    selected: bool = False
    lookup: str = ""  # the record lookup's search text
    errors: list[str] = dc_field(default_factory=list)
    path: str = ""
    kind = "clause"


@dataclass
class GroupRow:
    op: str = "AND"
    negated: bool = False
    items: list[ClauseRow | GroupRow] = dc_field(default_factory=list)
    selected: bool = False
    path: str = ROOT
    errors: list[str] = dc_field(default_factory=list)
    kind = "group"


@dataclass
class DesignerState:
    type: str = DEFAULT_TYPE
    aggregate: str = "COUNT"
    agg_field: str = ""
    count_op: str = "atleast"
    count_n: str = "1"
    windowed: bool = False
    window_n: str = "30"
    window_unit: str = "DAYS"
    root: GroupRow = dc_field(default_factory=GroupRow)
    filters_open: bool = False
    notices: list[str] = dc_field(default_factory=list)
    having_errors: dict[str, str] = dc_field(default_factory=dict)
    prefix: str = ""  # "" for the behavioral designer; "c-1-" for an inline block of a compound query

    def __post_init__(self):
        if self.root.path == ROOT and self.prefix:
            self.root.path = self.prefix + ROOT
            renumber(self.root)

    @property
    def itype(self) -> InteractionType:
        return interaction_type(self.type) or interaction_type(DEFAULT_TYPE)

    @property
    def has_errors(self) -> bool:
        return bool(self.having_errors) or any(row.errors for row in walk(self.root))

    @property
    def is_default_having(self) -> bool:
        return (self.aggregate == "COUNT" and self.count_op == "atleast" and self.count_n.strip() == "1"
                and not self.windowed)


def walk(group: GroupRow):
    """Every row below `group`, depth first."""
    for item in group.items:
        yield item
        if isinstance(item, GroupRow):
            yield from walk(item)


def renumber(group: GroupRow) -> None:
    for index, item in enumerate(group.items):
        item.path = f"{group.path}-{index}"
        if isinstance(item, GroupRow):
            renumber(item)


def valid_path(path: str) -> bool:
    return bool(_ANY_PATH.fullmatch(path))


def find(state: DesignerState, path: str) -> tuple[GroupRow | None, int, ClauseRow | GroupRow | None]:
    """(parent, index, row) of the row at `path`; the root has no parent."""
    if not path.startswith(state.prefix):
        return None, -1, None
    path = path[len(state.prefix):]
    if path == ROOT:
        return None, -1, state.root
    if not _PATH.fullmatch(path):
        return None, -1, None
    parent, row = None, state.root
    index = -1
    for part in path.split("-")[1:]:
        if not isinstance(row, GroupRow):
            return None, -1, None
        index = int(part)
        if index >= len(row.items):
            return None, -1, None
        parent, row = row, row.items[index]
    return parent, index, row


# --- POST -> state ---------------------------------------------------------------------------------------


def state_from_post(data, prefix: str = "") -> DesignerState:
    """The state the posted form describes (`data` is a QueryDict or a dict of str / list values).

    `prefix` starts every field name of an inline block of a compound query ("c-1-type", "c-1-r-0-field").
    """
    raw = _getter(data)

    def get(key, default=""):
        return raw(prefix + key, default)

    state = DesignerState(prefix=prefix)
    itype = interaction_type(get("type")) or interaction_type(DEFAULT_TYPE)
    state.type = itype.name
    state.aggregate = get("agg") if get("agg") in dict(AGGREGATES) else "COUNT"
    state.agg_field = get("agg_field")
    state.count_op = get("count_op") if get("count_op") in dict(COUNT_OPS) else "atleast"
    state.count_n = get("count_n", "1").strip()
    state.windowed = get("window") == "in_last"
    state.window_n = get("window_n", "30").strip() or "30"
    state.window_unit = get("window_unit") if get("window_unit") in dict(UNITS) else "DAYS"
    state.filters_open = get("filters_open") == "1"
    kinds = {}
    for key in _keys(data):
        match = _KEY.fullmatch(key[len(prefix):]) if key.startswith(prefix) else None
        if match:
            kinds.setdefault(prefix + match.group(1), []).append(int(match.group(2)))
    state.root = _group_from_post(prefix + ROOT, raw, data, kinds)
    state.root.negated = False
    previous = interaction_type(get("prev_type"))
    if previous is not None and previous.name != itype.name:
        change_type(state, itype)
    return state


def _getter(data):
    def get(key, default=""):
        value = data.get(key, default)
        if isinstance(value, list | tuple):
            value = value[-1] if value else default
        return value if isinstance(value, str) else default
    return get


def _keys(data):
    return list(data.keys())


def _getlist(data, key) -> list[str]:
    if hasattr(data, "getlist"):
        return data.getlist(key)
    value = data.get(key)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _group_from_post(path, get, data, kinds) -> GroupRow:
    group = GroupRow(op="OR" if get(f"{path}-op") == "OR" else "AND", negated=bool(get(f"{path}-not")),
                     selected=bool(get(f"{path}-sel")), path=path)
    for index in sorted(set(kinds.get(path, ()))):
        child = f"{path}-{index}"
        if get(f"{child}-kind") == "group":
            group.items.append(_group_from_post(child, get, data, kinds))
        else:
            values = _getlist(data, f"{child}-value")
            values += [v for v in _getlist(data, f"{child}-newvalue") if v.strip()]  # "is one of": one more value
            values = values or [""]
            group.items.append(ClauseRow(field=get(f"{child}-field"), op=get(f"{child}-op") or "==",
                                         values=values, selected=bool(get(f"{child}-sel")),
                                         lookup=get(f"{child}-q"), path=child))
    renumber(group)
    return group


def change_type(state: DesignerState, itype: InteractionType) -> None:
    """Switch to `itype`, keeping the restrictions whose fields it also has; say which were dropped."""
    dropped: list[str] = []

    def prune(group: GroupRow) -> None:
        kept = []
        for item in group.items:
            if isinstance(item, GroupRow):
                prune(item)
                if item.items:
                    kept.append(item)
            elif not item.field or itype.field(item.field) is not None:
                if item.field:
                    item.field = itype.field(item.field).name
                kept.append(item)
            elif item.field not in dropped:
                dropped.append(item.field)
        group.items = kept

    prune(state.root)
    renumber(state.root)
    if state.aggregate != "COUNT":
        fld = itype.field(state.agg_field) if state.agg_field else None
        if fld is None or not fld.kind.is_numeric:
            dropped.append(f"{state.aggregate.lower()} of {state.agg_field}".strip())
            state.aggregate, state.agg_field = "COUNT", ""
    state.type = itype.name
    if dropped:
        names = ", ".join(dropped)
        state.notices.append(f"{itype.display_name} has no {names}: "
                             f"{'that restriction was' if len(dropped) == 1 else 'those restrictions were'} dropped.")


# --- AST -> state ----------------------------------------------------------------------------------------


def state_from_node(node: Behavioral, prefix: str = "") -> DesignerState:
    having = node.having
    state = DesignerState(type=node.type, aggregate=having.aggregate, agg_field=having.field or "", prefix=prefix)
    if having.aggregate == "COUNT" and having.op == "==" and having.value == 0:
        state.count_op, state.count_n = "none", "0"
    else:
        state.count_op = _CHOICE_OF[having.op]
        state.count_n = _number_text(having.value)
    if having.window is not None:
        state.windowed = True
        state.window_n = str(having.window.n)
        state.window_unit = having.window.unit
    if node.filter is not None:
        state.root = _group_from_node(node.filter, prefix + ROOT)
    state.filters_open = not state.is_default_having
    return state


def _number_text(value) -> str:
    if isinstance(value, Decimal):
        value = value.normalize()
        return str(int(value)) if value == value.to_integral_value() else format(value, "f")
    return str(value)


def _value_text(value) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int | Decimal):
        return _number_text(value)
    return value


def _group_from_node(group: Group, path: str) -> GroupRow:
    row = GroupRow(op=group.op, negated=group.negated, path=path)
    for index, item in enumerate(group.items):
        child = f"{path}-{index}"
        if isinstance(item, Group):
            row.items.append(_group_from_node(item, child))
        else:
            op = IN if len(item.values) > 1 else item.op
            values = [_value_text(v) for v in item.values] or [""]
            row.items.append(ClauseRow(field=item.field, op=op, values=values, path=child))
    return row


# --- state -> POST ---------------------------------------------------------------------------------------


def state_to_post(state: DesignerState) -> dict[str, list[str]]:
    own = {
        "type": [state.type], "prev_type": [state.type], "agg": [state.aggregate], "agg_field": [state.agg_field],
        "count_op": [state.count_op], "count_n": [state.count_n],
        "window": ["in_last" if state.windowed else "all"], "window_n": [state.window_n],
        "window_unit": [state.window_unit], "filters_open": ["1" if state.filters_open else ""],
    }
    data: dict[str, list[str]] = {state.prefix + key: value for key, value in own.items()}
    data[f"{state.root.path}-op"] = [state.root.op]

    def add(group: GroupRow) -> None:
        for item in group.items:
            data[f"{item.path}-kind"] = [item.kind]
            if isinstance(item, GroupRow):
                data[f"{item.path}-op"] = [item.op]
                if item.negated:
                    data[f"{item.path}-not"] = ["1"]
                add(item)
            else:
                data[f"{item.path}-field"] = [item.field]
                data[f"{item.path}-op"] = [item.op]
                data[f"{item.path}-value"] = list(item.values)

    renumber(state.root)
    add(state.root)
    return data


# --- state -> AST ----------------------------------------------------------------------------------------


def extract_guid(text: str) -> str:
    """A GUID out of a pasted record address (Dynamics main.aspx?...&id=..., or one of ours), else the text."""
    text = text.strip()
    if "/" not in text and "?" not in text and "=" not in text:
        return text
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    query = parse_qs(parts.query)
    for key in ("id", "ID", "Id"):
        for value in query.get(key, ()):
            match = _GUID.fullmatch(unquote(value).strip())
            if match:
                return match.group(1).lower()
    found = _GUID.findall(unquote(parts.path)) or _GUID.findall(unquote(text))
    return found[-1].lower() if found else text


def _parse_number(text: str) -> int | Decimal | None:
    text = text.strip()
    if _INTEGER.fullmatch(text):
        return int(text)
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _typed_value(fld: Field, text: str) -> tuple[object, str | None]:
    """The AST value for a form value of `fld`, or an error message."""
    if fld.kind.is_numeric:
        value = _parse_number(text)
        if value is None:
            return None, f"{fld.name} is a number: {text!r} is not one" if text.strip() else "enter a number"
        return value, None
    if fld.kind is FieldKind.BOOLEAN:
        if text not in ("True", "False"):
            return None, "choose True or False"
        return text == "True", None
    if fld.kind is FieldKind.GUID:
        text = extract_guid(text)
        if not text:
            return None, "enter an ID or pick a record"
    return text, None


def _clause_node(row: ClauseRow, itype: InteractionType) -> Clause | None:
    """The clause a row describes; sets row.errors. None for an unfinished row (no field yet)."""
    row.errors = []
    if not row.field:
        return None
    fld = itype.field(row.field)
    if fld is None:
        row.errors.append(f"{itype.display_name} has no field {row.field}")
        return None
    row.field = fld.name
    allowed = [op for op, _ in OPERATOR_LABELS[fld.kind]]
    if row.op not in allowed:
        row.op = "=="
    if row.op in VALUELESS:
        return Clause(fld.name, row.op, ())
    texts = row.values if row.op == IN else row.values[:1]
    values = []
    for text in texts:
        value, problem = _typed_value(fld, text)
        if problem:
            row.errors.append(problem)
            continue
        values.append(value)
    if row.errors:
        return None
    if fld.kind is FieldKind.GUID:  # show the extracted GUID, not the pasted address
        row.values = [str(v) for v in values]
    clause = Clause(fld.name, "==" if row.op == IN else row.op, tuple(values))
    try:  # the query validator's own message for a bad value (a non-GUID, a malformed timestamp, ...)
        validate(Behavioral(itype.name, Group("AND", (clause,)), Having("COUNT", None, ">=", 1, None)))
    except QueryError as error:
        row.errors.append(error.message)
        return None
    return clause


def _group_node(group: GroupRow, itype: InteractionType) -> Group | None:
    items = []
    for item in group.items:
        node = _group_node(item, itype) if isinstance(item, GroupRow) else _clause_node(item, itype)
        if node is not None:
            items.append(node)
    if not items:
        return None
    return Group(group.op, tuple(items), group.negated)


def _having_node(state: DesignerState) -> Having | None:
    errors = state.having_errors
    errors.clear()
    itype = state.itype
    field_name = None
    if state.aggregate != "COUNT":
        fld = itype.field(state.agg_field) if state.agg_field else None
        if fld is None or not fld.kind.is_numeric:
            errors["agg_field"] = f"choose a numeric field of {itype.display_name} to {state.aggregate.lower()}"
        else:
            field_name = state.agg_field = fld.name
    if state.count_op == "none":
        if state.aggregate == "COUNT":
            op, value = "==", 0
        else:
            op, value = "==", Decimal(0)
            state.count_op, state.count_n = "exactly", "0"
    else:
        op = _OP_OF[state.count_op]
        value = _parse_number(state.count_n)
        if value is None:
            errors["count_n"] = "enter a number"
        elif state.aggregate == "COUNT" and (not isinstance(value, int) or value < 0):
            errors["count_n"] = "a count is a whole number, 0 or more"
        elif state.aggregate == "COUNT" and op == ">":
            op, value = ">=", value + 1  # "more than N" counts at least N+1 (the canonical spelling)
    window = None
    if state.windowed:
        n = _parse_number(state.window_n)
        if not isinstance(n, int) or n < 1:
            errors["window_n"] = "the window is a whole number, 1 or more"
        else:
            window = Window(state.window_unit, n)
    if errors:
        return None
    return Having(state.aggregate, field_name, op, value, window)


def node_from_state(state: DesignerState) -> Behavioral | None:
    """The query the form describes, in canonical form; None when a field has an error (see row.errors)."""
    itype = state.itype
    having = _having_node(state)
    root = _group_node(state.root, itype)
    if having is None or state.has_errors:
        return None
    if root is not None:
        root = Group(root.op, root.items, False)
    node = Behavioral(itype.name, root, having)
    # Print and read back: the parser's normal form (GUIDs in lower case, a lone clause, ...) is the canonical one.
    return parse(unparse(node))


# --- structural edits ------------------------------------------------------------------------------------


def apply_action(state: DesignerState, action: str) -> None:
    """Apply a form button's action ("add_clause:r-1", "delete:r-0", "group", ...) to the state."""
    name, _, arg = action.partition(":")
    if name == "toggle_filters":
        state.filters_open = not state.filters_open
        return
    if name == "group":
        group_selected(state)
        return
    path, _, extra = arg.partition(":")
    parent, index, row = find(state, path)
    if row is None:
        return
    if name == "add_clause" and isinstance(row, GroupRow):
        row.items.append(ClauseRow())
    elif name == "add_group" and isinstance(row, GroupRow):
        row.items.append(GroupRow(items=[ClauseRow()]))
    elif name == "delete" and parent is not None:
        del parent.items[index]
    elif name == "ungroup" and parent is not None and isinstance(row, GroupRow):
        parent.items[index:index + 1] = row.items
    elif name == "add_value" and isinstance(row, ClauseRow):
        row.op = IN  # the form then shows one more, empty, value box
    elif name == "remove_value" and isinstance(row, ClauseRow) and extra.isdigit():
        position = int(extra)
        if position < len(row.values) and len(row.values) > 1:
            del row.values[position]
    elif name == "pick" and isinstance(row, ClauseRow):
        guid = extract_guid(extra)
        if row.op == IN:
            row.values = [v for v in row.values if v.strip()]
            if guid not in row.values:
                row.values.append(guid)
        else:
            row.values = [guid]
            if row.op in VALUELESS:
                row.op = "=="
        row.lookup = ""
    renumber(state.root)


def group_selected(state: DesignerState) -> None:
    """Put the selected rows that share a parent with the first selected one into a new group in its place."""
    for group in [state.root, *(r for r in walk(state.root) if isinstance(r, GroupRow))]:
        chosen = [i for i, item in enumerate(group.items) if item.selected]
        if chosen:
            items = [group.items[i] for i in chosen]
            for item in items:
                item.selected = False
            new = GroupRow(op="OR" if group.op == "AND" else "AND", items=items)
            group.items = [item for i, item in enumerate(group.items) if i not in chosen]
            group.items.insert(chosen[0], new)
            renumber(state.root)
            return
    state.notices.append("Select the rows to group first (the check box at the start of each row).")


def new_state(type_name: str = DEFAULT_TYPE, prefix: str = "") -> DesignerState:
    return DesignerState(type=(interaction_type(type_name) or interaction_type(DEFAULT_TYPE)).name, prefix=prefix)


def type_choices():
    return sorted(((t.name, t.display_name) for t in INTERACTION_TYPES), key=lambda c: c[1])


# === compound queries ====================================================================================
#
# The form of a compound query is a list of operands read left to right, each after the first joined to what
# comes before by UNION / INTERSECT / EXCEPT ("or", "and also", "but not"). An operand is a saved segment
# (picked by name), an inline behavioral block (the behavioral form above, its field names prefixed with the
# operand's path) or a group: a parenthesised operand list of its own. Field names carry the operand's path:
#
#     c-0-kind            "segment", "block" or "group"
#     c-1-join            how operand 1 joins what comes before it (UNION / INTERSECT / EXCEPT)
#     c-0-name            a segment operand's segment name
#     c-2-type, c-2-r-op  an inline block's fields (see the top of this module), prefixed with "c-2-"
#     c-1-0-kind ...      a group's operands
#
# Set operators associate to the left, so the AST's left spine is the operand list and a compound right
# operand is a group; a group first in a list means the same without its parentheses. form(AST) -> POST -> AST
# is the identity for every canonical query.

COMPOUND_ROOT = "c"
JOINS = (("UNION", "or"), ("INTERSECT", "and also"), ("EXCEPT", "but not"))
OPERAND_KINDS = (("segment", "a saved segment"), ("block", "an interaction block"), ("group", "a group ( … )"))
_JOIN_VALUES = tuple(value for value, _ in JOINS)
_OPERAND_KEY = re.compile(r"(c(?:-\d+)*)-(\d+)-kind")
_OPERAND_PATH = re.compile(r"c(?:-\d+)*")


@dataclass
class Operand:
    kind: str = "segment"  # "segment" | "block" | "group"
    join: str = "UNION"  # how it joins what comes before it; unused on the first operand of a list
    name: str = ""  # a segment operand's segment; "" until the user picks one (kept in the form, not the query)
    state: DesignerState | None = None  # a block operand's behavioral form
    operands: list[Operand] = dc_field(default_factory=list)  # a group's operands
    path: str = ""
    errors: list[str] = dc_field(default_factory=list)

    @property
    def prefix(self) -> str:
        return f"{self.path}-"


@dataclass
class CompoundState:
    root: Operand = dc_field(default_factory=lambda: Operand(kind="group", path=COMPOUND_ROOT))
    notices: list[str] = dc_field(default_factory=list)
    errors: list[str] = dc_field(default_factory=list)

    @property
    def operands(self) -> list[Operand]:
        return self.root.operands

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(op.errors or (op.state is not None and op.state.has_errors)
                                        for op in walk_operands(self.root))

    def blocks(self) -> list[DesignerState]:
        return [op.state for op in walk_operands(self.root) if op.kind == "block"]


def walk_operands(group: Operand):
    for operand in group.operands:
        yield operand
        if operand.kind == "group":
            yield from walk_operands(operand)


def renumber_operands(group: Operand) -> None:
    """Give every operand (and the rows of its inline block) the path of its place."""
    for index, operand in enumerate(group.operands):
        operand.path = f"{group.path}-{index}"
        if operand.kind == "group":
            renumber_operands(operand)
        elif operand.kind == "block" and operand.state is not None:
            operand.state.prefix = operand.prefix  # moved or new: its rows move with it
            operand.state.root.path = operand.prefix + ROOT
            renumber(operand.state.root)


def _new_operand(kind: str) -> Operand:
    if kind == "block":
        return Operand(kind="block", state=new_state())
    if kind == "group":
        return Operand(kind="group", operands=[Operand(), Operand()])
    return Operand()


def new_compound(names: tuple[str, ...] = ()) -> CompoundState:
    """A new compound query: two segment operands (pre-filled with `names`), joined by "or"."""
    state = CompoundState()
    state.root.operands = [Operand(name=names[0] if names else ""), Operand(name=names[1] if len(names) > 1 else "")]
    renumber_operands(state.root)
    return state


# --- POST -> compound state --------------------------------------------------------------------------------

def compound_from_post(data) -> CompoundState:
    get = _getter(data)
    kinds: dict[str, list[int]] = {}
    for key in _keys(data):
        match = _OPERAND_KEY.fullmatch(key)
        if match:
            kinds.setdefault(match.group(1), []).append(int(match.group(2)))
    state = CompoundState()
    state.root = _operands_from_post(COMPOUND_ROOT, get, data, kinds)
    return state


def _operands_from_post(path: str, get, data, kinds) -> Operand:
    group = Operand(kind="group", path=path)
    for index in sorted(set(kinds.get(path, ()))):
        child = f"{path}-{index}"
        kind = get(f"{child}-kind")
        join = get(f"{child}-join") if get(f"{child}-join") in _JOIN_VALUES else "UNION"
        if kind == "group":
            operand = _operands_from_post(child, get, data, kinds)
            operand.join = join
        elif kind == "block":
            operand = Operand(kind="block", join=join, path=child, state=state_from_post(data, f"{child}-"))
        else:
            operand = Operand(kind="segment", join=join, name=get(f"{child}-name").strip(), path=child)
        group.operands.append(operand)
    renumber_operands(group)
    return group


# --- AST -> compound state ---------------------------------------------------------------------------------

def compound_from_node(node) -> CompoundState:
    state = CompoundState()
    state.root.operands = _operands_from_node(node)
    renumber_operands(state.root)
    return state


def _operands_from_node(node) -> list[Operand]:
    if isinstance(node, SetOp):
        operands = _operands_from_node(node.left)
        right = _operand_from_node(node.right)
        right.join = node.op
        return [*operands, right]
    return [_operand_from_node(node)]


def _operand_from_node(node) -> Operand:
    if isinstance(node, SetOp):
        return Operand(kind="group", operands=_operands_from_node(node))
    if isinstance(node, Behavioral):
        return Operand(kind="block", state=state_from_node(node))
    return Operand(kind="segment", name=node.name)


# --- compound state -> POST and AST ------------------------------------------------------------------------

def compound_to_post(state: CompoundState) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    renumber_operands(state.root)
    for operand in walk_operands(state.root):
        data[f"{operand.path}-kind"] = [operand.kind]
        data[f"{operand.path}-join"] = [operand.join]
        if operand.kind == "segment":
            data[f"{operand.path}-name"] = [operand.name]
        elif operand.kind == "block":
            data.update(state_to_post(operand.state))
    return data


def node_from_compound(state: CompoundState):
    """The query the compound form describes; None when an operand has an error or nothing is chosen yet."""
    state.errors = []
    renumber_operands(state.root)
    node = _node_from_operands(state.root)
    if state.has_errors:
        return None
    if node is None:
        state.errors.append("Choose a segment or add an interaction block.")
        return None
    return parse(unparse(node))


def _node_from_operands(group: Operand):
    node = None
    for operand in group.operands:
        operand.errors = []
        if operand.kind == "group":
            child = _node_from_operands(operand)
            if child is None and operand.operands:
                operand.errors.append("this group has no finished operand yet")
        elif operand.kind == "block":
            child = node_from_state(operand.state)
        else:
            child = SegmentRef(operand.name) if operand.name else None
        if child is not None:
            node = child if node is None else SetOp(operand.join, node, child)
    return node


# --- structural edits --------------------------------------------------------------------------------------

def find_operand(state: CompoundState, path: str) -> tuple[Operand | None, int, Operand | None]:
    """(parent group, index, operand) at `path`; the root list has no parent."""
    if path == COMPOUND_ROOT:
        return None, -1, state.root
    if not _OPERAND_PATH.fullmatch(path):
        return None, -1, None
    parent, operand, index = None, state.root, -1
    for part in path.split("-")[1:]:
        if operand.kind != "group":
            return None, -1, None
        index = int(part)
        if index >= len(operand.operands):
            return None, -1, None
        parent, operand = operand, operand.operands[index]
    return parent, index, operand


def apply_compound_action(state: CompoundState, action: str) -> None:
    """An operand action ("op_add:c-1:block", "op_delete:c-0", "op_ungroup:c-2", "op_up:c-1") or a behavioral
    action inside an inline block ("add_clause:c-1-r-0", "toggle_filters:c-1-"), routed to that block."""
    name, _, arg = action.partition(":")
    if not name.startswith("op_"):
        target = re.match(r"(c(?:-\d+)+)-", arg)
        if target:
            _, _, operand = find_operand(state, target.group(1))
            if operand is not None and operand.kind == "block":
                apply_action(operand.state, action)
        return
    path, _, extra = arg.partition(":")
    parent, index, operand = find_operand(state, path)
    if operand is None:
        return
    if name == "op_add" and operand.kind == "group":
        operand.operands.append(_new_operand(extra if extra in dict(OPERAND_KINDS) else "segment"))
    elif name == "op_delete" and parent is not None:
        del parent.operands[index]
    elif name == "op_ungroup" and parent is not None and operand.kind == "group" and operand.operands:
        operand.operands[0].join = operand.join
        parent.operands[index:index + 1] = operand.operands
    elif name == "op_group" and parent is not None:  # put the operand into a group of its own
        parent.operands[index] = Operand(kind="group", join=operand.join, operands=[operand, Operand()])
        operand.join = "UNION"
    elif name in ("op_up", "op_down") and parent is not None:
        other = index - 1 if name == "op_up" else index + 1
        if 0 <= other < len(parent.operands):
            items = parent.operands  # an operand moves with its joiner, except into or out of the first place
            items[index], items[other] = items[other], items[index]
            if min(index, other) == 0:
                items[index].join, items[other].join = items[other].join, items[index].join
    renumber_operands(state.root)


# --- benchmark (python manage.py benchmark --sections designer) --------------------------------------------

BENCHMARK_QUERY = ("INTERACTION(EmailClicked, EmailClicked_ContactLink)"
                   ".FILTER(CustomerJourneyId == '5acc43d5-356e-e811-a960-000d3a1cae35' && "
                   "(City == 'Paris' || City == 'Rome' || NOT(State == 'X' && ISNULL(OriginalUrl))))"
                   ".HAVING(COUNT() >= 3, UTCDAYS(45))")


def benchmark_round_trip(repeat: int) -> list[tuple[str, float]]:
    """Median seconds, measured on the server against the current database, of the designer's sync steps for a
    query with restrictions and a nested group: (a) form post -> AST -> text, (b) text -> AST -> form, and
    (c) one whole htmx form action (add a clause) through the designer view, rendering included."""
    import statistics
    import time
    from types import SimpleNamespace

    from django.test import RequestFactory
    from django_htmx.middleware import HtmxDetails

    from .views import segment_new

    post = state_to_post(state_from_node(parse(BENCHMARK_QUERY)))
    flat = {key: values[-1] if len(values) == 1 else values for key, values in post.items()}

    def form_to_text():
        unparse(node_from_state(state_from_post(post)))

    def text_to_form():
        state_to_post(state_from_node(parse(BENCHMARK_QUERY)))

    user = SimpleNamespace(is_authenticated=True, is_active=True, is_superuser=True, is_staff=True, pk=None,
                           username="benchmark", _segment_roles=set())
    factory = RequestFactory()

    def page_action():
        request = factory.post("/segments/new/", {**flat, "action": "add_clause:r-1", "query_text": "",
                                                  "text_base": ""}, HTTP_HX_REQUEST="true")
        request.user = user
        request.htmx = HtmxDetails(request)
        response = segment_new(request)
        assert response.status_code == 200, response.status_code

    results = []
    for label, step in (("form post -> AST -> text", form_to_text), ("text -> AST -> form", text_to_form),
                        ("designer action (htmx POST, rendered)", page_action)):
        step()  # warm up (templates, catalog caches)
        times = []
        for _ in range(max(1, repeat)):
            started = time.perf_counter()
            step()
            times.append(time.perf_counter() - started)
        results.append((label, statistics.median(times)))
    return results
