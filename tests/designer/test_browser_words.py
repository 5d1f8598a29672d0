"""The designer speaks the marketer's words, in a real Chromium: display names, one operator vocabulary,
restrictions as sentences with record names, a record lookup that is a combobox, plain messages.
Reuses the browser, page and helper fixtures of test_browser."""

import re

import pytest

from .conftest import SPRING
from .test_browser import browser, expect, page, query_text, settle  # noqa: F401  (fixtures and helpers)

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
    # the counts follow the last edit after the estimate's debounce: wait for them to, rather than read early
    expect(counts.locator("td:not(.num)")).to_have_text(["Customer journey equals 'Spring launch journey'",
                                                         "Date and time contains data"])
    counts.locator("summary").click()
    assert SPRING not in counts.inner_text()
    assert f"CustomerJourneyId == '{SPRING}'" in query_text(page)  # the Query view keeps the field names


def open_lookup(page, typed):  # noqa: F811
    """A new clause on the journey field, then text typed into its lookup; waits for the listbox answer."""
    page.goto("/segments/new/")
    page.click("#r-add-clause")
    settle(page)
    page.select_option("#r-0-field", "CustomerJourneyId")
    settle(page)
    box = page.locator("#r-0-q")
    with page.expect_response(lambda r: "/segments/lookup/" in r.url):
        box.fill(typed)
    settle(page)
    return box


def test_a_new_id_clause_is_not_red_before_the_user_has_typed(page):  # noqa: F811
    page.goto("/segments/new/")
    page.click("#r-add-clause")
    settle(page)
    page.select_option("#r-0-field", label="Customer journey")
    settle(page)
    expect(page.locator("#r-0")).not_to_have_class(re.compile(r"\binvalid\b"))
    expect(page.locator("#r-0-value-0")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#r-0-errors")).to_have_class("value-hint")


def test_the_record_lookup_is_a_combobox_driven_by_the_keyboard(page):  # noqa: F811
    from interactions.models import RECORD_MODELS
    RECORD_MODELS["CustomerJourney"].objects.create(id="7cee65f7-578f-4a33-8182-222f5c3ec057", name="Spring sale")
    box = open_lookup(page, "spring")
    expect(box).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-expanded", "true")
    listbox = page.locator("#r-0-results")
    expect(listbox).to_have_attribute("role", "listbox")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.nth(0).locator("mark")).to_have_text("Spring")  # the match is highlighted
    # An overlay: the list floats over what follows instead of pushing it down.
    assert page.evaluate("getComputedStyle(document.getElementById('r-0-results')).position") == "absolute"

    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "r-0-option-0")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "r-0-option-1")
    box.press("ArrowUp")
    expect(box).to_have_attribute("aria-activedescendant", "r-0-option-0")
    assert page.evaluate("document.activeElement.id") == "r-0-q"  # the focus stays in the field

    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile("."))

    box.press("ArrowDown")  # opens again
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("Enter")
    settle(page)
    expect(page.get_by_test_id("record-name")).to_have_text("Spring launch journey")
    expect(page.locator("#r-0-value-0")).to_have_value(SPRING)
    assert page.evaluate("document.activeElement.id") == "r-0-q"  # still on the field after the pick
    expect(page.locator("#r-0-results")).to_be_hidden()
    assert f"CustomerJourneyId == '{SPRING}'" in query_text(page)


@pytest.mark.parametrize("pasted", [
    "https://contoso.crm.dynamics.com/main.aspx?appid=00001111-aaaa-2222-bbbb-3333cccc4444&pagetype=entityrecord"
    "&etn=msdyncrm_customerjourney&id=6BDD54E6-467F-F922-B071-111E4B2DBF46",
    "https://contoso.crm.dynamics.com/main.aspx?etn=msdyncrm_customerjourney&id=%7B6BDD54E6-467F-F922-B071-111E4B2DBF46%7D",
    "6bdd54e6-467f-f922-b071-111e4b2dbf46",
])
def test_a_pasted_address_or_guid_in_the_lookup_finds_the_record(page, pasted):  # noqa: F811
    box = open_lookup(page, pasted)
    expect(page.locator("#r-0-results").get_by_role("option")).to_have_count(1)
    box.press("Enter")  # the one match is picked
    settle(page)
    expect(page.get_by_test_id("record-name")).to_have_text("Autumn newsletter journey")
    expect(page.locator("#r-0-value-0")).to_have_value("6bdd54e6-467f-f922-b071-111e4b2dbf46")


def test_a_mouse_pick_keeps_the_focus_on_the_field(page):  # noqa: F811
    open_lookup(page, "autumn")
    page.locator("#r-0-results").get_by_role("option").first.click()
    settle(page)
    expect(page.get_by_test_id("record-name")).to_have_text("Autumn newsletter journey")
    assert page.evaluate("document.activeElement.id") == "r-0-q"


def test_success_is_green_with_an_icon_and_a_refusal_reads_plainly(page):  # noqa: F811
    from segments.services import segment_create
    segment_create(name="Spring clickers", query_text="INTERACTION(EmailClicked, EmailClicked_ContactLink)"
                                                      f".FILTER(CustomerJourneyId == '{SPRING}').HAVING(COUNT() >= 1)")
    segment_create(name="Users of spring", query_text="SEGMENT('Spring clickers')")
    page.goto("/segments/new/")
    page.fill("#name", "Openers")
    page.get_by_role("button", name="Save").click()
    message = page.locator(".messages li.success")
    expect(message).to_have_text("Created 'Openers'.")
    assert message.evaluate("e => getComputedStyle(e).color") == "rgb(16, 124, 16)"  # the theme's --ok green
    assert message.evaluate("e => getComputedStyle(e, '::before').content") == '"✓"'

    page.goto("/")
    page.get_by_role("link", name="Spring clickers").click()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_test_id("failure")).to_have_text(
        "'Spring clickers' cannot be deleted: it is used by 'Users of spring'")


def test_an_empty_compound_asks_for_a_segment_or_a_block(page):  # noqa: F811
    page.goto("/")
    page.get_by_role("link", name="New compound segment").click()
    expect(page.locator("#compound")).to_contain_text("Add a segment or a block.")
    expect(page.locator("#compound .operand.invalid")).to_have_count(0)
    page.fill("#name", "Nothing yet")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("failure")).to_contain_text("Add a segment or a block before saving.")
    expect(page.get_by_test_id("failure")).not_to_contain_text("has errors")


def test_an_operand_left_on_choose_a_segment_is_an_error_at_that_operand(page):  # noqa: F811
    from segments.services import segment_create
    segment_create(name="a", query_text="INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1)")
    page.goto("/")
    page.get_by_role("link", name="New compound segment").click()
    page.select_option("#c-0-name", "a")
    settle(page)
    page.click("#c-add-segment")
    settle(page)
    expect(page.locator("#c-1")).to_have_class(re.compile(r"\binvalid\b"))
    expect(page.locator("#c-1-errors")).to_have_text("Choose a segment for this operand, or delete it.")
    expect(page.locator("#c-1-name")).to_have_attribute("aria-invalid", "true")
    page.get_by_role("tab", name="Query view").click()
    expect(page.locator("#query-error")).not_to_have_text("")


def test_switching_type_says_what_happened_to_the_aggregate(page):  # noqa: F811
    page.goto("/segments/new/")
    page.select_option("#type", label="Lead score boost")
    settle(page)
    page.click("#toggle-filters")
    settle(page)
    page.select_option("#agg", "SUM")
    settle(page)
    page.select_option("#agg_field", label="Boost value")
    settle(page)
    page.select_option("#type", label="Survey response")
    settle(page)
    expect(page.locator(".notice")).to_have_text(
        "Survey response has no Boost value to aggregate: the filter now counts interactions instead of the "
        "sum of Boost value.")
    expect(page.locator("#agg")).to_have_value("COUNT")
