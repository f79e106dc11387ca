"""Every shareable object gets a global id (issue 13 item 8): added nullable, filled row by row
with its own uuid4, then made unique and required, so it runs on SQLite and PostgreSQL alike."""

import uuid

from django.db import migrations, models


def fill_gids(apps, schema_editor):
    for name in ("Note",):
        model = apps.get_model("policy_shareable", name)
        for pk in list(model.objects.filter(gid__isnull=True).values_list("pk", flat=True)):
            model.objects.filter(pk=pk).update(gid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("policy_shareable", "0001_initial"),
    ]

    operations = [
        migrations.AddField(model_name="note", name="gid", field=models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill_gids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="note",
            name="gid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
