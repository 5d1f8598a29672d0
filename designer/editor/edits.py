"""Structural edits of the behavioral form: what its buttons do to the state, one function per verb."""

from __future__ import annotations

from .actions import Action
from .behavioral import extract_guid
from .rows import ClauseRow, DesignerState, GroupRow, find, renumber, walk
from .vocabulary import IN, VALUELESS


def _add_clause(parent, index, row, extra):
    if isinstance(row, GroupRow):
        row.items.append(ClauseRow())


def _add_group(parent, index, row, extra):
    if isinstance(row, GroupRow):
        row.items.append(GroupRow(items=[ClauseRow()]))


def _delete(parent, index, row, extra):
    if parent is not None:
        del parent.items[index]


def _ungroup(parent, index, row, extra):
    if parent is not None and isinstance(row, GroupRow):
        parent.items[index:index + 1] = row.items


def _add_value(parent, index, row, extra):
    if isinstance(row, ClauseRow):
        row.op = IN  # the form then shows one more, empty, value box


def _remove_value(parent, index, row, extra):
    if isinstance(row, ClauseRow) and extra.isdigit():
        position = int(extra)
        if position < len(row.values) and len(row.values) > 1:
            del row.values[position]


def _pick(parent, index, row, extra):
    if not isinstance(row, ClauseRow):
        return
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


# Edits of the row at the action's path: (parent group, index in it, row, extra) -> None.
ROW_EDITS = {"add_clause": _add_clause, "add_group": _add_group, "delete": _delete, "ungroup": _ungroup,
             "add_value": _add_value, "remove_value": _remove_value, "pick": _pick}


def _toggle_filters(state: DesignerState) -> None:
    state.filters_open = not state.filters_open


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


# Edits of the whole form, whatever the path.
STATE_EDITS = {"toggle_filters": _toggle_filters, "group": group_selected}
EDIT_VERBS = frozenset((*ROW_EDITS, *STATE_EDITS))


def apply_action(state: DesignerState, action: Action) -> None:
    """Apply a form button's action (add_clause r-1, delete r-0, group, ...) to the state; others change nothing."""
    if action.verb in STATE_EDITS:
        STATE_EDITS[action.verb](state)
        return
    edit = ROW_EDITS.get(action.verb)
    if edit is None:
        return
    parent, index, row = find(state, action.path)
    if row is not None:
        edit(parent, index, row, action.extra)
        renumber(state.root)
