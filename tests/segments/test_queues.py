"""Evaluations are queued by why they run, and a lost queued marker never keeps a segment from running."""

from datetime import timedelta

import pytest
from celery.canvas import Signature
from django.utils import timezone

from designer.celery import app
from segments.models import Segment
from segments.services import (
    INTERACTIVE,
    REFRESH,
    interactions_arrived,
    refresh_due_segments,
    segment_create,
    segment_go_live,
    segment_request_evaluation,
)

pytestmark = pytest.mark.django_db
QUERY = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"


@pytest.fixture
def sent(monkeypatch):
    queues = []
    monkeypatch.setattr(Signature, "apply_async", lambda self, **options: queues.append(options["queue"]))
    return queues


def live_segment(segment=None):
    segment = segment or segment_create(name="openers", query_text=QUERY)
    Segment.objects.filter(pk=segment.pk).update(state=Segment.State.LIVE)
    segment.refresh_from_db()
    return segment


def test_the_workers_know_every_queue():
    assert {"interactive", "refresh", "upkeep"} <= {name for name in app.amqp.queues}


def go_live(segment):
    return segment_go_live(segment=segment)


@pytest.mark.parametrize(("request_it", "queue"), [
    (lambda s: segment_request_evaluation(segment=s, reason="requested in the designer"), "interactive"),
    (go_live, "interactive"),
    (lambda s: refresh_due_segments(), "refresh"),
    (lambda s: interactions_arrived(type_names=["EmailOpened"]), "refresh"),
], ids=["evaluate-now", "go-live", "due", "new-interactions"])
def test_an_evaluation_is_queued_on_the_queue_of_its_reason(django_capture_on_commit_callbacks, sent, request_it,
                                                            queue):
    segment = segment_create(name="openers", query_text=QUERY)
    if request_it is not go_live:
        segment = live_segment(segment)
    with django_capture_on_commit_callbacks(execute=True):
        request_it(segment)
    assert sent == [queue]


@pytest.mark.parametrize(("marker_age", "queue", "queued"), [
    (timedelta(seconds=1), INTERACTIVE, False),  # a double click queues one run
    (timedelta(minutes=1), INTERACTIVE, True),  # Evaluate now does not wait for a marker that may be lost
    (timedelta(minutes=1), REFRESH, False),  # a refresh waits for it until the queue timeout
    (timedelta(hours=1), REFRESH, True),
])
def test_a_queued_marker_holds_back_a_request_until_it_is_stale(settings, marker_age, queue, queued):
    settings.SEGMENT_QUEUE_TIMEOUT = 900
    segment = live_segment()
    Segment.objects.filter(pk=segment.pk).update(queued_at=timezone.now() - marker_age, status="queued")
    assert segment_request_evaluation(segment=segment, queue=queue) is queued


def test_beat_requeues_a_segment_whose_queued_marker_is_older_than_the_queue_timeout(settings, sent):
    settings.SEGMENT_QUEUE_TIMEOUT = 900
    segment = live_segment()
    not_due = timezone.now() + timedelta(hours=1)
    Segment.objects.filter(pk=segment.pk).update(next_evaluation_at=not_due, status="queued",
                                                 queued_at=timezone.now() - timedelta(seconds=901))
    assert refresh_due_segments() == 1
    Segment.objects.filter(pk=segment.pk).update(queued_at=timezone.now() - timedelta(seconds=60))
    assert refresh_due_segments() == 0
