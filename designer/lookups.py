"""What the designer's templates need beside the state: row widgets and record names, the history chart."""

from __future__ import annotations

from collections import defaultdict

from interactions.catalog import FieldKind, parse_guid
from interactions.models import RECORD_MODELS
from segments.selectors import search_records

from .forms import IN, OPERATOR_LABELS, VALUELESS, ClauseRow, DesignerState, walk


def decorate(state: DesignerState) -> None:
    """Attach what the template needs to each row: the field, its operators, value widgets, record names."""
    itype = state.itype
    wanted: dict[str, set] = defaultdict(set)
    for row in walk(state.root):
        if not isinstance(row, ClauseRow):
            continue
        fld = itype.field(row.field) if row.field else None
        kind = fld.kind if fld else FieldKind.STRING
        row.fieldobj = fld
        row.ops = OPERATOR_LABELS[kind]
        row.valueless = row.op in VALUELESS
        row.multi = row.op == IN
        row.input_kind = kind.value
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
            row.shown = [(value, known.get(str(parse_guid(value.strip())))) for value in row.values]
        if isinstance(row, ClauseRow) and row.record and row.lookup.strip():
            row.results = search_records(record_name=row.record.name, text=row.lookup)
    numeric = [f for f in itype.all_fields if f.kind.is_numeric]
    state.numeric_fields = numeric
    state.fields = itype.all_fields


def history_chart(runs, width: int = 640, height: int = 160, pad: int = 28) -> dict | None:
    """An inline SVG line chart of membership size over time, from succeeded runs (oldest first)."""
    points = [(r.evaluated_at, r.members) for r in runs if r.members is not None]
    if not points:
        return None
    t0, t1 = points[0][0].timestamp(), points[-1][0].timestamp()
    top = max(m for _, m in points) or 1
    span = (t1 - t0) or 1
    inner_w, inner_h = width - 2 * pad, height - 2 * pad

    def xy(at, members):
        x = pad + (inner_w * (at.timestamp() - t0) / span if t1 > t0 else inner_w / 2)
        y = pad + inner_h - inner_h * members / top
        return round(x, 1), round(y, 1)

    coords = [xy(at, m) for at, m in points]
    return {
        "width": width, "height": height, "pad": pad, "bottom": height - pad, "right": width - pad,
        "polyline": " ".join(f"{x},{y}" for x, y in coords),
        "dots": [{"x": x, "y": y, "at": at, "members": m} for (x, y), (at, m) in zip(coords, points, strict=True)],
        "top": top, "first": points[0][0], "last": points[-1][0],
    }


