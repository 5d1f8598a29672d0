"""Test settings: PostgreSQL and Redis when they answer on this machine, else the embedded default.

CI sets SEGMENT_DESIGNER_REQUIRE_SERVICES=1, and then a missing service fails the run (tests/conftest.py)
instead of quietly skipping what needs it.
"""

import os
import socket


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


if "DATABASE_URL" not in os.environ and _answers("127.0.0.1", 5432):
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/segment_designer"
if "TEST_REDIS_URL" not in os.environ and _answers("127.0.0.1", 6379):
    os.environ["TEST_REDIS_URL"] = "redis://127.0.0.1:6379/15"
os.environ.pop("CELERY_BROKER_URL", None)
# The suite (and the workers and commands it starts) configures itself as `make run` does: plain HTTP, static
# files unhashed, the development key. Django's test runner still answers with DEBUG off; the production
# test (tests/designer/test_production.py) starts its own server with DEBUG=0.
os.environ.setdefault("DEBUG", "1")  # unit tests run tasks in-process; broker tests start real workers

from designer.settings import *  # noqa: E402,F403
from designer.settings import BASE_DIR, DATABASES  # noqa: E402

# A second, always-SQLite database so that the same query can be checked on both engines in one run.
DATABASES["sqlite"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(BASE_DIR / "test-sqlite.db"),
                       "TEST": {"NAME": None}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
REQUIRE_SERVICES = os.environ.get("SEGMENT_DESIGNER_REQUIRE_SERVICES") == "1"
