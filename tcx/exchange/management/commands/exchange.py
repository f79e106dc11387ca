"""``tcx exchange remind``: deadline reminders and escalations (idempotent; run it from cron
every few minutes). ``tcx exchange rotate-key``: re-encrypt every attachment with a new key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from tcx.exchange import services, storage
from tcx.exchange.models import Attachment


class Command(BaseCommand):
    help = "Exchange housekeeping: remind (deadlines and escalation), rotate-key (attachment encryption)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("task", choices=["remind", "rotate-key"])

    def handle(self, *args: Any, task: str, **options: Any) -> None:
        if task == "remind":
            counts = services.exchange_remind()
            self.stdout.write(
                f"{counts['reminders']} reminder(s), {counts['escalations']} escalation(s) sent."
            )
            return
        pairs = list(Attachment.objects.values_list("pk", "storage_name", "key_id"))
        new_key, moved = storage.rotate(pairs)
        old_names = {pk: name for pk, name, _ in pairs}
        with transaction.atomic():
            for pk, (storage_name, key_id) in moved.items():
                Attachment.objects.filter(pk=pk).update(storage_name=storage_name, key_id=key_id)
        for pk in moved:
            storage.remove(old_names[pk])
        storage.forget_unused_keys(set(Attachment.objects.values_list("key_id", flat=True)))
        self.stdout.write(f"{len(moved)} attachment(s) re-encrypted with key {new_key}.")
