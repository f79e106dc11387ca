import pytest

from tcx.matching import identifiers as ids


def test_phone_local_form_uses_default_region_and_keeps_national_number():
    values = ids.phone("0912 345 678", "vn")
    assert ids.Identifier("phone", "+84912345678", True) in values
    assert any(v.kind == "phone_national" and v.value == "912345678" for v in values)


def test_phone_without_region_still_gives_national_number():
    values = ids.phone("0912 345 678")
    assert [v.key for v in values] == ["phone_national:912345678"]


def test_phone_rejects_garbage():
    with pytest.raises(ids.IdentifierError):
        ids.phone("call me")


def test_icao_check_digit_and_mrz_line():
    assert ids.icao_check_digit("L898902C3") == 6  # ICAO 9303 specimen
    line = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    parsed = ids.parse_mrz_td3_line2(line)
    assert parsed["number"] == "L898902C3" and parsed["birth_date"] == "740812"
    assert ids.passport(line) == [ids.Identifier("passport", "L898902C3", True)]
    with pytest.raises(ids.IdentifierError):
        ids.parse_mrz_td3_line2(line.replace("C36", "C35"))


def test_passport_number_normalised():
    assert ids.passport(" c 123-4567 ")[0].value == "C1234567"


def test_thai_id_checksum():
    assert ids.thai_id_valid("1101700230708")
    assert not ids.thai_id_valid("1101700230703")
    assert ids.national_id("1-1017-00230-70-8", "th")[0].valid is True


def test_imo_checksum():
    assert ids.imo("IMO 9074729") == [ids.Identifier("imo", "9074729", True)]
    assert ids.imo("9074728")[0].valid is False
    with pytest.raises(ids.IdentifierError):
        ids.imo("12345")


def test_mmsi_and_vin():
    assert ids.mmsi("574 123 456")[0].value == "574123456"
    assert ids.vin_valid("1M8GDM9AXKP042788")
    assert not ids.vin_valid("1M8GDM9A1KP042788")
    assert ids.vehicle_number("1M8GDM9AXKP042788")[0].kind == "vin"
    assert ids.vehicle_number("กข 1234")[0].kind == "plate"


def test_email_domain_wallet():
    assert ids.email("MAILTO:Scam@Example.COM")[0].value == "scam@example.com"
    assert ids.domain("https://shop.scam-site.co.th/pay")[0].value == "scam-site.co.th"
    eth = "0x52908400098527886E0F7030069857D2E4169EE7"
    assert ids.wallet(eth)[0].value == eth.lower()
    assert ids.wallet("1BoatSLRHtKNngkdXEeobR76b53LETtpyT")[0].value == "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"
    with pytest.raises(ids.IdentifierError):
        ids.wallet("nope")
    with pytest.raises(ids.IdentifierError):
        ids.email("not-an-email")


def test_passport_and_id_number_share_a_family():
    assert ids.Identifier("passport", "C1234567").key == ids.Identifier("id", "C1234567").key
