"""The import section of `manage.py benchmark`: EmailOpened rows written by import_jsonl and by the ingest API,
beside plain COPYs of the same rows (into a bare table, one with the same indexes, and the table itself)."""

from __future__ import annotations

import io
import json
import os
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client

from interactions.models import ApiToken
from segments import roles

from .measure import best_of, delete_ingested_since, ms, scalar

API_BATCH = 10_000  # objects per request: about 2 MB of EmailOpened, well inside INGEST_MAX_BYTES


def benchmark_import(rows: list[dict], *, repeat: int, prefix: str, write: Callable[[str], None],
                     tidy: Callable[[], None]) -> None:
    """Print the rows/s of each way in. `tidy` restores the tables after the rows written are deleted."""
    write(f"== import: {len(rows):,} EmailOpened objects, by import_jsonl and by the ingest API, beside a plain "
          "COPY of the same rows")
    imported = _import_jsonl(rows, tidy)
    api = _ingest_api(rows, prefix, tidy)
    copies = _copies(rows, repeat)
    write(f"  import_jsonl                 {len(rows) / imported:>10,.0f} rows/s  ({ms(imported)})")
    write(f"  ingest API                   {len(rows) / api:>10,.0f} rows/s  ({ms(api)}; POST /api/interactions, "
          f"{API_BATCH:,} per request, the whole request path in this process)")
    for label, seconds in copies.items():
        write(f"  plain COPY, {label:<16} {len(rows) / seconds:>10,.0f} rows/s  ({ms(seconds)}); "
              f"import_jsonl takes {imported / seconds:.1f}x, the API {api / seconds:.1f}x")
    write("")


def _import_jsonl(rows, tidy) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        handle.writelines(json.dumps(r) + "\n" for r in rows)
        path = handle.name
    started_at = scalar("SELECT clock_timestamp()")
    try:
        started = time.perf_counter()
        call_command("import_jsonl", path, "--no-progress", stdout=io.StringIO())
        return time.perf_counter() - started
    finally:
        os.unlink(path)
        delete_ingested_since(["interactions_emailopened"], started_at)
        tidy()


def _ingest_api(rows, prefix, tidy) -> float:
    """Seconds to POST the rows in requests of API_BATCH as a tracker does: Django's whole request path
    (middleware, token, JSON decoding, validation, ingest, commit), as a temporary user of the Ingest group,
    deleted afterwards with what it wrote (and the group, if it had to be made)."""
    user = get_user_model().objects.create_user(f"{prefix}ingest-{uuid.uuid4().hex[:8]}")
    group, made = Group.objects.get_or_create(name=roles.INGEST)  # a migration makes it; unless removed by hand
    user.groups.add(group)
    key = ApiToken.issue(name=f"{prefix}ingest", user=user)[1]
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0], HTTP_AUTHORIZATION=f"Bearer {key}")
    bodies = [json.dumps(rows[i:i + API_BATCH]) for i in range(0, len(rows), API_BATCH)]
    started_at = scalar("SELECT clock_timestamp()")
    try:
        with warnings.catch_warnings():
            # WhiteNoise warns, as the middleware loads, that collectstatic has not run: no page is served here.
            warnings.filterwarnings("ignore", message="No directory at")
            started = time.perf_counter()
            for body in bodies:
                response = client.post("/api/interactions", data=body, content_type="application/json", secure=True)
                if response.status_code != 200:
                    raise CommandError(f"the ingest API answered {response.status_code}: {response.content[:300]!r}")
            return time.perf_counter() - started
    finally:
        delete_ingested_since(["interactions_emailopened"], started_at)
        user.delete()
        if made:
            group.delete()
        tidy()


def _copies(rows, repeat) -> dict[str, float]:
    text = "".join(f"{r['InteractionId']}\t{r['ContactId']}\t{r['Timestamp']}\t{r['City'] or chr(92) + 'N'}\n"
                   for r in rows)
    copies = {}
    for label, like in (("bare table", "LIKE interactions_emailopened INCLUDING DEFAULTS"),
                        ("same indexes", "LIKE interactions_emailopened INCLUDING DEFAULTS INCLUDING INDEXES")):
        def copy(like=like):
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE IF EXISTS benchmark_copy")
                cursor.execute(f"CREATE TEMP TABLE benchmark_copy ({like})")
                with cursor.copy("COPY benchmark_copy (interaction_id, contact_id, timestamp, city) FROM STDIN") as out:
                    out.write(text)
                cursor.execute("DROP TABLE benchmark_copy")
        copies[label] = best_of(repeat, copy)

    def copy_into_the_table():
        # The same table the imports write, its indexes, its size, WAL and foreign key; rolled back.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            with cursor.copy("COPY interactions_emailopened (interaction_id, contact_id, timestamp, city) "
                             "FROM STDIN") as out:
                out.write(text)
            transaction.set_rollback(True)
    copies["the table itself"] = best_of(repeat, copy_into_the_table)
    return copies
