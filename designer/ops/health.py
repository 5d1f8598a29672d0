"""GET /healthz (the process answers) and GET /readyz (it can do its work): for load balancers and orchestrators.

Neither needs a sign-in, and neither names a host, a URL or an error's text: a failed check answers a fixed
phrase. /readyz answers 200 only when every check passes, else 503 with the failed checks named.
"""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import heartbeat

OK = "ok"
_migrated = False  # once every migration is applied, it stays so for this process's code


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    checks = {"database": _database()}
    checks["migrations"] = _migrations() if checks["database"] == OK else "unknown: the database does not answer"
    if settings.CELERY_BROKER_URL:  # without a broker, tasks run in-process: no worker or beat to wait for
        checks.update(_broker())
    failed = [name for name, outcome in checks.items() if outcome != OK]
    return JsonResponse({"status": "not ready" if failed else "ready", "checks": checks, "failed": failed},
                        status=503 if failed else 200)


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "unreachable"
    return OK


def _migrations() -> str:
    global _migrated
    if not _migrated:
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError:
            return "unknown: the migration table cannot be read"
        if pending:
            return f"{len(pending)} migration(s) not applied"
        _migrated = True
    return OK


def _broker() -> dict[str, str]:
    try:
        client = heartbeat.broker_client(settings.CELERY_BROKER_URL)
        client.ping()
        worker_age, beat_age = heartbeat.ages(client)
    except redis.RedisError:
        unknown = "unknown: the broker does not answer"
        return {"broker": "unreachable", "worker": unknown, "beat": unknown}
    return {"broker": OK,
            "worker": _fresh(worker_age, settings.READY_WORKER_MAX_AGE, "no worker heartbeat"),
            "beat": _fresh(beat_age, settings.READY_BEAT_MAX_AGE, "no beat tick")}


def _fresh(age: float | None, limit: float, missing: str) -> str:
    if age is None:
        return f"{missing} recorded"
    if age > limit:
        return f"{missing} for {age:.0f} s (limit {limit:.0f} s)"
    return OK
