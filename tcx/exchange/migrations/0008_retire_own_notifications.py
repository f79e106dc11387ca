"""The exchange's own notification ledger gives way to the platform's (tcx.notifications): its
unread items move there (kind from the old key, not e-mailed again), then the table goes."""

from django.db import migrations

KINDS = {"reminded": "exchange.deadline_near", "escalated": "exchange.deadline_passed"}


def _kind(key: str) -> str:
    if key in KINDS:
        return KINDS[key]
    if key.startswith("forward-"):
        return "exchange.forward_request"
    if key.startswith("assigned-"):
        return "exchange.assigned"
    return "exchange.request"


def move_unread(apps, schema_editor):
    Old = apps.get_model("exchange", "Notification")
    New = apps.get_model("notifications", "Notification")
    batch = []
    for old in Old.objects.filter(read_at__isnull=True).order_by("pk").iterator(chunk_size=1000):
        batch.append(
            New(
                recipient_id=old.user_id,
                kind=_kind(old.key),
                target_type="exchange.exchange",
                target_id=str(old.exchange_id),
                title=old.text[:200] or old.key,
                url=f"/exchange/{old.exchange_id}/",
                urgent=old.key in KINDS,
                created_at=old.created_at,
                email="none",
            )
        )
        if len(batch) >= 1000:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0007_shareable_gid"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(move_unread, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
