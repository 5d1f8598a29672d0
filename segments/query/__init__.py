"""The segment query language: parse, print, validate and compile queries (see shared spec query-language.md).

Django-free: it knows the interaction catalog and emits SQL for a named dialect, nothing more.
"""

from .compiler import compile_query
from .errors import QueryError, QuerySyntaxError, QueryValidationError
from .nodes import Behavioral, Clause, Group, Having, Node, SegmentRef, SegmentSource, SetOp, Window
from .parser import parse
from .printer import unparse
from .validator import validate

__all__ = [
    "Behavioral", "Clause", "Group", "Having", "Node", "QueryError", "QuerySyntaxError", "QueryValidationError",
    "SegmentRef", "SegmentSource", "SetOp", "Window", "compile_query", "parse", "unparse", "validate",
]
