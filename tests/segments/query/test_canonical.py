"""Canonical texts round-trip exactly; Dynamics spellings normalise to the canonical AST."""

from decimal import Decimal

import pytest

from segments.query import Behavioral, Clause, Group, Having, SegmentRef, SetOp, Window, parse, unparse, validate

J = "5acc43d5-356e-e811-a960-000d3a1cae35"
CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink)"
AT_LEAST_ONE = ".HAVING(COUNT() >= 1)"

CANONICAL = [
    # every digit the user wrote survives (numbers are read exactly, not in a 28-digit context)
    "INTERACTION(LeadScoreBoost, LeadScoreBoost_ContactLink).HAVING(SUM(BoostValue) > "
    "99999999999999999999999999999999999999.5)",
    "INTERACTION(SurveyResponse, SurveyResponse_ContactLink).FILTER(Score > 8.00000000000000000000000000001)"
    ".HAVING(COUNT() >= 1)",
    "INTERACTION(SurveyResponse, SurveyResponse_ContactLink).FILTER(Score < -0.000000000000000000000000000000000001)"
    ".HAVING(COUNT() >= 1)",
    f"{CLICKED}.FILTER(CustomerJourneyId == '{J}').HAVING(COUNT() >= 1, UTCDAYS(45))",
    f"{CLICKED}{AT_LEAST_ONE}",
    f"{CLICKED}.HAVING(COUNT() == 0, UTCDAYS(90))",
    f"{CLICKED}.HAVING(COUNT() < 3, UTCMONTHS(6))",
    f"{CLICKED}.HAVING(COUNT() <= 2, UTCYEARS(1))",
    f"{CLICKED}.HAVING(COUNT() != 2)",
    f"{CLICKED}.FILTER(City == 'Paris' && OriginalUrl CONTAINS 'pricing'){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER(City == 'Paris' || City != 'Rome'){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER((City == 'Paris' && State == 'X') || City == 'Rome'){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER(City == 'Paris' && (State == 'X' || OriginalUrl STARTSWITH 'https')){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER((City == 'Paris' || City == 'Rome')){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER((City == 'Paris' || City == 'Rome') && State == 'X'){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER((CustomerJourneyId == '{J}' || CustomerJourneyId == '{J[:-1]}6')){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER(NOT(City == 'Paris')){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER(NOT(City == 'Paris' || City == 'Rome')){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER(NOT((City == 'Paris' || City == 'Rome'))){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER(State == 'X' && NOT(City == 'Paris' && ISNULL(State))){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER((City == 'Paris')){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER(((City == 'Paris'))){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER(ISNULL(City) || ISNOTNULL(LinkId)){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER(OriginalUrl ENDSWITH '.pdf'){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER(City == 'O''Hare'){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER(City == ''){AT_LEAST_ONE}",
    f"{CLICKED}.FILTER(Timestamp >= '2026-01-01T00:00:00Z' && Timestamp < '2026-02-01'){AT_LEAST_ONE}",
    "INTERACTION(SurveyResponse, SurveyResponse_ContactLink).FILTER(Score >= 7.5).HAVING(AVG(Score) > 8, UTCDAYS(30))",
    "INTERACTION(SurveyResponse, SurveyResponse_ContactLink).HAVING(SUM(Score) <= -0.25)",
    "INTERACTION(SurveyResponse, SurveyResponse_ContactLink).FILTER(Score != -3).HAVING(MIN(Score) < 2)",
    "INTERACTION(LeadScoreBoost, LeadScoreBoost_ContactLink).FILTER(BoostValue > 10).HAVING(MAX(BoostValue) >= 100)",
    "SEGMENT(Newsletter)",
    "SEGMENT('VIP customers')",
    "SEGMENT('union')",
    "SEGMENT('It''s')",
    "SEGMENT(a) UNION SEGMENT(b)",
    "SEGMENT(a) UNION SEGMENT(b) EXCEPT SEGMENT(c)",
    "SEGMENT(a) INTERSECT (SEGMENT(b) UNION SEGMENT(c))",
    f"SEGMENT(a) EXCEPT {CLICKED}.HAVING(COUNT() >= 2, UTCDAYS(7))",
    f"{CLICKED}{AT_LEAST_ONE} INTERSECT (SEGMENT(b) EXCEPT (SEGMENT(c) UNION SEGMENT(d)))",
]


@pytest.mark.parametrize("text", CANONICAL)
def test_canonical_text_round_trips(text):
    node = parse(text)
    assert unparse(node) == text
    assert parse(unparse(node, wrap=True)) == node


WRAPPED = [
    f"""{CLICKED}
    .FILTER(CustomerJourneyId == '{J}')
    .HAVING(COUNT() >= 1, UTCDAYS(45))""",
    f"""{CLICKED}
    .HAVING(COUNT() >= 1)
UNION
SEGMENT(a)""",
    """SEGMENT(a)
EXCEPT
(
    SEGMENT(b)
    UNION
    SEGMENT(c)
)""",
]


@pytest.mark.parametrize("text", WRAPPED)
def test_wrapped_text_round_trips(text):
    node = parse(text)
    assert unparse(node, wrap=True) == text
    assert parse(unparse(node)) == node


def _clicked(*items, op="AND", having=None):
    having = having or Having("COUNT", None, ">=", 1, None)
    return Behavioral("EmailClicked", Group(op, items) if items else None, having)


@pytest.mark.parametrize("text, expected", [
    # link spellings, lower-case keywords and names
    ("interaction(emailclicked, emailclicked_contact).having(count() >= 1)", _clicked()),
    ("INTERACTION(EmailClicked, EmailClickedContactLink).HAVING(COUNT() >= 1)", _clicked()),
    ("INTERACTION(EmailClicked, EMAILCLICKED_CONTACTLINK).HAVING(COUNT() >= 1)", _clicked()),
    # Dynamics "at least N"
    ("INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() > 0)", _clicked()),
    ("INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() > 4, UTCDAYS(3))",
     _clicked(having=Having("COUNT", None, ">=", 5, Window("DAYS", 3)))),
    # OR/AND words, newlines, field case, upper-case GUIDs
    ("INTERACTION(EmailClicked, EmailClicked_ContactLink)\n .filter(city == 'a'\n or CITY == 'b' and state == 'c')"
     "\n .having(count() >= 1)",
     _clicked(Clause("City", "==", ("a",)), Group("AND", (Clause("City", "==", ("b",)), Clause("State", "==", ("c",)))),
              op="OR")),
    (f"INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(customerjourneyid == '{J.upper()}')"
     ".HAVING(COUNT() >= 1)", _clicked(Clause("CustomerJourneyId", "==", (J,)))),
    (f"INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(CustomerJourneyId == '{{{J.upper()}}}')"
     ".HAVING(COUNT() >= 1)", _clicked(Clause("CustomerJourneyId", "==", (J,)))),
    # grouping
    ("INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(City == 'a' && State == 'b' || City == 'c')"
     ".HAVING(COUNT() >= 1)",
     _clicked(Group("AND", (Clause("City", "==", ("a",)), Clause("State", "==", ("b",)))),
              Clause("City", "==", ("c",)), op="OR")),
    ("INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER((City == 'a' OR City == 'b'))"
     ".HAVING(COUNT() >= 1)", _clicked(Clause("City", "==", ("a", "b")))),
    ("INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(City == 'a' || City == 'b')"
     ".HAVING(COUNT() >= 1)", _clicked(Clause("City", "==", ("a",)), Clause("City", "==", ("b",)), op="OR")),
    ("INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(not(City == 'a'))"
     ".HAVING(COUNT() >= 1)", _clicked(Group("AND", (Clause("City", "==", ("a",)),), negated=True))),
    ("INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(NOT(City == 'a' || City == 'b'))"
     ".HAVING(COUNT() >= 1)",
     _clicked(Group("OR", (Clause("City", "==", ("a",)), Clause("City", "==", ("b",))), negated=True))),
    # numbers: 2.50 and 3.0 have one canonical form each
    ("INTERACTION(SurveyResponse, SurveyResponse_ContactLink).FILTER(Score == 2.50 || Score == 3.0)"
     ".HAVING(sum(score) > 1.0)",
     Behavioral("SurveyResponse", Group("OR", (Clause("Score", "==", (Decimal("2.5"),)), Clause("Score", "==", (3,)))),
                Having("SUM", "Score", ">", 1, None))),
    ("INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(City == 'a').HAVING(COUNT() >= 1) union "
     "segment(b) except SEGMENT('c')",
     SetOp("EXCEPT", SetOp("UNION", _clicked(Clause("City", "==", ("a",))), SegmentRef("b")), SegmentRef("c"))),
    ("(SEGMENT(a) UNION SEGMENT(b)) EXCEPT SEGMENT(c)",
     SetOp("EXCEPT", SetOp("UNION", SegmentRef("a"), SegmentRef("b")), SegmentRef("c"))),
    ("SEGMENT(a) INTERSECT (SEGMENT(b) INTERSECT SEGMENT(c))",
     SetOp("INTERSECT", SegmentRef("a"), SetOp("INTERSECT", SegmentRef("b"), SegmentRef("c")))),
    ("INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(ISNULL(city) && isnotnull(State))"
     ".HAVING(COUNT() >= 1)", _clicked(Clause("City", "ISNULL", ()), Clause("State", "ISNOTNULL", ()))),
])
def test_dynamics_spellings_normalise(text, expected):
    node = parse(text)
    assert node == expected
    assert parse(unparse(node)) == node


def test_at_least_n_prints_as_greater_or_equal():
    text = "INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() > 0, UTCDAYS(45))"
    assert unparse(parse(text)) == f"{CLICKED}.HAVING(COUNT() >= 1, UTCDAYS(45))"


def test_positions_are_recorded_but_not_compared():
    node = parse("\n  SEGMENT(a)")
    assert node.pos == (2, 3)
    assert node == SegmentRef("a")


@pytest.mark.parametrize("text", CANONICAL)
def test_canonical_texts_validate(text):
    validate(parse(text))
