"""Issue 12, finding 5: one PATCH by the operator turned a dialogue-partner agency into a
member-state agency, and the partner then read member-state AMBER data without a legal basis.
A change of kind or country now waits for a second editor, is audited, and the agencies whose
shared data it would open are told (an audit event each, in their supervisors' audit view)."""

from __future__ import annotations

import json

from django.test import Client

from tcx.audit import selectors as audit_selectors
from tcx.audit.models import AuditEvent
from tcx.organisations.models import Organisation, OrganisationChange, SharingGroup
from tcx.policy.models import TLP
from tcx.policy.rules import visible
from tcx.policy.tests.shareable.models import Note
from tcx.testing import sign_in


def _patch(world, persona: str, organisation: Organisation, body: dict) -> object:
    return sign_in(Client(), world.users[persona]).patch(
        f"/api/v1/organisations/{organisation.pk}", data=json.dumps(body), content_type="application/json"
    )


def _decide(world, persona: str, change_id: int, approve: bool) -> object:
    return sign_in(Client(), world.users[persona]).post(
        f"/api/v1/organisation-changes/{change_id}/decision",
        data=json.dumps({"approve": approve}),
        content_type="application/json",
    )


def _member_state_amber(world) -> Note:
    note = Note.objects.create(owner=world.agency_a, title="member-state only", tlp=TLP.AMBER)
    note.audience_groups.set([SharingGroup.objects.get(slug="asean-member-states")])
    return note


def test_one_patch_no_longer_turns_a_partner_into_a_member_state_agency(world) -> None:
    note = _member_state_amber(world)
    partner_liaison = world.users["partner_liaison"]
    assert not visible(Note.objects.all(), partner_liaison).filter(pk=note.pk).exists()

    response = _patch(world, "operator", world.partner, {"kind": "member_state_agency", "country": "TH"})

    assert response.status_code == 202, response.content
    world.partner.refresh_from_db()
    assert world.partner.kind == "partner_agency" and world.partner.country.code == "JP"
    partner_liaison.organisation.refresh_from_db()
    assert not visible(Note.objects.all(), partner_liaison).filter(pk=note.pk).exists()
    change = OrganisationChange.objects.get(pk=response.json()["id"])
    assert change.status == "pending" and change.changes == {"kind": "member_state_agency", "country": "TH"}


def test_the_requester_cannot_approve_their_own_change(world) -> None:
    change_id = _patch(
        world, "operator", world.partner, {"kind": "member_state_agency", "country": "TH"}
    ).json()["id"]
    own = _decide(world, "operator", change_id, approve=True)
    assert own.status_code == 403
    world.partner.refresh_from_db()
    assert world.partner.kind == "partner_agency"
    assert OrganisationChange.objects.get(pk=change_id).status == "pending"


def test_a_second_editor_approves_and_the_change_applies(world) -> None:
    note = _member_state_amber(world)
    change_id = _patch(
        world, "operator", world.partner, {"kind": "member_state_agency", "country": "TH"}
    ).json()["id"]
    approved = _decide(world, "secretariat_officer", change_id, approve=True)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    world.partner.refresh_from_db()
    assert world.partner.kind == "member_state_agency" and world.partner.country.code == "TH"
    liaison = world.users["partner_liaison"]
    liaison.organisation.refresh_from_db()
    assert visible(Note.objects.all(), liaison).filter(pk=note.pk).exists()  # now by two people's decision
    decided = AuditEvent.objects.get(action="organisation.change_decided")
    assert decided.actor_label == "secretariat_officer" and decided.data["status"] == "approved"
    # Deciding twice is refused.
    assert _decide(world, "secretariat_officer", change_id, approve=False).status_code == 409


def test_a_rejected_change_changes_nothing(world) -> None:
    change_id = _patch(
        world, "secretariat_officer", world.partner, {"kind": "member_state_agency", "country": "TH"}
    ).json()["id"]
    assert _decide(world, "operator", change_id, approve=False).json()["status"] == "rejected"
    world.partner.refresh_from_db()
    assert world.partner.kind == "partner_agency" and world.partner.country.code == "JP"


def test_the_agencies_whose_data_it_would_open_are_told(world) -> None:
    response = _patch(world, "operator", world.partner, {"kind": "member_state_agency", "country": "TH"})
    change_id = response.json()["id"]
    requested = AuditEvent.objects.get(action="organisation.change_requested")
    assert requested.actor_label == "operator" and requested.data["changes"]["kind"] == "member_state_agency"
    told = set(
        AuditEvent.objects.filter(action="organisation.change_notified").values_list(
            "target_owner_id", flat=True
        )
    )
    assert {world.agency_a.pk, world.agency_b.pk, world.agency_c.pk} <= told
    assert world.partner.pk not in told
    # Agency A's supervisor sees it in their audit view.
    seen = audit_selectors.audit_event_list(actor=world.users["a_supervisor"]).filter(
        action="organisation.change_notified"
    )
    assert seen.filter(data__change=change_id).exists()


def test_other_fields_apply_at_once_and_a_second_pending_change_is_refused(world) -> None:
    response = _patch(world, "operator", world.partner, {"sector": "criminal police", "country": "KR"})
    assert response.status_code == 202
    world.partner.refresh_from_db()
    assert world.partner.sector == "criminal police" and world.partner.country.code == "JP"
    again = _patch(world, "operator", world.partner, {"kind": "international"})
    assert again.status_code == 422 and "waiting for approval" in again.json()["detail"]
    assert OrganisationChange.objects.count() == 1


def test_the_edit_page_queues_the_change_too(world) -> None:
    client = sign_in(Client(), world.users["operator"])
    response = client.post(
        f"/organisations/{world.partner.pk}/edit/",
        {"name": world.partner.name, "kind": "member_state_agency", "country": "TH", "sector": "police"},
    )
    assert response.status_code == 302 and response["Location"] == "/organisations/changes/"
    world.partner.refresh_from_db()
    assert world.partner.kind == "partner_agency"
    page = sign_in(Client(), world.users["secretariat_officer"]).get("/organisations/changes/")
    assert b"Approve" in page.content and world.partner.name.encode() in page.content


def test_making_a_unit_another_agencys_contact_point_waits_for_approval(world) -> None:
    """The exchange delivers messages for an agency to its national contact point unit: making an
    organisation that unit reroutes the agency's messages, so it is guarded like kind and country."""
    unit = Organisation.objects.create(
        name="Bogus liaison desk", kind="member_state_agency", country=world.agency_a.country
    )
    response = _patch(
        world, "operator", unit, {"parent": world.agency_a.pk, "is_national_contact_point": True}
    )
    assert response.status_code == 202
    unit.refresh_from_db()
    assert unit.parent_id is None and not unit.is_national_contact_point
    told = AuditEvent.objects.filter(action="organisation.change_notified", target_owner=world.agency_a)
    assert told.exists()
    # Onboarding a new unit with the flag set: created, but the flag waits too.
    created = sign_in(Client(), world.users["operator"]).post(
        "/api/v1/organisations",
        data=json.dumps(
            {
                "name": "Another desk",
                "kind": "member_state_agency",
                "country": "VN",
                "parent": world.agency_a.pk,
                "is_national_contact_point": True,
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["is_national_contact_point"] is False
    assert OrganisationChange.objects.filter(
        organisation__name="Another desk", changes={"is_national_contact_point": True}, status="pending"
    ).exists()


def test_the_other_editor_sees_the_pending_change_on_their_home_page(world) -> None:
    _patch(world, "operator", world.partner, {"kind": "member_state_agency", "country": "TH"})
    home = sign_in(Client(), world.users["secretariat_officer"]).get("/")
    assert (
        b"Organisation changes awaiting approval" in home.content
        and b"1 requested by someone else" in home.content
    )
    officer_home = sign_in(Client(), world.users["a_officer"]).get("/")
    assert b"Organisation changes awaiting approval" not in officer_home.content
