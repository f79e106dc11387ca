"""The demo population: agencies of every member state, a few more for three of them, the ASEAN
Secretariat, partner agencies, and one person for every persona. Idempotent."""

from __future__ import annotations

import dataclasses

from tcx.accounts import selectors as account_selectors
from tcx.accounts import services as account_services
from tcx.organisations import selectors as org_selectors
from tcx.organisations import services as org_services
from tcx.records.demo import records_demo_seed
from tcx.roadmap.demo import roadmap_demo_seed

DEMO_PASSWORD = "tcx-demo-2026"  # noqa: S105 - the published demo password

# (country, name, short name, sector, national contact point)
AGENCIES: list[tuple[str, str, str, str, bool]] = [
    ("BN", "Royal Brunei Police Force", "RBPF", "police", True),
    ("KH", "Cambodian National Police", "CNP", "police", True),
    ("ID", "Indonesian National Police", "POLRI", "police", True),
    ("LA", "Lao Ministry of Public Security", "MOPS Lao", "police", True),
    ("MY", "Royal Malaysia Police", "PDRM", "police", True),
    ("MM", "Myanmar Police Force", "MPF", "police", True),
    ("PH", "Philippine National Police", "PNP", "police", True),
    ("SG", "Singapore Police Force", "SPF", "police", True),
    ("TH", "Royal Thai Police", "RTP", "police", True),
    ("VN", "Viet Nam Ministry of Public Security", "MPS", "police", True),
    ("TL", "National Police of Timor-Leste", "PNTL", "police", True),
    ("TH", "Thai Immigration Bureau", "TIB", "immigration", False),
    ("TH", "Thai Customs Department", "Thai Customs", "customs", False),
    ("TH", "Anti-Money Laundering Office", "AMLO", "financial intelligence", False),
    ("VN", "Viet Nam Immigration Department", "VN Immigration", "immigration", False),
    ("VN", "General Department of Viet Nam Customs", "VN Customs", "customs", False),
    ("MY", "Immigration Department of Malaysia", "JIM", "immigration", False),
    ("MY", "Royal Malaysian Customs Department", "JKDM", "customs", False),
    ("MY", "Financial Intelligence and Enforcement Department", "BNM FIED", "financial intelligence", False),
]
PARTNERS: list[tuple[str, str, str, str]] = [
    ("JP", "Japan National Police Agency", "NPA Japan", "police"),
    ("AU", "Australian Federal Police", "AFP", "police"),
    ("KR", "Korean National Police Agency", "KNPA", "police"),
]


@dataclasses.dataclass
class DemoLogin:
    username: str
    role: str
    organisation: str


# (username, first name, last name, role, organisation name)
PEOPLE: list[tuple[str, str, str, str, str]] = [
    ("vn.officer", "Minh", "Nguyễn", "officer", "Viet Nam Ministry of Public Security"),
    ("vn.analyst", "Lan", "Trần", "analyst", "Viet Nam Ministry of Public Security"),
    ("vn.supervisor", "Hùng", "Phạm", "supervisor", "Viet Nam Ministry of Public Security"),
    ("vn.admin", "Thảo", "Lê", "agency_admin", "Viet Nam Ministry of Public Security"),
    ("th.officer", "Somchai", "Jaidee", "officer", "Royal Thai Police"),
    ("th.analyst", "Nattaya", "Srisuk", "analyst", "Royal Thai Police"),
    ("th.supervisor", "Prasert", "Wongsawat", "supervisor", "Royal Thai Police"),
    ("th.admin", "Kanya", "Boonmee", "agency_admin", "Royal Thai Police"),
    ("kh.officer", "Sokha", "Chan", "officer", "Cambodian National Police"),
    ("my.officer", "Aisyah", "binti Ahmad", "officer", "Royal Malaysia Police"),
    ("ph.officer", "Maria", "Santos", "officer", "Philippine National Police"),
    ("th.immigration", "Anong", "Chaiyaporn", "officer", "Thai Immigration Bureau"),
    ("asec.officer", "Dewi", "Lestari", "secretariat_officer", "ASEAN Secretariat"),
    ("jp.liaison", "Kenji", "Sato", "partner_liaison", "Japan National Police Agency"),
    ("au.liaison", "Olivia", "Brown", "partner_liaison", "Australian Federal Police"),
    ("operator", "Node", "Operator", "operator", "ASEAN Secretariat"),
]


def demo_seed() -> list[DemoLogin]:
    """Create what is missing of the demo population and return the logins."""
    org_services.reference_data_seed()
    for country, name, short, sector, ncp in AGENCIES:
        org_services.organisation_ensure(
            name=name,
            kind="member_state_agency",
            country_code=country,
            short_name=short,
            sector=sector,
            is_national_contact_point=ncp,
        )
    for country, name, short, sector in PARTNERS:
        org_services.organisation_ensure(
            name=name,
            kind="partner_agency",
            country_code=country,
            short_name=short,
            sector=sector,
            is_national_contact_point=True,
        )
    organisations = {o.name: o for o in org_selectors.organisation_list()}
    logins = []
    for username, first, last, role, org_name in PEOPLE:
        if not account_selectors.user_exists(username=username):
            account_services.user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                organisation=organisations[org_name],
                role=role,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.tcx.invalid",
                validate=False,
            )
        logins.append(DemoLogin(username, role, org_name))
    roadmap_demo_seed()
    records_demo_seed()
    return logins
