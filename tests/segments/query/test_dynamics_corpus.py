"""Real Dynamics segment queries (dynamics_corpus.py): every one the spec's grammar accepts parses, validates,
prints canonically, re-parses to the same tree and evaluates on the database; every other one gets its
positioned error naming the construct."""

import uuid

import pytest
from django.db import connection
from django.utils import timezone

from interactions.catalog import parse_guid
from interactions.models import Account, Contact
from segments.query import QueryError, compile_query, parse, unparse, validate
from segments.services import segment_create, segment_sources

from .dynamics_corpus import CORPUS

ACCEPTED = [text for _, text, expected in CORPUS if expected is None]
REFUSED = [(text, expected) for _, text, expected in CORPUS if expected is not None]
# The segments the corpus's compounds name, by name or by the Dynamics ID they were copied from.
REFERENCED = {"segment1": None, "segment2": None, "SegmentWithImportantServiceTickets": None,
              "ThankYouMktSegment": None, "Copied": "e1fa7fdc5c78ea11a811000d3a8e8fcc"}


def members(node) -> set[uuid.UUID]:
    sql, params = compile_query(node, now=timezone.now(), dialect=connection.vendor, segments=segment_sources)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] if isinstance(row[0], uuid.UUID) else parse_guid(row[0]) for row in cursor.fetchall()}


@pytest.fixture
def crm(db):
    account = Account.objects.create(accountid="1cc00a15-37ef-e911-a81d-000d3a6d200c", name="Contoso")
    people = {
        "ny": Contact.objects.create(contact_id=uuid.UUID(int=1), fullname="Ann", firstname="A",
                                     emailaddress1="ann@example.com", address1_city="NewYork",
                                     parentcustomerid=account),
        "oslo": Contact.objects.create(contact_id=uuid.UUID(int=2), fullname="Ola", firstname="Ola",
                                       emailaddress1="ola,x@example.org", address1_city="Oslo"),
    }
    for name, crm_id in REFERENCED.items():
        segment_create(name=name, query_text="PROFILE(contact).FILTER(address1_city == 'Oslo')", crm_id=crm_id)
    return people


def test_the_corpus_holds_accepted_and_refused_strings_of_every_source():
    assert len(ACCEPTED) >= 10 and len(REFUSED) >= 15
    assert {source for source, _, _ in CORPUS} >= {"API", "DEF", "HYG", "CIJ", "SDK", "INS", "INT"}


@pytest.mark.parametrize("text", ACCEPTED)
def test_an_accepted_string_round_trips_canonically_and_evaluates(crm, text):
    node = parse(text)
    validate(node)
    canonical = unparse(node)
    assert parse(canonical) == node
    assert unparse(parse(canonical)) == canonical
    assert members(node) <= {c.pk for c in crm.values()}


@pytest.mark.parametrize(("text", "expected"), [
    ("PROFILE(contact).FILTER((address1_city == 'NewYork' || address1_city == 'NewJersey'))", {"ny"}),
    ("PROFILE(account, account_1).FILTER(account_1.accountid == '1cc00a15-37ef-e911-a81d-000d3a6d200c')"
     ".TRAVERSE(contact_account_parentcustomerid, contact_1).FILTER(ISNOTNULL(contact_1.emailaddress1))", {"ny"}),
    ("PROFILE(contact).FILTER(ISNOTNULL(emailaddress1)) UNION SEGMENT(SEGMENT_CRM_ID_e1fa7fdc5c78ea11a811000d3a8e8fcc)",
     {"ny", "oslo"}),
    ("SEGMENT(SegmentWithImportantServiceTickets)INTERSECT SEGMENT(ThankYouMktSegment)", {"oslo"}),
    (CORPUS[4][1], {"ny"}),  # the hygiene query: a first name of one letter
    (CORPUS[6][1], {"oslo"}),  # an email address with a comma
])
def test_accepted_strings_select_the_contacts_they_describe(crm, text, expected):
    assert text in ACCEPTED
    assert members(parse(text)) == {crm[name].pk for name in expected}


@pytest.mark.parametrize(("text", "expected"), REFUSED)
def test_a_refused_string_gets_a_positioned_error_naming_the_construct(db, text, expected):
    with pytest.raises(QueryError) as error:
        validate(parse(text))
    assert str(error.value).startswith(expected), str(error.value)
