"""The catalog is the one description of the store: models, tables and columns derive from it."""

import re

import pytest
from django.db import models

from interactions.catalog import (
    INTERACTION_TYPES,
    RECORD_TYPES,
    FieldKind,
    interaction_type,
    record_type_for_field,
    snake_case,
    split_words,
)
from interactions.models import INTERACTION_MODELS, RECORD_MODELS

COLUMN_CLASSES = {
    FieldKind.GUID: models.UUIDField,
    FieldKind.STRING: models.TextField,
    FieldKind.NUMBER: models.FloatField,
    FieldKind.INTEGER: models.BigIntegerField,
    FieldKind.DATETIME: models.DateTimeField,
}


def test_every_type_of_the_spec_is_in_the_catalog():
    assert len(INTERACTION_TYPES) == 23
    assert [t.name for t in INTERACTION_TYPES[:4]] == ["EmailSent", "EmailDelivered", "EmailOpened", "EmailClicked"]
    assert interaction_type("emailclicked").display_name == "Email clicked"
    assert interaction_type("EventCheckIn").display_name == "Event check-in"
    assert interaction_type("EmailClick") is None


@pytest.mark.parametrize(
    ("type_name", "field_name", "kind"),
    [
        ("EmailClicked", "CustomerJourneyId", FieldKind.GUID),
        ("EmailClicked", "OriginalUrl", FieldKind.STRING),
        ("EmailClicked", "CountryIsoCode", FieldKind.STRING),
        ("EmailSent", "ActivityId", FieldKind.STRING),  # other ...Id fields are opaque strings
        ("SurveyResponse", "Score", FieldKind.NUMBER),
        ("LeadScoreBoost", "BoostValue", FieldKind.INTEGER),
        ("FormSubmitted", "FormId", FieldKind.GUID),
        ("WebsiteVisited", "VisitDuration", FieldKind.STRING),
        ("EventRegistration", "Timestamp", FieldKind.DATETIME),
    ],
)
def test_field_kinds_follow_the_spec(type_name, field_name, kind):
    assert interaction_type(type_name).field(field_name.upper()).kind is kind


def test_types_without_a_group_have_only_their_own_fields():
    names = [f.name for f in interaction_type("EventRegistrationCanceled").all_fields]
    assert names == ["InteractionId", "ContactId", "Timestamp", "EventId"]
    assert "CustomerJourneyId" not in [f.name for f in interaction_type("EmailForwarded").all_fields[:3]]


def test_id_fields_point_to_their_records():
    assert {r.id_field for r in RECORD_TYPES} == {
        "CustomerJourneyId", "MessageId", "FormId", "PageId", "WebsiteId", "EventId", "SegmentId", "SurveyId"}
    assert record_type_for_field("MessageId").label == "marketing email"
    assert interaction_type("SegmentSubscribed").field("SegmentId").record.name == "Segment"


@pytest.mark.parametrize("itype", INTERACTION_TYPES, ids=lambda t: t.name)
def test_each_model_has_exactly_the_catalog_columns(itype):
    model = INTERACTION_MODELS[itype.name]
    assert model._meta.db_table == itype.table
    columns = {f.column: f for f in model._meta.concrete_fields if f.column != "ingested_at"}
    assert list(columns) == [f.column for f in itype.all_fields]
    for field in itype.all_fields:
        if field.name == "ContactId":
            assert isinstance(columns[field.column], models.ForeignKey)
        else:
            assert isinstance(columns[field.column], COLUMN_CLASSES[field.kind]), field.name
    assert columns["interaction_id"].primary_key


def test_record_models_are_generated_for_every_record_type():
    assert set(RECORD_MODELS) == {r.name for r in RECORD_TYPES}
    assert RECORD_MODELS["Segment"].__name__ == "SubscriptionList"


@pytest.mark.parametrize(
    ("name", "column"),
    [("CustomerJourneyId", "customer_journey_id"), ("CountryIsoCode", "country_iso_code"),
     ("OriginalUrl", "original_url"), ("EventCheckInId", "event_check_in_id"), ("Timestamp", "timestamp")],
)
def test_column_names_derive_from_field_names(name, column):
    assert snake_case(name) == column


ALL_FIELDS = {f.name: f for t in INTERACTION_TYPES for f in t.all_fields}


@pytest.mark.parametrize("field", ALL_FIELDS.values(), ids=lambda f: f.name)
def test_every_field_has_a_display_name_in_words(field):
    shown = field.display_name
    assert shown, field.name
    assert shown[0].isupper() and shown.strip() == shown
    # Words, not an identifier: no CamelCase run (ID is the one acronym), not the spelling of a multi-word name.
    assert not re.search(r"[a-z][A-Z]", shown), shown
    if len(split_words(field.name).split()) > 1:
        assert shown != field.name, shown


@pytest.mark.parametrize(("name", "shown"), [
    ("CustomerJourneyId", "Customer journey"), ("LinkFriendlyName", "Link name"), ("UsageType", "Usage type"),
    ("CountryIsoCode", "Country"), ("Timestamp", "Date and time"),
])
def test_display_names_are_the_marketers_words(name, shown):
    assert ALL_FIELDS[name].display_name == shown
