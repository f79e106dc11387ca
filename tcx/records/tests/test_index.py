"""The match index in the database: postings and document frequencies stay consistent through
create, edit, archive, import and reindex, and rank candidates as the in-memory index does."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tcx.matching import MemoryIndex, keys_for, parse_entity
from tcx.policy.rules import Policy
from tcx.records import importing, services
from tcx.records.index import TOTAL, DatabaseIndex, entity_of, key_hash
from tcx.records.models import MatchKey, MatchKeyCount, Record, RecordStatus

DATA = Path(__file__).parent / "data"
MAPPING = {
    "id": "ref",
    "name": "full_name",
    "birthDate": "dob",
    "nationality": "nationality",
    "phone": "phone",
    "passportNumber": "passport",
}


def _counts_from_postings() -> dict[int, int]:
    counts = Counter(MatchKey.objects.values_list("key", flat=True))
    counts[TOTAL] = MatchKey.objects.values("record_id").distinct().count()
    return dict(counts)


def _expected_postings() -> set[tuple[int, int]]:
    expected = set()
    for record in Record.objects.filter(status=RecordStatus.ACTIVE):
        entity = entity_of(record)
        if entity is not None:
            expected |= {(key_hash(k), record.pk) for k in keys_for(entity)}
    return expected


def _assert_consistent() -> None:
    assert set(MatchKey.objects.values_list("key", "record_id")) == _expected_postings()
    stored = dict(MatchKeyCount.objects.values_list("key", "records"))
    assert stored == _counts_from_postings()


def test_counts_follow_every_change(world) -> None:
    officer = world.users["a_officer"]
    first = services.record_create(
        actor=officer, schema="Person", properties={"name": ["Nguyễn Văn Minh"]}, policy=Policy()
    )
    second = services.record_create(
        actor=officer,
        schema="Person",
        properties={"name": ["Nguyễn Thị Lan"], "phone": ["+84 912 345 678"]},
        policy=Policy(),
    )
    _assert_consistent()
    assert len(DatabaseIndex()) == 2

    services.record_update(actor=officer, record=second, data={"properties": {"name": ["Trần Thị Lan"]}})
    _assert_consistent()
    assert not MatchKey.objects.filter(key=key_hash("n:nguien"), record=second).exists()
    assert MatchKeyCount.objects.get(key=key_hash("n:nguien")).records == 1

    services.record_archive(actor=world.users["a_supervisor"], record=first)
    _assert_consistent()
    # a key no active record holds any more leaves the counts
    assert not MatchKeyCount.objects.filter(key=key_hash("n:nguien")).exists()
    assert len(DatabaseIndex()) == 1

    importing.import_file(
        actor=world.users["b_officer"], path=DATA / "suspects.csv", policy=Policy(), mapping=MAPPING
    )
    _assert_consistent()
    before = set(MatchKeyCount.objects.values_list("key", "records"))

    MatchKeyCount.objects.filter(key=TOTAL).update(records=999)  # drifted: reindex repairs it
    assert services.reindex() == Record.objects.filter(status=RecordStatus.ACTIVE).count()
    _assert_consistent()
    assert set(MatchKeyCount.objects.values_list("key", "records")) == before


def test_database_index_ranks_like_the_memory_index(world) -> None:
    names = ["Nguyễn Văn Minh", "Nguyễn Văn Hùng", "Trần Văn Minh", "Somchai Jaidee", "Nguyen Minh"]
    officer = world.users["b_officer"]
    memory = MemoryIndex()
    for name in names:
        record = services.record_create(
            actor=officer, schema="Person", properties={"name": [name]}, policy=Policy()
        )
        memory.add(parse_entity({"id": str(record.pk), "schema": "Person", "properties": {"name": [name]}}))
    query = parse_entity({"id": "q", "schema": "Person", "properties": {"name": ["Nguyen Van Minh"]}})
    from_db = DatabaseIndex().candidates(query, 10)
    from_memory = memory.candidates(query, 10)
    # the same candidates with the same weights (ties may come in another order)
    assert {i: round(w, 6) for i, w in from_db} == {i: round(w, 6) for i, w in from_memory}
    assert [round(w, 6) for _, w in from_db] == sorted((round(w, 6) for _, w in from_db), reverse=True)
    assert len(from_db) == len(names) - 1  # all but Somchai Jaidee, who shares no name part


def test_imported_postings_keep_every_64_bit_hash(world) -> None:
    """An import hands the postings to the database as JSON: hashes at both ends of the signed
    64-bit range must come out of it exactly, for records whose ids follow each other or not,
    and be counted."""
    from tcx.records.index import index_packed, pack, unindex

    officer = world.users["a_officer"]
    records = [
        services.record_create(actor=officer, schema="Person", properties={"name": [name]}, policy=Policy())
        for name in ("Somchai Jaidee", "Nguyễn Văn Minh", "Aung San")
    ]
    pks = [r.pk for r in records]
    unindex(pks)
    hashes = [[-(2**63), -1, 1, 2**63 - 1], [], [-(2**63), 5]]
    as_json = ["[" + ",".join(map(str, h)) + "]" for h in hashes]
    for ids, keys, texts in ((pks, hashes, as_json), (pks[::2], hashes[::2], as_json[::2])):
        for pk, packed in zip(pks, hashes, strict=True):  # as the import writes them
            Record.objects.filter(pk=pk).update(indexed_keys=pack(packed))
        assert index_packed(ids, [pack(h) for h in keys], texts) == 6
        postings = set(MatchKey.objects.values_list("key", "record_id"))
        assert postings == {(h, pk) for pk, keys in zip(pks, hashes, strict=True) for h in keys}
        counts = dict(MatchKeyCount.objects.values_list("key", "records"))
        assert counts == {-(2**63): 2, -1: 1, 1: 1, 2**63 - 1: 1, 5: 1, TOTAL: 2}
        unindex(pks)
        assert not MatchKey.objects.exists()
        assert dict(MatchKeyCount.objects.values_list("key", "records")) == {TOTAL: 0}
