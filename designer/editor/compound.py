"""The compound designer's form and the set-expression AST."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field

from segments.query import Behavioral, SegmentRef, SetOp, parse, unparse
from segments.query.nodes import Profile

from .actions import Action
from .behavioral import node_from_state, post_getter, state_from_node, state_from_post
from .edits import apply_action
from .profile import (
    ProfileState,
    apply_profile_action,
    new_profile,
    node_from_profile,
    profile_from_node,
    profile_from_post,
)
from .rows import DesignerState, new_state, renumber
from .vocabulary import JOINS, OPERAND_KINDS, ROOT

# The form of a compound query is a list of operands read left to right, each after the first joined to what
# comes before by UNION / INTERSECT / EXCEPT ("or", "and also", "but not"). An operand is a saved segment
# (picked by name), an inline behavioral block (the behavioral form of behavioral.py, its field names prefixed with the
# operand's path), an inline profile block (profile.py's form, prefixed likewise) or a group: a parenthesised
# operand list of its own. Field names carry the operand's path:
#
#     c-0-kind            "segment", "block", "profile" or "group"
#     c-1-join            how operand 1 joins what comes before it (UNION / INTERSECT / EXCEPT)
#     c-0-name            a segment operand's segment name
#     c-2-type, c-2-r-op  an inline block's fields prefixed with "c-2-" (a profile block's: c-2-entity, ...)
#     c-1-0-kind ...      a group's operands
#
# Set operators associate to the left, so the AST's left spine is the operand list and a compound right
# operand is a group; a group first in a list means the same without its parentheses. form(AST) -> POST -> AST
# is the identity for every canonical query.

COMPOUND_ROOT = "c"
_JOIN_VALUES = tuple(value for value, _ in JOINS)
_OPERAND_KEY = re.compile(r"(c(?:-\d+)*)-(\d+)-kind")
_OPERAND_PATH = re.compile(r"c(?:-\d+)*")


@dataclass
class Operand:
    kind: str = "segment"  # "segment" | "block" | "group" | "profile"
    join: str = "UNION"  # how it joins what comes before it; unused on the first operand of a list
    name: str = ""  # a segment operand's segment; "" until the user picks one (kept in the form, not the query)
    state: DesignerState | None = None  # a block operand's behavioral form
    operands: list[Operand] = dc_field(default_factory=list)  # a group's operands
    profile: ProfileState | None = None  # a profile operand's form
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
        return bool(self.errors) or any(op.errors or _form_errors(op) for op in walk_operands(self.root))

    def blocks(self) -> list[DesignerState]:
        return [op.state for op in walk_operands(self.root) if op.kind == "block"]

    def profiles(self) -> list[ProfileState]:
        return [op.profile for op in walk_operands(self.root) if op.kind == "profile"]


def _form_errors(operand: Operand) -> bool:
    """Whether the operand's inline form (behavioral or profile block) has errors of its own."""
    form = operand.state if operand.kind == "block" else operand.profile if operand.kind == "profile" else None
    return form is not None and form.has_errors


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
        elif operand.kind == "profile" and operand.profile is not None:
            operand.profile.move_to(operand.prefix)


def _new_operand(kind: str) -> Operand:
    if kind == "block":
        return Operand(kind="block", state=new_state())
    if kind == "group":
        return Operand(kind="group", operands=[Operand(), Operand()])
    if kind == "profile":
        return Operand(kind="profile", profile=new_profile())
    return Operand()


def new_compound(names: tuple[str, ...] = ()) -> CompoundState:
    """A new compound query: two segment operands (pre-filled with `names`), joined by "or"."""
    state = CompoundState()
    state.root.operands = [Operand(name=names[0] if names else ""), Operand(name=names[1] if len(names) > 1 else "")]
    renumber_operands(state.root)
    return state


# --- POST -> compound state --------------------------------------------------------------------------------

def compound_from_post(data) -> CompoundState:
    get = post_getter(data)
    kinds: dict[str, list[int]] = {}
    for key in list(data.keys()):
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
        elif kind == "profile":
            operand = Operand(kind="profile", join=join, path=child, profile=profile_from_post(data, f"{child}-"))
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
    if isinstance(node, Profile):
        return Operand(kind="profile", profile=profile_from_node(node))
    return Operand(kind="segment", name=node.name)


# --- compound state -> POST and AST ------------------------------------------------------------------------

EMPTY_COMPOUND = "Add a segment or a block."
CHOOSE_A_SEGMENT = "Choose a segment for this operand, or delete it."
GROUP_UNFINISHED = "this group has no finished operand yet"


def node_from_compound(state: CompoundState):
    """The query the compound form describes; None when an operand has an error or nothing is chosen yet."""
    state.errors = []
    renumber_operands(state.root)
    node = _node_from_operands(state.root)
    unchosen = [op for op in walk_operands(state.root) if op.errors in ([CHOOSE_A_SEGMENT], [GROUP_UNFINISHED])]
    if node is None and not any(op.errors for op in walk_operands(state.root) if op not in unchosen) \
            and not any(_form_errors(op) for op in walk_operands(state.root)):
        for operand in unchosen:  # nothing chosen yet anywhere: one hint for the whole query, no red operands
            operand.errors = []
        state.errors.append(EMPTY_COMPOUND)
        return None
    if state.has_errors:
        return None
    return parse(unparse(node))


def _node_from_operands(group: Operand):
    node = None
    for operand in group.operands:
        operand.errors = []
        if operand.kind == "group":
            child = _node_from_operands(operand)
            if child is None and operand.operands:
                operand.errors.append(GROUP_UNFINISHED)
        elif operand.kind == "block":
            child = node_from_state(operand.state)
        elif operand.kind == "profile":
            child = node_from_profile(operand.profile)
        else:
            child = SegmentRef(operand.name) if operand.name else None
            if child is None:  # an operand left on "(choose a segment)" is never silently left out of the query
                operand.errors.append(CHOOSE_A_SEGMENT)
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


def _op_add(parent, index, operand, extra):
    if operand.kind == "group":
        operand.operands.append(_new_operand(extra if extra in dict(OPERAND_KINDS) else "segment"))


def _op_delete(parent, index, operand, extra):
    if parent is not None:
        del parent.operands[index]


def _op_ungroup(parent, index, operand, extra):
    if parent is not None and operand.kind == "group" and operand.operands:
        operand.operands[0].join = operand.join
        parent.operands[index:index + 1] = operand.operands


def _op_group(parent, index, operand, extra):
    if parent is not None:  # put the operand into a group of its own
        parent.operands[index] = Operand(kind="group", join=operand.join, operands=[operand, Operand()])
        operand.join = "UNION"


def _move(step: int):
    def move(parent, index, operand, extra):
        other = index + step
        if parent is not None and 0 <= other < len(parent.operands):
            items = parent.operands  # an operand moves with its joiner, except into or out of the first place
            items[index], items[other] = items[other], items[index]
            if min(index, other) == 0:
                items[index].join, items[other].join = items[other].join, items[index].join
    return move


# Edits of the operand at the action's path: (parent group, index in it, operand, extra) -> None.
OPERAND_EDITS = {"op_add": _op_add, "op_delete": _op_delete, "op_ungroup": _op_ungroup, "op_group": _op_group,
                 "op_up": _move(-1), "op_down": _move(1)}
_BLOCK = re.compile(r"(c(?:-\d+)+)-")


def apply_compound_action(state: CompoundState, action: Action) -> None:
    """An operand action (op_add c-1 block, op_delete c-0, op_up c-1, ...) or a row action inside an inline
    behavioral or profile block (add_clause c-1-r-0, toggle_filters c-1-, delete c-2-t-r-0), routed to it."""
    edit = OPERAND_EDITS.get(action.verb)
    if edit is None:
        target = _BLOCK.match(action.path)
        if target:
            _, _, operand = find_operand(state, target.group(1))
            if operand is not None and operand.kind == "block":
                apply_action(operand.state, action)
            elif operand is not None and operand.kind == "profile":
                apply_profile_action(operand.profile, action)
        return
    parent, index, operand = find_operand(state, action.path)
    if operand is not None:
        edit(parent, index, operand, action.extra)
        renumber_operands(state.root)
