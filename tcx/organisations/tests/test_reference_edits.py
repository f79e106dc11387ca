"""Reference data is data an administrator edits: the operator and the Secretariat do, audited."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tcx.audit.models import AuditEvent
from tcx.organisations import selectors, services
from tcx.organisations.models import CrimeArea, Organisation
from tcx.testing import sign_in, state_digest


def _api(world, persona: str) -> Client:
    return sign_in(Client(), world.users[persona])


def test_operator_onboards_an_agency_that_joins_its_groups(world) -> None:
    response = _api(world, "operator").post(
        "/api/v1/organisations",
        data=json.dumps(
            {
                "name": "Lao Customs Department",
                "kind": "member_state_agency",
                "country": "LA",
                "sector": "customs",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    organisation = Organisation.objects.get(name="Lao Customs Department")
    group_ids = selectors.sharing_group_ids_for(organisation=organisation)
    slugs = set(selectors.sharing_group_list().filter(pk__in=group_ids).values_list("slug", flat=True))
    assert {"asean-member-states", "mekong"} <= slugs
    assert AuditEvent.objects.filter(action="organisation.created", target_id=str(organisation.pk)).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "X", "kind": "member_state_agency", "country": "JP"}, "country"),
        ({"name": "X", "kind": "partner_agency", "country": "TH"}, "country"),
        ({"name": "X", "kind": "police", "country": "TH"}, "kind"),
        ({"name": "X", "kind": "member_state_agency", "country": "ZZ"}, "country"),
        ({"name": "Royal Thai Police", "kind": "member_state_agency", "country": "TH"}, "name"),
    ],
)
def test_bad_organisation_is_refused_naming_the_field(world, payload: dict, field: str) -> None:
    client = _api(world, "operator")
    before = state_digest()
    response = client.post("/api/v1/organisations", data=json.dumps(payload), content_type="application/json")
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    assert state_digest() == before


def test_secretariat_confirms_a_lead_shepherd(world) -> None:
    area = CrimeArea.objects.get(code="cybercrime")
    assert area.unconfirmed
    response = _api(world, "secretariat_officer").patch(
        "/api/v1/crime-areas/cybercrime",
        data=json.dumps({"unconfirmed": False, "lead_shepherd": "sg"}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["lead_shepherd"] == "SG"
    area.refresh_from_db()
    assert not area.unconfirmed
    event = AuditEvent.objects.filter(action="reference.updated").latest("seq")
    assert event.data["crime_area"] == "cybercrime" and "unconfirmed" in event.data["changes"]


def test_lead_shepherd_must_be_a_member_state(world) -> None:
    with pytest.raises(services.ReferenceDataError) as exc:
        services.crime_area_update(
            actor=world.users["operator"],
            crime_area=CrimeArea.objects.get(code="terrorism"),
            data={"lead_shepherd": "JP"},
        )
    assert "lead_shepherd" in exc.value.errors


def test_officers_cannot_edit_reference_data(world) -> None:
    with pytest.raises(services.Refused):
        services.organisation_update(
            actor=world.users["a_supervisor"], organisation=world.agency_a, data={"sector": "x"}
        )
