"""Sign-in throttling (django-axes): wrong passwords lock one account from one address for a while, with a
page that says how long; the lock is per account and address, and `axes_reset` lifts it."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains

from .conftest import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "pw-segments-123"  # make_user's
HOME = "10.0.0.1"


@pytest.fixture
def ada(django_user_model):
    return make_user(django_user_model, "ada", "Marketers")


def sign_in(client, username, password, address=HOME, url=None):
    return client.post(url or reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return client.get(reverse("segment-list")).status_code == 200


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in(client, ada, settings):
    answers = [sign_in(client, "ada", f"guess-{n}").status_code for n in range(30)]
    limit = settings.AXES_FAILURE_LIMIT
    assert answers[:limit - 1] == [200] * (limit - 1)  # the form again, "please enter a correct ..."
    assert set(answers[limit - 1:]) == {429}
    response = sign_in(client, "ada", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    assert response.context["username"] == "ada"
    message = ("Too many failed sign-in attempts for <strong>ada</strong>: try again in 15 minutes. "
               "An administrator can unlock the account sooner.")
    assertContains(response, f'<p class="error" role="alert" data-locked-out>{message}</p>', html=True, status_code=429)


@pytest.mark.parametrize(("who", "address", "locked"), [
    ("ada", HOME, True),
    ("ada", "10.0.0.2", False),  # the account from another address
    ("grace", HOME, False),  # another account from the same address
])
def test_the_lock_is_on_the_account_from_the_address(client, ada, django_user_model, who, address, locked):
    make_user(django_user_model, "grace", "Marketers")
    for n in range(5):
        sign_in(client, "ada", f"guess-{n}")
    response = sign_in(client, who, PASSWORD, address)
    assert response.status_code == (429 if locked else 302)
    assert signed_in(client) is not locked


def test_the_admin_sign_in_is_throttled_too(client, django_user_model):
    django_user_model.objects.create_superuser("root", password=PASSWORD)
    for n in range(5):
        sign_in(client, "root", f"guess-{n}", url="/admin/login/")
    assert sign_in(client, "root", PASSWORD, url="/admin/login/").status_code == 429
    assert client.get("/admin/").status_code == 302


def test_a_success_below_the_limit_forgets_the_failures(client, ada):
    for n in range(4):
        sign_in(client, "ada", f"guess-{n}")
    assert sign_in(client, "ada", PASSWORD).status_code == 302
    client.logout()
    for n in range(4):
        sign_in(client, "ada", f"again-{n}")
    assert sign_in(client, "ada", PASSWORD).status_code == 302


def test_axes_reset_unlocks(client, ada):
    for n in range(5):
        sign_in(client, "ada", f"guess-{n}")
    assert sign_in(client, "ada", PASSWORD).status_code == 429
    call_command("axes_reset", verbosity=0)
    assert sign_in(client, "ada", PASSWORD).status_code == 302
    assert signed_in(client)
