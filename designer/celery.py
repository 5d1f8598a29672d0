"""The Celery app: `celery -A designer worker` and `celery -A designer beat`."""

import os

from celery import Celery

from .ops.heartbeat import WorkerHeartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")

app = Celery("designer")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.steps["worker"].add(WorkerHeartbeat)  # /readyz knows a worker is up
