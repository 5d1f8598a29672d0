"""`benchmark --sections workers`: how long real worker processes take to refresh many live segments after a
burst of new interactions, and how long a person's "Evaluate now" waits meanwhile, on its own queue and (for
contrast) queued behind the refreshes. It prints; it asserts nothing.

Each round ingests a burst (without queuing anything), starts one `celery -A designer worker -c N` on queues
of its own, queues one refresh per live segment exactly as the services do, then one interactive
evaluation on the interactive queue and one on the refresh queue, and waits for all of them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

from segments.evaluation import segment_evaluate
from segments.models import EvaluationRun, Segment
from segments.services import EVALUATE_TASK, segment_create

ROOT = Path(__file__).resolve().parents[2]
TYPES = (("EmailOpened", "EmailOpened_ContactLink"), ("EmailClicked", "EmailClicked_ContactLink"),
         ("EmailSent", "EmailSent_ContactLink"), ("FormSubmitted", "FormSubmitted_ContactLink"))


def live_segments(prefix: str, count: int) -> list[Segment]:
    """`count` live, evaluated segments reading the burst's types: counts over windows, some filtered."""
    made = []
    for i in range(count):
        kind, link = TYPES[i % len(TYPES)]
        where = ".FILTER(City == 'Oslo')" if kind == "EmailOpened" and i % 8 == 0 else ""
        text = f"INTERACTION({kind}, {link}){where}.HAVING(COUNT() >= {1 + i % 5}, UTCDAYS({(7, 30, 90)[i % 3]}))"
        segment = segment_create(name=f"{prefix}live {i:03d}", query_text=text)
        Segment.objects.filter(pk=segment.pk).update(state=Segment.State.LIVE)
        segment_evaluate(segment_id=segment.pk)
        made.append(segment)
    return made


def start_worker(processes: int, queue_prefix: str, broker_url: str, log: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "designer.settings", "CELERY_BROKER_URL": broker_url,
           "CELERY_QUEUE_PREFIX": queue_prefix, "CELERY_QUEUE": f"{queue_prefix}segments",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    queues = ",".join(f"{queue_prefix}{name}" for name in ("interactive", "refresh"))
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "designer", "worker", "-c", str(processes), "-Q", queues,
         "-n", f"bench-{uuid.uuid4().hex[:6]}@%h", "--loglevel", "WARNING", "--logfile", str(log)],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process


def wait_until(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.2)


def finished_runs(segment_ids, since) -> dict[int, float]:
    runs = (EvaluationRun.objects.filter(segment_id__in=segment_ids, status=EvaluationRun.Status.SUCCEEDED,
                                         started__gte=since).values_list("segment_id", "finished"))
    latest: dict[int, float] = {}
    for segment_id, finished in runs:
        latest[segment_id] = max(latest.get(segment_id, 0), finished.timestamp())
    return latest


def benchmark_workers(*, out, arrive, prefix: str, segments: int, burst: int, process_counts, broker_url: str):
    out.write(f"== workers: refresh {segments} live segments after a burst of {burst:,} new interactions, "
              f"one `celery worker -c N` on its own queues (broker {broker_url.split('@')[-1]})")
    live = live_segments(prefix, segments)
    probes = [segment_create(name=f"{prefix}probe {name}", query_text="INTERACTION(EmailClicked, "
                             "EmailClicked_ContactLink).HAVING(COUNT() >= 2, UTCDAYS(30))") for name in ("a", "b")]
    for probe in probes:
        segment_evaluate(segment_id=probe.pk)
    app = Celery(broker=broker_url)
    out.write(f"  {'processes':>9} {'refresh all':>12} {'per segment':>12} {'Evaluate now (interactive)':>27} "
              f"{'Evaluate now (behind refreshes)':>32}")
    try:
        for processes in process_counts:
            arrive(burst)
            queue_prefix = f"bench-{uuid.uuid4().hex[:8]}-"
            with tempfile.TemporaryDirectory() as folder:
                log = Path(folder) / "worker.log"
                worker = start_worker(processes, queue_prefix, broker_url, log)
                try:
                    # The worker is ready when it has taken a first (trivial) task: a deleted segment's.
                    app.send_task(EVALUATE_TASK, args=[0], queue=f"{queue_prefix}interactive")
                    with app.connection_for_read() as conn:
                        wait_until(lambda q=f"{queue_prefix}interactive": conn.default_channel.client.llen(q) == 0,
                                   60, "the worker to start")
                    since = timezone.now()
                    sent = time.time()
                    for segment in live:
                        app.send_task(EVALUATE_TASK, args=[segment.pk], kwargs={"reason": "new interactions"},
                                      queue=f"{queue_prefix}refresh")
                    asked = time.time()
                    app.send_task(EVALUATE_TASK, args=[probes[0].pk], kwargs={"reason": "requested"},
                                  queue=f"{queue_prefix}interactive")
                    app.send_task(EVALUATE_TASK, args=[probes[1].pk], kwargs={"reason": "requested"},
                                  queue=f"{queue_prefix}refresh")
                    ids = [s.pk for s in live] + [p.pk for p in probes]
                    wait_until(lambda ids=ids, since=since: len(finished_runs(ids, since)) == len(ids), 1800,
                               "every refresh")
                    done = finished_runs(ids, since)
                    refreshed = max(done[s.pk] for s in live) - sent
                    out.write(f"  {processes:>9} {refreshed:>11.1f}s {refreshed / len(live) * 1000:>10.0f}ms "
                              f"{done[probes[0].pk] - asked:>26.2f}s {done[probes[1].pk] - asked:>31.1f}s")
                finally:
                    if worker.poll() is None:
                        os.killpg(worker.pid, signal.SIGTERM)
                        worker.wait(60)
                    with app.connection_for_write() as conn:
                        for name in ("interactive", "refresh", "segments"):
                            conn.default_channel.queue_delete(f"{queue_prefix}{name}")
    finally:
        app.close()
        Segment.objects.filter(pk__in=[s.pk for s in live + probes]).delete()
    out.write(f"  (burst ingested before each round; {settings.CELERY_WORKER_PREFETCH_MULTIPLIER} task "
              "prefetched per process; times from the first refresh queued to the last run finished)\n")
