"""What the designer shows while a query is edited, all asked of the compiler: how many contacts the query
selects (and, for a live segment, how that differs from its members), how many pass each restriction, and
why one contact is in or out. Nothing here reads the query's meaning itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from interactions.catalog import (
    IN,
    FieldKind,
    InteractionType,
    interaction_type,
    operator_label,
    parse_guid,
    parse_instant,
)
from interactions.models import RECORD_MODELS, Contact

from .interactive import Superseded, TooSlow
from .interactive import fetch_one as _fetch_one
from .interactive import reads_connection as _connection
from .query import Behavioral, Clause, Group, Having, Window, unparse
from .query.compiler import (
    compile_aggregate,
    compile_contains,
    compile_count,
    compile_difference,
    compile_interactions,
    window_start,
)
from .query.nodes import clauses, is_one_of
from .query.printer import value_text
from .query.validator import restrictions
from .sampling import Figure, scaled
from .services import segment_sources

__all__ = ["Superseded", "TooSlow", "clause_counts", "estimate_size", "explain_contact"]


def _population() -> int:
    """How many contacts there are, counted at most every ESTIMATE_POPULATION_SECONDS per database: counting a
    million contacts costs more than a sampled estimate, and the figure moves slowly."""
    alias = _connection().alias
    key = f"segment-designer:population:{alias}"
    population = cache.get(key)
    if population is None:
        population = Contact.objects.using(alias).count()
        cache.set(key, population, settings.ESTIMATE_POPULATION_SECONDS)
    return population


def _sampling(exact: bool | None) -> int | None:
    """The population to scale sampled counts to, or None to count exactly: asked for (`exact=True`), or the
    population is below ESTIMATE_EXACT_BELOW, where counting everyone is cheap."""
    if exact:
        return None
    population = _population()
    return population if exact is False or population >= settings.ESTIMATE_EXACT_BELOW else None


def estimate_size(*, node, segment=None, exact: bool | None = None) -> dict:
    """How many contacts the query selects now; for a live, evaluated segment also who would enter and exit.

    Each is a `Figure`: exact, or scaled from the sample with its interval (see `_sampling` for which).
    """
    now = timezone.now()
    population = _sampling(exact)
    sample = population is not None
    result = {"count": None, "added": None, "removed": None, "exact": not sample}
    dialect = _connection().vendor
    if segment is not None and segment.is_live and segment.evaluated_version is not None:
        sql, params = compile_difference(node, segment_id=segment.pk, now=now, dialect=dialect,
                                         segments=segment_sources, sample=sample)
        row = _fetch_one(sql, params)
        figures = [scaled(hits=n, sample=row[3], population=population) if sample else Figure(n) for n in row[:3]]
        result["count"], result["added"], result["removed"] = figures
    else:
        sql, params = compile_count(node, now=now, dialect=dialect, segments=segment_sources, sample=sample)
        row = _fetch_one(sql, params)
        result["count"] = scaled(hits=row[0], sample=row[1], population=population) if sample else Figure(row[0])
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


def clause_counts(*, node, limit: int = 12, at: datetime | None = None, exact: bool | None = None) -> list[dict]:
    """Per restriction: how many contacts have at least one interaction of the type (in the window) passing it,
    with the restriction as the Query view writes it ("text") and as a sentence ("sentence"). Counted over the
    sample, as `estimate_size` decides."""
    if not isinstance(node, Behavioral) or node.filter is None:
        return []
    now = at or timezone.now()
    itype = interaction_type(node.type)
    items = restrictions(node.filter)[:limit]
    names = record_names(items, itype)
    population = _sampling(exact)
    counts = []
    for item in items:
        probe = Behavioral(node.type, Group("AND", (item,)), Having("COUNT", None, ">=", 1, node.having.window))
        sql, params = compile_count(probe, now=now, dialect=_connection().vendor, sample=population is not None)
        row = _fetch_one(sql, params)
        count = Figure(row[0]) if population is None else scaled(hits=row[0], sample=row[1], population=population)
        counts.append({"text": restriction_text(item), "sentence": restriction_sentence(item, itype, names),
                       "count": count})
    return counts


@dataclass
class Explanation:
    """Why a contact is in or out of a query as of `at`.

    For an INTERACTION block also: its interactions of the type in the window (newest first, at most
    `limit`), whether each passes FILTER and each restriction, and the aggregate against the threshold.
    """

    contact: object
    member: bool
    at: datetime
    behavioral: bool = False
    type: InteractionType | None = None
    window: Window | None = None
    start: datetime | None = None
    total: int = 0
    matching: int = 0
    aggregate: str = ""
    field: str | None = None
    value: int | Decimal | float | None = None
    threshold: str = ""
    restrictions: list[str] = dc_field(default_factory=list)
    sentences: list[str] = dc_field(default_factory=list)  # the restrictions in words (restriction_sentence)
    rows: list[dict] = dc_field(default_factory=list)

    @property
    def field_display_name(self) -> str:
        fld = self.type.field(self.field) if self.type and self.field else None
        return fld.display_name if fld else (self.field or "")


def _read(kind: FieldKind, value):
    """A column's value as PostgreSQL returns it (SQLite returns GUIDs, instants and booleans as it stores them)."""
    if value is None:
        return None
    if kind is FieldKind.GUID and isinstance(value, str):
        return parse_guid(value)
    if kind is FieldKind.DATETIME and isinstance(value, str):
        return parse_instant(value)
    if kind is FieldKind.DATETIME and value.tzinfo is None:  # SQLite stores UTC without the zone
        return value.replace(tzinfo=UTC)
    if kind is FieldKind.BOOLEAN:
        return bool(value)
    return value


def explain_contact(*, node, contact, at: datetime | None = None, limit: int = 25) -> Explanation:
    """Why `contact` is in or out: the compiled query asked about this one contact, then its reasons."""
    now = at or timezone.now()
    dialect = _connection().vendor
    sql, params = compile_contains(node, contact_id=contact.pk, now=now, dialect=dialect, segments=segment_sources)
    member = bool(_fetch_one(sql, params)[0])
    if not isinstance(node, Behavioral):
        return Explanation(contact=contact, member=member, at=now)
    itype = interaction_type(node.type)
    having = node.having
    total, matching, value = _fetch_one(*compile_aggregate(node, contact_id=contact.pk, now=now, dialect=dialect))
    if having.aggregate == "COUNT":
        value = matching
    elif isinstance(value, Decimal):
        value = value.normalize()
    items = restrictions(node.filter) if node.filter else []
    texts = [restriction_text(item) for item in items]
    names = record_names(items, itype)
    sentences = [restriction_sentence(item, itype, names) for item in items]
    sql, params = compile_interactions(node, contact_id=contact.pk, now=now, dialect=dialect, limit=limit)
    with _connection().cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    fields = itype.all_fields
    rows = []
    for values in found:
        row = {f.column: _read(f.kind, v) for f, v in zip(fields, values[:len(fields)], strict=True)}
        verdicts = [bool(v) for v in values[len(fields):]]
        rows.append({"row": row, "passes": verdicts[0],
                     "restrictions": list(zip(texts, verdicts[1:], strict=True))})
    return Explanation(
        contact=contact, member=member, at=now, behavioral=True, type=itype, window=having.window,
        start=window_start(having.window, now) if having.window else None,
        total=total, matching=matching or 0, aggregate=having.aggregate, field=having.field, value=value,
        threshold=f"{having.op} {having.value}", restrictions=texts, sentences=sentences, rows=rows)
