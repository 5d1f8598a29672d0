"""Sampled estimates: the database's sample is the Python one, the interval holds the true count in the large
majority of trials, small populations are counted exactly, and exact=True always counts."""

import random
import uuid

import pytest
from django.core.cache import cache
from django.db import connection

from interactions.models import INTERACTION_MODELS, Contact
from segments.estimates import clause_counts, estimate_size
from segments.models import Membership, Segment
from segments.query import parse
from segments.query.compiler import compile_count
from segments.sampling import SAMPLE_FRACTION, in_sample, scaled

from .helpers import T0, days

pytestmark = pytest.mark.django_db
OPENED = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= {k}, UTCDAYS(365))"
NEVER = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() == 0, UTCDAYS(365))"


@pytest.fixture(autouse=True)
def fresh_population():
    cache.clear()  # the population count is reused for a minute; each test makes its own contacts
    yield
    cache.clear()


def _ids(rng: random.Random, n: int) -> list[uuid.UUID]:
    return [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(n)]


def test_the_interval_holds_the_true_count_in_at_least_90_percent_of_random_trials():
    rng = random.Random(12)
    trials, covered = 150, 0
    for _ in range(trials):
        ids = _ids(rng, rng.randint(500, 5_000))
        share = rng.choice([0.002, 0.02, 0.1, 0.3, 0.6, 0.95])
        members = [i for i in ids if rng.random() < share]
        sample = sum(map(in_sample, ids))
        figure = scaled(hits=sum(map(in_sample, members)), sample=sample, population=len(ids))
        assert not figure.exact and figure.low <= figure <= figure.high
        covered += figure.low <= len(members) <= figure.high
    assert covered / trials >= 0.90, f"the 95% interval held the true count in {covered} of {trials} trials"


def test_the_sample_is_about_one_in_64_and_an_interval_shrinks_with_the_sample():
    ids = _ids(random.Random(3), 64_000)
    assert abs(sum(map(in_sample, ids)) - 64_000 * SAMPLE_FRACTION) < 120  # 1,000 expected, sd ≈ 31
    small = scaled(hits=50, sample=100, population=6_400)
    large = scaled(hits=5_000, sample=10_000, population=640_000)
    assert large.margin_percent < small.margin_percent
    assert scaled(hits=0, sample=100, population=6_400).high > 0  # nothing seen is not "none there"
    assert scaled(hits=7, sample=10, population=10).exact  # the whole population sampled: counted


def _seed(rng: random.Random, n: int):
    """n contacts with 0-6 openings each in the last year; the true count of 'k or more' per k."""
    contacts = [Contact(contact_id=i, fullname=f"c{i.hex[:6]}") for i in _ids(rng, n)]
    Contact.objects.bulk_create(contacts)
    opened = INTERACTION_MODELS["EmailOpened"]
    rows, per_contact = [], {}
    for c in contacts:
        k = rng.choice([0, 0, 0, 1, 1, 2, 3, 6])
        per_contact[c.contact_id] = k
        rows += [opened(interaction_id=uuid.UUID(int=rng.getrandbits(128), version=4), contact=c,
                        timestamp=T0 - days(rng.uniform(1, 300))) for _ in range(k)]
    opened.objects.bulk_create(rows, batch_size=2_000)
    return per_contact


def test_the_database_samples_the_same_contacts_as_python():
    per_contact = _seed(random.Random(5), 3_000)
    sql, params = compile_count(parse(OPENED.format(k=2)), now=T0, dialect=connection.vendor, sample=True)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        hits, sample = cursor.fetchone()
    assert sample == sum(map(in_sample, per_contact)) > 0
    assert hits == sum(1 for i, k in per_contact.items() if k >= 2 and in_sample(i))


def test_sampled_estimates_over_generated_data_hold_the_true_counts(settings):
    settings.ESTIMATE_EXACT_BELOW = 0  # always sample
    rng = random.Random(8)
    trials, covered = 0, 0
    for _ in range(2):
        Contact.objects.all().delete()
        cache.clear()
        per_contact = _seed(rng, 2_500)
        for k in (1, 2, 3, 4):
            figure = estimate_size(node=parse(OPENED.format(k=k)), segment=None)["count"]
            true = sum(1 for v in per_contact.values() if v >= k)
            assert not figure.exact
            trials, covered = trials + 1, covered + (figure.low <= true <= figure.high)
        never = estimate_size(node=parse(NEVER), segment=None)["count"]
        true = sum(1 for v in per_contact.values() if v == 0)
        trials, covered = trials + 1, covered + (never.low <= true <= never.high)
    assert covered / trials >= 0.9, f"{covered} of {trials}"


def test_below_the_threshold_and_when_asked_the_count_is_exact(settings):
    per_contact = _seed(random.Random(9), 1_000)
    true = sum(1 for v in per_contact.values() if v >= 2)
    node = parse(OPENED.format(k=2))
    settings.ESTIMATE_EXACT_BELOW = 1_001
    result = estimate_size(node=node, segment=None)
    assert result["exact"] and result["count"].exact and result["count"] == true
    settings.ESTIMATE_EXACT_BELOW = 1_000  # the population is not below it any more: sampled
    cache.clear()
    assert not estimate_size(node=node, segment=None)["exact"]
    assert estimate_size(node=node, segment=None, exact=True)["count"] == true


def test_per_restriction_counts_are_sampled_like_the_estimate(settings):
    _seed(random.Random(10), 2_000)
    node = parse("INTERACTION(EmailOpened, EmailOpened_ContactLink).FILTER(ISNULL(City))"
                 ".HAVING(COUNT() >= 1, UTCDAYS(365))")
    settings.ESTIMATE_EXACT_BELOW = 0
    (sampled,) = clause_counts(node=node, at=T0)
    (exact,) = clause_counts(node=node, at=T0, exact=True)
    assert not sampled["count"].exact and exact["count"].exact
    assert sampled["count"].low <= exact["count"] <= sampled["count"].high


def test_the_sampled_difference_counts_the_sampled_contacts_entering_and_leaving(settings):
    per_contact = _seed(random.Random(11), 3_000)
    ids = sorted(per_contact)
    members = set(ids[::2])  # the live membership: every other contact, whatever it did
    segment = Segment.objects.create(name="live", query=OPENED.format(k=1), state=Segment.State.LIVE,
                                     evaluated_version=1)
    Membership.objects.bulk_create(Membership(segment=segment, contact_id=i, since=T0) for i in members)
    settings.ESTIMATE_EXACT_BELOW = 0
    result = estimate_size(node=parse(OPENED.format(k=1)), segment=segment)
    selected = {i for i, k in per_contact.items() if k >= 1}
    sample = sum(map(in_sample, ids))
    for key, true in (("count", selected), ("added", selected - members), ("removed", members - selected)):
        figure = result[key]
        assert not figure.exact
        assert figure == scaled(hits=sum(map(in_sample, true)), sample=sample, population=len(ids))
    exact = estimate_size(node=parse(OPENED.format(k=1)), segment=segment, exact=True)
    assert (exact["count"], exact["added"], exact["removed"]) == (
        len(selected), len(selected - members), len(members - selected))
