from django.core.management.base import BaseCommand

from segments.management.querycli import query_error, read_text
from segments.query import QueryError, unparse
from segments.services import query_for


class Command(BaseCommand):
    help = "Print the canonical text of a segment query (from FILE, or standard input)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-", metavar="FILE|-")
        parser.add_argument("--wrap", action="store_true", help="one .FILTER / .HAVING per line")

    def handle(self, *args, file, wrap, **options):
        try:
            node = query_for(read_text(file))
        except QueryError as exc:
            raise query_error(exc) from None
        self.stdout.write(unparse(node, wrap=wrap))
