"""The pages work under the Content-Security-Policy in a real Chromium: htmx swaps, the small JS, no violation.

Every securitypolicyviolation event and every console error is collected, page by page.
"""

import pytest

from segments.roles import MARKETERS
from segments.services import segment_create, segment_go_live

from ..conftest import SPRING, make_user
from ..test_browser import ARGS, CHROMIUM, CLICKED, settle, sync_api

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
expect = sync_api.expect
WATCH = """document.addEventListener("securitypolicyviolation", (e) => {
  (window.__violations = window.__violations || []).push(e.violatedDirective + " " + e.blockedURI);
});"""


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


def test_the_pages_work_under_the_policy_with_no_violation(browser, live_server, demo, django_user_model):
    make_user(django_user_model, "ada", MARKETERS)
    spring = segment_create(name="Spring clickers",
                            query_text=f"{CLICKED}.FILTER(CustomerJourneyId == '{SPRING}').HAVING(COUNT() >= 1)")
    segment_go_live(segment=spring)
    paris = segment_create(name="Parisians", query_text=f"{CLICKED}.FILTER(City == 'Paris').HAVING(COUNT() >= 1)")
    both = segment_create(name="both", query_text="SEGMENT('Spring clickers') EXCEPT SEGMENT(Parisians)")
    mixed = segment_create(name="mixed", query_text="PROFILE(contact).FILTER(emailaddress1 ENDSWITH 'example.com') "
                           "EXCEPT (SEGMENT(Parisians) UNION PROFILE(contact).FILTER(ISNULL(jobtitle) && "
                           "(ISNULL(address1_city) || address1_city == 'Oslo')))")

    context = browser.new_context(viewport={"width": 1360, "height": 900}, base_url=live_server.url)
    context.set_default_timeout(10_000)
    context.add_init_script(WATCH)
    page = context.new_page()
    problems = []

    def console(message):
        # The browser's own request for a favicon (the site has none) is no page's error.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"{page.url}: console: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))

    def leave():
        problems.extend(f"{page.url}: {v}" for v in page.evaluate("window.__violations || []"))

    response = page.goto("/accounts/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    leave()
    page.fill("#id_username", "ada")
    page.fill("#id_password", "pw-segments-123")
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Segments")).to_be_visible()
    page.fill("#q", "Spring")  # htmx: the list filters as one types
    expect(page.locator("#segment-table")).not_to_contain_text("Parisians")
    leave()

    page.goto(f"/segments/{paris.pk}/")  # htmx: the estimate loads, the form syncs; the JS: the view tabs
    expect(page.get_by_test_id("estimate")).to_have_text("1")
    page.get_by_role("tab", name="Query view").click()
    expect(page.locator("#query-text")).to_be_visible()
    settle(page)
    leave()

    page.goto(f"/segments/{both.pk}/")
    expect(page.get_by_test_id("estimate")).to_be_visible()
    leave()
    page.goto(f"/segments/{mixed.pk}/")  # explain: nested operands and clause groups are indented
    page.fill("#explain_contact", "grace@example.com")
    page.get_by_role("button", name="Explain").click()
    expect(page.get_by_test_id("explain-part")).to_have_count(5)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # long query text wraps
    leave()
    for url in (f"/segments/{spring.pk}/members/", f"/segments/{spring.pk}/history/", "/data/"):
        assert page.goto(url).status == 200
        settle(page)
        leave()
    context.close()
    assert problems == []


def test_the_admin_works_under_the_policy_with_no_violation(browser, live_server, demo, django_user_model):
    django_user_model.objects.create_superuser("root", password="pw-segments-123")
    segment = segment_create(name="Parisians", query_text=f"{CLICKED}.FILTER(City == 'Paris').HAVING(COUNT() >= 1)")
    context = browser.new_context(viewport={"width": 1360, "height": 900}, base_url=live_server.url)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "pw-segments-123")
    page.click("input[type=submit]")
    problems = []
    for url in ("/admin/", "/admin/segments/segment/", f"/admin/segments/segment/{segment.pk}/change/"):
        assert page.goto(url).status == 200
        problems.extend(f"{url}: {v}" for v in page.evaluate("window.__violations || []"))
    expect(page.locator("pre.query")).to_have_css("white-space", "pre-wrap")  # from the console's stylesheet
    context.close()
    assert problems == []
