"""Compiler: exact SQL and parameters per dialect, safety, and SQLite SQL that runs and agrees with the
reference evaluator."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from segments.query import (
    Behavioral,
    Clause,
    Group,
    Having,
    QueryValidationError,
    SegmentRef,
    SegmentSource,
    compile_query,
    parse,
    validate,
)
from segments.query.compiler import window_start
from segments.query.nodes import Window

from . import sqlite_schema
from .differential import CONTACTS as _CONTACTS
from .differential import DOMAIN as _DOMAIN
from .differential import datasets
from .reference import evaluate
from .strategies import queries

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
J = "5acc43d5-356e-e811-a960-000d3a1cae35"
C = "INTERACTION(EmailClicked, EmailClicked_ContactLink)"


def test_behavioral_count_on_postgresql():
    sql, params = compile_query(parse(f"{C}.FILTER(CustomerJourneyId == '{J.upper()}' && NOT(City == 'Paris' || "
                                "OriginalUrl CONTAINS '50%_off')).HAVING(COUNT() >= 1, UTCMONTHS(1))"), now=NOW)
    assert sql == (
        "SELECT DISTINCT contact_id FROM interactions_emailclicked WHERE timestamp <= %s AND timestamp >= %s AND "
        "(customer_journey_id = %s AND NOT COALESCE((lower(city) = %s OR lower(original_url) LIKE %s ESCAPE '\\'), "
        "FALSE))")
    assert params == [NOW, datetime(2026, 2, 28, 12, 0, tzinfo=UTC), uuid.UUID(J), "paris", "%50\\%\\_off%"]


def test_behavioral_count_on_sqlite():
    sql, params = compile_query(parse(f"{C}.FILTER((CustomerJourneyId == '{J}' || CustomerJourneyId == '{J[:-1]}0') && "
                                "Timestamp >= '2026-01-01T01:00:00+01:00').HAVING(COUNT() >= 2)"),
                          now=NOW, dialect="sqlite")
    assert sql == (
        "SELECT contact_id FROM interactions_emailclicked WHERE timestamp <= %s AND "
        "(customer_journey_id IN (%s, %s) AND timestamp >= %s) GROUP BY contact_id HAVING COUNT(*) >= %s")
    assert params == ["2026-03-31 12:00:00", uuid.UUID(J).hex, J.replace("-", "")[:-1] + "0",
                      "2026-01-01 00:00:00", 2]


@pytest.mark.parametrize("dialect, now_param, start_param", [
    ("postgresql", NOW, NOW - timedelta(days=90)),
    ("sqlite", "2026-03-31 12:00:00", "2025-12-31 12:00:00"),
])
def test_count_that_zero_satisfies_ranges_over_all_contacts(dialect, now_param, start_param):
    sql, params = compile_query(
        parse("INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() < 3, UTCDAYS(90))"),
        now=NOW, dialect=dialect)
    assert sql == (
        "SELECT c.contact_id FROM interactions_contact AS c WHERE NOT EXISTS (SELECT 1 FROM (SELECT contact_id "
        "FROM interactions_emailopened WHERE timestamp <= %s AND timestamp >= %s GROUP BY contact_id "
        "HAVING NOT (COUNT(*) < %s)) AS f WHERE f.contact_id = c.contact_id)")
    assert params == [now_param, start_param, 3]


@pytest.mark.parametrize("having", ["COUNT() == 0", "COUNT() < 1", "COUNT() <= 0"])
def test_never_is_a_plain_anti_join(having):
    sql, params = compile_query(
        parse(f"INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING({having}, UTCDAYS(90))"), now=NOW)
    assert sql == (
        "SELECT c.contact_id FROM interactions_contact AS c WHERE NOT EXISTS (SELECT 1 FROM interactions_emailopened "
        "AS i WHERE i.contact_id = c.contact_id AND timestamp <= %s AND timestamp >= %s)")
    assert params == [NOW, NOW - timedelta(days=90)]


@pytest.mark.parametrize("having, failing", [
    ("COUNT() == 0", None),
    ("COUNT() < 3", "HAVING NOT (COUNT(*) < %s)"),
])
def test_within_touched_contacts_a_block_that_zero_satisfies_starts_from_them_not_from_every_contact(having,
                                                                                                  failing):
    # The touched contacts exist (compile_touched reads them where contacts must), so none is looked up.
    sql, params = compile_query(
        parse(f"INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING({having}, UTCDAYS(90))"), now=NOW,
        within="touched")
    only = "AND contact_id IN (SELECT contact_id FROM touched)"
    if failing is None:
        assert sql == (
            "SELECT c.contact_id FROM touched AS c WHERE NOT EXISTS (SELECT 1 FROM interactions_emailopened AS i "
            f"WHERE i.contact_id = c.contact_id AND timestamp <= %s AND timestamp >= %s {only})")
    else:
        assert sql == (
            "SELECT c.contact_id FROM touched AS c WHERE NOT EXISTS (SELECT 1 FROM (SELECT contact_id FROM "
            f"interactions_emailopened WHERE timestamp <= %s AND timestamp >= %s {only} GROUP BY contact_id "
            f"{failing}) AS f WHERE f.contact_id = c.contact_id)")
    assert "interactions_contact" not in sql
    assert params[:2] == [NOW, NOW - timedelta(days=90)]


def test_a_refresh_of_never_settles_the_touched_contacts_with_an_arrival_that_counts_without_a_probe():
    arrived = NOW - timedelta(hours=1)
    sql, params = compile_query(
        parse("INTERACTION(EmailOpened, EmailOpened_ContactLink).FILTER(City == 'Oslo')"
              ".HAVING(COUNT() == 0, UTCDAYS(90))"), now=NOW, within="touched", ingested_after=arrived)
    passing = "timestamp <= %s AND timestamp >= %s AND (lower(city) = %s)"
    assert sql == (
        "SELECT c.contact_id FROM touched AS c LEFT JOIN (SELECT DISTINCT contact_id FROM interactions_emailopened "
        f"WHERE ingested_at > %s AND {passing}) AS r ON r.contact_id = c.contact_id WHERE r.contact_id IS NULL "
        f"AND NOT EXISTS (SELECT 1 FROM interactions_emailopened AS i WHERE i.contact_id = c.contact_id AND {passing})")
    window = [NOW, NOW - timedelta(days=90), "oslo"]
    assert params == [arrived, *window, *window]
    # Only within a refresh's touched contacts: elsewhere every contact is a candidate and there is no arrival.
    assert compile_query(parse("INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() == 0)"), now=NOW,
                         ingested_after=arrived)[0].startswith("SELECT c.contact_id FROM interactions_contact AS c")


@pytest.mark.parametrize("dialect, value", [("postgresql", Decimal("7.5")), ("sqlite", 7.5)])
def test_set_operations_and_live_segments(dialect, value):
    text = "SEGMENT(a) EXCEPT INTERACTION(SurveyResponse, SurveyResponse_ContactLink).HAVING(AVG(Score) > 7.5)"
    sql, params = compile_query(parse(text), now=NOW, dialect=dialect, segments={"a": SegmentSource(7, None)}.get)
    assert sql == (
        "SELECT contact_id FROM (SELECT contact_id FROM segments_membership WHERE segment_id = %s) AS s1 "
        "EXCEPT SELECT contact_id FROM (SELECT contact_id FROM interactions_surveyresponse WHERE timestamp <= %s "
        "GROUP BY contact_id HAVING AVG(score) > %s) AS s2")
    assert params[0] == 7 and params[2] == value


def test_saved_segment_queries_are_inlined_and_cycles_refused():
    saved = {"a": SegmentSource(None, parse("SEGMENT(b)")),
             "b": SegmentSource(None, parse(f"{C}.HAVING(COUNT() >= 1)"))}
    sql, _ = compile_query(parse("SEGMENT(a)"), now=NOW, segments=saved.get)
    assert sql == ("WITH seg1 AS (SELECT DISTINCT contact_id FROM interactions_emailclicked WHERE timestamp <= %s), "
                   "seg2 AS (SELECT contact_id FROM seg1) SELECT contact_id FROM seg2")
    saved["b"] = SegmentSource(None, parse("SEGMENT(a)"))
    with pytest.raises(QueryValidationError, match=r"1:9: segment 'a' refers back to itself: a -> b -> a"):
        compile_query(parse("SEGMENT(a)"), now=NOW, segments=saved.get)
    with pytest.raises(QueryValidationError, match="unknown segment 'zz'"):
        compile_query(parse("SEGMENT(zz)"), now=NOW, segments=saved.get)


def _doubling(levels: int) -> dict[str, SegmentSource]:
    """exp-k = SEGMENT(exp-{k-1}) UNION SEGMENT(exp-{k-1}): 2**k references when each is inlined afresh."""
    saved = {"exp-0": SegmentSource(None, parse(f"{C}.FILTER(City == 'Paris').HAVING(COUNT() >= 1)"))}
    for k in range(1, levels + 1):
        saved[f"exp-{k}"] = SegmentSource(None, parse(f"SEGMENT('exp-{k - 1}') UNION SEGMENT('exp-{k - 1}')"))
    return saved


def test_each_referenced_segment_is_compiled_once():
    sizes = []
    for levels in (10, 20, 40):
        sql, params = compile_query(parse(f"SEGMENT('exp-{levels}')"), now=NOW, segments=_doubling(levels).get)
        assert sql.count("interactions_emailclicked") == 1 and len(params) == 2
        sizes.append(len(sql))
    # Linear in the number of segments: each further 10 or 20 levels add the same text per level.
    assert (sizes[1] - sizes[0]) * 2 == sizes[2] - sizes[1]


def test_memoised_segments_run_on_sqlite_and_agree():
    db = sqlite_schema.create_database()
    paris, rome = _CONTACTS[:2]
    sqlite_schema.load(db, _CONTACTS, {"EmailClicked": [
        {"InteractionId": uuid.uuid4(), "ContactId": paris, "Timestamp": NOW, "City": "Paris"},
        {"InteractionId": uuid.uuid4(), "ContactId": rome, "Timestamp": NOW, "City": "Rome"}]})
    saved = _doubling(12)
    sql, params = compile_query(parse("SEGMENT('exp-12') INTERSECT SEGMENT('exp-3')"), now=NOW, dialect="sqlite",
                                segments=saved.get)
    assert sqlite_schema.run(db, sql, params) == [paris.hex]


def _chain(length: int) -> dict[str, SegmentSource]:
    saved = {f"s{k}": SegmentSource(None, parse(f"SEGMENT(s{k + 1})")) for k in range(length - 1)}
    saved[f"s{length - 1}"] = SegmentSource(None, parse(f"{C}.HAVING(COUNT() >= 1)"))
    return saved


@pytest.mark.parametrize("length", [51, 931])
def test_a_long_chain_of_segments_is_refused_with_a_position(length):
    saved = _chain(length)
    message = r"1:26: SEGMENT\(s0\) reads segments more than 50 levels deep \(s0 -> s1 -> s2 -> \.\.\. -> s50\)"
    with pytest.raises(QueryValidationError, match=message):
        compile_query(parse("SEGMENT(x) UNION SEGMENT(s0)"), now=NOW,
                      segments={**saved, "x": saved[f"s{length - 1}"]}.get)
    with pytest.raises(QueryValidationError, match=r"1:9: SEGMENT\(s0\) reads segments more than 50 levels deep"):
        validate(parse("SEGMENT(s0)"), segments=lambda n: saved[n].query if n in saved else None)


def test_a_chain_within_the_limit_compiles():
    sql, _ = compile_query(parse("SEGMENT(s0)"), now=NOW, segments=_chain(50).get)
    assert sql.count("interactions_emailclicked") == 1


def test_the_expanded_query_is_bounded():
    wide = " UNION ".join([f"{C}.HAVING(COUNT() >= 1)"] * 90)
    saved = {f"w{k}": SegmentSource(None, parse(wide)) for k in range(23)}
    text = " UNION ".join(f"SEGMENT(w{k})" for k in range(23))
    with pytest.raises(QueryValidationError, match=r"1:\d+: the query with the segments it reads holds more than "
                                                   "2,000 INTERACTION blocks"):
        compile_query(parse(text), now=NOW, segments=saved.get)


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_injection_attempt_stays_in_params(dialect):
    evil = "'; DROP TABLE x; --"
    sql, params = compile_query(
        parse(f"{C}.FILTER(City == '{evil.replace(chr(39), chr(39) * 2)}').HAVING(COUNT() >= 1)"),
        now=NOW, dialect=dialect)
    assert "DROP" not in sql and evil.lower() in params


@pytest.mark.parametrize("node", [
    Behavioral("EmailClicked; DROP TABLE x", None, Having("COUNT", None, ">=", 1, None)),
    Behavioral("EmailClicked", Group("AND", (Clause("city) OR 1=1 --", "==", ("a",)),)),
               Having("COUNT", None, ">=", 1, None)),
    Behavioral("SurveyResponse", None, Having("SUM", "score); DROP TABLE x; --", ">=", 1, None)),
])
def test_names_outside_the_catalog_never_reach_sql(node):
    with pytest.raises(QueryValidationError):
        compile_query(node, now=NOW)


def test_now_must_be_aware_and_dialect_known():
    with pytest.raises(ValueError):
        compile_query(SegmentRef("a"), now=datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        compile_query(SegmentRef("a"), now=NOW, dialect="mysql")


@pytest.mark.parametrize("now, unit, n, start", [
    (datetime(2026, 3, 31, tzinfo=UTC), "MONTHS", 1, datetime(2026, 2, 28, tzinfo=UTC)),
    (datetime(2026, 11, 1, tzinfo=UTC), "MONTHS", 1, datetime(2026, 10, 1, tzinfo=UTC)),
    (datetime(2024, 2, 29, 5, tzinfo=UTC), "YEARS", 1, datetime(2023, 2, 28, 5, tzinfo=UTC)),
    (datetime(2026, 1, 15, tzinfo=UTC), "MONTHS", 13, datetime(2024, 12, 15, tzinfo=UTC)),
    (datetime(2026, 3, 1, 6, tzinfo=UTC), "DAYS", 2, datetime(2026, 2, 27, 6, tzinfo=UTC)),
    (datetime(2026, 3, 1, tzinfo=UTC), "YEARS", 5000, None),
])
def test_window_start(now, unit, n, start):
    assert window_start(Window(unit, n), now) == start


# -- SQLite: the emitted SQL runs, and agrees with the reference evaluator --------------------------------

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries(_DOMAIN), datasets())
def test_sqlite_agrees_with_reference(node, data):
    rows, members = data
    db = sqlite_schema.create_database()
    sqlite_schema.load(db, _CONTACTS, rows)
    ids = {"a": 1, "b": 2}
    db.executemany("INSERT INTO segments_membership VALUES (?, ?)",
                   [(ids[name], c.hex) for name, cs in members.items() for c in cs])
    sql, params = compile_query(node, now=NOW, dialect="sqlite", segments=lambda n: SegmentSource(ids[n], None))
    result = sqlite_schema.run(db, sql, params)
    assert len(result) == len(set(result))
    expected = evaluate(node, now=NOW, contacts=_CONTACTS, rows=rows, segments=members.get)
    assert {uuid.UUID(hex=r) for r in result} == expected
