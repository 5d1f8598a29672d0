"""The designer's menu vocabulary: interaction types, operators (from the catalog), the interaction filters."""

from __future__ import annotations

from interactions.catalog import IN, IN_LABEL, INTERACTION_TYPES, OPERATOR_LABELS

__all__ = ["IN", "IN_LABEL", "OPERATOR_LABELS"]

ROOT = "r"
DEFAULT_TYPE = "EmailClicked"
VALUELESS = ("ISNULL", "ISNOTNULL")

# The interaction filters: [how many] [N] [interactions | interactions in the last] [N] [unit].
COUNT_OPS = (
    ("atleast", "at least"), ("exactly", "exactly"), ("morethan", "more than"), ("atmost", "at most"),
    ("none", "none"), ("fewer", "fewer than"), ("notexactly", "not exactly"),
)
_OP_OF = {"atleast": ">=", "exactly": "==", "morethan": ">", "atmost": "<=", "fewer": "<", "notexactly": "!="}
_CHOICE_OF = {v: k for k, v in _OP_OF.items()}
AGGREGATES = (("COUNT", "count"), ("SUM", "sum of"), ("AVG", "average of"), ("MIN", "minimum of"),
              ("MAX", "maximum of"))
UNITS = (("DAYS", "days"), ("MONTHS", "months"), ("YEARS", "years"))

# How a compound query's operands join what comes before them, and what an operand can be.
JOINS = (("UNION", "or"), ("INTERSECT", "and also"), ("EXCEPT", "but not"))
OPERAND_KINDS = (("segment", "a saved segment"), ("block", "an interaction block"), ("profile", "a profile block"),
                 ("group", "a group ( … )"))


def type_choices():
    return sorted(((t.name, t.display_name) for t in INTERACTION_TYPES), key=lambda c: c[1])
