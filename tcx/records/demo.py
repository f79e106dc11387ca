"""Demo records (fictitious people) so that a demo node shows hits, a shared record and a
possible duplicate. Idempotent: each record has an external id."""

from __future__ import annotations

from tcx.accounts import selectors as account_selectors
from tcx.organisations import selectors as org_selectors
from tcx.policy.rules import Policy
from tcx.records import services
from tcx.records.models import Record

# (username, external id, schema, properties, crime areas, role, shared with group)
DEMO_RECORDS: list[tuple[str, str, str, dict[str, list[str]], list[str], str, str | None]] = [
    (
        "th.officer",
        "RTP-2026-0001",
        "Person",
        {
            "name": ["สมชาย ใจดี"],
            "birthDate": ["1980-05-01"],
            "nationality": ["th"],
            "phone": ["081 234 5678"],
        },
        ["trafficking-in-persons"],
        "suspect",
        None,
    ),
    (
        "vn.officer",
        "MPS-2026-0117",
        "Person",
        {"name": ["Somchai Jaidee"], "birthDate": ["1980"], "nationality": ["th"]},
        ["trafficking-in-persons"],
        "suspect",
        None,
    ),
    (
        "th.officer",
        "RTP-2026-0002",
        "Person",
        {"name": ["Nguyễn Thị Hoa"], "birthDate": ["1992-11-03"], "nationality": ["vn"]},
        ["online-scams"],
        "victim",
        "asean-member-states",
    ),
    (
        "vn.analyst",
        "MPS-2026-0118",
        "Person",
        {"name": ["Nguyen Thi Hoa"], "birthDate": ["1992-11-03"], "nationality": ["vn"]},
        ["online-scams"],
        "victim",
        None,
    ),
    (
        "kh.officer",
        "CNP-2026-0042",
        "CryptoWallet",
        {"publicKey": ["TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"]},
        ["online-scams", "money-laundering"],
        "",
        None,
    ),
    (
        "vn.officer",
        "MPS-2026-0119",
        "CryptoWallet",
        {"publicKey": ["TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE"]},
        ["online-scams"],
        "",
        None,
    ),
]


def records_demo_seed() -> int:
    """Create the demo records that are missing; they are matched as they are created."""
    created = 0
    groups = {g.slug: g.pk for g in org_selectors.sharing_group_list()}
    for username, external_id, schema, properties, areas, role, group in DEMO_RECORDS:
        actor = account_selectors.user_by_username(username=username)
        if actor is None or Record.objects.filter(owner=actor.organisation, external_id=external_id).exists():
            continue
        services.record_create(
            actor=actor,
            schema=schema,
            properties=properties,
            crime_areas=areas,
            subject_role=role,
            external_id=external_id,
            source_reference=external_id,
            policy=Policy(audience_groups=[groups[group]] if group else []),
        )
        created += 1
    return created
