"""The match index in the database: the engine's ``Index`` interface over the ``MatchKey`` table.

Keys and weights come from ``tcx.matching.keys`` so the database ranks candidates exactly as the
in-memory index does; works on SQLite and PostgreSQL alike. Postings hold 64-bit hashes of the
keys; ``MatchKeyCount`` keeps each key's document frequency (and, under key ``TOTAL``, the number
of indexed records), updated in the same transaction as the postings, in key order (so that
concurrent writers on PostgreSQL lock the counters in the same order and never deadlock).
"""

from __future__ import annotations

import dataclasses
import hashlib
import heapq
import json
import threading
from array import array
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from operator import itemgetter

from django.db import connection

from tcx.matching import Entity, EntityError, Index, keys_for, parse_entity, plan
from tcx.matching.keys import SCAN_BUDGET
from tcx.records import bulk
from tcx.records.models import MatchKey, MatchKeyCount, Record, RecordStatus

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


TOTAL = 0  # the MatchKeyCount row that counts the indexed records


_HASHES_KEPT = 100_000
_hashed: dict[str, int] = {}


def key_hash(key: str) -> int:
    """The stored form of a blocking key: a signed 64-bit hash (never ``TOTAL``).

    Most keys (name parts, countries, years) recur from record to record, so hashes are kept
    in a bounded map: a lookup costs a tenth of a hash."""
    value = _hashed.get(key)
    if value is None:
        digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "big", signed=True) or 1
        if len(_hashed) >= _HASHES_KEPT:
            _hashed.clear()
        _hashed[key] = value
    return value


def hash_keys(keys: Iterable[str]) -> list[int]:
    """The distinct stored forms of a record's keys, in order."""
    return sorted({key_hash(key) for key in keys})


def pack(hashes: Sequence[int]) -> bytes:
    """``Record.indexed_keys``: the hashes as signed 64-bit integers."""
    return array("q", hashes).tobytes()


def unpack(data: bytes | memoryview | None) -> list[int]:
    keys = array("q")
    if data:
        keys.frombytes(bytes(data))
    return keys.tolist()


def _change_counts(counts: Counter[int]) -> None:
    """Add ``counts`` (negative to remove) to the keys' document frequencies, in key order."""
    rows = sorted((key, n) for key, n in counts.items() if n)
    if not rows:
        return
    table = MatchKeyCount._meta.db_table
    bulk.add_counts(table, "key", "records", rows)
    gone = [key for key, n in rows if n < 0 and key != TOTAL]
    for start in range(0, len(gone), 500):
        MatchKeyCount.objects.filter(key__in=gone[start : start + 500], records__lte=0).delete()


def index_new(items: Iterable[tuple[int, Sequence[int]]], *, remember: bool = True) -> int:
    """Index records that have no postings yet: ``(record id, key hashes)`` pairs (see
    :func:`hash_keys`); ``remember`` stores the hashes on the records (an import writes them
    with the record). Returns the number of postings written."""
    postings: list[tuple[int, int]] = []
    remembered: list[tuple[bytes, int]] = []
    counts: Counter[int] = Counter()
    for record_id, hashes in items:
        if not hashes:
            continue
        postings.extend((h, record_id) for h in hashes)
        if remember:
            remembered.append((pack(hashes), record_id))
        counts.update(hashes)
        counts[TOTAL] += 1
    if postings:
        bulk.insert(MatchKey._meta.db_table, ["key", "record_id"], postings)
        if remember:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {Record._meta.db_table} SET indexed_keys = %s WHERE id = %s",  # noqa: S608
                    remembered,
                )
        _change_counts(counts)
    return len(postings)


def index_packed(ids: Sequence[int], packed: Sequence[bytes], keys_json: Sequence[str]) -> int:
    """Index new records whose key hashes are already stored on them (``Record.indexed_keys``,
    written with the record, as an import does): their ids, their packed hashes and the same
    hashes as JSON arrays. Returns the number of postings written.

    On SQLite, when the ids follow each other (an import reserves them so), the postings are
    made from the JSON by the database itself, in one statement, each record's id from its
    place in the array, and in key order: the pages of the B-tree are then written one after
    another, not at random (a third of the time of a row-by-row ``executemany``)."""
    indexed = sum(1 for keys in packed if keys)
    if not indexed:
        return 0
    if connection.vendor != "sqlite" or list(ids) != list(range(ids[0], ids[0] + len(ids))):
        return index_new(((pk, unpack(keys)) for pk, keys in zip(ids, packed, strict=True)), remember=False)
    table = connection.ops.quote_name(MatchKey._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("key", "record_id") '  # noqa: S608
            "SELECT h.value, %s + r.key FROM json_each(%s) AS r, json_each(r.value) AS h ORDER BY 1, 2",
            [ids[0], "[" + ",".join(keys_json) + "]"],
        )
        written = int(cursor.rowcount)
    # counted here: an upsert per key from a GROUP BY over the JSON costs twice as much
    hashes = array("q")
    hashes.frombytes(b"".join(packed))
    counts = Counter(hashes)
    counts[TOTAL] += indexed
    _change_counts(counts)
    return written


def unindex(record_ids: Sequence[int]) -> int:
    """Remove the records' postings; return how many records had some."""
    counts: Counter[int] = Counter()
    postings: list[tuple[int, int]] = []
    owners = []
    for record_id, data in Record.objects.filter(pk__in=record_ids).values_list("pk", "indexed_keys"):
        hashes = unpack(data)
        if hashes:
            owners.append(record_id)
            postings.extend((h, record_id) for h in hashes)
            counts.update(dict.fromkeys(hashes, -1))
    if not owners:
        return 0
    bulk.delete_pairs(MatchKey._meta.db_table, "key", "record_id", postings)
    Record.objects.filter(pk__in=owners).update(indexed_keys=b"")
    counts[TOTAL] -= len(owners)
    _change_counts(counts)
    return len(owners)


def rebuild(records: Iterable[Record]) -> int:
    """Empty the index and index ``records`` again (``tcx reindex``); returns how many."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(MatchKey._meta.db_table)}")  # noqa: S608
    MatchKeyCount.objects.all().delete()
    Record.objects.exclude(indexed_keys=b"").update(indexed_keys=b"")
    count = 0
    batch: list[tuple[int, list[int]]] = []
    for record in records:
        entity = entity_of(record)
        if entity is not None:
            batch.append((record.pk, hash_keys(keys_for(entity))))
            count += 1
        if len(batch) >= 500:
            index_new(batch)
            batch = []
    index_new(batch)
    return count


class DatabaseIndex(Index):
    """Postings ``(key hash, record)`` in a table, document frequencies in another."""

    def __init__(self, budget: int = SCAN_BUDGET) -> None:
        self.budget = budget

    def add(self, entity: Entity) -> None:
        record_id = int(entity.id)
        unindex([record_id])
        index_new([(record_id, hash_keys(keys_for(entity)))])

    def add_new(self, entity: Entity) -> None:
        """Index an entity that has never been indexed (a record created in this transaction):
        there are no postings of it to remove first."""
        index_new([(int(entity.id), hash_keys(keys_for(entity)))])

    def remove(self, entity_id: str) -> bool:
        return unindex([int(entity_id)]) > 0

    def get(self, entity_id: str) -> Entity | None:
        record = Record.objects.filter(pk=int(entity_id), status=RecordStatus.ACTIVE).first()
        return entity_of(record) if record else None

    def __len__(self) -> int:
        row = MatchKeyCount.objects.filter(key=TOTAL).values_list("records", flat=True).first()
        return max(row or 0, 0)

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
        hashes = {key_hash(key): key for key in keys_for(query)}
        if not hashes:
            return []
        counts = dict(MatchKeyCount.objects.filter(key__in=[*hashes, TOTAL]).values_list("key", "records"))
        total = max(counts.pop(TOTAL, 0), 1)
        df = {hashes[h]: c for h, c in counts.items() if h in hashes}
        hash_of = {key: h for h, key in hashes.items()}
        weights = {
            hash_of[key]: weight
            for key, weight, scan in plan(list(hashes.values()), df, total, self.budget)
            if scan
        }
        if not weights:
            return []
        scores: dict[int, float] = defaultdict(float)
        for key, record_id in MatchKey.objects.filter(key__in=list(weights)).values_list("key", "record_id"):
            scores[record_id] += weights[key]
        best = heapq.nlargest(n, scores.items(), key=itemgetter(1))
        return [(str(record_id), weight) for record_id, weight in best]
