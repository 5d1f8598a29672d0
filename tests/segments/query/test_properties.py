"""Property tests: printing and parsing are inverse; no input makes parse/validate raise anything unexpected."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segments.query import QuerySyntaxError, QueryValidationError, parse, unparse, validate
from segments.query.nodes import Behavioral, Clause, Group, Having, SegmentRef, SetOp, Window

from .strategies import queries
from .test_canonical import CANONICAL

_settings = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_settings
@given(queries())
def test_parse_inverts_unparse(node):
    text = unparse(node)
    assert parse(text) == node
    assert unparse(parse(text)) == text
    assert parse(unparse(node, wrap=True)) == node


@_settings
@given(queries())
def test_generated_queries_are_valid(node):
    validate(node)


def _check_any_text(text):
    try:
        node = parse(text)
    except QuerySyntaxError:
        return
    assert parse(unparse(node)) == node
    try:
        validate(node)
    except QueryValidationError:
        pass


@_settings
@given(st.text(alphabet=st.sampled_from("INTERACTION(EmailClicked,_ContactLink).FILTERHAVING COUNT()>=1'!&|x9\n-"),
               max_size=80))
def test_random_text_raises_only_syntax_errors(text):
    _check_any_text(text)


@_settings
@given(st.text(max_size=60))
def test_arbitrary_unicode_raises_only_syntax_errors(text):
    _check_any_text(text)


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(CANONICAL))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(("delete", "insert", "swap")))
        if action == "delete":
            text = text[:i] + text[i + 1:]
        elif action == "insert":
            text = text[:i] + draw(st.sampled_from("()'.,=!&|<>_ aZ09-\n\"#")) + text[i:]
        elif i + 1 < len(text):
            text = text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text


@_settings
@given(mutated())
def test_mutated_queries_raise_only_expected_errors(text):
    _check_any_text(text)


_junk_values = st.one_of(st.text(max_size=5), st.integers(-5, 5), st.booleans(),
                         st.decimals(allow_nan=True, allow_infinity=True, places=2), st.none())
_junk_clauses = st.builds(
    Clause, st.sampled_from(("City", "Score", "BoostValue", "Timestamp", "MessageId", "Nope", "city")),
    st.sampled_from(("==", "!=", ">", "<=", "CONTAINS", "ISNULL", "LIKE")),
    st.lists(_junk_values, max_size=3).map(tuple))
_junk_groups = st.recursive(
    st.builds(Group, st.sampled_from(("AND", "OR", "XOR")), st.lists(_junk_clauses, max_size=3).map(tuple)),
    lambda inner: st.builds(Group, st.sampled_from(("AND", "OR")),
                            st.lists(inner | _junk_clauses, max_size=3).map(tuple), st.booleans()),
    max_leaves=6)
_junk_havings = st.builds(
    Having, st.sampled_from(("COUNT", "SUM", "AVG", "TOTAL")), st.sampled_from((None, "Score", "City", "Nope")),
    st.sampled_from(("==", ">", "=~")), _junk_values,
    st.none() | st.builds(Window, st.sampled_from(("DAYS", "WEEKS")), st.integers(-2, 3)))
_junk_queries = st.recursive(
    st.builds(Behavioral, st.sampled_from(("EmailClicked", "SurveyResponse", "LeadScoreBoost", "Nope")),
              st.none() | _junk_groups, _junk_havings) | st.builds(SegmentRef, st.text(max_size=3)),
    lambda inner: st.builds(SetOp, st.sampled_from(("UNION", "MINUS")), inner, inner), max_leaves=3)


@_settings
@given(_junk_queries, st.dictionaries(st.text(max_size=3), st.builds(SegmentRef, st.text(max_size=3)), max_size=3))
def test_validate_raises_only_validation_errors(node, saved):
    try:
        validate(node, segments=saved.get, name="me")
    except QueryValidationError:
        pass
