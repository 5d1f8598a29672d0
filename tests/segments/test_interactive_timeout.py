"""Interactive statements are bounded in time: a slow estimate says so on the page, never a 500 or a hang."""

import pytest
from django.db import connection
from django.urls import reverse
from pytest_django.asserts import assertContains

from designer.views import members as members_view
from segments import estimates
from segments.roles import VIEWERS
from segments.services import segment_create
from tests.designer.conftest import make_user

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]
CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1)"


def test_a_statement_past_the_timeout_is_stopped(settings):
    settings.INTERACTIVE_STATEMENT_TIMEOUT_MS = 20
    with pytest.raises(estimates.TooSlow, match="the estimate took too long"):
        estimates._fetch_one("SELECT pg_sleep(5)", [])
    with connection.cursor() as cursor:  # the connection stays usable, without the timeout
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("0",)


def test_jit_is_off_for_interactive_statements():
    assert estimates._fetch_one("SELECT current_setting('jit')", []) == ("off",)


def test_a_slow_estimate_says_so_on_the_page(client, django_user_model, settings, monkeypatch):
    settings.INTERACTIVE_STATEMENT_TIMEOUT_MS = 20
    monkeypatch.setattr(estimates, "compile_count", lambda *args, **kwargs: ("SELECT pg_sleep(5)", []))
    client.force_login(make_user(django_user_model, "viewer", VIEWERS))
    response = client.post(reverse("segment-estimate"), {"current_query": CLICKED})
    assert response.status_code == 200
    assert "the estimate took too long (over 0.02 s) and was stopped" in response.content.decode()


def session_settings():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout'), current_setting('jit')")
        return cursor.fetchone()


def test_a_slow_member_search_says_so_on_the_page_and_leaves_the_connection_unbounded(
        client, django_user_model, settings, monkeypatch):
    segment = segment_create(name="Clickers", query_text=CLICKED)
    real = members_view.members_of
    monkeypatch.setattr(members_view, "members_of", lambda **kwargs: real(**kwargs).extra(
        where=["(SELECT true FROM pg_sleep(5))"]))
    settings.INTERACTIVE_STATEMENT_TIMEOUT_MS = 20
    client.force_login(make_user(django_user_model, "viewer", VIEWERS))
    before = session_settings()
    response = client.get(reverse("segment-members", args=[segment.pk]), {"q": "ada"},
                          headers={"HX-Request": "true", "HX-Target": "members-table"})
    assert response.status_code == 200
    assertContains(response, '<p class="error" role="alert">The search took too long (over 0.02 s) and was stopped; '
                   "search for a longer part of a name, or a whole email address.</p>", html=True)
    assert session_settings() == before  # bounded for the search only
