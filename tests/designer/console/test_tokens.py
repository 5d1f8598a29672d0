"""API tokens in the admin console: a key acts as its user, so only superusers issue keys for other users."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from interactions.models import ApiToken
from segments.roles import ADMINISTRATORS, MARKETERS

pytestmark = pytest.mark.django_db
ADD = reverse("admin:interactions_apitoken_add")


@pytest.fixture
def people(django_user_model):
    def user(name, *groups, **flags):
        made = django_user_model.objects.create_user(name, password="pw-admin-123", **flags)
        made.groups.set([Group.objects.get_or_create(name=g)[0] for g in groups])
        return made

    return {
        "superuser": user("root", is_superuser=True, is_staff=True),
        "other superuser": user("root2", is_superuser=True, is_staff=True),
        "administrator": user("alice", ADMINISTRATORS, is_staff=True),
        "other administrator": user("bob", ADMINISTRATORS, is_staff=True),
        "marketer": user("mary", MARKETERS),
    }


# (who issues, for whom, allowed)
ISSUES = [
    ("administrator", "administrator", True),
    ("administrator", "superuser", False),
    ("administrator", "other administrator", False),
    ("administrator", "marketer", False),
    ("superuser", "superuser", True),
    ("superuser", "other superuser", True),
    ("superuser", "administrator", True),
    ("superuser", "marketer", True),
]


@pytest.mark.parametrize(("issuer", "holder", "allowed"), ISSUES, ids=[f"{i} for {h}" for i, h, _ in ISSUES])
def test_who_may_issue_a_token_for_whom(client, people, issuer, holder, allowed):
    client.force_login(people[issuer])
    response = client.post(ADD, {"name": "tracker", "user": people[holder].pk, "is_active": "on"})
    issued = ApiToken.objects.filter(user=people[holder])
    if allowed:
        assert response.status_code == 302, response.content
        assert issued.count() == 1
        page = client.get(response["Location"]).content.decode()
        assert "copy it now, it is not shown again" in page
    else:
        assert response.status_code == 200  # the form again, with the error on the user field
        assert "Select a valid choice" in response.context["adminform"].form.errors["user"][0]
        assert not issued.exists()


def test_an_administrator_is_offered_only_themselves(client, people):
    client.force_login(people["administrator"])
    form = client.get(ADD).context["adminform"].form
    assert list(form.fields["user"].queryset) == [people["administrator"]]


def test_a_token_never_changes_hands(client, people):
    token, _ = ApiToken.issue(name="mine", user=people["administrator"])
    client.force_login(people["administrator"])
    response = client.post(reverse("admin:interactions_apitoken_change", args=[token.pk]),
                           {"name": "renamed", "user": people["superuser"].pk, "is_active": "on"})
    assert response.status_code == 302
    token.refresh_from_db()
    assert (token.name, token.user) == ("renamed", people["administrator"])
