"""The designer page (behavioral, profile and compound) and its fragments: estimate, explain, record lookup, status.

The page's buttons post named actions (`action=add_clause:r-1`, `save`, ...), read once into an `Action`.
Every htmx control also works as a plain form post: the page then re-renders whole.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from interactions.catalog import record_type
from segments.estimates import Superseded, TooSlow, clause_counts, estimate_size
from segments.explain import explain_contact
from segments.interactive import interactive_run
from segments.models import Segment
from segments.query import QueryError, parse, unparse
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
from ..editor.decorate import decorate, find_records
from ..editor.profile_menus import attributes_by_entity, decorate_profile
from ..editor.rows import valid_path
from ..editor.vocabulary import AGGREGATES, COUNT_OPS, JOINS, UNITS, type_choices
from ..ops.metrics import ESTIMATE_SECONDS
from .editing import LIFECYCLE_ACTIONS, Editor, editor_from_node, editor_from_post, new_editor
from .members import POLLING

PAGE_TEMPLATE = "designer/segment.html"
READ_ACTIONS = ("explain", "estimate")  # what a Viewer may post: they change nothing
READ_ONLY = ("Viewers can look at segments but not change them: ask an administrator to add you to the "
             "Marketers group.")


def _require_edit(request):
    if not can_edit(request.user):
        raise PermissionDenied(READ_ONLY)


def _context(request, segment, editor: Editor, **extra) -> dict:
    compound = {}
    if editor.state is not None:
        decorate(editor.state)
    profiles = [editor.pstate] if editor.pstate is not None else editor.cstate.profiles() if editor.cstate else []
    if profiles:
        menus = attributes_by_entity()  # one read of the declared custom attributes for the page
        for profile in profiles:
            decorate_profile(profile, menus)
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
    """A new segment: behavioral, compound with `?kind=compound`, profile with `?kind=profile`."""
    return _designer(request, None)


@viewer_required
def segment_detail(request, pk):
    return _designer(request, get_object_or_404(Segment, pk=pk))


def _designer(request, segment):
    if request.method != "POST":
        if segment is not None:
            editor = editor_from_node(parse(segment.query), compound=segment.kind == Segment.Kind.COMPOUND)
        else:
            editor = new_editor(request)
        return render(request, PAGE_TEMPLATE, _context(request, segment, editor))

    action = Action.parse(request.POST.get("action"))
    verb = action.verb
    if verb not in READ_ACTIONS:
        _require_edit(request)  # form edits, text sync and lifecycle actions: Marketers (and up) only
    editor = editor_from_post(request, segment, action)
    if verb in LIFECYCLE_ACTIONS:
        return _lifecycle(request, segment, editor, verb)
    context = _context(request, segment, editor, name=request.POST.get("name", ""),
                       description=request.POST.get("description", ""), version=request.POST.get("version", ""))
    if verb == "explain" or verb == "estimate":
        with replica_reads():
            context.update(_explanation(request.POST, editor.current_query, segment) if verb == "explain" else
                           # without JavaScript no second request comes: count exactly (bounded) at once
                           _estimate(editor.current_query, segment, exact=True))
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
    if editor.block_errors:  # e.g. nothing chosen yet: "Add a segment or a block"
        return f"{editor.block_errors[0].rstrip('.')} before saving."
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


def _estimate(text: str, segment, *, exact: bool | None = None) -> dict:
    """The estimate's context: sampled above ESTIMATE_EXACT_BELOW contacts (the page then asks for the exact
    figure, `exact=True`); an exact count that runs too long leaves the sampled figure, saying so."""
    context = {"estimate": None, "estimated_query": text}  # the client tells a stale number by it
    if text:
        try:
            node = query_for(text, name=segment.name if segment else None)
            with ESTIMATE_SECONDS.time():
                try:
                    context["estimate"] = estimate_size(node=node, segment=segment, exact=exact)
                    context["clauses"] = clause_counts(node=node, exact=exact)
                except TooSlow as exc:
                    if not exact:
                        raise
                    context["exact_error"] = f"Too slow to count exactly: {exc}; the figures are estimates."
                    context["estimate"] = estimate_size(node=node, segment=segment, exact=False)
                    context["clauses"] = clause_counts(node=node, exact=False)
            context["changed"] = segment is not None and unparse(node) != segment.query
        except QueryError as exc:
            context["estimate_error"] = str(exc)
        except TooSlow as exc:
            context["estimate_error"] = f"Too slow to estimate: {exc}"
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
    """The live size estimate of the query being edited and, for a live segment, the change against its members.

    `editor` and `seq` name the page and its edit: a newer edit cancels this one's statements, and a superseded
    estimate answers 204 (nothing to show). `exact=1`: the exact figure that follows a sampled one.
    """
    data = request.POST
    try:
        with replica_reads(), interactive_run(editor=data.get("editor"), seq=_seq(data.get("seq"))):
            segment = _posted_segment(data)
            context = {"segment": segment,
                       **_estimate(data.get("current_query", ""), segment, exact=data.get("exact") == "1" or None)}
    except Superseded:
        return HttpResponse(status=204)
    return render(request, "designer/segment.html#estimate", context)


def _seq(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


@viewer_required
@require_POST
def segment_explain(request):
    """Explain a contact: is it in or out of the query being edited, and why."""
    segment = _posted_segment(request.POST)
    context = {"segment": segment, **_explanation(request.POST, request.POST.get("current_query", ""), segment)}
    return render(request, "designer/segment.html#explain", context)


