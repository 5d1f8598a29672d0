"""Shared ground for differential tests: a small domain of values and random data sets over it.

Windows are drawn from the sizes that put interactions exactly at a window's start (NOW minus 1 or 40
days, or one calendar month), and some interactions lie after NOW, so the edges are exercised often.
"""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from interactions.catalog import INTERACTION_TYPES

from .strategies import Domain

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
CONTACTS = [uuid.UUID(int=i + 1) for i in range(6)]
GUIDS = [uuid.UUID(int=100 + i) for i in range(2)]
STRINGS = ["Paris", "paris", "Rome", "50%_off", ""]
INSTANTS = ([NOW - timedelta(days=d, hours=h) for d in (0, 1, 40, 400) for h in (0, 5)]
            + [datetime(2026, 2, 28, 12, 0, tzinfo=UTC), NOW + timedelta(days=1), NOW + timedelta(seconds=1)])
DOMAIN = Domain(
    types=[t for t in INTERACTION_TYPES if t.name in ("EmailClicked", "SurveyResponse", "LeadScoreBoost")],
    strings=STRINGS, guids=[str(g) for g in GUIDS],
    numbers=[0, 1, 2, Decimal("2.5"), -1], instants=INSTANTS, names=["a", "b"], window_sizes=[1, 40, 400])


@st.composite
def datasets(draw):
    """(rows by interaction type keyed by catalog field names, live memberships of segments 'a' and 'b')."""
    def row(fields):
        return {"InteractionId": draw(st.uuids()), "ContactId": draw(st.sampled_from(CONTACTS)),
                "Timestamp": draw(st.sampled_from(INSTANTS)),
                **{name: draw(st.none() | strategy) for name, strategy in fields.items()}}

    strings, guids = st.sampled_from(STRINGS), st.sampled_from(GUIDS)
    clicked = {"City": strings, "State": strings, "OriginalUrl": strings, "CustomerJourneyId": guids}
    survey = {"Score": st.sampled_from([0.0, 1.0, 2.5, -1.0]), "SurveyId": guids}
    boost = {"BoostValue": st.sampled_from([0, 1, 2, 10])}
    return {
        "EmailClicked": [row(clicked) for _ in range(draw(st.integers(0, 8)))],
        "SurveyResponse": [row(survey) for _ in range(draw(st.integers(0, 6)))],
        "LeadScoreBoost": [row(boost) for _ in range(draw(st.integers(0, 6)))],
    }, {"a": set(draw(st.sets(st.sampled_from(CONTACTS)))), "b": set(draw(st.sets(st.sampled_from(CONTACTS))))}
