import pytest

from tcx.matching.entity import PartialDate, parse_entity
from tcx.matching.scoring import MATCH_THRESHOLD, Matcher, compare_dates, token_similarity
from tcx.matching.text import skeleton

matcher = Matcher()


def person(name=None, schema="Person", **props):
    properties = {k: [v] for k, v in props.items()}
    if name:
        properties["name"] = [name]
    return parse_entity({"id": name or "x", "schema": schema, "properties": properties})


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ทักษิณ ชินวัตร", "Thaksin Shinawatra"),
        ("习近平", "Xi Jinping"),
        ("สมชาย ใจดี", "Somchai Jaidee"),
        ("အောင်ဆန်းစုကြည်", "Aung San Suu Kyi"),
        ("ဦးသိန်းစိန်", "Thein Sein"),
        ("ហ៊ុន សែន", "Hun Sen"),
        ("Nguyễn Văn Anh", "Anh Nguyen Van"),
        ("Mohd Najib bin Abdul Razak", "Muhammad Najib Abdul Razak"),
        ("Pol. Lt. Gen. Somchai Jaidee", "Somchai Jaidee"),
        ("Somchai Jaidee", "Somchia Jaidee"),
    ],
)
def test_same_person_across_scripts_and_spellings_matches(a, b):
    result = matcher.score(person(a), person(b))
    assert result.match, result.explanation
    assert result.score == matcher.score(person(b), person(a)).score or result.match


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("สมชาย ใจดี", "สมชาย ใจดุ"),  # differ only in a vowel mark
        ("Nguyen Van Anh", "Nguyen Van Binh"),
        ("Nguyen Van Nam", "Nguyen Van Lam"),
        ("习近平", "习近萍"),
        ("Aung Kyaw", "Aung Myint"),
    ],
)
def test_different_people_with_near_identical_names_do_not_match(a, b):
    result = matcher.score(person(a), person(b))
    assert not result.match, result.explanation


def test_thai_vowel_mark_is_not_a_perfect_score():
    assert matcher.score(person("สมชาย ใจดี"), person("สมชาย ใจดุ")).score < 0.5


def test_score_is_bounded_and_explained():
    result = matcher.score(
        person("Somchai Jaidee", birthDate="1975-03-12"), person("Somchai Jaidee", birthDate="1975")
    )
    assert 0.0 <= result.score <= 1.0
    assert set(result.explanation) >= {"name", "date", "logit"}
    assert result.explanation["date"]["result"] == "partial"


def test_same_name_other_birth_date_and_passport_is_not_a_match():
    a = person("Nguyen Van Anh", birthDate="1985-04-09", passportNumber="C1234567")
    b = person("Nguyen Van Anh", birthDate="1962-11-30", passportNumber="B7777777")
    result = matcher.score(a, b)
    assert not result.match
    assert result.explanation["identifiers"]["conflict"] == ["passport"]
    assert result.explanation["date"]["result"] == "conflict"


def test_identifier_agreement_is_strong_evidence():
    a = person("N. V. Anh", passportNumber="C1234567")
    b = person("Nguyen Van Anh", idNumber="C 123 4567")
    assert matcher.score(a, b).match
    wallet_a = person(schema="CryptoWallet", publicKey="0x" + "ab" * 20)
    wallet_b = person(schema="CryptoWallet", publicKey="0x" + "AB" * 20)
    assert matcher.score(wallet_a, wallet_b).match


def test_birth_date_relations():
    d = PartialDate
    assert compare_dates((d(1985, 3, 12),), (d(1985, 3, 12),))[0] == "exact"
    assert compare_dates((d(1985, 3, 12),), (d(1985, 12, 3),))[0] == "swap"
    assert compare_dates((d(1985),), (d(1985, 12, 3),))[0] == "partial"
    assert compare_dates((d(1985, 3, 12),), (d(1986, 3, 12),))[0] == "year_near"
    assert compare_dates((d(1985, 3, 12),), (d(1985, 4, 12),))[0] == "differs"
    assert compare_dates((d(1985, 3, 12),), (d(1990, 3, 12),))[0] == "conflict"


def test_birth_date_moves_the_score():
    base = matcher.score(person("Somchai Jaidee"), person("Somchai Jaidee")).score
    same = matcher.score(
        person("Somchai Jaidee", birthDate="1975-03-12"), person("Somchai Jaidee", birthDate="1975-03-12")
    )
    other = matcher.score(
        person("Somchai Jaidee", birthDate="1975-03-12"), person("Somchai Jaidee", birthDate="1990-01-01")
    )
    assert same.score > base > other.score
    assert not other.match


def test_gender_and_nationality_conflicts_count_against():
    base = matcher.score(person("Lim Wei Ming"), person("Lim Wei Ming")).score
    gender = matcher.score(person("Lim Wei Ming", gender="male"), person("Lim Wei Ming", gender="female"))
    country = matcher.score(
        person("Lim Wei Ming", nationality="sg"), person("Lim Wei Ming", nationality="my")
    )
    assert gender.score < base and "gender" in gender.explanation
    assert country.score < base and country.explanation["country"]["result"] == "conflict"


def test_person_never_matches_company_or_vessel():
    assert matcher.score(person("Ocean Star"), person("Ocean Star", schema="Company")).score == 0.0
    assert matcher.score(person("Ocean Star"), person("Ocean Star", schema="Vessel")).score == 0.0


def test_token_similarity_uses_phonetic_skeleton():
    assert token_similarity("shinawatra", "chinwatr", skeleton("shinawatra"), skeleton("chinwatr")) >= 0.85
    assert token_similarity("nam", "lam", skeleton("nam"), skeleton("lam")) < 0.6


def test_thresholds():
    strict = Matcher(match_threshold=0.99, possible_threshold=0.5)
    result = strict.score(person("Somchai Jaidee"), person("Somchai Jaidee"))
    assert not result.match and result.band == "possible"
    assert MATCH_THRESHOLD > 0.5
    with pytest.raises(ValueError):
        Matcher(match_threshold=0.4, possible_threshold=0.6)


def test_rank_is_the_score_without_its_explanation():
    matcher = Matcher()
    pairs = [
        ("Thaksin Shinawatra", "ทักษิณ ชินวัตร"),
        ("Nguyen Van Minh", "Nguyễn Văn Minh"),
        ("Somchai Jaidee", "Anong Srisuk"),
    ]
    for a, b in pairs:
        ea = parse_entity({"id": "a", "schema": "Person", "properties": {"name": [a]}})
        eb = parse_entity({"id": "b", "schema": "Person", "properties": {"name": [b]}})
        assert matcher.rank(ea, eb) == matcher.score(ea, eb).score
    company = parse_entity({"id": "c", "schema": "Company", "properties": {"name": ["Somchai Jaidee"]}})
    assert matcher.rank(ea, company) == 0.0


def test_result_from_ranked_features_is_the_scored_result():
    # screening ranks every candidate with ranked() and explains the best from those features:
    # the hit must be exactly what score() says of the pair, explanation included
    matcher = Matcher()
    query = parse_entity(
        {"id": "q", "schema": "Person", "properties": {"name": ["Somchai Jaidee"],
         "birthDate": ["1975-03-12"], "nationality": ["th"], "gender": ["male"],
         "passportNumber": ["AA1234567"]}}
    )  # fmt: skip
    candidates = [
        {"schema": "Person", "properties": {"name": ["สมชาย ใจดี"], "birthDate": ["1975-12-03"],
         "nationality": ["la"], "gender": ["female"], "passportNumber": ["AA7654321"]}},
        {"schema": "Person", "properties": {"name": ["Jaidee Somchai"], "passportNumber": ["AA1234567"]}},
        {"schema": "Passport", "properties": {"number": ["AA1234567"]}},
        {"schema": "Company", "properties": {"name": ["Somchai Jaidee Co Ltd"]}},
        {"schema": "Company", "properties": {"name": ["Other"], "phone": ["+66812345678"]}},
    ]  # fmt: skip
    explained = {}
    for i, data in enumerate(candidates):
        candidate = parse_entity({"id": f"c{i}", **data})
        score, features = matcher.ranked(query, candidate)
        assert score == matcher.rank(query, candidate)
        assert matcher.result(query, candidate, features) == matcher.score(query, candidate)
        explained[i] = set(matcher.result(query, candidate, features).explanation)
    assert explained[0] == {"name", "identifiers", "date", "country", "gender", "logit"}
    assert explained[4] == {"schema", "logit"}
