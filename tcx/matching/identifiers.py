"""Identifier normalisation: phones, e-mails, domains, travel and identity documents, vessels,
vehicles, accounts and wallets.

Every normaliser returns a list of :class:`Identifier` values (a kind, a normalised value, and
whether a check digit or checksum validated it), or raises :class:`IdentifierError` with a reason
the user can act on. Kinds are compared across properties within a family: a passport number
recorded as ``idNumber`` still agrees with the same number recorded as ``passportNumber``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# kind -> family used for agreement; conflicts are only counted within the same kind.
FAMILY = {
    "passport": "doc",
    "id": "doc",
    "tax": "doc",
    "reg": "doc",
    "license": "doc",
    "phone": "phone",
    "phone_national": "phone_national",
    "email": "email",
    "domain": "domain",
    "imo": "imo",
    "mmsi": "mmsi",
    "callsign": "callsign",
    "vin": "vin",
    "plate": "plate",
    "account": "account",
    "wallet": "wallet",
}
# Kinds where two different values on both sides are evidence of two different subjects.
CONFLICT_KINDS = frozenset({"passport", "id", "imo", "mmsi", "vin"})


class IdentifierError(ValueError):
    """A value that cannot be read as the identifier its property promises."""


@dataclass(frozen=True, slots=True)
class Identifier:
    """A normalised identifier. ``valid`` is True/False when a checksum exists, else None."""

    kind: str
    value: str
    valid: bool | None = None

    @property
    def key(self) -> str:
        """The family-qualified value used for agreement and index keys (``doc:C1234567``)."""
        return f"{FAMILY.get(self.kind, self.kind)}:{self.value}"


_ALNUM = re.compile(r"[^0-9A-Z]")


def alnum(value: str) -> str:
    """Upper-case a value and keep only ASCII letters and digits."""
    return _ALNUM.sub("", value.upper())


# --- ICAO 9303 check digits ----------------------------------------------------------------------


def icao_check_digit(field: str) -> int:
    """Return the ICAO 9303 check digit of an MRZ field (weights 7, 3, 1; ``<`` counts as 0)."""
    total = 0
    for i, char in enumerate(field):
        if char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - 55
        else:
            value = 0
        total += value * (7, 3, 1)[i % 3]
    return total % 10


def parse_mrz_td3_line2(line: str) -> dict[str, str]:
    """Parse line 2 of a passport MRZ (TD3, 44 characters), verifying its check digits.

    Returns ``number``, ``nationality``, ``birth_date`` (YYMMDD), ``sex``; raises
    :class:`IdentifierError` when the line is malformed or a check digit fails.
    """
    line = line.strip().upper()
    if len(line) != 44:
        raise IdentifierError(f"MRZ line must have 44 characters, got {len(line)}")
    number, number_cd = line[0:9], line[9]
    birth, birth_cd = line[13:19], line[19]
    if not number_cd.isdigit() or icao_check_digit(number) != int(number_cd):
        raise IdentifierError("MRZ document number check digit does not match")
    if not birth_cd.isdigit() or icao_check_digit(birth) != int(birth_cd):
        raise IdentifierError("MRZ birth date check digit does not match")
    return {"number": number.replace("<", ""), "nationality": line[10:13].replace("<", ""),
            "birth_date": birth, "sex": line[20]}  # fmt: skip


def passport(value: str) -> list[Identifier]:
    """Normalise a passport number; a full MRZ line 2 is parsed and its check digits verified."""
    raw = value.strip().upper()
    if len(raw) == 44 and "<" in raw:
        return [Identifier("passport", parse_mrz_td3_line2(raw)["number"], True)]
    number = alnum(raw)
    if len(number) < 5:
        raise IdentifierError(f"passport number too short: {value!r}")
    return [Identifier("passport", number)]


def thai_id_valid(number: str) -> bool:
    """Check the mod-11 checksum of a 13-digit Thai national ID number."""
    if len(number) != 13 or not number.isdigit():
        return False
    total = sum(int(number[i]) * (13 - i) for i in range(12))
    return (11 - total % 11) % 10 == int(number[12])


def national_id(value: str, country: str | None = None) -> list[Identifier]:
    """Normalise a national ID number; checksums are verified where one exists (Thai 13-digit ID,
    Malaysian MyKad date and state code via python-stdnum)."""
    number = alnum(value)
    if len(number) < 4:
        raise IdentifierError(f"ID number too short: {value!r}")
    valid: bool | None = None
    if country == "th" or (country is None and len(number) == 13 and number.isdigit()):
        valid = thai_id_valid(number)
    elif country == "my" and len(number) == 12 and number.isdigit():
        from stdnum.my import nric

        valid = bool(nric.is_valid(number))
    return [Identifier("id", number, valid)]


def generic(kind: str, value: str) -> list[Identifier]:
    """Normalise a registration, tax, licence, plate or account number to upper-case alphanumerics."""
    number = alnum(value)
    if len(number) < 3:
        raise IdentifierError(f"{kind} number too short: {value!r}")
    return [Identifier(kind, number)]


# --- Phones ----------------------------------------------------------------------------------


@lru_cache(maxsize=50_000)
def phone(value: str, region: str | None = None) -> list[Identifier]:
    """Parse a phone number to E.164 (default region from the entity's country), and keep its
    national significant number so that a local form without country still agrees."""
    import phonenumbers

    raw = value.strip()
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 6:
        raise IdentifierError(f"not a phone number: {value!r}")
    out: list[Identifier] = []
    try:
        parsed = phonenumbers.parse(raw, region.upper() if region else None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None:
        valid = phonenumbers.is_valid_number(parsed)
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        out.append(Identifier("phone", e164, valid))
        out.append(Identifier("phone_national", str(parsed.national_number), valid))
    else:
        national = digits.lstrip("0")
        if raw.startswith("+") or raw.startswith("00"):
            raise IdentifierError(f"unparseable international phone number: {value!r}")
        out.append(Identifier("phone_national", national))
    return out


# --- E-mail, web -----------------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@([^@\s]+\.[^@\s]+)$")


def email(value: str) -> list[Identifier]:
    """Normalise an e-mail address (lower-cased, ``mailto:`` dropped)."""
    text = value.strip().lower().removeprefix("mailto:")
    if not _EMAIL.match(text):
        raise IdentifierError(f"not an e-mail address: {value!r}")
    return [Identifier("email", text)]


_TLD_EXTRACT = None


def domain(value: str) -> list[Identifier]:
    """Reduce a URL or host name to its registered domain with tldextract's bundled suffix list
    (no network access)."""
    global _TLD_EXTRACT
    if _TLD_EXTRACT is None:
        import tldextract

        _TLD_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    text = value.strip().lower()
    result = _TLD_EXTRACT(text)
    registered = result.top_domain_under_public_suffix or result.ipv4
    if not registered:
        raise IdentifierError(f"no registered domain in {value!r}")
    return [Identifier("domain", registered)]


# --- Vessels, vehicles -----------------------------------------------------------------------


def imo_valid(number: str) -> bool:
    """Check an IMO ship number's check digit (weights 7..2 on the first six digits)."""
    if len(number) != 7 or not number.isdigit():
        return False
    return sum(int(number[i]) * (7 - i) for i in range(6)) % 10 == int(number[6])


def imo(value: str) -> list[Identifier]:
    """Normalise an IMO ship number ("IMO 9074729" → 9074729) and verify its check digit."""
    number = re.sub(r"\D", "", value)
    if len(number) != 7:
        raise IdentifierError(f"IMO number must have 7 digits: {value!r}")
    return [Identifier("imo", number, imo_valid(number))]


def mmsi(value: str) -> list[Identifier]:
    """Normalise an MMSI (9 digits; ship stations have a maritime identification digit 2 to 7 first)."""
    number = re.sub(r"\D", "", value)
    if len(number) != 9:
        raise IdentifierError(f"MMSI must have 9 digits: {value!r}")
    return [Identifier("mmsi", number, number[0] in "234567")]


_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_valid(vin: str) -> bool:
    """Check the ISO 3779 / North American check digit (position 9) of a 17-character VIN."""
    if len(vin) != 17 or any(c not in _VIN_VALUES for c in vin):
        return False
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True)) % 11
    return vin[8] == ("X" if total == 10 else str(total))


def vehicle_number(value: str) -> list[Identifier]:
    """A vehicle's registration: a 17-character VIN (letters I, O, Q excluded) or a plate."""
    number = alnum(value)
    if len(number) == 17 and not set(number) & set("IOQ"):
        return [Identifier("vin", number, vin_valid(number))]
    if len(number) < 2:
        raise IdentifierError(f"plate number too short: {value!r}")
    return [Identifier("plate", number)]


# --- Wallets ---------------------------------------------------------------------------------

_ETH = re.compile(r"^0x[0-9a-fA-F]{40}$")
_BASE58 = re.compile(r"^[1-9A-HJ-NP-Za-km-z]{25,44}$")
_BECH32 = re.compile(r"^(bc1|ltc1|tb1)[02-9ac-hj-np-z]{8,87}$", re.IGNORECASE)


def wallet(value: str) -> list[Identifier]:
    """Normalise a crypto wallet address: Ethereum-style hex lower-cased, bech32 lower-cased,
    base58 (Bitcoin legacy, Tron ...) kept case-sensitive."""
    text = value.strip()
    if _ETH.match(text):
        return [Identifier("wallet", text.lower(), True)]
    if _BECH32.match(text):
        return [Identifier("wallet", text.lower())]
    if _BASE58.match(text):
        return [Identifier("wallet", text)]
    if len(text) >= 20 and text.isalnum():
        return [Identifier("wallet", text)]
    raise IdentifierError(f"not a wallet address: {value!r}")
