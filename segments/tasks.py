"""Celery tasks: each loads by id and calls a service; enqueue them with transaction.on_commit."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from interactions import maintenance

from . import services
from .evaluation import segment_evaluate
from .models import Segment

TRANSIENT = (OperationalError, InterfaceError)
BUSY_RETRY_SECONDS = 10


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, autoretry_for=TRANSIENT, retry_backoff=2,
             retry_backoff_max=300, retry_jitter=True, max_retries=5)
def evaluate_segment(self, segment_id: int, reason: str = "", full: bool = False) -> str:
    try:
        run = segment_evaluate(segment_id=segment_id, reason=reason, full=full)
    except Segment.DoesNotExist:
        return "deleted"
    if run.status == run.Status.SKIPPED:
        # Another worker holds the segment; evaluate again after it, so what queued this run is not lost.
        raise self.retry(countdown=BUSY_RETRY_SECONDS, max_retries=30)
    return run.status


@shared_task
def refresh_due_segments() -> int:
    return services.refresh_due_segments()


@shared_task
def reset_stuck_runs() -> int:
    return services.reset_stuck_runs()


@shared_task
def maintain_store() -> dict:
    return {"analyzed": maintenance.analyze_changed(), "vacuumed": maintenance.vacuum_needed(),
            "summarized": maintenance.summarize_new_ranges(tables=maintenance.interaction_tables())}
