"""POST /api/interactions: token auth (Ingest group), per-item errors, nothing half-written, size limit, idempotence."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from interactions.models import INTERACTION_MODELS, ApiToken, Contact
from segments import roles
from tests.interactions.factories import contact, guid, interaction

pytestmark = pytest.mark.django_db
URL = "/api/interactions"


@pytest.fixture
def key():
    user = get_user_model().objects.create_user("tracker")
    user.groups.add(Group.objects.get(name=roles.INGEST))
    return ApiToken.issue(name="website tracker", user=user)[1]


def post(client, body, key=None, raw=False):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    data = body if raw else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", headers=headers)


def test_a_valid_array_is_stored_and_counted(client, key):
    response = post(client, [contact(1), interaction("EmailOpened", 1, 1), interaction("EmailClicked", 2, 1)], key)
    assert response.status_code == 200
    assert response.json() == {"inserted": 2, "duplicates": 0, "records": 1,
                               "inserted_by_type": {"EmailOpened": 1, "EmailClicked": 1}}
    assert ApiToken.objects.get().last_used is not None


def test_the_same_request_twice_is_idempotent(client, key):
    body = [contact(1), interaction("EmailOpened", 1, 1)]
    post(client, body, key)
    response = post(client, body, key)
    assert response.json()["inserted"] == 0 and response.json()["duplicates"] == 1
    assert INTERACTION_MODELS["EmailOpened"].objects.count() == 1


@pytest.mark.parametrize(
    ("header", "why"),
    [(None, "no token"), ("Bearer wrong-key", "wrong token"), ("Basic abc", "wrong scheme"), ("Bearer ", "empty")],
)
def test_requests_without_a_valid_token_are_refused(client, header, why):
    headers = {"Authorization": header} if header else {}
    response = client.post(URL, data="[]", content_type="application/json", headers=headers)
    assert response.status_code == 401, why
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "API token" in response.json()["error"]["message"]


def test_a_revoked_token_is_refused(client, key):
    ApiToken.objects.update(is_active=False)
    assert post(client, [], key).status_code == 401


def test_bad_items_get_per_item_errors_and_nothing_is_written(client, key):
    body = [contact(1), interaction("EmailOpened", 1, 1), interaction("EmailOpened", 2, 1, Timestamp="soon"),
            {"type": "Nope"}, interaction("EmailOpened", 3, 5)]
    response = post(client, body, key)
    assert response.status_code == 400
    assert response.json() == {"error": {
        "message": "3 invalid item(s); nothing was written",
        "errors": [
            {"index": 2, "field": "Timestamp",
             "reason": "bad timestamp: 'soon' is not ISO 8601 (e.g. '2026-10-20T08:15:00Z')"},
            {"index": 3, "field": "type", "reason": "unknown type 'Nope'"},
            {"index": 4, "field": "ContactId", "reason": f"unknown contact {guid(5)}"},
        ],
    }}
    assert Contact.objects.count() == 0
    assert INTERACTION_MODELS["EmailOpened"].objects.count() == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [("{not json", "body is not valid JSON"), ('{"type": "Contact"}', "body must be a JSON array"),
     ("[" * 5000 + "]" * 5000, "body is not valid JSON for import: arrays and objects nest too deeply"),
     ('[{"type": "Contact", "type": "Contact"}]',
      "body is not valid JSON for import: the key 'type' appears twice in one object"),
     (b'[{"type": "Contact", "FullName": "Z\xfcrich"}]', "body is not UTF-8 text (byte 0xfc at offset 35)")],
)
def test_a_body_that_is_not_a_json_array_is_refused(client, key, body, message):
    response = post(client, body, key, raw=True)
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith(message)


@pytest.mark.parametrize(("item", "field", "reason"), [
    (contact(1, FullName="Ada\ud800"), "FullName", "text contains a lone surrogate ('\\ud800'), which is not "
                                                    "a character; escape a character outside the BMP as a surrogate "
                                                    "pair"),
    (contact(1, FullName="x" * 201), "FullName", "text of 201 characters; at most 200 fit"),
    (contact(1, Email="x" * 255), "Email", "text of 255 characters; at most 254 fit"),
    (interaction("EmailOpened", 1, 1, Timestamp="9999-12-31T23:59:59-14:00"), "Timestamp",
     "bad timestamp: '9999-12-31T23:59:59-14:00' is past the year 9999 in UTC"),
])
def test_hostile_items_get_their_own_error(client, key, item, field, reason):
    response = post(client, [contact(1), item], key)
    assert response.status_code == 400
    assert response.json()["error"]["errors"] == [{"index": 1, "field": field, "reason": reason}]
    assert Contact.objects.count() == 0


def test_a_body_past_the_limit_is_refused_with_413(client, key, settings):
    settings.INGEST_MAX_BYTES = 1000
    response = post(client, [contact(n) for n in range(50)], key)
    assert response.status_code == 413
    size = len(json.dumps([contact(n) for n in range(50)]))
    assert response.json() == {"error": {"message": f"body too large: {size:,} bytes; the limit is 1,000 bytes",
                                         "limit": 1000}}
    assert Contact.objects.count() == 0


def test_only_post_is_allowed(client, key):
    assert client.get(URL, headers={"Authorization": f"Bearer {key}"}).status_code == 405
