import pytest
from django.conf import settings
from django.db import connection


def pytest_collection_modifyitems(config, items):
    on_postgresql = connection.vendor == "postgresql"
    if settings.REQUIRE_SERVICES:
        missing = [name for name, ok in (("PostgreSQL", on_postgresql), ("Redis", settings.TEST_REDIS_URL)) if not ok]
        if missing:
            raise pytest.UsageError(f"services are required but not configured: {', '.join(missing)}")
        return
    for item in items:
        if "postgresql" in item.keywords and not on_postgresql:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        if "redis" in item.keywords and not settings.TEST_REDIS_URL:
            item.add_marker(pytest.mark.skip(reason="needs Redis (set TEST_REDIS_URL)"))
