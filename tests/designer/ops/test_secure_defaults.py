"""Secure defaults (issue 14 item 12): settings read in fresh processes, as each environment would start them,
and the pages under the Content-Security-Policy."""

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from segments.services import segment_create, segment_go_live

from ..conftest import SPRING

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "a-long-random-production-secret-" + "q" * 40
# Credentials only a debug page would show.
DATABASE_URL = "postgres://designer:hunter2-database@127.0.0.1:6409/segments"
BROKER_URL = "redis://:hunter2-broker@127.0.0.1:6409/0"
SHOWN = """
import json
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({"DEBUG": s.DEBUG, "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE, "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS, "CSRF_TRUSTED_ORIGINS": s.CSRF_TRUSTED_ORIGINS,
    "CONN_MAX_AGE": db["CONN_MAX_AGE"], "CONN_HEALTH_CHECKS": db["CONN_HEALTH_CHECKS"],
    "staticfiles": s.STORAGES["staticfiles"]["BACKEND"].rsplit(".", 1)[1]}))
"""


def python(code, **env):
    """Run code under designer/settings.py with exactly these variables (and no DEBUG unless given)."""
    base = {k: v for k, v in os.environ.items()
            if k not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    script = "import django; django.setup()\n" + code
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**base, "DJANGO_SETTINGS_MODULE": "designer.settings", "DATABASE_URL": DATABASE_URL,
                               **env})


@pytest.mark.parametrize("key", [None, "django-insecure-" + "x" * 50, "short-but-random"])
def test_without_debug_an_unset_or_insecure_secret_key_refuses_to_start(key):
    result = python("print('started')", **({"SECRET_KEY": key} if key else {}))
    assert result.returncode != 0 and "started" not in result.stdout
    assert ("django.core.exceptions.ImproperlyConfigured: SECRET_KEY is unset or insecure while DEBUG is off: "
            "set SECRET_KEY to a long random value") in result.stderr


@pytest.mark.parametrize(("env", "expected"), [
    ({"DEBUG": "1"},  # `make run`: the development key is accepted, nothing forces HTTPS
     {"DEBUG": True, "SECURE_SSL_REDIRECT": False, "SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False,
      "SECURE_HSTS_SECONDS": 0, "CSRF_TRUSTED_ORIGINS": [], "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": True,
      "staticfiles": "StaticFilesStorage"}),
    ({"SECRET_KEY": GOOD_KEY},  # DEBUG unset: production
     {"DEBUG": False, "SECURE_SSL_REDIRECT": True, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
      "SECURE_HSTS_SECONDS": 31536000, "CSRF_TRUSTED_ORIGINS": [], "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": True,
      "staticfiles": "CompressedManifestStaticFilesStorage"}),
    ({"SECRET_KEY": GOOD_KEY, "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "no",
      "SECURE_HSTS_SECONDS": "600", "CSRF_TRUSTED_ORIGINS": "https://segments.example.org, https://b.example.org",
      "DB_CONN_MAX_AGE": "30"},
     {"DEBUG": False, "SECURE_SSL_REDIRECT": False, "SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False,
      "SECURE_HSTS_SECONDS": 600, "CSRF_TRUSTED_ORIGINS": ["https://segments.example.org", "https://b.example.org"],
      "CONN_MAX_AGE": 30, "CONN_HEALTH_CHECKS": True, "staticfiles": "CompressedManifestStaticFilesStorage"}),
])
def test_settings_from_the_environment(env, expected):
    result = python(SHOWN, **env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


def test_a_server_error_without_debug_shows_no_configuration():
    raising = """
from django.test import Client
from django.urls import clear_url_caches, path
import designer.urls

def fail(request):
    raise RuntimeError("a view that fails")

designer.urls.urlpatterns.insert(0, path("fail/", fail))
clear_url_caches()
response = Client(raise_request_exception=False).get("/fail/", HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
print(response.status_code)
print(response.content.decode())
"""
    result = python(raising, SECRET_KEY=GOOD_KEY, CELERY_BROKER_URL=BROKER_URL)
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.split("\n", 1)
    assert status == "500"
    for shown in ("hunter2", "6409", "DATABASE_URL", "CELERY_BROKER_URL", GOOD_KEY, "a view that fails"):
        assert shown not in body


class Inline(HTMLParser):
    """What a strict CSP blocks in a page: inline scripts and styles, style attributes, event handler attributes."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type", "text/javascript") != "application/json":
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{tag} {name}=" for name in names if name == "style" or name.startswith("on")]
        self.found += [f"{tag} {name}=javascript:" for name, value in attrs
                       if name in ("href", "action", "src") and (value or "").strip().lower().startswith("javascript:")]


@pytest.fixture
def pages(signed_in, demo):
    clicked = "INTERACTION(EmailClicked, EmailClicked_ContactLink)"
    spring = segment_create(name="Spring clickers", query_text=f"{clicked}.FILTER(CustomerJourneyId == '{SPRING}')"
                                                                  ".HAVING(COUNT() >= 1)")
    segment_go_live(segment=spring)  # evaluates in process: members and a history to show
    paris = segment_create(name="Parisians", query_text=f"{clicked}.FILTER(City == 'Paris').HAVING(COUNT() >= 1)")
    both = segment_create(name="both", query_text="SEGMENT('Spring clickers') EXCEPT SEGMENT(Parisians)")
    return {"list": reverse("segment-list"), "new": reverse("segment-new"), "designer": reverse("segment-detail",
            args=[paris.pk]), "compound": reverse("segment-detail", args=[both.pk]),
            "members": reverse("segment-members", args=[spring.pk]),
            "history": reverse("segment-history", args=[spring.pk]), "data": reverse("overview")}


def test_every_page_carries_the_policy_and_nothing_it_would_block(signed_in, pages):
    for name, url in pages.items():
        response = signed_in.get(url)
        assert response.status_code == 200, name
        assert "script-src 'self'" in response["Content-Security-Policy"], name
        found = Inline()
        found.feed(response.content.decode())
        assert found.found == [], (name, found.found)
    signed_in.logout()
    login = signed_in.get(reverse("login"))
    assert "default-src 'self'" in login["Content-Security-Policy"]
    found = Inline()
    found.feed(login.content.decode())
    assert found.found == []
