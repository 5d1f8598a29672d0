"""Accessibility in a real Chromium: the query error is announced politely, controls are named in the user's words,
nothing focusable hides from assistive technology, and axe-core finds no serious or critical violation on the
pages a marketer uses, in light and dark.

axe-core (MPL-2.0) is a test-only tool, never served to users: the pinned version is installed with the machine's
npm into tests/designer/.axe/ (ignored by git) on first use, atomically, so parallel workers do not collide.
"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from . import test_browser
from .test_browser import expect, settle, type_query
from .test_browser_look import showcase

AXE_VERSION = "4.10.3"
AXE_DIR = Path(__file__).parent / ".axe"
AXE = AXE_DIR / f"axe-core-{AXE_VERSION}.min.js"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
browser, page = test_browser.browser, test_browser.page  # the shared fixtures
showcase = showcase  # a segment with groups, a compound one, evaluation runs


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        npm = shutil.which("npm")
        if not npm:
            if settings.REQUIRE_SERVICES:  # CI: a missing tool fails the run instead of hiding the check
                pytest.fail("no npm to install axe-core with, and services are required")
            pytest.skip("no npm to install axe-core with")
        AXE_DIR.mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory(dir=AXE_DIR) as scratch:
            subprocess.run([npm, "install", "--prefix", scratch, "--no-save", "--no-audit", "--no-fund",
                            "--loglevel=error", f"axe-core@{AXE_VERSION}"], check=True, timeout=300)
            staged = Path(scratch) / AXE.name
            shutil.copyfile(Path(scratch) / "node_modules" / "axe-core" / "axe.min.js", staged)
            os.replace(staged, AXE)
    return AXE.read_text()


def serious_violations(tab, axe_source):
    # Evaluated by the browser's debugger protocol: a <script> tag would be refused by the pages' CSP.
    tab.evaluate(axe_source)
    result = tab.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    assert result["passes"], "axe checked nothing"
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_the_marketers_pages(page, showcase, axe_source, scheme):
    rich, compound = showcase["rich"].pk, showcase["compound"].pk
    page.emulate_media(color_scheme=scheme)
    found = {}
    for path in ("/", f"/segments/{rich}/", f"/segments/{compound}/", f"/segments/{rich}/members/",
                 f"/segments/{rich}/history/"):
        page.goto(path)
        settle(page)
        if violations := serious_violations(page, axe_source):
            found[path] = violations
    assert not found, found


def test_the_query_error_is_announced_politely(page):
    page.goto("/segments/new/")
    page.get_by_role("tab", name="Query view").click()
    type_query(page, "INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(Cty == 'Oslo').HAVING(COUNT() >= 1)")
    error = page.locator("#query-error")
    expect(error).to_contain_text("unknown field 'Cty'")
    expect(error).to_have_attribute("aria-live", "polite")
    assert page.locator("#panel-query [role=alert]").count() == 0  # not an interruption on every keystroke


def test_controls_are_named_in_the_users_words(page, showcase):
    page.goto(f"/segments/{showcase['rich'].pk}/")
    for name in ("Delete restriction 1", "Delete restriction 2.1", "Delete group 2", "Delete group 3",
                 "Ungroup group 2"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(1)
    for name in ("Select restriction 1", "Select group 2"):
        expect(page.get_by_role("checkbox", name=name, exact=True)).to_have_count(1)
    expect(page.get_by_role("group", name="Group 3", exact=True)).to_have_count(1)
    # no accessible name speaks in the form's internal row paths ("r-1-0", "c-2")
    names = page.locator("button, input, select, [role=group]").evaluate_all(
        "els => els.map(e => [e.getAttribute('aria-label') || '', ...[...(e.labels || [])].map(l => l.textContent)])"
        ".flat()")
    assert not [n for n in names if re.search(r"\b[rc](-\d+)+\b", n)]

    page.goto(f"/segments/{showcase['compound'].pk}/")
    expect(page.get_by_role("button", name="Move operand 2 up", exact=True)).to_have_count(1)
    expect(page.get_by_role("button", name="Delete operand 1", exact=True)).to_have_count(1)


def test_nothing_focusable_is_hidden_from_assistive_technology(page, showcase):
    for path in (f"/segments/{showcase['rich'].pk}/", f"/segments/{showcase['compound'].pk}/", "/"):
        page.goto(path)
        hidden_focusable = page.evaluate("""() => [...document.querySelectorAll('[aria-hidden=true]')].flatMap(e =>
            [e, ...e.querySelectorAll('*')]).filter(e => e.matches(
              'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]')).map(e => e.outerHTML)""")
        assert not hidden_focusable, (path, hidden_focusable)
