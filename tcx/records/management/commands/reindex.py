from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from tcx.records import services
from tcx.records.models import Record, RecordStatus


class Command(BaseCommand):
    help = "Rebuild the match index from the active records."

    def handle(self, *args: Any, **options: Any) -> None:
        total = Record.objects.filter(status=RecordStatus.ACTIVE).count()
        with tqdm(total=total, unit="record") as bar:
            count = services.reindex(progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"match index rebuilt: {count} records"))
