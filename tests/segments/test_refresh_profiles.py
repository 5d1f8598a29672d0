"""Profile and mixed segments: an incremental refresh after random contact and account edits equals a full
evaluation; relative dates are recomputed whole and slide daily."""

import random
import uuid

import pytest

from interactions.ingest import ingest
from interactions.models import Account
from segments.evaluation import segment_evaluate
from segments.models import EvaluationRun, Membership
from segments.services import next_evaluation, segment_create, segment_go_live

from .helpers import T0, contact, days, interact
from .test_refresh import full_result

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

QUERIES = [
    "PROFILE(contact, contact_1).FILTER(contact_1.address1_city == 'Oslo' && gendercode != 'Male')",
    "PROFILE(account, account_1).FILTER(account_1.numberofemployees > 500)"
    ".TRAVERSE(contact_account_parentcustomerid, contact_2).FILTER(ISNULL(contact_2.jobtitle))",
    "PROFILE(contact).FILTER(address1_city == 'Oslo') INTERSECT "
    "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1, UTCDAYS(10))",
    "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() == 0) EXCEPT "
    "PROFILE(contact).TRAVERSE(contact_account_parentcustomerid).FILTER(industrycode == 'Wholesale')"
    ".TRAVERSE(contact_account_parentcustomerid)",
]


def edit_randomly(rng, people, accounts, n):
    for _ in range(n):
        what = rng.random()
        if what < 0.3:
            account = rng.choice(accounts)
            account.numberofemployees = rng.choice([10, 600, None])
            account.industrycode = rng.choice([1, 33, None])
            account.save()
            continue
        person = rng.choice(people)
        if what < 0.5:
            person.parentcustomerid = rng.choice([*accounts, None])
        elif what < 0.7:
            person.jobtitle = rng.choice(["CTO", "", None])
        else:
            person.address1_city = rng.choice(["Oslo", "oslo", "Bergen", None])
            person.gendercode = rng.choice([1, 2, None])
        person.save()


@pytest.mark.parametrize("text", QUERIES)
def test_refreshes_after_contact_and_account_edits_agree_with_full_evaluations(text, settings):
    settings.SEGMENT_FULL_REFRESH_INTERVAL = 365 * 86400
    rng = random.Random(text)
    accounts = [Account.objects.create(name=f"Account {i}") for i in range(4)]
    people = [contact() for _ in range(20)]
    edit_randomly(rng, people, accounts, 40)
    for person in rng.sample(people, 8):
        interact("EmailOpened", person, at=T0 - days(rng.choice([1, 20])))
    segment = segment_create(name=f"s-{uuid.uuid4().hex[:8]}", query_text=text)
    now = T0
    assert segment_evaluate(segment_id=segment.pk, at=now).mode == "full"
    for step in range(5):
        edit_randomly(rng, people, accounts, 6)
        if step % 2:
            people.append(contact())
        now += days(0.5)
        run = segment_evaluate(segment_id=segment.pk, at=now)
        assert run.mode == "incremental"
        members = set(Membership.objects.filter(segment=segment).values_list("contact_id", flat=True))
        assert members == full_result(text, now), f"step {step}"


def test_a_segment_with_dates_relative_to_now_is_recomputed_whole_and_slides_daily(settings):
    settings.SEGMENT_REFRESH_INTERVAL = 7 * 86400
    young = contact()
    young.birthdate = (T0 - days(365 * 18 - 2)).date()  # turns 18 within days
    young.save()
    segment = segment_create(name="Adults",
                             query_text="PROFILE(contact).FILTER(DATEDIFF(YEAR, birthdate, DATETIMEUTCNOW()) >= 18)")
    segment.state = segment.State.LIVE
    segment.save()
    assert segment.has_window and next_evaluation(segment, T0) == (T0 + days(1)).replace(hour=0)
    assert segment_evaluate(segment_id=segment.pk, at=T0 - days(400)).added == 0
    run = segment_evaluate(segment_id=segment.pk, at=T0 + days(3))
    assert (run.mode, run.added) == ("full", 1)


def test_contact_and_account_lines_ingested_refresh_the_live_profile_segments_that_read_them():
    ada, grace = contact("Ada"), contact("Grace")
    in_oslo = segment_create(name="In Oslo", query_text="PROFILE(contact).FILTER(address1_city == 'Oslo')")
    big = segment_create(name="At big accounts", query_text="PROFILE(account).FILTER(numberofemployees > 500)"
                         ".TRAVERSE(contact_account_parentcustomerid)")
    openers = segment_create(name="Openers",
                             query_text="INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)")
    for segment in (in_oslo, big, openers):
        segment_go_live(segment=segment)  # evaluated in-process at once (no broker in the tests)
    runs = EvaluationRun.objects.count()
    account = uuid.uuid4()
    ingest(enumerate([{"type": "Account", "AccountId": str(account), "name": "Big", "numberofemployees": 900},
                      {"type": "Contact", "ContactId": str(ada.pk), "address1_city": "Oslo",
                       "parentcustomerid": str(account)}], 1))
    assert set(Membership.objects.filter(segment=in_oslo).values_list("contact_id", flat=True)) == {ada.pk}
    assert set(Membership.objects.filter(segment=big).values_list("contact_id", flat=True)) == {ada.pk}
    new_runs = EvaluationRun.objects.filter(pk__gt=0).order_by("id")[runs:]
    assert {(r.segment.name, r.reason) for r in new_runs} == {("In Oslo", "contacts or accounts changed"),
                                                             ("At big accounts", "contacts or accounts changed")}
    ingest(enumerate([{"type": "Contact", "ContactId": str(grace.pk), "address1_city": "oslo"}], 1))
    assert set(Membership.objects.filter(segment=in_oslo).values_list("contact_id", flat=True)) == {ada.pk, grace.pk}
