"""Reading what the store and the engine hold: contacts and records by what a person types, segment members.

Members come in one order everywhere (the membership's own index order: segment, then ContactId), so pages,
cursors and exports agree and no listing sorts a large segment.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import Q, QuerySet

from interactions.catalog import parse_guid, record_type
from interactions.models import RECORD_MODELS, Contact

from .models import Membership

LOOKUP_LIMIT = 10


def search_records(*, record_name: str, text: str, limit: int = LOOKUP_LIMIT) -> list:
    """Records of a type whose name contains `text` (case-insensitive), by name; the one record when `text` is
    its GUID (with or without braces)."""
    record = record_type(record_name)
    if record is None:
        return []
    if "\x00" in text:
        return []  # no stored text holds a NUL (and PostgreSQL refuses it as a parameter)
    found = RECORD_MODELS[record.name].objects.all()
    guid = parse_guid(text.strip())
    if guid is not None:
        return list(found.filter(pk=guid))
    if text.strip():
        found = found.filter(name__icontains=text.strip())
    return list(found.order_by("name")[:limit])


def find_contacts(text: str, *, limit: int = LOOKUP_LIMIT) -> list[Contact]:
    """The contacts a person means by `text`: the one with that ContactId or that exact email, else those whose
    name or email contains it, by name (at most `limit`). Several matches are for the person to choose from."""
    text = text.strip()
    if not text or "\x00" in text:
        return []  # no stored text holds a NUL (and PostgreSQL refuses it as a parameter)
    guid = parse_guid(text)
    if guid is not None:
        return list(Contact.objects.filter(pk=guid))
    exact = list(Contact.objects.filter(emailaddress1__iexact=text)[:2])
    if len(exact) == 1:
        return exact
    return list(Contact.objects.filter(Q(fullname__icontains=text) | Q(emailaddress1__icontains=text))
                .order_by("fullname", "contact_id")[:limit])


def members_of(*, segments: Iterable, search: str = "") -> QuerySet[Membership]:
    """The members of the segments, in membership order; `search` keeps those whose name or email contains it.

    The database is chosen now, by the router (the read replica for a request's reads), not when a streamed
    export is read after the request's routing has ended.
    """
    members = (Membership.objects.using(router.db_for_read(Membership) or DEFAULT_DB_ALIAS)
               .filter(segment__in=list(segments)).order_by("segment_id", "contact_id"))
    if "\x00" in search:
        return members.none()  # no stored text holds a NUL (and PostgreSQL refuses it as a parameter)
    if search.strip():
        members = members.filter(Q(contact__fullname__icontains=search.strip())
                                 | Q(contact__emailaddress1__icontains=search.strip()))
    return members


# A cell that begins with one of these is a formula to a spreadsheet (OWASP "CSV injection"); a leading quote
# makes it text, shown as written.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> object:
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value


class _Line:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """A header and rows as CSV text, a line at a time, for streaming without holding the file.

    Text cells that a spreadsheet would run as a formula are written with a leading quote.
    """
    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])
