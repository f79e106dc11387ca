"""Partition the audit chain (issue 13): every event gets a partition and a place in it.

The events written so far become the ``legacy`` partition, ordered by ``seq`` as before; no row
is rewritten (the column gets its value from the ADD COLUMN default, not an UPDATE, and the
place stays empty: ``seq`` is the legacy place). New events take ``seq`` from a PostgreSQL
sequence (no lock), and SQLite's table rebuild for the new column drops the append-only
triggers, which are put back.
"""

import django.utils.timezone
from django.db import migrations, models

from tcx.audit.migrations._triggers import SQLITE


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditPartition = apps.get_model("audit", "AuditPartition")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE SEQUENCE IF NOT EXISTS audit_event_seq AS bigint")
            cursor.execute(
                "SELECT setval('audit_event_seq', COALESCE((SELECT MAX(seq) FROM audit_auditevent), 0) + 1, false)"
            )
        elif connection.vendor == "sqlite":
            for statement in SQLITE:
                cursor.execute(statement)
    if AuditEvent.objects.exists():
        AuditPartition.objects.get_or_create(key="legacy", defaults={"lane": 0})


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP SEQUENCE IF EXISTS audit_event_seq")


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_action_without_choices")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="partition",
            field=models.CharField(default="legacy", max_length=80),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="pseq",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("partition", "pseq"), name="audit_event_partition_pseq"
            ),
        ),
        migrations.CreateModel(
            name="AuditPartition",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=80, unique=True)),
                ("day", models.DateField(blank=True, db_index=True, null=True)),
                ("organisation_id", models.BigIntegerField(blank=True, null=True)),
                ("lane", models.PositiveIntegerField(default=0)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("anchored_pseq", models.PositiveBigIntegerField(default=0)),
                ("anchored_hash", models.CharField(blank=True, max_length=64)),
            ],
            options={"ordering": ["key"]},
        ),
        migrations.RunPython(forwards, backwards),
    ]
