"""COPY from a second thread: the server stores one batch while the caller prepares the next."""

from __future__ import annotations

import queue
import threading


class CopyThread:
    """Sends queued COPY batches to PostgreSQL from a thread of its own; a short queue keeps memory constant.

    A batch is `(sql, payload)`: COPY text (a str, already in COPY's text format) or a list of rows that psycopg
    adapts. The psycopg connection serializes its users: a statement the caller runs meanwhile waits for the COPY.
    """

    def __init__(self, raw_connection, *, name: str, depth: int = 2):
        self.connection = raw_connection
        self.queue: queue.Queue = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def _run(self):
        with self.connection.cursor() as cursor:
            while (item := self.queue.get()) is not None:
                if self.error is not None:
                    continue  # drain, so that the producer never blocks
                sql, payload = item
                try:
                    with cursor.copy(sql) as copy:
                        if isinstance(payload, str):
                            copy.write(payload)
                        else:
                            for row in payload:
                                copy.write_row(row)
                except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                    self.error = exc

    def put(self, sql: str, payload: str | list):
        if self.error is not None:
            self.close()
        self.queue.put((sql, payload))

    def close(self, raising: bool = True):
        """Wait until everything queued is written; raise what went wrong, if anything."""
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        if raising and self.error is not None:
            raise self.error
