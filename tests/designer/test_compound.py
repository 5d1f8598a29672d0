"""The compound designer: form <-> AST round trips, the operand actions, its Query view, and its lifecycle."""

import pytest
from django.urls import reverse

from designer import forms
from segments.models import Segment
from segments.query import SegmentRef, SetOp, parse, unparse
from segments.services import segment_create, segment_go_live

from .conftest import SPRING

CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink)"
OPENED = "INTERACTION(EmailOpened, EmailOpened_ContactLink)"
HX = {"HTTP_HX_REQUEST": "true"}
BLOCK = f"{CLICKED}.FILTER(City == 'Paris' && (City == 'Rome' || NOT(State == 'X'))).HAVING(COUNT() >= 2, UTCDAYS(45))"

COMPOUND = [
    "SEGMENT(a) EXCEPT SEGMENT(b)",
    "SEGMENT(a) UNION SEGMENT(b) INTERSECT SEGMENT(c) EXCEPT SEGMENT('d e')",
    f"SEGMENT(a) UNION {OPENED}.HAVING(COUNT() >= 1)",
    f"{BLOCK} EXCEPT SEGMENT(b)",
    "SEGMENT(a) EXCEPT (SEGMENT(b) UNION SEGMENT(c))",
    f"SEGMENT(a) INTERSECT (SEGMENT(b) EXCEPT ({BLOCK} UNION SEGMENT(c))) UNION SEGMENT(d)",
    f"SEGMENT(a) UNION ({OPENED}.HAVING(COUNT() == 0, UTCDAYS(90)) INTERSECT {BLOCK})",
    f"{BLOCK} INTERSECT {OPENED}.FILTER((CustomerJourneyId == '{SPRING}')).HAVING(COUNT() >= 1)",
]


def compound_post(**fields):
    data = {"compound": "1", "query_text": "", "text_base": "", "name": "", "description": "", "version": ""}
    data.update(fields)
    return data


def _post_of(text):
    return forms.compound_to_post(forms.compound_from_node(parse(text)))


# --- form <-> AST ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", COMPOUND)
def test_ast_to_form_to_post_to_ast_is_the_identity(text):
    node = parse(text)
    assert unparse(node) == text  # the cases are canonical
    back = forms.node_from_compound(forms.compound_from_post(_post_of(text)))
    assert back == node and unparse(back) == text


def test_the_form_is_an_operand_list_read_left_to_right_with_groups():
    state = forms.compound_from_node(parse(COMPOUND[5]))
    top = state.operands
    assert [(o.kind, o.join) for o in top] == [("segment", "UNION"), ("group", "INTERSECT"), ("segment", "UNION")]
    group = top[1]
    assert [(o.kind, o.join, o.path) for o in group.operands] == [("segment", "UNION", "c-1-0"),
                                                                  ("group", "EXCEPT", "c-1-1")]
    inner = group.operands[1].operands
    assert inner[0].kind == "block" and inner[0].state.prefix == "c-1-1-0-"
    assert inner[0].state.root.path == "c-1-1-0-r" and inner[0].state.root.items[1].path == "c-1-1-0-r-1"


def test_an_inline_block_uses_the_behavioral_form_with_a_prefix():
    post = _post_of(f"SEGMENT(a) UNION {BLOCK}")
    assert post["c-1-kind"] == ["block"] and post["c-1-type"] == ["EmailClicked"]
    assert post["c-1-r-0-field"] == ["City"] and post["c-1-r-1-kind"] == ["group"]
    assert post["c-1-r-1-1-not"] == ["1"] and post["c-1-window_n"] == ["45"]
    # the same function reads the behavioral designer's own (unprefixed) form
    own = forms.state_to_post(forms.state_from_node(parse(BLOCK)))
    assert own["r-0-field"] == ["City"] and forms.node_from_state(forms.state_from_post(own)) == parse(BLOCK)


def test_a_group_first_in_a_list_means_the_same_without_parentheses():
    data = {"c-0-kind": "group", "c-0-0-kind": "segment", "c-0-0-name": "a", "c-0-1-kind": "segment",
            "c-0-1-join": "UNION", "c-0-1-name": "b", "c-1-kind": "segment", "c-1-join": "EXCEPT", "c-1-name": "c"}
    node = forms.node_from_compound(forms.compound_from_post(data))
    assert unparse(node) == "SEGMENT(a) UNION SEGMENT(b) EXCEPT SEGMENT(c)"


def test_unfinished_operands_stay_in_the_form_but_not_in_the_query():
    data = {"c-0-kind": "segment", "c-0-name": "", "c-1-kind": "segment", "c-1-join": "EXCEPT", "c-1-name": "b",
            "c-2-kind": "segment", "c-2-join": "UNION", "c-2-name": "c"}
    state = forms.compound_from_post(data)
    assert unparse(forms.node_from_compound(state)) == "SEGMENT(b) UNION SEGMENT(c)"
    assert len(state.operands) == 3
    empty = forms.compound_from_post({"c-0-kind": "segment", "c-0-name": ""})
    assert forms.node_from_compound(empty) is None and empty.errors


def test_a_block_with_an_error_keeps_the_query_from_being_made():
    data = {**_post_of(f"SEGMENT(a) UNION {BLOCK}"), "c-1-count_n": ["x"]}
    state = forms.compound_from_post(data)
    assert forms.node_from_compound(state) is None and state.has_errors
    assert state.operands[1].state.having_errors["count_n"] == "enter a number"


@pytest.mark.parametrize(("action", "expected"), [
    ("op_add:c:segment", "SEGMENT(a) EXCEPT SEGMENT(b)"),  # a new, empty operand
    ("op_delete:c-0", "SEGMENT(b)"),
    ("op_up:c-1", "SEGMENT(b) EXCEPT SEGMENT(a)"),
    ("op_group:c-1", "SEGMENT(a) EXCEPT SEGMENT(b)"),  # a group of b and an empty operand
    ("op_add:c:block", f"SEGMENT(a) EXCEPT SEGMENT(b) UNION {CLICKED}.HAVING(COUNT() >= 1)"),
])
def test_operand_actions(action, expected):
    state = forms.compound_from_post(_post_of("SEGMENT(a) EXCEPT SEGMENT(b)"))
    forms.apply_compound_action(state, action)
    assert unparse(forms.node_from_compound(state)) == expected


def test_group_then_fill_then_ungroup():
    state = forms.compound_from_post(_post_of("SEGMENT(a) EXCEPT SEGMENT(b)"))
    forms.apply_compound_action(state, "op_group:c-1")
    data = forms.compound_to_post(state)
    data.update({"c-1-1-name": ["c"], "c-1-1-join": ["UNION"]})
    state = forms.compound_from_post(data)
    assert unparse(forms.node_from_compound(state)) == "SEGMENT(a) EXCEPT (SEGMENT(b) UNION SEGMENT(c))"
    forms.apply_compound_action(state, "op_ungroup:c-1")
    assert unparse(forms.node_from_compound(state)) == "SEGMENT(a) EXCEPT SEGMENT(b) UNION SEGMENT(c)"


def test_behavioral_actions_are_routed_to_their_inline_block():
    state = forms.compound_from_post(_post_of(f"SEGMENT(a) UNION (SEGMENT(b) EXCEPT {BLOCK})"))
    forms.apply_compound_action(state, "delete:c-1-1-r-1")
    forms.apply_compound_action(state, "toggle_filters:c-1-1-")
    block = state.operands[1].operands[1].state
    assert block.root.items[0].field == "City" and len(block.root.items) == 1 and not block.filters_open
    node = forms.node_from_compound(state)
    assert isinstance(node, SetOp) and isinstance(node.left, SegmentRef)
    assert ".FILTER(City == 'Paris')" in unparse(node)


def test_moving_a_block_moves_its_rows_names():
    state = forms.compound_from_post(_post_of(f"{BLOCK} UNION SEGMENT(a)"))
    forms.apply_compound_action(state, "op_down:c-0")
    post = forms.compound_to_post(state)
    assert "c-1-r-0-field" in post and not any(key.startswith("c-0-r") for key in post)
    assert unparse(forms.node_from_compound(forms.compound_from_post(post))) == f"SEGMENT(a) UNION {BLOCK}"


def test_paths_of_inline_blocks_are_valid_lookup_paths():
    assert forms.valid_path("c-1-0-r-2") and forms.valid_path("r-0") and not forms.valid_path("c-r-0")
    assert not forms.valid_path('c-1-r-0"><script>')


# --- the views -----------------------------------------------------------------------------------------------


@pytest.fixture
def two(demo, user):
    a = segment_create(name="Spring clickers", query_text=f"{CLICKED}.FILTER(CustomerJourneyId == '{SPRING}')"
                       ".HAVING(COUNT() >= 1)", owner=user)  # Ada, Grace
    b = segment_create(name="Parisians", query_text=f"{CLICKED}.FILTER(City == 'Paris').HAVING(COUNT() >= 1)")  # Ada
    return a, b


@pytest.mark.django_db
def test_the_list_offers_a_new_compound_segment(signed_in, two):
    html = signed_in.get("/").content.decode()
    assert f'href="{reverse("segment-new")}?kind=compound"' in html and "New compound segment" in html


@pytest.mark.django_db
def test_the_new_compound_page_has_two_segment_operands(signed_in, two):
    html = signed_in.get(reverse("segment-new"), {"kind": "compound"}).content.decode()
    assert "New compound segment" in html and 'name="compound" value="1"' in html
    assert 'id="c-0-name"' in html and 'id="c-1-join"' in html and "but not" in html and "and also" in html
    assert '<option value="Parisians"' in html and 'id="type"' not in html


@pytest.mark.django_db
def test_a_compound_form_change_answers_with_the_block_and_the_text(signed_in, two):
    data = compound_post(**{"c-0-kind": "segment", "c-0-name": "Spring clickers", "c-1-kind": "segment",
                            "c-1-join": "EXCEPT", "c-1-name": "Parisians"})
    response = signed_in.post(reverse("segment-new"), data, **HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="block"') and response["HX-Trigger"] == "queryChanged"
    assert "SEGMENT(&#x27;Spring clickers&#x27;)\nEXCEPT\nSEGMENT(Parisians)</textarea>" in html


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [True, False])
def test_adding_an_inline_block_and_a_clause_in_it(signed_in, two, htmx):
    extra = HX if htmx else {}
    data = compound_post(**{"c-0-kind": "segment", "c-0-name": "Parisians", "action": "op_add:c:block"})
    html = signed_in.post(reverse("segment-new"), data, **extra).content.decode()
    assert 'id="c-1-type"' in html and 'name="c-1-r-op"' in html and 'id="c-1-r-add-clause"' in html
    data.update({"c-1-kind": "block", "c-1-join": "INTERSECT", "c-1-type": "EmailOpened",
                 "c-1-prev_type": "EmailOpened", "c-1-agg": "COUNT", "c-1-count_op": "atleast", "c-1-count_n": "2",
                 "c-1-window": "all",
                 "c-1-r-op": "AND", "action": "add_clause:c-1-r"})
    html = signed_in.post(reverse("segment-new"), data, **extra).content.decode()
    assert 'name="c-1-r-0-kind" value="clause"' in html
    data.update({"c-1-r-0-kind": "clause", "c-1-r-0-field": "CustomerJourneyId", "c-1-r-0-op": "==",
                 "c-1-r-0-value": SPRING, "action": "update"})
    html = signed_in.post(reverse("segment-new"), data, **extra).content.decode()
    html = html.replace("&#x27;", "'").replace("&gt;", ">")
    assert (f"SEGMENT(Parisians)\nINTERSECT\n{OPENED}\n    .FILTER(CustomerJourneyId == '{SPRING}')\n"
            "    .HAVING(COUNT() >= 2)") in html
    assert "Spring launch journey" in html  # the inline block's ID field shows the record name


@pytest.mark.django_db
def test_compound_text_re_renders_the_compound_form(signed_in, two):
    text = "SEGMENT('Spring clickers') EXCEPT (SEGMENT(Parisians) UNION SEGMENT(Parisians))"
    html = signed_in.post(reverse("segment-new"), compound_post(action="text", query_text=text), **HX).content.decode()
    assert html.lstrip().startswith('<div id="query-error"') and 'hx-swap-oob="true"' in html
    assert 'name="c-1-kind" value="group"' in html and 'name="c-1-1-name"' in html


@pytest.mark.django_db
def test_compound_text_in_the_behavioral_designer_switches_to_the_compound_form(signed_in, two):
    data = {"type": "EmailClicked", "r-op": "AND", "action": "text", "query_text": "SEGMENT(Parisians) UNION "
            "SEGMENT('Spring clickers')"}
    html = signed_in.post(reverse("segment-new"), data, **HX).content.decode()
    assert 'name="compound" value="1"' in html and 'name="c-1-name"' in html


@pytest.mark.django_db
def test_bad_compound_text_shows_the_error_and_keeps_the_form(signed_in, two):
    data = compound_post(action="text", query_text="SEGMENT(Nope) UNION SEGMENT(Parisians)",
                         **{"c-0-kind": "segment", "c-0-name": "Parisians"})
    html = signed_in.post(reverse("segment-new"), data, **HX).content.decode()
    assert "Nope" in html and 'class="error"' in html and 'id="block"' not in html


@pytest.mark.django_db
def test_save_a_compound_segment_and_reopen_it(signed_in, two, django_capture_on_commit_callbacks):
    data = compound_post(action="golive", name="Spring, not Paris",
                         **{"c-0-kind": "segment", "c-0-name": "Spring clickers", "c-1-kind": "segment",
                            "c-1-join": "EXCEPT", "c-1-name": "Parisians"})
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(reverse("segment-new"), data)
    segment = Segment.objects.get(name="Spring, not Paris")
    assert response.status_code == 302 and segment.kind == "compound"
    assert segment.query == "SEGMENT('Spring clickers') EXCEPT SEGMENT(Parisians)"
    assert segment.state == "live" and segment.member_count == 1  # Grace
    html = signed_in.get(reverse("segment-detail", args=[segment.pk])).content.decode()
    assert '<option value="Parisians" selected>' in html and '<option value="EXCEPT" selected>' in html
    assert '<option value="Spring, not Paris"' not in html  # a segment cannot use itself


@pytest.mark.django_db
def test_a_compound_segment_with_one_block_keeps_the_compound_designer(signed_in, two):
    compound = segment_create(name="C", query_text="SEGMENT(Parisians) UNION SEGMENT(Parisians)")
    data = compound_post(action="text", query_text=f"{OPENED}.HAVING(COUNT() >= 1)")
    html = signed_in.post(reverse("segment-detail", args=[compound.pk]), data, **HX).content.decode()
    assert 'name="c-0-kind" value="block"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("verb", ["stop", "delete_segment"])
def test_stopping_or_deleting_a_segment_a_live_compound_uses_is_refused_with_its_name(
        signed_in, two, verb, django_capture_on_commit_callbacks):
    a, _ = two
    with django_capture_on_commit_callbacks(execute=True):
        segment_go_live(segment=a)
        user = segment_create(name="Users of spring", query_text="SEGMENT('Spring clickers') UNION SEGMENT(Parisians)")
        segment_go_live(segment=user)
    data = {"action": verb, "name": a.name, "version": str(a.version), "type": "EmailClicked", "r-op": "AND"}
    response = signed_in.post(reverse("segment-detail", args=[a.pk]), data)
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="failure"' in html
    word = "stopped" if verb == "stop" else "deleted"
    assert f"&#x27;Spring clickers&#x27; cannot be {word}" in html and "Users of spring" in html
    a.refresh_from_db()
    assert a.state == "live"
