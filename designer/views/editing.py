"""The designer page's editor: the form the page shows (behavioral, compound or profile), read from a post or made
for a query, with the query, its text and the text's error. The views in editor.py render it."""

from __future__ import annotations

from functools import cached_property

from segments.models import Segment
from segments.query import Behavioral, QueryError, unparse
from segments.query.nodes import Profile
from segments.services import query_for

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
from ..editor.edits import EDIT_VERBS, apply_action
from ..editor.profile import apply_profile_action, new_profile, node_from_profile, profile_from_node, profile_from_post
from ..editor.rows import new_state
from ..editor.vocabulary import DEFAULT_TYPE

LIFECYCLE_ACTIONS = ("save", "golive", "stop", "evaluate", "evaluate_full", "duplicate", "delete_segment")


class Editor:
    """What the designer shows: the behavioral form (`state`), the compound one (`cstate`) or the profile one
    (`pstate`), the query, its text and errors."""

    def __init__(self, *, state=None, cstate=None, pstate=None, node=None, text="", text_base=None, text_error=None):
        self.state = state
        self.cstate = cstate
        self.pstate = pstate
        self.node = node
        self.text = text
        self.text_base = text if text_base is None else text_base
        self.text_error = text_error

    @property
    def compound(self) -> bool:
        return self.cstate is not None

    @property
    def profile(self) -> bool:
        return self.pstate is not None

    @property
    def has_errors(self) -> bool:
        form = self.cstate if self.compound else self.pstate if self.profile else self.state
        return form is not None and form.has_errors

    @property
    def form_problem(self) -> str:
        """What the form lacks, said once for the whole query (an empty compound: "Add a segment or a block.")."""
        errors = self.block_errors
        return errors[0] if errors else "The form has errors; the text shows the last valid query."

    @property
    def block_errors(self) -> list[str]:
        """The errors of the whole compound or profile form (not of one row)."""
        return self.cstate.errors if self.compound else self.pstate.errors if self.profile else []

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


def editor_from_node(node, *, compound: bool = False, filters_open: bool | None = None) -> Editor:
    """The designer for a query: a set expression always gets the compound designer; a behavioral or profile
    query gets its own designer, or one inline block when the user is in the compound designer."""
    if isinstance(node, Profile) and not compound:
        return Editor(pstate=profile_from_node(node), node=node, text=unparse(node, wrap=True))
    if isinstance(node, Behavioral) and not compound:
        state = state_from_node(node)
        if filters_open is not None:
            state.filters_open = filters_open or not state.is_default_having
        return Editor(state=state, node=node, text=unparse(node, wrap=True))
    return Editor(cstate=compound_from_node(node), node=node, text=unparse(node, wrap=True))


def _error_dict(exc: QueryError) -> dict:
    return {"text": str(exc), "message": exc.message, "line": exc.line, "column": exc.column}


def _form_states(data) -> dict:
    """The posted form's state: {"state": ...}, {"cstate": ...} or {"pstate": ...} (Editor's arguments)."""
    if data.get("compound") == "1":
        return {"cstate": compound_from_post(data)}
    if data.get("profile") == "1":
        return {"pstate": profile_from_post(data)}
    return {"state": state_from_post(data)}


def _form_node(forms: dict):
    if "cstate" in forms:
        return node_from_compound(forms["cstate"])
    if "pstate" in forms:
        return node_from_profile(forms["pstate"])
    return node_from_state(forms["state"])


def editor_from_post(request, segment, action: Action) -> Editor:
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
            forms = _form_states(data)
            return Editor(**forms, node=_form_node(forms), text=text, text_base=text_base,
                          text_error=_error_dict(exc))
        # The posted form is replaced by the text's: of it only the filter row's open/closed state carries over.
        editor = editor_from_node(node, compound=compound,
                                   filters_open=None if compound else data.get("filters_open") == "1")
        editor.text, editor.text_base = text, text
        return editor
    forms = _form_states(data)
    if "cstate" in forms and (action.verb in OPERAND_EDITS or action.verb in EDIT_VERBS):
        apply_compound_action(forms["cstate"], action)
    elif "pstate" in forms and action.verb in EDIT_VERBS:
        apply_profile_action(forms["pstate"], action)
    elif "state" in forms and action.verb in EDIT_VERBS:
        apply_action(forms["state"], action)
    node = _form_node(forms)
    if node is None:
        return Editor(**forms, node=None, text=text, text_base=text_base)
    return Editor(**forms, node=node, text=unparse(node, wrap=True))


def new_editor(request) -> Editor:
    if request.GET.get("kind") == Segment.Kind.COMPOUND:
        cstate = new_compound(tuple(request.GET.getlist("segment")))
        node = node_from_compound(cstate)
        return Editor(cstate=cstate, node=node, text=unparse(node, wrap=True) if node is not None else "")
    if request.GET.get("kind") == Segment.Kind.PROFILE:
        pstate = new_profile(request.GET.get("entity", "contact"))
        node = node_from_profile(pstate)
        return Editor(pstate=pstate, node=node, text=unparse(node, wrap=True))
    state = new_state(request.GET.get("type", DEFAULT_TYPE))
    node = node_from_state(state)
    return Editor(state=state, node=node, text=unparse(node, wrap=True))

