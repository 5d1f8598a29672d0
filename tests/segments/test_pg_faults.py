"""PostgreSQL stopped under running workers and an import, on a server of the test's own.

The workers, the import and the segments' set-up run as production runs them (DATABASE_URL: this server,
tasks through Redis). The server is stopped as `pg_ctl stop` does it, by signal to its postmaster: SIGINT
for `-m fast` (every session terminated mid-transaction) and SIGQUIT for `-m immediate` (no shutdown at all:
crash recovery at the next start). What must hold: nothing half-written, and recovery without manual steps
but the one an import's user is told to take (run it again): the workers live through it, the interrupted
runs say failed, and every live segment ends equal to a from-scratch evaluation.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.utils import timezone

from segments.query import compile_query, parse

from .conftest import ROOT, WORKER_LOGS, wait_for
from .test_replica import BIN, answers, as_postgres

pytestmark = [pytest.mark.postgresql, pytest.mark.redis]
# One server per pytest-xdist worker (gw0: 5461, gw1: 5462), apart from test_replica's 5441-5444.
PORT = 5461 + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
# The app's processes log in as this role and the test as postgres, so that the test can keep them out for a
# moment after a restart and look at what the server recovered before anyone writes again.
APP = "segments"
ID = {name: uuid.UUID(int=n) for n, name in enumerate(["Ada", "Bob", "Cy", "Dee", "Eve"], start=1)}
SEGMENTS = {
    "openers": "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)",
    "never opened": "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() == 0)",
    "clickers": "INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1)",
}


class OwnPostgres:
    def __init__(self, folder: Path):
        self.folder, self.data = folder, folder / "data"
        subprocess.run([BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync"],
                       check=True, stdout=subprocess.DEVNULL, **as_postgres())
        with open(self.data / "postgresql.conf", "a") as conf:
            # fsync off: the OS survives an immediate stop, so committed data still reaches the files.
            conf.write("fsync = off\nfull_page_writes = off\n")
        self.start()

    def start(self):
        with open(self.folder / "postgres.log", "a") as log:
            self.process = subprocess.Popen(
                [BIN / "postgres", "-D", self.data, "-p", str(PORT), "-c", "listen_addresses=127.0.0.1",
                 "-c", f"unix_socket_directories={self.folder}"], stdout=log, stderr=log, **as_postgres())
        wait_for(lambda: answers(PORT), timeout=30, what=f"PostgreSQL on port {PORT}")

    def stop(self, how=signal.SIGINT):
        if self.process.poll() is None:
            self.process.send_signal(how)
            self.process.wait(30)

    def url(self, database: str, user: str = APP) -> str:
        return f"postgres://{user}@127.0.0.1:{PORT}/{database}"

    def execute(self, statement: str, params=(), database: str = "postgres") -> list:
        with psycopg.connect(self.url(database, "postgres"), autocommit=True) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else []


def app_env(database_url: str, queue: str | None = None) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "designer.settings", "DATABASE_URL": database_url,
           "SEGMENT_INGEST_DEBOUNCE": "0"}
    if queue:
        env.update(CELERY_BROKER_URL=settings.TEST_REDIS_URL, CELERY_QUEUE=queue, CELERY_QUEUE_PREFIX=f"{queue}-")
    return env


@pytest.fixture(scope="module")
def own_postgres():
    folder = Path(tempfile.mkdtemp(prefix="sd-pg-faults-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    server = None
    try:
        server = OwnPostgres(folder)
        server.execute(f"CREATE ROLE {APP} SUPERUSER LOGIN")
        server.execute("CREATE DATABASE template_segments")
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True,
                       env=app_env(server.url("template_segments")))
        yield server
    finally:
        if server:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


class Stack:
    """A fresh database on the test's server, and the app's processes against it."""

    def __init__(self, server: OwnPostgres, queue: str, workers, folder: Path):
        self.server, self.queue, self.workers, self.folder = server, queue, workers, folder
        self.database = f"segments_{uuid.uuid4().hex[:8]}"
        if server.process.poll() is not None:
            server.start()  # a test before this one failed with the server stopped
        server.execute(f"CREATE DATABASE {self.database} TEMPLATE template_segments")
        self.url = server.url(self.database)
        self.env = app_env(self.url, queue)
        self.processes: list[subprocess.Popen] = []

    def sql(self, statement: str, params=()) -> list:
        return self.server.execute(statement, params, database=self.database)

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.server.url(self.database, "postgres"))

    def worker(self, name: str):
        return self.workers(name, database_url=self.url)

    def jsonl(self, name: str, lines: list[dict]) -> Path:
        path = self.folder / name
        path.write_text("".join(json.dumps(line) + "\n" for line in lines))
        return path

    def importing(self, path: Path) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "manage.py", "import_jsonl", str(path), "--no-progress"],
                                   cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.processes.append(process)
        return process

    def import_file(self, path: Path) -> str:
        process = self.importing(path)
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        return out

    def set_up(self, lines: list[dict], segments: dict) -> dict:
        """Import `lines`, then take `segments` ({name: query}) live; returns {name: id}."""
        done = subprocess.run([sys.executable, "-m", "tests.segments.live_segments", self.jsonl("base.jsonl", lines),
                               json.dumps(segments)], cwd=ROOT, env=self.env, capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.splitlines()[-1])

    def settled(self, segments: dict, since=None) -> bool:
        """Every segment evaluated (after `since`), and no run left running."""
        rows = self.sql("SELECT s.status, (SELECT MAX(r.started) FROM segments_evaluationrun r WHERE r.segment_id "
                        "= s.id AND r.status = 'succeeded') FROM segments_segment s WHERE s.id = ANY(%s)",
                        [list(segments.values())])
        running = self.sql("SELECT COUNT(*) FROM segments_evaluationrun WHERE status = 'running'")[0][0]
        return running == 0 and all(status == "succeeded" and last and (since is None or last > since)
                                    for status, last in rows)

    def members(self, segment_id: int) -> set:
        return {row[0] for row in self.sql("SELECT contact_id FROM segments_membership WHERE segment_id = %s",
                                           [segment_id])}

    def from_scratch(self, segment_id: int) -> set:
        query = self.sql("SELECT query FROM segments_segment WHERE id = %s", [segment_id])[0][0]
        sql, params = compile_query(parse(query), now=timezone.now(), dialect="postgresql")
        return {row[0] for row in self.sql(sql, params)}

    def change_log_agrees(self, segment_id: int) -> bool:
        """Each contact's entries and exits alternate, ending 'in' exactly for the members."""
        net = dict(self.sql("SELECT contact_id, SUM(CASE change WHEN 'entered' THEN 1 ELSE -1 END) "
                            "FROM segments_membershipchange WHERE segment_id = %s GROUP BY contact_id", [segment_id]))
        return set(net.values()) <= {0, 1} and {c for c, n in net.items() if n} == self.members(segment_id)

    def counts(self) -> tuple:
        return self.sql("SELECT (SELECT COUNT(*) FROM interactions_contact), "
                        "(SELECT COUNT(*) FROM interactions_emailopened), "
                        "(SELECT COUNT(*) FROM interactions_emailclicked)")[0]


@pytest.fixture
def stack(own_postgres, queue, workers, broker, tmp_path):
    # `broker`: its teardown deletes the test's queues from the shared Redis.
    stack = Stack(own_postgres, queue, workers, tmp_path)
    yield stack
    for process in stack.processes:
        if process.poll() is None:  # an import a failed test left blocked
            process.kill()
            process.communicate()


def person(name: str) -> dict:
    return {"type": "Contact", "ContactId": str(ID[name]), "FullName": name, "Email": f"{name.lower()}@example.com"}


def did(kind: str, name: str) -> dict:
    return {"type": kind, "InteractionId": str(uuid.uuid4()), "ContactId": str(ID[name]),
            "Timestamp": "2026-11-01T12:00:00Z"}


BASE = [person("Ada"), person("Bob"), person("Cy"), did("EmailOpened", "Ada"), did("EmailClicked", "Cy")]


def retries_logged() -> int:
    return sum(log.read_text().count("Retry in") for log in WORKER_LOGS if log.exists())


def test_postgresql_stopped_mid_evaluation_the_runs_fail_and_the_retries_recover(stack):
    started = [stack.worker("w1"), stack.worker("w2")]
    segments = stack.set_up(BASE, SEGMENTS)
    wait_for(lambda: stack.settled(segments), what="the first evaluations")
    before = {name: stack.members(pk) for name, pk in segments.items()}
    changes = stack.sql("SELECT COUNT(*) FROM segments_membershipchange")[0][0]
    # Membership rows that another transaction is inserting: each refresh below blocks on one, inside its own
    # transaction, after it wrote everything before it ("never opened": Bob's exit first).
    holder = stack.connect()
    try:
        holder.execute("INSERT INTO segments_membership (segment_id, contact_id, since) VALUES (%s, %s, now()), "
                       "(%s, %s, now())", [segments["openers"], ID["Bob"], segments["never opened"], ID["Eve"]])
        # New interactions refresh the two segments that read them, on the two workers.
        stack.import_file(stack.jsonl("more.jsonl", [person("Eve"), did("EmailOpened", "Bob")]))
        wait_for(lambda: stack.sql("SELECT COUNT(*) FROM pg_stat_activity WHERE usename = %s AND datname = %s "
                                   "AND wait_event_type = 'Lock'", [APP, stack.database])[0][0] == 2,
                 what="both refreshes to block inside their transactions")
        interrupted = [row[0] for row in stack.sql("SELECT id FROM segments_evaluationrun WHERE status = 'running'")]
        assert len(interrupted) == 2
        stack.server.execute(f"ALTER ROLE {APP} NOLOGIN")
        stack.server.stop(signal.SIGINT)  # pg_ctl stop -m fast
    finally:
        holder.close()
    wait_for(lambda: retries_logged() >= 2, what="both workers to meet the database gone and retry")
    stack.server.start()
    restarted = stack.sql("SELECT now()")[0][0]
    # Before anyone writes again: the old membership, and the runs could not even record that they failed.
    assert {name: stack.members(pk) for name, pk in segments.items()} == before
    assert stack.sql("SELECT COUNT(*) FROM segments_membershipchange")[0][0] == changes
    statuses = stack.sql("SELECT status FROM segments_evaluationrun WHERE id = ANY(%s)", [interrupted])
    assert statuses == [("running",)] * 2

    stack.server.execute(f"ALTER ROLE {APP} LOGIN")
    wait_for(lambda: stack.settled({name: segments[name] for name in ("openers", "never opened")}, since=restarted),
             timeout=90, what="the retried refreshes")
    failed = stack.sql("SELECT status, error FROM segments_evaluationrun WHERE id = ANY(%s)", [interrupted])
    assert [status for status, _ in failed] == ["failed"] * 2 and all("interrupted" in error for _, error in failed)
    for pk in segments.values():
        assert stack.members(pk) == stack.from_scratch(pk)
        assert stack.change_log_agrees(pk)
    assert ID["Bob"] in stack.members(segments["openers"])
    assert stack.members(segments["never opened"]) == {ID["Cy"], ID["Eve"]}
    assert [worker.poll() for worker in started] == [None, None]  # they lived through it: no restart needed


def test_postgresql_stopped_mid_import_writes_nothing_and_the_import_run_again_completes(stack):
    started = [stack.worker("w1")]
    segments = stack.set_up(BASE, SEGMENTS)
    wait_for(lambda: stack.settled(segments), what="the first evaluations")
    before = stack.counts()
    batch = stack.jsonl("batch.jsonl", [person("Dee"), person("Eve"), did("EmailOpened", "Bob"),
                                        did("EmailOpened", "Dee"), did("EmailClicked", "Ada"),
                                        did("EmailClicked", "Eve")])
    # The import stores contacts, then opens, then clicks, in one transaction: with the clicks' table held,
    # it has written the contacts and the opens when it blocks.
    holder = stack.connect()
    try:
        holder.execute("LOCK TABLE interactions_emailclicked IN EXCLUSIVE MODE")
        importing = stack.importing(batch)
        wait_for(lambda: stack.sql(
            "SELECT COUNT(*) FROM pg_stat_activity a WHERE a.datname = %s AND a.wait_event_type = 'Lock' "
            "AND a.query LIKE 'INSERT INTO interactions_emailclicked%%' AND EXISTS (SELECT 1 FROM pg_locks l "
            "WHERE l.pid = a.pid AND l.relation = 'interactions_emailopened'::regclass "
            "AND l.mode = 'RowExclusiveLock')", [stack.database])[0][0] == 1,
            what="the import to block after writing the opens")
        stack.server.stop(signal.SIGQUIT)  # pg_ctl stop -m immediate: a crash, recovered at the next start
    finally:
        holder.close()
    out, err = importing.communicate(timeout=30)
    assert importing.returncode == 1 and "run it again" in err and "Traceback" not in err, err
    stack.server.start()
    assert stack.counts() == before  # none of the batch: not the contacts, not the opens

    rerun = stack.sql("SELECT now()")[0][0]
    out = stack.import_file(batch)
    assert out.startswith("Imported 4 interactions") and "0 duplicates" in out, out
    assert stack.counts() == (before[0] + 2, before[1] + 2, before[2] + 2)
    out = stack.import_file(batch)  # idempotent: InteractionId is the key, contacts are updated in place
    assert out.startswith("Imported 0 interactions") and "4 duplicates skipped" in out, out
    assert stack.counts() == (before[0] + 2, before[1] + 2, before[2] + 2)

    wait_for(lambda: stack.settled(segments, since=rerun), what="the refreshes the import queued")
    for pk in segments.values():
        assert stack.members(pk) == stack.from_scratch(pk)
    assert stack.members(segments["never opened"]) == {ID["Cy"], ID["Eve"]}
    assert [worker.poll() for worker in started] == [None]
