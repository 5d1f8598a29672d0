"""In Chromium: the sampled estimate renders first, then the exact figure replaces it (a second request)."""

import pytest
from django.core.cache import cache

from .test_browser import browser, expect, page, settle  # noqa: F401 - the fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_exact_figure_replaces_the_sampled_one(page, settings, tmp_path):  # noqa: F811
    settings.ESTIMATE_EXACT_BELOW = 0  # five contacts: sample them all the same
    cache.clear()
    answers = []
    page.on("response", lambda r: answers.append((r.request.post_data or "", r.text()))
            if r.url.endswith("/estimate/") else None)
    page.goto("/segments/new/")
    expect(page.get_by_test_id("estimate")).to_have_text("3")  # Ada, Grace and Alan clicked
    expect(page.get_by_test_id("exact-pending")).to_have_count(0)
    settle(page)
    sampled = [text for data, text in answers if "exact=1" not in data]
    exact = [text for data, text in answers if "exact=1" in data]
    assert sampled and "≈" in sampled[0] and "counting exactly" in sampled[0]
    assert exact and "≈" not in exact[-1]
    for width in (390, 800, 1360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"estimate-{width}.png"))


def test_until_the_exact_figure_comes_the_sampled_one_shows_its_interval(page, settings, tmp_path):  # noqa: F811
    settings.ESTIMATE_EXACT_BELOW = 0
    cache.clear()
    page.route("**/segments/estimate/", lambda route: route.abort() if "exact=1" in (route.request.post_data or "")
               else route.continue_())
    page.goto("/segments/new/")
    expect(page.get_by_test_id("exact-pending")).to_be_visible()
    expect(page.get_by_test_id("estimate")).to_contain_text("≈")
    expect(page.get_by_test_id("margin")).to_be_visible()
    assert "95% confidence interval" in page.get_by_test_id("estimate").get_attribute("title")
    for width in (390, 800, 1360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"sampled-{width}.png"))
