"""The profile form: form(AST) -> POST -> AST is the identity for every profile query it shows, on the profile
designer and inline in a compound query; a query it cannot show travels as its text, unchanged."""

import pytest
from hypothesis import HealthCheck, given, settings

from designer.editor.compound import compound_from_post, node_from_compound
from designer.editor.profile import TEXT_ONLY, node_from_profile, profile_from_node, profile_from_post
from interactions.models import CustomAttribute
from segments.query import parse, unparse
from tests.segments.query.profile_strategies import profile_blocks

from .test_round_trip import CLICKED, ONE, posted_back, rendered_form

pytestmark = pytest.mark.django_db
G = "5acc43d5-356e-e811-a960-000d3a1cae35"

SHOWN = [
    "PROFILE(contact)",
    "PROFILE(contact).FILTER(address1_city == 'Oslo')",
    "PROFILE(contact).FILTER(address1_city == 'Oslo' && jobtitle CONTAINS 'CTO')",
    "PROFILE(contact, contact_1).FILTER((contact_1.address1_city == 'Oslo'))",
    "PROFILE(contact, contact_1).FILTER(contact_1.address1_city == 'Oslo' && jobtitle STARTSWITH 'Head')",
    "PROFILE(contact).FILTER(contact.fullname ENDSWITH 'son')",
    "PROFILE(contact).FILTER((address1_city == 'Oslo' || address1_city == 'Bergen'))",
    "PROFILE(contact).FILTER(gendercode == 2 || gendercode == 'Female')",
    "PROFILE(contact).FILTER((gendercode == 1 || gendercode == 'Female'))",
    "PROFILE(contact).FILTER(preferredcontactmethodcode != 'Email')",
    "PROFILE(contact).FILTER(NOT(donotbulkemail == True) && donotemail == False)",
    "PROFILE(contact).FILTER(ISNULL(birthdate) || ISNOTNULL(address1_country))",
    "PROFILE(contact).FILTER(birthdate < '1990-03-31')",
    "PROFILE(contact).FILTER(birthdate >= '1990-03-31T00:00:00Z')",
    "PROFILE(contact).FILTER(createdon >= '2026-01-01T00:00:00Z' && createdon < '2026-02-01')",
    "PROFILE(contact).FILTER(createdon >= DATEADD(DAY, -30, DATETIMEUTCNOW()))",
    "PROFILE(contact).FILTER(createdon < DATEADD(MONTH, 2, DATETIMEUTCNOW()) && birthdate > DATEADD(YEAR, 0, "
    "DATETIMEUTCNOW()))",
    "PROFILE(contact).FILTER(modifiedon <= DATETIMEUTCNOW())",
    "PROFILE(contact).FILTER(birthdate == DATE(2008, 3, 31) || createdon > DATE(2026, 3, 30, 23, 59, 59))",
    f"PROFILE(contact).FILTER(parentcustomerid == '{G}' && ISNULL(telephone1))",
    "PROFILE(contact).FILTER(address1_city == 'O''Hare' && (address1_postalcode == '0150' || NOT(lastname == 'X' "
    "&& (firstname == 'A' || firstname == 'B'))))",
    "PROFILE(contact).FILTER(DATEDIFF(YEAR, birthdate, DATETIMEUTCNOW()) >= 18 && "
    "NOT(DATEDIFF(DAY, contact.createdon, DATETIMEUTCNOW()) < -2))",
    "PROFILE(account).TRAVERSE(contact_account_parentcustomerid)",
    "PROFILE(account, account_1).FILTER(account_1.numberofemployees > 500 && account_1.industrycode == 'Wholesale')"
    ".TRAVERSE(contact_account_parentcustomerid)",
    "PROFILE(account).FILTER(industrycode == 33 && revenue >= 1000000.5)"
    ".TRAVERSE(contact_account_parentcustomerid, contact_2).FILTER(contact_2.jobtitle CONTAINS 'CTO')",
    "PROFILE(account).TRAVERSE(contact_account_parentcustomerid).FILTER(address1_city == 'Oslo')",
    "PROFILE(account).FILTER((industrycode == 1 || industrycode == 'Wholesale'))"
    ".TRAVERSE(contact_account_parentcustomerid)",
]

TEXT_ONLY_QUERIES = [
    "PROFILE(contact).FILTER(DATEDIFF(DAY, createdon, birthdate) >= 0)",
    "PROFILE(contact).FILTER(DATEDIFF(DAY, DATETIMEUTCNOW(), createdon) < 0)",
    "PROFILE(contact).FILTER(address1_city == 'Oslo').FILTER(jobtitle == 'CTO')",
    "PROFILE(contact).TRAVERSE(contact_account_parentcustomerid).TRAVERSE(contact_account_parentcustomerid)",
    "PROFILE(contact).FILTER(createdon > DATEADD(DAY, 1, DATE(2026, 1, 31)))",
    "PROFILE(contact).FILTER(createdon > DATEADD(DAY, 1, DATEADD(MONTH, -1, DATETIMEUTCNOW())))",
]


@pytest.mark.parametrize("text", SHOWN)
def test_the_rendered_profile_form_posts_back_to_the_same_query(signed_in, text):
    node = parse(text)
    assert unparse(node) == text  # the cases are canonical
    form = rendered_form(signed_in, text)
    assert form.getlist("profile") == ["1"] and not form.getlist("ptext")
    assert node_from_profile(profile_from_post(form)) == node
    back = posted_back(signed_in, form)
    assert back == node and unparse(back) == text


@pytest.mark.parametrize("text", TEXT_ONLY_QUERIES)
def test_a_profile_query_the_form_cannot_show_is_kept_as_text(signed_in, text):
    assert profile_from_node(parse(text)).text == text
    form = rendered_form(signed_in, text)
    assert form.getlist("ptext") == [text]
    assert posted_back(signed_in, form) == parse(text)
    html = signed_in.post("/segments/new/", {"action": "text", "query_text": text, "text_base": ""}).content.decode()
    assert TEXT_ONLY in html


@pytest.mark.parametrize("text", SHOWN[:8] + SHOWN[-4:] + TEXT_ONLY_QUERIES[:2])
def test_an_inline_profile_block_round_trips_in_a_compound_query(signed_in, text):
    whole = f"{text} EXCEPT {CLICKED}{ONE}"
    form = rendered_form(signed_in, whole, compound=True)
    assert form.getlist("c-0-kind") == ["profile"]
    assert node_from_compound(compound_from_post(form)) == parse(whole)
    assert posted_back(signed_in, form) == parse(whole)


def test_inline_profile_rows_carry_the_operand_prefix(signed_in):
    form = rendered_form(signed_in, f"{CLICKED}{ONE} UNION {SHOWN[-3]}", compound=True)
    assert form.getlist("c-1-entity") == ["account"] and form.getlist("c-1-r-0-field") == ["industrycode"]
    assert form.getlist("c-1-t-r-0-field") == ["jobtitle"] and form.getlist("c-1-t-r-0-qual") == ["contact_2"]
    assert form.getlist("c-1-t-alias") == ["contact_2"]


def test_a_custom_attribute_round_trips(signed_in):
    CustomAttribute.objects.create(entity="contact", logical_name="cr3f1_loyaltytier", display_name="Loyalty tier",
                                   kind="integer")
    text = "PROFILE(contact).FILTER(cr3f1_loyaltytier >= 3)"
    form = rendered_form(signed_in, text)
    assert form.getlist("r-0-field") == ["cr3f1_loyaltytier"]
    assert posted_back(signed_in, form) == parse(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(profile_blocks())
def test_every_generated_profile_query_round_trips_or_stays_text(signed_in, node):
    canonical = parse(unparse(node))  # the generator may spell a label in any case; the parser normalises it
    text = unparse(canonical)
    form = rendered_form(signed_in, unparse(node))
    if form.getlist("ptext"):
        assert form.getlist("ptext") == [text]  # never altered
    back = posted_back(signed_in, form)
    assert back == canonical and unparse(back) == text
