"""The evaluation task: transient database errors are retried, a deleted segment is not an error."""

import pytest
from django.db import OperationalError

from segments import tasks
from segments.services import segment_create

pytestmark = pytest.mark.django_db
OPENED = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"


def test_a_transient_database_error_is_retried(monkeypatch):
    segment = segment_create(name="Openers", query_text=OPENED)
    real = tasks.segment_evaluate
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(tasks, "segment_evaluate", flaky)
    assert tasks.evaluate_segment.apply(args=(segment.pk,)).get() == "succeeded"
    assert len(calls) == 2
    segment.refresh_from_db()
    assert segment.status == "succeeded"


def test_an_error_that_is_not_transient_is_not_retried(monkeypatch):
    segment = segment_create(name="Openers", query_text=OPENED)
    calls = []

    def broken(**kwargs):
        calls.append(kwargs)
        raise ValueError("a bug")

    monkeypatch.setattr(tasks, "segment_evaluate", broken)
    result = tasks.evaluate_segment.apply(args=(segment.pk,))
    assert result.failed() and len(calls) == 1


def test_a_segment_deleted_before_its_task_ran_is_skipped_quietly():
    assert tasks.evaluate_segment.apply(args=(987654,)).get() == "deleted"
