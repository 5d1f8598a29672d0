"""One log line per evaluation run and per ingest, readable as text and, with LOG_FORMAT=json, as JSON."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from designer.ops.logging import JsonFormatter
from interactions.ingest import IngestRejected, ingest
from segments.evaluation import segment_evaluate
from segments.services import segment_create

from ...segments.helpers import contact, interact

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db
QUERY = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"
ADA = "11111111-1111-1111-1111-111111111111"


def lines(caplog, logger):
    return [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == logger]


def test_an_evaluation_logs_one_line_with_its_segment_mode_duration_counts_and_outcome(caplog):
    interact("EmailOpened", contact("Ada"))
    interact("EmailOpened", contact("Grace"))
    segment = segment_create(name="openers", query_text=QUERY)
    with caplog.at_level(logging.INFO, logger="segments.evaluation"):
        run = segment_evaluate(segment_id=segment.pk)
    [line] = lines(caplog, "segments.evaluation")
    assert line | {"time": None, "duration_ms": None} == {
        "time": None, "level": "INFO", "logger": "segments.evaluation", "segment": segment.pk, "run": run.pk,
        "mode": "full", "outcome": "succeeded", "duration_ms": None, "members": 2, "added": 2, "removed": 0,
        "message": f"evaluation segment={segment.pk} run={run.pk} mode=full outcome=succeeded "
                   f"duration_ms={run.duration_ms} members=2 added=2 removed=0"}
    assert line["duration_ms"] == run.duration_ms


@pytest.mark.parametrize(("items", "outcome", "written", "invalid"), [
    ([{"type": "Contact", "ContactId": ADA, "FullName": "Ada"},
      {"type": "EmailOpened", "InteractionId": "21111111-1111-1111-1111-111111111111", "ContactId": ADA,
       "Timestamp": "2026-10-20T08:15:00Z"}], "stored", 2, 0),
    ([{"type": "Contact", "ContactId": ADA, "FullName": "Ada"}, {"type": "NoSuchType"}], "rejected", 0, 1),
])
def test_an_ingest_logs_one_line_with_its_source_lines_written_duration_and_outcome(caplog, items, outcome,
                                                                                     written, invalid):
    with caplog.at_level(logging.INFO, logger="interactions.ingest"):
        try:
            ingest(enumerate(items), source="api")
        except IngestRejected:
            assert outcome == "rejected"
    [line] = lines(caplog, "interactions.ingest")
    assert {k: line[k] for k in ("source", "lines", "written", "invalid", "outcome")} == {
        "source": "api", "lines": len(items), "written": written, "invalid": invalid, "outcome": outcome}
    assert line["message"].startswith(f"ingest source=api lines={len(items)} written={written} ")
    assert isinstance(line["duration_ms"], int)


@pytest.mark.parametrize("log_format", ["json", ""])
def test_log_format_json_writes_json_lines(log_format):
    code = ("import django, logging; django.setup(); "
            "logging.getLogger('segments.evaluation').info('evaluation segment=%(segment)s', {'segment': 7})")
    env = {**os.environ, "LOG_FORMAT": log_format, "DJANGO_SETTINGS_MODULE": "designer.settings"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    [line] = result.stderr.splitlines()
    if log_format == "json":
        assert {k: v for k, v in json.loads(line).items() if k != "time"} == {
            "level": "INFO", "logger": "segments.evaluation", "message": "evaluation segment=7", "segment": 7}
    else:
        assert line.endswith(" INFO segments.evaluation evaluation segment=7")
