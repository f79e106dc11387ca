"""From FollowTheMoney entity dicts to the engine's compact :class:`Entity`.

``parse_entity({"id": ..., "schema": "Person", "properties": {...}})`` validates the schema and
property names against the ``followthemoney`` model, and returns an :class:`Entity` holding only
what matching needs — name forms, birth/incorporation dates, countries, gender and normalised
identifiers — with a list of warnings for values that could not be read (the entity is kept).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tcx.matching import identifiers as ids
from tcx.matching.text import NameForm, name_forms

SUPPORTED_SCHEMATA = frozenset(
    {"Person", "Organization", "Company", "LegalEntity", "PublicBody", "Vessel", "Vehicle", "Airplane",
     "BankAccount", "CryptoWallet", "Passport", "Identification"}
)  # fmt: skip

# Which schemata can describe the same subject (names and dates are compared only then).
_GROUPS = {
    "Person": "party",
    "LegalEntity": "party",
    "Organization": "party",
    "Company": "party",
    "PublicBody": "party",
    "Vessel": "vessel",
    "Vehicle": "vehicle",
    "Airplane": "vehicle",
    "BankAccount": "account",
    "CryptoWallet": "wallet",
    "Passport": "document",
    "Identification": "document",
}
_PERSONAL = frozenset({"Person", "Passport", "Identification"})
_ORGANISATIONAL = frozenset({"Organization", "Company", "PublicBody"})

# Country names the followthemoney registry does not know (it returns None for "Lao PDR").
COUNTRY_ALIASES = {
    "lao pdr": "la", "laos": "la", "lao": "la", "lao people's democratic republic": "la",
    "viet nam": "vn", "vietnam": "vn", "burma": "mm", "myanmar": "mm", "brunei": "bn",
    "brunei darussalam": "bn", "timor-leste": "tl", "east timor": "tl", "timor leste": "tl",
    "cambodia": "kh", "kampuchea": "kh", "philippines": "ph", "the philippines": "ph",
    "thailand": "th", "siam": "th", "malaysia": "my", "indonesia": "id", "singapore": "sg",
    "china": "cn", "prc": "cn", "south korea": "kr", "korea": "kr", "republic of korea": "kr",
    "uk": "gb", "united kingdom": "gb", "usa": "us", "united states": "us",
    "tha": "th", "vnm": "vn", "lao_": "la", "khm": "kh", "mmr": "mm", "idn": "id", "mys": "my",
    "phl": "ph", "sgp": "sg", "brn": "bn", "tls": "tl", "chn": "cn", "kor": "kr", "jpn": "jp",
    "ไทย": "th", "ประเทศไทย": "th", "việt nam": "vn",
}  # fmt: skip

_NAME_PROPS = ("name", "alias", "previousName", "weakAlias", "abbreviation")
_DATE_PROPS = ("birthDate", "incorporationDate", "buildDate")
_COUNTRY_PROPS = (
    "nationality",
    "citizenship",
    "country",
    "jurisdiction",
    "flag",
    "mainCountry",
    "birthCountry",
)


class EntityError(ValueError):
    """An input record that cannot be used at all (no id, unknown schema, not an object)."""


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date that may lack its month or day (``1985``, ``1985-03``, ``1985-03-12``)."""

    year: int
    month: int | None = None
    day: int | None = None

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)


_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")


@lru_cache(maxsize=65_536)  # one object per distinct date: a big watchlist shares them
def parse_date(value: str) -> PartialDate:
    """Parse an ISO date (full or partial) or a day-first ``DD/MM/YYYY`` date; raise ValueError."""
    text = value.strip()
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = match.group(1), match.group(2), match.group(3)
    else:
        match = _DMY_DATE.match(text)
        if not match:
            raise ValueError(f"unreadable date {value!r}")
        day, month, year = match.group(1), match.group(2), match.group(3)
    y = int(year)
    m = int(month) if month else None
    d = int(day) if day else None
    if not 1800 <= y <= 2100 or (m is not None and not 1 <= m <= 12) or (d is not None and not 1 <= d <= 31):
        raise ValueError(f"impossible date {value!r}")
    if m is not None and d is not None:
        try:
            datetime.date(y, m, d)
        except ValueError:
            raise ValueError(f"impossible date {value!r}") from None
    return PartialDate(y, m, d)


@lru_cache(maxsize=4096)
def clean_country(value: str) -> str | None:
    """Return the ISO 3166-1 alpha-2 code (lower case) of a country name or code, or None."""
    text = value.strip().lower()
    if not text:
        return None
    if text in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[text]
    if len(text) == 2 and text.isalpha():
        return text
    from followthemoney import registry

    code = registry.country.clean(value)
    return code.lower() if code else None


def clean_gender(value: str) -> str | None:
    """Map a gender value to ``male``/``female`` (``m``, ``f``, ``ชาย``, ``nam``, ``nu`` ...)."""
    text = value.strip().lower()
    if text in ("m", "male", "man", "ชาย", "nam", "lelaki", "laki-laki", "pria", "男"):
        return "male"
    if text in ("f", "female", "woman", "หญิง", "nu", "nữ", "perempuan", "wanita", "女"):
        return "female"
    return None


@dataclass(slots=True)
class Entity:
    """The compact form of an entity the engine compares and indexes.

    ``names`` holds every comparable form of every name; ``identifiers`` the normalised
    identifiers; ``id_keys`` their family-qualified values (``doc:C1234567``) for agreement.
    """

    id: str
    schema: str
    names: tuple[NameForm, ...] = ()
    raw_names: tuple[str, ...] = ()
    dates: tuple[PartialDate, ...] = ()
    countries: frozenset[str] = frozenset()
    gender: str | None = None
    identifiers: tuple[ids.Identifier, ...] = ()
    id_keys: frozenset[str] = frozenset()
    warnings: list[str] = field(default_factory=list)

    @property
    def group(self) -> str:
        """The kind of subject (party, vessel, vehicle, account, wallet, document)."""
        return _GROUPS.get(self.schema, "party")

    @property
    def caption(self) -> str:
        """A display name: the first name given, else the first identifier, else the id."""
        if self.raw_names:
            return self.raw_names[0]
        if self.identifiers:
            return self.identifiers[0].value
        return self.id


def comparable(a: Entity, b: Entity) -> bool:
    """True when two schemata can describe the same subject (a Person never matches a Company).

    Documents (Passport, Identification) compare with persons; LegalEntity with any party.
    """
    return a.schema == b.schema or _comparable_schemata(a.schema, b.schema)


@lru_cache(maxsize=512)
def _comparable_schemata(sa: str, sb: str) -> bool:
    a = Entity(id="", schema=sa)
    b = Entity(id="", schema=sb)
    ga, gb = a.group, b.group
    if ga == "document" or gb == "document":
        return {ga, gb} <= {"document", "party"} and (a.schema not in _ORGANISATIONAL)
    if ga != gb:
        return False
    if ga == "party":
        if a.schema in _PERSONAL and b.schema in _ORGANISATIONAL:
            return False
        if b.schema in _PERSONAL and a.schema in _ORGANISATIONAL:
            return False
    return True


def _values(props: Mapping[str, Any], name: str) -> list[str]:
    value = props.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, Iterable):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return [str(value)]


def _combined_names(props: Mapping[str, Any]) -> list[str]:
    """Names built from name parts, as followthemoney's ``combine_names`` does."""
    firsts = _values(props, "firstName") or _values(props, "givenName")
    middles = _values(props, "middleName") + _values(props, "secondName") + _values(props, "fatherName")
    lasts = _values(props, "lastName") or _values(props, "surname")
    out: list[str] = []
    if not firsts and not lasts:
        return out
    middle = " ".join(middles[:1])
    for first in firsts[:3] or [""]:
        for last in lasts[:3] or [""]:
            out.append(" ".join(p for p in (first, middle, last) if p))
    return out


_ID_PROPS: dict[str, str] = {
    "passportNumber": "passport",
    "idNumber": "id",
    "personalNumber": "id",
    "socialSecurityNumber": "id",
    "taxNumber": "tax",
    "vatCode": "tax",
    "registrationNumber": "reg",
    "licenseNumber": "license",
    "leiCode": "reg",
    "imoNumber": "imo",
    "mmsi": "mmsi",
    "callSign": "callsign",
    "phone": "phone",
    "email": "email",
    "website": "domain",
    "accountNumber": "account",
    "iban": "account",
    "publicKey": "wallet",
    "cryptoAddress": "wallet",
    "serialNumber": "reg",
    "icaoCode": "reg",
}


def _identifier(kind: str, schema: str, value: str, region: str | None) -> list[ids.Identifier]:
    if kind == "passport":
        return ids.passport(value)
    if kind == "id":
        return ids.national_id(value, region)
    if kind == "phone":
        return ids.phone(value, region)
    if kind == "email":
        return ids.email(value)
    if kind == "domain":
        return ids.domain(value)
    if kind == "imo":
        return ids.imo(value)
    if kind == "mmsi":
        return ids.mmsi(value)
    if kind == "wallet":
        return ids.wallet(value)
    if kind == "reg" and schema in ("Vehicle",):
        return ids.vehicle_number(value)
    return ids.generic(kind, value)


def parse_entity(data: Mapping[str, Any]) -> Entity:
    """Parse a FollowTheMoney entity dict into an :class:`Entity`.

    Raises :class:`EntityError` when the record is unusable (not an object, no id, unknown or
    unsupported schema). Unreadable values (dates, phones, identifiers) and unknown property
    names are skipped and reported in ``entity.warnings``.
    """
    if not isinstance(data, Mapping):
        raise EntityError("entity must be a JSON object")
    entity_id = data.get("id")
    if entity_id is None or not str(entity_id).strip():
        raise EntityError("entity has no id")
    schema_name = data.get("schema") or "LegalEntity"
    if schema_name not in SUPPORTED_SCHEMATA:
        raise EntityError(f"unknown or unsupported schema {schema_name!r}")
    props = data.get("properties") or {}
    if not isinstance(props, Mapping):
        raise EntityError("properties must be an object")
    warnings: list[str] = []
    schema = _schema(str(schema_name))
    unknown = [p for p in props if p not in schema]
    if unknown:
        warnings.append(f"unknown properties for {schema_name}: {', '.join(sorted(unknown))}")

    countries: list[str] = []
    for prop in _COUNTRY_PROPS:
        for value in _values(props, prop):
            code = clean_country(value)
            if code is None:
                warnings.append(f"unknown country {value!r} in {prop}")
            elif code not in countries:
                countries.append(code)
    region = countries[0] if countries else None

    raw_names: list[str] = []
    for prop in _NAME_PROPS:
        raw_names.extend(_values(props, prop))
    raw_names.extend(_combined_names(props))
    forms: list[NameForm] = []
    seen: set[tuple[str, ...]] = set()
    for raw in dict.fromkeys(raw_names):
        try:
            found = name_forms(raw)
        except Exception as exc:  # a romaniser bug must cost one name, never the whole run
            warnings.append(f"name {raw!r} could not be normalised: {type(exc).__name__}")
            continue
        for form in found:
            if form.tokens not in seen:
                seen.add(form.tokens)
                forms.append(form)

    dates: list[PartialDate] = []
    for prop in _DATE_PROPS:
        for value in _values(props, prop):
            try:
                date = parse_date(value)
            except ValueError as exc:
                warnings.append(f"{prop}: {exc}")
                continue
            if date not in dates:
                dates.append(date)

    gender = None
    for value in _values(props, "gender"):
        gender = clean_gender(value) or gender

    identifiers: list[ids.Identifier] = []
    for prop, kind in _ID_PROPS.items():
        for value in _values(props, prop):
            try:
                identifiers.extend(_identifier(kind, str(schema_name), value, region))
            except ids.IdentifierError as exc:
                warnings.append(f"{prop}: {exc}")
    if schema_name in ("Passport", "Identification"):
        kind = "passport" if schema_name == "Passport" else "id"
        for value in _values(props, "number"):
            try:
                identifiers.extend(_identifier(kind, str(schema_name), value, region))
            except ids.IdentifierError as exc:
                warnings.append(f"number: {exc}")
    identifiers = list(dict.fromkeys(identifiers))
    return Entity(
        id=str(entity_id),
        schema=str(schema_name),
        names=tuple(forms),
        raw_names=tuple(dict.fromkeys(raw_names)),
        dates=tuple(dates),
        countries=_country_set(tuple(countries)),
        gender=gender,
        identifiers=tuple(identifiers),
        id_keys=frozenset(i.key for i in identifiers),
        warnings=warnings,
    )


@lru_cache(maxsize=4096)
def _country_set(codes: tuple[str, ...]) -> frozenset[str]:
    """The set of these country codes, one shared object per combination (a million entities
    hold a few dozen)."""
    return frozenset(codes)


@lru_cache(maxsize=64)
def _schema(name: str) -> frozenset[str]:
    """Property names of a followthemoney schema (plus name-part aliases we accept)."""
    from followthemoney import model

    schema = model.get(name)
    if schema is None:
        raise EntityError(f"unknown schema {name!r}")
    return (
        frozenset(schema.properties) | {"firstName", "lastName"}
        if name == "Person"
        else frozenset(schema.properties)
    )
