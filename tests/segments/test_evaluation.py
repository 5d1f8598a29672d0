"""Evaluation: membership follows the clock, failures change nothing, one run at a time."""

import json
import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connections

from segments import evaluation
from segments.evaluation import segment_evaluate
from segments.models import EvaluationRun, Membership, MembershipChange, Segment
from segments.services import reset_stuck_runs, segment_create, segment_go_live

from .helpers import T0, contact, days, interact

pytestmark = pytest.mark.django_db

CLICKED_45 = "INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1, UTCDAYS(45))"
QUIET_90 = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() == 0, UTCDAYS(90))"


def members(segment):
    return set(Membership.objects.filter(segment=segment).values_list("contact__fullname", flat=True))


def test_a_moving_window_lets_contacts_slip_out_as_days_pass():
    ada, bob = contact("Ada"), contact("Bob")
    interact("EmailClicked", ada, at=T0)
    interact("EmailClicked", bob, at=T0 + days(30))
    segment = segment_create(name="Clickers", query_text=CLICKED_45)

    first = segment_evaluate(segment_id=segment.pk, at=T0 + days(31))
    assert members(segment) == {"Ada", "Bob"}
    assert (first.members, first.added, first.removed, first.status) == (2, 2, 0, "succeeded")

    later = segment_evaluate(segment_id=segment.pk, at=T0 + days(45.5))
    assert members(segment) == {"Bob"}
    assert (later.members, later.added, later.removed) == (1, 0, 1)

    changes = MembershipChange.objects.filter(segment=segment).order_by("at", "contact__fullname")
    assert [(c.contact.fullname, c.change, c.run_id) for c in changes] == [
        ("Ada", "entered", first.pk), ("Bob", "entered", first.pk), ("Ada", "exited", later.pk)]
    segment.refresh_from_db()
    assert (segment.member_count, segment.last_evaluated_at) == (1, T0 + days(45.5))


def test_an_interaction_exactly_at_the_window_start_counts_and_one_after_now_does_not():
    ada, bob = contact("Ada"), contact("Bob")
    now = T0 + days(45)
    interact("EmailClicked", ada, at=now - days(45))
    interact("EmailClicked", bob, at=now + days(0.0001))
    segment = segment_create(name="Clickers", query_text=CLICKED_45)
    segment_evaluate(segment_id=segment.pk, at=now)
    assert members(segment) == {"Ada"}


def test_members_keep_their_since_across_runs():
    ada = contact("Ada")
    interact("EmailClicked", ada, at=T0)
    segment = segment_create(name="Clickers", query_text=CLICKED_45)
    segment_evaluate(segment_id=segment.pk, at=T0 + days(1))
    segment_evaluate(segment_id=segment.pk, at=T0 + days(2))
    assert Membership.objects.get(segment=segment).since == T0 + days(1)


def test_did_not_open_ranges_over_all_contacts_including_new_ones():
    ada = contact("Ada")
    contact("Bob")
    interact("EmailOpened", ada, at=T0)
    segment = segment_create(name="Quiet", query_text=QUIET_90)
    segment_evaluate(segment_id=segment.pk, at=T0 + days(1))
    assert members(segment) == {"Bob"}
    contact("Cy")
    segment_evaluate(segment_id=segment.pk, at=T0 + days(91))
    assert members(segment) == {"Ada", "Bob", "Cy"}


def test_a_failed_run_leaves_the_previous_membership_exactly_as_it_was(monkeypatch):
    ada = contact("Ada")
    interact("EmailClicked", ada, at=T0)
    segment = segment_create(name="Clickers", query_text=CLICKED_45)
    segment_evaluate(segment_id=segment.pk, at=T0 + days(1))
    before = list(Membership.objects.values_list("segment_id", "contact_id", "since"))

    def broken(*args, **kwargs):
        return "SELECT contact_id FROM no_such_table", []

    monkeypatch.setattr(evaluation, "compile_query", broken)
    with pytest.raises(Exception, match="no_such_table"):
        segment_evaluate(segment_id=segment.pk, at=T0 + days(60))
    assert list(Membership.objects.values_list("segment_id", "contact_id", "since")) == before
    assert MembershipChange.objects.count() == 1
    run = segment.runs.order_by("-started").first()
    assert run.status == "failed" and "no_such_table" in run.error
    segment.refresh_from_db()
    assert (segment.status, segment.failures, segment.member_count) == ("failed", 1, 1)
    assert "no_such_table" in segment.last_error


@pytest.mark.postgresql
def test_a_first_evaluation_that_fails_midway_writes_no_member_and_no_change(monkeypatch):
    # A first evaluation inserts the query's rows straight into the membership: a failure after some rows
    # must still leave nothing behind.
    for name in ("Ada", "Bob", "Cyd"):
        contact(name)
    segment = segment_create(name="Everyone", query_text=CLICKED_45)

    def breaks_on_bob(*args, **kwargs):
        return ("SELECT CASE WHEN fullname = 'Bob' THEN (1 / (length(fullname) - 3))::text::uuid ELSE contact_id "
                "END AS contact_id FROM interactions_contact"), []

    monkeypatch.setattr(evaluation, "compile_query", breaks_on_bob)
    with pytest.raises(Exception, match="division by zero"):
        segment_evaluate(segment_id=segment.pk, at=T0)
    assert not Membership.objects.exists() and not MembershipChange.objects.exists()
    segment.refresh_from_db()
    assert (segment.status, segment.member_count) == ("failed", None)


def test_a_full_run_after_every_member_left_enters_them_again_once():
    ada = contact("Ada")
    interact("EmailClicked", ada, at=T0)
    segment = segment_create(name="Clickers", query_text=CLICKED_45)
    segment_evaluate(segment_id=segment.pk, at=T0 + days(1))
    segment_evaluate(segment_id=segment.pk, at=T0 + days(50), full=True)
    assert members(segment) == set()
    interact("EmailClicked", ada, at=T0 + days(49))
    again = segment_evaluate(segment_id=segment.pk, at=T0 + days(50), full=True)
    assert members(segment) == {"Ada"}
    assert (again.members, again.added, again.removed) == (1, 1, 0)
    changes = MembershipChange.objects.filter(segment=segment).order_by("id")
    assert [c.change for c in changes] == ["entered", "exited", "entered"]


def test_a_run_for_an_outdated_version_stops_early(monkeypatch):
    interact("EmailClicked", contact("Ada"), at=T0)
    segment = segment_create(name="Clickers", query_text=CLICKED_45)
    real_lock = evaluation._lock

    def edit_meanwhile(segment_id):
        Segment.objects.filter(pk=segment_id).update(version=2)
        return real_lock(segment_id)

    monkeypatch.setattr(evaluation, "_lock", edit_meanwhile)
    run = segment_evaluate(segment_id=segment.pk, at=T0 + days(1))
    assert run.status == "superseded" and "version 2" in run.error
    assert not Membership.objects.exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_evaluations_of_one_segment_never_run_at_once():
    interact("EmailClicked", contact("Ada"), at=T0)
    segment = segment_create(name="Clickers", query_text=CLICKED_45)
    held, release = threading.Event(), threading.Event()

    def hold_the_lock():
        with connections["default"].cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [evaluation._LOCK_NAMESPACE, segment.pk])
            held.set()
            release.wait(10)
            cursor.execute("COMMIT")
        connections["default"].close()

    other = threading.Thread(target=hold_the_lock)
    other.start()
    assert held.wait(10)
    try:
        run = segment_evaluate(segment_id=segment.pk, at=T0 + days(1))
    finally:
        release.set()
        other.join()
    assert run.status == "skipped" and "another evaluation" in run.error
    assert not Membership.objects.exists()
    assert segment_evaluate(segment_id=segment.pk, at=T0 + days(1)).status == "succeeded"


def test_a_compound_segment_combines_the_live_memberships(django_capture_on_commit_callbacks):
    ada, bob = contact("Ada"), contact("Bob")
    interact("EmailOpened", ada, at=T0)
    interact("EmailOpened", bob, at=T0)
    interact("EmailClicked", bob, at=T0)
    with django_capture_on_commit_callbacks(execute=True):
        opened = segment_go_live(segment=segment_create(
            name="openers", query_text="INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"))
        segment_go_live(segment=segment_create(
            name="clickers", query_text="INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1)"))
        compound = segment_go_live(segment=segment_create(
            name="opened, never clicked", query_text="SEGMENT(openers) EXCEPT SEGMENT(clickers)"))
    assert members(compound) == {"Ada"}
    # a change of an operand re-evaluates the live compound segments that use it
    cy = contact("Cy")
    interact("EmailOpened", cy, at=T0)
    with django_capture_on_commit_callbacks(execute=True):
        segment_evaluate(segment_id=opened.pk)
    assert members(compound) == {"Ada", "Cy"}


def test_new_interactions_refresh_the_live_segments_that_read_their_type(
        django_capture_on_commit_callbacks, client, django_user_model):
    from interactions.models import ApiToken
    ada = contact("Ada")
    with django_capture_on_commit_callbacks(execute=True):
        clickers = segment_go_live(segment=segment_create(
            name="clickers", query_text="INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1)"))
        openers = segment_go_live(segment=segment_create(
            name="openers", query_text="INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"))
    tracker = django_user_model.objects.create_user("t")
    tracker.groups.add(Group.objects.get(name="Ingest"))
    key = ApiToken.issue(name="t", user=tracker)[1]
    body = [{"type": "EmailClicked", "InteractionId": "21111111-1111-1111-1111-111111111111",
             "ContactId": str(ada.contact_id), "Timestamp": "2026-10-20T08:15:00Z"}]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/interactions", json.dumps(body), content_type="application/json",
                               headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert members(clickers) == {"Ada"}
    assert clickers.runs.count() == 2 and openers.runs.count() == 1


def test_a_queued_segment_is_not_queued_twice(django_capture_on_commit_callbacks):
    from segments.services import segment_request_evaluation
    segment = segment_create(name="clickers", query_text=CLICKED_45)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert segment_request_evaluation(segment=segment) is True
        assert segment_request_evaluation(segment=segment) is False
    assert len(callbacks) == 1
    segment.refresh_from_db()
    assert segment.status == "queued"


def test_runs_stuck_past_the_limit_are_reset(settings):
    settings.SEGMENT_RUN_TIMEOUT = 60
    segment = segment_create(name="clickers", query_text=CLICKED_45)
    Segment.objects.filter(pk=segment.pk).update(status="running")
    stuck = EvaluationRun.objects.create(segment=segment, version=1, evaluated_at=T0, started=T0)
    assert reset_stuck_runs(now=T0 + days(0.0001)) == 0
    assert reset_stuck_runs(now=T0 + days(1)) == 1
    stuck.refresh_from_db()
    segment.refresh_from_db()
    assert stuck.status == "failed" and "did not finish" in stuck.error
    assert segment.status == "failed"

