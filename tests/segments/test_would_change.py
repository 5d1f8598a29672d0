"""Saving what is already saved changes nothing: the designer reports it instead of writing a new version."""

import pytest

from segments.services import segment_create, segment_would_change

pytestmark = pytest.mark.django_db
TEXT = "INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1)"


@pytest.mark.parametrize(("query_text", "name", "description", "changed"), [
    (TEXT, "Clickers", "", False),
    (TEXT, "  Clickers ", "", False),  # the name is saved stripped
    (TEXT, "Clicked", "", True),
    (TEXT, "Clickers", "who clicked", True),
    (TEXT.replace(">= 1", ">= 2"), "Clickers", "", True),
])
def test_a_save_changes_the_segment_only_when_something_differs(query_text, name, description, changed):
    segment = segment_create(name="Clickers", query_text=TEXT)
    assert segment_would_change(segment=segment, query_text=query_text, name=name,
                                description=description) is changed
