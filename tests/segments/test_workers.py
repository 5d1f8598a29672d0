"""Real workers: Redis broker, worker processes and PostgreSQL, as in production.

Each test starts `celery -A designer worker` processes on the test database and a queue of its own,
and sends tasks through Redis by name, exactly as the web process does.
"""

import pytest
from django.db import connection, connections

from segments.models import EvaluationRun, Membership, MembershipChange, Segment
from segments.services import segment_create

from .conftest import kill, wait_for
from .helpers import contact, interact

pytestmark = [pytest.mark.redis, pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]
QUERY = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"


def locked_change_log():
    """Another session holding the change log, so that an evaluation blocks mid-transaction."""
    holder = connections.create_connection("default")
    holder.ensure_connection()
    holder.connection.autocommit = False
    with holder.connection.cursor() as cursor:
        cursor.execute("LOCK TABLE segments_membershipchange IN EXCLUSIVE MODE")
    return holder


def blocked_on_lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = %s",
                       [connection.settings_dict["NAME"]])
        return cursor.fetchone()[0] > 0


def test_a_segment_evaluates_through_the_broker_on_a_worker(broker, workers):
    interact("EmailOpened", contact("Ada"))
    segment = segment_create(name="openers", query_text=QUERY)
    workers("w1")
    broker(segment.pk)
    wait_for(lambda: Segment.objects.get(pk=segment.pk).status == "succeeded", what="the evaluation")
    assert Membership.objects.filter(segment=segment).count() == 1


def test_a_worker_killed_mid_evaluation_leaves_the_old_membership_and_the_task_is_redelivered(broker, workers):
    ada = contact("Ada")
    interact("EmailOpened", ada)
    segment = segment_create(name="openers", query_text=QUERY)
    first = workers("w1", visibility_timeout=3)
    broker(segment.pk)
    wait_for(lambda: Segment.objects.get(pk=segment.pk).status == "succeeded", what="the first evaluation")
    before = list(Membership.objects.values_list("contact_id", "since"))
    interact("EmailOpened", contact("Bob"))

    holder = locked_change_log()
    broker(segment.pk)
    wait_for(blocked_on_lock, what="the worker to block inside its transaction")
    kill(first)
    holder.rollback()
    holder.close()
    assert list(Membership.objects.values_list("contact_id", "since")) == before

    workers("w2", visibility_timeout=3)
    wait_for(lambda: Membership.objects.filter(segment=segment).count() == 2, what="the redelivered task")
    assert MembershipChange.objects.filter(segment=segment).count() == 2
    assert EvaluationRun.objects.filter(segment=segment, status="succeeded").count() == 2


def test_two_workers_never_evaluate_the_same_segment_at_once(broker, workers):
    for name in ("Ada", "Bob", "Cy"):
        interact("EmailOpened", contact(name))
    segment = segment_create(name="openers", query_text=QUERY)
    workers("w1")
    workers("w2")
    holder = locked_change_log()
    broker(segment.pk)
    broker(segment.pk)
    wait_for(lambda: EvaluationRun.objects.filter(segment=segment, status="skipped").exists(),
             what="the second worker to find the segment busy")
    holder.rollback()
    holder.close()
    # Delivery is at least once (a retried task can arrive more than once), so "both" means two or more.
    wait_for(lambda: EvaluationRun.objects.filter(segment=segment, status="succeeded").count() >= 2,
             what="both evaluations, one after the other")
    statuses = set(EvaluationRun.objects.filter(segment=segment).values_list("status", flat=True))
    assert statuses <= {"succeeded", "skipped", "running"}, statuses  # a busy segment is skipped, never failed
    assert Membership.objects.filter(segment=segment).count() == 3
    assert MembershipChange.objects.filter(segment=segment).count() == 3  # no one entered twice
