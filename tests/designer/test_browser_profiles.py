"""Profile segments and mixed compounds in a real Chromium: built with the form, round-tripped through the Query
view, taken live with their members; the profile pages pass axe and do not scroll sideways.

Reuses the browser, the signed-in page and the helpers of test_browser.py.
"""

import re

import pytest

from designer.editor.profile import TEXT_ONLY
from interactions.models import Contact
from segments.services import segment_create

from . import test_browser
from .test_accessibility import axe_source, serious_violations
from .test_browser import CLICKED, expect, query_text, set_value, settle, type_query
from .test_browser_look import WIDTHS, overflowing

browser, page = test_browser.browser, test_browser.page  # the shared fixtures
axe_source = axe_source

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# Where the demo's contacts live and their gender (gendercode 1 Male, 2 Female).
PROFILES = {"Ada Lovelace": ("Oslo", 2), "Grace Hopper": ("Oslo", 2), "Alan Turing": ("Oslo", 1),
            "Edsger Dijkstra": ("Bergen", 1), "Barbara Liskov": ("Oslo", 2)}
WOMEN_IN_OSLO = "PROFILE(contact)\n    .FILTER(address1_city == 'Oslo' && gendercode == 'Female')"


@pytest.fixture
def people(demo):
    for contact in demo:
        city, gender = PROFILES[contact.fullname]
        Contact.objects.filter(pk=contact.pk).update(address1_city=city, gendercode=gender)
    return demo


def click(page, selector):
    page.click(selector)
    settle(page)


def choose(page, selector, value=None, **option):
    page.select_option(selector, value, **option)
    settle(page)


def go_live_and_see(page, name, count, members):
    page.fill("#name", name)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    page.get_by_role("button", name="Go live").click()
    expect(page.locator("#status")).to_contain_text("Up to date")  # evaluated in-process, eagerly, in tests
    expect(page.get_by_test_id("member-count")).to_have_text(str(count))
    page.get_by_role("link", name=re.compile("^Members")).click()
    for member in members:
        expect(page.get_by_role("cell", name=member)).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(count)


def test_build_a_profile_segment_round_trip_it_and_see_its_members(page, people):
    page.get_by_role("link", name="New profile segment").click()
    expect(page.get_by_role("heading", name="New profile segment")).to_be_visible()
    click(page, "#r-add-clause")
    choose(page, "#r-0-field", label="City")
    set_value(page, "#r-0-value-0", "Oslo")
    click(page, "#r-add-clause")
    choose(page, "#r-1-field", label="Gender")
    choose(page, "#r-1-value-0", label="Female")
    # a date relative to now, then deleted again
    click(page, "#r-add-clause")
    choose(page, "#r-2-field", label="Created on")
    choose(page, "#r-2-op", label="is on or after")
    choose(page, "#r-2-when", label="a time ago")
    expect(page.locator("#r-2-value-0")).to_have_value("")
    set_value(page, "#r-2-value-0", "30")
    page.get_by_role("tab", name="Query view").click()
    assert query_text(page) == (WOMEN_IN_OSLO[:-1] + " && createdon >= DATEADD(DAY, -30, DATETIMEUTCNOW()))")
    page.get_by_role("tab", name="Designer").click()
    click(page, "[aria-label='Delete restriction 3']")
    page.get_by_role("tab", name="Query view").click()
    assert query_text(page) == WOMEN_IN_OSLO
    expect(page.get_by_test_id("estimate")).to_have_text("3")

    # text -> form: the number of a choice shows as its label and stays a number
    type_query(page, "PROFILE(contact).FILTER(address1_city == 'Oslo' && gendercode == 2)")
    page.get_by_role("tab", name="Designer").click()
    expect(page.locator("#r-1-value-0 option:checked")).to_have_text("Female")
    choose(page, "#r-0-op", label="begins with")
    page.get_by_role("tab", name="Query view").click()
    assert query_text(page) == "PROFILE(contact)\n    .FILTER(address1_city STARTSWITH 'Oslo' && gendercode == 2)"
    # a query the form cannot show: the form says so, the text stays
    type_query(page, "PROFILE(contact).FILTER(DATEDIFF(DAY, createdon, birthdate) >= 0)")
    page.get_by_role("tab", name="Designer").click()
    expect(page.get_by_text(TEXT_ONLY)).to_be_visible()
    page.get_by_role("tab", name="Query view").click()
    type_query(page, WOMEN_IN_OSLO.replace("\n    ", ""))
    page.get_by_role("tab", name="Designer").click()
    expect(page.locator("#r-0-field")).to_have_value("address1_city")
    expect(page.locator("#r-1-value-0")).to_have_value("Female")
    go_live_and_see(page, "Women in Oslo", 3, ["Ada Lovelace", "Grace Hopper", "Barbara Liskov"])


def test_build_a_mixed_compound_round_trip_it_and_see_its_members(page, people):
    segment_create(name="Rome clickers", query_text=f"{CLICKED}.FILTER(City == 'Rome').HAVING(COUNT() >= 1)")
    page.get_by_role("link", name="New compound segment").click()
    expect(page.get_by_role("heading", name="New compound segment")).to_be_visible()
    click(page, "[aria-label='Delete operand 2']")
    click(page, "#c-add-profile")
    click(page, "#c-add-block")
    click(page, "[aria-label='Move operand 1 down']")
    click(page, "[aria-label='Move operand 2 down']")  # now: profile block, interaction block, saved segment
    click(page, "#c-0-r-add-clause")
    choose(page, "#c-0-r-0-field", label="City")
    set_value(page, "#c-0-r-0-value-0", "Oslo")
    choose(page, "#c-1-join", label="and also")
    click(page, "#c-1-toggle-filters")
    choose(page, "#c-1-window", "in_last")
    choose(page, "#c-2-join", label="but not")
    choose(page, "#c-2-name", "Rome clickers")
    page.get_by_role("tab", name="Query view").click()
    text = ("PROFILE(contact)\n    .FILTER(address1_city == 'Oslo')\nINTERSECT\n"
            f"{CLICKED}\n    .HAVING(COUNT() >= 1, UTCDAYS(30))\nEXCEPT\nSEGMENT('Rome clickers')")
    assert query_text(page) == text
    expect(page.get_by_test_id("estimate")).to_have_text("1")  # Ada: in Oslo, clicked, not in Rome

    # text -> form: accounts and their contacts, then back to the query built above
    type_query(page, "PROFILE(account).TRAVERSE(contact_account_parentcustomerid).FILTER(address1_city == 'Oslo') "
                     f"UNION {CLICKED}.HAVING(COUNT() >= 1)")
    page.get_by_role("tab", name="Designer").click()
    expect(page.locator("#c-0-entity")).to_have_value("account")
    expect(page.locator("#c-0-t-r-0-field")).to_have_value("address1_city")
    page.get_by_role("tab", name="Query view").click()
    type_query(page, text)
    page.get_by_role("tab", name="Designer").click()
    expect(page.locator("#c-0-r-0-value-0")).to_have_value("Oslo")
    expect(page.locator("#c-2-name")).to_have_value("Rome clickers")
    page.get_by_role("tab", name="Query view").click()
    assert query_text(page) == text
    go_live_and_see(page, "Oslo clickers, not in Rome", 1, ["Ada Lovelace"])


def profile_pages(demo) -> list[str]:
    accounts = segment_create(name="Contacts of large accounts", query_text=(
        "PROFILE(account).FILTER(numberofemployees > 500 && industrycode == 'Wholesale')"
        ".TRAVERSE(contact_account_parentcustomerid).FILTER(jobtitle CONTAINS 'CTO' && "
        "createdon >= DATEADD(DAY, -30, DATETIMEUTCNOW()) && DATEDIFF(YEAR, birthdate, DATETIMEUTCNOW()) >= 18 && "
        "(gendercode == 'Female' || donotbulkemail == False))"))
    mixed = segment_create(name="Oslo or clickers", query_text=(
        f"PROFILE(contact).FILTER(address1_city == 'Oslo') UNION {CLICKED}.HAVING(COUNT() >= 1)"))
    return ["/segments/new/?kind=profile", f"/segments/{accounts.pk}/", f"/segments/{mixed.pk}/"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_the_profile_pages(page, demo, axe_source, scheme):
    page.emulate_media(color_scheme=scheme)
    found = {}
    for path in profile_pages(demo):
        page.goto(path)
        settle(page)
        if violations := serious_violations(page, axe_source):
            found[path] = violations
    assert not found, found


@pytest.mark.parametrize("width", WIDTHS)
def test_no_profile_page_scrolls_sideways(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    assert not overflowing(page, profile_pages(demo))
