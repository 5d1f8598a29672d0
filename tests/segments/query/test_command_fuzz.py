"""Fuzz: the query commands read any bytes on standard input and answer with output or exit 2 and a message,
never a traceback."""

import io
import unittest.mock

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

# Pieces of real queries, so that examples get past the first token as well as failing there.
PIECES = [b"INTERACTION(", b"EmailClicked", b", EmailClicked_ContactLink)", b".FILTER(", b".HAVING(", b"COUNT()",
          b" >= ", b"1", b"-1", b"99999999999999999999999", b"1.5", b"City", b" == ", b"'Paris'", b"'\x00'",
          b"||", b"&&", b"NOT(", b"(", b")", b",", b" UTCDAYS(", b"SEGMENT(", b"x", b" UNION ", b"\xff",
          b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\xff\xfe", b"\n", b"SUM(BoostValue)", b"ISNULL(", b" CONTAINS ",
          b"EmailId", b"Name = "]
INPUTS = st.binary(max_size=300) | st.lists(st.sampled_from(PIECES), max_size=30).map(b"".join)
COMMANDS = [("format_query", "--wrap"), ("evaluate_query", "--count"), ("explain_query",)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=INPUTS, command=st.sampled_from(COMMANDS))
def test_query_commands_never_raise_a_traceback(data, command):
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    with unittest.mock.patch("sys.stdin", stdin):
        try:
            call_command(*command, "-", stdout=io.StringIO(), stderr=io.StringIO())
        except CommandError as exc:
            assert exc.returncode == 2 and str(exc).strip()
