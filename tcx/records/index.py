"""The match index in the database: the engine's ``Index`` interface over the ``MatchKey`` table.

Keys and weights come from ``tcx.matching.keys`` so the database ranks candidates exactly as the
in-memory index does; works on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import dataclasses
import heapq
import json
import threading
from collections import OrderedDict, defaultdict
from operator import itemgetter

from django.db.models import Count

from tcx.matching import Entity, EntityError, Index, keys_for, parse_entity, plan
from tcx.matching.keys import SCAN_BUDGET
from tcx.records.models import MatchKey, Record, RecordStatus

_CACHE_SIZE = 50_000
_MISSING = object()
_parsed: OrderedDict[str, Entity | None] = OrderedDict()
_parsed_lock = threading.Lock()


def entity_of(record: Record) -> Entity | None:
    """The engine's parsed form of a record, or None if nothing in it can be matched.

    Parsing (transliteration, identifier checks) is the costly part of matching, so parsed
    forms are kept in a bounded in-process cache keyed by the content itself (so an edit, or a
    rolled-back id that comes back, can never return a stale form)."""
    key = record.schema + "\x00" + json.dumps(record.properties, sort_keys=True, ensure_ascii=False)
    with _parsed_lock:
        cached = _parsed.get(key, _MISSING)
        if cached is not _MISSING:
            _parsed.move_to_end(key)
    if cached is _MISSING:
        try:
            cached = parse_entity({"id": "cached", "schema": record.schema, "properties": record.properties})
        except EntityError:
            cached = None
        with _parsed_lock:
            _parsed[key] = cached
            if len(_parsed) > _CACHE_SIZE:
                _parsed.popitem(last=False)
    if not isinstance(cached, Entity):
        return None
    return dataclasses.replace(cached, id=str(record.pk))


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

    def candidate_entities(self, query: Entity, n: int) -> list[tuple[Entity, float]]:
        """The candidates' entities, fetched in one query."""
        found = self.candidates(query, n)
        records = Record.objects.filter(pk__in=[int(i) for i, _ in found], status=RecordStatus.ACTIVE).only(
            "pk", "version", "schema", "properties"
        )
        by_id = {str(r.pk): r for r in records}
        out = []
        for record_id, weight in found:
            record = by_id.get(record_id)
            entity = entity_of(record) if record is not None else None
            if entity is not None:
                out.append((entity, weight))
        return out

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
