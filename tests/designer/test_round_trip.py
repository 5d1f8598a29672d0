"""form(AST) -> POST -> AST is the identity: the page is rendered for a query, its own form fields are read as a
browser would submit them, posted back, and the query that comes back is the same."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from designer.editor.behavioral import node_from_state, state_from_post
from designer.editor.compound import compound_from_post, node_from_compound
from designer.management.designer_benchmark import form_fields
from segments.query import Behavioral, parse, unparse
from segments.services import segment_create
from tests.segments.query.test_canonical import CANONICAL

from .conftest import SPRING

J = "5acc43d5-356e-e811-a960-000d3a1cae35"
K = "6bdd54e6-467f-f922-b071-111e4b2dbf46"
CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink)"
OPENED = "INTERACTION(EmailOpened, EmailOpened_ContactLink)"
ONE = ".HAVING(COUNT() >= 1)"
BLOCK = f"{CLICKED}.FILTER(City == 'Paris' && (City == 'Rome' || NOT(State == 'X'))).HAVING(COUNT() >= 2, UTCDAYS(45))"

OWN = [
    f"{CLICKED}.FILTER(CustomerJourneyId == '{J}').HAVING(COUNT() >= 3, UTCDAYS(45))",
    f"{CLICKED}{ONE}",
    f"{CLICKED}.HAVING(COUNT() == 0, UTCDAYS(90))",
    f"{CLICKED}.HAVING(COUNT() == 4, UTCMONTHS(2))",
    f"{CLICKED}.HAVING(COUNT() <= 2, UTCYEARS(1))",
    f"{CLICKED}.HAVING(COUNT() < 3)",
    f"{CLICKED}.HAVING(COUNT() != 2)",
    f"{CLICKED}.FILTER(City == 'Paris' && OriginalUrl CONTAINS 'pricing'){ONE}",
    f"{CLICKED}.FILTER(City == 'Paris' || City != 'Rome'){ONE}",
    f"{CLICKED}.FILTER(City STARTSWITH 'Par' && City ENDSWITH 'is'){ONE}",
    f"{CLICKED}.FILTER((City == 'Paris' && State == 'X') || City == 'Rome'){ONE}",
    f"{CLICKED}.FILTER(City == 'Paris' && (State == 'X' || (LinkId != '{K}' && ISNULL(State)))){ONE}",
    f"{CLICKED}.FILTER((City == 'Paris' || City == 'Rome' || City == 'Oslo')){ONE}",
    f"{CLICKED}.FILTER((CustomerJourneyId == '{J}' || CustomerJourneyId == '{K}')){ONE}",
    f"{CLICKED}.FILTER(NOT(City == 'Paris')){ONE}",
    f"{CLICKED}.FILTER(NOT((City == 'Paris' || City == 'Rome'))){ONE}",
    f"{CLICKED}.FILTER(State == 'X' && NOT(City == 'Paris' && ISNULL(State))){ONE}",
    f"{CLICKED}.FILTER(((City == 'Paris'))){ONE}",
    f"{CLICKED}.FILTER(ISNULL(City) || ISNOTNULL(LinkId)){ONE}",
    f"{CLICKED}.FILTER(City == 'O''Hare' && City == ''){ONE}",
    f"{CLICKED}.FILTER(Timestamp >= '2026-01-01T00:00:00Z' && Timestamp < '2026-02-01'){ONE}",
    "INTERACTION(SurveyResponse, SurveyResponse_ContactLink).FILTER(Score >= 7.5).HAVING(AVG(Score) > 8, UTCDAYS(30))",
    "INTERACTION(SurveyResponse, SurveyResponse_ContactLink).FILTER((Score == 1 || Score == 2.5)).HAVING(COUNT() >= 1)",
    "INTERACTION(SurveyResponse, SurveyResponse_ContactLink).HAVING(SUM(Score) <= -0.25)",
    "INTERACTION(SurveyResponse, SurveyResponse_ContactLink).FILTER(Score != -3).HAVING(MIN(Score) < 2)",
    "INTERACTION(LeadScoreBoost, LeadScoreBoost_ContactLink).FILTER(BoostValue > 10).HAVING(MAX(BoostValue) >= 100)",
    "INTERACTION(LeadScoreBoost, LeadScoreBoost_ContactLink).HAVING(SUM(BoostValue) == 50, UTCMONTHS(3))",
    f"INTERACTION(FormSubmitted, FormSubmitted_ContactLink).FILTER(FormId == '{J}' && PageId != '{K}')"
    ".HAVING(COUNT() >= 2)",
]


CANONICAL_BEHAVIORAL = [text for text in CANONICAL if isinstance(parse(text), Behavioral)]
BEHAVIORAL = OWN + [text for text in CANONICAL_BEHAVIORAL if text not in OWN]

COMPOUND = [
    "SEGMENT(a) EXCEPT SEGMENT(b)",
    "SEGMENT(a) UNION SEGMENT(b) INTERSECT SEGMENT(c) EXCEPT SEGMENT('d e')",
    f"SEGMENT(a) UNION {OPENED}.HAVING(COUNT() >= 1)",
    f"{BLOCK} EXCEPT SEGMENT(b)",
    "SEGMENT(a) EXCEPT (SEGMENT(b) UNION SEGMENT(c))",
    f"SEGMENT(a) INTERSECT (SEGMENT(b) EXCEPT ({BLOCK} UNION SEGMENT(c))) UNION SEGMENT(d)",
    f"SEGMENT(a) UNION ({OPENED}.HAVING(COUNT() == 0, UTCDAYS(90)) INTERSECT {BLOCK})",
    f"{BLOCK} INTERSECT {OPENED}.FILTER((CustomerJourneyId == '{SPRING}')).HAVING(COUNT() >= 1)",
]


def rendered_form(client, text: str, *, compound: bool = False) -> QueryDict:
    """The designer form the page renders for `text`, as a browser would submit it."""
    data = {"action": "text", "query_text": text, "text_base": "", **({"compound": "1"} if compound else {})}
    response = client.post(reverse("segment-new"), data)
    assert response.status_code == 200 and response.context["editor"].text_error is None
    posted = QueryDict(mutable=True)
    for name, value in form_fields(response.content.decode(), "designer-form"):
        posted.appendlist(name, value)
    return posted


def posted_back(client, form: QueryDict):
    """The query the designer makes of a posted form (a plain post: the page re-renders whole)."""
    data = {name: form.getlist(name) for name in form}  # every value of a repeated field, as a browser sends
    data["action"] = ["update"]
    response = client.post(reverse("segment-new"), data)
    assert response.status_code == 200
    return response.context["editor"].node


@pytest.fixture
def named(db, user):
    """The segments the compound cases name."""
    for name in ("a", "b", "c", "d", "d e"):
        segment_create(name=name, query_text=f"{CLICKED}{ONE}", owner=user)


def test_the_round_trip_covers_the_language_tests_behavioral_examples():
    assert len(CANONICAL_BEHAVIORAL) >= 20  # fails when the language tests lose their behavioral examples


@pytest.mark.django_db
@pytest.mark.parametrize("text", BEHAVIORAL)
def test_the_rendered_form_of_a_query_posts_back_to_the_same_query(signed_in, text):
    node = parse(text)
    form = rendered_form(signed_in, text)
    assert node_from_state(state_from_post(form)) == node
    back = posted_back(signed_in, form)
    assert back == node and unparse(back) == text


@pytest.mark.parametrize("text", COMPOUND)
def test_the_rendered_compound_form_posts_back_to_the_same_query(signed_in, named, text):
    node = parse(text)
    assert unparse(node) == text  # the cases are canonical
    form = rendered_form(signed_in, text, compound=True)
    assert node_from_compound(compound_from_post(form)) == node
    back = posted_back(signed_in, form)
    assert back == node and unparse(back) == text


def test_an_inline_block_uses_the_behavioral_form_with_a_prefix(signed_in, named):
    form = rendered_form(signed_in, f"SEGMENT(a) UNION {BLOCK}", compound=True)
    assert form.getlist("c-1-kind") == ["block"] and form.getlist("c-1-type") == ["EmailClicked"]
    assert form.getlist("c-1-r-0-field") == ["City"] and form.getlist("c-1-r-1-kind") == ["group"]
    assert form.getlist("c-1-r-1-1-not") == ["1"] and form.getlist("c-1-window_n") == ["45"]
    # the same function reads the behavioral designer's own (unprefixed) form
    own = rendered_form(signed_in, BLOCK)
    assert own.getlist("r-0-field") == ["City"] and node_from_state(state_from_post(own)) == parse(BLOCK)


def test_a_block_with_an_error_keeps_the_query_from_being_made(signed_in, named):
    form = rendered_form(signed_in, f"SEGMENT(a) UNION {BLOCK}", compound=True)
    form["c-1-count_n"] = "x"
    state = compound_from_post(form)
    assert node_from_compound(state) is None and state.has_errors
    assert state.operands[1].state.having_errors["count_n"] == "enter a number"
