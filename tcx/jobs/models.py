"""One table of background jobs, whatever app they serve."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """One run of a registered task kind with its JSON arguments.

    ``key`` names the effect (``<record id>:<version>``, ``<import run id>``): a kind holds one job
    per key, so enqueueing the same work twice is a no-op. A worker holds a running job by its
    lease; a job whose worker died is taken again once ``lease_until`` has passed."""

    kind = models.CharField(max_length=64)
    key = models.CharField(max_length=200)
    args = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    run_after = models.DateTimeField(default=timezone.now, help_text="not claimed before (retry back-off)")
    lease_until = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True, help_text="host:pid of the last worker")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="job_once_per_key")]
        indexes = [
            # the claim walks the queued jobs in id order (a partial index: done jobs cost nothing)
            models.Index(fields=["id"], condition=models.Q(status="queued"), name="job_queued_idx"),
            models.Index(fields=["status", "lease_until"], name="job_lease_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} {self.status}"
