"""The match index in the database: the engine's ``Index`` interface over the ``MatchKey`` table.

Keys and weights come from ``tcx.matching.keys`` so the database ranks candidates exactly as the
in-memory index does; works on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from operator import itemgetter

from django.db.models import Count

from tcx.matching import Entity, EntityError, Index, keys_for, parse_entity, plan
from tcx.matching.keys import SCAN_BUDGET
from tcx.records.models import MatchKey, Record, RecordStatus


def entity_of(record: Record) -> Entity | None:
    """The engine's parsed form of a record, or None if nothing in it can be matched."""
    try:
        return parse_entity(record.as_entity())
    except EntityError:
        return None


class DatabaseIndex(Index):
    """Postings ``(key, record)`` in a table; document frequencies counted by the database."""

    def __init__(self, budget: int = SCAN_BUDGET) -> None:
        self.budget = budget

    def add(self, entity: Entity) -> None:
        record_id = int(entity.id)
        MatchKey.objects.filter(record_id=record_id).delete()
        MatchKey.objects.bulk_create(
            [MatchKey(key=key[:255], record_id=record_id) for key in keys_for(entity)], batch_size=500
        )

    def remove(self, entity_id: str) -> bool:
        deleted, _ = MatchKey.objects.filter(record_id=int(entity_id)).delete()
        return deleted > 0

    def get(self, entity_id: str) -> Entity | None:
        record = Record.objects.filter(pk=int(entity_id), status=RecordStatus.ACTIVE).first()
        return entity_of(record) if record else None

    def __len__(self) -> int:
        return MatchKey.objects.values("record_id").distinct().count()

    def candidates(self, query: Entity, n: int) -> list[tuple[str, float]]:
        keys = [key[:255] for key in keys_for(query)]
        if not keys:
            return []
        df = dict(
            MatchKey.objects.filter(key__in=keys).values_list("key").annotate(count=Count("pk")).order_by()
        )
        total = Record.objects.filter(status=RecordStatus.ACTIVE).count() or 1
        weights = {key: weight for key, weight, scan in plan(keys, df, total, self.budget) if scan}
        scores: dict[int, float] = defaultdict(float)
        for key, record_id in MatchKey.objects.filter(key__in=list(weights)).values_list("key", "record_id"):
            scores[record_id] += weights[key]
        best = heapq.nlargest(n, scores.items(), key=itemgetter(1))
        return [(str(record_id), weight) for record_id, weight in best]
