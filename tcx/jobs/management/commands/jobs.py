from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tcx.jobs import services
from tcx.jobs.models import Job, JobStatus


class Command(BaseCommand):
    help = "The background job queue: `tcx jobs list [--status failed]`, `tcx jobs retry ID [ID ...]`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser(
            "list", help="jobs of one status, newest first, and the count of each status"
        )
        listing.add_argument("--status", default=JobStatus.FAILED, choices=JobStatus.values)
        listing.add_argument("--limit", type=int, default=50)
        retry = sub.add_parser("retry", help="queue failed jobs again, with fresh attempts")
        retry.add_argument("ids", nargs="*", type=int)
        retry.add_argument("--all-failed", action="store_true", help="every failed job")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            counts = {s: Job.objects.filter(status=s).count() for s in JobStatus.values}
            self.stdout.write("  ".join(f"{s}: {n}" for s, n in counts.items()))
            limit = max(1, min(options["limit"], 10_000))
            for job in Job.objects.filter(status=options["status"]).order_by("-pk")[:limit]:
                error = job.error.strip().splitlines()[-1] if job.error.strip() else ""
                self.stdout.write(
                    f"{job.pk}\t{job.kind}\t{job.key}\t{job.status}\tattempts {job.attempts}\t"
                    f"{job.worker}\t{error[:200]}"
                )
            return
        ids = list(options["ids"])
        if options["all_failed"]:
            ids += list(
                Job.objects.filter(status=JobStatus.FAILED).order_by("pk").values_list("pk", flat=True)
            )
        if not ids:
            raise CommandError("name the jobs to retry (tcx jobs retry ID ...) or use --all-failed")
        problems = []
        for job_id in ids:
            try:
                services.retry(job_id, actor_label="tcx jobs retry")
            except Job.DoesNotExist:
                problems.append(f"job {job_id}: no such job")
            except ValueError as exc:
                problems.append(str(exc))
            else:
                self.stdout.write(f"job {job_id} queued again")
        if problems:
            raise CommandError("; ".join(problems))
