"""Settings, read from the environment in this one place (12-factor).

DATABASE_URL       default: an SQLite file in the project folder (the embedded default)
CELERY_BROKER_URL  unset: tasks run in-process, eagerly; set (redis://...): real workers
SECRET_KEY, DEBUG (off unless set: `make run` sets it), ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS
AXES_FAILURE_LIMIT, AXES_COOLOFF_MINUTES, AXES_LOCKOUT_PARAMETERS, AXES_ENABLED  sign-in throttling
The README's Configuration table lists every variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off unless asked for: a forgotten variable must not put the debug page (with every setting) in production.
DEBUG = env_bool("DEBUG", False)
# The fallback key only exists so that `make run` works on a fresh clone; without DEBUG it is refused.
DEVELOPMENT_SECRET_KEY = "django-insecure-segment-designer-local-development-only"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or SECRET_KEY.startswith("django-insecure")
                  or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY is unset or insecure while DEBUG is off: set SECRET_KEY to a long random value (50+ characters, "
        "e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'), or DEBUG=1 for local development.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
# The origins (scheme://host[:port]) that may post forms when the site is reached through a proxy or another name.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "designer.console.apps.ConsoleConfig",  # the admin, with our site as the default one
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "interactions",
    "segments",
    "designer",
    "axes",  # sign-in throttling (below)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, right after security (its headers apply)
    "designer.ops.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a locked-out sign-in into the lockout page
]

ROOT_URLCONF = "designer.urls"
WSGI_APPLICATION = "designer.wsgi.application"
ASGI_APPLICATION = "designer.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Persistent connections only where a fixed set of threads reuses them: designer/gunicorn.conf.py sets
# DB_CONN_MAX_AGE for its workers. runserver opens a thread per request, and a persistent connection per
# thread exhausts PostgreSQL's max_connections under load (README: Production, Database connections).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the designer read while an in-process evaluation writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
else:
    # A database that does not answer fails a request (and /readyz) in seconds instead of hanging it.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["connect_timeout"] = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
    # pg_stat_activity tells the web server's connections (gunicorn.conf.py) from the workers'.
    options["application_name"] = os.environ.get("DB_APPLICATION_NAME", "segment-designer")
    # PgBouncer in transaction mode cannot keep a server-side cursor across transactions.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)

# --- Read replica (README: Read replica) ---
# With DATABASE_REPLICA_URL set, read-only interactive work reads a streaming replica (designer/db_router.py);
# for REPLICA_STICKY_SECONDS after a request that wrote, that user's requests read the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests of the app itself see one database
    DATABASE_ROUTERS = ["designer.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
                      "designer.db_router.ReadYourWritesMiddleware")
REPLICA_STICKY_SECONDS = int(os.environ.get("REPLICA_STICKY_SECONDS", "10"))
# --- end of read replica ---

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Without DEBUG, `collectstatic` writes hashed, gzip- and brotli-compressed copies that WhiteNoise serves
# with far-future cache headers; with DEBUG, files are served as they are, so no collectstatic is needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# With DEBUG, WhiteNoise serves the source folders and looks again at every request.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account from one address,
# that pair is locked out for AXES_COOLOFF_MINUTES (every attempt meanwhile restarts the cool-off); a successful
# sign-in forgets earlier failures. `manage.py axes_reset` unlocks everyone. API tokens are not throttled here.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
# "username+ip_address": the pair; "username,ip_address": either one alone locks (anyone could lock an account).
AXES_LOCKOUT_PARAMETERS = [group.split("+") if "+" in group else group for group in
                           os.environ.get("AXES_LOCKOUT_PARAMETERS", "username+ip_address").replace(" ", "").split(",")]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every command's stderr
AXES_LOCKOUT_TEMPLATE = "registration/login.html"  # answered with 429 and the time to wait

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Celery: without a broker every task runs in-process, at once, so the embedded default needs no services.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# An in-process task that fails records its failure on the segment, like a worker would; the request goes on.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"

# The HTTP ingest endpoint refuses bodies past this size with 413 (README: Getting interactions in).
INGEST_MAX_BYTES = int(os.environ.get("INGEST_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = max(INGEST_MAX_BYTES, 2_621_440)

# HTTPS: on by default without DEBUG, each switchable for a deployment behind a proxy that does it already.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Probes and scrapers speak plain HTTP inside the network; a redirect would fail them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("SECURE_PROXY_SSL_HEADER", not DEBUG):
    # Trust X-Forwarded-Proto only behind a proxy that sets it (and strips a client's own).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Scripts and styles only from our own static files (htmx included); nothing inline, no frames.
CONTENT_SECURITY_POLICY = os.environ.get("CONTENT_SECURITY_POLICY", (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"))

# LOG_FORMAT=json: one JSON object per line, with an evaluation's or an ingest's figures as fields.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "designer.ops.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "formatter": "json" if os.environ.get("LOG_FORMAT") == "json" else "text"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` when the token is set.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# /readyz: how often a worker records its heartbeat, and how old a worker heartbeat or beat tick may be.
# Beat wakes at least every minute (the refresh schedule), so three minutes means it has stopped.
WORKER_HEARTBEAT_INTERVAL = float(os.environ.get("WORKER_HEARTBEAT_INTERVAL", "10"))
READY_WORKER_MAX_AGE = float(os.environ.get("READY_WORKER_MAX_AGE", "60"))
READY_BEAT_MAX_AGE = float(os.environ.get("READY_BEAT_MAX_AGE", "180"))
# Where in the broker's Redis they are kept (one prefix per installation sharing a Redis).
HEARTBEAT_KEY_PREFIX = os.environ.get("HEARTBEAT_KEY_PREFIX", "segment-designer:heartbeat")

CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "segments")

# --- Worker queues (README: Scaling the workers) ---
# Work is queued by why it runs, so a click never waits behind scheduled refreshes: `interactive` (a person
# asked: Evaluate now, go live, an edit of a live segment), `refresh` (beat's due refreshes, new
# interactions, a used segment that changed), `upkeep` (maintenance). A prefix keeps test queues apart.
_QUEUE_PREFIX = os.environ.get("CELERY_QUEUE_PREFIX", "")
SEGMENT_QUEUES = {name: f"{_QUEUE_PREFIX}{name}" for name in ("interactive", "refresh", "upkeep")}
# Declared, so that every worker and /metrics (app.amqp.queues) know them; the default queue stays for tasks
# sent by name without one.
CELERY_TASK_QUEUES = [Queue(name) for name in (*SEGMENT_QUEUES.values(), CELERY_TASK_DEFAULT_QUEUE)]
CELERY_TASK_ROUTES = {
    "segments.tasks.refresh_due_segments": {"queue": SEGMENT_QUEUES["upkeep"]},
    "segments.tasks.reset_stuck_runs": {"queue": SEGMENT_QUEUES["upkeep"]},
    "segments.tasks.maintain_store": {"queue": SEGMENT_QUEUES["upkeep"]},
}
# --- end of worker queues ---
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT = "designer.broker:Transport"  # kombu's, surviving a Redis restart (see there)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # How long a task taken by a worker that died stays invisible before Redis hands it to another worker.
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
}
if os.environ.get("CELERY_UNACKED_RESTORE_SECONDS"):
    # How often a worker looks for such tasks (kombu's default sweep is about every 100 s).
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        unacked_restore_interval=int(os.environ["CELERY_UNACKED_RESTORE_SECONDS"]), unacked_restore_throttle=1)
# Beat records each tick where /readyz sees it (designer/ops/heartbeat.py).
CELERY_BEAT_SCHEDULER = "designer.ops.heartbeat:TickRecordingScheduler"
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get("CELERY_BEAT_SCHEDULE_FILENAME", "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "refresh-due-segments": {"task": "segments.tasks.refresh_due_segments", "schedule": 60.0},
    "reset-stuck-runs": {"task": "segments.tasks.reset_stuck_runs", "schedule": 300.0},
    "maintain-store": {"task": "segments.tasks.maintain_store", "schedule": 600.0},
}

# Segment freshness (seconds): every live segment is re-evaluated at least this often; a moving window
# also at the next UTC midnight. New interactions trigger the segments that read them after the debounce.
SEGMENT_REFRESH_INTERVAL = int(os.environ.get("SEGMENT_REFRESH_INTERVAL", "3600"))
SEGMENT_INGEST_DEBOUNCE = float(os.environ.get("SEGMENT_INGEST_DEBOUNCE", "5"))
SEGMENT_QUEUE_TIMEOUT = int(os.environ.get("SEGMENT_QUEUE_TIMEOUT", "900"))
SEGMENT_RUN_TIMEOUT = int(os.environ.get("SEGMENT_RUN_TIMEOUT", "1800"))
# The designer's statements (estimate, difference, per-restriction counts, explain) stop after this.
INTERACTIVE_STATEMENT_TIMEOUT_MS = int(os.environ.get("INTERACTIVE_STATEMENT_TIMEOUT_MS", "5000"))
# Below this many contacts the designer counts exactly; above, it estimates over a sample of contacts first
# and the exact count follows (segments/sampling.py).
ESTIMATE_EXACT_BELOW = int(os.environ.get("ESTIMATE_EXACT_BELOW", "100000"))
# The sample estimated over is the coarsest (1/64, 1/256, 1/1024) expected to hold at most this many contacts:
# more is more precise and slower (an estimate's time grows about as the sampled contacts).
ESTIMATE_SAMPLE_TARGET = int(os.environ.get("ESTIMATE_SAMPLE_TARGET", "20000"))
# Seconds after which the number of contacts (the population a sampled count is scaled to) is recounted, in
# the background while estimates go on with the last count.
ESTIMATE_POPULATION_SECONDS = int(os.environ.get("ESTIMATE_POPULATION_SECONDS", "60"))
# Refreshes recompute only the contacts that changed; a full evaluation still runs at least this often.
SEGMENT_FULL_REFRESH_INTERVAL = int(os.environ.get("SEGMENT_FULL_REFRESH_INTERVAL", str(24 * 3600)))
