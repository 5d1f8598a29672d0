"""import_jsonl: streams, validates every line, writes all or nothing, and is idempotent."""

import json
import tracemalloc
import uuid
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from interactions.models import INTERACTION_MODELS, RECORD_MODELS, Contact

from .factories import JOURNEY, contact, guid, interaction

pytestmark = pytest.mark.django_db


def write_jsonl(path, objects):
    path.write_text("".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objects))
    return path


def run_import(path, *args):
    from io import StringIO
    out, err = StringIO(), StringIO()
    call_command("import_jsonl", str(path), *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def stored_counts():
    return (Contact.objects.count(), sum(m.objects.count() for m in INTERACTION_MODELS.values()),
            sum(m.objects.count() for m in RECORD_MODELS.values()))


def test_a_file_of_contacts_records_and_interactions_is_stored_typed(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [
        contact(1, FullName="Ada Lovelace"),
        {"type": "CustomerJourney", "CustomerJourneyId": JOURNEY.upper(), "Name": "Newsletter for September"},
        interaction("EmailClicked", 1, 1, CustomerJourneyId=JOURNEY, OriginalUrl="https://example.com/pricing",
                    Timestamp="2026-10-20T10:15:00+02:00"),
        interaction("SurveyResponse", 2, 1, Score=7.5, CustomerJourneyId=None),
        interaction("LeadScoreBoost", 3, 1, BoostValue=40),
    ])
    out, err = run_import(path)
    assert out.strip() == ("Imported 3 interactions (EmailClicked 1, LeadScoreBoost 1, SurveyResponse 1), "
                           "0 duplicates skipped, 2 contacts and records written.")
    assert err == ""
    click = INTERACTION_MODELS["EmailClicked"].objects.get()
    assert click.contact.fullname == "Ada Lovelace"
    assert click.customer_journey_id == uuid.UUID(JOURNEY)
    assert click.timestamp == datetime(2026, 10, 20, 8, 15, tzinfo=UTC)
    assert click.original_url == "https://example.com/pricing"
    assert click.country_iso_code is None
    assert INTERACTION_MODELS["SurveyResponse"].objects.get().score == 7.5
    assert INTERACTION_MODELS["LeadScoreBoost"].objects.get().boost_value == 40
    assert RECORD_MODELS["CustomerJourney"].objects.get(pk=JOURNEY).name == "Newsletter for September"


BAD_LINES = [
    ({"type": "EmailClick"}, "line 2: type: unknown type 'EmailClick'; did you mean 'EmailClicked'?"),
    ({"ContactId": guid(1)}, "line 2: type: missing required field"),
    (interaction("EmailOpened", 1, 1, Colour="red"), "line 2: Colour: unknown field for EmailOpened"),
    (interaction("EmailOpened", 1, 1, CountryIsoCod="US"),
     "line 2: CountryIsoCod: unknown field for EmailOpened; did you mean 'CountryIsoCode'?"),
    (interaction("EmailOpened", 1, 1, InteractionId="not-a-guid"), "line 2: InteractionId: not a GUID: 'not-a-guid'"),
    (interaction("EmailOpened", 1, 1, MessageId=42),
     "line 2: MessageId: not a GUID: expected a string like '5acc43d5-356e-e811-a960-000d3a1cae35', got a number"),
    (interaction("EmailOpened", 1, 1, Timestamp="yesterday"),
     "line 2: Timestamp: bad timestamp: 'yesterday' is not ISO 8601 (e.g. '2026-10-20T08:15:00Z')"),
    (interaction("EmailOpened", 1, 1, Timestamp="2026-10-20T08:15:00"),
     "line 2: Timestamp: bad timestamp: '2026-10-20T08:15:00' has no time zone; add 'Z' for UTC"),
    (interaction("EmailOpened", 1, 2), f"line 2: ContactId: unknown contact {guid(2)}"),
    ({k: v for k, v in interaction("EmailOpened", 1, 1).items() if k != "ContactId"},
     "line 2: ContactId: missing required field"),
    ({k: v for k, v in interaction("EmailOpened", 1, 1).items() if k != "Timestamp"},
     "line 2: Timestamp: missing required field"),
    (interaction("EmailOpened", 1, 1, ContactId=None), "line 2: ContactId: missing required field"),
    (interaction("SurveyResponse", 1, 1, Score="high"), "line 2: Score: expected a number, got a string"),
    (interaction("LeadScoreBoost", 1, 1, BoostValue=2.5), "line 2: BoostValue: expected a whole number, got 2.5"),
    (interaction("EmailOpened", 1, 1, City=["Oslo"]), "line 2: City: expected a string, got an array"),
    ({"type": "CustomerJourney", "CustomerJourneyId": JOURNEY}, "line 2: Name: missing required field"),
    ("{not json",
     "line 2: not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
    ("[1, 2]", "line 2: expected a JSON object, got an array"),
    # hostile input: each is its line's error, never a traceback or a half-written import
    (interaction("EmailOpened", 1, 1, City="Os\ud800lo"),
     "line 2: City: text contains a lone surrogate ('\\ud800'), which is not a character; "
     "escape a character outside the BMP as a surrogate pair"),
    (contact(1, FullName="x" * 201), "line 2: FullName: text of 201 characters; at most 200 fit"),
    (contact(1, Email="x" * 255), "line 2: Email: text of 255 characters; at most 254 fit"),
    ({"type": "CustomerJourney", "CustomerJourneyId": JOURNEY, "Name": "n" * 201},
     "line 2: Name: text of 201 characters; at most 200 fit"),
    (interaction("EmailOpened", 1, 1, City="c" * 9_000_000),
     "line 2: City: text of 9,000,000 characters; at most 10,000 fit"),
    ('{"type": "Contact", "ContactId": "x", "a": ' + "[" * 5000 + "]" * 5000 + "}",
     "line 2: not valid JSON for import: arrays and objects nest too deeply"),
    (interaction("EmailOpened", 1, 1, Timestamp="9999-12-31T23:59:59-14:00"),
     "line 2: Timestamp: bad timestamp: '9999-12-31T23:59:59-14:00' is past the year 9999 in UTC"),
    (json.dumps(interaction("EmailOpened", 1, 1))[:-1] + ', "City": "Oslo", "City": "Rome"}',
     "line 2: not valid JSON for import: the key 'City' appears twice in one object"),
]


@pytest.mark.parametrize(("bad", "message"), BAD_LINES, ids=[m.split(": ", 1)[1][:40] for _, m in BAD_LINES])
def test_each_bad_line_is_reported_and_nothing_is_written(tmp_path, bad, message):
    path = write_jsonl(tmp_path / "in.jsonl", [contact(1), bad, interaction("EmailOpened", 99, 1)])
    with pytest.raises(CommandError) as raised:
        run_import(path)
    assert raised.value.returncode == 2
    assert str(raised.value) == "1 invalid line(s); nothing was written (--skip-invalid writes the valid lines)"
    assert stored_counts() == (0, 0, 0)
    # the message goes to stderr, exactly
    with pytest.raises(CommandError):
        from io import StringIO
        err = StringIO()
        call_command("import_jsonl", str(path), "--no-progress", stdout=StringIO(), stderr=err)
    assert err.getvalue().strip() == message


def test_skip_invalid_writes_the_good_lines_and_lists_the_rest(tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [
        contact(1),
        interaction("EmailOpened", 1, 1),
        interaction("EmailOpened", 2, 7),
        "",
        interaction("EmailOpened", 3, 1, Timestamp="nope"),
        interaction("EmailClicked", 4, 1),
    ])
    out, err = run_import(path, "--skip-invalid")
    # unknown contacts are found as a set after the pass, so they are listed after the per-line errors
    assert err.splitlines() == [
        "line 5: Timestamp: bad timestamp: 'nope' is not ISO 8601 (e.g. '2026-10-20T08:15:00Z')",
        f"line 3: ContactId: unknown contact {guid(7)}",
    ]
    assert "Imported 2 interactions" in out and "2 invalid lines skipped" in out
    assert stored_counts() == (1, 2, 0)


def _with_a_bad_byte(tmp_path, lines: int, bad_line: int):
    """A file of `lines` interactions whose line `bad_line` holds the Latin-1 byte 0xfc."""
    encoded = [json.dumps(interaction("EmailOpened", n, 1, City="Zurich")).encode() for n in range(1, lines)]
    encoded.insert(bad_line - 2, encoded[bad_line - 2].replace(b"Zurich", "Z\u00fcrich".encode("latin-1")))
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join([json.dumps(contact(1)).encode(), *encoded]) + b"\n")
    return path, encoded[bad_line - 2].index(b"\xfc")


def test_skip_invalid_skips_only_the_line_with_a_bad_byte(tmp_path):
    path, offset = _with_a_bad_byte(tmp_path, 5000, 12)
    out, err = run_import(path, "--skip-invalid")
    assert err.splitlines() == [f"line 12: not UTF-8 text (byte 0xfc at offset {offset})"]
    assert "Imported 4,999 interactions" in out and "1 invalid lines skipped" in out
    assert stored_counts() == (1, 4999, 0)


def test_a_bad_byte_is_reported_on_its_own_line(tmp_path):
    path, offset = _with_a_bad_byte(tmp_path, 50, 30)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_jsonl", str(path), "--no-progress", stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [f"line 30: not UTF-8 text (byte 0xfc at offset {offset})"]
    assert stored_counts() == (0, 0, 0)


def test_a_byte_order_mark_starts_a_file(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(contact(1)).encode() + b"\n")
    run_import(path)
    assert stored_counts() == (1, 0, 0)


def test_importing_the_same_interactions_twice_changes_nothing(tmp_path):
    objects = [contact(1), interaction("EmailOpened", 1, 1, City="Oslo"), interaction("EmailOpened", 1, 1, City="Rome")]
    path = write_jsonl(tmp_path / "in.jsonl", objects)
    out, _ = run_import(path)
    assert "Imported 1 interactions (EmailOpened 1), 1 duplicates skipped" in out
    out, _ = run_import(path)
    assert "Imported 0 interactions, 2 duplicates skipped" in out
    assert stored_counts() == (1, 1, 0)
    assert INTERACTION_MODELS["EmailOpened"].objects.get().city in ("Oslo", "Rome")


def test_a_contact_needs_only_its_id(tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", [{"type": "Contact", "ContactId": guid(1)}]))
    assert (Contact.objects.get().fullname, Contact.objects.get().emailaddress1) == ("", "")


def test_a_contact_imported_again_takes_its_newest_name(tmp_path):
    run_import(write_jsonl(tmp_path / "a.jsonl", [contact(1, FullName="Ada")]))
    run_import(write_jsonl(tmp_path / "b.jsonl", [contact(1, FullName="Ada L."), contact(1, FullName="Ada Lovelace")]))
    assert Contact.objects.get().fullname == "Ada Lovelace"


def test_several_files_are_one_all_or_nothing_import_with_file_names_in_errors(tmp_path):
    good = write_jsonl(tmp_path / "good.jsonl", [contact(1), interaction("EmailOpened", 1, 1)])
    bad = write_jsonl(tmp_path / "bad.jsonl", [interaction("EmailOpened", 2, 1, Timestamp="x")])
    from io import StringIO
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_jsonl", str(good), str(bad), "--no-progress", stdout=StringIO(), stderr=err)
    assert err.getvalue().startswith(f"{bad}:1: Timestamp: bad timestamp")
    assert stored_counts() == (0, 0, 0)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="nope.jsonl: no such file"):
        run_import(tmp_path / "nope.jsonl")


def test_standard_input(monkeypatch):
    import io
    lines = "\n".join(json.dumps(o) for o in [contact(1), interaction("EmailOpened", 1, 1)]) + "\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    out = io.StringIO()
    call_command("import_jsonl", "-", "--no-progress", stdout=out)
    assert "Imported 1 interactions" in out.getvalue()


def _generate(path, n_lines, contacts=500):
    with path.open("w") as handle:
        for c in range(contacts):
            handle.write(json.dumps(contact(c)) + "\n")
        for i in range(n_lines - contacts):
            handle.write(json.dumps(interaction("EmailOpened", i, i % contacts, City="Oslo",
                                                Timestamp=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00Z")) + "\n")
    return path


@pytest.mark.slow
def test_memory_does_not_grow_with_the_file(tmp_path):
    """A 200k-line file imports with about the same peak memory as a 20k-line one."""
    peaks = {}
    for n in (20_000, 200_000):
        path = _generate(tmp_path / f"{n}.jsonl", n)
        tracemalloc.start()
        run_import(path)
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        for model in INTERACTION_MODELS.values():
            model.objects.all().delete()
        Contact.objects.all().delete()
    # Ten times the lines would be ten times the memory if it grew with the file. It may still double: the 20k
    # file is two batches, while the 200k one can fill the copy pipeline (a batch being built, two queued, one
    # being copied) when the database is slower than the parsing, as on a loaded machine (11 vs 22 MB seen).
    assert peaks[200_000] < 2.5 * peaks[20_000], peaks
    assert peaks[200_000] < 64 * 2**20, peaks
