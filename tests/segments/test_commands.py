"""The command line: query tools and `segments`; invalid input exits 2 with a clear message."""

import codecs
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q

from interactions.demo.vocabulary import DECISION_MAKER_WORDS
from interactions.models import INTERACTION_MODELS, RECORD_MODELS, Contact
from segments.models import Membership, Segment

from .helpers import T0, contact, days, interact

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
DYNAMICS = """interaction(EmailClicked, EmailClicked_Contact)
  .filter(CustomerJourneyId == '5ACC43D5-356E-E811-A960-000D3A1CAE35')
  .having(count() > 0, utcdays(45))"""
CANONICAL = ("INTERACTION(EmailClicked, EmailClicked_ContactLink)"
             ".FILTER(CustomerJourneyId == '5acc43d5-356e-e811-a960-000d3a1cae35')"
             ".HAVING(COUNT() >= 1, UTCDAYS(45))")


def run(*args, stdin=None):
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        import unittest.mock
        with unittest.mock.patch("sys.stdin", io.StringIO(stdin)):
            call_command(*args, stdout=out, stderr=err)
    else:
        call_command(*args, stdout=out, stderr=err)
    return out.getvalue()


def test_format_query_prints_the_canonical_text_single_line_or_wrapped(tmp_path):
    path = tmp_path / "q.txt"
    path.write_text(DYNAMICS)
    assert run("format_query", str(path)) == CANONICAL + "\n"
    assert run("format_query", "--wrap", stdin=DYNAMICS) == (
        "INTERACTION(EmailClicked, EmailClicked_ContactLink)\n"
        "    .FILTER(CustomerJourneyId == '5acc43d5-356e-e811-a960-000d3a1cae35')\n"
        "    .HAVING(COUNT() >= 1, UTCDAYS(45))\n")


def test_evaluate_query_prints_sorted_members_as_of_the_given_time():
    ada, bob, cy = contact("Ada"), contact("Bob"), contact("Cy")
    for who in (cy, ada):
        interact("EmailClicked", who, at=T0, customer_journey_id="5acc43d5-356e-e811-a960-000d3a1cae35")
    interact("EmailClicked", bob, at=T0)
    at = (T0 + days(1)).isoformat()
    assert run("evaluate_query", "--at", at, stdin=DYNAMICS).split() == sorted(
        [str(ada.contact_id), str(cy.contact_id)])
    assert run("evaluate_query", "--at", at, "--count", stdin=DYNAMICS).strip() == "2"
    assert run("evaluate_query", "--at", (T0 + days(46)).isoformat(), "--count", stdin=DYNAMICS).strip() == "0"


def test_explain_query_shows_the_sql_and_its_parameters():
    text = run("explain_query", "--at", "2026-11-01T00:00:00Z", stdin=CANONICAL)
    assert "FROM interactions_emailclicked" in text and "-- parameters:" in text
    assert "5acc43d5" not in text.split("-- parameters:")[0]  # values only as parameters


@pytest.mark.parametrize(
    ("command", "stdin", "message"),
    [
        ("format_query", "INTERACTION(EmailClick, EmailClick_ContactLink).HAVING(COUNT() >= 1)",
         "1:13: unknown interaction type 'EmailClick'; did you mean 'EmailClicked'?"),
        ("evaluate_query", "INTERACTION(EmailOpened, EmailOpened_ContactLink)\n  .HAVING(SUM(MessageId) > 1)",
         "2:15: SUM needs a numeric field, MessageId is a GUID"),
    ],
)
def test_an_invalid_query_exits_2_with_line_column_and_message(command, stdin, message):
    with pytest.raises(CommandError) as raised:
        run(command, stdin=stdin)
    assert raised.value.returncode == 2
    assert str(raised.value).startswith(message)


def test_the_real_command_line_prints_no_traceback_on_a_bad_query():
    result = subprocess.run([sys.executable, "manage.py", "format_query", "-"], input="INTERACTION(", cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("CommandError: 1:13: ")


MUNICH = CANONICAL.replace("CustomerJourneyId == '5acc43d5-356e-e811-a960-000d3a1cae35'", "City == 'München'")


@pytest.mark.parametrize(("data", "shown"), [
    (MUNICH.encode("utf-8"), MUNICH),
    (codecs.BOM_UTF8 + MUNICH.encode("utf-8"), MUNICH),
    (MUNICH.encode("utf-16"), MUNICH),  # with its BOM
    (MUNICH.encode("latin-1"), "the file is not UTF-8 text (byte 0xfc at offset 69)"),
    (MUNICH.encode("utf-16-le"), "the file is not UTF-8 text (byte 0x00 at offset 1)"),  # no BOM: not UTF-16
])
@pytest.mark.parametrize("command", ["format_query", "evaluate_query", "explain_query"])
def test_query_files_are_utf8_or_utf16_by_bom_else_refused(tmp_path, command, data, shown):
    path = tmp_path / "query.txt"
    path.write_bytes(data)
    if shown != MUNICH:
        with pytest.raises(CommandError) as raised:
            run(command, str(path))
        assert raised.value.returncode == 2 and str(raised.value) == f"{path}: {shown}"
    elif command == "format_query":
        assert run(command, str(path)).strip() == MUNICH


def test_bytes_on_standard_input_that_are_not_utf8_exit_2_without_a_traceback():
    result = subprocess.run([sys.executable, "manage.py", "evaluate_query", "-"], input=MUNICH.encode("latin-1"),
                            cwd=ROOT, capture_output=True, timeout=60)
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert result.stderr.decode() == "CommandError: standard input is not UTF-8 text (byte 0xfc at offset 69)\n"


def test_bad_at_is_refused():
    with pytest.raises(CommandError, match="--at: 'yesterday' is not an ISO 8601 time"):
        run("evaluate_query", "--at", "yesterday", stdin=CANONICAL)


def test_segments_create_golive_list_show_members_stop(django_capture_on_commit_callbacks):
    ada = contact("Ada")
    interact("EmailClicked", ada, at=T0, customer_journey_id="5acc43d5-356e-e811-a960-000d3a1cae35")
    assert run("segments", "create", "Clickers", stdin=DYNAMICS) == "Created behavioral segment 'Clickers' (draft).\n"
    with django_capture_on_commit_callbacks(execute=True):
        assert run("segments", "golive", "Clickers") == "'Clickers' is live.\n"
    listing = run("segments", "list").splitlines()
    assert listing[0].split() == ["NAME", "KIND", "STATE", "MEMBERS", "EVALUATED", "STATUS"]
    shown = run("segments", "show", "Clickers")
    assert "state:       live" in shown and "    .HAVING(COUNT() >= 1, UTCDAYS(45))" in shown
    assert run("segments", "evaluate", "Clickers", "--at", (T0 + days(1)).isoformat()).startswith(
        "'Clickers': 1 members (+0 / -0)")
    assert run("segments", "members", "Clickers") == f"{ada.contact_id}\n"
    assert run("segments", "members", "Clickers", "--csv") == (
        f"ContactId,FullName,Email\n{ada.contact_id},Ada,{ada.emailaddress1}\n")
    assert run("segments", "stop", "Clickers") == "'Clickers' is stopped.\n"
    assert Segment.objects.get().state == "stopped"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("segments", "show", "nope"), None, "no segment named 'nope'"),
        (("segments", "create", "x"), "SEGMENT(nope)", "1:9: unknown segment 'nope'"),
    ],
)
def test_segments_errors_exit_2(args, stdin, message):
    with pytest.raises(CommandError) as raised:
        run(*args, stdin=stdin)
    assert raised.value.returncode == 2
    assert str(raised.value).startswith(message)


def test_example_segments_are_created_once_on_demo_data(django_capture_on_commit_callbacks):
    ada = contact("Ada")
    for day in range(3):
        interact("EmailOpened", ada, at=T0 - days(day))
    interact("EmailClicked", ada, at=T0, customer_journey_id="5acc43d5-356e-e811-a960-000d3a1cae35")
    RECORD_MODELS["CustomerJourney"].objects.create(name="Monthly Newsletter")
    with django_capture_on_commit_callbacks(execute=True):
        assert run("seed_demo_segments") == "Created 6 example segments; 4 are live.\n"
    assert Segment.objects.filter(state="live").count() == 4
    assert Segment.objects.get(name="Engaged openers").member_count is not None
    assert run("seed_demo_segments") == "Segments exist already; no examples were added.\n"


def test_no_examples_without_demo_data():
    assert run("seed_demo_segments").startswith("No email clicks or no 'Monthly Newsletter' journey")
    assert not Segment.objects.exists()


def test_the_profile_and_mixed_examples_have_members_on_the_demo_data(django_capture_on_commit_callbacks):
    run("seed_demo", "--no-progress")  # what `make run` loads
    with django_capture_on_commit_callbacks(execute=True):
        run("seed_demo_segments")
    oslo = Segment.objects.get(name="Contacts in Oslo")
    mixed = Segment.objects.get(name="Decision makers at large accounts who never opened the newsletter")
    assert oslo.state == mixed.state == "live"
    assert oslo.member_count == Contact.objects.filter(address1_city="Oslo").count() > 0
    newsletter = RECORD_MODELS["CustomerJourney"].objects.get(name="Monthly Newsletter")
    openers = INTERACTION_MODELS["EmailOpened"].objects.filter(customer_journey_id=newsletter.id).values("contact_id")
    deciders = Q()
    for word in DECISION_MAKER_WORDS:
        deciders |= Q(jobtitle__icontains=word)
    expected = (Contact.objects.filter(deciders, parentcustomerid__numberofemployees__gt=500)
                .exclude(contact_id__in=openers))
    assert mixed.member_count == expected.count() > 0
    assert set(Membership.objects.filter(segment=mixed).values_list("contact_id", flat=True)) == set(
        expected.values_list("contact_id", flat=True))
