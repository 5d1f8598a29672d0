"""import_contacts FILE.csv: header by logical or display name, per-row errors with row and column, all-or-nothing
unless --skip-invalid, the encodings import_jsonl takes, and memory that does not grow with the file."""

import codecs
import tracemalloc
import uuid
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from interactions.models import Account, Contact, CustomAttribute

from .factories import guid

pytestmark = pytest.mark.django_db

COMPANY = str(uuid.UUID(int=900))


def write(path, text: str, encoding: str = "utf-8", bom: bytes = b""):
    path.write_bytes(bom + text.encode(encoding))
    return path


def run(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_contacts", str(path), *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def rejected(path, *args) -> tuple[str, str]:
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_contacts", str(path), *args, "--no-progress", stdout=StringIO(), stderr=err)
    return str(raised.value), err.getvalue()


def cities() -> dict[str, str | None]:
    return {str(c.contact_id): c.address1_city for c in Contact.objects.all()}


def test_a_crm_export_by_display_names_is_stored_typed(tmp_path):
    Account.objects.create(accountid=COMPANY, name="Contoso")
    path = write(tmp_path / "c.csv",
                 "(Do Not Modify) Contact,Full Name,EMAIL,city,Gender,Do not allow bulk emails,Birthday,"
                 "Company name,Preferred method of contact,createdon\n"
                 f"{guid(1)},Ada Lovelace,ada@example.com,Oslo,Female,yes,1985-04-12,{COMPANY},2,"
                 "2020-01-02T03:04:05Z\n"
                 f'{guid(2)},"Babbage, Charles",,Bergen,1,false,,,,\n')
    out, _ = run(path)
    assert "Imported 2 contacts." in out
    ada, charles = Contact.objects.order_by("contact_id")
    assert (ada.fullname, ada.emailaddress1, ada.address1_city, ada.gendercode, ada.donotbulkemail) == (
        "Ada Lovelace", "ada@example.com", "Oslo", 2, True)
    assert (ada.birthdate, ada.parentcustomerid_id, ada.preferredcontactmethodcode) == (
        date(1985, 4, 12), uuid.UUID(COMPANY), 2)
    assert (charles.fullname, charles.emailaddress1, charles.gendercode, charles.birthdate) == (
        "Babbage, Charles", "", 1, None)


def test_logical_names_and_the_old_keys_work_in_any_case(tmp_path):
    path = write(tmp_path / "c.csv", f"contactid,FullName,Email,ADDRESS1_COUNTRY\n{guid(1)},Ada,a@x.com,Norway\n")
    run(path)
    ada = Contact.objects.get()
    assert (ada.fullname, ada.emailaddress1, ada.address1_country) == ("Ada", "a@x.com", "Norway")


def test_a_row_for_a_known_contact_updates_what_the_file_names_and_sets_modifiedon(tmp_path):
    run(write(tmp_path / "a.csv", f"ContactId,Full name,City,Job title\n{guid(1)},Ada,Oslo,CTO\n"))
    before = Contact.objects.get()
    run(write(tmp_path / "b.csv", f"ContactId,City,Job title\n{guid(1)},Bergen,\n"))
    after = Contact.objects.get()
    assert (after.fullname, after.address1_city, after.jobtitle) == ("Ada", "Bergen", None)
    assert after.createdon == before.createdon and after.modifiedon > before.modifiedon


def test_what_is_imported_exports_back_to_the_same_rows(tmp_path):
    rows = [[guid(n), f"Name {n}", f"City {n % 3}", ["Male", "Female"][n % 2], str(n % 2 == 0).lower()]
            for n in range(1, 30)]
    text = "ContactId,fullname,address1_city,gendercode,donotemail\n" + "".join(",".join(r) + "\n" for r in rows)
    run(write(tmp_path / "c.csv", text))
    stored = [[str(c.contact_id), c.fullname, c.address1_city, ["Male", "Female"][c.gendercode - 1],
               str(c.donotemail).lower()] for c in Contact.objects.order_by("contact_id")]
    assert stored == rows


def test_an_account_file_is_recognised_by_its_header(tmp_path):
    path = write(tmp_path / "a.csv", f"AccountId,Account name,Industry,Number of employees,revenue\n"
                                     f"{COMPANY},Contoso,Wholesale,600,1500000.5\n")
    out, _ = run(path)
    assert "Imported 1 accounts." in out
    contoso = Account.objects.get()
    assert (contoso.name, contoso.industrycode, contoso.numberofemployees, contoso.revenue) == (
        "Contoso", 33, 600, Decimal("1500000.5"))


def test_declared_custom_attributes_are_columns_by_logical_or_display_name(tmp_path):
    CustomAttribute.objects.create(entity="contact", logical_name="cr3f1_loyaltytier", display_name="Loyalty tier",
                                   kind="integer")
    CustomAttribute.objects.create(entity="contact", logical_name="cr3f1_vip", display_name="VIP", kind="boolean")
    run(write(tmp_path / "c.csv", f"ContactId,loyalty tier,cr3f1_vip\n{guid(1)},3,yes\n"))
    assert Contact.objects.get().custom == {"cr3f1_loyaltytier": 3, "cr3f1_vip": True}


@pytest.mark.parametrize(("header", "message"), [
    ("ContactId,Citty", "column 2 'Citty' is not a contact attribute; did you mean 'City'?"),
    ("ContactId,cr3f1_tier", "column 2 'cr3f1_tier' is not a contact attribute (a custom attribute is declared "
                             "in the admin console first)"),
    ("Full name,City", "the header has no ContactId column (ContactId, contactid or 'Contact')"),
    ("ContactId,City,address1_city", "columns 2 and 3 ('City' and 'address1_city') both name address1_city"),
    ("", "the file is empty"),
])
def test_a_bad_header_is_a_clear_error_and_writes_nothing(tmp_path, header, message):
    text, _ = rejected(write(tmp_path / "c.csv", f"{header}\n{guid(1)},Oslo\n"))
    assert message in text and "nothing was written" in text
    assert not Contact.objects.exists()


@pytest.mark.parametrize(("row", "message"), [
    ("not-a-guid,Oslo,1,,", "row 3: ContactId: not a GUID: 'not-a-guid'"),
    (f"{guid(2)},Oslo,Robot,,", "row 3: Gender: 'Robot' is not a choice of gendercode; use a number or label: "
                                "1 Male, 2 Female"),
    (f"{guid(2)},Oslo,1,12/04/1985,", "row 3: Birthday: bad date: '12/04/1985' is not an ISO 8601 date"),
    (f"{guid(2)},Oslo,1,,maybe", "row 3: donotemail: expected true or false (or yes/no, 1/0), got 'maybe'"),
    (f"{guid(2)},Oslo", "row 3: 2 cells, but the header has 5 columns"),
    (f"{guid(2)},{'x' * 500},1,,", "row 3: City: text of 500 characters; at most 400 fit"),
    (",Oslo,1,,", "row 3: ContactId: missing required field"),
])
def test_a_bad_row_is_reported_with_its_row_and_column_and_nothing_is_written(tmp_path, row, message):
    header = "ContactId,City,Gender,Birthday,donotemail\n"
    text, errors = rejected(write(tmp_path / "c.csv", f"{header}{guid(1)},Bergen,2,,\n{row}\n"))
    assert message in errors, errors
    assert "1 invalid row(s); nothing was written" in text
    assert not Contact.objects.exists()


def test_a_bad_number_names_its_column(tmp_path):
    _, errors = rejected(write(tmp_path / "a.csv", f"AccountId,Number of employees\n{COMPANY},many\n"))
    assert "row 2: Number of employees: expected a whole number, got 'many'" in errors


def test_an_unknown_company_is_reported_on_its_row(tmp_path):
    _, errors = rejected(write(tmp_path / "c.csv", f"ContactId,Company name\n{guid(1)},{COMPANY}\n"))
    assert f"row 2: Company name: unknown account {COMPANY}" in errors


def test_a_bad_last_row_leaves_the_database_unchanged(tmp_path):
    run(write(tmp_path / "a.csv", f"ContactId,City\n{guid(1)},Oslo\n"))
    rows = "".join(f"{guid(n)},Bergen\n" for n in range(1, 12_000))  # past one staging batch
    rejected(write(tmp_path / "b.csv", f"ContactId,City\n{rows}{guid(99_999)},Bergen,extra\n"))
    assert cities() == {guid(1): "Oslo"}


def test_skip_invalid_imports_the_good_rows_and_lists_the_bad(tmp_path):
    path = write(tmp_path / "c.csv", f"ContactId,City\n{guid(1)},Oslo\nbad,Bergen\n{guid(3)},Tromsø\n{guid(4)}\n")
    out, errors = run(path, "--skip-invalid")
    assert cities() == {guid(1): "Oslo", guid(3): "Tromsø"}
    assert "row 3: ContactId: not a GUID: 'bad'" in errors and "row 5: 1 cells" in errors
    assert "Imported 2 contacts; 2 invalid rows skipped." in out


def test_max_errors_limits_the_list_but_counts_all(tmp_path):
    rows = "".join(f"bad{n},Oslo\n" for n in range(5))
    text, errors = rejected(write(tmp_path / "c.csv", f"ContactId,City\n{rows}"), "--max-errors", "2")
    assert errors.count("row ") == 2 and "5 invalid row(s) (the first 2 are listed)" in text


@pytest.mark.parametrize(("encoding", "bom"), [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
])
def test_utf8_with_or_without_a_bom_and_utf16_by_its_bom(tmp_path, encoding, bom):
    run(write(tmp_path / "c.csv", f"ContactId;City\r\n{guid(1)};Tromsø\r\n", encoding, bom))
    assert cities() == {guid(1): "Tromsø"}


def test_a_bad_byte_is_an_error_naming_its_offset(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(b"ContactId,City\n" + guid(1).encode() + b",Os\xfflo\n")
    text, _ = rejected(path)
    assert "not UTF-8 text: byte 0xff at offset 54 cannot be decoded" in text
    assert not Contact.objects.exists()


def test_a_bad_byte_far_into_the_file_is_found_at_its_offset(tmp_path):
    rows = b"".join(f"{guid(n)},Oslo\n".encode() for n in range(1, 5000))  # past several read chunks
    path = tmp_path / "c.csv"
    path.write_bytes(b"ContactId,City\n" + rows + b"\xe2\x82")  # a sequence cut off at the end
    text, _ = rejected(path)
    assert f"byte 0xe2 at offset {15 + len(rows)}" in text


def test_a_quoted_cell_may_hold_the_separator_and_a_newline(tmp_path):
    run(write(tmp_path / "c.csv", f'ContactId,Full name,City\n{guid(1)},"Lovelace, Ada\nCountess",Oslo\n'))
    assert Contact.objects.get().fullname == "Lovelace, Ada\nCountess"


def test_a_missing_file_is_a_clear_error(tmp_path):
    text, _ = rejected(tmp_path / "missing.csv")
    assert "missing.csv: no such file" in text


def _generate(path, n: int):
    with path.open("w") as handle:
        handle.write("ContactId,Full name,City,Gender,Do not allow emails,Birthday\n")
        for i in range(n):
            handle.write(f"{guid(i + 1)},Contact {i},City {i % 50},{1 + i % 2},{'yes' if i % 3 else 'no'},"
                         f"19{50 + i % 50}-0{1 + i % 9}-1{i % 9}\n")
    return path


@pytest.mark.slow
def test_memory_does_not_grow_with_the_file(tmp_path):
    """A 200k-row file imports with about the same peak memory as a 20k-row one."""
    peaks = {}
    for n in (20_000, 200_000):
        path = _generate(tmp_path / f"{n}.csv", n)
        tracemalloc.start()
        run(path)
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert Contact.objects.count() == n
        Contact.objects.all().delete()
    assert peaks[200_000] < 1.5 * peaks[20_000], peaks
    assert peaks[200_000] < 64 * 2**20, peaks
