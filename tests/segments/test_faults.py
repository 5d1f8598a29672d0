"""Faults: a run that cannot finish says so at once, and the membership stays as it was.

An exception, an interrupt or a worker's SIGTERM mark the run and the segment failed immediately, on a
connection of the run's own, so that neither a rolled-back transaction nor a broken connection hides it
(only a SIGKILL leaves that to reset_stuck_runs and the task's redelivery).
"""

import os
import signal
import subprocess
from pathlib import Path

import kombu
import pytest
import redis
from celery import Celery
from django.db import connection
from django.utils import timezone

from segments import evaluation
from segments.evaluation import segment_evaluate
from segments.models import EvaluationRun, Membership, Segment
from segments.query import compile_query, parse
from segments.services import segment_create

from .conftest import WORKER_LOGS, wait_for
from .helpers import contact, interact
from .test_workers import blocked_on_lock, locked_change_log

TRANSPORT = "designer.broker:Transport"  # what designer/settings.py chooses for a redis:// broker
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


@pytest.mark.django_db(transaction=True)
def test_a_run_left_running_by_a_lost_worker_is_marked_failed_by_the_segments_next_run():
    interact("EmailOpened", contact("Ada"))
    segment = segment_create(name="openers", query_text=QUERY)
    # What a SIGKILL, or a database gone before the failure could be written, leaves behind.
    lost = EvaluationRun.objects.create(segment=segment, version=segment.version, evaluated_at=timezone.now())
    run = segment_evaluate(segment_id=segment.pk)
    lost.refresh_from_db()
    assert (run.status, lost.status) == ("succeeded", "failed")
    assert lost.error.startswith("interrupted") and lost.finished is not None


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
    assert list(Membership.objects.filter(segment=segment).values_list("contact__fullname", flat=True)) == ["Ada"]


class OwnRedis:
    """A Redis of the test's own, keeping its data in an append-only file, that the test stops and starts."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--appendonly", "yes", "--save", ""], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.answers, timeout=20, what=f"Redis on port {self.port}")

    def answers(self):
        try:
            return redis.Redis.from_url(self.url).ping()
        except redis.ConnectionError:
            return False

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)


@pytest.fixture
def own_redis(tmp_path):
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    server = OwnRedis(tmp_path, 6411 + worker)
    yield server
    server.stop()


def from_scratch(segment) -> set:
    sql, params = compile_query(parse(segment.query), now=timezone.now(), dialect=connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.redis
@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_workers_survive_a_broker_restart_and_the_queued_work_completes(own_redis, queue, workers):
    for name in ("Ada", "Bob", "Cy"):
        interact("EmailOpened", contact(name))
    interact("EmailClicked", contact("Dee"))
    segments = [segment_create(name=f"segment {n}", query_text=text) for n, text in enumerate(
        [QUERY, "INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1)",
         "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() == 0)"])]
    started = [workers(f"w{n}", visibility_timeout=5, broker_url=own_redis.url, concurrency=2, as_documented=True)
               for n in (1, 2)]
    app = Celery(broker=own_redis.url, set_as_current=False)  # later tests' tasks stay in-process
    holder = locked_change_log()  # the first evaluations hold their tasks unacknowledged across the restart
    try:
        # Twice each: a second run of a busy segment waits for its retry unacknowledged in the worker.
        for segment in segments + segments:
            app.send_task("segments.tasks.evaluate_segment", args=[segment.pk], queue=queue)
        wait_for(blocked_on_lock, what="a worker to block inside its transaction")
        own_redis.stop()
        # Down until every worker has found it gone (a quick return is hidden by redis-py's own retry).
        wait_for(lambda: all("Cannot connect to" in log.read_text() for log in WORKER_LOGS),
                 what="the workers to notice the broker is gone")
        own_redis.start()
    finally:
        holder.rollback()
        holder.close()
        app.close()
    wait_for(lambda: all(Segment.objects.get(pk=s.pk).status == "succeeded" for s in segments), timeout=90,
             what="every queued evaluation to complete after the restart")
    assert [worker.poll() for worker in started] == [None, None]
    for segment in segments:
        members = set(Membership.objects.filter(segment=segment).values_list("contact_id", flat=True))
        assert members == from_scratch(segment)


@pytest.mark.redis
def test_closing_a_channel_whose_connection_is_gone_with_tasks_unacknowledged_is_a_connection_error(own_redis):
    """The step of a broker restart that made workers exit: Celery closes the consumer's connection after
    the transport was released, with tasks still unacknowledged (kombu then tries to put them back)."""
    with kombu.Connection(own_redis.url, transport=TRANSPORT) as conn:
        channel = conn.default_channel
        channel.qos._delivered["a-task"] = object()  # what a delivered, unacknowledged task leaves
        conn.transport.client = None  # what releasing the connection did before the close
        conn.maybe_close_channel(channel)  # ignores connection errors only; an AttributeError got through
