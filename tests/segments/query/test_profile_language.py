"""Profile blocks in the language: what parses, how it prints, and the errors for what does not fit."""

import pytest

from segments.query import QueryError, parse, unparse, validate

CLICKED = "INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1)"

# (as written, canonical text): Dynamics-style strings and our spellings.
CANONICAL = [
    (f"PROFILE(contact, contact_1).FILTER((contact_1.address1_city == 'Oslo')) UNION {CLICKED}",
     f"PROFILE(contact, contact_1).FILTER((contact_1.address1_city == 'Oslo')) UNION {CLICKED}"),
    ("profile(Contact).filter(ADDRESS1_CITY == 'Oslo' and JobTitle contains 'CTO')",
     "PROFILE(contact).FILTER(address1_city == 'Oslo' && jobtitle CONTAINS 'CTO')"),
    ("PROFILE(account, account_1).FILTER(account_1.numberofemployees > 500 && account_1.industrycode == 'wholesale')"
     ".TRAVERSE(contact_account_parentcustomerid, contact_2)",
     "PROFILE(account, account_1).FILTER(account_1.numberofemployees > 500 && account_1.industrycode == 'Wholesale')"
     ".TRAVERSE(contact_account_parentcustomerid, contact_2)"),
    ("PROFILE(contact).FILTER(DATEDIFF(year, birthdate, DATETIMEUTCNOW()) >= 18 && "
     "createdon >= DATEADD(day, -30, DATETIMEUTCNOW()) && birthdate < DATE(2000, 1, 1))",
     "PROFILE(contact).FILTER(DATEDIFF(YEAR, birthdate, DATETIMEUTCNOW()) >= 18 && "
     "createdon >= DATEADD(DAY, -30, DATETIMEUTCNOW()) && birthdate < DATE(2000, 1, 1))"),
    ("PROFILE(contact).FILTER(parentcustomerid == '5ACC43D5-356E-E811-A960-000D3A1CAE35') EXCEPT SEGMENT(a)",
     "PROFILE(contact).FILTER(parentcustomerid == '5acc43d5-356e-e811-a960-000d3a1cae35') EXCEPT SEGMENT(a)"),
    ("PROFILE(contact).FILTER(gendercode == 2 || gendercode == 'female') INTERSECT (SEGMENT(a) UNION "
     "PROFILE(contact).FILTER(NOT(donotbulkemail == true)))",
     "PROFILE(contact).FILTER(gendercode == 2 || gendercode == 'Female') INTERSECT (SEGMENT(a) UNION "
     "PROFILE(contact).FILTER(NOT(donotbulkemail == True)))"),
    ("PROFILE(contact)", "PROFILE(contact)"),
]


@pytest.mark.parametrize(("text", "canonical"), CANONICAL)
def test_profile_text_reads_and_prints_canonically_keeping_the_aliases(text, canonical):
    node = parse(text)
    validate(node)
    assert unparse(node) == canonical
    assert parse(canonical) == node and parse(unparse(node, wrap=True)) == node


ERRORS = [
    ("PROFILE(lead)", "1:9: PROFILE(lead): lead records are not supported; profile queries select contact or account"),
    ("PROFILE(contact).ORDERBY(fullname)", "1:18: .ORDERBY(...) is not supported: a segment's members have no order; "
     "a profile query continues with .FILTER(...) or .TRAVERSE(contact_account_parentcustomerid)"),
    ("PROFILE(contact).TAKE(10)", "1:18: .TAKE(...) is not supported: a segment holds all the contacts that match; "
     "a profile query continues with .FILTER(...) or .TRAVERSE(contact_account_parentcustomerid)"),
    ("PROFILE(contact).SELECT(fullname)", "1:18: .SELECT(...) is not supported: a segment's members are whole "
     "contacts; a profile query continues with .FILTER(...) or .TRAVERSE(contact_account_parentcustomerid)"),
    ("PROFILE(contact).RELATEOPTIONAL(x)", "1:18: .RELATEOPTIONAL(...) is not supported: profile queries traverse "
     "only contact_account_parentcustomerid; a profile query continues with .FILTER(...) or "
     ".TRAVERSE(contact_account_parentcustomerid)"),
    ("PROFILE(contact).TRAVERSE(contact_lead)", "1:27: unknown relationship 'contact_lead': profile queries traverse "
     "contact_account_parentcustomerid (an account and its contacts)"),
    ("PROFILE(account).FILTER(name == 'Contoso')", "1:1: a segment's members are contacts; add "
     ".TRAVERSE(contact_account_parentcustomerid)"),
    ("PROFILE(contact).FILTER(adress1_city == 'Oslo')",
     "1:25: unknown attribute 'adress1_city' on contact; did you mean 'address1_city'?"),
    ("PROFILE(contact).FILTER(cr3f1_loyaltytier == 3)", "1:25: unknown attribute 'cr3f1_loyaltytier' on contact: "
     "a custom attribute must be declared in the admin console (Custom attributes) before queries can use it"),
    ("PROFILE(contact, c).FILTER(x.fullname == 'Ada')",
     "1:28: unknown alias 'x'; this FILTER applies to contact (c)"),
    ("PROFILE(contact).FILTER(gendercode == 'Other')",
     "1:39: 'Other' is not a choice of gendercode; use a number or label: 1 Male, 2 Female"),
    ("PROFILE(contact).FILTER(birthdate > 'yesterday')",
     "1:37: 'yesterday' is not an ISO 8601 date and time, e.g. '2026-01-01T00:00:00Z'"),
    ("PROFILE(contact).FILTER(DATEDIFF(WEEK, birthdate, DATETIMEUTCNOW()) > 1)",
     "1:34: unknown date part 'WEEK' in DATEDIFF: use YEAR, MONTH, DAY, HOUR, MINUTE"),
    ("PROFILE(contact).FILTER(DATEDIFF(DAY, fullname, DATETIMEUTCNOW()) > 1)",
     "1:39: DATEDIFF counts between dates; fullname is a string"),
    ("PROFILE(contact).FILTER(birthdate < DATE(2001, 2, 29))",
     "1:37: DATE(2001, 2, 29) is not a date: day is out of range for month"),
    ("PROFILE(contact).FILTER(address1_city == '')",
     "1:42: an empty value is a missing one: write ISNULL(address1_city) or ISNOTNULL(address1_city)"),
    (f"{CLICKED[:-1]}, UTCDAYS(DATEADD(DAY, 1, DATETIMEUTCNOW())))",
     "1:82: expected a whole number of days, found 'DATEADD'"),
    ("INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(Timestamp > DATETIMEUTCNOW()).HAVING(COUNT() >= 1)",
     "1:72: DATETIMEUTCNOW() is a profile function: it applies in PROFILE(...) filters"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_what_does_not_fit_gets_a_positioned_error_naming_it(text, message):
    with pytest.raises(QueryError) as error:
        validate(parse(text))
    assert str(error.value) == message
