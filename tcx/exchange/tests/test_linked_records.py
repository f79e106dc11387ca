"""Linked records: resolved through tcx.records with the reader as actor, so each reader sees
only the linked records its policy allows (and nothing of the others); the sender may link only
records it can see; every record shown in a thread is a read in the audit log."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tcx.audit.models import AuditEvent
from tcx.exchange import selectors, services
from tcx.exchange.models import Exchange
from tcx.policy.models import TLP
from tcx.policy.rules import Policy
from tcx.testing import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world):
    """A's record shared with B (named), A's record for A only, C's record shared with A only."""
    from tcx.records import services as record_services

    def create(persona, name, policy):
        return record_services.record_create(
            actor=world.users[persona], schema="Person", properties={"name": [name]}, policy=policy
        )

    shared = create("a_officer", "Nguyễn Văn An", Policy(audience_organisations=[world.agency_b.pk]))
    own = create("a_officer", "Trần Thị Bình", Policy(tlp=TLP.AMBER_STRICT))
    from tcx.accounts import services as account_services
    from tcx.accounts.models import Role

    c_officer = account_services.user_create(
        actor=None,
        username="c_officer",
        password="correct horse battery",
        organisation=world.agency_c,
        role=Role.OFFICER,
        validate=False,
    )
    from_c = record_services.record_create(
        actor=c_officer,
        schema="Person",
        properties={"name": ["Sok Dara"]},
        policy=Policy(audience_organisations=[world.agency_a.pk]),
    )
    return shared, own, from_c


def _send(world, ids):
    return services.exchange_send(
        actor=world.users["a_officer"],
        subject="Subjects of the scam centre",
        body="See the linked records.",
        recipients=[world.agency_b.pk],
        linked_record_ids=ids,
    )


def test_each_reader_sees_only_the_linked_records_its_policy_allows(world, records):
    shared, own, from_c = records
    exchange = _send(world, [shared.pk, own.pk, from_c.pk])
    sender = selectors.linked_records(actor=world.users["a_officer"], exchange=exchange)
    assert [r.pk for r in sender] == [shared.pk, own.pk, from_c.pk]
    reader = selectors.linked_records(actor=world.users["b_officer"], exchange=exchange)
    assert [r.pk for r in reader] == [shared.pk]
    assert selectors.linked_records(actor=world.users["partner_liaison"], exchange=exchange) == []
    assert selectors.linked_records(actor=world.users["operator"], exchange=exchange) == []


def test_thread_api_and_page_show_the_visible_linked_records_and_audit_their_read(world, records):
    shared, own, from_c = records
    exchange = _send(world, [shared.pk, own.pk, from_c.pk])
    b = sign_in(Client(), world.users["b_officer"])
    thread = b.get(f"/api/v1/exchange/exchanges/{exchange.pk}").json()
    assert thread["linked_record_ids"] == [shared.pk]
    assert [(r["id"], r["schema"], r["caption"]) for r in thread["linked_records"]] == [
        (shared.pk, "Person", shared.caption)
    ]
    page = b.get(f"/exchange/{exchange.pk}/").content.decode()
    assert shared.caption in page
    assert own.caption not in page and from_c.caption not in page
    reads = AuditEvent.objects.filter(action="record.viewed", actor=world.users["b_officer"])
    assert sorted(int(e.target_id) for e in reads) == [shared.pk, shared.pk]


@pytest.mark.parametrize("which", ["unknown", "invisible"])
def test_linking_a_record_the_sender_cannot_see_is_a_clear_error(world, records, which):
    shared, _own, _from_c = records
    from tcx.records import services as record_services

    invisible = record_services.record_create(
        actor=world.users["b_officer"], schema="Person", properties={"name": ["Somchai"]}, policy=Policy()
    )
    bad = 999_999 if which == "unknown" else invisible.pk
    client = sign_in(Client(), world.users["a_officer"])
    body = {
        "subject": "s",
        "body": "b",
        "recipients": [world.agency_b.pk],
        "linked_record_ids": [shared.pk, bad],
    }
    response = client.post("/api/v1/exchange/exchanges", json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "linked_record_ids" and str(bad) in error["message"]
    assert not Exchange.objects.exists()


def test_compose_page_links_records_and_refuses_bad_numbers(world, records):
    shared, _own, _from_c = records
    client = sign_in(Client(), world.users["a_officer"])
    form = {
        "subject": "Vessel",
        "body": "IMO 9074729",
        "recipients": [world.agency_b.pk],
        "priority": "normal",
        "tlp": "AMBER",
    }
    response = client.post("/exchange/new/", {**form, "linked_record_ids": "abc"})
    assert response.status_code == 200 and b"not a record number" in response.content
    response = client.post("/exchange/new/", {**form, "linked_record_ids": "999999"})
    assert response.status_code == 200 and b"record(s) not found" in response.content
    assert not Exchange.objects.exists()
    response = client.post("/exchange/new/", {**form, "linked_record_ids": f"{shared.pk}"})
    assert response.status_code == 302
    assert Exchange.objects.get().linked_record_ids == [shared.pk]
