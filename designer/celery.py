"""The Celery app: `celery -A designer worker` and `celery -A designer beat`."""

import os
import signal
import sys

from celery import Celery
from celery.signals import worker_process_init

from .ops.heartbeat import WorkerHeartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")

app = Celery("designer")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.steps["worker"].add(WorkerHeartbeat)  # /readyz knows a worker is up


@worker_process_init.connect
def _unwind_on_sigterm(**_):
    """A pool process told to stop (cold shutdown, revoke with terminate) unwinds as SystemExit instead of
    vanishing, so an evaluation under way marks its run failed at once (its transaction still rolls back)."""
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
