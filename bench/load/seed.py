"""Seed a load-benchmark database: eight member-state agencies, two officers each with a
read-write API token, ~4,600 person records with mixed sharing policies (each officer sees about
960 of them) and a few exchanges in every inbox. Run by ``load_bench.py`` and ``faults.py`` in a
Django process pointed at the benchmark database; writes what the client needs to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

AGENCIES = [
    ("VN", "Viet Nam Ministry of Public Security"),
    ("TH", "Royal Thai Police"),
    ("KH", "Cambodian National Police"),
    ("MY", "Royal Malaysia Police"),
    ("ID", "Indonesian National Police"),
    ("PH", "Philippine National Police"),
    ("SG", "Singapore Police Force"),
    ("LA", "Lao Ministry of Public Security"),
]
# per agency: (rows, policy) — owner only, the member-states group, RED to the next agency, CLEAR
OWN_ONLY, GROUP, RED, CLEAR = 500, 40, 30, 10
SYLLABLES = [
    "an",
    "bao",
    "chi",
    "dung",
    "hai",
    "hoa",
    "khanh",
    "lan",
    "minh",
    "nam",
    "phuc",
    "quang",
    "son",
    "tam",
    "thanh",
    "tuan",
    "vinh",
    "xuan",
    "somchai",
    "niran",
    "pong",
    "sak",
    "wan",
    "chai",
    "kiet",
    "rith",
    "sok",
    "vanna",
    "bun",
    "mai",
    "siti",
    "nur",
    "ahmad",
    "rizal",
    "budi",
    "dewi",
    "jose",
    "maria",
    "santos",
    "reyes",
    "tan",
    "lim",
    "wong",
    "kham",
    "phet",
    "noy",
]


def name(rng: random.Random) -> str:
    parts = [
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 2))) for _ in range(rng.randint(2, 3))
    ]
    return " ".join(p.capitalize() for p in parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    import django

    django.setup()
    from tcx.accounts import services as account_services
    from tcx.accounts.models import Role
    from tcx.exchange.services import exchange_send
    from tcx.organisations import services as org_services
    from tcx.organisations.selectors import sharing_group_get
    from tcx.policy.rules import Policy
    from tcx.records.importing import import_file
    from tcx.records.models import Record

    rng = random.Random(args.seed)
    org_services.reference_data_seed()
    group = sharing_group_get(slug="asean-member-states")
    assert group is not None
    orgs = [
        org_services.organisation_ensure(name=n, kind="member_state_agency", country_code=c, short_name=c)
        for c, n in AGENCIES
    ]
    users = []
    for org in orgs:
        for n in (1, 2):
            user = account_services.user_create(
                actor=None,
                username=f"load_{org.country.code.lower()}_{n}",  # type: ignore[union-attr]
                password="correct horse battery staple",  # noqa: S106 (a bench user)
                organisation=org,
                role=Role.OFFICER,
                first_name=f"Officer {n}",
                validate=False,
            )
            _, secret = account_services.token_create(actor=user, name="load bench", scope="read_write")
            users.append({"token": secret, "organisation": org.pk, "username": user.username})
    names: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        for i, org in enumerate(orgs):
            officer = account_services_user(org)
            nxt = orgs[(i + 1) % len(orgs)]
            plans = [
                (OWN_ONLY, Policy(tlp="AMBER")),
                (GROUP, Policy(tlp="AMBER", audience_groups=[group.pk])),
                (RED, Policy(tlp="RED", audience_organisations=[nxt.pk])),
                (CLEAR, Policy(tlp="CLEAR")),
            ]
            for j, (rows, policy) in enumerate(plans):
                path = Path(folder) / f"{org.pk}-{j}.jsonl"
                with path.open("w") as handle:
                    for k in range(rows):
                        person = name(rng)
                        names.append(person)
                        entity = {
                            "id": f"seed-{org.pk}-{j}-{k}",
                            "schema": "Person",
                            "properties": {
                                "name": [person],
                                "birthDate": [
                                    f"19{rng.randint(50, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                                ],
                                "phone": [f"+849{rng.randint(10000000, 99999999)}"],
                            },
                        }
                        handle.write(json.dumps(entity) + "\n")
                report = import_file(actor=officer, path=path, policy=policy)
                assert not report.errors, report.errors[:3]
    # a few exchanges in every inbox
    for i, org in enumerate(orgs):
        officer = account_services_user(org)
        for k in range(10):
            to = orgs[(i + 1 + k % (len(orgs) - 1)) % len(orgs)]
            exchange_send(
                actor=officer,
                subject=f"Seed request {k} from {org.short_name}",
                body="Please check the attached identifiers.",
                recipients=[to.pk],
                policy=Policy(tlp="AMBER"),
            )
    visible: dict[int, list[int]] = {}
    for org in orgs:
        from tcx.records.selectors import record_list

        visible[org.pk] = list(record_list(actor=account_services_user(org)).values_list("pk", flat=True))
    out = {
        "users": users,
        "organisations": [o.pk for o in orgs],
        "visible_sample": {str(k): rng.sample(v, min(300, len(v))) for k, v in visible.items()},
        "visible_count": {str(k): len(v) for k, v in visible.items()},
        "names": rng.sample(names, 300),
        "records": Record.objects.count(),
    }
    args.out.write_text(json.dumps(out))
    print(
        f"seeded {out['records']} records, {len(users)} users; visible per officer "
        f"{min(out['visible_count'].values())}-{max(out['visible_count'].values())}",
        file=sys.stderr,
    )
    return 0


def account_services_user(org):  # type: ignore[no-untyped-def]
    from tcx.accounts.models import User

    return User.objects.filter(organisation=org, role="officer").order_by("pk").first()


if __name__ == "__main__":
    sys.exit(main())
