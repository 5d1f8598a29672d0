from django.core.management.base import BaseCommand
from django.db import connection

from segments.management.querycli import as_uuid, compiled


class Command(BaseCommand):
    help = "Print the ContactId of every member of a query (sorted), evaluated as of --at (default: now)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-", metavar="FILE|-")
        parser.add_argument("--at", metavar="ISO-8601-UTC", help="the evaluation time, e.g. 2026-11-01T00:00:00Z")
        parser.add_argument("--count", action="store_true", help="print only the number of members")

    def handle(self, *args, file, at, count, **options):
        sql, params = compiled(file, at)
        with connection.cursor() as cursor:
            if count:
                cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS members", params)
                self.stdout.write(str(cursor.fetchone()[0]))
                return
            cursor.execute(sql, params)
            ids = sorted(str(as_uuid(row[0])) for row in cursor.fetchall())
        if ids:
            self.stdout.write("\n".join(ids))
