"""The embedded default (SQLite, in-process tasks) and production settings, checked in fresh processes."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, env_extra=None, unset=(), stdin=None):
    env = {k: v for k, v in os.environ.items() if k not in unset}
    for test_only in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # the browser tests set the latter
        env.pop(test_only, None)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=300)


def test_without_configuration_the_store_is_an_sqlite_file_and_tasks_run_in_process():
    code = ("from django.conf import settings; from django.db import connection; "
            "print(connection.vendor, settings.DATABASES['default']['NAME'], settings.CELERY_TASK_ALWAYS_EAGER)")
    result = manage("shell", "-v", "0", "-c", code, unset=("DATABASE_URL", "CELERY_BROKER_URL"))
    assert result.returncode == 0, result.stderr
    vendor, name, eager = result.stdout.split()
    assert (vendor, Path(name), eager) == ("sqlite", ROOT / "db.sqlite3", "True")


def test_a_broker_url_switches_tasks_to_workers():
    code = "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL)"
    result = manage("shell", "-v", "0", "-c", code, env_extra={"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"})
    assert result.stdout.split() == ["False", "redis://127.0.0.1:6379/0"]


def test_the_sqlite_path_migrates_imports_and_creates_the_demo_sign_in(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    assert manage("migrate", "--noinput", env_extra=env).returncode == 0
    lines = [
        {"type": "Contact", "ContactId": "11111111-1111-1111-1111-111111111111", "FullName": "Ada"},
        {"type": "EmailOpened", "InteractionId": "21111111-1111-1111-1111-111111111111",
         "ContactId": "11111111-1111-1111-1111-111111111111", "Timestamp": "2026-10-20T08:15:00Z"},
    ]
    result = manage("import_jsonl", "-", env_extra=env, stdin="\n".join(json.dumps(x) for x in lines))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Imported 1 interactions (EmailOpened 1)")
    first = manage("ensure_demo_user", env_extra=env)
    assert "user 'demo', password 'demo-segments'" in first.stdout
    assert "Sign in as 'demo'" in manage("ensure_demo_user", env_extra=env).stdout


def test_deploy_checks_are_clean_with_debug_off():
    env = {"DEBUG": "0", "SECRET_KEY": "x" * 64 + "-a-long-random-production-secret", "ALLOWED_HOSTS": "example.org"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env_extra=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
