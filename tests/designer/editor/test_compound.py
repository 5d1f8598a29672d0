"""The compound form <-> AST mapping of designer/editor: operand lists, groups, inline blocks, operand edits.

The round trip through the rendered page is proven in tests/designer/test_round_trip.py."""

import pytest

from designer.editor.actions import Action
from designer.editor.compound import (
    CHOOSE_A_SEGMENT,
    apply_compound_action,
    compound_from_node,
    compound_from_post,
    node_from_compound,
    walk_operands,
)
from designer.editor.rows import valid_path
from segments.query import SegmentRef, SetOp, parse, unparse

CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink)"
OPENED = "INTERACTION(EmailOpened, EmailOpened_ContactLink)"
BLOCK = f"{CLICKED}.FILTER(City == 'Paris' && (City == 'Rome' || NOT(State == 'X'))).HAVING(COUNT() >= 2, UTCDAYS(45))"
COMPOUND_WITH_GROUPS = f"SEGMENT(a) INTERSECT (SEGMENT(b) EXCEPT ({BLOCK} UNION SEGMENT(c))) UNION SEGMENT(d)"


def act(state, text):
    apply_compound_action(state, Action.parse(text))


def test_the_form_is_an_operand_list_read_left_to_right_with_groups():
    state = compound_from_node(parse(COMPOUND_WITH_GROUPS))
    top = state.operands
    assert [(o.kind, o.join) for o in top] == [("segment", "UNION"), ("group", "INTERSECT"), ("segment", "UNION")]
    group = top[1]
    assert [(o.kind, o.join, o.path) for o in group.operands] == [("segment", "UNION", "c-1-0"),
                                                                  ("group", "EXCEPT", "c-1-1")]
    inner = group.operands[1].operands
    assert inner[0].kind == "block" and inner[0].state.prefix == "c-1-1-0-"
    assert inner[0].state.root.path == "c-1-1-0-r" and inner[0].state.root.items[1].path == "c-1-1-0-r-1"


def test_a_group_first_in_a_list_means_the_same_without_parentheses():
    data = {"c-0-kind": "group", "c-0-0-kind": "segment", "c-0-0-name": "a", "c-0-1-kind": "segment",
            "c-0-1-join": "UNION", "c-0-1-name": "b", "c-1-kind": "segment", "c-1-join": "EXCEPT", "c-1-name": "c"}
    node = node_from_compound(compound_from_post(data))
    assert unparse(node) == "SEGMENT(a) UNION SEGMENT(b) EXCEPT SEGMENT(c)"


def test_an_operand_left_on_choose_a_segment_is_an_error_there_never_dropped():
    data = {"c-0-kind": "segment", "c-0-name": "", "c-1-kind": "segment", "c-1-join": "EXCEPT", "c-1-name": "b",
            "c-2-kind": "segment", "c-2-join": "UNION", "c-2-name": "c"}
    state = compound_from_post(data)
    assert node_from_compound(state) is None  # not "SEGMENT(b) UNION SEGMENT(c)": that would mean something else
    assert len(state.operands) == 3
    assert [op.errors for op in state.operands] == [[CHOOSE_A_SEGMENT], [], []]
    assert state.errors == []


@pytest.mark.parametrize("data", [
    {"c-0-kind": "segment", "c-0-name": ""},
    {"c-0-kind": "segment", "c-0-name": "", "c-1-kind": "segment", "c-1-join": "UNION", "c-1-name": ""},
    {"c-0-kind": "group", "c-0-0-kind": "segment", "c-0-0-name": ""},
])
def test_a_compound_with_nothing_chosen_says_add_a_segment_or_a_block_once(data):
    state = compound_from_post(data)
    assert node_from_compound(state) is None
    assert state.errors == ["Add a segment or a block."]
    assert not any(op.errors for op in walk_operands(state.root))  # no operand is shown as wrong


@pytest.mark.parametrize(("action", "expected"), [
    ("op_delete:c-0", "SEGMENT(b)"),
    ("op_up:c-1", "SEGMENT(b) EXCEPT SEGMENT(a)"),
    ("op_add:c:block", f"SEGMENT(a) EXCEPT SEGMENT(b) UNION {CLICKED}.HAVING(COUNT() >= 1)"),
])
def test_operand_actions(action, expected):
    state = compound_from_node(parse("SEGMENT(a) EXCEPT SEGMENT(b)"))
    act(state, action)
    assert unparse(node_from_compound(state)) == expected


@pytest.mark.parametrize(("action", "empty"), [
    ("op_add:c:segment", "c-2"),  # a new operand on "(choose a segment)"
    ("op_group:c-1", "c-1-1"),  # a group of b and a new, empty operand
])
def test_a_new_empty_operand_waits_for_its_segment(action, empty):
    state = compound_from_node(parse("SEGMENT(a) EXCEPT SEGMENT(b)"))
    act(state, action)
    assert node_from_compound(state) is None
    assert {op.path: op.errors for op in walk_operands(state.root) if op.errors} == {empty: [CHOOSE_A_SEGMENT]}


def test_group_then_fill_then_ungroup():
    state = compound_from_node(parse("SEGMENT(a) EXCEPT SEGMENT(b)"))
    act(state, "op_group:c-1")
    filled = state.operands[1].operands[1]
    assert (filled.kind, filled.name, filled.join, filled.path) == ("segment", "", "UNION", "c-1-1")
    filled.name = "c"
    assert unparse(node_from_compound(state)) == "SEGMENT(a) EXCEPT (SEGMENT(b) UNION SEGMENT(c))"
    act(state, "op_ungroup:c-1")
    assert unparse(node_from_compound(state)) == "SEGMENT(a) EXCEPT SEGMENT(b) UNION SEGMENT(c)"


def test_behavioral_actions_are_routed_to_their_inline_block():
    state = compound_from_node(parse(f"SEGMENT(a) UNION (SEGMENT(b) EXCEPT {BLOCK})"))
    act(state, "delete:c-1-1-r-1")
    act(state, "toggle_filters:c-1-1-")
    block = state.operands[1].operands[1].state
    assert block.root.items[0].field == "City" and len(block.root.items) == 1 and not block.filters_open
    node = node_from_compound(state)
    assert isinstance(node, SetOp) and isinstance(node.left, SegmentRef)
    assert ".FILTER(City == 'Paris')" in unparse(node)


def test_moving_a_block_moves_its_rows_paths():
    state = compound_from_node(parse(f"{BLOCK} UNION SEGMENT(a)"))
    act(state, "op_down:c-0")
    block = state.operands[1].state
    assert block.prefix == "c-1-" and block.root.path == "c-1-r"
    assert [row.path for row in block.root.items] == ["c-1-r-0", "c-1-r-1"]
    assert unparse(node_from_compound(state)) == f"SEGMENT(a) UNION {BLOCK}"


def test_paths_of_inline_blocks_are_valid_lookup_paths():
    assert valid_path("c-1-0-r-2") and valid_path("r-0") and not valid_path("c-r-0")
    assert not valid_path('c-1-r-0"><script>')
