"""The compiled SQL, run by Django on PostgreSQL and on SQLite, returns exactly the members that the
plain-Python reference evaluator computes from the spec, on random data and random queries."""

import uuid

import pytest
from django.db import connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interactions.catalog import interaction_type
from interactions.models import INTERACTION_MODELS, Account, Contact
from segments.models import Membership
from segments.query import SegmentSource, compile_query
from segments.query.nodes import SetOp
from tests.segments.query.differential import CONTACTS, DOMAIN, NOW, datasets
from tests.segments.query.profile_strategies import profile_blocks, profile_data
from tests.segments.query.reference import evaluate
from tests.segments.query.strategies import behaviorals, queries

SEGMENT_IDS = {"a": 1, "b": 2}
pytestmark = pytest.mark.django_db(databases=["default", "sqlite"])


def load(alias, rows, members, profiles=None):
    if profiles:
        Account.objects.using(alias).bulk_create(Account(accountid=a, **attrs)
                                                 for a, attrs in profiles["account"].items())
    attributes = (profiles or {"contact": {}})["contact"]
    Contact.objects.using(alias).bulk_create(
        Contact(contact_id=c, fullname=str(c), **{("parentcustomerid_id" if k == "parentcustomerid" else k): v
                                                  for k, v in attributes.get(c, {}).items()})
        for c in CONTACTS)
    for type_name, type_rows in rows.items():
        itype, model = interaction_type(type_name), INTERACTION_MODELS[type_name]
        model.objects.using(alias).bulk_create(
            model(interaction_id=r["InteractionId"], contact_id=r["ContactId"], timestamp=r["Timestamp"],
                  **{itype.field(k).column: v for k, v in r.items()
                     if k not in ("InteractionId", "ContactId", "Timestamp")})
            for r in type_rows)
    Membership.objects.using(alias).bulk_create(
        Membership(segment_id=SEGMENT_IDS[name], contact_id=c, since=NOW) for name, cs in members.items() for c in cs)


def members_on(alias, node):
    connection = connections[alias]
    sql, params = compile_query(node, now=NOW, dialect=connection.vendor,
                          segments=lambda name: SegmentSource(SEGMENT_IDS[name], None))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = [row[0] if isinstance(row[0], uuid.UUID) else uuid.UUID(row[0]) for row in cursor.fetchall()]
    assert len(found) == len(set(found)), "a member came back twice"
    return set(found)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(node=queries(DOMAIN), data=datasets())
def test_postgresql_and_sqlite_return_the_reference_members(node, data):
    rows, members = data
    expected = evaluate(node, now=NOW, contacts=CONTACTS, rows=rows, segments=members.get)
    for alias in ("default", "sqlite"):
        with transaction.atomic(using=alias):
            load(alias, rows, members)
            assert members_on(alias, node) == expected, alias
            transaction.set_rollback(True, using=alias)


SET_OPS = st.sampled_from(("UNION", "INTERSECT", "EXCEPT"))
MIXED = st.recursive(profile_blocks() | behaviorals(DOMAIN),
                     lambda inner: st.builds(SetOp, SET_OPS, inner, inner), max_leaves=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(node=MIXED, data=datasets(), profiles=profile_data())
def test_profile_and_mixed_queries_return_the_reference_members(node, data, profiles):
    rows, members = data
    expected = evaluate(node, now=NOW, contacts=CONTACTS, rows=rows, segments=members.get, profiles=profiles)
    for alias in ("default", "sqlite"):
        with transaction.atomic(using=alias):
            load(alias, rows, members, profiles)
            assert members_on(alias, node) == expected, alias
            transaction.set_rollback(True, using=alias)
