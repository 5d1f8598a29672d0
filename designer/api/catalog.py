"""The catalog over the API: interaction types, their fields and the records ID fields point to."""

from __future__ import annotations

from ninja import Router

from interactions.catalog import INTERACTION_TYPES, interaction_type

from .auth import require_viewer
from .errors import ApiError
from .schemas import ERRORS, READ, InteractionTypeOut

router = Router(tags=["catalog"])


def _type_out(itype) -> dict:
    return {"name": itype.name, "display_name": itype.display_name,
            "fields": [{"name": f.name, "kind": str(f.kind), "label": f.label,
                        "record_type": f.record.name if f.record else None} for f in itype.all_fields]}


@router.get("/interaction-types", response={200: list[InteractionTypeOut], **ERRORS},
            summary="Interaction types and their fields")
def interaction_types(request):
    require_viewer(request)
    return [_type_out(t) for t in INTERACTION_TYPES]


@router.get("/interaction-types/{name}", response={200: InteractionTypeOut, **READ}, summary="One interaction type")
def interaction_type_detail(request, name: str):
    require_viewer(request)
    itype = interaction_type(name)
    if itype is None:
        raise ApiError(404, f"unknown interaction type '{name[:60]}'")
    return _type_out(itype)
