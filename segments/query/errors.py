"""Errors of the segment query language.

Every error carries the 1-based line and column of the offending token (when known), a message that says
what is wrong, and optionally a suggestion that is folded into the message ("...; did you mean 'X'?").
"""

from __future__ import annotations


class QueryError(Exception):
    """Base class: `str()` is "line:column: message", or just the message when there is no position."""

    def __init__(
        self, message: str, line: int | None = None, column: int | None = None, suggestion: str | None = None
    ) -> None:
        if suggestion is not None:
            message = f"{message}; did you mean '{suggestion}'?"
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.suggestion = suggestion

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"{self.line}:{self.column}: {self.message}"


class QuerySyntaxError(QueryError):
    """The text is not a query (raised by parse)."""


class QueryValidationError(QueryError):
    """The query is well formed but does not fit the catalog, the saved segments or the value rules."""
