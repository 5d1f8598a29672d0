"""Incremental refresh recomputes only the touched contacts, and always agrees with a full evaluation."""

import random
import uuid

import pytest
from django.db import connection

from segments.evaluation import segment_evaluate
from segments.models import Membership
from segments.query import compile_query, parse
from segments.services import segment_create

from .helpers import T0, contact, days, interact

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

QUERIES = [
    "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 2, UTCDAYS(10))",
    "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 3)",
    "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() == 0, UTCDAYS(7))",
    "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() == 2, UTCMONTHS(1))",
    "INTERACTION(EmailOpened, EmailOpened_ContactLink).FILTER(City == 'Oslo' || ISNULL(City))"
    ".HAVING(COUNT() >= 1, UTCDAYS(5))",
    "INTERACTION(LeadScoreBoost, LeadScoreBoost_ContactLink).HAVING(SUM(BoostValue) >= 50, UTCDAYS(20))",
    "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1, UTCDAYS(3)) "
    "EXCEPT INTERACTION(LeadScoreBoost, LeadScoreBoost_ContactLink).HAVING(COUNT() >= 1)",
]


def full_result(text, now):
    sql, params = compile_query(parse(text), now=now, dialect="postgresql")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


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
        run = segment_evaluate(segment_id=segment.pk, at=now)
        modes.append(run.mode)
        members = set(Membership.objects.filter(segment=segment).values_list("contact_id", flat=True))
        assert members == full_result(text, now), f"step {step}"
        segment.refresh_from_db()
        assert segment.member_count == len(members)
    assert set(modes) == {"incremental"}


def test_a_long_time_without_a_full_run_makes_the_next_one_full(settings):
    settings.SEGMENT_FULL_REFRESH_INTERVAL = 3600
    interact("EmailOpened", contact(), at=T0)
    segment = segment_create(name="s", query_text=QUERIES[1])
    assert segment_evaluate(segment_id=segment.pk, at=T0).mode == "full"
    assert segment_evaluate(segment_id=segment.pk, at=T0 + days(0.01)).mode == "incremental"
    assert segment_evaluate(segment_id=segment.pk, at=T0 + days(1)).mode == "full"
