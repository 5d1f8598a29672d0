"""python manage.py segments_share export NAME... [--all] [--with-dependencies] [-o FILE]
python manage.py segments_share import FILE|- [--on-conflict skip|rename|replace] [--dry-run] [--partial]

Bad input (unknown names, an unreadable or malformed file, a failed import) exits with status 2.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from segments.models import Segment
from segments.sharing import CONFLICT_POLICIES, SharingError, export_segments, import_segments


class Command(BaseCommand):
    help = "Export segment definitions to a JSON file, or import such a file (SEGMENT references by name)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = sub.add_parser("export", help="write the named segments' definitions as JSON")
        export.add_argument("names", nargs="*", metavar="NAME")
        export.add_argument("--all", action="store_true", help="export every segment")
        export.add_argument("--with-dependencies", action="store_true",
                            help="also export the segments they use through SEGMENT(...)")
        export.add_argument("-o", "--output", default="-", metavar="FILE", help="default: standard output")
        imp = sub.add_parser("import", help="create the file's segments here, as drafts")
        imp.add_argument("file", metavar="FILE|-")
        imp.add_argument("--on-conflict", choices=CONFLICT_POLICIES, default="skip",
                         help="a name that exists here already: skip it and report it (default), import under a "
                              "new name, or replace the existing definition")
        imp.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
        imp.add_argument("--partial", action="store_true",
                         help="import what can be imported (default: any error imports nothing)")

    def handle(self, *args, action, **options):
        getattr(self, f"do_{action}")(**options)

    def do_export(self, *, names, all, with_dependencies, output, **_):
        if not names and not all:
            raise CommandError("name the segments to export (or --all)", returncode=2)
        segments = list(Segment.objects.all() if all else Segment.objects.filter(name__in=names))
        missing = sorted(set(names) - {s.name for s in segments})
        if missing:
            raise CommandError(f"no segment named {', '.join(repr(n) for n in missing)}", returncode=2)
        text = json.dumps(export_segments(segments=segments, with_dependencies=with_dependencies), indent=2,
                          ensure_ascii=False) + "\n"
        if output == "-":
            self.stdout.write(text, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            raise CommandError(f"{output}: {exc.strerror}", returncode=2) from None
        self.stderr.write(f"Exported {len(segments)} segment(s) to {output}.")

    def do_import(self, *, file, on_conflict, dry_run, partial, **_):
        try:
            if file == "-":
                text = sys.stdin.read()
            else:
                with open(file, encoding="utf-8") as handle:
                    text = handle.read()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}", returncode=2) from None
        except UnicodeDecodeError:
            raise CommandError(f"{file}: not UTF-8 text", returncode=2) from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise CommandError(f"{file}: not valid JSON: {exc}", returncode=2) from None
        try:
            report = import_segments(data=data, on_conflict=on_conflict, dry_run=dry_run, partial=partial)
        except SharingError as exc:
            raise CommandError(f"{file}: {exc}", returncode=2) from None
        lines = report.summary()
        if lines:
            self.stdout.write("\n".join(lines))
        if not report.ok:
            raise CommandError(report.outcome(), returncode=2)
