"""Running the designer's statements (estimate, per-restriction counts, explain): bounded in time, and cancelled
when a newer edit of the same editor supersedes them.

Inside `interactive_run(editor=..., seq=...)` every statement belongs to edit `seq` of the page `editor`. A
registry (the broker's Redis when there is one, so every web process sees it; else this process) records per
editor the newest edit and the PostgreSQL backend running its statement. A newer edit cancels that backend
(pg_cancel_backend, on the server the statement runs on: the replica or the primary), and an older edit that
arrives late, or whose statement was cancelled, ends as `Superseded`, which the page shows as nothing.
The backend is cancelled only while its application_name still names that edit, so a connection that has
moved on to other work is never hit. SQLite has no other session to cancel from: its statements stop
themselves (a progress handler) past the timeout or once superseded, within this process only.
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, router, transaction
from psycopg.errors import QueryCanceled

from interactions.models import Contact

APPLICATION_NAME = "segment-designer-estimate"
REGISTRY_SECONDS = 600  # an editor's entry outlives any statement (the timeout is seconds)


class TooSlow(Exception):
    """An interactive statement ran past INTERACTIVE_STATEMENT_TIMEOUT_MS and was cancelled."""

    def __init__(self, what: str = "the estimate", hint: str = "narrow the query (a shorter window, fewer "
                 "alternatives) or save it and let a worker evaluate it") -> None:
        limit = settings.INTERACTIVE_STATEMENT_TIMEOUT_MS / 1000
        super().__init__(f"{what} took too long (over {limit:g} s) and was stopped; {hint}")


class Superseded(Exception):
    """A newer edit of the same editor replaced this one: its answer is not wanted any more."""


@dataclass(frozen=True)
class Run:
    editor: str
    seq: int

    @property
    def tag(self) -> str:
        return f"{APPLICATION_NAME} {self.editor} {self.seq}"[:63]  # PostgreSQL keeps 63 bytes


_run: ContextVar[Run | None] = ContextVar("interactive_run", default=None)

# KEYS[1] the editor's entry; ARGV: seq, ttl. Newer edits win; returns the entry it replaced, or "newer".
_CLAIM = """
local old = redis.call('GET', KEYS[1])
if old and cjson.decode(old)['seq'] > tonumber(ARGV[1]) then return 'newer' end
if not old or cjson.decode(old)['seq'] < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], cjson.encode({seq = tonumber(ARGV[1])}), 'EX', ARGV[2])
  return old or ''
end
return ''
"""
# ARGV: seq, the new entry (JSON), ttl. Writes the entry only while seq is still the newest edit.
_UPDATE = """
local old = redis.call('GET', KEYS[1])
if old and cjson.decode(old)['seq'] ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
"""


class _LocalRegistry:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: dict[str, dict] = {}

    def claim(self, run: Run) -> dict | None | str:
        with self.lock:
            old = self.entries.get(run.editor)
            if old and old["seq"] > run.seq:
                return "newer"
            if not old or old["seq"] < run.seq:
                self.entries[run.editor] = {"seq": run.seq}
                return old
            return None

    def update(self, run: Run, entry: dict) -> bool:
        with self.lock:
            old = self.entries.get(run.editor)
            if old and old["seq"] != run.seq:
                return False
            self.entries[run.editor] = {"seq": run.seq, **entry}
            return True

    def current(self, run: Run) -> bool:
        old = self.entries.get(run.editor)
        return old is None or old["seq"] == run.seq


class _RedisRegistry:
    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        self.claim_script = self.client.register_script(_CLAIM)
        self.update_script = self.client.register_script(_UPDATE)

    def key(self, run: Run) -> str:
        # The interactive queue's name carries the installation's prefix (several may share a Redis).
        return f"segment-designer:{settings.SEGMENT_QUEUES['interactive']}:estimate:{run.editor}"

    def claim(self, run: Run) -> dict | None | str:
        old = self.claim_script(keys=[self.key(run)], args=[run.seq, REGISTRY_SECONDS]).decode()
        return "newer" if old == "newer" else (json.loads(old) if old else None)

    def update(self, run: Run, entry: dict) -> bool:
        value = json.dumps({"seq": run.seq, **entry})
        return bool(self.update_script(keys=[self.key(run)], args=[run.seq, value, REGISTRY_SECONDS]))

    def current(self, run: Run) -> bool:
        old = self.client.get(self.key(run))
        return old is None or json.loads(old)["seq"] == run.seq


_local = _LocalRegistry()
_redis: dict[str, _RedisRegistry] = {}


def _registry():
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return _local
    if url not in _redis:
        _redis[url] = _RedisRegistry(url)
    return _redis[url]


def reads_connection():
    """The connection the router gives these reads (the read replica, when the caller reads from one)."""
    return connections[router.db_for_read(Contact) or DEFAULT_DB_ALIAS]


def _cancel(entry: dict) -> None:
    """Cancel the statement a superseded edit runs, if its backend still runs that edit."""
    if "pid" not in entry or entry.get("alias") not in connections.databases:
        return
    connection = connections[entry["alias"]]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid = %s AND application_name = %s",
                       [entry["pid"], entry["tag"]])


@contextmanager
def interactive_run(*, editor: str | None, seq: int | None):
    """The statements inside answer edit `seq` of `editor` (a page's token); without either, they only time out.

    Raises Superseded at once when a newer edit of the editor was seen already; cancels the older one's.
    """
    if not editor or seq is None:
        yield
        return
    run = Run(editor, seq)
    old = _registry().claim(run)
    if old == "newer":
        raise Superseded()
    if old:
        _cancel(old)
    token = _run.set(run)
    try:
        yield
    finally:
        _run.reset(token)


def _superseded(run: Run | None) -> bool:
    return run is not None and not _registry().current(run)


def fetch_one(sql: str, params: list) -> tuple:
    """One row of an interactive statement: bounded in time, cancelled when superseded, never JIT-compiled."""
    connection = reads_connection()
    with bounded_statements(using=connection.alias, run=_run.get()), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@contextmanager
def bounded_statements(*, using: str, what: str = "the estimate", hint: str | None = None, run: Run | None = None):
    """The statements inside run under the interactive statement timeout, without JIT: nothing a person waits
    for in a page (an estimate, a search over a large segment's members) may hold the database. Past the limit:
    TooSlow; within edit `run` of an editor, a newer edit cancels them: Superseded.

    JIT only pays for long analytic runs; on a designer's statement over a large FILTER it spent minutes (and
    gigabytes) compiling expressions, so it is off here, per transaction, where its cost is all loss.
    """
    too_slow = TooSlow(what) if hint is None else TooSlow(what, hint)
    connection = connections[using]
    if connection.vendor != "postgresql":
        with _sqlite_bounded(connection, run, too_slow):
            yield
        return
    nested = connection.in_atomic_block
    try:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_backend_pid(), current_setting('statement_timeout'), current_setting('jit'), "
                    "current_setting('application_name'), set_config('statement_timeout', %s, true), "
                    "set_config('jit', 'off', true), set_config('application_name', %s, true)",
                    [str(settings.INTERACTIVE_STATEMENT_TIMEOUT_MS), run.tag if run else APPLICATION_NAME])
                pid, *saved = cursor.fetchone()[:4]
            if run and not _registry().update(run, {"pid": pid, "alias": connection.alias, "tag": run.tag}):
                raise Superseded()
            yield
            if nested:  # set_config(..., true) lasts to the end of the enclosing transaction, not this savepoint
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('statement_timeout', %s, true), set_config('jit', %s, true), "
                                   "set_config('application_name', %s, true)", saved)
    except OperationalError as exc:
        if isinstance(exc.__cause__, QueryCanceled):
            raise (Superseded() if _superseded(run) else too_slow) from None
        raise
    finally:
        if run:
            _registry().update(run, {})  # this backend no longer runs the edit's statement


@contextmanager
def _sqlite_bounded(connection, run: Run | None, too_slow: TooSlow):
    if _superseded(run):
        raise Superseded()
    deadline = time.monotonic() + settings.INTERACTIVE_STATEMENT_TIMEOUT_MS / 1000
    local = _registry() is _local  # a Redis round trip every few thousand instructions would cost too much

    def stop() -> int:
        return int(time.monotonic() > deadline or (local and _superseded(run)))

    connection.ensure_connection()
    connection.connection.set_progress_handler(stop, 10_000)
    try:
        yield
    except OperationalError as exc:
        if "interrupted" in str(exc):
            raise (Superseded() if _superseded(run) else too_slow) from None
        raise
    finally:
        connection.connection.set_progress_handler(None, 0)
