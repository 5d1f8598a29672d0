"""A restriction as a marketer reads it: display names, the operator's words, record names for ID values."""

import pytest

from interactions.catalog import interaction_type
from interactions.models import RECORD_MODELS
from segments.estimates import clause_counts, record_names, restriction_sentence
from segments.query import parse
from segments.query.validator import restrictions

from .helpers import T0, contact, days, interact

pytestmark = pytest.mark.django_db
SPRING = "5acc43d5-356e-e811-a960-000d3a1cae35"
UNKNOWN = "00000000-0000-0000-0000-0000000000aa"

SENTENCES = [
    ("EmailClicked", f"CustomerJourneyId == '{SPRING}'", ["Customer journey equals 'Spring launch'"]),
    ("EmailClicked", f"CustomerJourneyId != '{UNKNOWN}'", [f"Customer journey does not equal {UNKNOWN}"]),
    ("EmailClicked", f"CustomerJourneyId == '{SPRING}' || CustomerJourneyId == '{UNKNOWN}'",
     [f"Customer journey is one of 'Spring launch', {UNKNOWN}"]),
    ("EmailClicked", "LinkFriendlyName CONTAINS 'pricing' && CountryIsoCode == 'NO'",
     ["Link name contains 'pricing'", "Country equals 'NO'"]),
    ("EmailClicked", "UsageType STARTSWITH 'Comm' && ISNULL(City)",
     ["Usage type begins with 'Comm'", "City does not contain data"]),
    ("EmailClicked", "Timestamp >= '2026-01-01T00:00:00Z' && Timestamp < '2026-02-01T00:00:00Z'",
     ["Date and time is on or after '2026-01-01T00:00:00Z'", "Date and time is before '2026-02-01T00:00:00Z'"]),
    ("SurveyResponse", "Score > 7.5 && Score <= 10",
     ["Survey score is greater than 7.5", "Survey score is at most 10"]),
    ("LeadScoreBoost", "BoostValue == 5 || BoostValue == 10", ["Boost value is one of 5, 10"]),
]


@pytest.mark.parametrize(("type_name", "condition", "sentences"), SENTENCES)
def test_each_restriction_reads_as_a_sentence(type_name, condition, sentences):
    RECORD_MODELS["CustomerJourney"].objects.create(id=SPRING, name="Spring launch")
    node = parse(f"INTERACTION({type_name}, {type_name}_ContactLink).FILTER({condition}).HAVING(COUNT() >= 1)")
    itype = interaction_type(type_name)
    items = restrictions(node.filter)
    names = record_names(items, itype)
    assert [restriction_sentence(item, itype, names) for item in items] == sentences


def test_a_group_reads_with_and_or_and_not():
    node = parse("INTERACTION(EmailClicked, EmailClicked_ContactLink)"
                 ".FILTER(NOT(City == 'Oslo' || State == 'N') && (City == 'a' || (State == 'b' && City == 'c')))"
                 ".HAVING(COUNT() >= 1)")
    assert restriction_sentence(node.filter, interaction_type("EmailClicked"), {}) == (
        "not (City equals 'Oslo' or State or region equals 'N') and "
        "(City equals 'a' or (State or region equals 'b' and City equals 'c'))")


def test_the_per_restriction_counts_carry_the_sentence_and_the_query_text():
    RECORD_MODELS["CustomerJourney"].objects.create(id=SPRING, name="Spring launch")
    interact("EmailClicked", contact(), T0 - days(1), customer_journey_id=SPRING)
    node = parse(f"INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(CustomerJourneyId == '{SPRING}')"
                 ".HAVING(COUNT() >= 1)")
    assert clause_counts(node=node, at=T0) == [{"text": f"CustomerJourneyId == '{SPRING}'",
                                                "sentence": "Customer journey equals 'Spring launch'", "count": 1}]
