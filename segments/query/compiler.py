"""Compiler: the only place where a query's meaning becomes SQL.

Safety rule: values only ever reach SQL as parameters (`%s`); identifiers (tables, columns) only ever come
from the catalogs (interaction types; contact and account attributes) and the constants below, never from
the query text. Every entry point validates first, so a type or field name that is not in the catalog is
refused with QueryValidationError before any SQL is built.

Every method returns `(sql, params)`, like Django's `WhereNode.as_sql`: a statement's parameters are the
concatenation of its parts' parameters in the order the parts appear in its text, so no order depends on
when an f-string happens to evaluate.

Entry points:
- `compile_query`: the distinct `contact_id`s of the members;
- `compile_count`, `compile_difference`: the size, and the change against a live segment's members (estimates),
  exactly or over a sample of contacts (`sample=`, the SQL function of a level of segments/sampling.py);
- `compile_contains`, `compile_interactions`, `compile_aggregate`: one contact's answer and its reasons
  (explain a contact);
- `compile_touched`: the contacts whose membership can have changed since the last run (refresh).

Schema (created by Django): contacts in `interactions_contact(contact_id, createdon)`; one table per interaction
type (`InteractionType.table`) with `interaction_id`, `contact_id`, `timestamp`, `ingested_at` and a column per
catalog field; live segments' members in `segments_membership(segment_id, contact_id)`, the changes their runs
made in `segments_membershipchange(segment_id, contact_id, at, run_id)`, and those runs in
`segments_evaluationrun(id, segment_id, evaluated_at, applied_at)`.

SEGMENT(name) is resolved through `segments(name) -> SegmentSource | None`: a source with a
`membership_segment_id` (a live segment) reads its materialised members; otherwise its query is compiled
inline. An unknown name or a reference cycle is a QueryValidationError.

`within` (optional) names a table of `contact_id`s that the caller made (never text from a query), each
of an existing contact: the statement then only considers those contacts. Incremental refresh uses it to
recompute just the contacts that new or window-crossing interactions touched (`compile_touched`, which reads
them from the interaction tables, whose rows' contacts must exist, from the contacts and from the change
log, whose rows are deleted with their contact).

`sample` (optional) names the SQL function of one level of segments.sampling.LEVELS (the caller's choice from
that table, never text from a query; checked here to be one of that family of names, since this package may
not import it): the statement then only considers that sample's contacts, and reads its partial indexes.

Dialects: "postgresql" (uuid.UUID and aware datetime parameters) and "sqlite" (Django stores uuids as
32-char hex and datetimes as naive UTC text `str(dt)`, so parameters take those forms and text order
is time order). `now` is always an argument, never read from the clock; the window start is computed
here in Python (calendar arithmetic is easier to get right, and identical, in one place).
"""

from __future__ import annotations

import calendar
import operator
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from interactions.catalog import (
    ACCOUNT,
    CONTACT,
    Field,
    FieldKind,
    InteractionType,
    interaction_type,
    parse_guid,
    parse_instant,
)

from .errors import QueryValidationError
from .nodes import (
    MAX_EXPANDED_BLOCKS,
    MAX_SEGMENT_DEPTH,
    Behavioral,
    Clause,
    DateDiff,
    Group,
    Having,
    Profile,
    Query,
    SegmentRef,
    SegmentSource,
    SetOp,
    Value,
    Window,
    behaviorals,
    is_one_of,
    profiles,
    reference_cycle,
    segment_refs,
)
from .profile_sql import ProfileCompiling, Scope
from .sqlparts import LIKE_PATTERN, SQL, SQL_COMPARE, escape_like
from .validator import restrictions, validate

CONTACTS_TABLE = CONTACT.table
ACCOUNTS_TABLE = ACCOUNT.table
MEMBERSHIP_TABLE = "segments_membership"
CHANGE_LOG_TABLE = "segments_membershipchange"
RUNS_TABLE = "segments_evaluationrun"
DIALECTS = ("postgresql", "sqlite")

SegmentSources = Callable[[str], SegmentSource | None]

_PY_COMPARE = {"==": operator.eq, "!=": operator.ne, ">": operator.gt, ">=": operator.ge,
               "<": operator.lt, "<=": operator.le}


def window_start(window: Window, now: datetime) -> datetime | None:
    """The inclusive start of the window, or None when it reaches before year 1 (the whole history)."""
    try:
        if window.unit == "DAYS":
            return now - timedelta(days=window.n)
        months = window.n * (12 if window.unit == "YEARS" else 1)
        year, month0 = divmod(now.year * 12 + now.month - 1 - months, 12)
        if year < 1:
            return None
        day = min(now.day, calendar.monthrange(year, month0 + 1)[1])  # 03-31 minus a month is 02-28
        return now.replace(year=year, month=month0 + 1, day=day)
    except OverflowError:
        return None


def count_accepts_zero(having: Having) -> bool:
    """Whether a contact with no matching interaction passes this COUNT() condition."""
    return having.aggregate == "COUNT" and _PY_COMPARE[having.op](0, having.value)


def compile_query(
    node: Query, *, now: datetime, dialect: str = "postgresql", segments: SegmentSources | None = None,
    within: str | None = None, sample: str | None = None, ingested_after: datetime | None = None,
) -> SQL:
    """The members of the query as of `now`: one row per `contact_id`; with `sample` (a sampling level's SQL
    function of contact_id, which every table has a partial index on), only the sampled ones. With `within`,
    `ingested_after` (optional) is the instant after which rows are a refresh's arrivals (see "never" below)."""
    validate(node)
    compiler = _Compiler(now, dialect, segments, within, sample=sample, ingested_after=ingested_after)
    return compiler.with_segments(compiler.query(node, ()))


def compile_count(node: Query, *, now: datetime, dialect: str = "postgresql",
                  segments: SegmentSources | None = None, sample: str | None = None) -> SQL:
    """One row: how many contacts the query selects. With `sample`, over the sampled contacts only, and a
    second column: how many contacts that sample holds."""
    sql, params = compile_query(node, now=now, dialect=dialect, segments=segments, sample=sample)
    return f"SELECT COUNT(*){_sample_size(sample)} FROM ({sql}) AS n", params


def compile_difference(node: Query, *, segment_id: int, now: datetime, dialect: str = "postgresql",
                       segments: SegmentSources | None = None, sample: str | None = None) -> SQL:
    """One row: (selected, would enter, would exit) against the materialised members of `segment_id`. With
    `sample`, all three over the sampled contacts only, and a fourth column: how many contacts that sample
    holds."""
    sql, params = compile_query(node, now=now, dialect=dialect, segments=segments, sample=sample)
    members = f" AND {sample}(m.contact_id)" if sample else ""
    # n holds sampled contacts only; saying so inside NOT EXISTS too lets it read the members' partial index.
    return (f"WITH n AS ({sql}) SELECT (SELECT COUNT(*) FROM n), "
            f"(SELECT COUNT(*) FROM n WHERE NOT EXISTS (SELECT 1 FROM {MEMBERSHIP_TABLE} AS m "
            f"WHERE m.segment_id = %s{members} AND m.contact_id = n.contact_id)), "
            f"(SELECT COUNT(*) FROM {MEMBERSHIP_TABLE} AS m WHERE m.segment_id = %s{members} AND NOT EXISTS "
            f"(SELECT 1 FROM n WHERE n.contact_id = m.contact_id)){_sample_size(sample)}",
            [*params, segment_id, segment_id])


def _sample_size(sample: str | None) -> str:
    return f", (SELECT COUNT(*) FROM {CONTACTS_TABLE} WHERE {sample}(contact_id))" if sample else ""


def compile_contains(node: Query, *, contact_id: uuid.UUID, now: datetime, dialect: str = "postgresql",
                     segments: SegmentSources | None = None) -> SQL:
    """One row, one column: whether the contact is a member (the very statement evaluation runs)."""
    validate(node)
    compiler = _Compiler(now, dialect, segments, None)
    sql, params = compiler.with_segments(compiler.query(node, ()))
    return (f"SELECT EXISTS (SELECT 1 FROM ({sql}) AS m WHERE m.contact_id = %s)",
            [*params, compiler.guid_value(contact_id)])


def compile_interactions(block: Behavioral, *, contact_id: uuid.UUID, now: datetime, dialect: str = "postgresql",
                         limit: int = 25) -> SQL:
    """A contact's interactions of the block's type in its window, newest first, with the verdicts.

    Columns: every catalog field of the type (in `all_fields` order), whether the row passes the whole
    FILTER, then one pass/fail column per restriction (in `validator.restrictions` order).
    """
    validate(block)
    compiler = _Compiler(now, dialect, None, None)
    itype, (where, params) = compiler.block_rows(block)
    columns = ", ".join(f.column for f in itype.all_fields)
    verdicts, verdict_params = compiler.verdicts(block, itype)
    contact = compiler.guid_value(contact_id)
    return (f"SELECT {columns}, {verdicts} FROM {itype.table} WHERE contact_id = %s AND {where} "
            "ORDER BY timestamp DESC, interaction_id LIMIT %s", [*verdict_params, contact, *params, limit])


def compile_aggregate(block: Behavioral, *, contact_id: uuid.UUID, now: datetime,
                      dialect: str = "postgresql") -> SQL:
    """One row for a contact: (interactions in the window, those passing FILTER, the aggregate over those).

    For COUNT() the aggregate is the second column and the third is NULL.
    """
    validate(block)
    compiler = _Compiler(now, dialect, None, None)
    itype, (where, params) = compiler.block_rows(block)
    passes, pass_params = compiler.filter_test(block, itype)
    if block.having.aggregate == "COUNT":
        aggregate, aggregate_params = "NULL", []  # the count of passing rows is the second column
    else:
        column = compiler.field(itype, block.having.field or "").column
        aggregate = f"{block.having.aggregate}(CASE WHEN {passes} THEN {column} END)"
        aggregate_params = pass_params
    return (f"SELECT COUNT(*), COUNT(CASE WHEN {passes} THEN 1 END), {aggregate} FROM {itype.table} "
            f"WHERE contact_id = %s AND {where}",
            [*pass_params, *aggregate_params, compiler.guid_value(contact_id), *params])


def compile_touched(node: Query, *, ingested_after: datetime, previous: datetime, now: datetime,
                    dialect: str = "postgresql", segments: SegmentSources | None = None,
                    changed_after: Mapping[int, datetime] | None = None) -> SQL:
    """The contacts whose membership can have changed between the evaluation at `previous` and one at `now`.

    Those with interactions ingested after `ingested_after` (the last run's watermark), with interactions
    that became visible (Timestamp in (previous, now]), or that slid out of a moving window; and for blocks
    that contacts without interactions pass ("did not"), the contacts created since the watermark. For a
    segment read from its membership, the contacts whose membership changed in the segment's runs that
    applied after `changed_after[segment id]` (the newest the last run saw). A segment that would be compiled
    inline has no such set (ValueError): its query, not its members, would have to be followed.
    """
    validate(node)
    compiler = _Compiler(now, dialect, None, None)
    since = compiler.instant(ingested_after)
    parts: list[SQL] = []
    for ref in dict.fromkeys(ref.name for ref in segment_refs(node)):
        source = segments(ref) if segments else None
        if source is None or source.membership_segment_id is None:
            raise ValueError(f"segment '{ref}' is not read from its membership: the query is recomputed whole")
        seen = (changed_after or {}).get(source.membership_segment_id)
        if seen is None:
            raise ValueError(f"what the last run saw of segment '{ref}' is not known: the query is recomputed whole")
        # From the few runs since the newest seen, each run's changes by the (segment_id, at) index (they are
        # stamped with its evaluation time). OFFSET 0 keeps the lookup per run: a segment newer than the change log's
        # statistics looks empty to the planner, which then read all its changes ever and matched the runs.
        parts.append((f"SELECT c.contact_id FROM {RUNS_TABLE} AS r CROSS JOIN LATERAL (SELECT contact_id FROM "
                      f"{CHANGE_LOG_TABLE} WHERE segment_id = r.segment_id AND at = r.evaluated_at AND run_id = r.id "
                      "OFFSET 0) AS c WHERE r.segment_id = %s AND r.applied_at > %s",
                      [source.membership_segment_id, compiler.instant(seen)]))
    for block in behaviorals(node):
        table = interaction_type(block.type).table
        parts.append((f"SELECT contact_id FROM {table} WHERE ingested_at > %s", [since]))
        parts.append((f"SELECT contact_id FROM {table} WHERE timestamp > %s AND timestamp <= %s",
                      [compiler.instant(previous), compiler.instant(now)]))
        window = block.having.window
        if window is not None:
            old_start, new_start = window_start(window, previous), window_start(window, now)
            if old_start is not None and new_start is not None:
                parts.append((f"SELECT contact_id FROM {table} WHERE timestamp >= %s AND timestamp < %s",
                              [compiler.instant(old_start), compiler.instant(new_start)]))
        if count_accepts_zero(block.having):
            parts.append((f"SELECT contact_id FROM {CONTACTS_TABLE} WHERE createdon > %s", [since]))
    if any(profiles(node)):
        # A changed contact, or a changed account's contacts (a contact's move to another company changes
        # the contact). New contacts are modified at creation.
        parts.append((f"SELECT contact_id FROM {CONTACTS_TABLE} WHERE modifiedon > %s", [since]))
        parts.append((f"SELECT contact_id FROM {CONTACTS_TABLE} WHERE parentcustomerid IN "
                      f"(SELECT accountid FROM {ACCOUNTS_TABLE} WHERE modifiedon > %s)", [since]))
    return " UNION ".join(sql for sql, _ in parts), [p for _, params in parts for p in params]


class _Compiler(ProfileCompiling):
    def __init__(self, now: datetime, dialect: str, segments: SegmentSources | None, within: str | None, *,
                 sample: str | None = None, ingested_after: datetime | None = None) -> None:
        if dialect not in DIALECTS:
            raise ValueError(f"unknown dialect {dialect!r}; expected one of {DIALECTS}")
        if now.tzinfo is None:
            raise ValueError("now must be a timezone-aware datetime")
        if within is not None and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", within):
            raise ValueError(f"within must be a plain table name, got {within!r}")
        if sample is not None and not re.fullmatch(r"sd_contact_sampled(_[0-9]+)?", sample):
            raise ValueError(f"sample must name a sampling level's function, got {sample!r}")
        self.now = now.astimezone(UTC)
        self.dialect = dialect
        self.segments = segments
        self.within = within
        self.sample = sample
        self.ingested_after = ingested_after if within else None
        self.aliases = 0
        self.blocks = 0
        # Each inlined segment is compiled once, as a CTE that every reference to it reads.
        self.inlined: dict[str, str] = {}
        self.ctes: list[SQL] = []
        self.origin: SegmentRef | None = None  # the reference in the compiled text that led here

    def only(self, column: str = "contact_id") -> str:
        """The restriction to the `within` contacts (a table name, checked above: no parameters) or to the
        sampled ones, if any."""
        if self.sample:
            return f" AND {self.sample}({column})"
        return f" AND {column} IN (SELECT contact_id FROM {self.within})" if self.within else ""

    def everyone(self) -> tuple[str, str]:
        """Where a block that contacts without interactions pass finds its contacts, as `c`: the FROM item and
        the condition that follows its WHERE. Within a table of contacts, that table itself: its contacts
        exist (see `within` above), so none is looked up among all contacts (at 100M interactions, about 40%
        of the pages a "did not" refresh's verdicts read)."""
        if self.within:
            return f"{self.within} AS c", ""
        return f"{CONTACTS_TABLE} AS c", self.only("c.contact_id")

    def alias(self) -> str:
        self.aliases += 1
        return f"s{self.aliases}"

    def with_segments(self, statement: SQL) -> SQL:
        """The statement preceded by the CTEs of the segments it inlines (dependencies first)."""
        if not self.ctes:
            return statement
        sql, params = statement
        return (f"WITH {', '.join(cte for cte, _ in self.ctes)} {sql}",
                [*(p for _, cte_params in self.ctes for p in cte_params), *params])

    def limit_error(self, message: str, ref: SegmentRef | None) -> QueryValidationError:
        line, column = (ref.name_pos or ref.pos or (None, None)) if ref else (None, None)
        return QueryValidationError(message, line, column)

    # -- parameter forms per dialect -----------------------------------------------------------------

    def instant(self, value: datetime) -> object:
        if self.dialect == "sqlite":
            return str(value.astimezone(UTC).replace(tzinfo=None))
        return value

    def guid_value(self, value: uuid.UUID) -> object:
        return value.hex if self.dialect == "sqlite" else value

    def number(self, value: int | Decimal) -> object:
        # Django's sqlite backend sends Decimal as text, which SQLite orders after every number.
        if self.dialect == "sqlite" and isinstance(value, Decimal):
            return float(value)
        return value

    def value(self, fld: Field, value: Value) -> object:
        if fld.kind is FieldKind.STRING:
            assert isinstance(value, str)
            return value.lower()
        if fld.kind is FieldKind.GUID:
            guid = parse_guid(value)
            assert guid is not None  # validated
            return self.guid_value(guid)
        if fld.kind is FieldKind.DATETIME:
            instant = parse_instant(value)
            assert instant is not None  # validated
            return self.instant(instant)
        if fld.kind is FieldKind.BOOLEAN:
            return value
        assert isinstance(value, int | Decimal)
        return self.number(value)

    @staticmethod
    def field(itype: InteractionType, name: str) -> Field:
        fld = itype.field(name)
        assert fld is not None  # validated
        return fld

    # -- queries ---------------------------------------------------------------------------------------

    def query(self, node: Query, chain: tuple[str, ...]) -> SQL:
        if isinstance(node, SetOp):
            # Every operand is a derived table: SQLite forbids parenthesised compound operands, and
            # PostgreSQL would otherwise bind INTERSECT tighter than UNION/EXCEPT.
            left, left_params = self.query(node.left, chain)
            right, right_params = self.query(node.right, chain)
            return (f"SELECT contact_id FROM ({left}) AS {self.alias()} {node.op} "
                    f"SELECT contact_id FROM ({right}) AS {self.alias()}", [*left_params, *right_params])
        if isinstance(node, SegmentRef):
            return self.segment(node, chain)
        if isinstance(node, Profile):
            return self.profile(node)
        return self.behavioral(node)

    def segment(self, ref: SegmentRef, chain: tuple[str, ...]) -> SQL:
        line, column = ref.name_pos or ref.pos or (None, None)
        cycle = reference_cycle(chain, ref.name)
        if cycle:
            raise QueryValidationError(f"segment '{ref.name}' refers back to itself: {cycle}", line, column)
        source = self.segments(ref.name) if self.segments else None
        if source is None or (source.membership_segment_id is None and source.query is None):
            raise QueryValidationError(f"unknown segment '{ref.name}'", line, column)
        if source.membership_segment_id is not None:
            if self.within and self.dialect == "postgresql":
                # A refresh probes the membership's (segment, contact) index once per touched contact, whatever
                # the planner believes of the segment's size (one row, for a segment newer than the table's
                # statistics: it then scans the touched set once per member). OFFSET 0 keeps the subquery a
                # probe per row: PostgreSQL does not turn such an EXISTS into a join.
                return (f"SELECT w.contact_id FROM {self.within} AS w WHERE EXISTS (SELECT 1 FROM "
                        f"{MEMBERSHIP_TABLE} AS m WHERE m.segment_id = %s AND m.contact_id = w.contact_id OFFSET 0)",
                        [source.membership_segment_id])
            # (segment_id, contact_id) is unique, so no DISTINCT is needed.
            return (f"SELECT contact_id FROM {MEMBERSHIP_TABLE} WHERE segment_id = %s{self.only()}",
                    [source.membership_segment_id])
        assert source.query is not None
        if not chain:
            self.origin = ref
        if ref.name not in self.inlined:
            if len(chain) >= MAX_SEGMENT_DEPTH:
                raise self.limit_error(f"SEGMENT({self.origin.name if self.origin else ref.name}) reads "
                                       f"segments more than {MAX_SEGMENT_DEPTH} levels deep "
                                       f"({' -> '.join([*chain[:3], '...', ref.name])})", self.origin)
            validate(source.query)
            body, params = self.query(source.query, (*chain, ref.name))
            name = f"seg{len(self.ctes) + 1}"
            self.ctes.append((f"{name} AS ({body})", params))
            self.inlined[ref.name] = name
        return f"SELECT contact_id FROM {self.inlined[ref.name]}", []

    def block_rows(self, node: Behavioral) -> tuple[InteractionType, SQL]:
        """The block's type and the condition on its table's rows that the window puts: not after now, in it."""
        itype = interaction_type(node.type)
        assert itype is not None  # validated
        where, params = "timestamp <= %s", [self.instant(self.now)]
        window = node.having.window
        start = window_start(window, self.now) if window else None
        if start is not None:
            where, params = f"{where} AND timestamp >= %s", [*params, self.instant(start)]
        return itype, (where, params)

    def behavioral(self, node: Behavioral) -> SQL:
        self.blocks += 1
        if self.blocks > MAX_EXPANDED_BLOCKS:
            raise self.limit_error(f"the query with the segments it reads holds more than {MAX_EXPANDED_BLOCKS:,} "
                                   "INTERACTION blocks; split it into live segments", self.origin)
        itype, (where, params) = self.block_rows(node)
        if node.filter is not None:
            condition, condition_params = self.group(node.filter, itype)
            where, params = f"{where} AND ({condition})", [*params, *condition_params]
        passing, passing_params = where, params  # the rows that count, of any contact
        where += self.only()
        having = node.having
        table = itype.table
        if having.aggregate == "COUNT" and (having.op, having.value) == (">=", 1):
            # "at least once", the commonest shape: no count needed, only the contacts.
            return f"SELECT DISTINCT contact_id FROM {table} WHERE {where}", params
        if having.aggregate == "COUNT" and (having.op, having.value) in (("==", 0), ("<", 1), ("<=", 0)):
            # "never": every contact without a matching row, as a plain anti-join.
            contacts, only = self.everyone()
            if self.ingested_after is None:
                return (f"SELECT c.contact_id FROM {contacts} WHERE NOT EXISTS (SELECT 1 FROM {table} AS i "
                        f"WHERE i.contact_id = c.contact_id AND {where}){only}", params)
            # A refresh's touched contacts are mostly those with an arrival, and an arrival that counts settles
            # its contact (out) with no probe of the table's (contact, timestamp) index, one random page each
            # (14,000 of them at 100M). The arrivals are the table's newest rows: read once, by ingested_at.
            # The probe of the others is correlated with them alone: restricted to the touched contacts as well,
            # the planner probed for every touched contact and hashed the rows found.
            return (f"SELECT c.contact_id FROM {contacts} LEFT JOIN (SELECT DISTINCT contact_id FROM {table} "
                    f"WHERE ingested_at > %s AND {passing}) AS r ON r.contact_id = c.contact_id "
                    f"WHERE r.contact_id IS NULL AND NOT EXISTS (SELECT 1 FROM {table} AS i "
                    f"WHERE i.contact_id = c.contact_id AND {passing})",
                    [self.instant(self.ingested_after), *passing_params, *passing_params])
        if having.aggregate == "COUNT":
            aggregate = "COUNT(*)"
        else:
            aggregate = f"{having.aggregate}({self.field(itype, having.field or '').column})"
        test = f"{aggregate} {SQL_COMPARE[having.op]} %s"
        test_params = [self.number(having.value)]
        if not count_accepts_zero(having):
            return (f"SELECT contact_id FROM {table} WHERE {where} GROUP BY contact_id HAVING {test}",
                    [*params, *test_params])
        # Contacts without a matching row pass too, so take every contact except those whose count fails;
        # NOT EXISTS over the grouped failures plans as a hash anti-join on PostgreSQL.
        failing = f"SELECT contact_id FROM {table} WHERE {where} GROUP BY contact_id HAVING NOT ({test})"
        contacts, only = self.everyone()
        return (f"SELECT c.contact_id FROM {contacts} WHERE NOT EXISTS "
                f"(SELECT 1 FROM ({failing}) AS f WHERE f.contact_id = c.contact_id){only}",
                [*params, *test_params])

    # -- conditions (two-valued: a test on a missing value is false, also under NOT) --------------------

    def filter_test(self, node: Behavioral, itype: InteractionType) -> SQL:
        """Whether a row passes the block's FILTER, as a true/false (never unknown) SQL expression."""
        if node.filter is None:
            return "(1 = 1)", []
        condition, params = self.group(node.filter, itype)
        return f"COALESCE(({condition}), FALSE)", params

    def verdicts(self, node: Behavioral, itype: InteractionType) -> SQL:
        """The FILTER's verdict, then each restriction's (`validator.restrictions` order), as true/false columns."""
        parts = [self.filter_test(node, itype)]
        for item in restrictions(node.filter) if node.filter is not None else ():
            sql, params = self.clause(item, itype) if isinstance(item, Clause) else self.group(item, itype)
            parts.append((f"COALESCE(({sql}), FALSE)", params))
        return ", ".join(sql for sql, _ in parts), [p for _, params in parts for p in params]

    def group(self, group: Group, itype: InteractionType) -> SQL:
        if is_one_of(group):
            # A long OR of == on one field is one IN test (and stays shallow: SQLite caps expression depth).
            first = group.items[0]
            assert isinstance(first, Clause)
            merged = Clause(first.field, "==", tuple(v for item in group.items if isinstance(item, Clause)
                                                     for v in item.values))
            sql, params = self.clause(merged, itype)
            return (f"NOT COALESCE(({sql}), FALSE)" if group.negated else sql), params
        joiner = " AND " if group.op == "AND" else " OR "
        parts: list[SQL] = []
        for item in group.items:
            if isinstance(item, Group):
                inner, params = self.group(item, itype)
                parts.append((inner if item.negated else f"({inner})", params))
            elif isinstance(item, DateDiff):
                parts.append(self.date_diff(item, itype))
            else:
                parts.append(self.clause(item, itype))
        body = joiner.join(sql for sql, _ in parts)
        params = [p for _, part_params in parts for p in part_params]
        # SQL's NULL would make NOT(unknown) unknown; COALESCE turns "unknown" into false before negating.
        return (f"NOT COALESCE(({body}), FALSE)" if group.negated else body), params

    def clause(self, clause: Clause, itype: InteractionType | Scope) -> SQL:
        if isinstance(itype, Scope):
            return self.attribute_clause(clause, itype)
        fld = self.field(itype, clause.field)
        column = fld.column
        if clause.op == "ISNULL":
            return f"{column} IS NULL", []
        if clause.op == "ISNOTNULL":
            return f"{column} IS NOT NULL", []
        if fld.kind is FieldKind.STRING:
            column = f"lower({column})"  # strings compare case-insensitively
        if clause.op in LIKE_PATTERN:
            value = clause.values[0]
            assert isinstance(value, str)
            return f"{column} LIKE %s ESCAPE '\\'", [LIKE_PATTERN[clause.op].format(escape_like(value.lower()))]
        values = [self.value(fld, v) for v in clause.values]
        if len(values) > 1:
            return f"{column} IN ({', '.join(['%s'] * len(values))})", values
        return f"{column} {SQL_COMPARE[clause.op]} %s", values
