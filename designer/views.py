"""The designer's pages: thin views (request -> form state -> query -> service -> render).

One view per page; the designer page's buttons post named actions (`action=add_clause:r-1`, `save`, ...).
Fragments with a life of their own have their own endpoints: the record lookup, the status poll and the
live size estimate. Every htmx control also works as a plain form post: the page then re-renders whole.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from interactions.catalog import record_type
from interactions.models import INTERACTION_MODELS, RECORD_MODELS, Contact
from segments.estimates import clause_counts, estimate_size, explain_contact
from segments.models import EvaluationRun, Segment
from segments.query import Behavioral, QueryError, parse, unparse
from segments.roles import can_edit, marketer_required, viewer_required
from segments.selectors import csv_lines, find_contact, members_of, search_records
from segments.services import (
    ConcurrentEdit,
    SegmentError,
    query_for,
    segment_create,
    segment_delete,
    segment_duplicate,
    segment_go_live,
    segment_request_evaluation,
    segment_stop,
    segment_update,
)

from . import forms
from .counts import table_counts
from .lookups import decorate, history_chart

PAGE_TEMPLATE = "designer/segment.html"
EDIT_ACTIONS = ("update", "toggle_filters", "group", "add_clause", "add_group", "delete", "ungroup", "add_value",
                "remove_value", "pick", "lookup")
OPERAND_ACTIONS = ("op_add", "op_delete", "op_ungroup", "op_group", "op_up", "op_down")
READ_ACTIONS = ("explain", "estimate")  # what a Viewer may post: they change nothing
READ_ONLY = ("Viewers can look at segments but not change them: ask an administrator to add you to the "
             "Marketers group.")
LIFECYCLE_ACTIONS = ("save", "golive", "stop", "evaluate", "duplicate", "delete_segment")
POLLING = (Segment.Status.QUEUED, Segment.Status.RUNNING)


# --- segment list and import ------------------------------------------------------------------------------


def _require_edit(request):
    if not can_edit(request.user):
        raise PermissionDenied(READ_ONLY)


@viewer_required
def segment_list(request):
    segments = Segment.objects.all()
    text = request.GET.get("q", "").strip()
    state = request.GET.get("state", "")
    if text:
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


# --- the designer ----------------------------------------------------------------------------------------


class Editor:
    """What the designer shows: the behavioral form (`state`) or the compound one (`cstate`), the query, its text
    and errors."""

    def __init__(self, *, state=None, cstate=None, node=None, text="", text_base=None, text_error=None):
        self.state = state
        self.cstate = cstate
        self.node = node
        self.text = text
        self.text_base = text if text_base is None else text_base
        self.text_error = text_error

    @property
    def compound(self) -> bool:
        return self.cstate is not None

    @property
    def has_errors(self) -> bool:
        form = self.cstate if self.compound else self.state
        return form is not None and form.has_errors

    @property
    def current_query(self) -> str:
        return unparse(self.node) if self.node is not None else ""


def _editor_from_text(text: str, *, compound: bool = False, filters_open: bool | None = None) -> Editor:
    """The designer for query text: a set expression always gets the compound designer; a behavioral query gets
    the behavioral one, or one inline block when the user is in the compound designer."""
    node = parse(text)
    if isinstance(node, Behavioral) and not compound:
        state = forms.state_from_node(node)
        if filters_open is not None:
            state.filters_open = filters_open or not state.is_default_having
        return Editor(state=state, node=node, text=unparse(node, wrap=True))
    return Editor(cstate=forms.compound_from_node(node), node=node, text=unparse(node, wrap=True))


def _error_dict(exc: QueryError) -> dict:
    return {"text": str(exc), "message": exc.message, "line": exc.line, "column": exc.column}


def _editor_from_post(request, segment) -> tuple[Editor, str]:
    data = request.POST
    action = data.get("action", "update") or "update"
    text = data.get("query_text", "")
    text_base = data.get("text_base", "")
    compound = data.get("compound") == "1"
    name = segment.name if segment else (data.get("name", "").strip() or None)
    use_text = action == "text" or (
        action.split(":")[0] in LIFECYCLE_ACTIONS and text.strip() != text_base.strip())
    state = None if compound else forms.state_from_post(data)
    cstate = forms.compound_from_post(data) if compound else None

    def form_node():
        return forms.node_from_compound(cstate) if compound else forms.node_from_state(state)

    if use_text:
        try:
            node = query_for(text, name=name)
        except QueryError as exc:
            # The form keeps its last valid state; the text keeps what the user typed.
            return Editor(state=state, cstate=cstate, node=form_node(), text=text, text_base=text_base,
                          text_error=_error_dict(exc)), action
        editor = _editor_from_text(text, compound=compound, filters_open=state.filters_open if state else None)
        editor.text, editor.text_base = text, text
        return editor, action
    verb = action.split(":")[0]
    if compound and (verb in OPERAND_ACTIONS or verb in EDIT_ACTIONS):
        forms.apply_compound_action(cstate, action)
    elif verb in EDIT_ACTIONS:
        forms.apply_action(state, action)
    node = form_node()
    if node is None:
        return Editor(state=state, cstate=cstate, node=None, text=text, text_base=text_base), action
    wrapped = unparse(node, wrap=True)
    return Editor(state=state, cstate=cstate, node=node, text=wrapped), action


def _context(request, segment, editor: Editor, **extra) -> dict:
    compound = {}
    if editor.state is not None:
        decorate(editor.state)
    if editor.cstate is not None:
        for block in editor.cstate.blocks():
            decorate(block)
        names = Segment.objects.order_by("name").values_list("name", flat=True)
        compound = {"cstate": editor.cstate, "joins": forms.JOINS,
                    "segment_names": [n for n in names if segment is None or n != segment.name]}
    saved = segment.query if segment else ""
    post_url = reverse("segment-detail", args=[segment.pk]) if segment else reverse("segment-new")
    return {
        **compound, "readonly": not can_edit(request.user),
        "segment": segment, "editor": editor, "state": editor.state, "post_url": post_url,
        "types": forms.type_choices(), "count_ops": forms.COUNT_OPS, "aggregates": forms.AGGREGATES,
        "units": forms.UNITS, "unsaved": bool(editor.node is not None and editor.current_query != saved),
        "name": extra.pop("name", segment.name if segment else ""),
        "description": extra.pop("description", segment.description if segment else ""),
        "version": extra.pop("version", segment.version if segment else ""),
        "polling": bool(segment and segment.status in POLLING),
        **extra,
    }


@marketer_required
def segment_new(request):
    """A new segment: behavioral, or compound with `?kind=compound`."""
    return _designer(request, None)


@viewer_required
def segment_detail(request, pk):
    return _designer(request, get_object_or_404(Segment, pk=pk))


def _new_editor(request) -> Editor:
    if request.GET.get("kind") == Segment.Kind.COMPOUND:
        cstate = forms.new_compound(tuple(request.GET.getlist("segment")))
        node = forms.node_from_compound(cstate)
        return Editor(cstate=cstate, node=node, text=unparse(node, wrap=True) if node is not None else "")
    state = forms.new_state(request.GET.get("type", forms.DEFAULT_TYPE))
    node = forms.node_from_state(state)
    return Editor(state=state, node=node, text=unparse(node, wrap=True))


def _designer(request, segment):
    if request.method != "POST":
        if segment is not None:
            editor = _editor_from_text(segment.query, compound=segment.kind == Segment.Kind.COMPOUND)
        else:
            editor = _new_editor(request)
        return render(request, PAGE_TEMPLATE, _context(request, segment, editor))

    verb = (request.POST.get("action", "update") or "update").split(":")[0]
    if verb not in READ_ACTIONS:
        _require_edit(request)  # form edits, text sync and lifecycle actions: Marketers (and up) only
    editor, action = _editor_from_post(request, segment)
    verb = action.split(":")[0]
    if verb in LIFECYCLE_ACTIONS:
        return _lifecycle(request, segment, editor, verb)
    context = _context(request, segment, editor, name=request.POST.get("name", ""),
                       description=request.POST.get("description", ""), version=request.POST.get("version", ""))
    if verb == "explain" or verb == "estimate":
        context.update(_explanation(request.POST, editor.current_query, segment) if verb == "explain" else
                       _estimate(editor.current_query, segment))
    if not request.htmx:
        return render(request, PAGE_TEMPLATE, context)
    if verb == "text":
        response = render(request, "designer/segment.html#text-response", context)
    else:
        response = render(request, "designer/segment.html#block-response", context)
    if editor.node is not None:
        response["HX-Trigger"] = "queryChanged"
    return response


def _lifecycle(request, segment, editor: Editor, verb: str):
    data = request.POST
    name, description = data.get("name", ""), data.get("description", "")
    failure = None
    status = 200
    try:
        if verb in ("save", "golive"):
            if editor.node is None:
                raise SegmentError("the query has errors: fix them before saving" if editor.text_error is None
                                   else f"the query text has an error: {editor.text_error['text']}")
            text = editor.current_query
            if segment is None:
                segment = segment_create(name=name, query_text=text, description=description, owner=request.user)
                messages.success(request, f"Created '{segment.name}'.")
            elif (text != segment.query or name.strip() != segment.name or description != segment.description):
                segment = segment_update(segment=segment, version=_int(data.get("version")), user=request.user,
                                         name=name, description=description, query_text=text)
                messages.success(request, f"Saved '{segment.name}' (version {segment.version}).")
            elif verb == "save":
                messages.info(request, "Nothing to save: no changes.")
            if verb == "golive":
                segment = segment_go_live(segment=segment, user=request.user)
                messages.success(request, f"'{segment.name}' is live; its first evaluation is on its way.")
            return redirect("segment-detail", pk=segment.pk)
        if segment is None:
            raise SegmentError("save the segment first")
        if verb == "stop":
            segment_stop(segment=segment, user=request.user)
            messages.success(request, f"Stopped '{segment.name}'.")
        elif verb == "evaluate":
            if segment_request_evaluation(segment=segment, reason="requested in the designer"):
                messages.success(request, f"Evaluating '{segment.name}'.")
            else:
                messages.info(request, "An evaluation is queued already.")
        elif verb == "duplicate":
            copy = segment_duplicate(segment=segment, user=request.user)
            messages.success(request, f"Created '{copy.name}', a copy of '{segment.name}'.")
            return redirect("segment-detail", pk=copy.pk)
        elif verb == "delete_segment":
            segment_delete(segment=segment, user=request.user)
            messages.success(request, f"Deleted '{segment.name}'.")
            return redirect("segment-list")
        return redirect("segment-detail", pk=segment.pk)
    except ConcurrentEdit as exc:
        failure, status = str(exc), 409
    except (SegmentError, QueryError) as exc:
        failure, status = str(exc), 400
    if segment is not None and segment.pk:
        segment.refresh_from_db()
    context = _context(request, segment, editor, name=name, description=description,
                       version=data.get("version", ""), failure=failure)
    return render(request, PAGE_TEMPLATE, context, status=status)


def _int(text) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        return 0


# --- fragments -------------------------------------------------------------------------------------------


@viewer_required
@require_GET
def record_lookup(request, record):
    """Records of a type whose name contains the typed text: the picker under an ID field's value."""
    if record_type(record) is None:
        raise Http404("no such record type")
    path = request.GET.get("path", "")
    if not forms.valid_path(path):
        raise Http404("bad path")
    text = request.GET.get(f"{path}-q", request.GET.get("q", ""))
    return render(request, "designer/segment.html#lookup-results", {
        "results": search_records(record_name=record, text=text), "path": path, "lookup_text": text,
        "post_url": request.GET.get("post_url") or reverse("segment-new")})


@viewer_required
@require_GET
def segment_status(request, pk):
    segment = get_object_or_404(Segment, pk=pk)
    return render(request, "designer/segment.html#status", {"segment": segment, "polling": segment.status in POLLING})


def _posted_segment(data):
    return Segment.objects.filter(pk=_int(data["segment"])).first() if data.get("segment") else None


def _estimate(text: str, segment) -> dict:
    context = {"estimate": None}
    if text:
        try:
            node = query_for(text, name=segment.name if segment else None)
            context["estimate"] = estimate_size(node=node, segment=segment)
            context["clauses"] = clause_counts(node=node)
            context["changed"] = segment is not None and unparse(node) != segment.query
        except QueryError as exc:
            context["estimate_error"] = str(exc)
    return context


def _explanation(data, text: str, segment) -> dict:
    wanted = data.get("explain_contact", "")
    context = {"explain_contact": wanted, "explained": True}
    contact = find_contact(wanted)
    if contact is None:
        context["explain_error"] = f"No contact matches “{wanted}”." if wanted.strip() else "Enter a name or email."
    elif not text:
        context["explain_error"] = "The query has errors: fix them first."
    else:
        try:
            context["explanation"] = explain_contact(node=query_for(text, name=segment.name if segment else None),
                                                      contact=contact)
        except QueryError as exc:
            context["explain_error"] = str(exc)
    return context


@viewer_required
@require_POST
def segment_estimate(request):
    """The live size estimate of the query being edited and, for a live segment, the change against its members."""
    segment = _posted_segment(request.POST)
    context = {"segment": segment, **_estimate(request.POST.get("current_query", ""), segment)}
    return render(request, "designer/segment.html#estimate", context)


@viewer_required
@require_POST
def segment_explain(request):
    """Explain a contact: is it in or out of the query being edited, and why."""
    segment = _posted_segment(request.POST)
    context = {"segment": segment, **_explanation(request.POST, request.POST.get("current_query", ""), segment)}
    return render(request, "designer/segment.html#explain", context)


# --- members and history ---------------------------------------------------------------------------------


@viewer_required
def segment_members(request, pk):
    segment = get_object_or_404(Segment, pk=pk)
    text = request.GET.get("q", "").strip()
    members = members_of(segments=[segment], search=text).select_related("contact")
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    context = {"segment": segment, "page": page, "q": text, "tab": "members",
               "query_string": urlencode({"q": text}) if text else "",
               "polling": segment.status in POLLING}
    if request.htmx and request.htmx.target == "members-table":
        return render(request, "designer/members.html#members-table", context)
    return render(request, "designer/members.html", context)


@viewer_required
def segment_members_csv(request, pk):
    segment = get_object_or_404(Segment, pk=pk)
    rows = (members_of(segments=[segment])
            .values_list("contact__contact_id", "contact__full_name", "contact__email", "since"))
    lines = csv_lines(["ContactId", "FullName", "Email", "MemberSince"],
                      ((contact_id, full_name, email, since.isoformat())
                       for contact_id, full_name, email, since in rows.iterator(chunk_size=2000)))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = "".join(c if c.isalnum() or c in "-_" else "-" for c in segment.name) or "segment"
    response["Content-Disposition"] = f'attachment; filename="{filename}-members.csv"'
    return response


@viewer_required
def segment_history(request, pk):
    segment = get_object_or_404(Segment, pk=pk)
    runs = list(EvaluationRun.objects.filter(segment=segment).order_by("-started")[:100])
    succeeded = list(EvaluationRun.objects.filter(segment=segment, status=EvaluationRun.Status.SUCCEEDED)
                     .order_by("-evaluated_at")[:200])[::-1]
    return render(request, "designer/history.html", {
        "segment": segment, "runs": runs, "chart": history_chart(succeeded), "tab": "history",
        "polling": segment.status in POLLING})
