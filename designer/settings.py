"""Settings, read from the environment in this one place (12-factor).

DATABASE_URL       default: an SQLite file in the project folder (the embedded default)
CELERY_BROKER_URL  unset: tasks run in-process, eagerly; set (redis://...): real workers
SECRET_KEY, DEBUG, ALLOWED_HOSTS
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


DEBUG = env_bool("DEBUG", True)
# The fallback key only exists so that a fresh clone runs; `check --deploy` flags it.
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-segment-designer-local-development-only")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the designer read while an in-process evaluation writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"

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
STATIC_ROOT = BASE_DIR / "staticfiles"

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

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "segments")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # How long a task taken by a worker that died stays invisible before Redis hands it to another worker.
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
}
if os.environ.get("CELERY_UNACKED_RESTORE_SECONDS"):
    # How often a worker looks for such tasks (kombu's default sweep is about every 100 s).
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        unacked_restore_interval=int(os.environ["CELERY_UNACKED_RESTORE_SECONDS"]), unacked_restore_throttle=1)
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
# The designer's statements (estimate, difference, per-restriction counts, explain) stop after this (PostgreSQL).
INTERACTIVE_STATEMENT_TIMEOUT_MS = int(os.environ.get("INTERACTIVE_STATEMENT_TIMEOUT_MS", "5000"))
# Refreshes recompute only the contacts that changed; a full evaluation still runs at least this often.
SEGMENT_FULL_REFRESH_INTERVAL = int(os.environ.get("SEGMENT_FULL_REFRESH_INTERVAL", str(24 * 3600)))
