import importlib.util
import os
import shutil

import pytest
from django.conf import settings
from django.db import connection


def chromium_available() -> bool:
    return bool(shutil.which(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
                and importlib.util.find_spec("playwright"))


def pytest_collection_modifyitems(config, items):
    on_postgresql = connection.vendor == "postgresql"
    if settings.REQUIRE_SERVICES:
        needs = (("PostgreSQL", on_postgresql), ("Redis", settings.TEST_REDIS_URL),
                 ("Chromium and Playwright", chromium_available()))
        missing = [name for name, ok in needs if not ok]
        if missing:
            raise pytest.UsageError(f"services are required but not available: {', '.join(missing)}")
        return
    for item in items:
        if "postgresql" in item.keywords and not on_postgresql:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))
        if "redis" in item.keywords and not settings.TEST_REDIS_URL:
            item.add_marker(pytest.mark.skip(reason="needs Redis (set TEST_REDIS_URL)"))
