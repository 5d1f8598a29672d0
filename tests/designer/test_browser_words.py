"""The designer speaks the marketer's words, in a real Chromium: display names, one operator vocabulary,
restrictions as sentences with record names, a record lookup that is a combobox, plain messages.
Reuses the browser, page and helper fixtures of test_browser."""

import re

import pytest

from .conftest import SPRING
from .test_browser import browser, page, query_text, settle  # noqa: F401  (fixtures and helpers)

pytestmark = pytest.mark.django_db(transaction=True)


def test_menus_counts_and_explain_use_display_names_and_the_query_view_keeps_field_names(page):  # noqa: F811
    page.goto("/segments/new/")
    page.click("#r-add-clause")
    settle(page)
    field = page.locator("#r-0-field")
    options = field.locator("option").all_inner_texts()
    assert "Customer journey" in options and "Link name" in options and "Country" in options
    assert not [o for o in options if re.search(r"[a-z][A-Z]", o)], options  # no CamelCase identifier shown
    page.select_option("#r-0-field", label="Customer journey")
    settle(page)
    page.fill("#r-0-value-0", SPRING)
    page.press("#r-0-value-0", "Tab")
    settle(page)
    page.click("#r-add-clause")
    settle(page)
    page.select_option("#r-1-field", label="Date and time")
    settle(page)
    ops = page.locator("#r-1-op option").all_inner_texts()
    assert ops == ["equals", "does not equal", "is after", "is on or after", "is before", "is on or before",
                   "contains data", "does not contain data"]
    page.select_option("#r-1-op", label="contains data")
    settle(page)

    counts = page.locator(".clause-counts")
    counts.locator("summary").click()
    expect_rows = counts.locator("td:not(.num)")
    assert expect_rows.all_inner_texts() == ["Customer journey equals 'Spring launch journey'",
                                             "Date and time contains data"]
    assert SPRING not in counts.inner_text()
    assert f"CustomerJourneyId == '{SPRING}'" in query_text(page)  # the Query view keeps the field names
