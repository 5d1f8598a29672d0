"""Faults: a run that cannot finish says so at once, and the membership stays as it was.

An exception, an interrupt or a worker's SIGTERM mark the run and the segment failed immediately, on a
connection of the run's own, so that neither a rolled-back transaction nor a broken connection hides it
(only a SIGKILL leaves that to reset_stuck_runs and the task's redelivery).
"""

import os
import signal
from pathlib import Path

import pytest

from segments import evaluation
from segments.evaluation import segment_evaluate
from segments.models import EvaluationRun, Membership
from segments.services import segment_create

from .conftest import wait_for
from .helpers import contact, interact
from .test_workers import blocked_on_lock, locked_change_log

QUERY = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fault", [KeyboardInterrupt(), SystemExit(143), RuntimeError("disk full")],
                         ids=["interrupt", "sigterm-exit", "exception"])
def test_a_run_that_is_interrupted_is_marked_failed_at_once_and_changes_nothing(monkeypatch, fault):
    interact("EmailOpened", contact("Ada"))
    segment = segment_create(name="openers", query_text=QUERY)
    segment_evaluate(segment_id=segment.pk)
    interact("EmailOpened", contact("Bob"))
    real_apply = evaluation._apply

    def apply_then_fail(*args, **kwargs):
        real_apply(*args, **kwargs)  # the new members are written inside the transaction, then the fault
        raise fault

    monkeypatch.setattr(evaluation, "_apply", apply_then_fail)
    with pytest.raises(type(fault)):
        segment_evaluate(segment_id=segment.pk)

    run = EvaluationRun.objects.filter(segment=segment).latest("id")
    segment.refresh_from_db()
    assert run.status == "failed" and run.finished is not None
    assert run.error.startswith(type(fault).__name__)
    assert (segment.status, segment.failures) == ("failed", 1) and segment.last_error in run.error
    assert Membership.objects.filter(segment=segment).count() == 1


def pool_processes(worker) -> list[int]:
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    return [int(pid) for pid in children]


@pytest.mark.redis
@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_stopped_by_sigterm_mid_run_marks_the_run_failed_at_once(broker, workers):
    interact("EmailOpened", contact("Ada"))
    segment = segment_create(name="openers", query_text=QUERY)
    worker = workers("w1")
    holder = locked_change_log()
    try:
        broker(segment.pk)
        wait_for(blocked_on_lock, what="the worker to block inside its transaction")
        wait_for(lambda: pool_processes(worker), what="the worker's pool process")
        for pid in pool_processes(worker):
            os.kill(pid, signal.SIGTERM)
        wait_for(lambda: EvaluationRun.objects.filter(segment=segment, status="failed").exists(),
                 timeout=20, what="the run to be marked failed")
    finally:
        holder.rollback()
        holder.close()
    run = EvaluationRun.objects.get(segment=segment, status="failed")
    assert run.error.startswith("SystemExit") and run.finished is not None
    # The task was not acknowledged: it comes back and this time finishes.
    wait_for(lambda: EvaluationRun.objects.filter(segment=segment, status="succeeded").exists(),
             what="the redelivered task")
    assert list(Membership.objects.filter(segment=segment).values_list("contact__full_name", flat=True)) == ["Ada"]
