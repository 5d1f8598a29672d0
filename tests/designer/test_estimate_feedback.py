"""The designer's estimate: a sampled figure with its interval first, then the exact one in a second request;
a superseded estimate shows nothing; a slow one says so."""

import random
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse

from interactions.models import INTERACTION_MODELS, Contact
from segments import estimates
from segments.roles import MARKETERS, VIEWERS

from .conftest import make_user
from .test_views import form_data

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(ISNULL(City)).HAVING(COUNT() >= 1)"


@pytest.fixture
def viewer(client, django_user_model):
    cache.clear()  # the population count is reused for a minute
    client.force_login(make_user(django_user_model, "viewer", VIEWERS))
    yield client
    cache.clear()


@pytest.fixture
def clickers(db):
    """640 contacts with random ids, each with one click: the sample holds about 10 of them."""
    rng = random.Random(4)
    contacts = Contact.objects.bulk_create(Contact(contact_id=uuid.UUID(int=rng.getrandbits(128), version=4))
                                           for _ in range(640))
    clicked = INTERACTION_MODELS["EmailClicked"]
    clicked.objects.bulk_create(clicked(interaction_id=uuid.UUID(int=rng.getrandbits(128), version=4), contact=c,
                                        timestamp="2026-01-01T00:00:00Z") for c in contacts)
    return contacts


def _estimate(client, **fields):
    return client.post(reverse("segment-estimate"), {"current_query": CLICKED, **fields}, **HX)


def test_a_sampled_figure_shows_its_interval_and_asks_for_the_exact_one(viewer, clickers, settings):
    settings.ESTIMATE_EXACT_BELOW = 0
    html = _estimate(viewer, editor="e", seq="1").content.decode()
    assert '<span class="big" data-testid="estimate" title="95% confidence interval' in html
    assert "≈ " in html and 'data-testid="margin">(± ' in html and "counting exactly" in html
    assert 'hx-vals=\'{"action": "estimate", "exact": "1"}\'' in html and 'hx-sync="#estimate-area:replace"' in html
    exact = _estimate(viewer, editor="e", seq="1", exact="1").content.decode()  # the follow-up of the same edit
    assert 'data-testid="estimate">640<' in exact and "≈" not in exact and "counting exactly" not in exact


def test_below_the_threshold_the_first_answer_is_exact(viewer, clickers):
    html = _estimate(viewer).content.decode()
    assert 'data-testid="estimate">640<' in html and "counting exactly" not in html


def test_a_superseded_estimate_shows_nothing(viewer, clickers):
    assert _estimate(viewer, editor="page-1", seq="2").status_code == 200
    late = _estimate(viewer, editor="page-1", seq="1")
    assert late.status_code == 204 and late.content == b""
    assert _estimate(viewer, editor="page-2", seq="1").status_code == 200  # another page is not affected


@pytest.mark.postgresql
def test_an_exact_count_too_slow_leaves_the_sampled_figure_and_says_so(viewer, clickers, settings, monkeypatch):
    settings.ESTIMATE_EXACT_BELOW = 0
    settings.INTERACTIVE_STATEMENT_TIMEOUT_MS = 50
    real = estimates.compile_count

    def slow_when_exact(*args, sample=False, **kwargs):
        sql, params = real(*args, sample=sample, **kwargs)
        return (sql, params) if sample else (f"SELECT n.* FROM ({sql}) AS n, pg_sleep(5) AS s", params)

    monkeypatch.setattr(estimates, "compile_count", slow_when_exact)
    html = _estimate(viewer, exact="1").content.decode()
    assert "Too slow to count exactly: the estimate took too long (over 0.05 s)" in html
    assert "≈ " in html and "counting exactly" not in html  # the sampled figure stays, and is not asked again
    monkeypatch.setattr(estimates, "compile_count", lambda *a, **k: ("SELECT pg_sleep(5)", []))
    html = _estimate(viewer).content.decode()
    assert "Too slow to estimate: the estimate took too long (over 0.05 s) and was stopped" in html


def test_without_javascript_the_estimate_is_counted_exactly_at_once(viewer, clickers, settings, django_user_model):
    settings.ESTIMATE_EXACT_BELOW = 0  # no second request comes from a page without JavaScript
    viewer.force_login(make_user(django_user_model, "marketer", MARKETERS))
    html = viewer.post(reverse("segment-new"), form_data(action="estimate")).content.decode()
    assert 'data-testid="estimate">640<' in html and "counting exactly" not in html
