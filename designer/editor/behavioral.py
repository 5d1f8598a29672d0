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
field); the page renders a state as form fields. form(AST) -> POST -> AST is the identity for every
canonical behavioral query.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qs, unquote, urlsplit

from interactions.catalog import Field, FieldKind, InteractionType, interaction_type
from segments.query import Behavioral, Clause, Group, Having, QueryError, Window, parse, unparse, validate
from segments.query.nodes import MAX_GROUP_DEPTH
from segments.query.printer import value_text
from segments.query.validator import value_problem

from .filters import FiltersForm
from .rows import ClauseRow, DesignerState, GroupRow, renumber
from .vocabulary import AGGREGATES, DEFAULT_TYPE, IN, OPERATOR_LABELS, ROOT, VALUELESS

_OP_OF = {"atleast": ">=", "exactly": "==", "morethan": ">", "atmost": "<=", "fewer": "<", "notexactly": "!="}
_CHOICE_OF = {v: k for k, v in _OP_OF.items()}
_KEY = re.compile(r"(r(?:-\d+)*)-(\d+)-kind")
_GUID = re.compile(r"\{?([0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})\}?")
_INTEGER = re.compile(r"[+-]?\d+")
MAX_FORM_DEPTH = MAX_GROUP_DEPTH  # nested groups a posted form may hold, as the query text may


# --- POST -> state ---------------------------------------------------------------------------------------


def state_from_post(data, prefix: str = "") -> DesignerState:
    """The state the posted form describes (`data` is a QueryDict or a dict of str / list values).

    `prefix` starts every field name of an inline block of a compound query ("c-1-type", "c-1-r-0-field").
    """
    raw = post_getter(data)

    def get(key, default=""):
        return raw(prefix + key, default)

    state = DesignerState(prefix=prefix)
    itype = interaction_type(get("type")) or interaction_type(DEFAULT_TYPE)
    state.type = itype.name
    for name, value in FiltersForm.read(raw, prefix).values().items():
        setattr(state, name, value)
    state.root = tree_from_post(data, prefix)
    previous = interaction_type(get("prev_type"))
    if previous is not None and previous.name != itype.name:
        change_type(state, itype, previous=previous)
    return state


def post_getter(data):
    def get(key, default=""):
        value = data.get(key, default)
        if isinstance(value, list | tuple):
            value = value[-1] if value else default
        return value if isinstance(value, str) else default
    return get



def _getlist(data, key) -> list[str]:
    if hasattr(data, "getlist"):
        return data.getlist(key)
    value = data.get(key)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _clause_row(path: str, get, values: list[str]) -> ClauseRow:
    return ClauseRow(field=get(f"{path}-field"), op=get(f"{path}-op") or "==", values=values,
                     selected=bool(get(f"{path}-sel")), lookup=get(f"{path}-q"), path=path)


def tree_from_post(data, prefix: str, make_row=_clause_row) -> GroupRow:
    """The restriction tree whose rows' names start with `prefix` + "r"; `make_row(path, get, values)` reads
    one clause row (the profile form's rows carry more than a behavioral block's)."""
    get = post_getter(data)
    kinds: dict[str, list[int]] = {}
    for key in list(data.keys()):
        match = _KEY.fullmatch(key[len(prefix):]) if key.startswith(prefix) else None
        if match:
            kinds.setdefault(prefix + match.group(1), []).append(int(match.group(2)))
    root = _group_from_post(prefix + ROOT, get, data, kinds, make_row)
    root.negated = False
    return root


def _group_from_post(path, get, data, kinds, make_row, depth: int = 0) -> GroupRow:
    group = GroupRow(op="OR" if get(f"{path}-op") == "OR" else "AND", negated=bool(get(f"{path}-not")),
                     selected=bool(get(f"{path}-sel")), path=path)
    for index in sorted(set(kinds.get(path, ()))):
        child = f"{path}-{index}"
        if get(f"{child}-kind") == "group" and depth >= MAX_FORM_DEPTH:
            # Only a hand-made post nests this deep; reading it on would exhaust the stack in printing.
            group.items.append(ClauseRow(path=child, errors=[
                f"the groups nest too deeply (more than {MAX_FORM_DEPTH} levels): ungroup some"]))
        elif get(f"{child}-kind") == "group":
            group.items.append(_group_from_post(child, get, data, kinds, make_row, depth + 1))
        else:
            values = _getlist(data, f"{child}-value")
            values += [v for v in _getlist(data, f"{child}-newvalue") if v.strip()]  # "is one of": one more value
            group.items.append(make_row(child, get, values or [""]))
    renumber(group)
    return group


def change_type(state: DesignerState, itype: InteractionType, *, previous: InteractionType | None = None) -> None:
    """Switch to `itype`, keeping the restrictions whose fields it also has; say which were dropped and what
    happened to an aggregate whose field the new type lacks."""
    old = previous or state.itype
    dropped: list[str] = []

    def shown(name: str) -> str:
        fld = old.field(name)
        return fld.display_name if fld else name

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
            elif shown(item.field) not in dropped:
                dropped.append(shown(item.field))
        group.items = kept

    prune(state.root)
    renumber(state.root)
    if dropped:
        names = ", ".join(dropped)
        state.notices.append(f"{itype.display_name} has no {names}: "
                             f"{'that restriction was' if len(dropped) == 1 else 'those restrictions were'} dropped.")
    if state.aggregate != "COUNT":
        fld = itype.field(state.agg_field) if state.agg_field else None
        if fld is None or not fld.kind.is_numeric:
            of = dict(AGGREGATES)[state.aggregate]
            what = f"{of} {shown(state.agg_field)}" if state.agg_field else of.removesuffix(" of")
            state.notices.append(f"{itype.display_name} has no {shown(state.agg_field) or 'numeric field'} "
                                 f"to aggregate: the filter now counts interactions instead of the {what}.")
            state.aggregate, state.agg_field = "COUNT", ""
    state.type = itype.name


# --- AST -> state ----------------------------------------------------------------------------------------


def state_from_node(node: Behavioral, prefix: str = "") -> DesignerState:
    having = node.having
    state = DesignerState(type=node.type, aggregate=having.aggregate, agg_field=having.field or "", prefix=prefix)
    if having.aggregate == "COUNT" and having.op == "==" and having.value == 0:
        state.count_op, state.count_n = "none", "0"
    else:
        state.count_op = _CHOICE_OF[having.op]
        state.count_n = value_text(having.value)
    if having.window is not None:
        state.windowed = True
        state.window_n = str(having.window.n)
        state.window_unit = having.window.unit
    if node.filter is not None:
        state.root = tree_from_node(node.filter, prefix + ROOT)
    state.filters_open = not state.is_default_having
    return state


def value_shown(value) -> str:
    """A value as its form field shows it: text as typed, numbers and booleans as the Query view prints them."""
    return value if isinstance(value, str) else value_text(value)


def _row_from_clause(item: Clause, path: str) -> ClauseRow:
    op = IN if len(item.values) > 1 else item.op
    values = [value_shown(v) for v in item.values] or [""]
    return ClauseRow(field=item.field, op=op, values=values, path=path)


def tree_from_node(group: Group, path: str, make_row=_row_from_clause) -> GroupRow:
    """The rows of a FILTER's group; `make_row(condition, path)` makes the row of each condition that is no group."""
    row = GroupRow(op=group.op, negated=group.negated, path=path)
    for index, item in enumerate(group.items):
        child = f"{path}-{index}"
        if isinstance(item, Group):
            row.items.append(tree_from_node(item, child, make_row))
        else:
            row.items.append(make_row(item, child))
    return row


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


def parse_number(text: str) -> int | Decimal | None:
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
        value = parse_number(text)
        if value is None:
            return None, f"{fld.display_name} is a number: {text!r} is not one" if text.strip() else "enter a number"
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
    row.incomplete = False
    if not row.field:
        return None  # unfinished; its errors are only those it was read with (a form nesting too deeply)
    row.errors = []
    fld = itype.field(row.field)
    if fld is None:
        row.errors.append(f"{itype.display_name} has no field {row.field}")
        return None
    row.field = fld.name
    allowed = [op for op, _ in OPERATOR_LABELS[fld.kind]] + [IN]  # a query's list of instants keeps its values
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
        row.incomplete = not any(text.strip() for text in texts)
        return None
    if fld.kind is FieldKind.GUID:  # show the extracted GUID, not the pasted address
        row.values = [str(v) for v in values]
    problems = [p for p in (value_problem(fld, v, name=fld.display_name) for v in values) if p]
    if problems:  # in the marketer's words: the row shows the field's display name
        row.errors.extend(problems)
        return None
    clause = Clause(fld.name, "==" if row.op == IN else row.op, tuple(values))
    try:  # the query validator's own message for a bad value (a non-GUID, a malformed timestamp, ...)
        validate(Behavioral(itype.name, Group("AND", (clause,)), Having("COUNT", None, ">=", 1, None)))
    except QueryError as error:
        row.errors.append(error.message)
        return None
    return clause


def tree_node(group: GroupRow, clause_node) -> Group | None:
    """The group the rows describe, leaving out unfinished rows; `clause_node(row)` makes each clause (or None,
    setting row.errors). None when no row is finished."""
    items = []
    for item in group.items:
        node = tree_node(item, clause_node) if isinstance(item, GroupRow) else clause_node(item)
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
        value = parse_number(state.count_n)
        if value is None:
            errors["count_n"] = "enter a number"
        elif state.aggregate == "COUNT" and (not isinstance(value, int) or value < 0):
            errors["count_n"] = "a count is a whole number, 0 or more"
        elif state.aggregate == "COUNT" and op == ">":
            op, value = ">=", value + 1  # "more than N" counts at least N+1 (the canonical spelling)
    window = None
    if state.windowed:
        n = parse_number(state.window_n)
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
    root = tree_node(state.root, lambda row: _clause_node(row, itype))
    if having is None or state.has_errors:
        return None
    if root is not None:
        root = Group(root.op, root.items, False)
    node = Behavioral(itype.name, root, having)
    # Print and read back: the parser's normal form (GUIDs in lower case, a lone clause, ...) is the canonical one.
    return parse(unparse(node))


