"""Contact and Account lines: attributes by logical name (old keys still work), choices by number or label,
and a line for a known id updates only what it names."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from interactions.ingest import IngestRejected, ingest
from interactions.models import Account, Contact, CustomAttribute

from .factories import guid

pytestmark = pytest.mark.django_db

COMPANY = str(uuid.UUID(int=900))


def load(*objects):
    return ingest(enumerate(objects, start=1))


def account(**fields):
    return {"type": "Account", "AccountId": COMPANY, **fields}


def test_contacts_and_accounts_are_stored_typed():
    load(account(name="Contoso", industrycode="wholesale", numberofemployees=600, revenue=1.5e6,
                 address1_city="Oslo"),
         {"type": "Contact", "ContactId": guid(1), "FullName": "Ada Lovelace", "Email": "ada@example.com",
          "address1_city": "Oslo", "jobtitle": "CTO", "birthdate": "1985-04-12", "gendercode": 2,
          "preferredcontactmethodcode": "Email", "donotbulkemail": True, "parentcustomerid": COMPANY,
          "createdon": "2020-01-02T03:04:05Z"})
    ada = Contact.objects.get()
    assert (ada.fullname, ada.emailaddress1, ada.address1_city, ada.jobtitle) == (
        "Ada Lovelace", "ada@example.com", "Oslo", "CTO")
    assert (ada.birthdate, ada.gendercode, ada.preferredcontactmethodcode, ada.donotbulkemail) == (
        date(1985, 4, 12), 2, 2, True)
    assert ada.createdon == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert ada.parentcustomerid_id == uuid.UUID(COMPANY)
    contoso = Account.objects.get()
    assert (contoso.name, contoso.industrycode, contoso.numberofemployees, contoso.revenue) == (
        "Contoso", 33, 600, Decimal("1500000"))


def test_a_line_for_a_known_contact_updates_what_it_names_and_sets_modifiedon():
    load({"type": "Contact", "ContactId": guid(1), "fullname": "Ada", "address1_city": "Oslo", "jobtitle": "CTO"})
    before = Contact.objects.get()
    load({"type": "Contact", "ContactId": guid(1), "address1_city": "Bergen"},
         {"type": "Contact", "ContactId": guid(1), "jobtitle": None})
    after = Contact.objects.get()
    assert (after.fullname, after.address1_city, after.jobtitle) == ("Ada", "Bergen", None)
    assert after.createdon == before.createdon and after.modifiedon > before.modifiedon


def test_declared_custom_attributes_are_imported_into_the_json_column():
    CustomAttribute.objects.create(entity="contact", logical_name="cr3f1_loyaltytier", display_name="Loyalty tier",
                                   kind="integer")
    load({"type": "Contact", "ContactId": guid(1), "cr3f1_loyaltytier": 3})
    load({"type": "Contact", "ContactId": guid(1), "fullname": "Ada"})
    assert Contact.objects.get().custom == {"cr3f1_loyaltytier": 3}


@pytest.mark.parametrize(("line", "error"), [
    ({"gendercode": 3}, "line 1: gendercode: 3 is not a choice of gendercode; use a number or label: 1 Male, "
                        "2 Female"),
    ({"birthdate": "12/04/1985"}, "line 1: birthdate: bad date: '12/04/1985' is not an ISO 8601 date "
                                  "(e.g. '1985-04-12')"),
    ({"donotemail": "yes"}, "line 1: donotemail: expected true or false, got a string"),
    ({"cr3f1_tier": 1}, "line 1: cr3f1_tier: unknown field for Contact (a custom attribute is declared in the "
                        "admin console first)"),
    ({"parentcustomerid": COMPANY}, f"line 1: parentcustomerid: unknown account {COMPANY}"),
    ({"address1_cty": "Oslo"}, "line 1: address1_cty: unknown field for Contact; did you mean 'address1_city'?"),
])
def test_bad_attribute_values_are_refused_naming_line_and_attribute(line, error):
    with pytest.raises(IngestRejected) as rejected:
        load({"type": "Contact", "ContactId": guid(1), **line})
    assert [e.describe() for e in rejected.value.result.errors] == [error]
    assert not Contact.objects.exists()


def test_a_null_createdon_is_refused_rather_than_breaking_the_import():
    with pytest.raises(IngestRejected) as rejected:
        load({"type": "Contact", "ContactId": guid(1), "createdon": None})
    assert [(e.field, e.reason) for e in rejected.value.result.errors] == [
        ("createdon", "cannot be null; leave the field out instead")]
    assert not Contact.objects.exists()
