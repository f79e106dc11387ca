"""Reference data of the region, seeded from DOMAIN.md.

The seed creates what is missing and never overwrites: once seeded, it is data that
administrators edit. It takes the model classes as arguments so a data migration can run it
with historical models.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tcx.organisations.models import organisation_code

MEMBER_STATES: list[tuple[str, str, dt.date | None]] = [
    ("BN", "Brunei Darussalam", dt.date(1984, 1, 7)),
    ("KH", "Cambodia", dt.date(1999, 4, 30)),
    ("ID", "Indonesia", dt.date(1967, 8, 8)),
    ("LA", "Lao PDR", dt.date(1997, 7, 23)),
    ("MY", "Malaysia", dt.date(1967, 8, 8)),
    ("MM", "Myanmar", dt.date(1997, 7, 23)),
    ("PH", "Philippines", dt.date(1967, 8, 8)),
    ("SG", "Singapore", dt.date(1967, 8, 8)),
    ("TH", "Thailand", dt.date(1967, 8, 8)),
    ("VN", "Viet Nam", dt.date(1995, 7, 28)),
    # The 11th member since 26 Oct 2025 (47th ASEAN Summit).
    ("TL", "Timor-Leste", dt.date(2025, 10, 26)),
]

DIALOGUE_PARTNERS: list[tuple[str, str]] = [
    ("AU", "Australia"),
    ("CA", "Canada"),
    ("CN", "China"),
    ("EU", "European Union"),
    ("IN", "India"),
    ("JP", "Japan"),
    ("KR", "Republic of Korea"),
    ("NZ", "New Zealand"),
    ("RU", "Russia"),
    ("GB", "United Kingdom"),
    ("US", "United States"),
]

# (code, name, lead shepherd country code or None, unconfirmed, year added)
CRIME_AREAS: list[tuple[str, str, str | None, bool, int | None]] = [
    ("terrorism", "Terrorism", "ID", False, None),
    ("illicit-drugs", "Illicit drug trafficking", "TH", True, None),
    ("trafficking-in-persons", "Trafficking in persons", "PH", False, None),
    ("arms-smuggling", "Arms smuggling", "KH", False, None),
    ("sea-piracy", "Sea piracy (armed robbery against ships)", "MM", True, None),
    ("money-laundering", "Money laundering", "TH", True, None),
    ("economic-crime", "International economic crime", "MY", True, None),
    ("cybercrime", "Cybercrime", "SG", True, None),
    ("wildlife-timber", "Illicit trafficking of wildlife and timber", "VN", True, 2015),
    ("people-smuggling", "People smuggling", "MY", False, 2015),
]
# Named by the ASEAN 2045 strategic plan; not one of SOMTC's ten priority areas.
EXTRA_CRIME_AREAS: list[tuple[str, str]] = [("online-scams", "Online scams")]

ORGANISATIONS: list[dict[str, Any]] = [
    {"name": "ASEAN Secretariat", "short_name": "ASEC", "kind": "asean_body", "country": None},
    {"name": "ASEANAPOL Secretariat", "short_name": "ASEANAPOL", "kind": "asean_body", "country": None},
    {"name": "INTERPOL", "short_name": "INTERPOL", "kind": "international", "country": None},
    {
        "name": "United Nations Office on Drugs and Crime",
        "short_name": "UNODC",
        "kind": "international",
        "country": None,
    },
]


def seed_reference_data(Country: Any, Organisation: Any, SharingGroup: Any, CrimeArea: Any) -> None:
    """Create the reference data that is missing; never change what exists."""
    countries: dict[str, Any] = {}
    for code, name, since in MEMBER_STATES:
        countries[code], _ = Country.objects.get_or_create(
            code=code, defaults={"name": name, "kind": "member_state", "member_since": since}
        )
    for code, name in DIALOGUE_PARTNERS:
        countries[code], _ = Country.objects.get_or_create(
            code=code, defaults={"name": name, "kind": "dialogue_partner"}
        )
    has_code = any(f.name == "code" for f in Organisation._meta.fields)  # not before migration 0004
    for org in ORGANISATIONS:
        defaults = dict(org)
        if has_code and not Organisation.objects.filter(name=org["name"]).exists():
            defaults["code"] = organisation_code(
                Organisation, country_code=None, short_name=org["short_name"], name=org["name"]
            )
        Organisation.objects.get_or_create(name=org["name"], defaults=defaults)
    for position, (code, name, lead, unconfirmed, added) in enumerate(CRIME_AREAS, start=1):
        CrimeArea.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "position": position,
                "lead_shepherd": countries[lead] if lead else None,
                "unconfirmed": unconfirmed,
                "added_year": added,
            },
        )
    for offset, (code, name) in enumerate(EXTRA_CRIME_AREAS, start=len(CRIME_AREAS) + 1):
        CrimeArea.objects.get_or_create(
            code=code, defaults={"name": name, "position": offset, "is_priority": False}
        )

    members = [countries[code] for code, _, _ in MEMBER_STATES]
    group, created = SharingGroup.objects.get_or_create(
        slug="asean-member-states",
        defaults={
            "name": "ASEAN member-state agencies",
            "description": "Every agency of the eleven ASEAN member states.",
            "member_kinds": ["member_state_agency"],
        },
    )
    if created:
        group.countries.set(members)
    group, created = SharingGroup.objects.get_or_create(
        slug="asean-family",
        defaults={
            "name": "ASEAN member states and ASEAN bodies",
            "description": "Member-state agencies, the ASEAN Secretariat and ASEANAPOL.",
            "member_kinds": ["member_state_agency"],
        },
    )
    if created:
        group.countries.set(members)
        group.organisations.set(Organisation.objects.filter(kind="asean_body"))
    group, created = SharingGroup.objects.get_or_create(
        slug="mekong",
        defaults={
            "name": "Mekong countries",
            "description": "Agencies of Cambodia, Lao PDR, Myanmar, Thailand and Viet Nam.",
            "member_kinds": ["member_state_agency"],
        },
    )
    if created:
        group.countries.set([countries[c] for c in ("KH", "LA", "MM", "TH", "VN")])
    group, created = SharingGroup.objects.get_or_create(
        slug="asean-plus-three",
        defaults={
            "name": "ASEAN Plus Three",
            "description": "Member-state agencies with China, Japan and the Republic of Korea.",
            "member_kinds": ["member_state_agency", "partner_agency"],
        },
    )
    if created:
        group.countries.set(members + [countries[c] for c in ("CN", "JP", "KR")])
    for code, name in DIALOGUE_PARTNERS:
        group, created = SharingGroup.objects.get_or_create(
            slug=f"asean-plus-{code.lower()}",
            defaults={
                "name": f"ASEAN + {name}",
                "description": f"Member-state agencies with the agencies of {name}.",
                "member_kinds": ["member_state_agency", "partner_agency"],
            },
        )
        if created:
            group.countries.set([*members, countries[code]])
