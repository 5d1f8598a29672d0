"""Sampled estimates: the sample's level follows the population, the levels nest, the database's samples are
the Python ones, the interval holds the true count in the large majority of trials at every level, small
populations are counted exactly, and exact=True always counts."""

import math
import random
import time
import uuid

import pytest
from django.core.cache import cache
from django.db import connection

from interactions.models import INTERACTION_MODELS, Contact
from segments import estimates
from segments.estimates import clause_counts, estimate_size
from segments.models import Membership, Segment
from segments.query import parse
from segments.query.compiler import compile_count
from segments.sampling import LEVELS, choose_level, in_sample, scaled

from .helpers import T0, days

pytestmark = pytest.mark.django_db
OPENED = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= {k}, UTCDAYS(365))"
NEVER = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() == 0, UTCDAYS(365))"


@pytest.fixture(autouse=True)
def fresh_population():
    cache.clear()  # the population count is reused for a minute; each test makes its own contacts
    yield
    cache.clear()


COARSE, MIDDLE, FINE = LEVELS


def _ids(rng: random.Random, n: int) -> list[uuid.UUID]:
    return [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(n)]


def _sampled_ids(rng: random.Random, n: int) -> list[uuid.UUID]:
    """n random ids in the finest sample, so in every level's: a small data set still has sampled contacts."""
    found = []
    while len(found) < n:
        found += [i for i in _ids(rng, 1_000) if in_sample(i, FINE)]
    return found[:n]


@pytest.mark.parametrize(("population", "level"), [
    (0, COARSE), (100_000, COARSE), (1_000_000, COARSE), (1_280_000, COARSE),  # 20,000 of 1.28 million is 1/64
    (1_280_001, MIDDLE), (2_000_000, MIDDLE), (5_120_000, MIDDLE),
    (5_120_001, FINE), (10_000_000, FINE), (100_000_000, FINE),  # past 20.48 million, the finest all the same
])
def test_the_sample_is_the_coarsest_level_expected_to_hold_at_most_the_target(population, level):
    assert choose_level(population, target=20_000) == level


def test_the_levels_are_1_in_64_256_and_1024_and_each_is_inside_the_coarser_one():
    assert [round(1 / level.fraction) for level in LEVELS] == [64, 256, 1024]
    ids = _ids(random.Random(3), 64_000)
    samples = [{i for i in ids if in_sample(i, level)} for level in LEVELS]
    for level, sample in zip(LEVELS, samples, strict=True):
        expected = len(ids) * level.fraction  # 1,000, 250 and 62.5
        assert abs(len(sample) - expected) < 4 * math.sqrt(expected), level
    assert samples[0] > samples[1] > samples[2] > set()


@pytest.mark.parametrize("level", LEVELS, ids=lambda level: level.label)
def test_the_interval_holds_the_true_count_in_at_least_90_percent_of_random_trials(level):
    rng = random.Random(12)
    # Populations that give every level the same 8 to 80 sampled contacts, drawn from one pool of random ids
    # (making 40,000 new ones per trial would take minutes); who is a member is drawn afresh each trial.
    pool = _ids(rng, round(5_000 / 64 / level.fraction))
    sampled = [in_sample(i, level) for i in pool]
    trials, covered = 150, 0
    for _ in range(trials):
        population = rng.sample(range(len(pool)), round(rng.randint(500, 5_000) / 64 / level.fraction))
        share = rng.choice([0.002, 0.02, 0.1, 0.3, 0.6, 0.95])
        members = [i for i in population if rng.random() < share]
        figure = scaled(hits=sum(sampled[i] for i in members), sample=sum(sampled[i] for i in population),
                        population=len(population))
        assert not figure.exact and figure.low <= figure <= figure.high
        covered += figure.low <= len(members) <= figure.high
    assert covered / trials >= 0.90, f"the 95% interval held the true count in {covered} of {trials} trials"


def test_an_interval_shrinks_with_the_sample():
    small = scaled(hits=50, sample=100, population=6_400)
    large = scaled(hits=5_000, sample=10_000, population=640_000)
    assert large.margin_percent < small.margin_percent
    assert scaled(hits=0, sample=100, population=6_400).high > 0  # nothing seen is not "none there"
    assert scaled(hits=7, sample=10, population=10).exact  # the whole population sampled: counted


def _seed(rng: random.Random, n: int, *, sampled: int = 0):
    """n random contacts and `sampled` more in every sample, with 0-6 openings each in the last year; the true
    count of 'k or more' per k."""
    contacts = [Contact(contact_id=i, fullname=f"c{i.hex[:6]}") for i in _ids(rng, n) + _sampled_ids(rng, sampled)]
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


@pytest.mark.postgresql
def test_the_sql_functions_are_the_python_predicates():
    ids = _ids(random.Random(4), 20_000) + _sampled_ids(random.Random(4), 50)
    columns = ", ".join(f"{level.function}(id)" for level in LEVELS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {columns} FROM unnest(%s::uuid[]) AS id", [ids])
        rows = cursor.fetchall()
    assert len(rows) == len(ids)
    for contact_id, *in_database in rows:
        assert in_database == [in_sample(contact_id, level) for level in LEVELS], contact_id


@pytest.mark.parametrize("level", LEVELS, ids=lambda level: level.label)
def test_the_database_samples_the_same_contacts_as_python(level):
    per_contact = _seed(random.Random(5), 3_000, sampled=60)
    sql, params = compile_count(parse(OPENED.format(k=2)), now=T0, dialect=connection.vendor,
                                sample=level.function)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        hits, sample = cursor.fetchone()
    assert sample == sum(in_sample(i, level) for i in per_contact) >= 60
    assert hits == sum(1 for i, k in per_contact.items() if k >= 2 and in_sample(i, level)) > 0


def test_only_the_sampling_functions_can_restrict_to_a_sample():
    with pytest.raises(ValueError, match="sampling level"):
        compile_count(parse(OPENED.format(k=2)), now=T0, sample="pg_sleep")


@pytest.mark.postgresql
def test_a_count_over_the_finest_sample_reads_its_partial_indexes():
    _seed(random.Random(6), 2_000, sampled=20)
    sql, params = compile_count(parse(OPENED.format(k=2)), now=T0, sample=FINE.function)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE interactions_contact")
        cursor.execute("ANALYZE interactions_emailopened")
        cursor.execute("SET LOCAL enable_seqscan = off")  # the tables are small; the plan is what is asked
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "eo_sampled_1024" in plan and "contact_sampled_1024" in plan, plan


def test_the_estimate_counts_the_sample_of_the_population_and_scales_by_that_samples_size(settings):
    per_contact = _seed(random.Random(7), 3_000, sampled=40)
    settings.ESTIMATE_EXACT_BELOW = 0
    settings.ESTIMATE_SAMPLE_TARGET = 3  # 3,040 contacts: 1/1024 of them is the coarsest sample of at most 3
    figure = estimate_size(node=parse(OPENED.format(k=2)), segment=None)["count"]
    ids = list(per_contact)
    hits = sum(1 for i, k in per_contact.items() if k >= 2 and in_sample(i, FINE))
    assert figure == scaled(hits=hits, sample=sum(in_sample(i, FINE) for i in ids), population=len(ids))
    assert not figure.exact


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


@pytest.mark.parametrize("level", LEVELS, ids=lambda level: level.label)
def test_the_sampled_difference_counts_the_sampled_contacts_entering_and_leaving(settings, level):
    per_contact = _seed(random.Random(11), 3_000, sampled=60)
    ids = sorted(per_contact)
    members = set(ids[::2])  # the live membership: every other contact, whatever it did
    segment = Segment.objects.create(name="live", query=OPENED.format(k=1), state=Segment.State.LIVE,
                                     evaluated_version=1)
    Membership.objects.bulk_create(Membership(segment=segment, contact_id=i, since=T0) for i in members)
    settings.ESTIMATE_EXACT_BELOW = 0
    settings.ESTIMATE_SAMPLE_TARGET = math.ceil(len(ids) * level.fraction)  # this level, not a coarser one
    result = estimate_size(node=parse(OPENED.format(k=1)), segment=segment)
    selected = {i for i, k in per_contact.items() if k >= 1}
    sample = sum(in_sample(i, level) for i in ids)
    for key, true in (("count", selected), ("added", selected - members), ("removed", members - selected)):
        figure = result[key]
        assert not figure.exact
        assert figure == scaled(hits=sum(in_sample(i, level) for i in true), sample=sample, population=len(ids))
    exact = estimate_size(node=parse(OPENED.format(k=1)), segment=segment, exact=True)
    assert (exact["count"], exact["added"], exact["removed"]) == (
        len(selected), len(selected - members), len(members - selected))


@pytest.mark.django_db(transaction=True)
def test_an_old_population_count_is_used_while_it_is_recounted_in_the_background(settings, monkeypatch):
    def add_contacts(n, seed):
        Contact.objects.bulk_create(Contact(contact_id=i, fullname="", emailaddress1="")
                                    for i in _ids(random.Random(seed), n))

    add_contacts(40, seed=3)
    assert estimates._population() == 40
    add_contacts(5, seed=4)
    assert estimates._population() == 40  # younger than ESTIMATE_POPULATION_SECONDS: kept as counted

    later = time.time() + settings.ESTIMATE_POPULATION_SECONDS + 1
    monkeypatch.setattr(estimates.time, "time", lambda: later)
    assert estimates._population() == 40  # too old: still answered at once, with a recount started
    estimates._recounts[connection.alias].join()
    assert estimates._population() == 45
