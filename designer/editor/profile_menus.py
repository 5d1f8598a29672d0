"""What the profile block's templates need beside its state: the attribute menus (standard and custom, in display
names), the operators of each row's attribute, and its value widgets (labels of a choice, yes/no, date modes)."""

from __future__ import annotations

import re

from interactions.catalog import Attribute, FieldKind, entity
from interactions.models import CustomAttribute
from segments.query.nodes import COMPARES

from .decorate import describe_row
from .profile import DATE_FUNCTION, DATE_KINDS, ENTITY_CHOICES, UNIT_CHOICES, WHEN_CHOICES, ProfileState
from .rows import ClauseRow, walk
from .vocabulary import OPERATOR_LABELS

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
BOOLEAN_CHOICES = (("True", "yes"), ("False", "no"))


def attributes_by_entity() -> dict[str, list[Attribute]]:
    """The menu of each entity: its standard attributes, then the custom ones declared in the console."""
    menus = {e: list(entity(e).attributes) for e in ("contact", "account")}
    for declared in CustomAttribute.objects.all():
        menus.setdefault(declared.entity, []).append(declared.as_attribute())
    return menus


def decorate_profile(state: ProfileState, menus: dict[str, list[Attribute]] | None = None) -> None:
    """Attach the menus and each row's widgets; `menus` (attributes_by_entity) is read once per page."""
    menus = attributes_by_entity() if menus is None else menus
    state.entity_choices = ENTITY_CHOICES
    for part in state.parts:
        part.fields = menus[part.entity]
        by_name = {a.name: a for a in part.fields}
        for row in walk(part.root):
            if isinstance(row, ClauseRow):
                _decorate_row(row, by_name.get(row.field))


def _decorate_row(row, attribute: Attribute | None) -> None:
    kind = describe_row(row, attribute)
    row.record = None
    row.dated = kind in DATE_KINDS and not row.multi
    row.whens = (*WHEN_CHOICES, DATE_FUNCTION) if row.when == DATE_FUNCTION[0] else WHEN_CHOICES
    row.units = UNIT_CHOICES
    row.counted = ("ago", "ahead", "since")  # the modes whose value is a number of units
    row.show_when = row.dated and not row.valueless
    if row.show_when and row.when == "since":  # DATEDIFF counts: the operators of a number
        row.ops = tuple((op, label) for op, label in OPERATOR_LABELS[FieldKind.INTEGER] if op in COMPARES)
    row.now = row.show_when and row.when == "now"  # DATETIMEUTCNOW() has no value to type
    row.date_input = kind is FieldKind.DATE and row.when == "at" and all(
        not v.strip() or _ISO_DATE.fullmatch(v.strip()) for v in row.values)
    row.shown = [(value, None, _options(attribute, value)) for value in row.values]


def _options(attribute: Attribute | None, value: str):
    """A value's select options: a choice's labels (keeping a number as a number: the query text stays as
    written), or yes/no; None for a typed value."""
    if attribute is None:
        return None
    if attribute.kind is FieldKind.BOOLEAN:
        return BOOLEAN_CHOICES
    if attribute.kind is not FieldKind.CHOICE:
        return None
    by_number = value.strip().isdigit()
    options = [(str(n) if by_number else label, label) for n, label in attribute.choices]
    if value and value not in {v for v, _ in options}:
        options.append((value, f"{value} (not a choice)"))
    return [("", "(choose a value)"), *options] if not value else options
