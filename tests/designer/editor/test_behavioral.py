"""The behavioral form <-> AST mapping of designer/editor: the filter row, restrictions, edits, menus.

The round trip through the rendered page is proven in tests/designer/test_round_trip.py."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from designer.editor.actions import Action
from designer.editor.behavioral import node_from_state, state_from_node, state_from_post
from designer.editor.edits import apply_action
from designer.editor.filters import FiltersForm
from designer.editor.vocabulary import IN, OPERATOR_LABELS
from interactions.catalog import OPERATORS, FieldKind
from segments.query import Clause, Group, Having, Window, parse, unparse

J = "5acc43d5-356e-e811-a960-000d3a1cae35"
K = "6bdd54e6-467f-f922-b071-111e4b2dbf46"
CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink)"
ONE = ".HAVING(COUNT() >= 1)"


def querydict(data: dict[str, list[str]]) -> QueryDict:
    result = QueryDict(mutable=True)
    for key, values in data.items():
        result.setlist(key, values)
    return result


def act(state, text):
    apply_action(state, Action.parse(text))


def state(**fields):
    data = {"type": "EmailClicked", "prev_type": "EmailClicked", "agg": "COUNT", "count_op": "atleast",
            "count_n": "1", "window": "all", "window_n": "30", "window_unit": "DAYS", "r-op": "AND"}
    data.update(fields)
    return state_from_post(data)


@pytest.mark.parametrize(("choice", "n", "op", "value"), [
    ("atleast", "3", ">=", 3),
    ("exactly", "2", "==", 2),
    ("morethan", "2", ">=", 3),  # "more than 2" is "at least 3", the canonical spelling
    ("atmost", "4", "<=", 4),
    ("none", "", "==", 0),
    ("fewer", "3", "<", 3),
    ("notexactly", "1", "!=", 1),
])
def test_the_count_choices_map_to_having(choice, n, op, value):
    node = node_from_state(state(count_op=choice, count_n=n))
    assert (node.having.aggregate, node.having.op, node.having.value) == ("COUNT", op, value)


def test_at_least_3_in_the_last_45_days():
    node = node_from_state(state(count_n="3", window="in_last", window_n="45", window_unit="DAYS"))
    assert node.having == Having("COUNT", None, ">=", 3, Window("DAYS", 45))


def test_aggregates_of_numeric_fields():
    node = node_from_state(state(type="SurveyResponse", prev_type="SurveyResponse", agg="AVG",
                                       agg_field="Score", count_op="morethan", count_n="7.5"))
    assert node.having == Having("AVG", "Score", ">", Decimal("7.5"), None)
    bad = state(type="SurveyResponse", prev_type="SurveyResponse", agg="SUM", agg_field="")
    assert node_from_state(bad) is None
    assert "numeric field" in bad.having_errors["agg_field"]


def test_filters_open_by_themselves_unless_at_least_one_lifetime():
    assert not state_from_node(parse(f"{CLICKED}{ONE}")).filters_open
    assert state_from_node(parse(f"{CLICKED}.HAVING(COUNT() >= 1, UTCDAYS(5))")).filters_open
    assert state_from_node(parse(f"{CLICKED}.HAVING(COUNT() >= 2)")).filters_open


def test_bad_numbers_are_field_errors():
    s = state(count_n="lots")
    assert node_from_state(s) is None and s.having_errors == {"count_n": "enter a number"}
    s = state(window="in_last", window_n="0")
    assert node_from_state(s) is None and "window" in s.having_errors["window_n"]


def test_a_non_guid_in_an_id_field_gets_the_validators_message():
    s = state(**{"r-0-kind": "clause", "r-0-field": "CustomerJourneyId", "r-0-op": "==", "r-0-value": "spring"})
    assert node_from_state(s) is None
    assert s.root.items[0].errors == ["'spring' is not a GUID"]


def test_a_bad_timestamp_gets_the_validators_message():
    s = state(**{"r-0-kind": "clause", "r-0-field": "Timestamp", "r-0-op": ">=", "r-0-value": "yesterday"})
    assert node_from_state(s) is None
    assert "ISO 8601" in s.root.items[0].errors[0]


@pytest.mark.parametrize("address", [
    f"https://org.crm.dynamics.com/main.aspx?appid=00001111-aaaa-2222-bbbb-3333cccc4444&pagetype=entityrecord"
    f"&etn=msdyncrm_customerjourney&id={J.upper()}",
    f"https://org.crm.dynamics.com/main.aspx?etn=msdyncrm_customerjourney&id=%7B{J}%7D&pagetype=entityrecord",
    f"http://127.0.0.1:8001/admin/interactions/customerjourney/{J}/change/",
    f"/records/CustomerJourney/{J}/",
])
def test_a_pasted_record_address_becomes_its_guid(address):
    s = state(**{"r-0-kind": "clause", "r-0-field": "CustomerJourneyId", "r-0-op": "==", "r-0-value": address})
    node = node_from_state(s)
    assert node.filter == Group("AND", (Clause("CustomerJourneyId", "==", (J,)),))
    assert s.root.items[0].values == [J]


def test_unfinished_rows_stay_in_the_form_but_not_in_the_query():
    s = state(**{"r-0-kind": "clause", "r-0-field": "", "r-1-kind": "group", "r-1-op": "OR",
                 "r-1-0-kind": "clause", "r-1-0-field": ""})
    assert node_from_state(s) == parse(f"{CLICKED}{ONE}")
    assert len(s.root.items) == 2


def test_is_one_of_keeps_its_values_and_takes_a_new_one_when_typed():
    data = querydict({"type": ["EmailClicked"], "r-op": ["AND"], "r-0-kind": ["clause"], "r-0-field": ["City"],
                      "r-0-op": ["IN"], "r-0-value": ["Paris", ""], "r-0-newvalue": [""]})
    node = node_from_state(state_from_post(data))
    assert node.filter.items == (Clause("City", "==", ("Paris", "")),)
    data.setlist("r-0-newvalue", ["Rome"])
    node = node_from_state(state_from_post(data))
    assert node.filter.items == (Clause("City", "==", ("Paris", "", "Rome")),)


def test_changing_the_type_keeps_shared_fields_and_says_which_were_dropped():
    s = state(type="EmailOpened", prev_type="EmailClicked", **{
        "r-0-kind": "clause", "r-0-field": "City", "r-0-op": "==", "r-0-value": "Paris",
        "r-1-kind": "clause", "r-1-field": "OriginalUrl", "r-1-op": "CONTAINS", "r-1-value": "pricing",
        "r-2-kind": "group", "r-2-op": "OR", "r-2-0-kind": "clause", "r-2-0-field": "LinkId", "r-2-0-op": "ISNULL"})
    node = node_from_state(s)
    assert unparse(node) == f"INTERACTION(EmailOpened, EmailOpened_ContactLink).FILTER(City == 'Paris'){ONE}"
    assert s.notices == ["Email opened has no Original URL, Link ID: those restrictions were dropped."]


def test_changing_the_type_drops_an_aggregate_over_a_missing_field():
    s = state(type="SurveyResponse", prev_type="LeadScoreBoost", agg="SUM", agg_field="BoostValue")
    assert node_from_state(s).having.aggregate == "COUNT"
    assert s.notices == ["Survey response has no Boost value to aggregate: "
                         "the filter now counts interactions instead of the sum of Boost value."]


def tree(text):
    return state_from_node(parse(text))


def test_add_clause_and_add_group():
    s = tree(f"{CLICKED}.FILTER(City == 'Paris'){ONE}")
    act(s, "add_group:r")
    act(s, "add_clause:r-1")
    assert [type(i).__name__ for i in s.root.items] == ["ClauseRow", "GroupRow"]
    assert [i.path for i in s.root.items[1].items] == ["r-1-0", "r-1-1"]


def test_delete_and_ungroup():
    s = tree(f"{CLICKED}.FILTER(City == 'Paris' && (State == 'X' || State == 'Y' && City == 'Z')){ONE}")
    act(s, "ungroup:r-1")
    assert unparse(node_from_state(s)) == (
        f"{CLICKED}.FILTER(City == 'Paris' && State == 'X' && (State == 'Y' && City == 'Z')){ONE}")
    act(s, "delete:r-0")
    assert unparse(node_from_state(s)).startswith(f"{CLICKED}.FILTER(State == 'X' && (")


def test_group_selected_makes_a_group_of_the_selected_siblings():
    s = state(**{f"r-{i}-kind": "clause" for i in range(3)},
              **{f"r-{i}-field": "City" for i in range(3)},
              **{"r-0-value": "A", "r-1-value": "B", "r-2-value": "C", "r-1-sel": "1", "r-2-sel": "1"})
    act(s, "group")
    assert unparse(node_from_state(s)) == f"{CLICKED}.FILTER(City == 'A' && (City == 'B' || City == 'C')){ONE}"


def test_group_with_nothing_selected_says_so():
    s = tree(f"{CLICKED}.FILTER(City == 'Paris'){ONE}")
    act(s, "group")
    assert "Select the rows" in s.notices[0]


def test_not_on_a_group():
    s = state(**{"r-0-kind": "group", "r-0-not": "1", "r-0-op": "OR", "r-0-0-kind": "clause", "r-0-0-field": "City",
                 "r-0-0-value": "Paris", "r-0-1-kind": "clause", "r-0-1-field": "City", "r-0-1-value": "Rome"})
    assert unparse(node_from_state(s)) == f"{CLICKED}.FILTER(NOT(City == 'Paris' || City == 'Rome')){ONE}"


def test_add_value_remove_value_and_pick():
    s = tree(f"{CLICKED}.FILTER(CustomerJourneyId == '{J}'){ONE}")
    act(s, "add_value:r-0")
    assert s.root.items[0].op == IN and s.root.items[0].values == [J]
    act(s, f"pick:r-0:{K}")
    assert node_from_state(s).filter.items[0] == Clause("CustomerJourneyId", "==", (J, K))
    act(s, "remove_value:r-0:0")
    assert node_from_state(s).filter.items[0] == Clause("CustomerJourneyId", "==", (K,))


def test_bad_paths_and_actions_are_ignored():
    s = tree(f"{CLICKED}.FILTER(City == 'Paris'){ONE}")
    for action in ("delete:r-9", "delete:x", "ungroup:r-0", "add_clause:r-0", "remove_value:r-0:x", "bogus",
                   "delete:r"):
        act(s, action)
    assert unparse(node_from_state(s)) == f"{CLICKED}.FILTER(City == 'Paris'){ONE}"


NUMBER_WORDS = ["equals", "does not equal", "is greater than", "is at least", "is less than", "is at most",
                "is one of", "contains data", "does not contain data"]


@pytest.mark.parametrize(("kind", "labels"), [
    (FieldKind.STRING, ["equals", "does not equal", "is one of", "contains", "begins with", "ends with",
                        "contains data", "does not contain data"]),
    (FieldKind.GUID, ["equals", "does not equal", "is one of", "contains data", "does not contain data"]),
    (FieldKind.NUMBER, NUMBER_WORDS),
    (FieldKind.INTEGER, NUMBER_WORDS),
    (FieldKind.DATETIME, ["equals", "does not equal", "is after", "is on or after", "is before", "is on or before",
                          "contains data", "does not contain data"]),
    (FieldKind.BOOLEAN, ["equals", "does not equal", "contains data", "does not contain data"]),
])
def test_operators_fit_the_field_kind_in_one_vocabulary_of_words(kind, labels):
    assert [label for _, label in OPERATOR_LABELS[kind]] == labels


def test_the_menus_offer_exactly_the_languages_operators():
    for kind in FieldKind:
        one_of = {IN} if kind not in (FieldKind.DATETIME, FieldKind.DATE, FieldKind.BOOLEAN) else set()
        assert {op for op, _ in OPERATOR_LABELS[kind]} == {*OPERATORS[kind], *one_of}


@pytest.mark.parametrize(("posted", "expected"), [
    ({}, {"aggregate": "COUNT", "count_op": "atleast", "count_n": "1", "window_n": "30", "window_unit": "DAYS"}),
    ({"agg": "MEDIAN", "count_op": "lots", "window_unit": "WEEKS", "window_n": " "},
     {"aggregate": "COUNT", "count_op": "atleast", "window_n": "30", "window_unit": "DAYS"}),
    ({"count_n": " 7 ", "window": "in_last", "filters_open": "1"}, {"count_n": "7", "windowed": True,
                                                                    "filters_open": True}),
    ({"count_n": ""}, {"count_n": ""}),  # given but empty: an error where the query is made, not the default
])
def test_the_filter_row_reads_leniently(posted, expected):
    values = FiltersForm.read(lambda name, default="": posted.get(name, default)).values()
    assert {name: values[name] for name in expected} == expected


def test_an_inline_blocks_filter_row_has_its_prefix():
    s = state_from_post({"c-1-type": "EmailClicked", "c-1-count_n": "4", "c-1-window": "in_last",
                         "c-1-window_unit": "YEARS", "count_n": "9"}, prefix="c-1-")
    assert (s.count_n, s.windowed, s.window_unit) == ("4", True, "YEARS")
