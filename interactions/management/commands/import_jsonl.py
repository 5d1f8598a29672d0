"""python manage.py import_jsonl PATH|- [...] [--skip-invalid]"""

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError
from tqdm import tqdm

from interactions.ingest import IngestRejected, ingest
from interactions.jsonlines import read_line

_BOM = b"\xef\xbb\xbf"


class _Sources:
    """Numbers every line of every input once, and maps a number back to 'file:line'."""

    def __init__(self, paths, stdin):
        self.paths = paths
        self.stdin = stdin
        self.starts: list[tuple[int, str]] = []  # (number before the file's first line, file name)
        self.total_bytes = sum(os.path.getsize(p) for p in paths if p != "-")
        self.bytes_read = 0

    def where(self, number: int) -> str:
        start, name = next((s, n) for s, n in reversed(self.starts) if s < number)
        return f"{name}:{number - start}" if len(self.paths) > 1 else f"line {number - start}"

    def objects(self):
        """(line number, object or Unreadable) for every non-blank line; each line is decoded on its own, so one
        bad byte costs its line only."""
        number = 0
        for path in self.paths:
            self.starts.append((number, "<stdin>" if path == "-" else path))
            handle = self._stdin_bytes() if path == "-" else open(path, "rb")  # noqa: SIM115
            try:
                for raw in handle:
                    number += 1
                    self.bytes_read += len(raw)
                    if number - self.starts[-1][0] == 1 and raw.startswith(_BOM):
                        raw = raw[len(_BOM):]
                    if not raw.strip():
                        continue
                    yield number, read_line(raw)
            finally:
                if path != "-":
                    handle.close()

    def _stdin_bytes(self):
        # A text stream without a binary buffer (a test's StringIO) holds decoded text already.
        buffer = getattr(self.stdin, "buffer", None)
        return buffer if buffer is not None else (line.encode("utf-8", "surrogatepass") for line in self.stdin)


class Command(BaseCommand):
    help = "Import contacts, records and interactions from JSON Lines files (see the catalog spec)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a .jsonl file, or - for standard input")
        parser.add_argument("--skip-invalid", action="store_true",
                            help="write the valid lines and list the invalid ones (default: write nothing if any "
                                 "line is invalid)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")

    def handle(self, *args, paths, skip_invalid, no_progress, **options):
        for path in paths:
            if path != "-" and not os.path.isfile(path):
                raise CommandError(f"{path}: no such file", returncode=2)
        sources = _Sources(paths, sys.stdin)
        bar = tqdm(total=sources.total_bytes or None, unit="B", unit_scale=True, desc="import", file=sys.stderr,
                   disable=no_progress or not sys.stderr.isatty())

        def on_error(error):
            message = f"{sources.where(error.position)}: " + (f"{error.field}: " if error.field else "") + error.reason
            # A field name is the input's own text and can hold a lone surrogate, which no terminal can show.
            self.stderr.write(message.encode("utf-8", "backslashreplace").decode("utf-8"))

        def on_progress(number):
            if number % 5000 == 0:
                bar.update(sources.bytes_read - bar.n)

        try:
            result = ingest(sources.objects(), source=",".join("stdin" if p == "-" else p for p in paths),
                            skip_invalid=skip_invalid, on_error=on_error, on_progress=on_progress)
        except IngestRejected as rejected:
            raise CommandError(
                f"{rejected.result.error_count:,} invalid line(s); nothing was written "
                "(--skip-invalid writes the valid lines)",
                returncode=2,
            ) from None
        except (OperationalError, InterfaceError) as lost:
            # The import is one transaction, and InteractionIds already stored count as duplicates: running the
            # same input again is always safe and completes it.
            raise CommandError(f"the database failed during the import ({str(lost).strip()}); the import is one "
                               "transaction: run it again (lines already stored are skipped as duplicates)",
                               returncode=1) from None
        finally:
            bar.update(sources.bytes_read - bar.n)
            bar.close()
        per_type = ", ".join(f"{name} {n:,}" for name, n in sorted(result.inserted.items()) if n)
        self.stdout.write(
            f"Imported {result.inserted_total:,} interactions" + (f" ({per_type})" if per_type else "")
            + f", {result.duplicates:,} duplicates skipped, {result.records:,} contacts and records written"
            + (f"; {result.error_count:,} invalid lines skipped" if result.error_count else "")
            + "."
        )
