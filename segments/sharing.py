"""Sharing segment definitions between installations: export to a JSON document, import one back.

The document (format version 1)::

    {"format": "segment-designer/segments", "version": 1, "exported_at": "2026-11-01T12:00:00+00:00",
     "segments": [{"name": "Clicked", "description": "", "kind": "behavioral",
                   "query": "INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() >= 1)"}, ...]}

Only definitions travel: no state, members or history. Segments are listed in dependency order (a segment
after the ones its SEGMENT(...) references name). Import resolves SEGMENT(name) references by name, against
the file first and the installation second, and creates the segments in dependency order, as drafts.

A name that exists already is a conflict; `on_conflict` says what to do with it:
  skip     (default) leave the existing segment as it is and report it; references to the name use it
  rename   import under a free name ("Name (imported)", "Name (imported 2)", ...) and rewrite the file's
           references to it
  replace  update the existing segment's description and query (a new version; it keeps its members,
           state and the segments that use it)
Import is all-or-nothing: any error (an invalid query, a reference to a segment that is neither in the file
nor in the installation, a cycle) writes nothing, unless `partial=True`, which imports what it can.
`dry_run=True` reports what would happen and writes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from .models import Segment
from .query import QueryError, SegmentRef, SetOp, parse, unparse
from .services import SegmentError, describe, segment_create, segment_update

FORMAT = "segment-designer/segments"
VERSION = 1
CONFLICT_POLICIES = ("skip", "rename", "replace")
MAX_NAME = 200


class SharingError(Exception):
    """The document cannot be imported at all (not ours, a newer format, a malformed entry); says why."""


@dataclass
class ImportReport:
    dry_run: bool
    on_conflict: str
    created: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # name in the file -> name given here
    skipped: list[str] = field(default_factory=list)  # names that exist here already, left as they are
    errors: list[dict] = field(default_factory=list)  # {"name", "message", "line", "column"}
    missing_references: dict[str, list[str]] = field(default_factory=dict)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, name: str | None, message: str, line: int | None = None, column: int | None = None):
        self.errors.append({"name": name, "message": message, "line": line, "column": column})

    def as_dict(self) -> dict:
        return {"ok": self.ok, **dataclasses.asdict(self)}

    def summary(self) -> list[str]:
        """The report as lines of text, for the command line."""
        verb = "would be" if self.dry_run or not self.written else "were"
        lines = []
        for title, names in (("created", self.created), ("replaced", self.replaced)):
            if names:
                lines.append(f"{len(names)} {verb} {title}: {', '.join(names)}")
        if self.renamed:
            pairs = ", ".join(f"'{old}' as '{new}'" for old, new in self.renamed.items())
            lines.append(f"{len(self.renamed)} {verb} imported under a new name: {pairs}")
        if self.skipped:
            lines.append(f"{len(self.skipped)} skipped, the name exists here already: {', '.join(self.skipped)} "
                         "(use --on-conflict rename or replace)")
        for problem in self.errors:
            where = f" at {problem['line']}:{problem['column']}" if problem.get("line") else ""
            lines.append(f"error: {problem['name'] or 'file'}{where}: {problem['message']}")
        if self.dry_run:
            lines.append("dry run: nothing was written")
        return lines

    def outcome(self) -> str:
        """One line: how it went."""
        if self.ok:
            return "dry run: nothing was written" if self.dry_run else "import done"
        errors = f"{len(self.errors)} error(s)"
        if self.written:
            return f"{errors}; the rest was imported"
        if self.dry_run:
            return f"{errors}; the import would fail and write nothing"
        return f"{errors}; nothing was imported (all-or-nothing; partial import imports what it can)"


# Export ---------------------------------------------------------------------------------------------------------

def export_segments(*, segments: Iterable[Segment], with_dependencies: bool = False) -> dict:
    """The document for these segments, in dependency order; with_dependencies adds the segments they use."""
    chosen = {s.name: s for s in segments}
    if with_dependencies:
        pending = [n for s in chosen.values() for n in s.uses_segments]
        while pending:
            name = pending.pop()
            if name in chosen:
                continue
            used = Segment.objects.filter(name=name).first()
            if used is not None:
                chosen[name] = used
                pending.extend(used.uses_segments)
    order, _cycle = _dependency_order({name: set(s.uses_segments) for name, s in chosen.items()})
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "segments": [{"name": s.name, "description": s.description, "kind": s.kind, "query": s.query}
                     for s in (chosen[n] for n in order)],
    }


# Import ---------------------------------------------------------------------------------------------------------

@dataclass
class _Entry:
    name: str  # as in the file
    description: str
    query: str
    node: object | None = None
    uses: list[str] = field(default_factory=list)
    target: str = ""  # the name it gets here
    action: str = "create"  # create | replace | skip


def import_segments(*, data, user=None, on_conflict: str = "skip", dry_run: bool = False,
                    partial: bool = False) -> ImportReport:
    """Import the segments of an export document; returns what was (or, on a dry run, would be) done.

    Raises SharingError when the document itself is unusable; problems with single segments are in the report.
    """
    if on_conflict not in CONFLICT_POLICIES:
        raise SharingError(f"unknown conflict policy '{on_conflict}'; use one of {', '.join(CONFLICT_POLICIES)}")
    entries = _read(data)
    report = ImportReport(dry_run=dry_run, on_conflict=on_conflict)
    in_file = {e.name for e in entries}
    existing = set(Segment.objects.filter(name__in=in_file).values_list("name", flat=True))
    taken = in_file | existing

    failed: set[str] = set()
    for entry in entries:
        try:
            entry.node = parse(entry.query)
        except QueryError as exc:
            report.error(entry.name, exc.message, exc.line, exc.column)
            failed.add(entry.name)
            continue
        entry.uses = describe(entry.node)["uses_segments"]
        entry.target = entry.name
        if entry.name in existing:
            if on_conflict == "skip":
                entry.action = "skip"
            elif on_conflict == "replace":
                entry.action = "replace"
            else:
                entry.target = _free_name(entry.name, taken)
                taken.add(entry.target)

    renames = {e.name: e.target for e in entries if e.node is not None and e.target != e.name}
    importing = [e for e in entries if e.node is not None and e.action != "skip"]
    report.skipped = [e.name for e in entries if e.action == "skip" and e.node is not None]
    report.renamed = dict(renames)

    known_here = set(Segment.objects.filter(
        name__in={n for e in importing for n in e.uses} - in_file).values_list("name", flat=True))
    for entry in importing:
        missing = [n for n in entry.uses if n not in in_file and n not in known_here]
        if missing:
            report.missing_references[entry.name] = missing
            names = ", ".join(f"'{n}'" for n in missing)
            report.error(entry.name, f"uses segment(s) {names}, which are neither in the file nor in this "
                                     "installation")
            failed.add(entry.name)

    by_name = {e.name: e for e in importing}
    order, cycle = _dependency_order({e.name: {n for n in e.uses if n in by_name} for e in importing})
    for name in sorted(cycle):
        report.error(name, "SEGMENT(...) references in the file form a cycle (or depend on one) among "
                           f"{', '.join(repr(n) for n in sorted(cycle))}")
        failed.add(name)

    with transaction.atomic():
        for name in order:
            entry = by_name[name]
            if name in failed:
                continue
            broken = [n for n in entry.uses if n in failed]
            if broken:
                report.error(name, f"uses segment(s) {', '.join(repr(n) for n in broken)}, which could not be "
                                   "imported")
                failed.add(name)
                continue
            try:
                with transaction.atomic():
                    _save(entry, renames, user)
            except QueryError as exc:
                report.error(name, exc.message, exc.line, exc.column)
                failed.add(name)
                continue
            except SegmentError as exc:
                report.error(name, str(exc))
                failed.add(name)
                continue
            if entry.action == "replace":
                report.replaced.append(name)
            else:
                report.created.append(entry.target)
        if dry_run or (report.errors and not partial):
            transaction.set_rollback(True)
        else:
            report.written = bool(report.created or report.replaced)
    return report


def _save(entry: _Entry, renames: dict[str, str], user) -> None:
    query = unparse(_rename_refs(entry.node, renames)) if renames and set(entry.uses) & set(renames) else entry.query
    if entry.action == "replace":
        segment = Segment.objects.get(name=entry.name)
        segment_update(segment=segment, version=segment.version, description=entry.description,
                       query_text=query)
    else:
        segment_create(name=entry.target, query_text=query, description=entry.description, owner=user)


def _read(data) -> list[_Entry]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SharingError(f"not a segment export: expected a JSON object with \"format\": \"{FORMAT}\"")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SharingError("the export has no valid format \"version\"")
    if version > VERSION:
        raise SharingError(f"the export is format version {version}; this installation reads version {VERSION} "
                           "(upgrade it first)")
    items = data.get("segments")
    if not isinstance(items, list):
        raise SharingError("the export has no \"segments\" list")
    entries: list[_Entry] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"segments[{index}]"
        if not isinstance(item, dict):
            raise SharingError(f"{where} is not an object")
        name, query, description = item.get("name"), item.get("query"), item.get("description", "")
        if not isinstance(name, str) or not name.strip():
            raise SharingError(f"{where} has no name")
        name = name.strip()
        if not isinstance(query, str):
            raise SharingError(f"{where} ('{name}') has no query text")
        if description is None:
            description = ""
        if not isinstance(description, str):
            raise SharingError(f"{where} ('{name}'): description must be text")
        if len(name) > MAX_NAME:
            raise SharingError(f"{where}: the name is longer than {MAX_NAME} characters")
        for text in (name, query, description):
            if "\x00" in text or not _is_utf8(text):
                raise SharingError(f"{where} ('{name[:40]}') contains characters that cannot be stored "
                                   "(NUL or invalid Unicode)")
        if name in seen:
            raise SharingError(f"the export lists '{name}' twice")
        seen.add(name)
        entries.append(_Entry(name=name, description=description, query=query))
    return entries


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _free_name(name: str, taken: set[str]) -> str:
    n = 1
    while True:
        suffix = " (imported)" if n == 1 else f" (imported {n})"
        candidate = name[:MAX_NAME - len(suffix)] + suffix
        if candidate not in taken and not Segment.objects.filter(name=candidate).exists():
            return candidate
        n += 1


def _rename_refs(node, renames: dict[str, str]):
    if isinstance(node, SegmentRef):
        return dataclasses.replace(node, name=renames.get(node.name, node.name))
    if isinstance(node, SetOp):
        return dataclasses.replace(node, left=_rename_refs(node.left, renames),
                                   right=_rename_refs(node.right, renames))
    return node


def _dependency_order(uses: dict[str, set[str]]) -> tuple[list[str], set[str]]:
    """Names with the ones they use first (alphabetical among equals); and the names caught in a cycle."""
    pending = {name: {n for n in deps if n in uses and n != name} | ({name} if name in deps else set())
               for name, deps in uses.items()}
    order: list[str] = []
    while True:
        ready = sorted(name for name, deps in pending.items() if not deps)
        if not ready:
            break
        for name in ready:
            order.append(name)
            del pending[name]
        for deps in pending.values():
            deps.difference_update(ready)
    return order, set(pending)
