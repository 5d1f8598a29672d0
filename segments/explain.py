"""Why one contact is in or out of a query, all asked of the compiler: the compiled query about this one contact,
then its reasons: for an INTERACTION block its interactions and each restriction's verdict; for a PROFILE block
each FILTER, clause and clause group passing or failing, with the contact's (or its account's) actual values;
for a compound each operand's verdict, and so on down.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import UTC, date, datetime
from decimal import Decimal

from django.utils import timezone

from interactions.catalog import (
    IN,
    Attribute,
    FieldKind,
    InteractionType,
    interaction_type,
    operator_label,
    parse_guid,
    parse_instant,
)

from .estimates import record_names, restriction_sentence, restriction_text
from .interactive import fetch_one as _fetch_one
from .interactive import reads_connection as _connection
from .query import Behavioral, Clause, Group, SetOp, Window, unparse
from .query.compiler import compile_aggregate, compile_contains, compile_interactions, window_start
from .query.nodes import Profile, SegmentRef, is_one_of
from .query.printer import condition_text, value_text
from .query.profile_explain import Check, compile_profile_verdicts, profile_checks
from .query.validator import attribute_of, restrictions
from .services import segment_sources


@dataclass
class Explanation:
    """Why a contact is in or out of a query (or of one operand of a compound) as of `at`.

    `kind` is "behavioral", "profile", "segment" or "compound". For an INTERACTION block also: its interactions
    of the type in the window (newest first, at most `limit`), whether each passes FILTER and each restriction,
    and the aggregate against the threshold. For a PROFILE block: `checks`, one per FILTER, clause and clause
    group (see `profile_checks`), each with its verdict and the values it read. For a compound: `operands`,
    every operand below it in text order, each an Explanation of its own with its `depth` (1 for the top's).
    """

    contact: object
    member: bool
    at: datetime
    kind: str = "compound"
    text: str = ""  # the query (operand) as the Query view writes it
    depth: int = 0
    op: str = ""  # a compound's UNION, INTERSECT or EXCEPT
    operands: list[Explanation] = dc_field(default_factory=list)
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
    checks: list[dict] = dc_field(default_factory=list)
    account: str | None = None  # the name of the contact's account, when a profile block reads accounts

    @property
    def parts(self) -> list[Explanation]:
        """This explanation and every operand's, in text order: what a page or the command lists."""
        return [self, *self.operands]

    @property
    def behavioral(self) -> bool:
        return self.kind == "behavioral"

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
    return _explain(node, contact, now, limit, depth=0)


def _explain(node, contact, now: datetime, limit: int, depth: int) -> Explanation:
    sql, params = compile_contains(node, contact_id=contact.pk, now=now, dialect=_connection().vendor,
                                   segments=segment_sources)
    x = Explanation(contact=contact, member=bool(_fetch_one(sql, params)[0]), at=now, text=unparse(node),
                    depth=depth)
    if isinstance(node, Behavioral):
        _behavioral(x, node, limit)
    elif isinstance(node, Profile):
        _profile(x, node)
    elif isinstance(node, SegmentRef):
        x.kind = "segment"
    else:
        x.op = node.op
        for operand in _operands(node, node.op):
            child = _explain(operand, contact, now, limit, depth + 1)
            x.operands += [child, *child.operands]
            child.operands = []
    return x


def _operands(node: SetOp, op: str) -> list:
    """A chain of one operator (`a UNION b UNION c`) as its operands; another operator is one operand."""
    left = _operands(node.left, op) if isinstance(node.left, SetOp) and node.left.op == op else [node.left]
    return [*left, node.right]


def _behavioral(x: Explanation, node: Behavioral, limit: int) -> None:
    contact, now, dialect = x.contact, x.at, _connection().vendor
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
    sql, params = compile_interactions(node, contact_id=contact.pk, now=now, dialect=dialect, limit=limit)
    with _connection().cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    fields = itype.all_fields
    for values in found:
        row = {f.column: _read(f.kind, v) for f, v in zip(fields, values[:len(fields)], strict=True)}
        verdicts = [bool(v) for v in values[len(fields):]]
        x.rows.append({"row": row, "passes": verdicts[0],
                       "restrictions": list(zip(texts, verdicts[1:], strict=True))})
    x.kind, x.type, x.window = "behavioral", itype, having.window
    x.start = window_start(having.window, now) if having.window else None
    x.total, x.matching, x.aggregate, x.field, x.value = total, matching or 0, having.aggregate, having.field, value
    x.threshold = f"{having.op} {having.value}"
    x.restrictions, x.sentences = texts, [restriction_sentence(item, itype, names) for item in items]


def _profile(x: Explanation, node: Profile) -> None:
    x.kind = "profile"
    checks = profile_checks(node)
    sql, params = compile_profile_verdicts(node, contact_id=x.contact.pk, now=x.at, dialect=_connection().vendor)
    with _connection().cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:  # the contact was deleted meanwhile: nothing to judge
        return
    x.account, columns = row[0], iter(row[1:])
    reads_accounts = False
    for check in checks:
        passes = bool(next(columns))
        shown = [(a.display_name, _shown(a, next(columns))) for a in check.attributes]
        reads_accounts |= check.entity.name == "account"
        x.checks.append({"depth": check.depth, "on": check.entity.name, "passes": passes, "values": shown,
                         "filter": check.depth == 0, "text": _check_text(check),
                         "sentence": _check_sentence(check)})
    x.account = (x.account or "") if reads_accounts else None  # "": it reads accounts, and the contact has none


def _check_text(check: Check) -> str:
    item = check.item
    if check.depth == 0:
        return f"FILTER({condition_text(item)})"
    return condition_text(Group("AND", (item,)))


def _check_sentence(check: Check) -> str:
    """A clause as a marketer reads it ("City equals 'Oslo'"); a FILTER or group as the Query view writes it."""
    item = check.item
    if isinstance(item, Group) and is_one_of(item):
        first = item.items[0]
        item = Clause(first.field, IN, tuple(v for c in item.items for v in c.values))
    attribute = attribute_of(item.field, check.entity.name) if isinstance(item, Clause) else None
    if attribute is None or check.depth == 0:
        return _check_text(check)
    words = [attribute.display_name, operator_label(attribute.kind, IN if len(item.values) > 1 else item.op)]
    if item.values:
        words.append(", ".join(_literal(attribute, v) for v in item.values))
    return " ".join(words)


def _literal(attribute: Attribute, value) -> str:
    if attribute.kind is FieldKind.CHOICE:
        number = attribute.choice(value)
        return attribute.label(number) if number is not None else value_text(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return f"'{value}'" if isinstance(value, str) else value_text(value)


def _shown(attribute: Attribute, value) -> str:
    """A stored value as the explanation shows it beside a verdict."""
    if value is None or value == "":
        return "no value"
    if attribute.kind is FieldKind.CHOICE:
        return attribute.label(value) or str(value)
    if attribute.kind is FieldKind.BOOLEAN:
        return "Yes" if value in (True, 1, "true") else "No"
    if attribute.kind is FieldKind.DATETIME:
        moment = _read(FieldKind.DATETIME, value) if not isinstance(value, datetime) else value
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)

