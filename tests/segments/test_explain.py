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
from interactions.models import Contact
from segments.estimates import clause_counts, explain_contact
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
