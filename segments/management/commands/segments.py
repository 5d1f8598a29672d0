"""python manage.py segments create|list|show|evaluate|golive|stop|members|delete ..."""


from django.core.management.base import BaseCommand, CommandError

from segments import services
from segments.evaluation import segment_evaluate
from segments.management.querycli import parse_at, query_error, read_text
from segments.models import Segment
from segments.query import QueryError, parse, unparse
from segments.selectors import csv_lines, members_of


class Command(BaseCommand):
    help = "Create, list, show, evaluate, take live, stop segments and list their members."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = sub.add_parser("create", help="create a draft from query text (FILE, or standard input)")
        create.add_argument("name")
        create.add_argument("file", nargs="?", default="-", metavar="FILE|-")
        create.add_argument("--description", default="")
        sub.add_parser("list", help="all segments with state, members and freshness")
        for action, text in (("show", "a segment's definition and status"), ("golive", "take a segment live"),
                             ("stop", "stop a live segment"), ("delete", "delete a segment")):
            sub.add_parser(action, help=text).add_argument("name")
        evaluate = sub.add_parser("evaluate", help="evaluate now (or as of --at) and materialize the members")
        evaluate.add_argument("name")
        evaluate.add_argument("--at", metavar="ISO-8601-UTC")
        members = sub.add_parser("members", help="one ContactId a line, sorted; or CSV with name and email")
        members.add_argument("name")
        members.add_argument("--csv", action="store_true")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except QueryError as exc:
            raise query_error(exc) from None
        except services.SegmentError as exc:
            raise CommandError(str(exc), returncode=2) from None

    def segment(self, name) -> Segment:
        segment = Segment.objects.filter(name=name).first()
        if segment is None:
            raise CommandError(f"no segment named '{name}'", returncode=2)
        return segment

    def do_create(self, *, name, file, description, **_):
        segment = services.segment_create(name=name, query_text=read_text(file), description=description)
        self.stdout.write(f"Created {segment.kind} segment '{segment.name}' (draft).")

    def do_list(self, **_):
        rows = [("NAME", "KIND", "STATE", "MEMBERS", "EVALUATED", "STATUS")]
        for s in Segment.objects.all():
            rows.append((s.name, s.kind, s.state, "-" if s.member_count is None else f"{s.member_count:,}",
                         s.last_evaluated_at.strftime("%Y-%m-%d %H:%M") if s.last_evaluated_at else "never",
                         s.get_status_display()))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())

    def do_show(self, *, name, **_):
        s = self.segment(name)
        lines = [
            f"name:        {s.name}", f"kind:        {s.kind}", f"state:       {s.state}",
            f"version:     {s.version}", f"status:      {s.get_status_display()}",
            f"members:     {'-' if s.member_count is None else f'{s.member_count:,}'}",
            f"evaluated:   {s.last_evaluated_at.isoformat() if s.last_evaluated_at else 'never'}",
            f"next:        {s.next_evaluation_at.isoformat() if s.next_evaluation_at else '-'}",
        ]
        if s.last_error:
            lines.append(f"last error:  {s.last_error}")
        if s.description:
            lines.append(f"description: {s.description}")
        lines.append("query:")
        lines.append(unparse(parse(s.query), wrap=True))
        self.stdout.write("\n".join(lines))

    def do_evaluate(self, *, name, at, **_):
        run = segment_evaluate(segment_id=self.segment(name).pk, at=parse_at(at),
                               reason="evaluated from the command line")
        if run.status != run.Status.SUCCEEDED:
            raise CommandError(f"evaluation {run.status}: {run.error}", returncode=2)
        self.stdout.write(f"'{name}': {run.members:,} members (+{run.added:,} / -{run.removed:,}) "
                          f"as of {run.evaluated_at.isoformat()}, in {run.duration_ms} ms.")

    def do_golive(self, *, name, **_):
        segment = services.segment_go_live(segment=self.segment(name))
        self.stdout.write(f"'{segment.name}' is live.")

    def do_stop(self, *, name, **_):
        services.segment_stop(segment=self.segment(name))
        self.stdout.write(f"'{name}' is stopped.")

    def do_delete(self, *, name, **_):
        services.segment_delete(segment=self.segment(name))
        self.stdout.write(f"'{name}' is deleted.")

    def do_members(self, *, name, csv: bool, **_):
        members = members_of(segments=[self.segment(name)]).values_list(
            "contact_id", "contact__fullname", "contact__emailaddress1")
        if csv:
            rows = ((str(contact_id), fullname, email)
                    for contact_id, fullname, email in members.iterator(chunk_size=5000))
            for line in csv_lines(["ContactId", "FullName", "Email"], rows):
                self.stdout.write(line, ending="")
        else:
            for contact_id, _, _ in members.iterator(chunk_size=5000):
                self.stdout.write(str(contact_id))
