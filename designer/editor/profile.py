"""The one place where the designer's profile form and the PROFILE(...) AST meet.

A profile block is an entity ("Contacts", or "Accounts and their contacts") and one tree of clause rows per
FILTER the form can hold: for contacts `PROFILE(contact[, alias])[.FILTER(...)]`; for accounts
`PROFILE(account[, alias])[.FILTER(account rows)].TRAVERSE(contact_account_parentcustomerid[, alias])
[.FILTER(contact rows)]`. The rows use the behavioral form's tree (rows.py, edits.py); their field names start
with the block's prefix ("" on the profile designer, "c-1-" inline in a compound query):

    entity, prev_entity   the entity and the one the page was drawn with (a change moves the contact rows)
    alias, t-alias        the aliases the query text gave PROFILE(...) and TRAVERSE(...), kept as written
    r-0-field ...         the rows of the first FILTER (the entity's attributes), as in behavioral.py
    t-r-0-field ...       accounts only: the rows of the FILTER on their contacts
    r-0-qual              the alias or entity name the text wrote before the attribute (kept as written)
    r-0-when, r-0-unit    a date attribute's value: "at" a written date, "ago" / "ahead" N units from now, "now",
                          or "date" DATE(y, m, d[, h, mi, s]) with its numbers in the value (r-0-prev_when: the
                          mode the page was drawn with; a new mode starts with an empty value); "since" compares
                          DATEDIFF(unit, attribute, DATETIMEUTCNOW()) with the value, a whole number
    ptext                 a profile query the form cannot show (other DATEDIFFs, other chains of steps): kept whole,
                          edited in the Query view

form(AST) -> POST -> AST is the identity for every canonical profile query the form shows; any other profile
query travels as its text, never altered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field

from interactions.catalog import PARENT_CUSTOMER, Attribute, FieldKind, entity, profile_attribute
from segments.query import Clause, Group, QueryError, parse, unparse, validate
from segments.query.nodes import (
    COMPARES,
    DATE_PARTS,
    AttributeRef,
    DateAdd,
    DateDiff,
    DateValue,
    Now,
    Profile,
    ProfileFilter,
    Traverse,
)

from .actions import Action
from .behavioral import extract_guid, parse_number, post_getter, tree_from_node, tree_from_post, tree_node, value_shown
from .edits import STATE_EDITS, apply_action, group_selected
from .rows import ClauseRow, GroupRow, renumber, walk
from .vocabulary import IN, OPERATOR_LABELS, ROOT, VALUELESS

ENTITY_CHOICES = (("contact", "Contacts"), ("account", "Accounts and their contacts"))
WHEN_CHOICES = (("at", "a date"), ("ago", "a time ago"), ("ahead", "a time from now"), ("now", "now"),
                ("since", "counted to now (DATEDIFF)"))
DATE_FUNCTION = ("date", "DATE(…)")  # offered only on a row that holds one (pasted text)
UNIT_CHOICES = (("DAY", "days"), ("MONTH", "months"), ("YEAR", "years"), ("HOUR", "hours"), ("MINUTE", "minutes"))
DATE_KINDS = (FieldKind.DATE, FieldKind.DATETIME)
TEXT_ONLY = "This profile block is edited in the Query view: the form cannot show all of it."
CONTACTS_PREFIX = "t-"  # the rows of the FILTER after TRAVERSE, under the block's prefix
_WHOLE = re.compile(r"\d+")
_SIGNED = re.compile(r"[+-]?\d+")
_DATE_NUMBERS = re.compile(r"\s*\d+(?:\s*,\s*\d+)*\s*")


class Unshowable(Exception):
    """The profile query says something the form cannot hold: it stays text."""


@dataclass
class ProfileRow(ClauseRow):
    qualifier: str = ""
    when: str = "at"
    unit: str = "DAY"


@dataclass
class ProfilePart:
    """The rows of one FILTER over one entity's attributes; it quacks like a DesignerState for rows.py/edits.py."""

    entity: str
    prefix: str
    root: GroupRow = dc_field(default_factory=GroupRow)
    notices: list[str] = dc_field(default_factory=list)

    def __post_init__(self):
        self.root.path = self.prefix + ROOT
        renumber(self.root)

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in walk(self.root))

    @property
    def empty_text(self) -> str:
        return f"No clauses: every {entity(self.entity).display_name.lower()} counts."


@dataclass
class ProfileState:
    entity: str = "contact"
    alias: str = ""
    traverse_alias: str = ""
    parts: list[ProfilePart] = dc_field(default_factory=list)  # the entity's rows; for accounts, then their contacts'
    text: str = ""  # non-empty: a query the form cannot show, edited in the Query view
    notices: list[str] = dc_field(default_factory=list)
    errors: list[str] = dc_field(default_factory=list)
    prefix: str = ""
    text_only = TEXT_ONLY

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(part.has_errors for part in self.parts)

    def move_to(self, prefix: str) -> None:
        """Give the block (an operand that moved) and its rows the names of its new place."""
        for part in self.parts:
            part.prefix = prefix + part.prefix[len(self.prefix):]
            part.root.path = part.prefix + ROOT
            renumber(part.root)
        self.prefix = prefix


def new_profile(entity_name: str = "contact", prefix: str = "") -> ProfileState:
    state = ProfileState(entity=entity_name if entity(entity_name) else "contact", prefix=prefix)
    state.parts = _parts(state.entity, prefix)
    return state


def _parts(entity_name: str, prefix: str, *roots: GroupRow) -> list[ProfilePart]:
    entities = ["account", "contact"] if entity_name == "account" else ["contact"]
    prefixes = [prefix, prefix + CONTACTS_PREFIX]
    return [ProfilePart(e, p, roots[i] if i < len(roots) else GroupRow()) for i, (e, p) in
            enumerate(zip(entities, prefixes, strict=False))]


# --- POST -> state ---------------------------------------------------------------------------------------

def _row_from_post(path: str, get, values: list[str]) -> ProfileRow:
    when = get(f"{path}-when")
    unit = get(f"{path}-unit")
    if get(f"{path}-prev_when") not in ("", when):
        values = [""]  # "a date" -> "a time ago": the date typed is no number of days
    return ProfileRow(field=get(f"{path}-field"), op=get(f"{path}-op") or "==", values=values,
                      selected=bool(get(f"{path}-sel")), path=path, qualifier=get(f"{path}-qual"),
                      when=when if when in (*dict(WHEN_CHOICES), DATE_FUNCTION[0]) else "at",
                      unit=unit if unit in DATE_PARTS else "DAY")


def profile_from_post(data, prefix: str = "") -> ProfileState:
    get = post_getter(data)
    text = get(prefix + "ptext")
    if text:
        return ProfileState(entity="", text=text, prefix=prefix)
    state = new_profile(get(prefix + "entity"), prefix)
    state.alias, state.traverse_alias = get(prefix + "alias"), get(prefix + "t-alias")
    roots = [tree_from_post(data, part.prefix, _row_from_post) for part in state.parts]
    previous = get(prefix + "prev_entity")
    if previous in ("contact", "account") and previous != state.entity:
        # The contact rows stay the contact rows: first on contacts, after TRAVERSE on accounts.
        old = _parts(previous, prefix)
        old_roots = [tree_from_post(data, part.prefix, _row_from_post) for part in old]
        contacts = old_roots[-1]
        if state.entity == "account":
            roots, state.traverse_alias, state.alias = [GroupRow(), contacts], state.alias, ""
        else:
            roots, state.alias, state.traverse_alias = [contacts], state.traverse_alias, ""
            dropped = [row for row in walk(old_roots[0]) if isinstance(row, ClauseRow) and row.field]
            if dropped:
                state.notices.append(f"Contacts have no account clauses: {len(dropped)} "
                                     f"{'was' if len(dropped) == 1 else 'were'} dropped.")
    state.parts = _parts(state.entity, prefix, *roots)
    return state


# --- AST -> state ----------------------------------------------------------------------------------------

def profile_from_node(node: Profile, prefix: str = "") -> ProfileState:
    """The form of a profile query; a query it cannot show becomes a text-only block."""
    try:
        return _showable(node, prefix)
    except Unshowable:
        return ProfileState(entity="", text=unparse(node), prefix=prefix)


def _showable(node: Profile, prefix: str) -> ProfileState:
    steps = list(node.steps)
    filters: list[Group | None] = []
    traverse = None
    for expected in (["contact"] if node.entity == "contact" else ["account", "contact"]):
        step = steps.pop(0) if steps and isinstance(steps[0], ProfileFilter) else None
        filters.append(step.condition if step else None)
        if expected == "account":
            if not steps or not isinstance(steps[0], Traverse):
                raise Unshowable("accounts without their contacts")
            traverse = steps.pop(0)
    if steps:
        raise Unshowable("more steps than the form holds")
    state = new_profile(node.entity, prefix)
    state.alias = node.alias or ""
    state.traverse_alias = (traverse.alias or "") if traverse else ""
    for part, condition in zip(state.parts, filters, strict=True):
        if condition is not None:
            part.root = tree_from_node(condition, part.prefix + ROOT, _row_from_clause)
    return state


def _row_from_clause(item, path: str) -> ProfileRow:
    if isinstance(item, DateDiff) and isinstance(item.start, AttributeRef) and isinstance(item.end, Now):
        qualifier, _, name = item.start.name.rpartition(".")
        return ProfileRow(field=name, op=item.op, values=[str(item.value)], path=path, qualifier=qualifier,
                          when="since", unit=item.part)
    if not isinstance(item, Clause):
        raise Unshowable("another DATEDIFF")
    qualifier, _, name = item.field.rpartition(".")
    row = ProfileRow(field=name, op=IN if len(item.values) > 1 else item.op, path=path, qualifier=qualifier)
    dates = [v for v in item.values if isinstance(v, Now | DateValue | DateAdd)]
    if dates and len(item.values) > 1:
        raise Unshowable("a list of date functions")
    value = dates[0] if dates else None
    if isinstance(value, Now):
        row.when, row.values = "now", [""]
    elif isinstance(value, DateAdd) and isinstance(value.value, Now):
        row.when, row.unit, row.values = "ago" if value.n < 0 else "ahead", value.part, [str(abs(value.n))]
    elif isinstance(value, DateValue):
        row.when, row.values = "date", [", ".join(str(p) for p in value.parts)]
    elif value is not None:
        raise Unshowable("a date moved from another date")
    else:
        row.values = [value_shown(v) for v in item.values] or [""]
    return row


# --- state -> AST ----------------------------------------------------------------------------------------

def node_from_profile(state: ProfileState) -> Profile | None:
    """The query the form describes, in canonical form; None when a row or the block has an error."""
    state.errors = []
    if state.text:
        try:
            node = parse(state.text)
        except QueryError as exc:
            state.errors.append(str(exc))
            return None
        if not isinstance(node, Profile):
            state.errors.append("a profile block holds one PROFILE(...) query")
            return None
        return node
    steps: list = []
    for part in state.parts:
        if part.entity == "contact" and state.entity == "account":
            steps.append(Traverse(PARENT_CUSTOMER, state.traverse_alias or None))
        root = tree_node(part.root, lambda row, part=part: _clause_node(row, part.entity))
        if root is not None:
            steps.append(ProfileFilter(Group(root.op, root.items)))
    if any(part.has_errors for part in state.parts):
        return None
    node = Profile(state.entity, state.alias or None, tuple(steps))
    try:
        validate(node)  # a hand-made post's alias that names nothing, say
    except QueryError as exc:
        state.errors.append(exc.message)
        return None
    return parse(unparse(node))


def _date_value(row: ProfileRow, text: str):
    """The value of a date attribute's row in its `when` mode, or a message."""
    if row.when == "now":
        return Now(), None
    if row.when in ("ago", "ahead"):
        if not _WHOLE.fullmatch(text.strip()):
            return None, "enter how many, a whole number"
        n = int(text)
        return DateAdd(row.unit, -n if row.when == "ago" else n, Now()), None
    if row.when == "date":
        if not _DATE_NUMBERS.fullmatch(text):
            return None, "DATE takes year, month, day[, hour, minute, second] as whole numbers"
        return DateValue(tuple(int(p) for p in text.split(","))), None
    return (text.strip(), None) if text.strip() else (None, "enter a date")


def _typed(attribute: Attribute, row: ProfileRow, text: str):
    kind = attribute.kind
    if kind in DATE_KINDS:
        return _date_value(row, text)
    if kind.is_numeric:
        value = parse_number(text)
        if value is None:
            return None, (f"{attribute.display_name} is a number: {text!r} is not one" if text.strip()
                          else "enter a number")
        return value, None
    if kind is FieldKind.BOOLEAN:
        return (text == "True", None) if text in ("True", "False") else (None, "choose yes or no")
    if kind is FieldKind.CHOICE:
        if not text.strip():
            return None, "choose a value"
        return (int(text) if _WHOLE.fullmatch(text.strip()) else text), None
    if kind is FieldKind.GUID:
        text = extract_guid(text)
    return (text, None) if text.strip() else (None, "enter a value")


def _clause_node(row: ProfileRow, entity_name: str) -> Clause | DateDiff | None:
    row.incomplete = False
    if not row.field:
        return None
    row.errors = []
    attribute = profile_attribute(entity_name, row.field)
    if attribute is None:
        row.errors.append(f"{entity(entity_name).display_name} has no attribute {row.field}")
        return None
    row.field = attribute.name
    allowed = [op for op, _ in OPERATOR_LABELS[attribute.kind]] + [IN]
    if row.op not in allowed:
        row.op = "=="
    qualified = f"{row.qualifier}.{attribute.name}" if row.qualifier else attribute.name
    if row.op in VALUELESS:
        return Clause(qualified, row.op, ())
    if row.op == IN or attribute.kind not in DATE_KINDS:
        row.when = "at"
    if row.when == "since":
        return _date_diff_node(row, attribute, qualified, entity_name)
    texts = row.values if row.op == IN else row.values[:1]
    values = []
    for text in texts:
        value, problem = _typed(attribute, row, text)
        if problem:
            row.errors.append(problem)
        else:
            values.append(value)
    if row.errors:
        row.incomplete = not any(text.strip() for text in texts)
        return None
    if attribute.kind is FieldKind.GUID:
        row.values = [str(v) for v in values]
    clause = Clause(attribute.name, "==" if row.op == IN else row.op, tuple(values))
    if not _valid(row, clause, entity_name):
        return None
    return Clause(qualified, clause.op, clause.values)


def _date_diff_node(row: ProfileRow, attribute: Attribute, qualified: str, entity_name: str) -> DateDiff | None:
    """DATEDIFF(unit, attribute, DATETIMEUTCNOW()) compared with the row's whole number."""
    text = row.values[0].strip() if row.values else ""
    if row.op not in COMPARES or not _SIGNED.fullmatch(text):
        row.errors.append("enter how many, a whole number")
        row.incomplete = not text
        return None
    node = DateDiff(row.unit, AttributeRef(attribute.name), Now(), row.op, int(text))
    if not _valid(row, node, entity_name):
        return None
    return DateDiff(node.part, AttributeRef(qualified), node.end, node.op, node.value)


def _valid(row: ProfileRow, condition, entity_name: str) -> bool:
    """Whether the language accepts the row's condition; else its own message (no choice of the attribute, a
    malformed date, ...) goes on the row."""
    steps = (ProfileFilter(Group("AND", (condition,))),)
    if entity_name == "account":
        steps += (Traverse(PARENT_CUSTOMER),)
    try:
        validate(Profile(entity_name, None, steps))
    except QueryError as error:
        row.errors.append(error.message)
        return False
    return True


# --- structural edits ------------------------------------------------------------------------------------

def apply_profile_action(state: ProfileState, action: Action) -> None:
    """A row action (add_clause r-1, delete t-r-0, group t-, ...) applied to the FILTER whose rows it names."""
    if state.text:
        return
    for part in state.parts:
        if action.verb in STATE_EDITS:
            if action.verb == "group" and action.path == part.prefix:
                group_selected(part)
        elif action.path.startswith(part.prefix + ROOT):
            apply_action(part, action)
        _profile_rows(part.root)


def _profile_rows(group: GroupRow) -> None:
    """Rows the shared edits added are plain clause rows: make them profile rows."""
    for index, item in enumerate(group.items):
        if isinstance(item, GroupRow):
            _profile_rows(item)
        elif not isinstance(item, ProfileRow):
            group.items[index] = ProfileRow(**{name: getattr(item, name) for name in item.__dataclass_fields__})
