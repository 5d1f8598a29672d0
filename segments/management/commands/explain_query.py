from django.core.management.base import BaseCommand
from django.db import connection

from segments.management.querycli import compiled


class Command(BaseCommand):
    help = "Print the SQL a query compiles to, its parameters, and on PostgreSQL the EXPLAIN plan."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-", metavar="FILE|-")
        parser.add_argument("--at", metavar="ISO-8601-UTC", help="the evaluation time (default: now)")
        parser.add_argument("--analyze", action="store_true", help="run the query: EXPLAIN (ANALYZE, BUFFERS)")

    def handle(self, *args, file, at, analyze, **options):
        sql, params = compiled(file, at)
        self.stdout.write(sql)
        self.stdout.write("-- parameters:")
        for number, value in enumerate(params, 1):
            self.stdout.write(f"--   {number}: {value!r}")
        if connection.vendor == "postgresql":
            self.stdout.write("-- plan:")
            with connection.cursor() as cursor:
                cursor.execute(("EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN ") + sql, params)
                self.stdout.write("\n".join(row[0] for row in cursor.fetchall()))
