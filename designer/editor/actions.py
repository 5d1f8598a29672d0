"""A designer button's action, read once from the posted `action` field ("verb:path:extra")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    """`add_clause:r-1` is Action("add_clause", "r-1"); `pick:r-0:<guid or address>` carries the pick in `extra`
    (which may itself hold colons: a pasted address)."""

    verb: str
    path: str = ""
    extra: str = ""

    @classmethod
    def parse(cls, text: str | None) -> Action:
        verb, _, rest = (text or "update").partition(":")
        path, _, extra = rest.partition(":")
        return cls(verb or "update", path, extra)
