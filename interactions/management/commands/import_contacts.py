"""python manage.py import_contacts FILE.csv [--entity contact|account] [--skip-invalid] [--max-errors N]"""

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from interactions.csv_import import CsvUnreadable, import_csv
from interactions.ingest import IngestRejected


class Command(BaseCommand):
    help = ("Import contacts (or accounts) from a CSV exported from a CRM: the header names attributes by logical or "
            "display name; row numbers count the header as row 1.")

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE.csv")
        parser.add_argument("--entity", choices=("contact", "account"), default=None,
                            help="what the rows are (default: accounts when the header has an AccountId column and "
                                 "no ContactId, else contacts)")
        parser.add_argument("--skip-invalid", action="store_true",
                            help="write the valid rows and list the invalid ones (default: write nothing if any "
                                 "row is invalid)")
        parser.add_argument("--max-errors", type=int, default=100, metavar="N",
                            help="list at most N invalid rows (default 100); all are counted")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")

    def handle(self, *args, path, entity, skip_invalid, max_errors, no_progress, **options):
        if not os.path.isfile(path):
            raise CommandError(f"{path}: no such file", returncode=2)
        bar = tqdm(total=os.path.getsize(path) or None, unit="B", unit_scale=True, desc="import", file=sys.stderr,
                   disable=no_progress or not sys.stderr.isatty())
        shown = 0

        def on_error(error):
            nonlocal shown
            shown += 1
            if shown <= max_errors:
                where = f"row {error.position}: " + (f"{error.field}: " if error.field else "")
                self.stderr.write((where + error.reason).encode("utf-8", "backslashreplace").decode("utf-8"))

        def on_progress(bytes_read):
            if bytes_read - bar.n >= 1 << 20:
                bar.update(bytes_read - bar.n)

        try:
            with open(path, "rb") as handle:
                result = import_csv(handle, entity=entity, skip_invalid=skip_invalid, source=path,
                                    on_error=on_error, on_progress=on_progress)
        except CsvUnreadable as unreadable:
            raise CommandError(f"{path}: {unreadable} (nothing was written)", returncode=2) from None
        except IngestRejected as rejected:
            raise CommandError(
                f"{rejected.result.error_count:,} invalid row(s){self._more(shown, max_errors)}; nothing was written "
                "(--skip-invalid writes the valid rows)", returncode=2) from None
        finally:
            bar.update(bar.total - bar.n if bar.total else 0)
            bar.close()
        outcome = result.ingest
        self.stdout.write(
            f"Imported {outcome.records:,} {result.entity}s"
            + (f"; {outcome.error_count:,} invalid rows skipped{self._more(shown, max_errors)}"
               if outcome.error_count else "")
            + (f"; ignored the column(s) {', '.join(result.ignored)}" if result.ignored else "")
            + ".")

    @staticmethod
    def _more(shown: int, max_errors: int) -> str:
        return f" (the first {max_errors:,} are listed)" if shown > max_errors else ""
