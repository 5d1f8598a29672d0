"""python manage.py explain_contact QUERY_FILE|- CONTACT [--at ISO]: is the contact in or out, and why."""

from django.core.management.base import BaseCommand, CommandError

from interactions.catalog import parse_guid
from interactions.models import Contact
from segments.explain import explain_contact
from segments.management.querycli import parse_at, query_error, read_text
from segments.query import QueryError
from segments.services import query_for


def _contact(text: str) -> Contact:
    guid = parse_guid(text.strip())
    found = (Contact.objects.filter(pk=guid) if guid is not None
             else Contact.objects.filter(emailaddress1__iexact=text.strip()))
    contacts = list(found[:2])
    if not contacts:
        raise CommandError(f"CONTACT: no contact has the {'ContactId' if guid else 'email'} '{text}'", returncode=2)
    if len(contacts) > 1:
        raise CommandError(f"CONTACT: several contacts have the email '{text}': give a ContactId", returncode=2)
    return contacts[0]


class Command(BaseCommand):
    help = ("Say whether a contact is in or out of a query (first line: 'in' or 'out'), then why: the aggregate "
            "against its threshold and each interaction with pass/fail per restriction. The same reading as the "
            "designer's Explain panel.")

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="QUERY_FILE|-")
        parser.add_argument("contact", metavar="CONTACT", help="a ContactId or an email address")
        parser.add_argument("--at", metavar="ISO-8601-UTC", help="the evaluation time, e.g. 2026-11-01T00:00:00Z")

    def handle(self, *args, file, contact, at, **options):
        moment = parse_at(at)
        try:
            node = query_for(read_text(file))
        except QueryError as exc:
            raise query_error(exc) from None
        x = explain_contact(node=node, contact=_contact(contact), at=moment)
        lines = ["in" if x.member else "out", f"contact: {x.contact} ({x.contact.pk})", f"as of: {x.at.isoformat()}"]
        lines += _reasons(x)
        for operand in x.operands:
            indent = "  " * operand.depth
            lines.append(f"{indent}{'in' if operand.member else 'out'}: {operand.text}")
            lines += [indent + line for line in _reasons(operand)]
        self.stdout.write("\n".join(lines))


def _reasons(x) -> list[str]:
    """Why one query or operand decides as it does: its interactions, or its profile clauses with the values."""
    lines = []
    if x.kind == "compound":
        lines.append(f"a compound ({x.op}): each operand's verdict follows")
    elif x.kind == "profile":
        if x.account is not None:
            lines.append(f"account: {x.account}")
        for check in x.checks:
            values = ", ".join(f"{name}: {value}" for name, value in check["values"])
            verdict = "pass" if check["passes"] else "fail"
            lines.append(f"{'  ' * check['depth']}{check['on']} {check['text']}: {verdict}"
                         + (f" ({values})" if values else ""))
    elif x.behavioral:
        since = f" since {x.start.isoformat()}" if x.start else ""
        lines.append(f"{x.total} {x.type.name} interaction(s){since}; {x.matching} pass the restrictions")
        value = "no value" if x.value is None else x.value
        shown = "COUNT()" if x.aggregate == "COUNT" else f"{x.aggregate}({x.field})"
        lines.append(f"{shown} = {value}, needs {x.threshold}")
        for item in x.rows:
            verdict = "pass" if item["passes"] else "fail"
            reasons = "; ".join(f"{text}: {'pass' if ok else 'fail'}" for text, ok in item["restrictions"])
            lines.append(f"  {verdict}  {item['row']['timestamp'].isoformat()}"
                         f"  {item['row']['interaction_id']}{'  ' + reasons if reasons else ''}")
    return lines
