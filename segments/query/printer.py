"""Printer: AST -> the one canonical text (single line, or wrapped for the Query view).

parse(unparse(q)) == q for every canonical AST, and printing a parsed canonical text gives it back.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .lexer import EXACT, KEYWORDS
from .nodes import (
    AttributeRef,
    Behavioral,
    Clause,
    Condition,
    DateAdd,
    DateDiff,
    DateValue,
    Group,
    Having,
    Now,
    Profile,
    ProfileFilter,
    Query,
    SegmentRef,
    SetOp,
    Value,
)

_INDENT = "    "
_BARE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WINDOW_FUNCS = {"DAYS": "UTCDAYS", "MONTHS": "UTCMONTHS", "YEARS": "UTCYEARS"}


def unparse(node: Query, wrap: bool = False) -> str:
    return "\n".join(_lines(node)) if wrap else _single(node)


def _single(node: Query) -> str:
    if isinstance(node, SetOp):
        return f"{_single(node.left)} {node.op} {_operand(node.right, _single)}"
    if isinstance(node, Behavioral):
        return "".join(_behavioral_parts(node))
    if isinstance(node, Profile):
        return "".join(_profile_parts(node))
    return _segment_ref(node)


def _lines(node: Query) -> list[str]:
    if isinstance(node, SetOp):
        right = _lines(node.right)
        if isinstance(node.right, SetOp):
            right = ["(", *(_INDENT + line for line in right), ")"]
        return [*_lines(node.left), node.op, *right]
    if isinstance(node, Behavioral | Profile):
        first, *rest = _behavioral_parts(node) if isinstance(node, Behavioral) else _profile_parts(node)
        return [first, *(_INDENT + part for part in rest)]
    return [_segment_ref(node)]


def _operand(node: Query, render) -> str:
    # Set operators associate to the left, so only a compound right operand needs parentheses.
    return f"({render(node)})" if isinstance(node, SetOp) else render(node)


def _behavioral_parts(node: Behavioral) -> list[str]:
    parts = [f"INTERACTION({node.type}, {node.type}_ContactLink)"]
    if node.filter is not None:
        parts.append(f".FILTER({condition_text(node.filter)})")
    parts.append(f".HAVING({_having(node.having)})")
    return parts


def _profile_parts(node: Profile) -> list[str]:
    alias = f", {node.alias}" if node.alias else ""
    parts = [f"PROFILE({node.entity}{alias})"]
    for step in node.steps:
        if isinstance(step, ProfileFilter):
            parts.append(f".FILTER({condition_text(step.condition)})")
        else:
            alias = f", {step.alias}" if step.alias else ""
            parts.append(f".TRAVERSE({step.relationship}{alias})")
    return parts


def _date_diff(item: DateDiff) -> str:
    return (f"DATEDIFF({item.part}, {_operand_text(item.start)}, {_operand_text(item.end)}) "
            f"{item.op} {item.value}")


def _operand_text(value: AttributeRef | Value) -> str:
    return value.name if isinstance(value, AttributeRef) else value_text(value)


def _segment_ref(node: SegmentRef) -> str:
    name = node.name
    if _BARE_NAME.fullmatch(name) and name.upper() not in KEYWORDS:
        return f"SEGMENT({name})"
    return f"SEGMENT({string_literal(name)})"


def _having(having: Having) -> str:
    target = having.field or ""
    text = f"{having.aggregate}({target}) {having.op} {value_text(having.value)}"
    if having.window is not None:
        text += f", {_WINDOW_FUNCS[having.window.unit]}({having.window.n})"
    return text


def condition_text(group: Group) -> str:
    """A FILTER's root group: its items without enclosing parentheses (the FILTER's own are enough)."""
    if group.negated:
        return _item(group)
    return _body(group)


def _body(group: Group) -> str:
    joiner = " && " if group.op == "AND" else " || "
    return joiner.join(_item(item) for item in group.items)


def _item(item: Condition) -> str:
    if isinstance(item, DateDiff):
        return _date_diff(item)
    if isinstance(item, Group):
        return f"NOT({_body(item)})" if item.negated else f"({_body(item)})"
    return _clause(item)


def _clause(clause: Clause) -> str:
    if not clause.values:
        return f"{clause.op}({clause.field})"
    if len(clause.values) > 1:
        return "(" + " || ".join(f"{clause.field} == {value_text(v)}" for v in clause.values) + ")"
    return f"{clause.field} {clause.op} {value_text(clause.values[0])}"


def string_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def value_text(value: Value) -> str:
    if isinstance(value, Now):
        return "DATETIMEUTCNOW()"
    if isinstance(value, DateValue):
        return f"DATE({', '.join(str(p) for p in value.parts)})"
    if isinstance(value, DateAdd):
        return f"DATEADD({value.part}, {value.n}, {value_text(value.value)})"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, Decimal):
        value = value.normalize(EXACT)
        if value == value.to_integral_value():
            return str(int(value))
        return format(value, "f")
    return str(value)
