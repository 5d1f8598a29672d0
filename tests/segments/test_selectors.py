"""The one CSV writer (streamed lines, formula cells written as text) and finding the contacts a person means."""

from uuid import UUID

import pytest

from interactions.models import Contact
from segments.selectors import csv_lines, find_contacts


@pytest.mark.parametrize(("cell", "written"), [
    ("=HYPERLINK(\"http://x\",\"click\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\""),
    ("+1 555", "'+1 555"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("Ada Lovelace", "Ada Lovelace"), ("a=b", "a=b"), (-1, "-1"), ("", "\"\""),
])
def test_formula_cells_are_written_as_text(cell, written):
    assert list(csv_lines(["Name"], [[cell]])) == ["Name\n", f"{written}\n"]


PEOPLE = [("Ada Lovelace", "ada@example.com"), ("Ada Byron", "byron@example.com"),
          ("Grace Hopper", "grace@example.com"), ("Adam Smith", "ADA@example.org")]


@pytest.mark.django_db
@pytest.mark.parametrize(("typed", "found"), [
    ("Ada", ["Ada Byron", "Ada Lovelace", "Adam Smith"]),  # several: the person chooses, by name
    ("ada@example.com", ["Ada Lovelace"]),                   # an exact email is one contact, case aside
    ("ADA@EXAMPLE.ORG", ["Adam Smith"]),
    ("hopper", ["Grace Hopper"]),
    ("00000000-0000-0000-0000-000000000002", ["Ada Byron"]),  # a ContactId
    ("{00000000-0000-0000-0000-000000000009}", []),
    ("nobody", []), ("   ", []),
])
def test_find_contacts_offers_every_match_and_never_guesses(typed, found):
    for n, (name, email) in enumerate(PEOPLE, start=1):
        Contact.objects.create(contact_id=UUID(int=n), fullname=name, emailaddress1=email)
    assert [c.fullname for c in find_contacts(typed)] == found
