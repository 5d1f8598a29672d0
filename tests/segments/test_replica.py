"""The read replica, for real: a primary and a streaming replica (pg_basebackup -R) that this test starts.

Read-only interactive work reads the replica, writes and evaluations go to the primary, and a user who
just saved reads the primary. To show which server answered, the replica's replay is paused: then the
replica keeps the state of that moment while the primary moves on.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path("/usr/lib/postgresql/15/bin")
# Two ports per pytest-xdist worker (gw0: 5441 and 5442, gw1: 5443 and 5444), as the module may run on each.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
PRIMARY_PORT, REPLICA_PORT = 5441 + 2 * _WORKER, 5442 + 2 * _WORKER
pytestmark = pytest.mark.postgresql


def as_postgres() -> dict:
    # initdb and postgres refuse to run as root; CI runs as root, a developer as themselves.
    return {"user": "postgres", "group": "postgres", "extra_groups": []} if os.geteuid() == 0 else {}


def answers(port):
    return subprocess.run([BIN / "pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode == 0


def wait_until(predicate, what, timeout=30):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class Server:
    def __init__(self, data: Path, port: int):
        self.data, self.port = data, port
        with open(data.parent / f"{port}.log", "w") as log:
            self.process = subprocess.Popen(
                [BIN / "postgres", "-D", data, "-p", str(port), "-c", "listen_addresses=127.0.0.1",
                 "-c", f"unix_socket_directories={data.parent}"], stdout=log, stderr=log, **as_postgres())
        wait_until(lambda: answers(port), f"PostgreSQL on port {port}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # fast shutdown
            self.process.wait(30)


@pytest.fixture(scope="module")
def primary_and_replica():
    if not (BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL server binaries are needed in {BIN}")
    folder = Path(tempfile.mkdtemp(prefix="sd-replica-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    servers = []
    try:
        primary = folder / "primary"
        subprocess.run([BIN / "initdb", "-D", primary, "-A", "trust", "-U", "postgres", "--no-sync"],
                       check=True, stdout=subprocess.DEVNULL, **as_postgres())
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 4\nfsync = off\n"
                       "full_page_writes = off\n")
        servers.append(Server(primary, PRIMARY_PORT))
        url = f"postgres://postgres@127.0.0.1:{PRIMARY_PORT}"
        subprocess.run([BIN / "createdb", "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres", "segments"],
                       check=True)
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True,
                       env={**os.environ, "DJANGO_SETTINGS_MODULE": "designer.settings",
                            "DATABASE_URL": f"{url}/segments"})
        replica = folder / "replica"
        subprocess.run([BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", str(PRIMARY_PORT), "-U", "postgres",
                        "-D", replica, "-R", "-X", "stream", "--no-sync", "--checkpoint=fast"],
                       check=True, **as_postgres())
        servers.append(Server(replica, REPLICA_PORT))
        yield f"{url}/segments", f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/segments"
    finally:
        for server in reversed(servers):
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def seen(primary_and_replica):
    primary, replica = primary_and_replica
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "designer.settings", "DATABASE_URL": primary,
           "DATABASE_REPLICA_URL": replica, "REPLICA_STICKY_SECONDS": "600", "ALLOWED_HOSTS": "testserver"}
    env.pop("CELERY_BROKER_URL", None)
    done = subprocess.run([sys.executable, "-m", "tests.segments.replica_scenario"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_estimates_and_member_lists_read_the_replica(seen):
    # Bob's interaction and his evaluation happened after the replica paused: the replica does not have them.
    assert seen["paused"]["estimate"] == 1
    assert seen["paused"]["members"] == ["Ada"]
    assert seen["resumed"]["estimate"] == 2
    assert seen["resumed"]["members"] == ["Ada", "Bob"]


def test_evaluations_write_to_the_primary(seen):
    assert seen["paused"]["primary_members"] == ["Ada", "Bob"]
    assert (seen["paused"]["run_on_primary"], seen["paused"]["run_on_replica"]) == (True, False)


def test_who_just_saved_reads_the_primary_and_everyone_else_the_replica(seen):
    paused = seen["paused"]
    assert paused["save_status"] == 200
    assert (paused["writer_api"], paused["writer_page"]) == ("Openers (EU)", "Openers (EU)")
    assert paused["writer_estimate"] == 2
    assert (paused["reader_api"], paused["reader_page"]) == ("Openers", "Openers")
    assert seen["resumed"]["reader_api"] == "Openers (EU)"
