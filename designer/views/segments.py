"""The segment list, the import of pasted query text and the overview of what the store holds."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render

from interactions.counts import table_counts
from interactions.models import INTERACTION_MODELS, RECORD_MODELS, Contact
from segments.models import Segment
from segments.query import QueryError
from segments.roles import marketer_required, viewer_required
from segments.services import SegmentError, segment_create

# --- segment list and import ------------------------------------------------------------------------------


@viewer_required
def segment_list(request):
    segments = Segment.objects.all()
    text = request.GET.get("q", "").strip()
    state = request.GET.get("state", "")
    if "\x00" in text:
        segments = segments.none()  # no stored text holds a NUL (and PostgreSQL refuses it as a parameter)
    elif text:
        segments = segments.filter(Q(name__icontains=text) | Q(description__icontains=text))
    if state in Segment.State.values:
        segments = segments.filter(state=state)
    context = {"segments": segments.order_by("-updated"), "q": text, "state": state,
               "states": Segment.State.choices, "import": {}}
    if request.htmx and request.htmx.target == "segment-table":
        return render(request, "designer/segment_list.html#segment-table", context)
    return render(request, "designer/segment_list.html", context)


@marketer_required
def segment_import(request):
    """Paste query text: it becomes a new draft, or the error is shown at its position."""
    if request.method != "POST":
        return redirect("segment-list")
    name = request.POST.get("name", "").strip()
    text = request.POST.get("query_text", "")
    description = request.POST.get("description", "")
    error = None
    try:
        segment = segment_create(name=name, query_text=text, description=description, owner=request.user)
    except QueryError as exc:
        error = {"text": str(exc), "line": exc.line, "column": exc.column}
    except SegmentError as exc:
        error = {"text": str(exc)}
    else:
        messages.success(request, f"Imported '{segment.name}' as a draft.")
        return redirect("segment-detail", pk=segment.pk)
    context = {"segments": Segment.objects.order_by("-updated"), "q": "", "state": "",
               "states": Segment.State.choices,
               "import": {"name": name, "text": text, "description": description, "error": error, "open": True}}
    return render(request, "designer/segment_list.html", context, status=400)


@viewer_required
def data_overview(request):
    """What the store holds: contacts, records and interactions per type.

    COUNT(*) of a 10-million-row table takes seconds on PostgreSQL, so there the counts are the planner's
    estimates (labelled "about"); SQLite counts exactly.
    """
    models = [Contact, *INTERACTION_MODELS.values(), *RECORD_MODELS.values()]
    counts, estimated = table_counts(models)
    interactions = [
        {"name": model.catalog.display_name, "type": model.catalog.name, "count": counts[model]}
        for model in INTERACTION_MODELS.values()
    ]
    records = [{"name": model._meta.verbose_name, "count": counts[model]} for model in RECORD_MODELS.values()]
    return render(request, "designer/overview.html", {
        "contacts": counts[Contact],
        "interactions": interactions,
        "interaction_total": sum(row["count"].value for row in interactions),
        "records": records,
        "estimated": any(row["count"].estimated for row in interactions),
        "any_estimated": estimated,
    })


