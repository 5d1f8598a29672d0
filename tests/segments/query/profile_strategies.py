"""Hypothesis strategies for profile blocks and the contacts and accounts they read, over small pools of values
that put records exactly at the edges (a birthday today, a date a month back, an empty city)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from hypothesis import strategies as st

from interactions.catalog import PARENT_CUSTOMER
from segments.query.nodes import (
    AttributeRef,
    Clause,
    DateAdd,
    DateDiff,
    DateValue,
    Group,
    Now,
    Profile,
    ProfileFilter,
    Traverse,
)

from .differential import CONTACTS, NOW

ACCOUNTS = [uuid.UUID(int=500 + i) for i in range(2)]
CITIES = ["Oslo", "oslo", "Bergen", ""]
DATES = [date(1990, 3, 31), date(2008, 3, 31), date(2008, 4, 1), date(2026, 2, 28), date(2025, 12, 31)]
INSTANTS = [NOW - timedelta(days=d, hours=h) for d in (0, 1, 30, 31) for h in (0, 13)] + [NOW + timedelta(hours=1)]

_now_relative = st.builds(DateAdd, st.sampled_from(["YEAR", "MONTH", "DAY", "HOUR", "MINUTE"]),
                          st.sampled_from([-18, -1, 0, 1, -30]), st.just(Now()))
_dates = st.one_of(st.just(Now()), _now_relative, st.sampled_from([DateValue((2008, 3, 31)),
                                                                   DateValue((2026, 3, 30, 23, 59, 59))]),
                   st.sampled_from(["2026-03-01", "2008-03-31T00:00:00Z"]))


@st.composite
def _contact_clause(draw, qualifier: str | None):
    def name(attribute):
        return f"{qualifier}.{attribute}" if qualifier and draw(st.booleans()) else attribute

    kind = draw(st.sampled_from(["city", "birthdate", "createdon", "gender", "bulk", "datediff", "company"]))
    if kind == "city":
        op = draw(st.sampled_from(["==", "!=", "CONTAINS", "STARTSWITH", "ISNULL", "ISNOTNULL"]))
        values = () if op.startswith("IS") else tuple(draw(st.lists(st.sampled_from(["Oslo", "OSLO", "Berg"]),
                                                                    min_size=1, max_size=2 if op == "==" else 1)))
        return Clause(name("address1_city"), op, values)
    if kind in ("birthdate", "createdon"):
        op = draw(st.sampled_from(["==", "!=", ">", ">=", "<", "<=", "ISNULL"]))
        attribute = "birthdate" if kind == "birthdate" else "createdon"
        return Clause(name(attribute), op, () if op == "ISNULL" else (draw(_dates),))
    if kind == "gender":
        return Clause(name("gendercode"), draw(st.sampled_from(["==", "!="])),
                      (draw(st.sampled_from([1, 2, "Female", "male"])),))
    if kind == "bulk":
        return Clause(name("donotbulkemail"), draw(st.sampled_from(["==", "!="])), (draw(st.booleans()),))
    if kind == "company":
        op = draw(st.sampled_from(["==", "!=", "ISNULL"]))
        return Clause(name("parentcustomerid"), op, () if op == "ISNULL" else (str(ACCOUNTS[0]),))
    operand = st.one_of(st.sampled_from([AttributeRef("birthdate"), AttributeRef("createdon")]), _dates)
    return DateDiff(draw(st.sampled_from(["YEAR", "MONTH", "DAY", "HOUR", "MINUTE"])), draw(operand), draw(operand),
                    draw(st.sampled_from(["==", "!=", ">=", "<"])), draw(st.sampled_from([0, 1, 18, -1, 30])))


@st.composite
def _account_clause(draw, qualifier: str | None):
    attribute = draw(st.sampled_from(["numberofemployees", "industrycode", "address1_city"]))
    field = f"{qualifier}.{attribute}" if qualifier and draw(st.booleans()) else attribute
    if attribute == "numberofemployees":
        return Clause(field, draw(st.sampled_from([">", "<=", "==", "ISNULL"])), (draw(st.sampled_from([0, 500])),))
    if attribute == "industrycode":
        return Clause(field, "==", tuple(draw(st.lists(st.sampled_from([1, "Wholesale"]), min_size=1, max_size=2))))
    return Clause(field, draw(st.sampled_from(["==", "ISNOTNULL"])), ("oslo",))


def _fix_null_tests(clause):
    if isinstance(clause, Clause) and clause.op in ("ISNULL", "ISNOTNULL"):
        return Clause(clause.field, clause.op, ())
    if isinstance(clause, Clause) and clause.op != "==" and len(clause.values) > 1:
        return Clause(clause.field, clause.op, clause.values[:1])
    return clause


@st.composite
def _filter(draw, entity: str, qualifier: str | None):
    leaf = (_contact_clause if entity == "contact" else _account_clause)(qualifier).map(_fix_null_tests)
    items = tuple(draw(st.lists(leaf, min_size=1, max_size=3)))
    op = draw(st.sampled_from(["AND", "OR"])) if len(items) > 1 else "AND"
    inner = Group(draw(st.sampled_from(["AND", "OR"])), items, negated=True) if draw(st.booleans()) else None
    return ProfileFilter(Group(op, (*items, inner) if inner else items))


@st.composite
def profile_blocks(draw):
    """A PROFILE chain that ends on contacts, with one or two FILTERs along the way."""
    start = draw(st.sampled_from(["contact", "account"]))
    alias = draw(st.sampled_from([None, f"{start}_1"]))
    steps, current, qualifier = [], start, alias
    traverses = draw(st.sampled_from([0, 2])) if start == "contact" else 1
    for index in range(traverses + 1):
        if draw(st.booleans()):
            steps.append(draw(_filter(current, qualifier)))
        if index < traverses:
            current = "account" if current == "contact" else "contact"
            qualifier = draw(st.sampled_from([None, f"{current}_{index + 2}"]))
            steps.append(Traverse(PARENT_CUSTOMER, qualifier))
    return Profile(start, alias, tuple(steps))


@st.composite
def profile_data(draw):
    """Attributes of the differential test's contacts, and two accounts."""
    def maybe(values):
        return draw(st.none() | st.sampled_from(values))

    contacts = {c: {"address1_city": maybe(CITIES), "birthdate": maybe(DATES), "createdon": draw(st.sampled_from(
        INSTANTS)), "gendercode": maybe([1, 2]), "donotbulkemail": maybe([True, False]),
                    "parentcustomerid": maybe(ACCOUNTS)} for c in CONTACTS}
    accounts = {a: {"numberofemployees": maybe([0, 500, 501]), "industrycode": maybe([1, 33]),
                    "address1_city": maybe(CITIES)} for a in ACCOUNTS}
    return {"contact": contacts, "account": accounts}
