"""Property-based: requests generated from the API's own OpenAPI schema never get a server error (5xx).

Schemathesis reads /api/openapi.json through WSGI (in process, no network) and generates requests for every
operation (reads, writes, deletes and the ingest endpoint), with the token of a superuser, who may do everything,
so that requests get past authentication and roles.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from designer.wsgi import application
from interactions.models import ApiToken
from segments.services import segment_create

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)

OPENED = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"


@pytest.fixture
def keep_the_test_connection():
    """Like Django's test client: the WSGI handler must not close the test's database connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def key(django_user_model, keep_the_test_connection):
    user = django_user_model.objects.create_superuser("root")
    segment_create(name="Openers", query_text=OPENED)
    return ApiToken.issue(name="schemathesis", user=user)[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case, key):
    response = case.call(headers={"Authorization": f"Bearer {key}"})
    # Beyond "no 5xx": every answer is documented, with its declared content type and shape. (Not checked:
    # "valid data is accepted" -- a schema-valid body can still hold an invalid query -- and "bad auth is
    # refused", since every request here carries the superuser's token.)
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                             response_schema_conformance])
