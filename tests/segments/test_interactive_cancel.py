"""A newer edit supersedes an older one's estimate: its running statement is cancelled (PostgreSQL), and an
older edit arriving late answers nothing. Huge statements stop at the timeout on both engines."""

import threading
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections

from segments import estimates
from segments.interactive import Superseded, TooSlow, fetch_one, interactive_run
from segments.query import parse

from .helpers import contact, interact

CLICKED = parse("INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1)")
HUGE = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "
        "SELECT COUNT(*) FROM c")
BROKERS = ["in-process", "redis"]


def _broker(settings, which):
    if which == "redis":
        if not django_settings.TEST_REDIS_URL:
            pytest.skip("needs Redis (set TEST_REDIS_URL)")
        settings.CELERY_BROKER_URL = django_settings.TEST_REDIS_URL
    else:
        settings.CELERY_BROKER_URL = ""


@pytest.mark.django_db
def test_a_huge_statement_stops_at_the_timeout(settings):
    settings.INTERACTIVE_STATEMENT_TIMEOUT_MS = 30
    with pytest.raises(TooSlow):
        fetch_one(HUGE, [])
    assert fetch_one("SELECT 1", []) == (1,)  # the connection goes on working


@pytest.mark.django_db
@pytest.mark.parametrize("which", BROKERS)
def test_an_older_edit_arriving_after_a_newer_one_is_superseded(settings, which):
    _broker(settings, which)
    editor = f"late-{which}-{time.monotonic_ns()}"
    with interactive_run(editor=editor, seq=2):
        assert estimates.estimate_size(node=CLICKED)["count"] == 0
    with pytest.raises(Superseded), interactive_run(editor=editor, seq=1):
        pass
    with interactive_run(editor=editor, seq=2):  # the same edit again (its exact follow-up) still runs
        assert fetch_one("SELECT 1", []) == (1,)


def _estimate_running(tag: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE application_name = %s AND state = 'active' "
                       "AND query LIKE %s", [tag, "%pg_sleep%"])
        return cursor.fetchone() is not None


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("which", BROKERS)
def test_a_newer_edit_cancels_the_running_estimate_of_the_same_editor(settings, monkeypatch, which):
    _broker(settings, which)
    settings.INTERACTIVE_STATEMENT_TIMEOUT_MS = 60_000  # only the cancellation can stop the first estimate
    interact("EmailClicked", contact())
    real = estimates.compile_count

    def slow_for_the_first(*args, **kwargs):
        sql, params = real(*args, **kwargs)
        if threading.current_thread().name == "first":
            return f"SELECT n.* FROM ({sql}) AS n, pg_sleep(60) AS s", params
        return sql, params

    monkeypatch.setattr(estimates, "compile_count", slow_for_the_first)
    editor = f"cancel-{which}-{time.monotonic_ns()}"
    outcome = {}

    def first():
        try:
            with interactive_run(editor=editor, seq=1):
                outcome["first"] = estimates.estimate_size(node=CLICKED)
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcome["first"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=first, name="first")
    thread.start()
    tag = f"segment-designer-estimate {editor} 1"
    deadline = time.monotonic() + 30
    while not _estimate_running(tag):
        assert time.monotonic() < deadline and thread.is_alive(), f"the first estimate never ran: {outcome}"
        threading.Event().wait(0.02)  # polling pg_stat_activity, not waiting for a guessed duration
    with interactive_run(editor=editor, seq=2):
        second = estimates.estimate_size(node=CLICKED)
    thread.join(30)
    assert not thread.is_alive()
    assert isinstance(outcome["first"], Superseded), outcome
    assert second["count"] == 1
    assert not _estimate_running(tag)
