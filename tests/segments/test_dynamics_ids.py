"""A segment may carry the Dynamics ID it was copied from; SEGMENT(SEGMENT_CRM_ID_<hex>) refers to it."""

import pytest

from segments.query import QueryError
from segments.services import (
    SegmentError,
    dependants,
    segment_create,
    segment_sources,
    segment_update,
)

pytestmark = pytest.mark.django_db

OPENED = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"
HEX = "5acc43d5356ee811a960000d3a1cae35"
REFERENCE = f"SEGMENT(SEGMENT_CRM_ID_{HEX.upper()})"


@pytest.mark.parametrize("written", [HEX, HEX.upper(), "5acc43d5-356e-e811-a960-000d3a1cae35",
                                     "{5ACC43D5-356E-E811-A960-000D3A1CAE35}", f"SEGMENT_CRM_ID_{HEX}"])
def test_the_dynamics_id_is_read_from_any_spelling_and_stored_as_32_hex_digits(written):
    assert segment_create(name="Openers", query_text=OPENED, crm_id=written).crm_id == HEX


def test_a_reference_by_dynamics_id_resolves_to_the_segment_that_carries_it():
    openers = segment_create(name="Openers", query_text=OPENED, crm_id=HEX)
    compound = segment_create(name="Mix", query_text=f"PROFILE(contact) EXCEPT {REFERENCE}")
    assert segment_sources(f"SEGMENT_CRM_ID_{HEX}").query is not None
    assert dependants(openers) == [compound]


def test_an_unresolved_dynamics_reference_names_the_missing_id():
    with pytest.raises(QueryError) as error:
        segment_create(name="Mix", query_text=f"PROFILE(contact) EXCEPT {REFERENCE}")
    assert str(error.value) == (f"1:33: no segment carries the Dynamics ID {HEX} (SEGMENT_CRM_ID_{HEX.upper()}): "
                                "set that ID on the segment copied from Dynamics")


@pytest.mark.parametrize(("written", "message"), [
    ("12345", "'12345' is not a Dynamics segment ID: write its GUID or SEGMENT_CRM_ID_ and 32 hex digits"),
    (HEX, f"the Dynamics ID {HEX} belongs to 'Openers' already"),
])
def test_a_bad_or_taken_dynamics_id_is_refused(written, message):
    segment_create(name="Openers", query_text=OPENED, crm_id=HEX)
    with pytest.raises(SegmentError, match=message):
        segment_create(name="Other", query_text=OPENED, crm_id=written)


def test_an_edit_sets_or_removes_the_dynamics_id():
    segment = segment_create(name="Openers", query_text=OPENED)
    segment = segment_update(segment=segment, version=1, crm_id=HEX)
    assert segment.crm_id == HEX
    assert segment_update(segment=segment, version=2, crm_id="").crm_id is None
