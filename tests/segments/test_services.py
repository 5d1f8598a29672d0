"""Segment lifecycle: create, edit with optimistic concurrency, go live, stop, delete, duplicate."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from segments.evaluation import segment_evaluate
from segments.models import EvaluationRun, Membership, MembershipChange, Segment
from segments.query import QueryError
from segments.services import (
    ConcurrentEdit,
    SegmentError,
    SegmentInUse,
    next_evaluation,
    refresh_due_segments,
    segment_create,
    segment_delete,
    segment_duplicate,
    segment_go_live,
    segment_stop,
    segment_update,
)

from .helpers import T0, contact, days, interact

pytestmark = pytest.mark.django_db

OPENED = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"
CLICKED_45 = "INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1, UTCDAYS(45))"


def test_create_stores_the_canonical_text_and_what_the_query_reads():
    segment = segment_create(name="Openers", query_text="interaction(emailopened, EmailOpenedContactLink)"
                                                        ".having(count() > 0)")
    assert segment.query == OPENED
    assert (segment.kind, segment.state, segment.version) == ("behavioral", "draft", 1)
    assert (segment.reads_types, segment.uses_segments, segment.has_window) == (["EmailOpened"], [], False)


def test_a_compound_query_makes_a_compound_segment():
    segment_create(name="a", query_text=OPENED)
    segment_create(name="b", query_text=CLICKED_45)
    compound = segment_create(name="both", query_text="SEGMENT(a) INTERSECT SEGMENT(b)")
    assert (compound.kind, compound.uses_segments) == ("compound", ["a", "b"])


@pytest.mark.parametrize(
    ("name", "text", "error"),
    [
        ("", OPENED, SegmentError),
        ("x", "INTERACTION(EmailOpend, EmailOpend_ContactLink).HAVING(COUNT() >= 1)", QueryError),
        ("x", "SEGMENT(nope)", QueryError),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(name, text, error):
    with pytest.raises(error):
        segment_create(name=name, query_text=text)
    assert not Segment.objects.exists()


def test_names_are_unique():
    segment_create(name="Openers", query_text=OPENED)
    with pytest.raises(SegmentError, match="a segment named 'Openers' exists already"):
        segment_create(name="Openers", query_text=OPENED)


def test_an_edit_of_an_older_version_is_refused_not_lost():
    segment = segment_create(name="Openers", query_text=OPENED)
    stale = Segment.objects.get(pk=segment.pk)
    segment_update(segment=segment, version=1, description="first edit")
    with pytest.raises(ConcurrentEdit, match="now version 2, you edited version 1"):
        segment_update(segment=stale, version=1, query_text=CLICKED_45)
    segment.refresh_from_db()
    assert (segment.version, segment.description, segment.query) == (2, "first edit", OPENED)


def test_saving_a_live_segment_evaluates_it_at_once(django_capture_on_commit_callbacks):
    who = contact()
    interact("EmailClicked", who, at=T0)
    segment = segment_create(name="Clickers", query_text=OPENED)
    with django_capture_on_commit_callbacks(execute=True):
        segment_go_live(segment=segment)
    segment.refresh_from_db()
    assert segment.member_count == 0
    with django_capture_on_commit_callbacks(execute=True):
        segment_update(segment=segment, version=segment.version,
                       query_text="INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1)")
    segment.refresh_from_db()
    assert (segment.member_count, segment.evaluated_version, segment.status) == (1, 2, "succeeded")


def test_going_live_evaluates_and_schedules_the_next_run(django_capture_on_commit_callbacks):
    interact("EmailOpened", contact(), at=T0)
    with django_capture_on_commit_callbacks(execute=True):
        segment = segment_go_live(segment=segment_create(name="Openers", query_text=OPENED))
    segment.refresh_from_db()
    assert (segment.state, segment.status, segment.member_count) == ("live", "succeeded", 1)
    assert segment.next_evaluation_at > segment.last_evaluated_at
    assert segment.runs.get().status == "succeeded"


def test_a_segment_used_by_a_live_compound_cannot_be_stopped_or_deleted(django_capture_on_commit_callbacks):
    a = segment_go_live(segment=segment_create(name="a", query_text=OPENED))
    b = segment_create(name="b", query_text=CLICKED_45)
    segment_go_live(segment=segment_create(name="openers not clickers", query_text="SEGMENT(a) EXCEPT SEGMENT(b)"))
    with pytest.raises(SegmentInUse) as refused:
        segment_stop(segment=a)
    assert str(refused.value) == "'a' cannot be stopped: it is used by the live segment 'openers not clickers'"
    with pytest.raises(SegmentInUse) as refused:
        segment_delete(segment=b)
    assert str(refused.value) == "'b' cannot be deleted: it is used by 'openers not clickers'"
    with pytest.raises(SegmentInUse) as refused:
        segment_update(segment=b, version=b.version, name="c")
    assert str(refused.value) == ("'b' cannot be renamed: it is used by 'openers not clickers', "
                                  "which refers to it by name")
    assert Segment.objects.count() == 3


def test_a_refusal_names_how_many_segments_use_one_in_plain_words():
    a = segment_go_live(segment=segment_create(name="a", query_text=OPENED))
    for name in ("x", "y", "z"):
        segment_go_live(segment=segment_create(name=name, query_text="SEGMENT(a)"))
    with pytest.raises(SegmentInUse) as refused:
        segment_stop(segment=a)
    assert str(refused.value) == "'a' cannot be stopped: it is used by 3 live segments: 'x', 'y' and 'z'"
    with pytest.raises(SegmentInUse) as refused:
        segment_delete(segment=a)
    assert str(refused.value) == "'a' cannot be deleted: it is used by 3 segments: 'x', 'y' and 'z'"
    with pytest.raises(SegmentInUse) as refused:
        segment_update(segment=a, version=a.version, name="b")
    assert str(refused.value) == ("'a' cannot be renamed: it is used by 3 segments: 'x', 'y' and 'z', "
                                  "which refer to it by name")


def test_stop_and_delete_when_unused():
    segment = segment_go_live(segment=segment_create(name="a", query_text=OPENED))
    segment = segment_stop(segment=segment)
    assert (segment.state, segment.next_evaluation_at) == ("stopped", None)
    segment_delete(segment=segment)
    assert not Segment.objects.exists()


def test_delete_takes_the_segments_members_runs_and_change_log_by_its_own_indexes():
    kept = segment_go_live(segment=segment_create(name="kept", query_text=OPENED))
    gone = segment_go_live(segment=segment_create(name="gone", query_text=OPENED))
    interact("EmailOpened", contact("Ada"))
    for segment in (kept, gone):
        segment_evaluate(segment_id=segment.pk, at=T0 + days(1))
    before = {model: model.objects.filter(segment=kept).count() for model in (Membership, MembershipChange,
                                                                                 EvaluationRun)}
    assert all(before.values()) and Membership.objects.filter(segment=gone).exists()
    with CaptureQueriesContext(connection) as queries:
        segment_delete(segment=segment_stop(segment=gone))
    assert not any(model.objects.filter(segment_id=gone.pk).exists()
                   for model in (Membership, MembershipChange, EvaluationRun))
    assert {model: model.objects.filter(segment=kept).count() for model in before} == before
    change_log = MembershipChange._meta.db_table
    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'DELETE FROM "{change_log}"')]
    assert deletes and all('"segment_id" IN' in sql for sql in deletes), deletes  # never by run: no index


def test_duplicate_makes_a_draft_with_a_free_name():
    original = segment_create(name="Openers", query_text=OPENED, description="d")
    first = segment_duplicate(segment=original)
    second = segment_duplicate(segment=original)
    assert (first.name, second.name) == ("Openers (copy)", "Openers (copy 2)")
    assert (first.query, first.description, first.state) == (OPENED, "d", "draft")


def test_windowed_segments_refresh_at_least_at_the_next_midnight(settings):
    settings.SEGMENT_REFRESH_INTERVAL = 6 * 3600
    windowed = Segment(state="live", has_window=True)
    lifetime = Segment(state="live", has_window=False)
    at = T0.replace(hour=21)
    assert next_evaluation(windowed, at) == (at + days(1)).replace(hour=0)
    assert next_evaluation(lifetime, at) == at.replace(hour=21) + days(0.25)
    assert next_evaluation(Segment(state="draft"), at) is None


def test_due_live_segments_are_queued_and_evaluated(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        segment = segment_go_live(segment=segment_create(name="Openers", query_text=OPENED))
    interact("EmailOpened", contact(), at=T0)
    segment.refresh_from_db()
    assert refresh_due_segments(now=segment.next_evaluation_at - days(0.001)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert refresh_due_segments(now=segment.next_evaluation_at) == 1
    segment.refresh_from_db()
    assert segment.member_count == 1 and segment.runs.count() == 2


def test_a_failing_in_process_evaluation_is_recorded_not_raised(monkeypatch, django_capture_on_commit_callbacks):
    from segments import evaluation

    def broken(*args, **kwargs):
        return "SELECT contact_id FROM no_such_table", []

    monkeypatch.setattr(evaluation, "compile_query", broken)
    segment = segment_create(name="Openers", query_text=OPENED)
    with django_capture_on_commit_callbacks(execute=True):
        segment_go_live(segment=segment)
    segment.refresh_from_db()
    assert (segment.state, segment.status) == ("live", "failed")
    assert "no_such_table" in segment.last_error


def test_a_broker_that_is_down_does_not_fail_the_saved_change(monkeypatch, django_capture_on_commit_callbacks):
    from segments import tasks

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.evaluate_segment, "apply_async", unreachable)
    segment = segment_create(name="Openers", query_text=OPENED)
    with django_capture_on_commit_callbacks(execute=True):
        segment_go_live(segment=segment)
    segment.refresh_from_db()
    assert (segment.state, segment.status) == ("live", "queued")
