"""Incremental refresh recomputes only the touched contacts, and always agrees with a full evaluation."""

import json
import random
import threading
import uuid

import pytest
from django.db import connection

from segments import evaluation
from segments.evaluation import segment_evaluate
from segments.models import Membership, Segment
from segments.query import compile_query, parse
from segments.services import segment_create, segment_sources

from .helpers import T0, contact, days, interact

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

QUERIES = [
    "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 2, UTCDAYS(10))",
    "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 3)",
    "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() == 0, UTCDAYS(7))",
    "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() == 2, UTCMONTHS(1))",
    "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() <= 1, UTCDAYS(6))",
    "INTERACTION(EmailOpened, EmailOpened_ContactLink).FILTER(City == 'Oslo').HAVING(COUNT() == 0, UTCDAYS(4))",
    "INTERACTION(EmailOpened, EmailOpened_ContactLink).FILTER(City == 'Oslo' || ISNULL(City))"
    ".HAVING(COUNT() >= 1, UTCDAYS(5))",
    "INTERACTION(LeadScoreBoost, LeadScoreBoost_ContactLink).HAVING(SUM(BoostValue) >= 50, UTCDAYS(20))",
    "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1, UTCDAYS(3)) "
    "EXCEPT INTERACTION(LeadScoreBoost, LeadScoreBoost_ContactLink).HAVING(COUNT() >= 1)",
]


def full_result(text, now):
    sql, params = compile_query(parse(text), now=now, dialect="postgresql", segments=segment_sources)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def members_of(segment):
    return set(Membership.objects.filter(segment=segment).values_list("contact_id", flat=True))


def assert_agrees_with_a_full_evaluation(segment, text, now, step):
    members = members_of(segment)
    assert members == full_result(text, now), f"step {step}"
    segment.refresh_from_db()
    assert segment.member_count == len(members)


def add_random_activity(rng, people, start, end, n):
    for _ in range(n):
        at = start + (end - start) * rng.random()
        if rng.random() < 0.7:
            interact("EmailOpened", rng.choice(people), at=at, city=rng.choice(["Oslo", "Rome", None]))
        else:
            interact("LeadScoreBoost", rng.choice(people), at=at, boost_value=rng.choice([5, 10, 25]))


@pytest.mark.parametrize("text", QUERIES)
def test_refreshes_agree_with_full_evaluations_as_data_arrives_and_time_passes(text, settings):
    settings.SEGMENT_FULL_REFRESH_INTERVAL = 365 * 86400
    rng = random.Random(text)
    people = [contact() for _ in range(25)]
    add_random_activity(rng, people, T0 - days(40), T0, 150)
    segment = segment_create(name=f"s-{uuid.uuid4().hex[:8]}", query_text=text)
    now = T0
    assert segment_evaluate(segment_id=segment.pk, at=now).mode == "full"
    modes = []
    for step in range(6):
        later = now + days(rng.choice([0.2, 1, 3, 8]))
        # new rows: recent, back-dated, and some beyond the next evaluation time
        add_random_activity(rng, people, now - days(12), later + days(2), 12)
        if step % 2:
            people.append(contact())
        now = later
        modes.append(segment_evaluate(segment_id=segment.pk, at=now).mode)
        assert_agrees_with_a_full_evaluation(segment, text, now, step)
    assert set(modes) == {"incremental"}


def test_a_long_time_without_a_full_run_makes_the_next_one_full(settings):
    settings.SEGMENT_FULL_REFRESH_INTERVAL = 3600
    interact("EmailOpened", contact(), at=T0)
    segment = segment_create(name="s", query_text=QUERIES[1])
    assert segment_evaluate(segment_id=segment.pk, at=T0).mode == "full"
    assert segment_evaluate(segment_id=segment.pk, at=T0 + days(0.01)).mode == "incremental"
    assert segment_evaluate(segment_id=segment.pk, at=T0 + days(1)).mode == "full"


OPERANDS = {  # name: query of a live segment that compound segments read
    "openers": "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 2, UTCDAYS(10))",
    "boosted": "INTERACTION(LeadScoreBoost, LeadScoreBoost_ContactLink).HAVING(SUM(BoostValue) >= 20)",
    "quiet": "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() == 0, UTCDAYS(5))",
}
COMPOUNDS = [
    "SEGMENT(openers) EXCEPT SEGMENT(boosted)",
    "SEGMENT(openers) INTERSECT SEGMENT(boosted)",
    "SEGMENT(quiet) UNION SEGMENT(boosted)",
    # mixed: a segment and an interaction block of their own
    "SEGMENT(boosted) EXCEPT INTERACTION(EmailOpened, EmailOpened_ContactLink).FILTER(City == 'Oslo')"
    ".HAVING(COUNT() >= 1, UTCDAYS(7))",
]


def live_operands(now):
    operands = []
    for name, text in OPERANDS.items():
        segment = segment_create(name=name, query_text=text)
        Segment.objects.filter(pk=segment.pk).update(state=Segment.State.LIVE)
        segment_evaluate(segment_id=segment.pk, at=now)
        operands.append(segment)
    return operands


@pytest.mark.parametrize("text", COMPOUNDS)
def test_compound_refreshes_follow_the_changes_of_the_memberships_they_read(text, settings):
    settings.SEGMENT_FULL_REFRESH_INTERVAL = 365 * 86400
    rng = random.Random(text)
    people = [contact() for _ in range(25)]
    add_random_activity(rng, people, T0 - days(40), T0, 150)
    now = T0
    operands = live_operands(now)
    # Not live itself, so that the operands' runs do not queue its evaluations: this test runs each one.
    compound = segment_create(name="compound", query_text=text)
    assert segment_evaluate(segment_id=compound.pk, at=now).mode == "full"
    modes = []
    for step in range(6):
        now += days(rng.choice([0.2, 1, 3]))
        add_random_activity(rng, people, now - days(12), now + days(1), 12)
        if step % 2:
            people.append(contact())
        for operand in operands:
            segment_evaluate(segment_id=operand.pk, at=now)
        modes.append(segment_evaluate(segment_id=compound.pk, at=now).mode)
        assert_agrees_with_a_full_evaluation(compound, text, now, step)
    assert set(modes) == {"incremental"}


def test_a_compound_that_read_a_segment_inline_is_recomputed_whole_once_it_reads_its_membership(settings):
    settings.SEGMENT_FULL_REFRESH_INTERVAL = 365 * 86400
    ada = contact("Ada")
    interact("EmailOpened", ada, at=T0 - days(1))
    interact("EmailOpened", ada, at=T0 - days(2))
    openers = segment_create(name="openers", query_text=OPERANDS["openers"])  # a draft: compiled inline
    compound = segment_create(name="compound", query_text="SEGMENT(openers)")
    assert segment_evaluate(segment_id=compound.pk, at=T0).mode == "full"
    assert segment_evaluate(segment_id=compound.pk, at=T0 + days(0.1)).mode == "full"  # still inline
    Segment.objects.filter(pk=openers.pk).update(state=Segment.State.LIVE)
    segment_evaluate(segment_id=openers.pk, at=T0 + days(0.2))
    # Its membership now, not its query: what the compound read before is no guide to what changed.
    assert segment_evaluate(segment_id=compound.pk, at=T0 + days(0.3)).mode == "full"
    assert segment_evaluate(segment_id=compound.pk, at=T0 + days(0.4)).mode == "incremental"
    assert members_of(compound) == {ada.contact_id}


def test_a_segment_run_committed_after_a_compound_refresh_began_is_seen_by_the_next(monkeypatch, settings):
    settings.SEGMENT_FULL_REFRESH_INTERVAL = 365 * 86400
    ada, bob = contact("Ada"), contact("Bob")
    interact("LeadScoreBoost", ada, at=T0, boost_value=25)
    boosted = segment_create(name="boosted", query_text=OPERANDS["boosted"])
    Segment.objects.filter(pk=boosted.pk).update(state=Segment.State.LIVE)
    segment_evaluate(segment_id=boosted.pk, at=T0)
    compound = segment_create(name="compound", query_text="SEGMENT(boosted)")
    segment_evaluate(segment_id=compound.pk, at=T0)
    assert members_of(compound) == {ada.contact_id}

    # The operand's run writes Bob's entry, then waits before committing while the compound refreshes.
    interact("LeadScoreBoost", bob, at=T0 + days(0.5), boost_value=25)
    written, release = threading.Event(), threading.Event()
    keep = evaluation._keep_statistics

    def hold(changed):
        keep(changed)
        if threading.current_thread() is not threading.main_thread():
            written.set()
            release.wait(30)
    monkeypatch.setattr(evaluation, "_keep_statistics", hold)

    def operand_run():
        try:
            segment_evaluate(segment_id=boosted.pk, at=T0 + days(1))
        finally:
            connection.close()
    worker = threading.Thread(target=operand_run)
    worker.start()
    try:
        assert written.wait(30)
        assert segment_evaluate(segment_id=compound.pk, at=T0 + days(1)).mode == "incremental"
        assert members_of(compound) == {ada.contact_id}  # Bob's entry is not committed yet
    finally:
        release.set()
        worker.join(30)
    assert members_of(boosted) == {ada.contact_id, bob.contact_id}
    assert segment_evaluate(segment_id=compound.pk, at=T0 + days(1.1)).mode == "incremental"
    assert members_of(compound) == {ada.contact_id, bob.contact_id}


def _plan_nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


def test_a_refresh_probes_the_memberships_it_reads_per_touched_contact_whatever_the_statistics_say():
    people = [contact() for _ in range(300)]
    for who in people:
        interact("LeadScoreBoost", who, at=T0, boost_value=25)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE segments_membership")  # before the segment has members: it looks empty
    boosted = segment_create(name="boosted", query_text=OPERANDS["boosted"])
    Segment.objects.filter(pk=boosted.pk).update(state=Segment.State.LIVE)
    segment_evaluate(segment_id=boosted.pk, at=T0)
    sql, params = compile_query(parse("SEGMENT(boosted)"), now=T0, segments=segment_sources, within="touched")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE touched AS SELECT contact_id FROM interactions_contact LIMIT 200")
        cursor.execute("ANALYZE touched")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]["Plan"]
        cursor.execute("DROP TABLE touched")
    # The membership is read only in a subplan run per touched contact, by the contact's key.
    probes = [n for n in _plan_nodes(plan) if n.get("Parent Relationship") == "SubPlan"]
    reads = [n for n in _plan_nodes(plan) if n.get("Relation Name") == "segments_membership"]
    assert reads and all(any(n is read for p in probes for n in _plan_nodes(p)) for read in reads), plan
    assert all("contact_id = w.contact_id" in json.dumps(p) for p in probes), plan
    assert [n["Relation Name"] for n in _plan_nodes(plan) if n["Node Type"] == "Seq Scan"] == ["touched"]
