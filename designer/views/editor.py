"""The designer page (behavioral and compound) and its fragments: estimate, explain, record lookup, status.

The page's buttons post named actions (`action=add_clause:r-1`, `save`, ...), read once into an `Action`.
Every htmx control also works as a plain form post: the page then re-renders whole.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from interactions.catalog import record_type
from segments.estimates import TooSlow, clause_counts, estimate_size
from segments.explain import explain_contact
from segments.models import Segment
from segments.query import Behavioral, QueryError, parse, unparse
from segments.roles import can_edit, marketer_required, viewer_required
from segments.selectors import find_contacts
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
    segment_would_change,
)

from ..db_router import replica_reads
from ..editor.actions import Action
from ..editor.behavioral import node_from_state, state_from_node, state_from_post
from ..editor.compound import (
    OPERAND_EDITS,
    apply_compound_action,
    compound_from_node,
    compound_from_post,
    new_compound,
    node_from_compound,
)
from ..editor.decorate import decorate, find_records
from ..editor.edits import EDIT_VERBS, apply_action
from ..editor.rows import new_state, valid_path
from ..editor.vocabulary import AGGREGATES, COUNT_OPS, DEFAULT_TYPE, JOINS, UNITS, type_choices
from ..ops.metrics import ESTIMATE_SECONDS
from .members import POLLING

PAGE_TEMPLATE = "designer/segment.html"
READ_ACTIONS = ("explain", "estimate")  # what a Viewer may post: they change nothing
READ_ONLY = ("Viewers can look at segments but not change them: ask an administrator to add you to the "
             "Marketers group.")
LIFECYCLE_ACTIONS = ("save", "golive", "stop", "evaluate", "evaluate_full", "duplicate", "delete_segment")


def _require_edit(request):
    if not can_edit(request.user):
        raise PermissionDenied(READ_ONLY)


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
    def form_problem(self) -> str:
        """What the form lacks, said once for the whole query (an empty compound: "Add a segment or a block.")."""
        if self.compound and self.cstate.errors:
            return self.cstate.errors[0]
        return "The form has errors; the text shows the last valid query."

    @property
    def refusal(self) -> str | None:
        """Why Save and Go live refuse while the typed text does not parse: the text is the user's work."""
        if self.text_error is None:
            return None
        error = self.text_error
        where = f" at {error['line']}:{error['column']}" if error["line"] is not None else ""
        return f"The query text has an error{where}: {error['message']}; fix it or undo it before saving."

    @cached_property
    def current_query(self) -> str:
        return unparse(self.node) if self.node is not None else ""


def _editor_from_node(node, *, compound: bool = False, filters_open: bool | None = None) -> Editor:
    """The designer for a query: a set expression always gets the compound designer; a behavioral query gets
    the behavioral one, or one inline block when the user is in the compound designer."""
    if isinstance(node, Behavioral) and not compound:
        state = state_from_node(node)
        if filters_open is not None:
            state.filters_open = filters_open or not state.is_default_having
        return Editor(state=state, node=node, text=unparse(node, wrap=True))
    return Editor(cstate=compound_from_node(node), node=node, text=unparse(node, wrap=True))


def _error_dict(exc: QueryError) -> dict:
    return {"text": str(exc), "message": exc.message, "line": exc.line, "column": exc.column}


def _form_states(data, compound: bool):
    """(behavioral state, compound state) of the posted form: one of them is None."""
    return (None, compound_from_post(data)) if compound else (state_from_post(data), None)


def _form_node(state, cstate):
    return node_from_compound(cstate) if cstate is not None else node_from_state(state)


def _editor_from_post(request, segment, action: Action) -> Editor:
    data = request.POST
    text = data.get("query_text", "")
    text_base = data.get("text_base", "")
    compound = data.get("compound") == "1"
    name = segment.name if segment else (data.get("name", "").strip() or None)
    use_text = action.verb == "text" or (
        action.verb in LIFECYCLE_ACTIONS and text.strip() != text_base.strip())
    if use_text:
        try:
            node = query_for(text, name=name)  # the one parse of the typed text in this request
        except QueryError as exc:
            # The form keeps its last valid state; the text keeps what the user typed.
            state, cstate = _form_states(data, compound)
            return Editor(state=state, cstate=cstate, node=_form_node(state, cstate), text=text,
                          text_base=text_base, text_error=_error_dict(exc))
        # The posted form is replaced by the text's: of it only the filter row's open/closed state carries over.
        editor = _editor_from_node(node, compound=compound,
                                   filters_open=None if compound else data.get("filters_open") == "1")
        editor.text, editor.text_base = text, text
        return editor
    state, cstate = _form_states(data, compound)
    if compound and (action.verb in OPERAND_EDITS or action.verb in EDIT_VERBS):
        apply_compound_action(cstate, action)
    elif action.verb in EDIT_VERBS:
        apply_action(state, action)
    node = _form_node(state, cstate)
    if node is None:
        return Editor(state=state, cstate=cstate, node=None, text=text, text_base=text_base)
    wrapped = unparse(node, wrap=True)
    return Editor(state=state, cstate=cstate, node=node, text=wrapped)


def _context(request, segment, editor: Editor, **extra) -> dict:
    compound = {}
    if editor.state is not None:
        decorate(editor.state)
    if editor.cstate is not None:
        for block in editor.cstate.blocks():
            decorate(block)
        names = Segment.objects.order_by("name").values_list("name", flat=True)
        compound = {"cstate": editor.cstate, "joins": JOINS,
                    "segment_names": [n for n in names if segment is None or n != segment.name]}
    saved = segment.query if segment else ""
    unsaved = bool(editor.node is not None and editor.current_query != saved)
    post_url = reverse("segment-detail", args=[segment.pk]) if segment else reverse("segment-new")
    return {
        **compound, "readonly": not can_edit(request.user),
        "segment": segment, "editor": editor, "state": editor.state, "post_url": post_url,
        "types": type_choices(), "count_ops": COUNT_OPS, "aggregates": AGGREGATES,
        "units": UNITS, "unsaved": unsaved,
        # what leaving the page would lose (the unsaved-changes guard); a new segment only once it was edited
        "dirty": unsaved and (segment is not None or request.method == "POST"),
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
        cstate = new_compound(tuple(request.GET.getlist("segment")))
        node = node_from_compound(cstate)
        return Editor(cstate=cstate, node=node, text=unparse(node, wrap=True) if node is not None else "")
    state = new_state(request.GET.get("type", DEFAULT_TYPE))
    node = node_from_state(state)
    return Editor(state=state, node=node, text=unparse(node, wrap=True))


def _designer(request, segment):
    if request.method != "POST":
        if segment is not None:
            editor = _editor_from_node(parse(segment.query), compound=segment.kind == Segment.Kind.COMPOUND)
        else:
            editor = _new_editor(request)
        return render(request, PAGE_TEMPLATE, _context(request, segment, editor))

    action = Action.parse(request.POST.get("action"))
    verb = action.verb
    if verb not in READ_ACTIONS:
        _require_edit(request)  # form edits, text sync and lifecycle actions: Marketers (and up) only
    editor = _editor_from_post(request, segment, action)
    if verb in LIFECYCLE_ACTIONS:
        return _lifecycle(request, segment, editor, verb)
    context = _context(request, segment, editor, name=request.POST.get("name", ""),
                       description=request.POST.get("description", ""), version=request.POST.get("version", ""))
    if verb == "explain" or verb == "estimate":
        with replica_reads():
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


def _why_not_saveable(editor: Editor) -> str:
    if editor.text_error is not None:
        return f"the query text has an error: {editor.text_error['text']}"
    if editor.compound and editor.cstate.errors:  # e.g. nothing chosen yet: "Add a segment or a block"
        return f"{editor.cstate.errors[0].rstrip('.')} before saving."
    return "the query has errors: fix them before saving"


def _lifecycle(request, segment, editor: Editor, verb: str):
    data = request.POST
    name, description = data.get("name", ""), data.get("description", "")
    failure = None
    status = 200
    try:
        if verb in ("save", "golive"):
            if editor.refusal:  # never the form's query instead of the text the user typed
                raise SegmentError(editor.refusal)
            if editor.node is None:
                raise SegmentError(_why_not_saveable(editor))
            text = editor.current_query
            if segment is None:
                segment = segment_create(name=name, query_text=text, description=description, owner=request.user)
                messages.success(request, f"Created '{segment.name}'.")
            elif segment_would_change(segment=segment, query_text=text, name=name, description=description):
                segment = segment_update(segment=segment, version=_int(data.get("version")), name=name,
                                         description=description, query_text=text)
                messages.success(request, f"Saved '{segment.name}' (version {segment.version}).")
            elif verb == "save":
                messages.info(request, "Nothing to save: no changes.")
            if verb == "golive":
                segment = segment_go_live(segment=segment)
                messages.success(request, f"'{segment.name}' is live; its first evaluation is on its way.")
            return redirect("segment-detail", pk=segment.pk)
        if segment is None:
            raise SegmentError("save the segment first")
        if verb == "stop":
            segment_stop(segment=segment)
            messages.success(request, f"Stopped '{segment.name}'.")
        elif verb in ("evaluate", "evaluate_full"):
            full = verb == "evaluate_full"
            if segment_request_evaluation(segment=segment, reason="requested in the designer", full=full):
                messages.success(request, f"Evaluating '{segment.name}'{' in full' if full else ''}.")
            else:
                messages.info(request, "An evaluation is queued already.")
        elif verb == "duplicate":
            copy = segment_duplicate(segment=segment, user=request.user)
            messages.success(request, f"Created '{copy.name}', a copy of '{segment.name}'.")
            return redirect("segment-detail", pk=copy.pk)
        elif verb == "delete_segment":
            segment_delete(segment=segment)
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
    if not valid_path(path):
        raise Http404("bad path")
    text = request.GET.get(f"{path}-q", request.GET.get("q", ""))
    return render(request, "designer/segment.html#lookup-results", {
        "results": find_records(record, text), "path": path, "lookup_text": text,
        "post_url": request.GET.get("post_url") or reverse("segment-new")})


@viewer_required
@require_GET
def segment_status(request, pk):
    segment = get_object_or_404(Segment, pk=pk)
    return render(request, "designer/segment.html#status", {"segment": segment, "polling": segment.status in POLLING})


def _posted_segment(data):
    return Segment.objects.filter(pk=_int(data["segment"])).first() if data.get("segment") else None


def _estimate(text: str, segment) -> dict:
    context = {"estimate": None, "estimated_query": text}  # the client tells a stale number by it
    if text:
        try:
            node = query_for(text, name=segment.name if segment else None)
            with ESTIMATE_SECONDS.time():
                context["estimate"] = estimate_size(node=node, segment=segment)
                context["clauses"] = clause_counts(node=node)
            context["changed"] = segment is not None and unparse(node) != segment.query
        except (QueryError, TooSlow) as exc:
            context["estimate_error"] = str(exc)
    return context


def _explanation(data, text: str, segment) -> dict:
    wanted = data.get("explain_contact", "")
    context = {"explain_contact": wanted, "explained": True}
    picked = Action.parse(data.get("action")).extra  # "explain::<ContactId>": one of the offered matches
    matches = find_contacts(picked or wanted)
    if len(matches) > 1:
        context["explain_choices"] = matches  # the person chooses; the designer never guesses which one
        return context
    contact = matches[0] if matches else None
    if contact is None:
        context["explain_error"] = f"No contact matches “{wanted}”." if wanted.strip() else "Enter a name or email."
    elif not text:
        context["explain_error"] = "The query has errors: fix them first."
    else:
        try:
            context["explanation"] = explain_contact(node=query_for(text, name=segment.name if segment else None),
                                                      contact=contact)
        except (QueryError, TooSlow) as exc:
            context["explain_error"] = str(exc)
    return context


@viewer_required
@require_POST
def segment_estimate(request):
    """The live size estimate of the query being edited and, for a live segment, the change against its members."""
    with replica_reads():
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


