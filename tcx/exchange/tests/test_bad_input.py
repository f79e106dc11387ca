"""Hostile input to the exchange answers a clear 4xx naming what is wrong, never a 500, and
changes nothing (issue 12, finding 10): ids too large for the database, NUL characters."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tcx.exchange import services
from tcx.exchange.models import Exchange, ForwardRequest, Message
from tcx.policy.rules import Policy
from tcx.testing import sign_in

pytestmark = pytest.mark.django_db

HUGE = 99999999999999999999


def _client(world, persona="a_officer") -> Client:
    return sign_in(Client(raise_request_exception=False), world.users[persona])


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _thread(world):
    return services.exchange_send(
        actor=world.users["a_officer"], subject="Vessel", body="IMO 9074729", recipients=[world.agency_b.pk]
    )


def _good(world, **changes):
    return {"subject": "Vessel sighting", "body": "IMO 9074729", "recipients": [world.agency_b.pk], **changes}


@pytest.mark.parametrize(
    "changes",
    [
        {"recipients": [HUGE]},
        {"recipients": [-1]},
        {"copy_recipients": [HUGE]},
        {"units": {str(HUGE): 1}},
        {"units": {"1": HUGE}},
        {"linked_record_ids": [HUGE]},
    ],
)
def test_ids_too_large_for_the_database_are_refused_clearly(world, changes):
    client = _client(world)
    response = _post(client, "/api/v1/exchange/exchanges", _good(world, **changes))
    assert response.status_code in (400, 422), response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert Exchange.objects.count() == 0


def test_huge_ids_in_paths_and_bodies_are_not_found_or_refused(world):
    exchange = _thread(world)
    client = _client(world)
    # The API's input guard (tcx.api.inputs) names an integer past ±(2**53 − 1) in a 422; the
    # pages answer "not found".
    for url in (f"/api/v1/exchange/exchanges/{HUGE}", f"/api/v1/exchange/attachments/{HUGE}"):
        assert client.get(url).status_code == 422, url
    for url in (f"/exchange/{HUGE}/", f"/exchange/attachments/{HUGE}/"):
        assert client.get(url).status_code == 404, url
    decision = _post(client, f"/api/v1/exchange/forwards/{HUGE}/decision", {"approve": True})
    assert decision.status_code == 422
    assert _post(
        client, f"/api/v1/exchange/exchanges/{exchange.pk}/forward", {"organisation": HUGE}
    ).status_code in (
        400,
        422,
    )
    b = _client(world, "b_officer")
    assert _post(b, f"/api/v1/exchange/exchanges/{exchange.pk}/assign", {"assignee": HUGE}).status_code in (
        400,
        422,
    )
    assert ForwardRequest.objects.count() == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"subject": "Vessel\x00 sighting"},
        {"body": "IMO\x00 9074729"},
        {"crime_areas": ["drug\x00"]},
        {"priority": "urgent\x00"},
        {"policy": {"legal_basis": "MoU\x00"}},
        {"policy": {"handling_codes": ["H3"], "handling_h3_text": "no\x00 court"}},
        {"attachments": [{"name": "a\x00.txt", "content_base64": "aGVsbG8="}]},
    ],
)
def test_a_nul_character_in_a_text_field_is_refused_clearly(world, changes):
    client = _client(world)
    response = _post(client, "/api/v1/exchange/exchanges", _good(world, **changes))
    assert response.status_code == 422, response.content
    assert "NUL" in response.content.decode()
    assert Exchange.objects.count() == 0


def test_a_nul_character_in_a_reply_forward_or_search_is_refused_clearly(world):
    exchange = _thread(world)
    client = _client(world)
    url = f"/api/v1/exchange/exchanges/{exchange.pk}"
    assert _post(client, f"{url}/messages", {"body": "a\x00b"}).status_code == 422
    reply = {"body": "ok", "policy": {"legal_basis": "x\x00"}}
    assert _post(client, f"{url}/messages", reply).status_code == 422
    forward = {"organisation": world.agency_c.pk, "reason": "r\x00"}
    assert _post(client, f"{url}/forward", forward).status_code == 422
    assert Message.objects.count() == 1 and ForwardRequest.objects.count() == 0
    for query in ("q=a%00b", "box=in%00box", "priority=%00", "crime_area=%00", "country=V%00", "status=%00"):
        response = client.get(f"/api/v1/exchange/exchanges?{query}")
        assert response.status_code in (200, 422), (query, response.status_code)
        if response.status_code == 200:
            assert response.json()["items"] == []
    assert client.get("/exchange/?q=a%00b").status_code in (200, 400)


def test_the_services_refuse_nul_and_huge_ids_whatever_calls_them(world):
    with pytest.raises(services.ExchangeError) as caught:
        services.exchange_send(
            actor=world.users["a_officer"],
            subject="Vessel",
            body="IMO\x00",
            recipients=[HUGE],
            policy=Policy(legal_basis="MoU\x00"),
        )
    assert "body" in caught.value.errors and "legal_basis" in caught.value.errors
    exchange = _thread(world)
    with pytest.raises(services.ExchangeError):
        services.exchange_forward(
            actor=world.users["a_officer"], exchange=exchange, organisation_id=HUGE, reason="x"
        )
    with pytest.raises(services.ExchangeError):
        services.exchange_assign(actor=world.users["b_officer"], exchange=exchange, assignee_id=HUGE)
    assert Exchange.objects.count() == 1 and ForwardRequest.objects.count() == 0


def test_huge_numbers_in_list_parameters_are_not_a_server_error(world):
    _thread(world)
    client = _client(world)
    for url in (
        f"/api/v1/exchange/exchanges?offset={HUGE}",
        f"/api/v1/exchange/exchanges?limit={HUGE}",
        f"/api/v1/exchange/exchanges?box=all&offset={HUGE}&limit={HUGE}",
        f"/exchange/?page={HUGE}",
        f"/exchange/?box=all&cursor={HUGE}&priority={HUGE}&status=x&country=%00",
        "/exchange/?q=a%00b&crime_area=%00",
    ):
        assert client.get(url).status_code < 500, url
