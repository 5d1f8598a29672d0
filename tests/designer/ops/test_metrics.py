"""/metrics in process: the Prometheus text, parsed; each family computed from what the store holds."""

import uuid
from datetime import timedelta

import pytest
from celery import Celery
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from designer.celery import app as celery_app
from segments.evaluation import segment_evaluate
from segments.models import EvaluationRun, Segment
from segments.services import segment_create

from ...segments.helpers import contact, interact

pytestmark = pytest.mark.django_db
QUERY = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"


def scrape(client, **headers):
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.content
    return {family.name: family for family in text_string_to_metric_families(response.content.decode())}


def samples(family, suffix=""):
    return {tuple(sorted(s.labels.items())): s.value for s in family.samples if s.name == family.name + suffix}


@pytest.mark.parametrize(("token", "sent", "status"), [
    ("", None, 200),
    ("s3cret-token", None, 401),
    ("s3cret-token", "Bearer wrong", 401),
    ("s3cret-token", "s3cret-token", 401),  # the scheme is part of it
    ("s3cret-token", "Bearer s3cret-token", 200),
])
def test_the_token_is_required_when_set(client, settings, token, sent, status):
    settings.METRICS_TOKEN = token
    response = client.get("/metrics", headers={"Authorization": sent} if sent else {})
    assert response.status_code == status
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_runs_by_status_and_mode_and_their_durations(client, settings):
    settings.CELERY_BROKER_URL = ""
    segment = segment_create(name="openers", query_text=QUERY)
    runs = [("succeeded", "full", 40), ("failed", "full", 3000), ("succeeded", "incremental", 200),
            ("running", "full", None)]
    for status, mode, duration in runs:
        EvaluationRun.objects.create(segment=segment, version=1, evaluated_at=timezone.now(), status=status,
                                     mode=mode, duration_ms=duration)
    families = scrape(client)
    assert samples(families["segment_designer_evaluation_runs"], "_total") == {
        (("mode", "full"), ("status", "succeeded")): 1, (("mode", "full"), ("status", "failed")): 1,
        (("mode", "incremental"), ("status", "succeeded")): 1, (("mode", "full"), ("status", "running")): 1}
    duration = families["segment_designer_evaluation_duration_seconds"]
    buckets = samples(duration, "_bucket")
    full = {dict(labels)["le"]: n for labels, n in buckets.items() if dict(labels)["mode"] == "full"}
    assert (full["0.05"], full["2.5"], full["5"], full["+Inf"]) == (1, 1, 2, 2)
    assert samples(duration, "_sum") == {(("mode", "full"),): 3.04, (("mode", "incremental"),): 0.2}
    assert samples(duration, "_count") == {(("mode", "full"),): 2, (("mode", "incremental"),): 1}


def test_refresh_lag_of_every_live_segment_and_the_interactions_stored(client, settings):
    settings.CELERY_BROKER_URL = ""
    for name in ("Ada", "Grace", "Alan"):
        interact("EmailOpened", contact(name))
    interact("EmailClicked", contact("Edsger"))
    live = segment_create(name="openers", query_text=QUERY)
    segment_evaluate(segment_id=live.pk)
    Segment.objects.filter(pk=live.pk).update(state=Segment.State.LIVE,
                                              last_evaluated_at=timezone.now() - timedelta(minutes=10))
    segment_create(name="a draft", query_text=QUERY)  # not live: no lag
    families = scrape(client)
    lag = samples(families["segment_designer_segment_refresh_lag_seconds"])
    assert list(lag) == [(("segment", str(live.pk)),)]
    assert 600 <= lag[(("segment", str(live.pk)),)] < 700
    stored = samples(families["segment_designer_interactions_stored"])
    assert (stored[(("type", "EmailOpened"),)], stored[(("type", "EmailClicked"),)]) == (3, 1)
    assert samples(families["segment_designer_interactions_stored_all_types"]) == {(): 4}
    assert samples(families["segment_designer_database_up"]) == {(): 1}
    assert "segment_designer_queue_depth" not in families  # no broker: tasks run in-process


def test_the_estimate_latency_counts_each_estimate(signed_in, demo, settings):
    settings.CELERY_BROKER_URL = ""

    def estimates():
        return samples(scrape(signed_in)["segment_designer_estimate_seconds"], "_count")[()]

    before = estimates()
    signed_in.post(reverse("segment-estimate"), {"current_query": QUERY})
    assert estimates() == before + 1


@pytest.mark.redis
def test_queue_depth_of_every_configured_queue(client, settings):
    settings.CELERY_BROKER_URL = settings.TEST_REDIS_URL
    queue = f"test-{uuid.uuid4().hex[:12]}"
    celery_app.amqp.queues.add(queue)  # as another queue of the app's configuration would be
    sender = Celery(broker=settings.TEST_REDIS_URL, set_as_current=False)  # the suite's tasks stay in-process
    try:
        for _ in range(3):
            sender.send_task("segments.tasks.refresh_due_segments", queue=queue)
        families = scrape(client)
    finally:
        with sender.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
        sender.close()
        celery_app.amqp.queues.pop(queue)
    depths = {dict(labels)["queue"]: n for labels, n in samples(families["segment_designer_queue_depth"]).items()}
    assert depths[queue] == 3
    assert set(depths) == set(celery_app.amqp.queues) | {queue}
    assert samples(families["segment_designer_broker_up"]) == {(): 1}


def test_a_broker_that_does_not_answer_reads_as_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6409/0"
    families = scrape(client)
    assert samples(families["segment_designer_broker_up"]) == {(): 0}
    assert "segment_designer_queue_depth" not in families


def test_a_database_that_does_not_answer_reads_as_down(client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = ""

    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 10.0.0.9 failed")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/metrics")
    families = {f.name: f for f in text_string_to_metric_families(response.content.decode())}
    assert samples(families["segment_designer_database_up"]) == {(): 0}
    assert "segment_designer_evaluation_runs" not in families and b"10.0.0.9" not in response.content
