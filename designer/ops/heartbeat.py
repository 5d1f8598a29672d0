"""Worker heartbeats and beat ticks, kept in the broker's Redis where every web process reads them (/readyz).

Each worker records `hostname -> Redis time` in a sorted set every WORKER_HEARTBEAT_INTERVAL seconds (a
worker bootstep on the worker's own timer); beat records the time of its latest tick (its scheduler). Both
stamps are Redis' clock, so a web machine whose clock drifts still reads true ages. Without a broker there
are no workers and nothing is recorded.
"""

from __future__ import annotations

import logging
import time
from functools import cache

import redis
from celery import bootsteps
from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

_FORGET_AFTER = 24 * 3600  # a worker gone for a day leaves the set


def workers_key() -> str:
    return f"{settings.HEARTBEAT_KEY_PREFIX}:workers"


def beat_key() -> str:
    return f"{settings.HEARTBEAT_KEY_PREFIX}:beat"


@cache
def broker_client(url: str) -> redis.Redis:
    """One connection pool per broker URL; short timeouts, so a probe answers while Redis does not."""
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def _now(client: redis.Redis) -> float:
    seconds, microseconds = client.time()
    return seconds + microseconds / 1e6


def record_worker_heartbeat(hostname: str) -> None:
    client = broker_client(settings.CELERY_BROKER_URL)
    now = _now(client)
    key = workers_key()
    client.pipeline().zadd(key, {hostname: now}).zremrangebyscore(key, 0, now - _FORGET_AFTER).execute()


def record_beat_tick() -> None:
    client = broker_client(settings.CELERY_BROKER_URL)
    client.set(beat_key(), repr(_now(client)))


def ages(client: redis.Redis) -> tuple[float | None, float | None]:
    """Seconds since the newest worker heartbeat and since beat's last tick (None: never recorded)."""
    now = _now(client)
    newest = client.zrevrange(workers_key(), 0, 0, withscores=True)
    tick = client.get(beat_key())
    return (now - newest[0][1] if newest else None), (now - float(tick) if tick is not None else None)


class WorkerHeartbeat(bootsteps.StartStopStep):
    """A worker bootstep: records the worker's heartbeat at start and then on the worker's timer."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_entry = None

    def start(self, worker):
        self.record(worker.hostname)
        self.timer_entry = worker.timer.call_repeatedly(settings.WORKER_HEARTBEAT_INTERVAL, self.record,
                                                        (worker.hostname,), priority=10)

    def stop(self, worker):
        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None

    @staticmethod
    def record(hostname: str) -> None:
        try:
            record_worker_heartbeat(hostname)
        except redis.RedisError as exc:
            # The broker is away; the worker reconnects on its own and the next heartbeat records it.
            logger.warning("worker heartbeat not recorded: %s", type(exc).__name__)


class TickRecordingScheduler(PersistentScheduler):
    """Beat's default scheduler, recording its ticks and waking often enough that a live beat looks live."""

    _recorded = float("-inf")

    def tick(self, *args, **kwargs):
        delay = super().tick(*args, **kwargs)
        # A busy tick returns 0 and comes again at once: one record a second is plenty.
        if time.monotonic() - self._recorded >= 1:
            try:
                record_beat_tick()
                self._recorded = time.monotonic()
            except redis.RedisError as exc:
                logger.warning("beat tick not recorded: %s", type(exc).__name__)
        return min(delay, settings.READY_BEAT_MAX_AGE / 3)
