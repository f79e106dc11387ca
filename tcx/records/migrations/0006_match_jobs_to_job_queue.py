"""Matching jobs move to the one job queue (tcx.jobs): every MatchJob becomes a Job of kind
``records.match`` keyed by record and version; queued or running page imports get their
``records.import`` job; then the MatchJob table goes."""

from django.db import migrations

STATUS = {"pending": "queued", "running": "running", "done": "done", "failed": "failed"}


def forward(apps, schema_editor):
    MatchJob = apps.get_model("records", "MatchJob")
    ImportRun = apps.get_model("records", "ImportRun")
    Job = apps.get_model("jobs", "Job")
    batch = []
    for old in MatchJob.objects.order_by("pk").iterator(chunk_size=5000):
        batch.append(
            Job(
                kind="records.match",
                key=f"{old.record_id}:{old.version}",
                args={"record_id": old.record_id, "version": old.version},
                status=STATUS.get(old.status, "queued"),
                attempts=old.attempts,
                run_after=old.created_at,
                lease_until=old.lease_until,
                created_at=old.created_at,
                started_at=old.started_at,
                finished_at=old.finished_at,
                error=old.error,
            )
        )
        if len(batch) >= 5000:
            Job.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Job.objects.bulk_create(batch, ignore_conflicts=True)
    Job.objects.bulk_create(
        [
            Job(kind="records.import", key=str(run.pk), args={"run_id": run.pk}, created_at=run.queued_at)
            for run in ImportRun.objects.filter(status__in=["queued", "running"])
        ],
        ignore_conflicts=True,
    )
    ImportRun.objects.filter(status="running").update(status="queued")


def backward(apps, schema_editor):
    MatchJob = apps.get_model("records", "MatchJob")
    Job = apps.get_model("jobs", "Job")
    back = {v: k for k, v in STATUS.items()}
    rows = []
    for job in Job.objects.filter(kind="records.match").order_by("pk").iterator(chunk_size=5000):
        rows.append(
            MatchJob(
                record_id=job.args["record_id"],
                version=job.args["version"],
                status=back.get(job.status, "pending"),
                attempts=job.attempts,
                created_at=job.created_at,
                started_at=job.started_at,
                lease_until=job.lease_until,
                finished_at=job.finished_at,
                error=job.error,
            )
        )
    MatchJob.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0005_record_gid"),
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="MatchJob"),
    ]
