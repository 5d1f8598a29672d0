"""What the designer's templates need beside the state: row widgets, operator menus and record names."""

from __future__ import annotations

from collections import defaultdict

from interactions.catalog import FieldKind, parse_guid
from interactions.models import RECORD_MODELS
from segments.selectors import search_records

from .behavioral import extract_guid
from .rows import ClauseRow, DesignerState, walk
from .vocabulary import IN, IN_LABEL, OPERATOR_LABELS, VALUELESS


def describe_row(row: ClauseRow, fld) -> FieldKind:
    """What every clause row shows of its field (an interaction field or a profile attribute, None while none is
    chosen): the operators of its kind, whether it takes no value or a list, its input. Returns the kind."""
    kind = fld.kind if fld else FieldKind.STRING
    row.fieldobj = fld
    row.ops = OPERATOR_LABELS[kind]
    if row.op == IN and all(op != IN for op, _ in row.ops):  # a list of instants read from the query text
        row.ops = (*row.ops, (IN, IN_LABEL))
    row.valueless = row.op in VALUELESS
    row.multi = row.op == IN
    row.input_kind = kind.value
    return kind


def decorate(state: DesignerState) -> None:
    """Attach what the template needs to each row: the field, its operators, value widgets, record names."""
    itype = state.itype
    wanted: dict[str, set] = defaultdict(set)
    for row in walk(state.root):
        if not isinstance(row, ClauseRow):
            continue
        fld = itype.field(row.field) if row.field else None
        describe_row(row, fld)
        row.record = fld.record if fld else None
        if row.record:
            for value in row.values:
                parsed = parse_guid(value.strip())
                if parsed:
                    wanted[row.record.name].add(parsed)
    names: dict[str, dict] = {}
    for record_name, ids in wanted.items():  # one query per record type in use
        model = RECORD_MODELS[record_name]
        names[record_name] = {str(pk): name for pk, name in model.objects.filter(pk__in=ids).values_list("pk", "name")}
    for row in walk(state.root):
        if isinstance(row, ClauseRow):
            known = names.get(row.record.name, {}) if row.record else {}
            row.shown = [(value, known.get(str(parse_guid(value.strip()))), None) for value in row.values]
        if isinstance(row, ClauseRow) and row.record and row.lookup.strip():
            row.results = find_records(row.record.name, row.lookup)
    numeric = [f for f in itype.all_fields if f.kind.is_numeric]
    state.numeric_fields = numeric
    state.fields = itype.all_fields


def find_records(record_name: str, text: str) -> list:
    """The record lookup's matches: by name, or the one record a pasted address or GUID points to."""
    return search_records(record_name=record_name, text=extract_guid(text))
