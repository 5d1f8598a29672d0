"""Bad inputs: each error names the problem, its line:column and what would be valid."""

import pytest

from interactions.catalog import INTERACTION_TYPES
from segments.query import QueryError, QuerySyntaxError, QueryValidationError, parse, validate
from segments.query.nodes import Behavioral, Clause, Group, Having, SegmentRef, SetOp

C = "INTERACTION(EmailClicked, EmailClicked_ContactLink)"
H = ".HAVING(COUNT() >= 1)"
S = "INTERACTION(SurveyResponse, SurveyResponse_ContactLink)"

SYNTAX_ERRORS = [
    ("", 1, 1, "empty query: expected INTERACTION(...), PROFILE(...) or SEGMENT(...)"),
    ("   \n  ", 2, 3, "empty query: expected INTERACTION(...), PROFILE(...) or SEGMENT(...)"),
    ("SEGMENT(a) SEGMENT(b)", 1, 12,
     "unexpected 'SEGMENT' after the end of the query; join queries with UNION, INTERSECT or EXCEPT"),
    (C + H + ")", 1, 73, "unexpected ')' after the end of the query; join queries with UNION, INTERSECT or EXCEPT"),
    ("SEGMENT(a) UNION", 1, 17,
     "expected INTERACTION(...), PROFILE(...), SEGMENT(...) or '(', found the end of the query"),
    ("FOO(a)", 1, 1, "expected INTERACTION(...), PROFILE(...), SEGMENT(...) or '(', found 'FOO'"),
    ("SEGMENT(", 1, 9, "expected a segment name after 'SEGMENT(', found the end of the query"),
    ("SEGMENT('')", 1, 9, "the segment name is empty"),
    ("SEGMENT(a", 1, 10, "expected ')' to close the SEGMENT( opened at 1:8, found the end of the query"),
    ("(SEGMENT(a) UNION\n SEGMENT(b)", 2, 12, "expected ')' to close the parenthesis opened at 1:1, "
     "found the end of the query"),
    ("INTERACTION(EmailClicked)", 1, 25,
     "expected ',' and the contact link (EmailClicked_ContactLink) after the interaction type, found ')'"),
    ("INTERACTION(EmailOpened, EmailOpenedLeadLink)" + H, 1, 26,
     "unknown link 'EmailOpenedLeadLink': only contact links exist, write EmailOpened_ContactLink"),
    ("INTERACTION(EmailOpened, EmailClicked_ContactLink)" + H, 1, 26,
     "the link 'EmailClicked_ContactLink' does not belong to EmailOpened; write EmailOpened_ContactLink"),
    (C, 1, 52, "expected .HAVING(...) after INTERACTION(...), found the end of the query; "
     "a behavioral query must end with HAVING"),
    (C + ".FILTER(City == 'a')", 1, 72, "expected .HAVING(...) after .FILTER(...), found the end of the query; "
     "a behavioral query must end with HAVING"),
    (C + ".FILTER(City == 'a').FILTER(City == 'b')" + H, 1, 73,
     "FILTER appears twice; join the conditions with && in one FILTER"),
    (C + H + ".FILTER(City == 'a')", 1, 74, "FILTER must come before HAVING"),
    (C + H + H, 1, 74, "HAVING appears twice"),
    (C + ".SORT(City)", 1, 53, "expected FILTER or HAVING after '.', found 'SORT'"),
    (C + ".FILTER()" + H, 1, 60, "FILTER is empty: write a condition or leave out .FILTER(...)"),
    (C + ".FILTER(City == 'a'" + H, 1, 71, "expected ')' to close the FILTER( opened at 1:59, found '.'"),
    (C + ".FILTER(\n  City == 'a' && (State == 'b'" + H, 2, 31,
     "expected ')' to close the group opened at 2:18, found '.'"),
    (C + ".FILTER(NOT(City == 'a')" + H, 1, 76, "expected ')' to close the FILTER( opened at 1:59, found '.'"),
    (C + ".FILTER(City = 'a')" + H, 1, 65, "unexpected '='; use '==' to compare"),
    (C + ".FILTER(City ! 'a')" + H, 1, 65, "unexpected '!'; use '!=' to compare or NOT(...) to negate"),
    (C + ".FILTER(City == 'a' & State == 'b')" + H, 1, 72, "unexpected '&'; use '&&' to join conditions"),
    (C + ".FILTER(City == 'a' | State == 'b')" + H, 1, 72, "unexpected '|'; use '||' to join alternatives"),
    (C + ".FILTER(City == 'a)" + H, 1, 68, "unterminated string: no closing quote for the string that starts here"),
    (C + '.FILTER(City == "a")' + H, 1, 68, "strings are written in single quotes: 'like this'"),
    (C + ".FILTER(City == 'a' #)" + H, 1, 72, "unexpected character '#'"),
    (C + ".FILTER(City == )" + H, 1, 68, "expected a value ('string', number, True or False) after '==', found ')'"),
    (C + ".FILTER(City)" + H, 1, 64,
     "expected a comparison (==, !=, >, >=, <, <=, CONTAINS, STARTSWITH, ENDSWITH) after City, found ')'"),
    (C + ".FILTER(City CONTAINS 3)" + H, 1, 74, "CONTAINS needs a 'string', found '3'"),
    (C + ".FILTER(City == 'a' && )" + H, 1, 75,
     "expected a condition (Field == value, ISNULL(Field), NOT(...) or '('), found ')'"),
    (C + ".FILTER(NOT City == 'a')" + H, 1, 64, "NOT needs parentheses: NOT(condition)"),
    (C + ".FILTER(ISNULL City)" + H, 1, 67, "expected '(' after ISNULL, found 'City'"),
    (C + ".HAVING(COUNT(City) >= 1)", 1, 66, "COUNT() takes no field: write COUNT()"),
    (C + ".HAVING(COUNT() >= 'x')", 1, 71, "expected a number after '>=', found a string"),
    (C + ".HAVING(COUNT() 1)", 1, 68, "expected a comparison (==, !=, >, >=, <, <=) after COUNT(...), found '1'"),
    (C + ".HAVING(TOTAL() >= 1)", 1, 60,
     "expected COUNT(), SUM(field), AVG(field), MIN(field) or MAX(field), found 'TOTAL'"),
    (C + ".HAVING(COUNT() >= 1, UTCWEEKS(2))", 1, 74,
     "expected UTCDAYS(n), UTCMONTHS(n) or UTCYEARS(n), found 'UTCWEEKS'"),
    (C + ".HAVING(COUNT() >= 1, UTCDAYS(1.5))", 1, 82, "expected a whole number of days, found '1.5'"),
    (C + ".HAVING(COUNT() >= 1, UTCDAYS(3)", 1, 84,
     "expected ')' to close the HAVING( opened at 1:59, found the end of the query"),
    ("(" * 200 + "SEGMENT(a)" + ")" * 200, 1, 101, "the query nests too deeply (more than 100 levels)"),
    (C + ".FILTER(" + "(" * 150 + "City == 'a'" + ")" * 150 + ")" + H, 1, 90,
     "the groups nest too deeply (more than 30 levels)"),
    ("(" * 80 + C + ".FILTER(" + "(" * 25 + "City == 'a'" + ")" * 25 + ")" + H + ")" * 80, 1, 159,
     "the query nests too deeply (more than 100 levels)"),
    (C + ".HAVING(COUNT() >= 1" + "1" * 60 + ")", 1, 71, "number too long (more than 40 characters)"),
]


@pytest.mark.parametrize("text, line, column, message", SYNTAX_ERRORS)
def test_syntax_errors(text, line, column, message):
    with pytest.raises(QuerySyntaxError) as caught:
        parse(text)
    error = caught.value
    assert (error.line, error.column, error.message) == (line, column, message)
    assert str(error) == f"{line}:{column}: {message}"


B = "INTERACTION(LeadScoreBoost, LeadScoreBoost_ContactLink)"
VALIDATION_ERRORS = [
    # counts are whole numbers >= 0 (no "> -1" read as ">= 0"), and every whole number fits 64 bits
    (C + ".HAVING(COUNT() > -1)", 1, 70, "COUNT() compares with whole numbers >= 0, not -1"),
    (C + ".HAVING(COUNT() >= 10000000000000000000)", 1, 71,
     "COUNT() compares with whole numbers up to 9223372036854775807, not 10000000000000000000"),
    (B + ".FILTER(BoostValue > 99999999999999999999)" + H, 1, 77,
     "99999999999999999999 is out of range: whole numbers go up to 9223372036854775807 in size"),
    (B + ".HAVING(SUM(BoostValue) > -9223372036854775809)", 1, 82,
     "-9223372036854775809 is out of range: whole numbers go up to 9223372036854775807 in size"),
    (C + ".FILTER(" + " && ".join(f"(City == '{n}' || State == '{n}')" for n in range(251)) + ")" + H, 1, 9091,
     "FILTER holds 502 restrictions; at most 500 fit in one block: write many values of one field as one "
     "restriction (Field == 'a' || Field == 'b' ...) or split the query"),
    (C + ".FILTER(City == 'a\x00b')" + H, 1, 68,
     "the value of City holds a NUL character (\\x00), which no stored text can hold"),
    (C + ".FILTER(City CONTAINS '\x00')" + H, 1, 74,
     "the value of City holds a NUL character (\\x00), which no stored text can hold"),
    ("INTERACTION(EmailClick, EmailClick_ContactLink)" + H, 1, 13,
     "unknown interaction type 'EmailClick'; did you mean 'EmailClicked'?"),
    ("INTERACTION(Zzz, Zzz_ContactLink)" + H, 1, 13, "unknown interaction type 'Zzz'"),
    (C + ".FILTER(CustomerJournyId == 'a')" + H, 1, 60,
     "unknown field 'CustomerJournyId' on EmailClicked; did you mean 'CustomerJourneyId'?"),
    (S + ".FILTER(Score > 1 && (City == 'x'))" + H, 1, 78, "unknown field 'City' on SurveyResponse"),
    (C + ".FILTER(CustomerJourneyId == 'abc')" + H, 1, 81, "'abc' is not a GUID"),
    (C + ".FILTER((MessageId == '5acc43d5-356e-e811-a960-000d3a1cae35' || MessageId == 'x'))" + H, 1, 129,
     "'x' is not a GUID"),
    (C + ".FILTER(City > 'a')" + H, 1, 60,
     "'>' does not apply to City, a string; use ==, !=, CONTAINS, STARTSWITH, ENDSWITH, ISNULL or ISNOTNULL"),
    (C + ".FILTER(CustomerJourneyId CONTAINS 'abc')" + H, 1, 60,
     "'CONTAINS' does not apply to CustomerJourneyId, a GUID; use ==, !=, ISNULL or ISNOTNULL"),
    (C + ".FILTER(CustomerJourneyId < '5acc43d5-356e-e811-a960-000d3a1cae35')" + H, 1, 60,
     "'<' does not apply to CustomerJourneyId, a GUID; use ==, !=, ISNULL or ISNOTNULL"),
    (S + ".FILTER(Score CONTAINS 'x')" + H, 1, 64,
     "'CONTAINS' does not apply to Score, a number; use ==, !=, >, >=, <, <=, ISNULL or ISNOTNULL"),
    (C + ".FILTER(Timestamp STARTSWITH '2026')" + H, 1, 60,
     "'STARTSWITH' does not apply to Timestamp, a date and time; use ==, !=, >, >=, <, <=, ISNULL or ISNOTNULL"),
    (C + ".FILTER(City == 3)" + H, 1, 68, "City is a string: write the value in quotes, not 3"),
    (C + ".FILTER(City == True)" + H, 1, 68, "City is a string: write the value in quotes, not True"),
    (S + ".FILTER(Score == 'x')" + H, 1, 73, "Score is a number: compare it with a number, not 'x'"),
    (S + ".FILTER(Score == False)" + H, 1, 73, "Score is a number: compare it with a number, not False"),
    ("INTERACTION(LeadScoreBoost, LeadScoreBoost_ContactLink).FILTER(BoostValue == 1.5)" + H, 1, 78,
     "BoostValue holds whole numbers: 1.5 is not one"),
    (C + ".FILTER(Timestamp >= 'yesterday')" + H, 1, 73,
     "'yesterday' is not an ISO 8601 date and time, e.g. '2026-01-01T00:00:00Z'"),
    (C + ".FILTER(Timestamp == 5)" + H, 1, 73, "Timestamp is a date and time: write the value in quotes, not 5"),
    (C + ".HAVING(COUNT() >= 1.5)", 1, 71, "COUNT() compares with whole numbers >= 0, not 1.5"),
    (C + ".HAVING(COUNT() == -1)", 1, 71, "COUNT() compares with whole numbers >= 0, not -1"),
    (C + ".HAVING(SUM(MessageId) >= 1)", 1, 64, "SUM needs a numeric field, MessageId is a GUID"),
    (C + ".HAVING(AVG(City) >= 1)", 1, 64, "AVG needs a numeric field, City is a string"),
    (C + ".HAVING(MIN(Timestamp) >= 1)", 1, 64, "MIN needs a numeric field, Timestamp is a date and time"),
    (S + ".HAVING(MAX(Scroe) >= 1)", 1, 68, "unknown field 'Scroe' on SurveyResponse; did you mean 'Score'?"),
    (C + ".HAVING(COUNT() >= 1, UTCDAYS(0))", 1, 82, "the window must be at least 1 day, not 0"),
    (C + ".HAVING(COUNT() >= 1, UTCMONTHS(0))", 1, 84, "the window must be at least 1 month, not 0"),
]


@pytest.mark.parametrize("text, line, column, message", VALIDATION_ERRORS)
def test_validation_errors(text, line, column, message):
    node = parse(text)
    with pytest.raises(QueryValidationError) as caught:
        validate(node)
    error = caught.value
    assert (error.line, error.column, error.message) == (line, column, message)
    assert str(error) == f"{line}:{column}: {message}"


def test_suggestion_is_kept_apart_too():
    with pytest.raises(QueryError) as caught:
        validate(parse("INTERACTION(EmailClick, EmailClick_ContactLink)" + H))
    assert caught.value.suggestion == "EmailClicked"


SAVED = {
    "a": parse("SEGMENT(b) UNION " + C + H),
    "b": parse(C + H),
    "loop1": parse("SEGMENT(loop2)"),
    "loop2": parse("SEGMENT(b) EXCEPT SEGMENT(loop1)"),
    "dangling": parse("SEGMENT(gone)"),
}


@pytest.mark.parametrize("text, name, line, column, message", [
    ("SEGMENT(a) UNION SEGMENT(nope)", None, 1, 26, "unknown segment 'nope'"),
    ("SEGMENT(a) UNION SEGMENT(me)", "me", 1, 26, "segment 'me' refers back to itself: me -> me"),
    ("SEGMENT(a) UNION\n  SEGMENT(loop1)", None, 2, 11,
     "segment 'loop1' refers back to itself: loop1 -> loop2 -> loop1"),
    ("SEGMENT(a)", "b", 1, 9, "segment 'b' refers back to itself: b -> a -> b"),
    ("SEGMENT(dangling)", None, 1, 9, "segment 'dangling' refers to unknown segment 'gone'"),
])
def test_segment_reference_errors(text, name, line, column, message):
    with pytest.raises(QueryValidationError) as caught:
        validate(parse(text), segments=SAVED.get, name=name)
    assert (caught.value.line, caught.value.column, caught.value.message) == (line, column, message)


def test_references_that_resolve_are_valid():
    validate(parse("SEGMENT(a) INTERSECT (SEGMENT(b) EXCEPT SEGMENT(a))"), segments=SAVED.get, name="new")


COUNTED = Having("COUNT", None, ">=", 1, None)


@pytest.mark.parametrize("node, message", [
    (SetOp("MINUS", SegmentRef("a"), SegmentRef("b")), "unknown set operator 'MINUS'"),
    (Behavioral("EmailClicked", Group("AND", ()), COUNTED), "empty group of conditions"),
    (Behavioral("EmailClicked", Group("AND", (Clause("City", "==", ()),)), COUNTED),
     "'==' needs exactly one value"),
    (Behavioral("EmailClicked", Group("AND", (Clause("City", "ISNULL", ("a",)),)), COUNTED),
     "ISNULL(City) takes no value"),
    (Behavioral("EmailClicked", Group("AND", (Clause("City", "!=", ("a", "b")),)), COUNTED),
     "'!=' needs exactly one value"),
    (Behavioral("EmailClicked", None, Having("SUM", None, ">=", 1, None)), "SUM needs a numeric field"),
])
def test_hand_built_nodes_without_positions(node, message):
    with pytest.raises(QueryValidationError) as caught:
        validate(node)
    assert str(caught.value) == message and caught.value.line is None


@pytest.mark.parametrize("lines", [1, 3])
def test_query_text_past_the_length_limit_is_refused_where_the_limit_falls(lines):
    values = " || ".join(f"City == 'c{n:06}'" for n in range(8_000))
    head = "\n" * (lines - 1)
    text = f"{head}INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER({values}).HAVING(COUNT() >= 1)"
    with pytest.raises(QuerySyntaxError) as raised:
        parse(text)
    assert (raised.value.line, raised.value.column) == (lines, 100_001 - (lines - 1))
    assert raised.value.message == f"the query is {len(text):,} characters long; at most 100,000 are read"


EMAIL_TYPES = [t.name for t in INTERACTION_TYPES if t.field("MessageId") is not None and t.name.startswith("Email")]


@pytest.mark.parametrize("type_name", [*EMAIL_TYPES, "RedirectLinkClicked"])
def test_the_old_products_email_id_is_pointed_to_message_id(type_name):
    text = f"INTERACTION({type_name}, {type_name}_ContactLink).FILTER(EmailId == 'x').HAVING(COUNT() >= 1)"
    with pytest.raises(QueryValidationError) as raised:
        validate(parse(text))
    assert raised.value.message == f"unknown field 'EmailId' on {type_name}; did you mean 'MessageId'?"


HINTS = [
    (C + ".FILTER(Name == 'Spring').HAVING(COUNT() >= 1)",
     "1:60: unknown field 'Name' on EmailClicked; did you mean 'CustomerJourneyId'?"),
    ("Clickers = " + C + ".HAVING(COUNT() >= 1)",
     "1:10: unexpected '='; paste the query, not its name: leave out 'Clickers ='"),
    ("SpringClickers =\n  " + C + ".HAVING(COUNT() >= 1)",
     "1:16: unexpected '='; paste the query, not its name: leave out 'SpringClickers ='"),
    (C + ".FILTER(City = 'Paris').HAVING(COUNT() >= 1)", "1:65: unexpected '='; use '==' to compare"),
    ("INTERACTION(EmailClick, EmailClicked_ContactLink).FILTER(Nope == 1).HAVING(COUNT() >= 1)",
     "1:13: unknown interaction type 'EmailClick'; did you mean 'EmailClicked'?"),
    ("INTERACTION(EmailClick, EmailClick_ContactLink).FILTER(Nope == 1).HAVING(COUNT() >= 1)",
     "1:13: unknown interaction type 'EmailClick'; did you mean 'EmailClicked'?"),
]


@pytest.mark.parametrize(("text", "message"), HINTS)
def test_targeted_hints(text, message):
    with pytest.raises(QueryError) as raised:
        validate(parse(text))
    assert str(raised.value) == message
