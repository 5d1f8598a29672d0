"""GET /metrics in the Prometheus text format (README: Production, Metrics).

Everything but the estimate latency is computed at scrape time from the database and the broker, so every
gunicorn worker answers the same, whichever process (web, worker, a command) did the work. The estimate
latency is observed where the estimate runs, in the web processes: prometheus-client's multiprocess mode
(PROMETHEUS_MULTIPROC_DIR, set up by designer/gunicorn.conf.py) adds up the workers' observations.
With METRICS_TOKEN set, only `Authorization: Bearer <METRICS_TOKEN>` is answered.
"""

from __future__ import annotations

import hmac
import os

import redis
from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu.transport.redis import PRIORITY_STEPS, Channel
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from interactions.counts import table_counts
from interactions.models import INTERACTION_MODELS
from segments.models import EvaluationRun, Segment

from ..celery import app
from . import heartbeat

PREFIX = "segment_designer"
# Seconds; the designer's estimate should answer within the first buckets, an evaluation may take minutes.
ESTIMATE_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
EVALUATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)

# Not in the default registry: each scrape builds its own (below).
ESTIMATE_SECONDS = Histogram(f"{PREFIX}_estimate_seconds",
                             "Time to answer a designer estimate (size and per-restriction counts).",
                             buckets=ESTIMATE_BUCKETS, registry=None)


class StoreCollector:
    """Figures read from the database and the broker at each scrape."""

    def collect(self):
        up = GaugeMetricFamily(f"{PREFIX}_database_up", "1 when the database answers.")
        try:
            families = [*self._runs(), self._lag(), *self._interactions()]
        except DatabaseError:  # a scrape still answers, and says what is down
            families = []
        up.add_metric([], 1 if families else 0)
        yield up
        yield from families
        if settings.CELERY_BROKER_URL:
            yield from self._broker()

    def _runs(self):
        runs = CounterMetricFamily(f"{PREFIX}_evaluation_runs", "Evaluation runs recorded, by outcome and mode.",
                                   labels=["status", "mode"])
        for row in EvaluationRun.objects.values("status", "mode").annotate(n=Count("id")).order_by():
            runs.add_metric([row["status"], row["mode"]], row["n"])
        yield runs
        duration = HistogramMetricFamily(f"{PREFIX}_evaluation_duration_seconds",
                                         "Duration of finished evaluation runs, by mode.", labels=["mode"])
        buckets = {f"le{i}": Count("id", filter=Q(duration_ms__lte=bound * 1000))
                   for i, bound in enumerate(EVALUATION_BUCKETS)}
        finished = EvaluationRun.objects.filter(duration_ms__isnull=False)
        for row in finished.values("mode").annotate(n=Count("id"), total_ms=Sum("duration_ms"), **buckets).order_by():
            duration.add_metric(
                [row["mode"]],
                [(str(bound), row[f"le{i}"]) for i, bound in enumerate(EVALUATION_BUCKETS)] + [("+Inf", row["n"])],
                sum_value=(row["total_ms"] or 0) / 1000)
        yield duration

    def _lag(self):
        lag = GaugeMetricFamily(f"{PREFIX}_segment_refresh_lag_seconds",
                                "Seconds since each live segment's membership was evaluated (never evaluated: "
                                "since its last change).", labels=["segment"])
        now = timezone.now()
        live = Segment.objects.filter(state=Segment.State.LIVE).values_list("pk", "last_evaluated_at", "updated")
        for pk, evaluated, updated in live:
            lag.add_metric([str(pk)], max((now - (evaluated or updated)).total_seconds(), 0))
        return lag

    def _interactions(self):
        stored = GaugeMetricFamily(f"{PREFIX}_interactions_stored",
                                   "Interactions ingested and stored, by type (the planner's estimate above "
                                   "50,000 rows).", labels=["type"])
        counts, _ = table_counts(INTERACTION_MODELS.values())
        for name, model in INTERACTION_MODELS.items():
            stored.add_metric([name], int(counts[model]))
        yield stored
        yield GaugeMetricFamily(f"{PREFIX}_interactions_stored_all_types",
                                "Interactions ingested and stored, all types together.",
                                value=sum(int(c) for c in counts.values()))

    def _broker(self):
        up = GaugeMetricFamily(f"{PREFIX}_broker_up", "1 when the broker answers.")
        try:
            client = heartbeat.broker_client(settings.CELERY_BROKER_URL)
            depths = {name: _queue_depth(client, name) for name in sorted(app.amqp.queues)}
            worker_age, beat_age = heartbeat.ages(client)
        except redis.RedisError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        depth = GaugeMetricFamily(f"{PREFIX}_queue_depth", "Tasks waiting in each Celery queue.", labels=["queue"])
        for name, n in depths.items():
            depth.add_metric([name], n)
        yield depth
        if worker_age is not None:
            yield GaugeMetricFamily(f"{PREFIX}_worker_heartbeat_age_seconds",
                                    "Seconds since the newest worker heartbeat.", value=worker_age)
        if beat_age is not None:
            yield GaugeMetricFamily(f"{PREFIX}_beat_tick_age_seconds", "Seconds since beat's last tick.",
                                    value=beat_age)


def _queue_depth(client: redis.Redis, queue: str) -> int:
    """LLEN of the queue's list and of its priority lists, as kombu's Redis transport keeps them."""
    keys = [queue] + [f"{queue}{Channel.sep}{step}" for step in PRIORITY_STEPS if step]
    pipe = client.pipeline()
    for key in keys:
        pipe.llen(key)
    return sum(pipe.execute())


def registry() -> CollectorRegistry:
    scrape = CollectorRegistry(auto_describe=False)
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        MultiProcessCollector(scrape)
    else:
        scrape.register(ESTIMATE_SECONDS)
    scrape.register(StoreCollector())
    return scrape


@never_cache
@require_safe
def metrics(request):
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            response = HttpResponse("A bearer token is required.\n", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
