"""Naming of the region (issue 19): Sino-Vietnamese readings, traditional and simplified Han,
Chinese dialect spellings, Vietnamese diacritics, legal forms, and name-only corroboration."""

import pytest

from tcx.matching.entity import parse_entity
from tcx.matching.scoring import Matcher
from tcx.matching.text import jyutping_hk, legal_forms, name_forms, pinyin_wade_giles, vi_marks

matcher = Matcher()


def entity(name, schema="Person", **props):
    properties = {k: [v] for k, v in props.items()}
    properties["name"] = [name]
    return parse_entity({"id": name, "schema": schema, "properties": properties})


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("林志明", "Lâm Chí Minh"),  # Hán-Việt, with diacritics
        ("陳偉", "TRAN VI"),  # ... without, in capitals
        ("陳偉華", "陈伟华"),  # traditional = simplified
        ("張志強", "Chang Chih-chiang"),  # Wade-Giles
        ("陳大文", "Chan Tai Man"),  # Cantonese (Hong Kong spelling)
        ("Công ty Cổ phần Thương mại Hoàng Long", "Hoang Long Trading JSC"),
        ("บริษัท สยามรุ่งเรือง จำกัด", "Siam Rungrueang Co., Ltd."),
        ("Maju Jaya Sdn. Bhd.", "MAJU JAYA SENDIRIAN BERHAD"),
    ],
)
def test_same_subject_across_readings_and_legal_forms_matches(a, b):
    schema = "Company" if any(w in a for w in ("Công ty", "บริษัท", "Bhd")) else "Person"
    dob = {} if schema == "Company" else {"birthDate": "1980-02-03"}
    result = matcher.score(entity(a, schema, **dob), entity(b, schema, **dob))
    assert result.match, result.explanation


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nguyễn Văn Hùng", "Nguyễn Văn Hưng"),  # diacritic namesakes
        ("Trần Thị Lan", "Trần Thị Lân"),
        ("Lê Quang Minh", "Lê Quang Minh Anh"),  # another given name
    ],
)
def test_namesakes_with_the_same_birth_date_do_not_match(a, b):
    result = matcher.score(entity(a, birthDate="1980-02-03"), entity(b, birthDate="1980-02-03"))
    assert not result.match, result.explanation


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("林志明", "Lâm Chí Hùng"),  # another Hán-Việt given name
        ("武月", "武月燕"),  # one Han syllable more
        ("Izzat bin Salleh", "Hafiz bin Salleh"),  # another given name, the same father
    ],
)
def test_near_names_alone_do_not_match(a, b):
    result = matcher.score(entity(a), entity(b))
    assert not result.match, result.explanation


def test_diacritics_dropped_on_one_side_still_match():
    result = matcher.score(
        entity("Nguyen Van Hung", birthDate="1980"), entity("Nguyễn Văn Hùng", birthDate="1980")
    )
    assert result.match, result.explanation


def test_tone_mark_position_does_not_matter():
    assert vi_marks("hoà") == vi_marks("hòa")
    assert vi_marks("Hùng") != vi_marks("Hưng")


def test_a_common_name_alone_is_never_a_match_but_a_rare_one_can_be():
    common = matcher.score(entity("Nguyen Van Minh"), entity("Nguyễn Văn Minh"))
    assert not common.match
    assert common.explanation["corroboration"]["result"] == "name only"
    assert matcher.score(entity("Thaksin Shinawatra"), entity("ทักษิณ ชินวัตร")).match
    corroborated = matcher.score(
        entity("Nguyen Van Minh", birthDate="1971-05-06"), entity("Nguyễn Văn Minh", birthDate="1971-05-06")
    )
    assert corroborated.match


def test_a_partial_name_alone_is_not_a_match():
    result = matcher.score(entity("Ho Son"), entity("Hồ Sơn Hoa"))
    assert not result.match, result.explanation


def test_readings_and_forms():
    assert [jyutping_hk(s) for s in ("can4", "wong4", "zoeng1", "zang1", "lei5", "ng4")] == [
        "chan", "wong", "cheung", "tsang", "lee", "ng"
    ]  # fmt: skip
    assert [pinyin_wade_giles(s) for s in ("zhang", "zhi", "xin", "qiang", "zong")] == [
        "chang", "chih", "hsin", "chiang", "tsung"
    ]  # fmt: skip
    assert legal_forms(["cong", "ty", "co", "phan", "hoang", "long"]) == ["jsc", "hoang", "long"]
    assert legal_forms(["pt", "sinar", "harapan", "tbk"]) == ["pt", "sinar", "harapan", "tbk"]
    tokens = {f.tokens for f in name_forms("黃麗")}
    assert ("hoang", "le") in tokens and ("wong", "lai") in tokens
