"""Fixtures for tests with real workers: `celery -A designer worker` processes on the test database, each
test on queues of its own, tasks sent through Redis by name exactly as the web process sends them."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queue():
    return f"test-{uuid.uuid4().hex[:12]}"


def queues(queue):
    """The test's own queue and its own interactive, refresh and upkeep queues (CELERY_QUEUE_PREFIX)."""
    return [queue, *(f"{queue}-{name}" for name in ("interactive", "refresh", "upkeep"))]


@pytest.fixture
def broker(queue):
    app = Celery(broker=settings.TEST_REDIS_URL, set_as_current=False)  # the suite's own tasks stay in-process
    yield lambda segment_id: app.send_task("segments.tasks.evaluate_segment", args=[segment_id], queue=queue)
    with app.connection_for_write() as conn:
        for name in queues(queue):
            conn.default_channel.queue_delete(name)
    app.close()


# Faster to start and stop; `as_documented` runs a worker as the README does, with them.
LEAN = ("--without-gossip", "--without-mingle", "--without-heartbeat")
WORKER_LOGS: list = []  # the running test's worker logs, quoted when a wait times out


@pytest.fixture
def workers(queue, tmp_path):
    started = []
    db = connection.settings_dict
    WORKER_LOGS.clear()

    def start(name, visibility_timeout=3600, broker_url=None, concurrency=1, as_documented=False, database_url=None):
        # A short visibility timeout makes Redis hand a dead worker's task to another one within seconds;
        # it must stay longer than any countdown (a retry's), or Redis hands those out again too.
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "designer.settings", "CELERY_QUEUE": queue,
               "CELERY_QUEUE_PREFIX": f"{queue}-", "CELERY_BROKER_URL": broker_url or settings.TEST_REDIS_URL,
               "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
               "CELERY_UNACKED_RESTORE_SECONDS": "1",
               "DATABASE_URL": database_url or f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
        log = tmp_path / f"{name}.log"
        WORKER_LOGS.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "designer", "worker", "-n", f"{name}-{queue}@%h",
             "-c", str(concurrency), *([] if as_documented else LEAN),
             "-Q", ",".join(queues(queue)), "--loglevel", "INFO", "--logfile", str(log)],
            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(process)
        return process

    yield start
    for process in started:
        kill(process)


def kill(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def wait_for(predicate, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    logs = "\n".join(f"--- {log.name}\n" + "\n".join(log.read_text().splitlines()[-15:])
                     for log in WORKER_LOGS if log.exists())
    raise AssertionError(f"timed out waiting for {what}\n{logs}")
