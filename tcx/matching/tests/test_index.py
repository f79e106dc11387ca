from tcx.matching.entity import parse_entity
from tcx.matching.index import MemoryIndex
from tcx.matching.keys import key_weight, keys_for, plan
from tcx.matching.screening import screen, screen_one


def person(entity_id, name, **props):
    properties = {k: [v] for k, v in props.items()}
    properties["name"] = [name]
    return parse_entity({"id": entity_id, "schema": "Person", "properties": properties})


def test_keys_cover_tokens_pairs_phonetics_scripts_and_identifiers():
    keys = keys_for(person("a", "สมชาย ใจดี", passportNumber="C1234567", birthDate="1975"))
    assert "i:doc:C1234567" in keys
    assert "n:somchai" in keys and "b:chaidi|somchai" in keys and "q:Ct|smC" in keys
    assert "s:ใจดี" in keys
    assert any(k.startswith("p:") for k in keys)
    assert "y:somchai:1975" in keys
    assert "t:1975-03-12" in keys_for(person("b", "Somchai", birthDate="1975-03-12"))
    assert len(keys) == len(set(keys))


def test_rare_keys_weigh_more_and_identifiers_most():
    assert key_weight("n:x", 1, 1000) > key_weight("n:x", 500, 1000)
    assert key_weight("i:doc:X", 10, 1000) > key_weight("n:x", 10, 1000)


def test_plan_scans_rarest_first_within_budget():
    df = {"n:nguyen": 5000, "b:anh|nguyen": 40, "n:anh": 300}
    planned = plan([*df, "n:absent"], df, 10000, budget=400)
    assert [k for k, _, _ in planned] == ["b:anh|nguyen", "n:anh", "n:nguyen"]
    assert [scan for _, _, scan in planned] == [True, True, False]


def test_add_get_remove_replace():
    index = MemoryIndex([person("a", "Somchai Jaidee"), person("b", "Nguyen Van Anh")])
    assert len(index) == 2 and index.get("a") is not None
    index.add(person("a", "Thaksin Shinawatra"))
    assert len(index) == 2
    assert index.get("a").raw_names == ("Thaksin Shinawatra",)
    assert index.candidates(person("q", "Somchai Jaidee"), 5) == []
    assert index.remove("b") and not index.remove("b")
    assert index.get("b") is None and len(index) == 1
    assert index.document_frequency("n:nguyen") == 0


def test_common_name_parts_keep_recall():
    # 3,000 people called Nguyen Van <something>: the target must still come first
    given = ["an", "binh", "cuong", "dung", "giang", "hai", "hung", "khanh", "long", "minh"]
    entities = [person(f"n{i}", f"Nguyen Van {given[i % 10]} {given[(i // 10) % 10]}") for i in range(3000)]
    entities.append(person("target", "Nguyen Van Thang", birthDate="1985-04-09"))
    index = MemoryIndex(entities)
    hits = screen_one(person("q", "Thang Nguyen Van"), index, top=10)
    assert hits[0].entity_id == "target" and hits[0].match
    # a query made only of common parts still gets candidates
    assert len(index.candidates(person("q2", "Nguyen Van"), 10)) == 10


def test_cross_script_candidates():
    index = MemoryIndex([person("th", "ทักษิณ ชินวัตร"), person("cn", "习近平"), person("x", "John Smith")])
    assert screen_one(person("q", "Thaksin Shinawatra"), index)[0].entity_id == "th"
    assert screen_one(person("q", "Xi Jinping"), index)[0].entity_id == "cn"


def test_screen_yields_in_input_order_with_top_k():
    index = MemoryIndex([person(f"p{i}", f"Somchai Jaidee {i}") for i in range(30)])
    queries = [person("q1", "Somchai Jaidee"), person("q2", "Nobody Known")]
    results = list(screen(queries, index, top=3))
    assert [q.id for q, _ in results] == ["q1", "q2"]
    assert len(results[0][1]) == 3 and results[1][1] == []
    scores = [h.score for h in results[0][1]]
    assert scores == sorted(scores, reverse=True)


def test_misspelt_single_part_name_is_still_found():
    index = MemoryIndex([person("t", "Tania"), *[person(f"x{i}", f"Other Person {i}") for i in range(20)]])
    assert screen_one(person("q", "Tmania"), index)[0].entity_id == "t"


def _pool(index, query, n=10):
    return [(i, round(w, 9)) for i, w in index.candidates(query, n)]


def test_compaction_changes_no_candidate_and_drops_removed_entities():
    given = ["an", "binh", "cuong", "dung", "giang", "hai", "hung", "khanh", "long", "minh"]
    people = [person(f"n{i}", f"Nguyen {given[i % 10]} {given[(i // 7) % 10]}") for i in range(200)]
    queries = [person("q1", "Nguyen Hai Long"), person("q2", "Binh Nguyen"), person("q3", "Nguyen")]
    recent = MemoryIndex()
    for entity in people:
        recent.add(entity)  # one at a time: every posting still in the recent lists
    compacted = MemoryIndex(people)  # add_many compacts at the end
    compacted.compact()
    for query in queries:
        assert _pool(recent, query) == _pool(compacted, query)
        assert len(_pool(compacted, query)) == 10
    # removed and replaced entities disappear from both layouts, compacted or not
    for index in (recent, compacted):
        index.remove("n45")
        index.add(person("n12", "Tran Thi Mai"))
        before = _pool(index, queries[0], 300)
        index.compact()
        after = _pool(index, queries[0], 300)
        assert before == after
        assert "n45" not in dict(after) and "n12" not in dict(after)
        assert index.candidates(person("q", "Tran Thi Mai"), 5)[0][0] == "n12"
        nguyen = next(k for k in keys_for(person("x", "Nguyen")) if k.startswith("n:"))
        assert index.document_frequency(nguyen) == 198
        assert len(index) == 199


def test_candidates_rank_by_key_weight_then_by_the_order_added():
    index = MemoryIndex([person("late", "Somchai Jaidee"), person("early", "Somchai Jaidee")])
    index.add(person("rare", "Somchai Jaidee", passportNumber="C1234567"))
    ranked = index.candidates(person("q", "Somchai Jaidee", passportNumber="C1234567"), 3)
    assert [i for i, _ in ranked] == ["rare", "late", "early"]
    assert ranked[0][1] > ranked[1][1] == ranked[2][1]
    assert [i for i, _ in index.candidates(person("q", "Somchai Jaidee"), 2)] == ["late", "early"]
