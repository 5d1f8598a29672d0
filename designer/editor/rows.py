"""The behavioral form's state: rows of restrictions in a tree, each named by its path ("r-1-0")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field

from interactions.catalog import InteractionType, interaction_type

from .vocabulary import DEFAULT_TYPE, ROOT

_PATH = re.compile(r"r(?:-\d+)*")
# A path anywhere in the page: a behavioral block's rows, or the rows of an inline block of a compound query
# (whose field names start with the operand's path, e.g. "c-1-0-r-2-field").
_ANY_PATH = re.compile(r"(?:c(?:-\d+)+-)?r(?:-\d+)*")


@dataclass
class ClauseRow:
    field: str = ""  # "" until the user picks one: such a row is kept in the form but not in the query
    op: str = "=="
    values: list[str] = dc_field(default_factory=lambda: [""])
    selected: bool = False
    lookup: str = ""  # the record lookup's search text
    errors: list[str] = dc_field(default_factory=list)
    incomplete: bool = False  # the errors only say a value is still to be entered: a hint, not shown as wrong
    path: str = ""
    kind = "clause"


@dataclass
class GroupRow:
    op: str = "AND"
    negated: bool = False
    items: list[ClauseRow | GroupRow] = dc_field(default_factory=list)
    selected: bool = False
    path: str = ROOT
    errors: list[str] = dc_field(default_factory=list)
    kind = "group"


@dataclass
class DesignerState:
    type: str = DEFAULT_TYPE
    aggregate: str = "COUNT"
    agg_field: str = ""
    count_op: str = "atleast"
    count_n: str = "1"
    windowed: bool = False
    window_n: str = "30"
    window_unit: str = "DAYS"
    root: GroupRow = dc_field(default_factory=GroupRow)
    filters_open: bool = False
    notices: list[str] = dc_field(default_factory=list)
    having_errors: dict[str, str] = dc_field(default_factory=dict)
    prefix: str = ""  # "" for the behavioral designer; "c-1-" for an inline block of a compound query

    def __post_init__(self):
        if self.root.path == ROOT and self.prefix:
            self.root.path = self.prefix + ROOT
            renumber(self.root)

    @property
    def itype(self) -> InteractionType:
        return interaction_type(self.type) or interaction_type(DEFAULT_TYPE)

    @property
    def has_errors(self) -> bool:
        return bool(self.having_errors) or any(row.errors for row in walk(self.root))

    @property
    def empty_text(self) -> str:
        return f"No restrictions: every {self.itype.display_name.lower()} interaction counts."

    @property
    def is_default_having(self) -> bool:
        return (self.aggregate == "COUNT" and self.count_op == "atleast" and self.count_n.strip() == "1"
                and not self.windowed)


def walk(group: GroupRow):
    """Every row below `group`, depth first."""
    for item in group.items:
        yield item
        if isinstance(item, GroupRow):
            yield from walk(item)


def renumber(group: GroupRow) -> None:
    for index, item in enumerate(group.items):
        item.path = f"{group.path}-{index}"
        if isinstance(item, GroupRow):
            renumber(item)


def valid_path(path: str) -> bool:
    return bool(_ANY_PATH.fullmatch(path))


def find(state: DesignerState, path: str) -> tuple[GroupRow | None, int, ClauseRow | GroupRow | None]:
    """(parent, index, row) of the row at `path`; the root has no parent."""
    if not path.startswith(state.prefix):
        return None, -1, None
    path = path[len(state.prefix):]
    if path == ROOT:
        return None, -1, state.root
    if not _PATH.fullmatch(path):
        return None, -1, None
    parent, row = None, state.root
    index = -1
    for part in path.split("-")[1:]:
        if not isinstance(row, GroupRow):
            return None, -1, None
        index = int(part)
        if index >= len(row.items):
            return None, -1, None
        parent, row = row, row.items[index]
    return parent, index, row


def new_state(type_name: str = DEFAULT_TYPE, prefix: str = "") -> DesignerState:
    return DesignerState(type=(interaction_type(type_name) or interaction_type(DEFAULT_TYPE)).name, prefix=prefix)


