"""The designer in a real Chromium (Playwright), against the live test server.

Needs the Debian `chromium` package (/usr/bin/chromium) and the `playwright` Python package; skipped when either
is missing. Browsers are never downloaded: Playwright drives the system Chromium.
"""

import os
import re
import shutil

import pytest

from segments.models import Segment
from segments.roles import MARKETERS

from .conftest import SPRING, make_user

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink)"

sync_api = pytest.importorskip("playwright.sync_api")
if not shutil.which(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)

pytestmark = pytest.mark.django_db(transaction=True)
expect = sync_api.expect


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, demo, django_user_model):
    make_user(django_user_model, "ada", MARKETERS)
    context = browser.new_context(viewport={"width": 1360, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto("/accounts/login/")
    tab.fill("#id_username", "ada")
    tab.fill("#id_password", "pw-segments-123")
    tab.click("button[type=submit]")
    expect(tab.get_by_role("heading", name="Segments")).to_be_visible()
    yield tab
    context.close()
    assert not errors, errors


def settle(page):
    """Wait until htmx has no request in flight and has finished swapping and settling the new content.

    A control swapped in is only wired up once htmx has processed it: acting on it earlier loses the event.
    """
    page.wait_for_function(
        "() => window.htmx && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')")


def query_text(page):
    settle(page)
    return page.locator("#query-text").input_value()


def type_query(page, text):
    """Type query text and wait until its sync (debounced on keyup) is answered and the new form swapped in."""
    box = page.locator("#query-text")
    box.fill(text)
    with page.expect_response(lambda r: r.request.method == "POST" and "action=text" in (r.request.post_data or "")):
        box.press("End")  # a key press: the sync is debounced on keyup
    settle(page)


def set_value(page, selector, value):
    page.fill(selector, value)
    page.press(selector, "Tab")  # leaving the field fires 'change', which syncs the form
    settle(page)


def test_build_a_query_with_the_form(page):
    page.goto("/segments/new/")
    page.select_option("#type", label="Email clicked")
    settle(page)
    toggle = page.locator("#toggle-filters")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    settle(page)
    expect(page.locator("#toggle-filters")).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#filters")).to_be_visible()
    set_value(page, "#count_n", "3")
    page.select_option("#window", "in_last")
    settle(page)
    set_value(page, "#window_n", "45")
    page.select_option("#window_unit", "DAYS")
    settle(page)

    page.click("#r-add-clause")
    settle(page)
    page.select_option("#r-0-field", "City")
    settle(page)
    set_value(page, "#r-0-value-0", "Paris")
    page.click("#r-add-group")
    settle(page)
    page.select_option("#r-1-op", "OR")
    settle(page)
    page.select_option("#r-1-0-field", "City")
    settle(page)
    set_value(page, "#r-1-0-value-0", "Rome")
    page.click("#r-1-add-clause")
    settle(page)
    page.select_option("#r-1-1-field", "OriginalUrl")
    settle(page)
    page.select_option("#r-1-1-op", "CONTAINS")
    settle(page)
    set_value(page, "#r-1-1-value-0", "pricing")

    page.get_by_role("tab", name="Query view").click()
    expect(page.locator("#query-text")).to_be_visible()
    expect(page.locator("#panel-designer")).to_be_hidden()
    assert query_text(page) == (
        f"{CLICKED}\n    .FILTER(City == 'Paris' && (City == 'Rome' || OriginalUrl CONTAINS 'pricing'))"
        "\n    .HAVING(COUNT() >= 3, UTCDAYS(45))")
    expect(page.get_by_test_id("estimate")).to_have_text("1")  # Ada clicked in Paris within 45 days


def test_typing_a_query_changes_the_form_and_an_error_keeps_it(page):
    page.goto("/segments/new/")
    page.get_by_role("tab", name="Query view").click()
    type_query(page, "INTERACTION(EmailOpened, EmailOpened_ContactLink).FILTER(City == 'Oslo')"
                     ".HAVING(COUNT() >= 2, UTCMONTHS(6))")
    text = page.locator("#query-text")
    page.get_by_role("tab", name="Designer").click()
    expect(page.locator("#type")).to_have_value("EmailOpened")
    expect(page.locator("#r-0-value-0")).to_have_value("Oslo")
    expect(page.locator("#window_unit")).to_have_value("MONTHS")
    expect(page.locator("#toggle-filters")).to_have_attribute("aria-expanded", "true")

    page.get_by_role("tab", name="Query view").click()
    text.fill("INTERACTION(EmailOpened, EmailOpened_ContactLink)\n    .FILTER(Cty == 'Oslo')\n"
              "    .HAVING(COUNT() >= 2)")
    text.press("End")
    expect(page.locator("#query-error")).to_contain_text(
        "2:13: unknown field 'Cty' on EmailOpened; did you mean 'City'?")
    page.get_by_role("tab", name="Designer").click()
    expect(page.locator("#r-0-field")).to_have_value("City")  # the form keeps its last valid state
    expect(page.locator("#window_unit")).to_have_value("MONTHS")


def test_full_screen_survives_a_reload_and_escape_leaves(page):
    page.goto("/segments/new/")
    page.click("#fullscreen")
    expect(page.locator("#editor")).to_have_class(re.compile(r"\bfullscreen\b"))
    expect(page.locator("#fullscreen")).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator("#editor")).to_have_class(re.compile(r"\bfullscreen\b"))
    page.keyboard.press("Escape")
    expect(page.locator("#editor")).not_to_have_class(re.compile(r"\bfullscreen\b"))
    page.reload()
    expect(page.locator("#editor")).not_to_have_class(re.compile(r"\bfullscreen\b"))


def test_record_lookup_by_name_and_by_pasted_address(page):
    page.goto("/segments/new/")
    page.click("#r-add-clause")
    settle(page)
    page.select_option("#r-0-field", "CustomerJourneyId")
    settle(page)
    page.fill("#r-0-q", "spring")
    option = page.get_by_role("option", name=re.compile("Spring launch journey"))
    option.click()
    settle(page)
    expect(page.get_by_test_id("record-name")).to_have_text("Spring launch journey")
    expect(page.locator("#r-0-value-0")).to_have_value(SPRING)
    assert f"CustomerJourneyId == '{SPRING}'" in query_text(page)

    page.select_option("#r-0-op", "!=")
    settle(page)
    address = ("https://contoso.crm.dynamics.com/main.aspx?appid=00001111-aaaa-2222-bbbb-3333cccc4444"
               "&pagetype=entityrecord&etn=msdyncrm_customerjourney&id=6BDD54E6-467F-F922-B071-111E4B2DBF46")
    set_value(page, "#r-0-value-0", address)
    expect(page.locator("#r-0-value-0")).to_have_value("6bdd54e6-467f-f922-b071-111e4b2dbf46")
    expect(page.get_by_test_id("record-name")).to_have_text("Autumn newsletter journey")
    assert "CustomerJourneyId != '6bdd54e6-467f-f922-b071-111e4b2dbf46'" in query_text(page)


def test_save_go_live_and_see_the_members(page):
    page.goto("/segments/new/")
    page.fill("#name", "Spring clickers")
    page.click("#r-add-clause")
    settle(page)
    page.select_option("#r-0-field", "CustomerJourneyId")
    settle(page)
    set_value(page, "#r-0-value-0", SPRING)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Spring clickers")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Draft")
    page.get_by_role("button", name="Go live").click()
    expect(page.locator("#status")).to_contain_text("Live")
    expect(page.locator("#status")).to_contain_text("Up to date")  # evaluated (in-process, eagerly, in tests)
    expect(page.get_by_test_id("member-count")).to_have_text("2")
    page.get_by_role("link", name=re.compile("^Members")).click()
    expect(page.get_by_role("cell", name="Ada Lovelace")).to_be_visible()
    expect(page.get_by_role("cell", name="Grace Hopper")).to_be_visible()
    page.get_by_role("link", name="History").click()
    expect(page.locator("svg.chart polyline")).to_have_count(1)
    assert Segment.objects.get(name="Spring clickers").state == "live"


def test_the_status_polls_while_an_evaluation_is_queued(page):
    from segments.services import segment_create
    segment = segment_create(name="Queued one", query_text=f"{CLICKED}.HAVING(COUNT() >= 1)")
    Segment.objects.filter(pk=segment.pk).update(status=Segment.Status.QUEUED)
    page.goto(f"/segments/{segment.pk}/")
    expect(page.locator("#status")).to_contain_text("Queued")
    Segment.objects.filter(pk=segment.pk).update(status=Segment.Status.SUCCEEDED, member_count=3)
    expect(page.locator("#status")).to_contain_text("Up to date", timeout=6000)
    expect(page.locator("#status")).not_to_have_attribute("hx-trigger", "every 2s")


def test_keyboard_only_add_a_clause(page):
    page.goto("/segments/new/")
    page.focus("#r-add-clause")
    page.keyboard.press("Enter")
    settle(page)
    expect(page.locator("#r-0-field")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "r-add-clause"  # focus survives the swap


def test_build_a_compound_query_and_see_its_text(page):
    from segments.services import segment_create
    segment_create(name="a", query_text=f"{CLICKED}.FILTER(City == 'Paris').HAVING(COUNT() >= 1)")  # Ada
    segment_create(name="b", query_text=f"{CLICKED}.FILTER(City == 'Rome').HAVING(COUNT() >= 1)")  # Grace
    page.goto("/")
    page.get_by_role("link", name="New compound segment").click()
    expect(page.get_by_role("heading", name="New compound segment")).to_be_visible()
    page.select_option("#c-0-name", "a")
    settle(page)
    page.select_option("#c-1-join", label="but not")
    settle(page)
    page.select_option("#c-1-name", "b")
    settle(page)
    page.get_by_role("tab", name="Query view").click()
    assert query_text(page) == "SEGMENT(a)\nEXCEPT\nSEGMENT(b)"
    expect(page.get_by_test_id("estimate")).to_have_text("1")

    # and back: typed text rebuilds the compound form, with a group
    type_query(page, "SEGMENT(a) UNION (SEGMENT(b) EXCEPT SEGMENT(a))")
    page.get_by_role("tab", name="Designer").click()
    expect(page.locator("#c-1-join")).to_have_value("UNION")
    expect(page.locator("#c-1-0-name")).to_have_value("b")
    expect(page.locator("#c-1-1-join")).to_have_value("EXCEPT")
