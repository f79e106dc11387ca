from __future__ import annotations

from django.db.models import Count, QuerySet

from tcx.jobs.models import Job, JobStatus
from tcx.policy import rules
from tcx.policy.actors import Actor
from tcx.policy.rules import NotFound


def jobs(*, actor: Actor, status: str = JobStatus.FAILED) -> QuerySet[Job]:
    """The jobs of one status, newest first: the node's operator only."""
    if not rules.runs_the_node(actor):
        raise NotFound("not found")
    return Job.objects.filter(status=status).order_by("-pk")


def counts(*, actor: Actor) -> dict[str, int]:
    if not rules.runs_the_node(actor):
        raise NotFound("not found")
    found = dict(Job.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {status: found.get(status, 0) for status in JobStatus.values}
