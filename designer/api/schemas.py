"""Request and response shapes of the JSON API; they are also its OpenAPI schema."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field

MAX_ID = 2**31 - 1  # ids and versions fit every database's integer column


def _storable(value: str) -> str:
    """Text the databases can store: PostgreSQL refuses NUL characters, and lone surrogates are not UTF-8."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    return value


def _name(value: str) -> str:
    value = _storable(value).strip()
    if not value:
        raise ValueError("a segment needs a name")
    return value


Text = Annotated[str, AfterValidator(_storable)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_name)]


# Errors ---------------------------------------------------------------------------------------------------------

class ErrorDetail(Schema):
    message: str
    line: int | None = Field(None, description="1-based line of the offending token (query errors)")
    column: int | None = Field(None, description="1-based column of the offending token (query errors)")
    current_version: int | None = Field(None, description="on 409 edit conflicts: the version saved meanwhile")
    used_by: list[str] | None = Field(None, description="on 409 'in use': the segments that use this one")
    details: list[dict[str, Any]] | None = Field(None, description="on 422 request validation: what is wrong")
    errors: list[dict[str, Any]] | None = Field(None, description="on 400 from ingest: the bad items, with their "
                                                              "index, field and reason")
    limit: int | None = Field(None, description="on 413 from ingest: the largest body accepted, in bytes")


class Error(Schema):
    error: ErrorDetail


ERRORS = {401: Error, 403: Error, 422: Error}  # 422: a parameter or body that does not fit the schema
READ = {**ERRORS, 404: Error}
WRITE = {**READ, 400: Error, 409: Error}  # 400: a body that is not JSON


# Segments -------------------------------------------------------------------------------------------------------

class SegmentOut(Schema):
    id: int
    name: str
    description: str
    kind: Literal["behavioral", "profile", "compound"]
    query: str = Field(description="the canonical query text")
    crm_id: str | None = Field(description="the Dynamics 365 segment it was copied from (32 hex digits); "
                                           "SEGMENT(SEGMENT_CRM_ID_<crm_id>) refers to it")
    state: Literal["draft", "live", "stopped"]
    version: int = Field(description="send it back with an update (optimistic concurrency)")
    status: Literal["idle", "queued", "running", "succeeded", "failed"]
    member_count: int | None
    evaluated_version: int | None
    stale: bool = Field(description="the members are of an older version (evaluated_version < version)")
    last_evaluated_at: datetime | None
    next_evaluation_at: datetime | None
    last_error: str
    reads_types: list[str]
    uses_segments: list[str]
    has_window: bool
    owner: str | None
    created: datetime
    updated: datetime

    @staticmethod
    def resolve_owner(obj) -> str | None:
        return obj.owner.get_username() if obj.owner_id else None

    @staticmethod
    def resolve_stale(obj) -> bool:
        return obj.is_stale


class SegmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Name
    query: Text = Field(max_length=100_000, description="query text; any valid spelling, stored canonical")
    description: Text = Field("", max_length=10_000)
    crm_id: Text | None = Field(None, max_length=60, description="a Dynamics segment ID: its GUID or "
                                                                 "SEGMENT_CRM_ID_<32 hex>")


class SegmentPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=MAX_ID, description="the version you edited; 409 if someone saved a newer one")
    name: Name | None = None
    query: Text | None = Field(None, max_length=100_000)
    description: Text | None = Field(None, max_length=10_000)
    crm_id: Text | None = Field(None, max_length=60, description="'' removes the Dynamics ID")


class RunOut(Schema):
    id: int
    version: int
    evaluated_at: datetime
    mode: Literal["full", "incremental"]
    status: Literal["running", "succeeded", "failed", "superseded", "skipped"]
    started: datetime
    finished: datetime | None
    duration_ms: int | None
    members: int | None
    added: int | None
    removed: int | None
    error: str


class EvaluateOut(Schema):
    queued: bool = Field(description="false when an evaluation was queued already (or with wait=true)")
    run: RunOut | None = Field(None, description="with wait=true: the run that evaluated the segment")
    segment: SegmentOut


class MemberOut(Schema):
    contact_id: UUID
    full_name: str
    email: str
    since: datetime


class MembersPage(Schema):
    items: list[MemberOut]
    next: UUID | None = Field(description="pass it as ?after= for the next page; null on the last page")
    member_count: int | None


# The catalog ----------------------------------------------------------------------------------------------------

class FieldOut(Schema):
    name: str
    kind: Literal["guid", "string", "number", "integer", "boolean", "datetime"]
    label: str
    record_type: str | None = Field(description="the record an ID field points to, e.g. CustomerJourney")


class InteractionTypeOut(Schema):
    name: str
    display_name: str
    fields: list[FieldOut]


# Ingest ---------------------------------------------------------------------------------------------------------

class IngestResult(Schema):
    inserted: int
    duplicates: int
    records: int
    inserted_by_type: dict[str, int]


# Sharing --------------------------------------------------------------------------------------------------------

class SharedSegment(Schema):
    name: str
    description: str = ""
    kind: str | None = None
    query: str


class ShareFile(Schema):
    """The file that export writes and import reads (segments/sharing.py)."""

    format: str = Field(description="always 'segment-designer/segments'")
    version: int = Field(description="the file format's version (1)")
    exported_at: str | None = None
    segments: list[SharedSegment]


class ImportProblem(Schema):
    name: str | None
    message: str
    line: int | None = None
    column: int | None = None


class ImportReport(Schema):
    ok: bool = Field(description="false when anything could not be imported")
    written: bool = Field(description="whether anything was saved (false on a dry run or an all-or-nothing failure)")
    dry_run: bool
    on_conflict: Literal["skip", "rename", "replace"]
    created: list[str]
    replaced: list[str]
    renamed: dict[str, str] = Field(description="name in the file -> name given here")
    skipped: list[str] = Field(description="names that exist here already and were left as they are")
    errors: list[ImportProblem]
    missing_references: dict[str, list[str]] = Field(
        description="segment -> the SEGMENT(...) names it uses that are neither in the file nor here")
