"""Contacts or accounts from the CSV that marketers export from a CRM, through the same loader as import_jsonl.

The header names attributes by logical or display name (any letter case); each row becomes the Contact or
Account object that a JSON Lines line would be, so validation, staging, all-or-nothing and "a row for a known id
updates what it names" are the ingest's, in one place. The file is decoded and read a row at a time (constant
memory); an empty cell is a missing value, as a JSON null is.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .catalog import ACCOUNT, CONTACT, Entity, FieldKind
from .import_values import BadValue, suggest
from .ingest import IngestError, IngestResult, ingest
from .jsonlines import Unreadable
from .profile_records import custom_attributes

_CHUNK = 1 << 16
_DO_NOT_MODIFY = "(do not modify) "  # Dynamics' "Export to Excel" prefixes its hidden columns so
_IGNORED = ("row checksum", "modifiedon", "modified on")  # every import sets modifiedon itself
_ID_KEYS = {"contact": "ContactId", "account": "AccountId"}


class CsvUnreadable(ValueError):
    """The file cannot be read as a CSV of contacts or accounts at all (encoding, header); nothing is written."""


@dataclass(frozen=True)
class Column:
    header: str  # as the file writes it
    key: str  # the import key: ContactId/AccountId or the logical name
    kind: FieldKind | None  # None: the cell is not imported


@dataclass
class CsvResult:
    entity: str
    ingest: IngestResult
    ignored: list[str] = field(default_factory=list)


def _names(entity: Entity, custom) -> dict[str, tuple[str, FieldKind]]:
    """Every spelling a header may use, lower case, to (import key, kind). The old keys need nothing of their own:
    FullName is fullname and Email the display name of emailaddress1; ContactId is contactid."""
    found: dict[str, tuple[str, FieldKind]] = {}
    for attribute in [*entity.attributes, *custom.get(entity.name, {}).values()]:
        key = _ID_KEYS[entity.name] if attribute.name == entity.id_attribute else attribute.name
        for spelling in (attribute.display_name, attribute.name):
            found.setdefault(spelling.lower(), (key, attribute.kind))
    return found


def _entity_of(header: list[str], requested: str | None) -> Entity:
    if requested:
        return CONTACT if requested == "contact" else ACCOUNT
    cells = {_bare(h) for h in header}
    return ACCOUNT if {"accountid", "account"} & cells and not {"contactid", "contact"} & cells else CONTACT


def _bare(header: str) -> str:
    text = header.strip().lower()
    return text[len(_DO_NOT_MODIFY):] if text.startswith(_DO_NOT_MODIFY) else text


def read_header(header: list[str], entity: Entity, custom) -> list[Column]:
    """The columns of a header, or CsvUnreadable naming the column that matches no attribute and the closest."""
    names = _names(entity, custom)
    columns, seen = [], {}
    for number, text in enumerate(header, start=1):
        bare = _bare(text)
        if bare in _IGNORED:
            columns.append(Column(text, "", None))
            continue
        found = names.get(bare)
        if found is None:
            spellings = [a.display_name for a in entity.attributes] + [a.name for a in entity.attributes]
            spellings += [a.display_name for a in custom.get(entity.name, {}).values()]
            hint = suggest(bare, spellings) or (
                " (a custom attribute is declared in the admin console first)" if "_" in bare else "")
            raise CsvUnreadable(f"column {number} {text!r} is not a {entity.name} attribute{hint}")
        if found[0] in seen:
            raise CsvUnreadable(f"columns {seen[found[0]]} and {number} ({header[seen[found[0]] - 1]!r} and "
                                f"{text!r}) both name {found[0]}")
        seen[found[0]] = number
        columns.append(Column(text, *found))
    id_key = _ID_KEYS[entity.name]
    if id_key not in seen:
        raise CsvUnreadable(f"the header has no {id_key} column ({id_key}, {entity.id_attribute} or "
                            f"{entity.attribute(entity.id_attribute).display_name!r}): each row needs the "
                            f"{entity.name}'s id, so that importing the file again updates the same {entity.name}s")
    return columns


def _number(key: str, text: str, whole: bool):
    try:
        return int(text) if whole and text.lstrip("+-").isdigit() else float(text)
    except ValueError:
        raise BadValue(key, f"expected {'a whole number' if whole else 'a number'}, got {text!r}") from None


_TRUE, _FALSE = ("true", "yes", "1"), ("false", "no", "0")


def _boolean(key: str, text: str):
    lowered = text.strip().lower()
    if lowered in _TRUE or lowered in _FALSE:
        return lowered in _TRUE
    raise BadValue(key, f"expected true or false (or yes/no, 1/0), got {text!r}")


def cell_value(column: Column, text: str):
    """A cell as the JSON value an import line would carry; the ingest then validates it like any line's."""
    if text == "":
        return None
    if column.kind is FieldKind.INTEGER or column.kind is FieldKind.NUMBER:
        return _number(column.key, text.strip(), column.kind is FieldKind.INTEGER)
    if column.kind is FieldKind.BOOLEAN:
        return _boolean(column.key, text)
    if column.kind is FieldKind.CHOICE and text.strip().isdigit():
        return int(text)
    return text


class _Rows:
    """A CSV file decoded a chunk at a time: UTF-8 (a BOM is skipped) or UTF-16 by its BOM."""

    def __init__(self, handle):
        self.handle = handle
        self.bytes_read = 0

    def _text(self) -> Iterator[str]:
        head = self.handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            encoding, head = "utf-8", head[3:]
            self.bytes_read = 3
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"  # the codec reads the BOM for the byte order
        else:
            encoding = "utf-8"
        decoder = codecs.getincrementaldecoder(encoding)()
        chunk = head
        while True:
            final = not chunk
            pending = len(decoder.getstate()[0])
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                offset = self.bytes_read - pending + exc.start
                raise CsvUnreadable(f"not {encoding.upper()} text: byte 0x{exc.object[exc.start]:02x} at offset "
                                    f"{offset} cannot be decoded (save the file as UTF-8)") from None
            self.bytes_read += len(chunk)
            if text:
                yield text
            if final:
                return
            chunk = self.handle.read(_CHUNK)

    def _lines(self) -> Iterator[str]:
        rest = ""
        for text in self._text():
            *lines, rest = (rest + text).split("\n")
            for line in lines:
                yield line + "\n"
        if rest:
            yield rest

    def rows(self) -> Iterator[list[str]]:
        lines = self._lines()
        first = next(lines, "")
        if "\x00" in first:
            raise CsvUnreadable("the header holds NUL characters: not a UTF-8 or UTF-16 (with BOM) text file")
        # Spreadsheets in some locales separate with ';' or a tab; the header shows which.
        delimiter = max(",;\t", key=first.count)
        reader = csv.reader(_chain(first, lines), delimiter=delimiter, strict=True)
        try:
            yield from reader
        except csv.Error as exc:
            raise CsvUnreadable(f"row {reader.line_num}: not valid CSV: {exc}") from None


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def import_csv(
    handle,
    *,
    entity: str | None = None,
    skip_invalid: bool = False,
    source: str = "",
    on_error: Callable[[IngestError], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> CsvResult:
    """Import a binary file `handle` of contacts (or accounts) a row at a time; all-or-nothing unless skip_invalid.

    Row numbers count the header as row 1, as a spreadsheet shows them; an error's field is the header's text.
    Raises CsvUnreadable (nothing written) for a file it cannot read and IngestRejected for bad rows.
    """
    reader = _Rows(handle)
    rows = reader.rows()
    header = next(rows, None)
    if not header or not any(cell.strip() for cell in header):
        raise CsvUnreadable("the file is empty: the first row must name the columns")
    target = _entity_of(header, entity)
    columns = read_header(header, target, custom_attributes())
    by_key = {c.key: c.header for c in columns}
    type_name = target.display_name

    def objects():
        for number, cells in enumerate(rows, start=2):
            if not cells:
                continue
            if len(cells) != len(columns):
                yield number, Unreadable(f"{len(cells)} cells, but the header has {len(columns)} columns")
                continue
            try:
                obj = {"type": type_name}
                for column, text in zip(columns, cells, strict=True):
                    # An empty createdon is not given: a new record then dates from this import, as in JSON.
                    if column.kind is not None and not (text == "" and column.key == "createdon"):
                        obj[column.key] = cell_value(column, text)
            except BadValue as bad:
                yield number, Unreadable(bad.reason, bad.field_name)
                continue
            yield number, obj

    def report(error: IngestError):
        if on_error is not None:
            on_error(IngestError(error.position, by_key.get(error.field, error.field), error.reason))

    def progress(number: int):
        if on_progress is not None:
            on_progress(reader.bytes_read)

    result = ingest(objects(), source=source, skip_invalid=skip_invalid, on_error=report,
                    on_progress=progress)
    result.errors = [IngestError(e.position, by_key.get(e.field, e.field), e.reason) for e in result.errors]
    return CsvResult(target.name, result, [c.header for c in columns if c.kind is None])
