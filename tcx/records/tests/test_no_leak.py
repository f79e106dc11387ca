"""Property: no endpoint, page, search result or hit ever returns a field of a record that the
actor may not see, beyond the hit metadata. Agencies' policies, records and actors are drawn at
random; what each actor may see is decided by an oracle written from DESIGN.md's sharing model,
independently of tcx.policy."""

from __future__ import annotations

import json
import uuid

from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tcx.jobs import runner as jobs
from tcx.organisations.models import SharingGroup
from tcx.policy.rules import Policy
from tcx.records import services
from tcx.testing import PERSONAS, build_world, sign_in

OWNERS = ["a_officer", "b_officer"]
GROUP_MEMBERS = {
    "asean-member-states": {"agency_a", "agency_b", "agency_c"},
    "asean-plus-jp": {"agency_a", "agency_b", "agency_c", "partner"},
}
PERSONA_ORG = {
    "a_officer": "agency_a",
    "a_analyst": "agency_a",
    "a_supervisor": "agency_a",
    "a_admin": "agency_a",
    "b_officer": "agency_b",
    "b_supervisor": "agency_b",
    "partner_liaison": "partner",
    "secretariat_officer": "secretariat",
    "operator": "secretariat",
}
OPERATIONAL = {"a_officer", "a_analyst", "a_supervisor", "b_officer", "b_supervisor", "partner_liaison"}

record_spec = st.fixed_dictionaries(
    {
        "owner": st.sampled_from(OWNERS),
        "tlp": st.sampled_from(["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]),
        "orgs": st.sets(st.sampled_from(["agency_a", "agency_b", "agency_c", "partner"]), max_size=3),
        "groups": st.sets(st.sampled_from(sorted(GROUP_MEMBERS)), max_size=2),
        "legal_basis": st.booleans(),
        "name": st.sampled_from(["Thaksin Shinawatra", "ทักษิณ ชินวัตร", "Nguyễn Văn Minh", "Nguyen Van Minh"]),
    }
)


def may_see(persona: str, spec: dict) -> bool:
    if persona not in OPERATIONAL:
        return False
    org = PERSONA_ORG[persona]
    if org == PERSONA_ORG[spec["owner"]]:
        return True
    if spec["tlp"] == "CLEAR":
        return True
    if org == "partner" and not spec["legal_basis"]:
        return False
    named = org in spec["orgs"]
    if spec["tlp"] == "RED":
        return named
    return named or any(org in GROUP_MEMBERS[g] for g in spec["groups"])


def valid(spec: dict) -> bool:
    reaches_partner = "partner" in spec["orgs"] or "asean-plus-jp" in spec["groups"]
    if reaches_partner and not spec["legal_basis"]:
        return False
    return not (spec["tlp"] == "RED" and spec["groups"])


class NoLeakTests(TestCase):
    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(specs=st.lists(record_spec.filter(valid), min_size=1, max_size=4))
    def test_nothing_leaks(self, specs: list[dict]) -> None:
        world = build_world()
        orgs = {
            "agency_a": world.agency_a,
            "agency_b": world.agency_b,
            "agency_c": world.agency_c,
            "partner": world.partner,
        }
        groups = {g.slug: g.pk for g in SharingGroup.objects.filter(slug__in=GROUP_MEMBERS)}
        created = []
        for spec in specs:
            marker = f"secret-{uuid.uuid4().hex[:12]}"
            record = services.record_create(
                actor=world.users[spec["owner"]],
                schema="Person",
                properties={"name": [spec["name"]], "notes": [marker]},
                policy=Policy(
                    tlp=spec["tlp"],
                    audience_organisations=[orgs[o].pk for o in spec["orgs"]],
                    audience_groups=[groups[g] for g in spec["groups"]],
                    legal_basis="ASEAN-Japan MoU" if spec["legal_basis"] else "",
                ),
            )
            created.append((record, spec, marker))
        jobs.run_pending()
        for persona in PERSONAS:
            client = sign_in(Client(), world.user(persona))
            bodies = [
                client.get("/api/v1/records?limit=500").content,
                client.get("/api/v1/records/search", {"q": "Thaksin Shinawatra"}).content,
                client.get("/api/v1/records/search", {"q": "Nguyen Van Minh"}).content,
                client.get("/api/v1/hits?duplicates=true").content,
                client.get("/records/").content,
                client.get("/records/", {"q": "ทักษิณ"}).content,
                client.get("/records/hits/?duplicates=1").content,
                client.get("/").content,
            ]
            for record, spec, marker in created:
                detail = [client.get(f"/api/v1/records/{record.pk}"), client.get(f"/records/{record.pk}/")]
                if may_see(persona, spec):
                    if persona != "anonymous":
                        assert all(r.status_code == 200 for r in detail), (persona, spec)
                        assert marker in detail[0].content.decode()
                    continue
                assert all(r.status_code in (302, 401, 404) for r in detail), (persona, spec)
                for body in [*bodies, *(r.content for r in detail)]:
                    text = body.decode()
                    assert marker not in text, f"{persona} saw {spec}"
                    assert json.dumps(record.properties["notes"])[1:-1] not in text
