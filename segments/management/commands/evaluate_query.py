from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from segments.management.querycli import as_uuid, parse_at, query_error, read_text
from segments.query import QueryError, compile
from segments.services import query_for, segment_sources


class Command(BaseCommand):
    help = "Print the ContactId of every member of a query (sorted), evaluated as of --at (default: now)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-", metavar="FILE|-")
        parser.add_argument("--at", metavar="ISO-8601-UTC", help="the evaluation time, e.g. 2026-11-01T00:00:00Z")
        parser.add_argument("--count", action="store_true", help="print only the number of members")

    def handle(self, *args, file, at, count, **options):
        now = parse_at(at) or timezone.now()
        try:
            sql, params = compile(query_for(read_text(file)), now=now, dialect=connection.vendor,
                                  segments=segment_sources)
        except QueryError as exc:
            raise query_error(exc) from None
        with connection.cursor() as cursor:
            if count:
                cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS members", params)
                self.stdout.write(str(cursor.fetchone()[0]))
                return
            cursor.execute(sql, params)
            ids = sorted(str(as_uuid(row[0])) for row in cursor.fetchall())
        if ids:
            self.stdout.write("\n".join(ids))
