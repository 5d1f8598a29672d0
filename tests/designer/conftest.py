import os
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from interactions.models import INTERACTION_MODELS, RECORD_MODELS, Contact
from segments.roles import MARKETERS

# Playwright's sync API runs an event loop in the test thread; Django's ORM must not refuse to work there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SPRING = "5acc43d5-356e-e811-a960-000d3a1cae35"
AUTUMN = "6bdd54e6-467f-f922-b071-111e4b2dbf46"
NAMES = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov"]


def guid(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


def make_user(django_user_model, username: str, *groups: str, **flags):
    """A user in the given role groups (Marketers, Viewers, Administrators); flags: is_staff, is_superuser."""
    user = django_user_model.objects.create_user(username, password="pw-segments-123", **flags)
    # get_or_create: a transactional test's flush removes the groups the migration made
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
    return user


@pytest.fixture
def user(django_user_model):
    """A Marketer: may create, edit, take live and stop segments."""
    return make_user(django_user_model, "ada", MARKETERS)


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def demo(db):
    """Five contacts, two journeys and some email clicks.

    Ada: 3 clicks of the spring journey in Paris in the last 10 days; Grace: 1 spring click in Rome;
    Alan: 5 autumn clicks 100 days ago; Edsger: 2 spring opens; Barbara: nothing.
    """
    contacts = [Contact.objects.create(contact_id=guid(i + 1), fullname=name,
                                       emailaddress1=f"{name.split()[0].lower()}@example.com")
                for i, name in enumerate(NAMES)]
    journeys = RECORD_MODELS["CustomerJourney"]
    journeys.objects.create(id=SPRING, name="Spring launch journey")
    journeys.objects.create(id=AUTUMN, name="Autumn newsletter journey")
    clicked, opened = INTERACTION_MODELS["EmailClicked"], INTERACTION_MODELS["EmailOpened"]
    now = timezone.now()
    n = 1000

    def add(model, contact, days, **fields):
        nonlocal n
        n += 1
        model.objects.create(interaction_id=guid(n), contact=contact, timestamp=now - timedelta(days=days), **fields)

    for day in (1, 3, 9):
        add(clicked, contacts[0], day, customer_journey_id=SPRING, city="Paris", original_url="https://x.org/pricing")
    add(clicked, contacts[1], 2, customer_journey_id=SPRING, city="Rome")
    for day in (100, 101, 102, 103, 104):
        add(clicked, contacts[2], day, customer_journey_id=AUTUMN, city="Berlin")
    add(opened, contacts[3], 4, customer_journey_id=SPRING)
    add(opened, contacts[3], 5, customer_journey_id=SPRING)
    return contacts
