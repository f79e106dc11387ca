import pytest

from tcx.matching.entity import EntityError, PartialDate, clean_country, comparable, parse_date, parse_entity


def person(**props):
    return parse_entity({"id": "p", "schema": "Person", "properties": props})


def test_first_and_last_name_make_a_name():
    entity = person(firstName=["Somchai"], lastName=["Jaidee"])
    assert entity.names[0].tokens == ("somchai", "jaidee")


def test_phone_local_form_needs_and_uses_country_hint():
    entity = person(name=["A"], phone=["0912 345 678"], nationality=["Viet Nam"])
    assert "phone:+84912345678" in entity.id_keys


def test_countries_the_registry_does_not_know():
    assert clean_country("Lao PDR") == "la"
    assert clean_country("Viet Nam") == "vn"
    assert clean_country("THA") == "th"
    assert clean_country("Atlantis") is None


def test_dates_partial_and_day_first():
    assert parse_date("1985") == PartialDate(1985)
    assert parse_date("1985-03") == PartialDate(1985, 3)
    assert parse_date("12/03/1985") == PartialDate(1985, 3, 12)
    with pytest.raises(ValueError):
        parse_date("31/02/1985")
    with pytest.raises(ValueError):
        parse_date("yesterday")


def test_bad_values_are_warnings_not_errors():
    entity = person(name=["Anh"], birthDate=["soon"], phone=["n/a"], nationality=["Atlantis"])
    assert entity.dates == ()
    assert len(entity.warnings) == 3


def test_unusable_records_raise():
    with pytest.raises(EntityError):
        parse_entity({"schema": "Person", "properties": {}})
    with pytest.raises(EntityError):
        parse_entity({"id": "x", "schema": "Spaceship", "properties": {}})
    with pytest.raises(EntityError):
        parse_entity(["not", "an", "object"])  # type: ignore[arg-type]


def test_identifier_schemata():
    wallet = parse_entity(
        {"id": "w", "schema": "CryptoWallet", "properties": {"publicKey": ["0x" + "ab" * 20]}}
    )
    assert wallet.id_keys == {"wallet:0x" + "ab" * 20}
    passport = parse_entity({"id": "d", "schema": "Passport", "properties": {"number": ["C1234567"]}})
    assert "doc:C1234567" in passport.id_keys


def test_comparable_schemata():
    p = person(name=["A"])
    company = parse_entity({"id": "c", "schema": "Company", "properties": {"name": ["A"]}})
    legal = parse_entity({"id": "l", "schema": "LegalEntity", "properties": {"name": ["A"]}})
    vessel = parse_entity({"id": "v", "schema": "Vessel", "properties": {"name": ["A"]}})
    assert not comparable(p, company)
    assert comparable(p, legal) and comparable(company, legal)
    assert not comparable(p, vessel)
