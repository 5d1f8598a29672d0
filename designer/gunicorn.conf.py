"""gunicorn's configuration for the designer: `gunicorn -c designer/gunicorn.conf.py designer.wsgi`.

WEB_BIND (default 127.0.0.1:$PORT, PORT default 8000; 0.0.0.0:8000 in a container), WEB_CONCURRENCY worker
processes (default 2) with WEB_THREADS threads each (default 4). Each thread keeps at most one database
connection: the web server never holds more than WEB_CONCURRENCY x WEB_THREADS.
"""

import os
import shutil
import tempfile

bind = os.environ.get("WEB_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
accesslog = "-"
# Behind a proxy that sets X-Forwarded-For/-Proto (settings: SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# A fixed set of threads: persistent connections are reused, never multiplied (settings.DATABASES).
os.environ.setdefault("DB_CONN_MAX_AGE", "60")
os.environ.setdefault("DB_APPLICATION_NAME", "segment-designer-web")

# The estimate latency histogram is observed in whichever worker served the estimate; prometheus-client's
# multiprocess mode adds the workers' files up at /metrics. The directory is emptied at every start, as
# prometheus-client requires; the workers inherit the variable because they import the app after this.
if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
    shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    created = None
else:
    created = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="segment-designer-metrics-")

# Only now: prometheus-client picks its multiprocess storage when first imported, and the workers fork from here.
from prometheus_client import multiprocess  # noqa: E402


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if created:
        shutil.rmtree(created, ignore_errors=True)
