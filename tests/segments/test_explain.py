"""Explain a contact says `in` exactly for the members the evaluation selects, because both run the compiled
query: on random queries and data (this file runs on PostgreSQL, and on SQLite in the Makefile's second pass),
on strings that differ only by letter case or case folding, and from the command line."""

import io
import unittest.mock
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings

from interactions.catalog import parse_guid
from interactions.models import Account, Contact
from segments.estimates import clause_counts
from segments.explain import explain_contact
from segments.query import compile_query, parse
from tests.segments.query.differential import CONTACTS, DOMAIN, NOW, datasets
from tests.segments.query.reference import evaluate
from tests.segments.query.strategies import queries

from .helpers import T0, contact, days, interact
from .test_differential import load

pytestmark = pytest.mark.django_db
CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink)"


def members(node, now) -> set:
    sql, params = compile_query(node, now=now, dialect=connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] if isinstance(row[0], uuid.UUID) else parse_guid(row[0]) for row in cursor.fetchall()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(node=queries(DOMAIN, refs=False), data=datasets())
def test_explain_says_in_exactly_for_the_evaluated_members(node, data):
    rows, _ = data
    with transaction.atomic():
        load("default", rows, {})
        expected = evaluate(node, now=NOW, contacts=CONTACTS, rows=rows)
        assert members(node, NOW) == expected
        for contact_id in CONTACTS:
            explanation = explain_contact(node=node, contact=Contact.objects.get(pk=contact_id), at=NOW)
            assert explanation.member == (contact_id in expected), contact_id
            if explanation.behavioral:
                assert explanation.matching == sum(r["passes"] for r in explanation.rows)
        transaction.set_rollback(True)


@pytest.mark.parametrize(("stored", "wanted"), [
    ("Paris", "paris"), ("PARIS", "Paris"), ("Straße", "STRASSE"), ("Straße", "straße"), ("İstanbul", "istanbul"),
    ("ǅ", "ǆ"),
])
def test_explain_and_evaluation_agree_on_case(stored, wanted):
    who = contact("Case")
    interact("EmailClicked", who, T0 - days(1), city=stored)
    node = parse(f"{CLICKED}.FILTER(City == '{wanted}').HAVING(COUNT() >= 1)")
    explanation = explain_contact(node=node, contact=who, at=T0)
    assert explanation.member == (who.pk in members(node, T0))
    assert [r["passes"] for r in explanation.rows] == [explanation.member]


def test_explain_gives_each_restriction_its_verdict_and_the_aggregate():
    who = contact("Ada")
    interact("EmailClicked", who, T0 - days(1), city="Paris", state="IDF")
    interact("EmailClicked", who, T0 - days(2), city="Rome", state="IDF")
    interact("EmailClicked", who, T0 - days(90), city="Paris")  # outside the window
    node = parse(f"{CLICKED}.FILTER(City == 'Paris' && State == 'IDF').HAVING(COUNT() >= 2, UTCDAYS(30))")
    x = explain_contact(node=node, contact=who, at=T0)
    assert (x.member, x.total, x.matching, x.value, x.threshold) == (False, 2, 1, 1, ">= 2")
    assert [r["restrictions"] for r in x.rows] == [
        [("City == 'Paris'", True), ("State == 'IDF'", True)],
        [("City == 'Paris'", False), ("State == 'IDF'", True)],
    ]


def run(*args, stdin=""):
    out = io.StringIO()
    with unittest.mock.patch("sys.stdin", io.StringIO(stdin)):
        call_command("explain_contact", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_command_prints_in_or_out_first_then_the_reasons():
    ada = contact("Ada")
    interact("EmailClicked", ada, T0 - days(1), city="Paris")
    text = f"{CLICKED}.FILTER(City == 'Paris').HAVING(COUNT() >= 1, UTCDAYS(30))"
    lines = run("-", ada.emailaddress1.upper(), "--at", T0.isoformat(), stdin=text)
    assert lines[0] == "in"
    assert "1 EmailClicked interaction(s) since 2026-10-02T12:00:00+00:00; 1 pass the restrictions" in lines
    assert "COUNT() = 1, needs >= 1" in lines
    assert lines[-1].split()[:2] == ["pass", (T0 - days(1)).isoformat()] and lines[-1].endswith(
        "City == 'Paris': pass")
    assert run("-", str(ada.pk), "--at", (T0 - days(2)).isoformat(), stdin=text)[0] == "out"


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["-", "{email}"], f"{CLICKED}.HAVING(COUNT() >= 1) &&", "1:"),
    (["-", "nobody@example.com"], f"{CLICKED}.HAVING(COUNT() >= 1)", "no contact has the email 'nobody@example.com'"),
    (["-", str(uuid.UUID(int=999))], f"{CLICKED}.HAVING(COUNT() >= 1)", "no contact has the ContactId"),
    (["-", "{email}", "--at", "yesterday"], f"{CLICKED}.HAVING(COUNT() >= 1)", "--at: 'yesterday'"),
])
def test_the_command_refuses_bad_input_with_exit_2(args, stdin, message):
    who = contact("Someone")
    with pytest.raises(CommandError) as error:
        run(*(a.format(email=who.emailaddress1) for a in args), stdin=stdin)
    assert error.value.returncode == 2 and message in str(error.value)


def test_a_thousand_ored_values_of_one_field_are_one_restriction_and_evaluate():
    who = contact("Many")
    interact("EmailClicked", who, T0 - days(1), city="c999")
    text = f"{CLICKED}.FILTER({' || '.join(f'City == {chr(39)}c{n}{chr(39)}' for n in range(1000))})" \
           ".HAVING(COUNT() >= 1)"
    node = parse(text)
    assert who.pk in members(node, T0)
    assert explain_contact(node=node, contact=who, at=T0).member


def test_an_is_one_of_chain_is_one_restriction_in_the_reasons_and_the_counts():
    who = contact("Oslo")
    interact("EmailClicked", who, T0 - days(1), city="Oslo", state="N")
    node = parse(f"{CLICKED}.FILTER((City == 'Oslo' || City == 'Rome') && State == 'N').HAVING(COUNT() >= 1)")
    x = explain_contact(node=node, contact=who, at=T0)
    assert x.rows[0]["restrictions"] == [("(City == 'Oslo' || City == 'Rome')", True), ("State == 'N'", True)]
    assert [c["text"] for c in clause_counts(node=node, at=T0)] == ["(City == 'Oslo' || City == 'Rome')",
                                                                   "State == 'N'"]


# --- profile blocks and mixed compounds ---------------------------------------------------------------------

def _profiled(name="Ada", city="Oslo", account=None, **fields):
    who = contact(name)
    Contact.objects.filter(pk=who.pk).update(address1_city=city, parentcustomerid=account, **fields)
    return Contact.objects.get(pk=who.pk)


def _checks(x):
    return [(c["depth"], c["on"], c["sentence"], c["passes"], c["values"]) for c in x.checks]


def test_a_profile_clause_passes_or_fails_with_the_contacts_value():
    ada = _profiled(city="Oslo", jobtitle="CTO", gendercode=2)
    node = parse("PROFILE(contact, contact_1).FILTER(contact_1.address1_city == 'oslo' && "
                 "(jobtitle == 'CEO' || gendercode == 'Female') && ISNULL(birthdate))")
    x = explain_contact(node=node, contact=ada, at=T0)
    assert (x.member, x.kind, x.account) == (True, "profile", None)
    assert _checks(x) == [
        (0, "contact", x.checks[0]["text"], True, []),
        (1, "contact", "City equals 'oslo'", True, [("City", "Oslo")]),
        (1, "contact", "(jobtitle == 'CEO' || gendercode == 'Female')", True, []),
        (2, "contact", "Job title equals 'CEO'", False, [("Job title", "CTO")]),
        (2, "contact", "Gender equals Female", True, [("Gender", "Female")]),
        (1, "contact", "Birthday does not contain data", True, [("Birthday", "no value")]),
    ]
    bob = _profiled("Bob", city="Bergen")
    x = explain_contact(node=node, contact=bob, at=T0)
    assert not x.member and [c["passes"] for c in x.checks][:2] == [False, False]
    assert x.checks[1]["values"] == [("City", "Bergen")]


def test_the_account_a_traverse_reaches_is_judged_with_its_values():
    contoso = Account.objects.create(accountid=uuid.UUID(int=900), name="Contoso", numberofemployees=600,
                                     industrycode=33)
    ada, loner = _profiled(account=contoso), _profiled("Loner", city="Oslo")
    node = parse("PROFILE(account).FILTER(numberofemployees > 500 && "
                 "(industrycode == 'Wholesale' || industrycode == 'Financial'))"
                 ".TRAVERSE(contact_account_parentcustomerid).FILTER(DATEDIFF(YEAR, createdon, DATETIMEUTCNOW()) "
                 ">= 0)")
    x = explain_contact(node=node, contact=ada, at=T0)
    assert (x.member, x.account) == (True, "Contoso")
    assert [(c["on"], c["sentence"], c["passes"], c["values"]) for c in x.checks if c["depth"]] == [
        ("account", "Number of employees is greater than 500", True, [("Number of employees", "600")]),
        ("account", "Industry is one of Wholesale, Financial", True, [("Industry", "Wholesale")]),
        ("contact", "DATEDIFF(YEAR, createdon, DATETIMEUTCNOW()) >= 0", True,
         [("Created on", ada.createdon.strftime("%Y-%m-%d %H:%M UTC"))]),
    ]
    x = explain_contact(node=node, contact=loner, at=T0)
    assert (x.member, x.account) == (False, "")
    assert [c["values"] for c in x.checks[1:3]] == [[("Number of employees", "no value")],
                                                    [("Industry", "no value")]]


def test_a_mixed_compound_gives_each_operand_its_verdict():
    ada = _profiled(city="Oslo")
    interact("EmailClicked", ada, T0 - days(1), city="Paris")
    node = parse(f"PROFILE(contact).FILTER(address1_city == 'Oslo') INTERSECT {CLICKED}.HAVING(COUNT() >= 1, "
                 f"UTCDAYS(30)) EXCEPT PROFILE(contact).FILTER(ISNOTNULL(jobtitle))")
    x = explain_contact(node=node, contact=ada, at=T0)
    assert (x.member, x.kind, x.op) == (True, "compound", "EXCEPT")
    assert [(o.depth, o.kind, o.member) for o in x.operands] == [
        (1, "compound", True), (2, "profile", True), (2, "behavioral", True), (1, "profile", False)]
    assert x.operands[1].checks[1]["values"] == [("City", "Oslo")]
    assert x.operands[2].matching == 1
    assert x.operands[3].checks[1]["sentence"] == "Job title contains data"


def test_the_command_prints_the_profile_clauses_and_each_operand():
    ada = _profiled(city="Oslo")
    text = "PROFILE(contact).FILTER(address1_city == 'Oslo') UNION SEGMENT(Missing)"
    with pytest.raises(CommandError):
        run("-", str(ada.pk), stdin=text)
    lines = run("-", str(ada.pk), "--at", T0.isoformat(),
                stdin=f"PROFILE(contact).FILTER(address1_city == 'Oslo') EXCEPT {CLICKED}.HAVING(COUNT() >= 1)")
    assert lines[0] == "in"
    assert "  in: PROFILE(contact).FILTER(address1_city == 'Oslo')" in lines
    assert "    contact address1_city == 'Oslo': pass (City: Oslo)" in lines
    assert "  out: " + f"{CLICKED}.HAVING(COUNT() >= 1)" in lines
