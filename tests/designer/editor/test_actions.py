"""A posted action is read once into an Action: verb, path and the rest (which may hold colons)."""

import pytest

from designer.editor.actions import Action


@pytest.mark.parametrize(("text", "action"), [
    ("add_clause:r-1", Action("add_clause", "r-1")),
    ("remove_value:r-0:2", Action("remove_value", "r-0", "2")),
    ("pick:r-0:https://org.example/main.aspx?etn=x&id=1", Action("pick", "r-0", "https://org.example/main.aspx?etn=x&id=1")),
    ("toggle_filters:c-1-", Action("toggle_filters", "c-1-")),
    ("group", Action("group")),
    ("", Action("update")),
    (None, Action("update")),
])
def test_actions_are_parsed_once_into_verb_path_and_extra(text, action):
    assert Action.parse(text) == action
