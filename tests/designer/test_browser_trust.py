"""The designer a marketer can trust, in a real Chromium: it never loses or misstates an edit.

Invalid query text blocks Save and Go live instead of being thrown away; fast keyboard edits never leave form,
text and saved query disagreeing; leaving with unsaved changes asks; the estimate says when its number is not
for the query shown; Save, Go live, the name and the status stay in reach; Explain lets you choose among
contacts of one name.
"""

import random
import re
import time

import pytest

from interactions.models import Contact
from segments.models import Segment
from segments.roles import MARKETERS
from segments.services import segment_create

from . import test_browser
from .conftest import guid, make_user
from .test_browser import CLICKED, expect, query_text, type_query

browser, page = test_browser.browser, test_browser.page  # the designer's browser fixtures, shared

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WINDOWED = f"{CLICKED}\n    .HAVING(COUNT() >= 1, UTCDAYS(30))"
UNITS = ["DAYS", "MONTHS", "YEARS"]


def idle(page):
    """Every form <-> text sync the designer owes has been answered and swapped in (the estimate may still be on
    its way): no sync request, no swap, the queue empty (no aria-busy)."""
    page.wait_for_function("() => window.htmx && !document.querySelector('#designer-form.htmx-request, "
                           "#panel-designer .htmx-request, #panel-query .htmx-request, .htmx-swapping, "
                           ".htmx-settling, .htmx-added, [aria-busy=true]')")


def saved(name="Trusted", text=WINDOWED):
    return segment_create(name=name, query_text=text)


def in_query_view(page):
    page.get_by_role("tab", name="Query view").click()
    expect(page.locator("#query-text")).to_be_visible()


# --- 1. invalid text is never thrown away ----------------------------------------------------------------

REFUSAL = re.compile(r"^The query text has an error at \d+:\d+: .+; fix it or undo it before saving\.$")


@pytest.mark.parametrize("button", ["Save", "Go live"])
def test_save_and_go_live_refuse_invalid_text_and_keep_it(page, button):
    segment = saved()
    before = segment.query
    page.goto(f"/segments/{segment.pk}/")
    in_query_view(page)
    junk = query_text(page) + " && junk"
    type_query(page, junk)
    expect(page.locator("#query-error .error")).to_be_visible()
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_test_id("failure")).to_have_text(REFUSAL)
    assert page.locator("#query-text").input_value() == junk
    assert page.evaluate("document.activeElement.id") == "query-text"  # back at the error, undo history intact
    idle(page)
    segment.refresh_from_db()
    assert (segment.query, segment.state, segment.version) == (before, "draft", 1)


def test_save_right_after_typing_waits_for_the_text_and_refuses(page):
    """No key released, no debounce elapsed: Save still hears about the text before it saves."""
    page.goto("/segments/new/")
    page.fill("#name", "Never created")
    in_query_view(page)
    page.fill("#query-text", f"{CLICKED}\n    .FILTER(City == 'Paris')\n    .HAVING(COUNT() >= )")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("failure")).to_have_text(REFUSAL)
    assert not Segment.objects.filter(name="Never created").exists()


def test_a_plain_post_of_invalid_text_is_refused_with_the_text_intact(browser, live_server, demo,
                                                                      django_user_model):
    """Without JavaScript the server refuses: the page comes back (400) with the message and the user's text."""
    make_user(django_user_model, "bea", MARKETERS)
    segment = saved()
    before = segment.query
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    tab = context.new_page()
    tab.goto("/accounts/login/")
    tab.fill("#id_username", "bea")
    tab.fill("#id_password", "pw-segments-123")
    tab.click("button[type=submit]")
    for url, created in ((f"/segments/{segment.pk}/", True), ("/segments/new/", False)):
        tab.goto(url)
        tab.fill("#name", "Trusted" if created else "Fresh one")
        junk = tab.locator("#query-text").input_value() + " && junk"
        tab.fill("#query-text", junk)
        with tab.expect_response(lambda r: r.request.method == "POST") as answer:
            tab.get_by_role("button", name="Save", exact=True).click()
        assert answer.value.status == 400
        expect(tab.get_by_test_id("failure")).to_have_text(REFUSAL)
        assert tab.locator("#query-text").input_value() == junk
    assert Segment.objects.get(pk=segment.pk).query == before and Segment.objects.count() == 1
    context.close()


# --- 2. fast keyboard edits never desync form and text ---------------------------------------------------

def test_key_repeat_on_the_window_unit_keeps_form_text_and_saved_query_together(page):
    segment = saved()
    page.goto(f"/segments/{segment.pk}/")
    chance = random.Random(10)
    for trial in range(30):
        unit = page.locator("#window_unit")
        unit.focus()
        for _ in range(chance.randint(2, 6)):
            page.keyboard.press(chance.choice(["ArrowDown", "ArrowUp"]), delay=10)  # key repeat: 10 ms apart
        idle(page)
        shown = unit.input_value()
        text = page.locator("#query-text").input_value()
        assert f"UTC{shown}(30)" in text, (trial, shown, text)
        if trial % 3:
            continue  # a Save (a whole page) every third trial keeps the test short
        with page.expect_navigation():
            page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator("#window_unit")).to_have_value(shown)  # the page after Save
        assert f"UTC{shown}(30)" in Segment.objects.get(pk=segment.pk).query, trial


def test_edits_made_while_an_answer_is_swapped_in_all_arrive(page):
    """Changes to several controls in quick succession: each one ends up in the text, whatever the timing."""
    page.goto(f"/segments/{saved().pk}/")
    for n in range(12):
        page.select_option("#window_unit", UNITS[n % 3])
        page.fill("#window_n", str(10 + n))
        page.press("#window_n", "Tab")
    idle(page)
    assert page.locator("#window_unit").input_value() == UNITS[11 % 3]
    assert page.locator("#window_n").input_value() == "21"
    assert f"UTC{UNITS[11 % 3]}(21)" in page.locator("#query-text").input_value()


@pytest.mark.parametrize(("start", "end", "typed", "value"),
                         [(0, 2, "45", "45"), (0, 0, "1", "130"), (1, 1, "5", "350")])
def test_a_field_focused_while_an_answer_is_swapped_in_keeps_its_caret_and_selection(page, start, end, typed, value):
    """Focusing a field or selecting its text is no edit, so an answer arriving meanwhile is swapped in; the
    keystrokes after it land where the user put the caret (htmx alone restores a selection only when it does not
    start at 0: select-all then typing '3' over '2' gave '32')."""
    segment = saved()
    page.goto(f"/segments/{segment.pk}/")
    held = []
    page.route(f"**/segments/{segment.pk}/",
               lambda route: held.append(route) if route.request.method == "POST" else route.continue_())
    page.select_option("#window_unit", "MONTHS")  # its sync leaves and is held
    deadline = time.monotonic() + 5
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(20)  # polling: the request reaches the route soon after it leaves
    assert held, "the choice asked for no sync"
    page.focus("#window_n")
    page.eval_on_selector("#window_n", "(e, [s, t]) => { e.setSelectionRange(s, t); e.dataset.before = '1'; }",
                          [start, end])
    held.pop().continue_()
    page.unroute(f"**/segments/{segment.pk}/")
    idle(page)
    assert page.eval_on_selector("#window_n", "e => e.dataset.before === undefined && e === document.activeElement")
    page.keyboard.type(typed)
    page.keyboard.press("Tab")
    idle(page)
    expect(page.locator("#window_n")).to_have_value(value)
    assert f"UTCMONTHS({value})" in page.locator("#query-text").input_value()


# --- 3. the unsaved-changes guard --------------------------------------------------------------------------

def test_leaving_with_unsaved_changes_asks_and_saving_turns_the_guard_off(page):
    segment = saved()
    page.goto(f"/segments/{segment.pk}/")
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss() if dialog.type == "confirm" else dialog.accept()

    page.on("dialog", answer)
    page.select_option("#window_unit", "MONTHS")
    idle(page)
    expect(page.locator(".unsaved")).to_be_visible()

    page.get_by_role("link", name=re.compile("^Members")).click()  # in-app link: asked, and staying
    assert asked == ["confirm"]
    assert page.url.endswith(f"/segments/{segment.pk}/")
    expect(page.locator("#window_unit")).to_have_value("MONTHS")

    page.reload()  # asked by the browser (beforeunload), and leaving
    assert asked == ["confirm", "beforeunload"]
    expect(page.locator("#window_unit")).to_have_value("DAYS")

    page.select_option("#window_unit", "YEARS")
    idle(page)
    page.get_by_role("button", name="Save", exact=True).click()  # saving does not ask
    expect(page.locator(".unsaved")).to_have_count(0)
    page.get_by_role("link", name=re.compile("^Members")).click()
    expect(page.get_by_role("heading", name="Trusted")).to_be_visible()
    assert page.url.endswith("/members/") and asked == ["confirm", "beforeunload"]

    page.goto(f"/segments/{segment.pk}/")
    page.click("#name")
    page.keyboard.type(", renamed")  # closing the tab asks too
    page.remove_listener("dialog", answer)  # answering inside a listener would race the page's closing
    with page.expect_event("dialog") as closing:
        page.close(run_before_unload=True)
    assert closing.value.type == "beforeunload"
    closing.value.accept()


def test_a_new_segment_asks_only_once_edited(page):
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.goto("/segments/new/")
    page.get_by_role("link", name="Segments").first.click()
    expect(page.get_by_role("heading", name="Segments")).to_be_visible()
    assert asked == []
    page.goto("/segments/new/")
    page.click("#r-add-clause")
    idle(page)
    page.get_by_role("link", name="Segments").first.click()
    assert asked == ["confirm"] and page.url.endswith("/segments/new/")


# --- 4. the estimate never shows a stale number without a sign --------------------------------------------

def test_the_estimate_says_updating_and_for_the_last_valid_query(page):
    page.goto(f"/segments/{saved(text=f'{CLICKED}.HAVING(COUNT() >= 2)').pk}/")
    expect(page.get_by_test_id("estimate")).to_have_text("2")  # Ada, Alan
    state = page.get_by_test_id("estimate-state")
    expect(state).to_be_hidden()

    held = hold_estimates(page)
    page.select_option("#count_op", "morethan")
    idle(page)  # typing during the choice's swap is the caret test's; this one is about the estimate's sign
    page.fill("#count_n", "3")
    page.press("#count_n", "Tab")
    expect(state).to_have_text("updating…")
    expect(page.get_by_test_id("estimate")).to_have_text("2")  # the old number, but said to be updating
    release(page, held)
    expect(page.get_by_test_id("estimate")).to_have_text("1")  # Alan: 5 clicks
    expect(state).to_be_hidden()

    held = hold_estimates(page)
    in_query_view(page)
    type_query(page, query_text(page).replace("COUNT()", "COUNT("))
    expect(state).to_have_text("for the last valid query")
    release(page, held)
    expect(state).to_have_text("for the last valid query")
    expect(page.get_by_test_id("estimate")).to_have_text("1")


def hold_estimates(page):
    """Estimates stay computing (their requests held) until `release`."""
    held = []
    page.route("**/segments/estimate/", lambda route: held.append(route))
    return held


def release(page, held):
    deadline = time.monotonic() + 5
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(20)  # polling: the estimate leaves after its debounce
    assert held, "no estimate was asked for"
    while held:
        held.pop(0).continue_()
    page.unroute("**/segments/estimate/")  # (lets any later one through)
    idle(page)


# --- 5. the action bar stays within reach ----------------------------------------------------------------

@pytest.mark.parametrize("width", [390, 800, 1360])
def test_name_save_go_live_and_status_are_in_reach_in_every_mode(page, width):
    segment = saved(text=f"{CLICKED}.FILTER(City == 'Paris' || City == 'Rome' || City == 'Oslo' || City == 'Bonn'"
                         " || City == 'Lima' || City == 'Kyiv').HAVING(COUNT() >= 1)")
    page.set_viewport_size({"width": width, "height": 700})
    page.goto(f"/segments/{segment.pk}/")
    save, golive = page.get_by_role("button", name="Save", exact=True), page.get_by_role("button", name="Go live")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    for control in (page.locator("#name"), save, golive, page.locator("#status")):
        expect(control).to_be_in_viewport()

    page.click("#fullscreen")
    for view in ("Query view", "Designer"):
        page.get_by_role("tab", name=view).click()
        page.evaluate("document.getElementById('editor').scrollTo(0, 1e6)")
        for control in (page.locator("#name"), save, golive, page.locator("#status")):
            expect(control).to_be_in_viewport()
    page.fill("#name", "Renamed in full screen")
    save.click()  # not covered by the full-screen editor
    expect(page.get_by_role("heading", name="Renamed in full screen")).to_be_visible()
    expect(page.locator("#editor")).to_have_class(re.compile(r"\bfullscreen\b"))


# --- 9. explain a contact: several matches are a choice ----------------------------------------------------

def test_explain_offers_the_contacts_a_name_matches(page):
    Contact.objects.create(contact_id=guid(99), fullname="Ada Byron", emailaddress1="byron@example.com")
    page.goto(f"/segments/{saved(text=f'{CLICKED}.HAVING(COUNT() >= 1)').pk}/")
    page.fill("#explain_contact", "Ada")
    page.get_by_role("button", name="Explain").click()
    choices = page.get_by_test_id("explain-choices")
    expect(choices.get_by_role("button")).to_have_count(2)
    expect(choices).to_contain_text("byron@example.com")
    expect(choices).to_contain_text(str(guid(99)))
    expect(page.get_by_test_id("explain-verdict")).to_have_count(0)  # no guess
    choices.get_by_role("button", name=re.compile("Ada Byron")).click()
    expect(page.get_by_test_id("explain-verdict")).to_have_text("out")
    expect(page.locator("#explain")).to_contain_text("Ada Byron")

    page.get_by_role("button", name="Explain").click()
    page.get_by_test_id("explain-choices").get_by_role("button", name=re.compile("Ada Lovelace")).click()
    expect(page.get_by_test_id("explain-verdict")).to_have_text("in")

    page.fill("#explain_contact", "byron@example.com")  # an exact email is one contact
    page.get_by_role("button", name="Explain").click()
    expect(page.get_by_test_id("explain-verdict")).to_have_text("out")
