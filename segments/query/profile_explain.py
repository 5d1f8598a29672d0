"""The compiler's answer to "why is this contact in or out of a PROFILE block": every FILTER of the chain, every
clause and clause group in it, judged against the contact and its account by the same SQL evaluation runs.

Explain (segments) asks for `compile_profile_verdicts` and reads its columns in `profile_checks` order; the
meaning of every clause stays in the compiler (`ProfileCompiling`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from interactions.catalog import ACCOUNT, CONTACT, Attribute, Entity

from .compiler import _Compiler
from .nodes import AttributeRef, Clause, DateDiff, Group, Profile, ProfileFilter, is_one_of
from .profile_sql import Scope
from .sqlparts import SQL
from .validator import attribute_of, validate


@dataclass(frozen=True)
class Check:
    """One line of a profile explanation: a FILTER (depth 0), or a clause or clause group inside one."""

    entity: Entity  # what the FILTER applies to at that point of the chain
    item: Group | Clause | DateDiff
    depth: int
    filter_index: int  # which FILTER of the chain, from 0
    attributes: tuple[Attribute, ...] = ()  # a clause's attributes, whose values are shown beside the verdict


def _leaf_attributes(item, on: Entity) -> tuple[Attribute, ...]:
    if isinstance(item, Group):  # an "is one of" chain: one field
        item = item.items[0]
    names = [item.field] if isinstance(item, Clause) else [
        o.name for o in (item.start, item.end) if isinstance(o, AttributeRef)]
    found: list[Attribute] = []
    for name in names:
        attribute = attribute_of(name, on.name)
        if attribute is not None and attribute not in found:
            found.append(attribute)
    return tuple(found)


def _items(group: Group, on: Entity, depth: int, index: int) -> list[Check]:
    checks: list[Check] = []
    for item in group.items:
        if isinstance(item, Group) and not is_one_of(item):
            checks.append(Check(on, item, depth, index))
            checks.extend(_items(item, on, depth + 1, index))
        else:
            checks.append(Check(on, item, depth, index, _leaf_attributes(item, on)))
    return checks


def profile_checks(node: Profile) -> list[Check]:
    """Every FILTER of the chain (left to right, on the entity the chain stands on there), each followed by its
    clauses and clause groups in text order (a group before its own items)."""
    on = CONTACT if node.entity.lower() == "contact" else ACCOUNT
    checks: list[Check] = []
    index = 0
    for step in node.steps:
        if isinstance(step, ProfileFilter):
            checks.append(Check(on, step.condition, 0, index))
            checks.extend(_items(step.condition, on, 1, index))
            index += 1
        else:
            on = ACCOUNT if on is CONTACT else CONTACT
    return checks


def compile_profile_verdicts(block: Profile, *, contact_id: uuid.UUID, now: datetime,
                             dialect: str = "postgresql") -> SQL:
    """One row for the contact (none when it does not exist): its account's name, then per `profile_checks`
    entry its true/false verdict and the values of its attributes. A FILTER on accounts is judged on the
    contact's account (false when it has none); a FILTER on contacts on the contact itself."""
    validate(block)
    compiler = _Compiler(now, dialect, None, None)
    contact_table, account_table = compiler.alias(), compiler.alias()
    scopes = {CONTACT.name: Scope(CONTACT, contact_table), ACCOUNT.name: Scope(ACCOUNT, account_table)}
    parts: list[SQL] = [(f"{account_table}.name", [])]
    for check in profile_checks(block):
        scope = scopes[check.entity.name]
        item = check.item
        if isinstance(item, Group):
            sql, params = compiler.group(item, scope)
        elif isinstance(item, DateDiff):
            sql, params = compiler.date_diff(item, scope)
        else:
            sql, params = compiler.clause(item, scope)
        parts.append((f"COALESCE(({sql}), FALSE)", params))
        parts.extend(compiler.column(attribute, scope) for attribute in check.attributes)
    columns = ", ".join(sql for sql, _ in parts)
    return (f"SELECT {columns} FROM {CONTACT.table} AS {contact_table} LEFT JOIN {ACCOUNT.table} AS {account_table} "
            f"ON {account_table}.accountid = {contact_table}.parentcustomerid "
            f"WHERE {contact_table}.contact_id = %s",
            [*(p for _, params in parts for p in params), compiler.guid_value(contact_id)])
