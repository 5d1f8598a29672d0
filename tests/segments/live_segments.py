"""What test_pg_faults.py runs in a process configured as production is (DATABASE_URL: the test's own
PostgreSQL, tasks through the broker), in one process to spare a start-up: import the JSON Lines file given
as the first argument, then create each segment of the JSON object {name: query} given as the second and
take it live, which queues its first evaluation for the workers. Prints {name: id} as JSON."""

import json
import sys

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from segments.services import segment_create, segment_go_live  # noqa: E402

call_command("import_jsonl", sys.argv[1], "--no-progress")
ids = {}
for name, query in json.loads(sys.argv[2]).items():
    segment = segment_go_live(segment=segment_create(name=name, query_text=query))
    ids[name] = segment.pk
print(json.dumps(ids))
