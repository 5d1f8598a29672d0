"""Segments, their materialized membership, its change log, and evaluation runs."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from interactions.models import Contact


class Segment(models.Model):
    class Kind(models.TextChoices):
        BEHAVIORAL = "behavioral", "Behavioral"
        PROFILE = "profile", "Profile"
        COMPOUND = "compound", "Compound"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"
        STOPPED = "stopped", "Stopped"

    class Status(models.TextChoices):
        IDLE = "idle", "Not evaluated"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Evaluating"
        SUCCEEDED = "succeeded", "Up to date"
        FAILED = "failed", "Failed"

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, default="")
    # The Dynamics 365 segment this one was copied from (32 hex digits, lower case): queries copied from
    # Dynamics name segments as SEGMENT(SEGMENT_CRM_ID_<crm_id>).
    crm_id = models.CharField("Dynamics ID", max_length=32, null=True, blank=True, unique=True,
                              validators=[RegexValidator(r"^[0-9a-f]{32}$", "a Dynamics ID is 32 hex digits")])
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.BEHAVIORAL)
    query = models.TextField(help_text="The canonical query text.")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(default=1, help_text="Increases on every edit.")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="segments")
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(default=timezone.now)
    # What the query reads, kept with the query so that ingest and beat find the segments to refresh.
    reads_types = models.JSONField(default=list, blank=True, help_text="Interaction types the query reads.")
    uses_segments = models.JSONField(default=list, blank=True, help_text="Names of the segments the query uses.")
    has_window = models.BooleanField(default=False)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IDLE)
    last_error = models.TextField(blank=True, default="")
    failures = models.PositiveIntegerField(default=0, help_text="Failed evaluations in a row.")
    member_count = models.PositiveIntegerField(null=True, blank=True)
    evaluated_version = models.PositiveIntegerField(null=True, blank=True)
    last_evaluated_at = models.DateTimeField(null=True, blank=True,
                                             help_text="The evaluation time of the membership shown.")
    next_evaluation_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    # Incremental refresh: the newest ingested_at the membership has seen, per the last run.
    ingest_watermark = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["state", "next_evaluation_at"])]

    def __str__(self):
        return self.name

    @property
    def is_live(self) -> bool:
        return self.state == self.State.LIVE

    @property
    def is_stale(self) -> bool:
        """The membership is of an older version of the query (edited since, e.g. during a run)."""
        return self.evaluated_version is not None and self.evaluated_version < self.version

    @property
    def shown_status(self) -> tuple[str, str]:
        """(value, label) of the status badge: a finished run of an older version is not "Up to date"."""
        if self.status == self.Status.SUCCEEDED and self.is_stale:
            return "stale", "Stale"
        return self.status, self.get_status_display()


# Membership and its change log are written a million rows at a time, so they carry only the indexes that
# reads need and no database-level foreign keys (whose deferred per-row checks doubled the time of a
# first evaluation): every row comes from a query over existing contacts inside the evaluation's
# transaction, and deleting a segment or a contact still cascades here through Django.


class Membership(models.Model):
    """The current members of a segment. The compiler reads this table for SEGMENT(x) of a live x."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="memberships",
                                db_index=False, db_constraint=False)  # the unique (segment, contact) index serves it
    # No index of its own: a refresh probes (segment, contact), which stays small and cached per segment, where
    # a contact index over every segment's members was chosen for the probes by a planner blind to a new
    # segment's size (random reads: 123 ms for 10,000 probes at 10M) and cost a random insert per entering
    # member. Deleting contacts scans the membership, as it scans the change log.
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, db_column="contact_id", related_name="+",
                                db_constraint=False, db_index=False)
    since = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["segment", "contact"], name="membership_unique")]

    def __str__(self):
        return f"{self.contact_id} in {self.segment_id} since {self.since:%Y-%m-%d}"


class EvaluationRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        SUPERSEDED = "superseded", "Superseded by a newer version"
        SKIPPED = "skipped", "Skipped: another run held the segment"

    class Mode(models.TextChoices):
        FULL = "full", "Full"
        INCREMENTAL = "incremental", "Incremental"

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="runs")
    version = models.PositiveIntegerField()
    evaluated_at = models.DateTimeField(help_text="The evaluation time: interactions after it are ignored.")
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.FULL)
    started = models.DateTimeField(default=timezone.now)
    finished = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    members = models.PositiveIntegerField(null=True, blank=True)
    added = models.PositiveIntegerField(null=True, blank=True)
    removed = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    error = models.TextField(blank=True, default="")
    reason = models.CharField(max_length=200, blank=True, default="",
                              help_text="Why the run happened: went live, edited while live, new interactions, ...")
    # A compound segment's refresh recomputes the contacts whose membership of the segments it reads changed
    # since its last run: the changes of their runs applied after the newest one that run saw. So the time is
    # the database's, taken inside the run's transaction while it holds the segment's lock (in commit order).
    applied_at = models.DateTimeField(null=True, blank=True,
                                      help_text="When a successful run wrote its changes (the database's clock).")
    read_memberships = models.JSONField(null=True, blank=True,
                                        help_text="The segments whose memberships the run read (ids), each with "
                                                  "the time its newest run seen applied; none if it compiled one "
                                                  "inline.")

    class Meta:
        ordering = ["-started"]
        indexes = [models.Index(fields=["segment", "-started"]), models.Index(fields=["status", "started"]),
                   models.Index(fields=["segment", "applied_at"])]

    def __str__(self):
        return f"{self.segment} v{self.version} at {self.evaluated_at:%Y-%m-%d %H:%M}"


class MembershipChange(models.Model):
    class Change(models.TextChoices):
        ENTERED = "entered", "Entered"
        EXITED = "exited", "Exited"

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="changes",
                                db_index=False, db_constraint=False)  # the (segment, at) index serves it
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, db_column="contact_id", related_name="+",
                                db_constraint=False, db_index=False)
    change = models.CharField(max_length=10, choices=Change.choices)
    at = models.DateTimeField()
    # A run's changes are found by (segment, at), and go with their segment: runs are never deleted alone (the
    # console shows them read-only), so no cascade by run needs a scan of the whole change log.
    run = models.ForeignKey(EvaluationRun, on_delete=models.DO_NOTHING, related_name="changes", db_constraint=False,
                            db_index=False)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["segment", "at"])]

    def __str__(self):
        return f"{self.contact_id} {self.change} {self.segment_id} at {self.at:%Y-%m-%d %H:%M}"
