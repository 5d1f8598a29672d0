from functools import partial

from django.apps import AppConfig
from django.db.backends.signals import connection_created

from .sampling import LEVELS, sqlite_in_sample


class SegmentsConfig(AppConfig):
    name = "segments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from interactions.signals import interactions_stored

        # Registers the Celery tasks in every process, so that services can queue them by name and
        # in-process (eager) runs find them; Celery's autodiscovery imports them only in workers.
        from . import services, tasks  # noqa: F401

        def refresh_readers(sender, types, **kwargs):
            services.interactions_arrived(type_names=types)

        interactions_stored.connect(refresh_readers, weak=False, dispatch_uid="segments-refresh-readers")
        connection_created.connect(_sqlite_functions, dispatch_uid="segments-sqlite-functions")


def _sqlite_functions(sender, connection, **kwargs):
    """SQLite has no MD5: sampled estimates call these Python twins of PostgreSQL's sampling functions."""
    if connection.vendor == "sqlite":
        for level in LEVELS:
            connection.connection.create_function(level.function, 1, partial(sqlite_in_sample, level=level),
                                                  deterministic=True)
