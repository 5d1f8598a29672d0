"""The compiler's part for PROFILE blocks (shared spec profiles.md): contacts and accounts by their attributes.

The compiler's safety rule holds here too: values only ever reach SQL as parameters (`%s`); identifiers (tables,
columns, the JSON column's keys are parameters) only ever come from the profile catalog, never from the query
text. A mixin of the compiler: it uses the compiler's aliases, groups, dialect, `now` and value conversions.
"""

from __future__ import annotations

from datetime import datetime

from interactions.catalog import (
    ACCOUNT,
    CONTACT,
    CUSTOM_COLUMN,
    Attribute,
    Entity,
    FieldKind,
    parse_guid,
    parse_instant,
)

from .dates import instant as date_instant
from .errors import QueryValidationError
from .nodes import AttributeRef, Clause, DateAdd, DateDiff, DateValue, Group, Now, Profile, ProfileFilter
from .sqlparts import LIKE_PATTERN, SQL, SQL_COMPARE, escape_like
from .validator import attribute_of


class Scope:
    """A profile FILTER's rows: the entity and the table alias its attributes are read from."""

    def __init__(self, on: Entity, table: str) -> None:
        self.entity = on
        self.table = table


class ProfileCompiling:
    """PROFILE chains, attribute clauses and DATEDIFF as SQL; mixed into the compiler."""

    def profile(self, node: Profile) -> SQL:
        """The contacts a PROFILE chain selects. Each stretch of the chain on one entity is one SELECT of that
        entity's rows, restricted to those the previous stretch leads to (an account's contacts, or the accounts
        of contacts), and by the stretch's FILTERs."""
        current: Entity = CONTACT if node.entity.lower() == "contact" else ACCOUNT
        link: SQL | None = None  # (column IN (...)) of the rows the previous stretch leads to
        filters: list[Group] = []
        for step in node.steps:
            if isinstance(step, ProfileFilter):
                filters.append(step.condition)
                continue
            if current is CONTACT:
                ids, params = self.stretch(CONTACT, filters, link, "parentcustomerid")
                current, link = ACCOUNT, ("accountid", ids, params)
            else:
                ids, params = self.stretch(ACCOUNT, filters, link, "accountid")
                current, link = CONTACT, ("parentcustomerid", ids, params)
            filters = []
        assert current is CONTACT  # validated: a segment's members are contacts
        return self.stretch(CONTACT, filters, link, "contact_id", members=True)

    def stretch(self, on: Entity, filters: list[Group], link, column: str, members: bool = False) -> SQL:
        table = self.alias()
        scope = Scope(on, table)
        where: list[SQL] = []
        if link is not None:
            link_column, ids, params = link
            where.append((f"{table}.{link_column} IN ({ids})", params))
        for condition in filters:
            sql, params = self.group(condition, scope)
            where.append((f"({sql})", params))
        text = " AND ".join(sql for sql, _ in where) or "1 = 1"
        if members:
            text += self.only(f"{table}.contact_id")
        else:
            text += f" AND {table}.{column} IS NOT NULL"
        return (f"SELECT {table}.{column} FROM {on.table} AS {table} WHERE {text}",
                [p for _, params in where for p in params])

    def column(self, attribute: Attribute, scope: Scope) -> SQL:
        """The attribute's value in SQL: its column, or a custom attribute read from the JSON column."""
        if not attribute.custom:
            return f"{scope.table}.{attribute.column}", []
        if self.dialect == "sqlite":
            raw = (f"json_extract({scope.table}.{CUSTOM_COLUMN}, %s)", [f'$."{attribute.name}"'])
            return raw
        cast = {FieldKind.STRING: "text", FieldKind.INTEGER: "numeric", FieldKind.NUMBER: "numeric",
                FieldKind.BOOLEAN: "boolean", FieldKind.DATE: "date", FieldKind.DATETIME: "timestamptz"}
        return f"CAST({scope.table}.{CUSTOM_COLUMN} ->> %s AS {cast[attribute.kind]})", [attribute.name]

    def instant_column(self, attribute: Attribute, scope: Scope) -> SQL:
        """A date or datetime attribute as an instant comparable with `instant()` parameters (a date: its
        midnight UTC)."""
        sql, params = self.column(attribute, scope)
        if attribute.kind is not FieldKind.DATE:
            return sql, params
        if self.dialect == "sqlite":
            return f"({sql} || ' 00:00:00')", params
        return f"(CAST({sql} AS timestamp) AT TIME ZONE 'UTC')", params

    def date_constant(self, value) -> datetime:
        try:
            return date_instant(value, self.now) if isinstance(value, Now | DateValue | DateAdd) else (
                parse_instant(value))
        except OverflowError:
            line, column = getattr(value, "pos", None) or (None, None)
            raise QueryValidationError("DATEADD goes past the years 1 to 9999", line, column) from None

    def attribute_clause(self, clause: Clause, scope: Scope) -> SQL:
        attribute = attribute_of(clause.field, scope.entity.name)
        assert attribute is not None  # validated
        kind = attribute.kind
        if kind in (FieldKind.DATE, FieldKind.DATETIME) and clause.op not in ("ISNULL", "ISNOTNULL"):
            column, column_params = self.instant_column(attribute, scope)
        else:
            column, column_params = self.column(attribute, scope)
        if clause.op in ("ISNULL", "ISNOTNULL"):
            if kind is FieldKind.STRING:  # an empty string is a missing value, as in Dataverse
                if clause.op == "ISNULL":
                    return f"({column} IS NULL OR {column} = '')", [*column_params, *column_params]
                return f"{column} <> ''", column_params
            return f"{column} {'IS NULL' if clause.op == 'ISNULL' else 'IS NOT NULL'}", column_params
        if kind is FieldKind.STRING:
            lowered = f"lower({column})"
            if clause.op in LIKE_PATTERN:
                value = clause.values[0]
                assert isinstance(value, str)
                return (f"{lowered} LIKE %s ESCAPE '\\'",
                        [*column_params, LIKE_PATTERN[clause.op].format(escape_like(value.lower()))])
            values = [v.lower() for v in clause.values if isinstance(v, str)]
            if clause.op == "!=":
                return f"({lowered} <> %s AND {column} <> '')", [*column_params, values[0], *column_params]
        elif kind is FieldKind.CHOICE:
            values = [attribute.choice(v) for v in clause.values]
        elif kind in (FieldKind.DATE, FieldKind.DATETIME):
            values = [self.instant(self.date_constant(v)) for v in clause.values]
        elif kind is FieldKind.GUID:
            values = [self.guid_value(parse_guid(v)) for v in clause.values]
        elif kind is FieldKind.BOOLEAN:
            values = list(clause.values)
        else:
            values = [self.number(v) for v in clause.values]
        target = lowered if kind is FieldKind.STRING else column
        if len(values) > 1:
            return f"{target} IN ({', '.join(['%s'] * len(values))})", [*column_params, *values]
        return f"{target} {SQL_COMPARE[clause.op]} %s", [*column_params, *values]

    def date_diff(self, item: DateDiff, scope: Scope) -> SQL:
        """DATEDIFF as T-SQL counts it, in UTC: the part boundaries crossed from start to end."""
        start, end = self.utc_parts(item.start, scope), self.utc_parts(item.end, scope)

        def minus(name: str) -> SQL:
            (a, a_params), (b, b_params) = start[name], end[name]
            return f"({b} - {a})", [*b_params, *a_params]

        days = minus("date")
        if item.part == "YEAR":
            diff = minus("year")
        elif item.part == "MONTH":
            (years, y_params), (months, m_params) = minus("year"), minus("month")
            diff = f"({years} * 12 + {months})", [*y_params, *m_params]
        elif item.part == "DAY":
            diff = days
        else:
            (hours, h_params) = minus("hour")
            diff = f"({days[0]} * 24 + {hours})", [*days[1], *h_params]
            if item.part == "MINUTE":
                (minutes, mi_params) = minus("minute")
                diff = f"({diff[0]} * 60 + {minutes})", [*diff[1], *mi_params]
        return f"{diff[0]} {SQL_COMPARE[item.op]} %s", [*diff[1], item.value]

    def utc_parts(self, operand, scope: Scope) -> dict[str, SQL]:
        """Year, month, day number, hour and minute of a DATEDIFF operand in UTC, as whole-number SQL."""
        if isinstance(operand, AttributeRef):
            attribute = attribute_of(operand.name, scope.entity.name)
            assert attribute is not None  # validated
            sql, params = self.instant_column(attribute, scope)
        else:
            sql, params = "%s", [self.instant(self.date_constant(operand))]
        if self.dialect == "sqlite":
            def part(fmt: str) -> SQL:  # '%%' is a literal '%' beside the parameters' '%s'
                return f"CAST(strftime('%%{fmt}', {sql}) AS INTEGER)", params
            return {"year": part("Y"), "month": part("m"), "hour": part("H"), "minute": part("M"),
                    "date": (f"CAST(julianday(date({sql})) AS INTEGER)", params)}
        utc = f"(CAST({sql} AS timestamptz) AT TIME ZONE 'UTC')"

        def extract(field: str) -> SQL:
            return f"CAST(EXTRACT({field} FROM {utc}) AS integer)", params
        return {"year": extract("YEAR"), "month": extract("MONTH"), "hour": extract("HOUR"),
                "minute": extract("MINUTE"), "date": (f"(CAST({utc} AS date) - DATE '2000-01-01')", params)}
