from django.apps import AppConfig


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
