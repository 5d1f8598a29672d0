"""How the designer looks, in a real Chromium: the restrictions read as logic (connector pills, group cards, a
labelled NOT switch, one line per restriction, icons), the History chart is a chart, no page scrolls sideways
from 390 px up, and the login page tells how to sign in to the demo.

Reuses the browser, the signed-in page and settle() of test_browser.py.
"""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from segments.evaluation import segment_evaluate
from segments.roles import ADMINISTRATORS
from segments.services import segment_create, segment_go_live

from . import test_browser
from .conftest import SPRING, make_user
from .test_browser import CLICKED, expect, settle

# the fixtures of test_browser.py, shared: one Chromium per module, a signed-in Marketer's tab per test
browser, page = test_browser.browser, test_browser.page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# Every part of the restrictions' tree: a record clause, an OR group, a negated group.
RICH = (f"{CLICKED}.FILTER(CustomerJourneyId == '{SPRING}' && (City == 'Paris' || OriginalUrl CONTAINS 'pricing')"
        " && NOT(City == 'Oslo' || City == 'Bergen')).HAVING(COUNT() >= 1, UTCDAYS(30))")
WIDTHS = (390, 800, 1360)


@pytest.fixture
def showcase(demo):
    """A behavioral segment with groups, a compound one over it, three evaluation runs: pages with everything."""
    rich = segment_create(name="Spring clickers in Paris, not in Norway", query_text=RICH,
                          description="A segment that uses every part of the designer, with a long description.")
    segment_go_live(segment=rich)
    now = timezone.now()
    for hours in (2, 1):
        segment_evaluate(segment_id=rich.pk, at=now - timedelta(hours=hours), full=True)
    other = segment_create(name="Openers", query_text="INTERACTION(EmailOpened, EmailOpened_ContactLink)"
                                                      ".HAVING(COUNT() >= 1)")
    compound = segment_create(name="Openers but not the spring clickers",
                              query_text=f"SEGMENT('{other.name}') EXCEPT SEGMENT('{rich.name}')")
    return {"rich": rich, "compound": compound, "other": other}


def boxes(page, selector):
    return page.locator(selector).evaluate_all("els => els.map(e => e.getBoundingClientRect().toJSON())")


# --- 12: the restrictions read as logic ---------------------------------------------------------------------

def test_and_and_or_are_pills_between_the_rows_they_join(page, showcase):
    page.goto(f"/segments/{showcase['rich'].pk}/")
    root = page.locator("#r")
    expect(root.locator(":scope > .items > li > .connector")).to_have_text(["and", "and"])
    expect(page.locator("#r-1 > .items > li > .connector")).to_have_text(["or"])
    # each pill sits between the rows it joins
    rows = boxes(page, "#r > .items > li > :is(.clause, .group)")
    pills = boxes(page, "#r > .items > li > .connector")
    for above, pill, below in zip(rows, pills, rows[1:], strict=False):
        assert above["bottom"] <= pill["top"] and pill["bottom"] <= below["top"]
    # the pills follow the group's joiner
    page.select_option("#r-1-op", "AND")
    settle(page)
    expect(page.locator("#r-1 > .items > li > .connector")).to_have_text(["and"])


def test_a_group_is_a_card_with_one_checkbox_and_a_labelled_not_switch(page, showcase):
    page.goto(f"/segments/{showcase['rich'].pk}/")
    group = page.locator("#r-2")
    assert group.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"  # a card, not a left rule only
    head = group.locator(":scope > .group-head")
    # one thing that looks like a checkbox (select for "Group selected"); NOT is a switch with its words
    looks_like_checkbox = head.locator("input[type=checkbox]").evaluate_all(
        "els => els.filter(e => getComputedStyle(e).appearance !== 'none').map(e => e.id)")
    assert looks_like_checkbox == ["r-2-sel"]
    switch = page.get_by_role("checkbox", name=re.compile(r"^NOT \(exclude what matches\)"))
    expect(switch).to_have_count(2)  # the two groups
    expect(page.locator("#r-2-not")).to_be_checked()
    expect(page.locator("#r-1-not")).not_to_be_checked()
    page.get_by_text("NOT (exclude what matches)").first.click()  # the label toggles it
    settle(page)
    expect(page.locator("#r-1-not")).to_be_checked()
    page.get_by_role("tab", name="Query view").click()
    expect(page.locator("#query-text")).to_have_value(re.compile(r"NOT\(City == 'Paris' \|\|"))


def test_every_restriction_keeps_its_value_on_the_line_of_its_field(page, showcase):
    page.goto(f"/segments/{showcase['rich'].pk}/")
    for clause in page.locator(".clause").all():
        field, op = clause.locator(".field-select"), clause.locator("select[id$='-op']")
        value = clause.locator("[id$='-value-0']")
        middles = [box["y"] + box["height"] / 2 for box in (field.bounding_box(), op.bounding_box(),
                                                            value.bounding_box())]
        assert max(middles) - min(middles) < 4, (clause.get_attribute("id"), middles)


def test_buttons_carry_icons_from_the_served_sprite(page, showcase):
    page.goto(f"/segments/{showcase['rich'].pk}/")
    for name in ("Save", "Stop", "Evaluate now", "Add clause", "Add group", "Delete restriction 1", "Group selected"):
        button = page.get_by_role("button", name=name, exact=True).first
        icon = button.locator("svg.i use")
        expect(icon).to_have_count(1)
        box = button.locator("svg.i").bounding_box()
        assert box["width"] >= 12 and box["height"] >= 12, name
    sprite = page.locator("svg.i use").first.get_attribute("href").split("#")[0]
    response = page.request.get(sprite)
    assert response.ok and "<symbol" in response.text()


def test_favicon_brand_mark_and_a_roomy_side_panel(page, showcase):
    page.goto(f"/segments/{showcase['rich'].pk}/")
    icon = page.locator("link[rel=icon]")
    response = page.request.get(icon.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")
    mark = page.locator(".brand svg").bounding_box()
    assert mark["width"] >= 20
    side = page.locator("aside.side").bounding_box()
    assert side["width"] >= 300


def test_the_history_chart_has_axes_gridlines_and_values_on_hover(page, showcase):
    page.goto(f"/segments/{showcase['rich'].pk}/history/")
    chart = page.locator("svg.chart")
    expect(chart.locator(".gridline")).to_have_count(2)
    expect(chart.locator("text.label").first).to_have_text("0")  # the value axis starts at 0
    expect(chart.locator(".point")).to_have_count(3)
    expect(chart.locator(".point title").first).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d: 1 member$"))
    chart.locator(".point").nth(1).hover()
    expect(chart.locator(".point").nth(1).locator(".dot")).to_have_css("r", "6px")  # the hovered point grows


def test_one_run_says_so_and_draws_its_level(page, showcase):
    page.goto(f"/segments/{showcase['other'].pk}/history/")
    expect(page.get_by_text("No evaluation has finished yet.")).to_be_visible()
    segment_go_live(segment=showcase["other"])
    page.reload()
    expect(page.get_by_test_id("chart-single")).to_have_text(re.compile(r"^One run so far: 1 member on "))
    line = page.locator("svg.chart polyline.single")
    xs = [float(point.split(",")[0]) for point in line.get_attribute("points").split()]
    assert xs[-1] - xs[0] > 400  # across the chart, not a lone dot


# --- 13: no sideways scrolling ------------------------------------------------------------------------------

def overflowing(tab, paths):
    """The pages (of `paths`) wider than the window, with the elements that stick out."""
    found = {}
    for path in paths:
        tab.goto(path)
        if tab.evaluate("() => !!window.htmx"):  # the console has no htmx
            settle(tab)
        wide = tab.evaluate("""() => document.documentElement.scrollWidth <= innerWidth ? null :
            [document.documentElement.scrollWidth, innerWidth, ...[...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > innerWidth + .5).slice(0, 5)
              .map(e => e.tagName + '#' + e.id + '.' + e.className)]""")
        if wide:
            found[path] = wide
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(page, showcase, browser, live_server, django_user_model, width):
    rich, compound = showcase["rich"].pk, showcase["compound"].pk
    page.set_viewport_size({"width": width, "height": 900})
    found = overflowing(page, ["/", "/data/", "/segments/new/", "/segments/new/?kind=compound", f"/segments/{rich}/",
                               f"/segments/{compound}/", f"/segments/{rich}/members/", f"/segments/{rich}/history/"])

    make_user(django_user_model, "root", ADMINISTRATORS, is_staff=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    console = context.new_page()
    found |= overflowing(console, ["/accounts/login/"])
    console.fill("#id_username", "root")
    console.fill("#id_password", "pw-segments-123")
    console.click("button[type=submit]")
    found |= overflowing(console, ["/admin/", "/admin/segments/segment/", f"/admin/segments/segment/{rich}/change/"])
    context.close()
    assert not found, found


# --- 15: the demo's sign-in -----------------------------------------------------------------------------------

def test_the_login_page_tells_the_demo_sign_in_while_the_demo_user_exists(browser, live_server, db):
    context = browser.new_context(base_url=live_server.url)
    tab = context.new_page()
    tab.goto("/accounts/login/")
    expect(tab.get_by_test_id("demo-sign-in")).to_have_count(0)
    call_command("ensure_demo_user", stdout=open("/dev/null", "w"))  # noqa: SIM115
    tab.reload()
    hint = tab.get_by_test_id("demo-sign-in")
    expect(hint).to_have_text(
        "This is the demo: sign in as demo with the password demo-segments (unless it was changed).")
    username, password = hint.locator("strong").all_inner_texts()
    tab.fill("#id_username", username)
    tab.fill("#id_password", password)
    tab.click("button[type=submit]")
    expect(tab.get_by_role("heading", name="Segments")).to_be_visible()
    context.close()
