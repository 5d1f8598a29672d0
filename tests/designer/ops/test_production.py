"""The designer as it runs in production: the Procfile's commands (gunicorn, a Celery worker and beat) with DEBUG
unset, against PostgreSQL and a Redis of the test's own, spoken to over HTTP as a browser and probes would.

Run as `honcho -f designer/Procfile start` does, process by process, so that each is stopped by its own pid.
"""

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from designer.celery import app as celery_app
from interactions.models import ApiToken
from segments.roles import MARKETERS

from ..conftest import make_user

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
# Ports of our own; each xdist worker (`make test` runs two) may start this stack, on ports of its own.
_OFFSET = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
REDIS_PORT, WEB_PORT = 6401 + _OFFSET, 8101 + _OFFSET
WEB_CONCURRENCY, WEB_THREADS = 2, 4
BASE = f"http://127.0.0.1:{WEB_PORT}"
SECRET = "production-test-" + "k" * 50
METRICS_TOKEN = "scrape-me-" + "t" * 20
# The proxy in front says the client spoke HTTPS (settings: SECURE_PROXY_SSL_HEADER), as in production.
HTTPS = {"X-Forwarded-Proto": "https"}
ESTIMATED = "INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() >= 1)"

pytestmark = [pytest.mark.postgresql, pytest.mark.redis, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def procfile() -> dict[str, list[str]]:
    lines = (ROOT / "designer" / "Procfile").read_text().splitlines()
    return {name: shlex.split(command) for name, _, command in (line.partition(": ") for line in lines if line)}


def wait_for(predicate, what, timeout=30, logs=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs if log.exists())
    raise AssertionError(f"timed out waiting for {what}\n{tails}")


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def stop(process: subprocess.Popen, sig=signal.SIGTERM):
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def start_redis(folder: Path) -> subprocess.Popen:
    redis = subprocess.Popen(["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", str(folder)], stdout=subprocess.DEVNULL,
                             start_new_session=True)
    wait_for(lambda: answers(REDIS_PORT), "our Redis")
    return redis


@pytest.fixture(scope="module")
def stack(tmp_path_factory, django_db_setup, django_db_blocker):
    """Redis (ours), collectstatic, then web, worker and beat from the Procfile; stopped by pid at the end."""
    tmp = tmp_path_factory.mktemp("production")
    redis = {"process": start_redis(tmp)}
    db = connection.settings_dict
    # DEBUG unset (the suite sets it for itself): production's default must be off.
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"SECRET_KEY": SECRET, "ALLOWED_HOSTS": "127.0.0.1", "METRICS_TOKEN": METRICS_TOKEN,
                "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
                "CELERY_BROKER_URL": f"redis://127.0.0.1:{REDIS_PORT}/0", "STATIC_ROOT": str(tmp / "static"),
                "WEB_BIND": f"127.0.0.1:{WEB_PORT}", "WEB_CONCURRENCY": str(WEB_CONCURRENCY),
                "WEB_THREADS": str(WEB_THREADS), "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp / "beat-schedule"),
"PATH": f"{BIN}:{os.environ['PATH']}"})
    collected = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=120)
    assert collected.returncode == 0, collected.stderr
    processes, logs = {}, []
    for name, argv in procfile().items():
        log = tmp / f"{name}.log"
        logs.append(log)
        with log.open("w") as out:
            processes[name] = subprocess.Popen([str(BIN / argv[0]), *argv[1:]], cwd=ROOT, env=env, stdout=out,
                                               stderr=subprocess.STDOUT, start_new_session=True)
    wait_for(lambda: answers(WEB_PORT), "gunicorn", logs=logs)
    yield {"redis": redis, "tmp": tmp, "processes": processes, "logs": logs}
    for process in processes.values():
        stop(process)
    stop(redis["process"])


def request(path, *, data=None, headers=None, cookies=None):
    """(status, headers, body) of one request; never follows a redirect."""
    sent = {**HTTPS, **(headers or {})}
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None if data is None else urllib.parse.urlencode(data).encode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(BASE + path, data=body, headers=sent), timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def set_cookies(headers) -> dict:
    jar = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


def sign_in(django_user_model, username="ada") -> dict:
    """Sign in through the login form as a browser does; returns the session's cookies."""
    # The server knows only the production hashers (the suite's settings use a fast MD5 one).
    user = make_user(django_user_model, username, MARKETERS)
    user.password = PBKDF2PasswordHasher().encode("pw-segments-123", PBKDF2PasswordHasher().salt(), iterations=1000)
    user.save()
    status, headers, body = request("/accounts/login/")
    assert status == 200
    cookies = set_cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    status, headers, _ = request("/accounts/login/", data={"username": username, "password": "pw-segments-123",
                                                           "csrfmiddlewaretoken": token}, cookies=cookies,
                                 headers={"Origin": f"https://127.0.0.1:{WEB_PORT}",
                                          "Referer": f"https://127.0.0.1:{WEB_PORT}/accounts/login/"})
    assert (status, headers["Location"]) == (302, "/")
    return cookies | set_cookies(headers)


def test_the_login_page_renders_and_signing_in_works(stack, django_user_model):
    status, headers, body = request("/accounts/login/")
    assert status == 200 and b'name="password"' in body
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert all("Secure" in cookie for cookie in headers.get_all("Set-Cookie"))
    status, _, body = request("/", cookies=sign_in(django_user_model))
    assert status == 200 and b"Sign out ada" in body


def test_plain_http_is_sent_to_https_but_probes_are_not(stack):
    status, headers, _ = request("/accounts/login/", headers={"X-Forwarded-Proto": "http"})
    assert (status, headers["Location"]) == (301, f"https://127.0.0.1:{WEB_PORT}/accounts/login/")
    assert request("/healthz", headers={"X-Forwarded-Proto": "http"})[0] == 200


def test_static_files_have_hashed_names_far_future_caching_and_compression(stack):
    _, _, page = request("/accounts/login/")
    css = re.search(rb'href="(/static/designer/app\.[0-9a-f]{12}\.css)"', page).group(1).decode()
    plain = request(css)
    assert plain[0] == 200 and b"{" in plain[2]
    for encoding in ("gzip", "br"):
        status, headers, body = request(css, headers={"Accept-Encoding": encoding})
        assert (status, headers["Content-Encoding"]) == (200, encoding)
        assert "max-age=315360000" in headers["Cache-Control"] and "immutable" in headers["Cache-Control"]
        assert len(body) < len(plain[2])


def test_an_unknown_page_and_a_server_error_show_no_configuration(stack, django_user_model):
    status, _, body = request("/no-such-page/")
    assert status == 404 and b"URLconf" not in body
    # A NUL byte reaching PostgreSQL answered 500 with the debug page (issue 14 item 12).
    status, _, body = request("/?q=%00", cookies=sign_in(django_user_model))
    for secret in (SECRET, str(REDIS_PORT), connection.settings_dict["NAME"], "DATABASE_URL", "Traceback"):
        assert secret.encode() not in body, (status, secret)


def test_health_readiness_and_metrics(stack, django_user_model):
    status, _, body = request("/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})

    def ready():
        return request("/readyz")[0] == 200

    wait_for(ready, "readiness: a worker heartbeat and a beat tick", logs=stack["logs"])
    status, _, body = request("/readyz")
    assert json.loads(body) == {"status": "ready", "failed": [], "checks": {
        "database": "ok", "migrations": "ok", "broker": "ok", "worker": "ok", "beat": "ok"}}

    cookies = sign_in(django_user_model)
    for _ in range(3):  # whichever gunicorn worker answers, the scrape adds them all up
        status, _, _ = request("/segments/estimate/", data={"current_query": ESTIMATED}, cookies=cookies,
                               headers={"X-CSRFToken": cookies["csrftoken"], "Origin": f"https://127.0.0.1:{WEB_PORT}",
                                        "Referer": f"https://127.0.0.1:{WEB_PORT}/segments/new/"})
        assert status == 200

    assert request("/metrics")[0] == 401
    assert request("/metrics", headers={"Authorization": "Bearer wrong"})[0] == 401
    status, headers, body = request("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    families = {family.name: family for family in text_string_to_metric_families(body.decode())}
    assert {"segment_designer_evaluation_runs", "segment_designer_evaluation_duration_seconds",
            "segment_designer_segment_refresh_lag_seconds", "segment_designer_queue_depth",
            "segment_designer_interactions_stored", "segment_designer_estimate_seconds",
            "segment_designer_broker_up"} <= set(families)
    [estimates] = [s.value for s in families["segment_designer_estimate_seconds"].samples
                   if s.name == "segment_designer_estimate_seconds_count"]
    assert estimates == 3
    depths = {s.labels["queue"]: s.value for s in families["segment_designer_queue_depth"].samples}
    assert set(depths) == set(celery_app.amqp.queues)


def test_database_connections_stay_bounded_under_concurrent_api_reads(stack, django_user_model):
    key = ApiToken.issue(name="load", user=make_user(django_user_model, "reader", MARKETERS))[1]
    db = connection.settings_dict
    seen, done = [], threading.Event()

    def watch():
        """The web server's connections to the test database (gunicorn.conf.py names them), while the load runs."""
        with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"],
                             autocommit=True) as watcher:
            while not done.is_set():
                seen.append(watcher.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = %s AND "
                                            "application_name = 'segment-designer-web'", [db["NAME"]]).fetchone()[0])
                done.wait(0.05)  # a sampling period, not a wait for something

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=40) as pool:
            statuses = list(pool.map(lambda _: request("/api/segments", headers={"Authorization": f"Bearer {key}"})[0],
                                     range(200)))
    finally:
        done.set()
        watcher.join()
    assert [s for s in statuses if s >= 500] == [] and set(statuses) == {200}
    assert 0 < max(seen) <= WEB_CONCURRENCY * WEB_THREADS, seen


def test_readiness_names_the_broker_once_it_stops(stack):
    stop(stack["redis"]["process"])
    try:
        status, _, body = request("/readyz")
    finally:
        stack["redis"]["process"] = start_redis(stack["tmp"])  # the worker and beat reconnect by themselves
    answer = json.loads(body)
    assert status == 503 and "broker" in answer["failed"] and answer["checks"]["broker"] == "unreachable"
    assert str(REDIS_PORT).encode() not in body and b"redis" not in body.lower()
