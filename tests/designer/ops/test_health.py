"""/healthz and /readyz in process: what each check answers, with no sign-in and no configuration shown."""

import json
import uuid

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder

from designer.ops import health, heartbeat

pytestmark = pytest.mark.django_db
NOBODY_LISTENS = "redis://127.0.0.1:6409/0"  # one of this suite's ports, never started by these tests


def ready(client):
    response = client.get("/readyz")
    return response.status_code, json.loads(response.content)


def test_healthz_answers_without_a_sign_in_or_a_database_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "no-cache" in response["Cache-Control"]


def test_without_a_broker_ready_means_the_database_answers_and_is_migrated(client, settings):
    settings.CELERY_BROKER_URL = ""
    assert ready(client) == (200, {"status": "ready", "failed": [],
                                   "checks": {"database": "ok", "migrations": "ok"}})


def test_an_unapplied_migration_makes_it_not_ready(client, monkeypatch, settings):
    settings.CELERY_BROKER_URL = ""
    monkeypatch.setattr(health, "_migrated", False)
    MigrationRecorder.Migration.objects.filter(app="segments").order_by("-id").first().delete()
    status, answer = ready(client)
    assert (status, answer["failed"], answer["checks"]["migrations"]) == (503, ["migrations"],
                                                                          "1 migration(s) not applied")


def test_a_database_that_does_not_answer_makes_it_not_ready(client, monkeypatch, settings):
    settings.CELERY_BROKER_URL = ""

    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 10.0.0.9 failed")

    monkeypatch.setattr(connection, "cursor", refuse)
    status, answer = ready(client)
    assert (status, answer["checks"]) == (503, {"database": "unreachable",
                                                "migrations": "unknown: the database does not answer"})
    assert "10.0.0.9" not in json.dumps(answer)


def test_a_broker_that_does_not_answer_is_named_and_its_address_is_not(client, settings):
    settings.CELERY_BROKER_URL = NOBODY_LISTENS
    status, answer = ready(client)
    assert (status, answer["failed"]) == (503, ["broker", "worker", "beat"])
    assert answer["checks"]["broker"] == "unreachable"
    assert "6409" not in json.dumps(answer)


@pytest.fixture
def broker(settings):
    """The suite's Redis as the broker, with heartbeat keys of this test only (real workers of other tests
    record theirs in the same Redis)."""
    settings.CELERY_BROKER_URL = settings.TEST_REDIS_URL
    settings.HEARTBEAT_KEY_PREFIX = f"test-{uuid.uuid4().hex[:12]}:heartbeat"
    client = heartbeat.broker_client(settings.CELERY_BROKER_URL)
    yield client
    client.delete(heartbeat.workers_key(), heartbeat.beat_key())


@pytest.mark.redis
def test_with_a_broker_it_waits_for_a_worker_heartbeat_and_a_beat_tick(client, broker):
    status, answer = ready(client)
    assert (status, answer["failed"]) == (503, ["worker", "beat"])
    assert (answer["checks"]["worker"], answer["checks"]["beat"]) == ("no worker heartbeat recorded",
                                                                      "no beat tick recorded")
    heartbeat.WorkerHeartbeat.record(f"worker-{uuid.uuid4().hex[:6]}@test")
    assert ready(client)[1]["failed"] == ["beat"]
    heartbeat.record_beat_tick()
    assert ready(client) == (200, {"status": "ready", "failed": [], "checks": {
        "database": "ok", "migrations": "ok", "broker": "ok", "worker": "ok", "beat": "ok"}})


@pytest.mark.redis
@pytest.mark.parametrize(("check", "limit"), [("worker", "READY_WORKER_MAX_AGE"), ("beat", "READY_BEAT_MAX_AGE")])
def test_a_heartbeat_older_than_its_limit_makes_it_not_ready(client, broker, check, limit):
    heartbeat.WorkerHeartbeat.record("w@test")
    heartbeat.record_beat_tick()
    seconds, _ = broker.time()
    old = seconds - getattr(settings, limit) - 30
    if check == "worker":
        broker.zadd(heartbeat.workers_key(), {"w@test": old})
    else:
        broker.set(heartbeat.beat_key(), repr(float(old)))
    status, answer = ready(client)
    assert (status, answer["failed"]) == (503, [check])
    assert answer["checks"][check].endswith(f"(limit {getattr(settings, limit):.0f} s)")
