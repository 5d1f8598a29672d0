"""What the designer shows while a query is edited, all asked of the compiler: how many contacts the query
selects (and, for a live segment, how that differs from its members) and how many pass each restriction
(why one contact is in or out is segments.explain). Nothing here reads the query's meaning itself.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, router, transaction
from django.utils import timezone
from psycopg.errors import QueryCanceled

from interactions.catalog import (
    IN,
    FieldKind,
    InteractionType,
    interaction_type,
    operator_label,
    parse_guid,
)
from interactions.models import RECORD_MODELS, Contact

from .query import Behavioral, Clause, Group, Having, unparse
from .query.compiler import (
    compile_count,
    compile_difference,
)
from .query.nodes import clauses, is_one_of
from .query.printer import value_text
from .query.validator import restrictions
from .services import segment_sources


def _connection():
    """The connection the router gives these reads (the read replica, when the caller reads from one)."""
    return connections[router.db_for_read(Contact) or DEFAULT_DB_ALIAS]


class TooSlow(Exception):
    """An interactive statement ran past INTERACTIVE_STATEMENT_TIMEOUT_MS and was cancelled."""

    def __init__(self, what: str = "the estimate") -> None:
        limit = settings.INTERACTIVE_STATEMENT_TIMEOUT_MS / 1000
        super().__init__(f"{what} took too long (over {limit:g} s) and was stopped; narrow the query "
                         "(a shorter window, fewer alternatives) or save it and let a worker evaluate it")


def _fetch_one(sql: str, params: list) -> tuple:
    """One row of an interactive statement: bounded in time, and never JIT-compiled on PostgreSQL.

    JIT only pays for long analytic runs; on a designer's statement over a large FILTER it spent minutes
    (and gigabytes) compiling expressions, so it is off here, per transaction, where its cost is all loss.
    """
    connection = _connection()
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, true), set_config('jit', 'off', true)",
                           [str(settings.INTERACTIVE_STATEMENT_TIMEOUT_MS)])
            cursor.execute(sql, params)
            return cursor.fetchone()
    except OperationalError as exc:
        if isinstance(exc.__cause__, QueryCanceled):
            raise TooSlow() from None
        raise


def estimate_size(*, node, segment=None) -> dict:
    """How many contacts the query selects now; for a live, evaluated segment also who would enter and exit."""
    now = timezone.now()
    result = {"count": None, "added": None, "removed": None}
    if segment is not None and segment.is_live and segment.evaluated_version is not None:
        sql, params = compile_difference(node, segment_id=segment.pk, now=now, dialect=_connection().vendor,
                                         segments=segment_sources)
        result["count"], result["added"], result["removed"] = _fetch_one(sql, params)
    else:
        sql, params = compile_count(node, now=now, dialect=_connection().vendor, segments=segment_sources)
        result["count"] = _fetch_one(sql, params)[0]
    return result


def restriction_text(item: Clause | Group) -> str:
    """A restriction as the Query view writes it, e.g. `City == 'Paris'` or `(City == 'a' || City == 'b')`."""
    text = unparse(Behavioral("X", Group("AND", (item,)), Having("COUNT", None, ">=", 1, None)))
    return text[text.index(".FILTER(") + 8:text.index(").HAVING")]


def record_names(items, itype: InteractionType) -> dict[str, str]:
    """The names of the records the ID values of `items` point to, by GUID text; one query per record type."""
    wanted: dict[str, set] = {}
    for item in items:
        for clause in ([item] if isinstance(item, Clause) else clauses(item)):
            fld = itype.field(clause.field)
            if fld is not None and fld.record is not None:
                wanted.setdefault(fld.record.name, set()).update(
                    g for g in (parse_guid(v) for v in clause.values if isinstance(v, str)) if g)
    names: dict[str, str] = {}
    for record_name, ids in wanted.items():
        for pk, name in RECORD_MODELS[record_name].objects.filter(pk__in=ids).values_list("pk", "name"):
            names[str(pk)] = name
    return names


def _value_words(fld, value, names: dict[str, str]) -> str:
    if fld.kind is FieldKind.GUID and isinstance(value, str):
        guid = parse_guid(value)
        return f"'{names[str(guid)]}'" if guid and str(guid) in names else value
    if isinstance(value, bool):
        return "True" if value else "False"
    return f"'{value}'" if isinstance(value, str) else value_text(value)


def restriction_sentence(item: Clause | Group, itype: InteractionType, names: dict[str, str]) -> str:
    """A restriction as a marketer reads it: "Customer journey equals 'Spring launch'", with display names and
    the record names of ID values (the Query view keeps field names and GUIDs)."""
    if isinstance(item, Group):
        if is_one_of(item):
            first = item.items[0]
            item = Clause(first.field, "==", tuple(v for c in item.items for v in c.values))
        else:
            joined = f" {item.op.lower()} ".join(
                restriction_sentence(i, itype, names) if isinstance(i, Clause) or i.negated or is_one_of(i)
                else f"({restriction_sentence(i, itype, names)})" for i in item.items)
            return f"not ({joined})" if item.negated else joined
    fld = itype.field(item.field)
    if fld is None:  # not validated: say it as the Query view does
        return restriction_text(item)
    op = IN if len(item.values) > 1 else item.op
    words = [fld.display_name, operator_label(fld.kind, op)]
    if item.values:
        words.append(", ".join(_value_words(fld, v, names) for v in item.values))
    return " ".join(words)


def clause_counts(*, node, limit: int = 12, at: datetime | None = None) -> list[dict]:
    """Per restriction: how many contacts have at least one interaction of the type (in the window) passing it,
    with the restriction as the Query view writes it ("text") and as a sentence ("sentence")."""
    if not isinstance(node, Behavioral) or node.filter is None:
        return []
    now = at or timezone.now()
    itype = interaction_type(node.type)
    items = restrictions(node.filter)[:limit]
    names = record_names(items, itype)
    counts = []
    for item in items:
        probe = Behavioral(node.type, Group("AND", (item,)), Having("COUNT", None, ">=", 1, node.having.window))
        sql, params = compile_count(probe, now=now, dialect=_connection().vendor)
        counts.append({"text": restriction_text(item), "sentence": restriction_sentence(item, itype, names),
                       "count": _fetch_one(sql, params)[0]})
    return counts
