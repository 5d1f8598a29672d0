"""Builders for segment tests: contacts and interactions at chosen times."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta

from interactions.models import INTERACTION_MODELS, Contact

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
_ids = itertools.count(1)


def contact(name: str = "") -> Contact:
    n = next(_ids)
    return Contact.objects.create(contact_id=uuid.UUID(int=n), fullname=name or f"Contact {n}",
                                  emailaddress1=f"c{n}@example.com")


def interact(kind: str, who: Contact, at: datetime = T0, **fields):
    model = INTERACTION_MODELS[kind]
    return model.objects.create(interaction_id=uuid.uuid4(), contact=who, timestamp=at, **fields)


def days(n: float) -> timedelta:
    return timedelta(days=n)
