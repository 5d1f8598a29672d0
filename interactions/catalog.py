"""The interaction catalog: the one declarative description of what the store holds.

Models, migrations, the importer's validation, the designer's dropdowns and operators and the
query compiler's column map all derive from the tables below (see
shared spec interaction-catalog.md). Adding a type or a field is one edit here plus a migration.

This module is Django-free so that the query language package can use it too.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum


class FieldKind(StrEnum):
    """The value type of a field; it decides operators, parsing and the column type."""

    GUID = "guid"
    STRING = "string"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    DATE = "date"  # profile attributes only (birthdate): compares as its midnight UTC
    CHOICE = "choice"  # profile attributes only: a number with a label, written either way

    @property
    def is_numeric(self) -> bool:
        return self in (FieldKind.NUMBER, FieldKind.INTEGER)


# The operators the query language allows per field kind, in the order its error messages list them.
# Ordering on strings is deliberately absent: case-insensitive ordering is not something users can predict.
_EQUALITY = ("==", "!=")
_COMPARES = ("==", "!=", ">", ">=", "<", "<=")
_NULL_TESTS = ("ISNULL", "ISNOTNULL")
OPERATORS: dict[FieldKind, tuple[str, ...]] = {
    FieldKind.STRING: (*_EQUALITY, "CONTAINS", "STARTSWITH", "ENDSWITH", *_NULL_TESTS),
    FieldKind.GUID: (*_EQUALITY, *_NULL_TESTS),
    FieldKind.NUMBER: (*_COMPARES, *_NULL_TESTS),
    FieldKind.INTEGER: (*_COMPARES, *_NULL_TESTS),
    FieldKind.DATETIME: (*_COMPARES, *_NULL_TESTS),
    FieldKind.BOOLEAN: (*_EQUALITY, *_NULL_TESTS),
    FieldKind.DATE: (*_COMPARES, *_NULL_TESTS),
    FieldKind.CHOICE: (*_EQUALITY, *_NULL_TESTS),
}

# The same operators as a form's menu offers them, in menu order, with their labels: one vocabulary in words for
# every kind. "IN" is the menu's "is one of": the language's '==' with two or more values; it is offered only where
# a list of values means something (not for instants or True/False), and named by operator_label wherever it occurs.
IN = "IN"
IN_LABEL = "is one of"
_NULL_LABELS = (("ISNOTNULL", "contains data"), ("ISNULL", "does not contain data"))
_EQUALITY_LABELS = (("==", "equals"), ("!=", "does not equal"))
_NUMBER_LABELS = (*_EQUALITY_LABELS, (">", "is greater than"), (">=", "is at least"), ("<", "is less than"),
                  ("<=", "is at most"), (IN, IN_LABEL), *_NULL_LABELS)
OPERATOR_LABELS: dict[FieldKind, tuple[tuple[str, str], ...]] = {
    FieldKind.STRING: (*_EQUALITY_LABELS, (IN, IN_LABEL), ("CONTAINS", "contains"),
                       ("STARTSWITH", "begins with"), ("ENDSWITH", "ends with"), *_NULL_LABELS),
    FieldKind.GUID: (*_EQUALITY_LABELS, (IN, IN_LABEL), *_NULL_LABELS),
    FieldKind.NUMBER: _NUMBER_LABELS,
    FieldKind.INTEGER: _NUMBER_LABELS,
    FieldKind.DATETIME: (*_EQUALITY_LABELS, (">", "is after"), (">=", "is on or after"), ("<", "is before"),
                         ("<=", "is on or before"), *_NULL_LABELS),
    FieldKind.BOOLEAN: (*_EQUALITY_LABELS, *_NULL_LABELS),
    FieldKind.DATE: (*_EQUALITY_LABELS, (">", "is after"), (">=", "is on or after"), ("<", "is before"),
                     ("<=", "is on or before"), *_NULL_LABELS),
    FieldKind.CHOICE: (*_EQUALITY_LABELS, (IN, IN_LABEL), *_NULL_LABELS),
}
_LABEL_OF = {kind: dict(labels) for kind, labels in OPERATOR_LABELS.items()}


def operator_label(kind: FieldKind, op: str) -> str:
    """The words for `op` on a field of `kind`, e.g. "is on or after"; IN is "is one of" for every kind."""
    return IN_LABEL if op == IN else _LABEL_OF[kind][op]


# How a GUID or a date and time written as text is read, the same way by the query language, the importer,
# the designer, the API and the admin console.

def parse_guid(text: object) -> uuid.UUID | None:
    """A GUID with or without hyphens or braces, or None when `text` is not one."""
    if not isinstance(text, str):
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def parse_instant(text: object) -> datetime | None:
    """An ISO 8601 string as an aware UTC datetime (no zone means UTC), or None if it does not parse."""
    if not isinstance(text, str):
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return None


@dataclass(frozen=True)
class RecordType:
    """A record that ID fields point to (the designer's record lookups)."""

    name: str  # the import line type, e.g. "CustomerJourney"
    id_field: str  # e.g. "CustomerJourneyId"
    label: str  # e.g. "customer journey"
    model_name: str = ""  # the Django model, when the type name would clash (Segment is also our own model)

    @property
    def model(self) -> str:
        return self.model_name or self.name


@dataclass(frozen=True)
class Field:
    name: str  # catalog spelling, e.g. "CustomerJourneyId"
    kind: FieldKind
    record: RecordType | None = None  # set on ID fields that point to a record
    display_name: str = ""  # what the designer shows, e.g. "Customer journey"; the query text keeps `name`

    @property
    def column(self) -> str:
        """The database column, derived from the name: CustomerJourneyId -> customer_journey_id."""
        return snake_case(self.name)

    @property
    def label(self) -> str:
        return self.record.label if self.record else split_words(self.name)


@dataclass(frozen=True)
class InteractionType:
    name: str  # e.g. "EmailClicked"
    display_name: str  # e.g. "Email clicked"
    fields: tuple[Field, ...]  # the type's own fields, after the three common ones

    @property
    def all_fields(self) -> tuple[Field, ...]:
        return COMMON_FIELDS + self.fields

    @property
    def table(self) -> str:
        return "interactions_" + self.name.lower()

    def field(self, name: str) -> Field | None:
        """The field spelled `name` in any letter case, or None."""
        return _field_index(self).get(name.lower())


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def split_words(name: str) -> str:
    return snake_case(name).replace("_", " ")


RECORD_TYPES: tuple[RecordType, ...] = (
    RecordType("CustomerJourney", "CustomerJourneyId", "customer journey"),
    RecordType("MarketingEmail", "MessageId", "marketing email"),
    RecordType("MarketingForm", "FormId", "marketing form"),
    RecordType("MarketingPage", "PageId", "marketing page"),
    RecordType("Website", "WebsiteId", "website"),
    RecordType("Event", "EventId", "event"),
    RecordType("Segment", "SegmentId", "segment (subscription list)", "SubscriptionList"),
    RecordType("Survey", "SurveyId", "survey"),
)
_RECORD_BY_ID_FIELD = {r.id_field: r for r in RECORD_TYPES}

# Fields that are not plain strings; every other field is a string (catalog spec).
_SPECIAL_KINDS = {
    "Score": FieldKind.NUMBER,
    "BoostValue": FieldKind.INTEGER,
}


# The marketer's name of every field, as the designer's menus, counts, explanations and messages show it.
FIELD_DISPLAY_NAMES = {
    "InteractionId": "Interaction ID",
    "ContactId": "Contact",
    "Timestamp": "Date and time",
    "CustomerJourneyId": "Customer journey",
    "CustomerJourneyIterationId": "Journey iteration ID",
    "ActivityId": "Journey activity ID",
    "MessageId": "Marketing email",
    "SendingId": "Sending ID",
    "UsageType": "Usage type",
    "EmailDomain": "Email domain",
    "EmailAddressUsed": "Email address used",
    "VisitorId": "Visitor ID",
    "SessionId": "Session ID",
    "CountryIsoCode": "Country",
    "State": "State or region",
    "City": "City",
    "PostalCode": "Postal code",
    "BrowserId": "Browser",
    "BrowserVersion": "Browser version",
    "OperatingSystemId": "Operating system",
    "OperatingSystemVersion": "Operating system version",
    "LinkId": "Link ID",
    "LinkFriendlyName": "Link name",
    "OriginalLink": "Original link",
    "OriginalUrl": "Original URL",
    "SearchPhrase": "Search phrase",
    "SearchEngineName": "Search engine",
    "VisitDuration": "Visit duration",
    "VisitorReturningStatus": "Returning visitor",
    "SecondaryRecipientProfileId": "Forwarded-to recipient ID",
    "BounceCategory": "Bounce category",
    "BlockedReason": "Reason blocked",
    "SegmentId": "Subscription list",
    "PageId": "Marketing page",
    "FormId": "Marketing form",
    "ReferrerUri": "Referrer address",
    "FormSubmissionId": "Form submission ID",
    "WebsiteId": "Website",
    "PageAddress": "Page address",
    "Link": "Link address",
    "EventId": "Event",
    "EventRegistrationId": "Event registration ID",
    "EventCheckInId": "Event check-in ID",
    "SurveyId": "Survey",
    "Score": "Survey score",
    "BoostValue": "Boost value",
}


def _field(name: str, kind: FieldKind | None = None) -> Field:
    record = _RECORD_BY_ID_FIELD.get(name)
    if record is not None:
        kind = FieldKind.GUID
    return Field(name, kind or _SPECIAL_KINDS.get(name, FieldKind.STRING), record, FIELD_DISPLAY_NAMES[name])


COMMON_FIELDS: tuple[Field, ...] = (
    _field("InteractionId", FieldKind.GUID),
    _field("ContactId", FieldKind.GUID),
    _field("Timestamp", FieldKind.DATETIME),
)

_GROUPS = {
    "J": ("CustomerJourneyId", "CustomerJourneyIterationId", "ActivityId"),
    "E": ("MessageId", "SendingId", "UsageType"),
    "A": ("EmailDomain", "EmailAddressUsed"),
    "W": (
        "VisitorId", "SessionId", "CountryIsoCode", "State", "City", "PostalCode",
        "BrowserId", "BrowserVersion", "OperatingSystemId", "OperatingSystemVersion",
    ),
    "S": ("SearchPhrase", "SearchEngineName", "VisitDuration", "VisitorReturningStatus"),
}

# (type, display name, groups, extra fields): the catalog spec's table, row for row.
_TYPES = (
    ("EmailSent", "Email sent", "JEA", ()),
    ("EmailDelivered", "Email delivered", "JEA", ()),
    ("EmailOpened", "Email opened", "JEAW", ()),
    ("EmailClicked", "Email clicked", "JEAW", ("LinkId", "LinkFriendlyName", "OriginalLink", "OriginalUrl")),
    ("EmailForwarded", "Email forwarded", "EAWS", ("CustomerJourneyId", "SecondaryRecipientProfileId")),
    ("EmailHardBounced", "Email hard bounced", "JEA", ("BounceCategory",)),
    ("EmailSoftBounced", "Email soft bounced", "JEA", ("BounceCategory",)),
    ("EmailBlockBounced", "Email block bounced", "JE", ("BounceCategory",)),
    ("EmailBlocked", "Email blocked", "JE", ("BlockedReason",)),
    ("EmailFeedbackLoop", "Email feedback loop", "JE", ()),
    ("EmailSubscriptionSubmit", "Email subscription submitted", "E", ("CustomerJourneyId", "CountryIsoCode", "City")),
    ("SegmentSubscribed", "Segment subscribed", "W", ("CustomerJourneyId", "MessageId", "SegmentId")),
    ("SegmentUnsubscribed", "Segment unsubscribed", "W", ("CustomerJourneyId", "MessageId", "SegmentId")),
    ("FormVisited", "Form visited", "WS", ("MessageId", "PageId", "FormId", "CustomerJourneyId", "ReferrerUri")),
    ("FormSubmitted", "Form submitted", "WS",
     ("MessageId", "PageId", "FormId", "FormSubmissionId", "CustomerJourneyId", "ReferrerUri")),
    ("WebsiteVisited", "Website visited", "WS",
     ("CustomerJourneyId", "MessageId", "WebsiteId", "PageAddress", "PageId", "ReferrerUri")),
    ("WebsiteClicked", "Website clicked", "WS",
     ("CustomerJourneyId", "WebsiteId", "PageAddress", "PageId", "Link", "LinkFriendlyName")),
    ("RedirectLinkClicked", "Redirect link clicked", "WS",
     ("LinkId", "Link", "OriginalUrl", "MessageId", "CustomerJourneyId")),
    ("EventRegistration", "Event registration", "", ("EventId", "EventRegistrationId", "CustomerJourneyId")),
    ("EventCheckIn", "Event check-in", "", ("EventId", "EventCheckInId", "CustomerJourneyId")),
    ("EventRegistrationCanceled", "Event registration canceled", "", ("EventId",)),
    ("SurveyResponse", "Survey response", "", ("SurveyId", "Score", "CustomerJourneyId")),
    ("LeadScoreBoost", "Lead score boost", "J", ("BoostValue",)),
)


def _build_type(name: str, display: str, groups: str, extra: tuple[str, ...]) -> InteractionType:
    names: list[str] = []
    for group in groups:
        names.extend(_GROUPS[group])
    names.extend(extra)
    if len(set(names)) != len(names):
        raise ValueError(f"catalog: {name} lists a field twice")
    return InteractionType(name, display, tuple(_field(n) for n in names))


INTERACTION_TYPES: tuple[InteractionType, ...] = tuple(_build_type(*row) for row in _TYPES)

_TYPE_INDEX = {t.name.lower(): t for t in INTERACTION_TYPES}
_FIELD_INDEXES: dict[str, dict[str, Field]] = {
    t.name: {f.name.lower(): f for f in t.all_fields} for t in INTERACTION_TYPES
}
_RECORD_INDEX = {r.name.lower(): r for r in RECORD_TYPES}


def _field_index(itype: InteractionType) -> dict[str, Field]:
    return _FIELD_INDEXES[itype.name]


def interaction_type(name: str) -> InteractionType | None:
    """The interaction type spelled `name` in any letter case, or None."""
    return _TYPE_INDEX.get(name.lower())


def record_type(name: str) -> RecordType | None:
    return _RECORD_INDEX.get(name.lower())


def record_type_for_field(field_name: str) -> RecordType | None:
    return _RECORD_BY_ID_FIELD.get(field_name)


# -- the profile catalog: what contacts and accounts are (shared spec profiles.md) --------------------------

@dataclass(frozen=True)
class Attribute:
    """A contact or account attribute, by its Dataverse logical name."""

    name: str  # the logical name, lower case: "address1_city"
    kind: FieldKind
    display_name: str  # "City"
    choices: tuple[tuple[int, str], ...] = ()  # (number, label) of a choice attribute
    column_name: str = ""  # the database column, when it is not the logical name
    custom: bool = False  # declared by an administrator, stored in the record's JSON column

    @property
    def column(self) -> str:
        return self.column_name or self.name

    def choice(self, value: object) -> int | None:
        """The number of a choice written as its number or its label (any letter case), or None."""
        if isinstance(value, bool):
            return None
        for number, label in self.choices:
            if value == number or (isinstance(value, str) and value.strip().lower() == label.lower()):
                return number
        return None

    def label(self, number: int) -> str | None:
        return next((label for n, label in self.choices if n == number), None)


@dataclass(frozen=True)
class Entity:
    """A profile record type: contact or account."""

    name: str  # "contact"
    display_name: str  # "Contact"
    id_attribute: str  # "contactid"
    table: str
    attributes: tuple[Attribute, ...]

    def attribute(self, name: str) -> Attribute | None:
        """The standard attribute spelled `name` in any letter case, or None."""
        return next((a for a in self.attributes if a.name == name.lower()), None)


def _choices(*labels: str) -> tuple[tuple[int, str], ...]:
    return tuple(enumerate(labels, start=1))


# Dataverse's account industrycode option set, values 1 to 33.
INDUSTRIES = _choices(
    "Accounting", "Agriculture and Non-petrol Natural Resource Extraction", "Broadcasting Printing and Publishing",
    "Brokers", "Building Supply Retail", "Business Services", "Consulting", "Consumer Services",
    "Design, Direction and Creative Management", "Distributors, Dispatchers and Processors",
    "Doctor's Offices and Clinics", "Durable Manufacturing", "Eating and Drinking Places", "Entertainment Retail",
    "Equipment Rental and Leasing", "Financial", "Food and Tobacco Processing", "Inbound Capital Intensive Processing",
    "Inbound Repair and Services", "Insurance", "Legal Services", "Non-Durable Merchandise Retail",
    "Outbound Consumer Service", "Petrochemical Extraction and Distribution", "Service Retail", "SIG Affiliations",
    "Social Services", "Special Outbound Trade Contractors", "Specialty Realty", "Transportation",
    "Utility Creation and Distribution", "Vehicle Retail", "Wholesale",
)

_K = FieldKind
CONTACT = Entity("contact", "Contact", "contactid", "interactions_contact", (
    Attribute("contactid", _K.GUID, "Contact", column_name="contact_id"),
    Attribute("firstname", _K.STRING, "First name"),
    Attribute("lastname", _K.STRING, "Last name"),
    Attribute("fullname", _K.STRING, "Full name"),
    Attribute("emailaddress1", _K.STRING, "Email"),
    Attribute("jobtitle", _K.STRING, "Job title"),
    Attribute("telephone1", _K.STRING, "Business phone"),
    Attribute("donotbulkemail", _K.BOOLEAN, "Do not allow bulk emails"),
    Attribute("donotemail", _K.BOOLEAN, "Do not allow emails"),
    Attribute("parentcustomerid", _K.GUID, "Company name"),
    Attribute("address1_city", _K.STRING, "City"),
    Attribute("address1_stateorprovince", _K.STRING, "State/Province"),
    Attribute("address1_postalcode", _K.STRING, "ZIP/Postal code"),
    Attribute("address1_country", _K.STRING, "Country/Region"),
    Attribute("birthdate", _K.DATE, "Birthday"),
    Attribute("gendercode", _K.CHOICE, "Gender", _choices("Male", "Female")),
    Attribute("preferredcontactmethodcode", _K.CHOICE, "Preferred method of contact",
              _choices("Any", "Email", "Phone", "Fax", "Mail")),
    Attribute("createdon", _K.DATETIME, "Created on"),
    Attribute("modifiedon", _K.DATETIME, "Modified on"),
))
ACCOUNT = Entity("account", "Account", "accountid", "interactions_account", (
    Attribute("accountid", _K.GUID, "Account"),
    Attribute("name", _K.STRING, "Account name"),
    Attribute("industrycode", _K.CHOICE, "Industry", INDUSTRIES),
    Attribute("revenue", _K.NUMBER, "Annual revenue"),
    Attribute("numberofemployees", _K.INTEGER, "Number of employees"),
    Attribute("address1_country", _K.STRING, "Country/Region"),
    Attribute("address1_city", _K.STRING, "City"),
    Attribute("createdon", _K.DATETIME, "Created on"),
    Attribute("modifiedon", _K.DATETIME, "Modified on"),
))
ENTITIES: tuple[Entity, ...] = (CONTACT, ACCOUNT)
# The one relationship profile queries traverse: an account and its contacts (contact.parentcustomerid).
PARENT_CUSTOMER = "contact_account_parentcustomerid"
# The JSON column of both tables that holds custom attributes, keyed by logical name.
CUSTOM_COLUMN = "custom"
# The kinds an administrator may give a custom attribute.
CUSTOM_KINDS = (_K.STRING, _K.INTEGER, _K.NUMBER, _K.BOOLEAN, _K.DATE, _K.DATETIME)
_ENTITY_INDEX = {e.name: e for e in ENTITIES}


def entity(name: str) -> Entity | None:
    """The profile entity spelled `name` in any letter case, or None."""
    return _ENTITY_INDEX.get(name.lower()) if isinstance(name, str) else None


# Custom attributes live in the database (declared in the admin console); the store registers how to look
# one up, so that this catalog, and the query language above it, stay free of Django.
_custom_lookup: Callable[[str, str], Attribute | None] | None = None


def register_custom_attributes(lookup: Callable[[str, str], Attribute | None] | None) -> None:
    global _custom_lookup
    _custom_lookup = lookup


def profile_attribute(entity_name: str, name: str) -> Attribute | None:
    """A standard or declared custom attribute of the entity, or None."""
    found = entity(entity_name)
    if found is None or not isinstance(name, str):
        return None
    standard = found.attribute(name)
    if standard is not None or _custom_lookup is None:
        return standard
    return _custom_lookup(found.name, name.lower())
