"""What every endpoint refuses before it runs (tcx.api.inputs), what the OpenAPI document
declares about it (tcx.api.openapi), and the fuzzing finds behind them: a NUL in any text, an
integer no database binds, a null in a PATCH, a string longer than its column. Each refusal is
a 422 problem naming the field, and nothing is written."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tcx.api.inputs import MAX_INTEGER
from tcx.testing import sign_in, state_digest


def _client(world, persona: str) -> Client:
    client = sign_in(Client(), world.users[persona])
    client.raise_request_exception = False  # a 500 is an answer the test asserts on, not a crash
    return client


def _refused(response, *fields: str) -> dict:
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert {e["field"] for e in body["errors"]} == set(fields), body
    return body


def _send(client: Client, method: str, url: str, body: object):  # type: ignore[no-untyped-def]
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


# --- NUL characters: PostgreSQL cannot store them; no legitimate text holds one ----------------


@pytest.mark.parametrize(
    ("persona", "method", "url", "body", "field"),
    [
        ("a_officer", "post", "/api/v1/roadmap/equipment/needs", {"title": "Radios\x00"}, "title"),
        (
            "a_officer",
            "post",
            "/api/v1/records",
            {"schema": "Person", "properties": {"name": ["Nguyễn\x00Văn A"]}},
            "properties.name.0",
        ),
        (
            "a_officer",
            "post",
            "/api/v1/records",
            {"schema": "Person", "properties": {"na\x00me": ["Nguyễn Văn A"]}},
            "properties.na\\u0000me",
        ),
        (
            "a_officer",
            "post",
            "/api/v1/exchange/exchanges",
            {"subject": "Phones", "body": "+84 912\x00", "recipients": []},
            "body",
        ),
        ("a_officer", "post", "/api/v1/tokens", {"name": "border\x00system"}, "name"),
        ("secretariat_officer", "post", "/api/v1/organisations", {"name": "X\x00", "kind": "x"}, "name"),
    ],
)
def test_a_nul_in_any_json_text_is_refused_naming_the_field(world, persona, method, url, body, field) -> None:
    client = _client(world, persona)
    before = state_digest()
    body = _refused(_send(client, method, url, body), field)
    assert "NUL" in body["detail"]
    assert state_digest() == before


def test_a_nul_in_a_query_or_a_form_field_is_refused(world) -> None:
    client = _client(world, "a_officer")
    _refused(client.get("/api/v1/records/search", {"q": "Nguyễn\x00"}), "q")
    _refused(client.get("/api/v1/exchange/exchanges", {"q": "x\x00"}), "q")
    before = state_digest()
    payload = json.dumps({"subject": "s\x00", "body": "b", "recipients": [world.agency_b.pk]})
    _refused(client.post("/api/v1/exchange/exchanges/upload", {"payload": payload}), "subject")
    assert state_digest() == before


# --- integers: beyond ±(2**53 − 1) no JSON client is exact, and no database binds 2**63 --------


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 10**30, MAX_INTEGER + 1])
def test_an_integer_out_of_range_is_refused_anywhere(world, value: int) -> None:
    client = _client(world, "a_officer")
    _refused(client.get("/api/v1/organisations", {"offset": value}), "offset")
    _refused(client.get(f"/api/v1/records/{value}"), "record_id")
    before = state_digest()
    _refused(
        _send(
            client,
            "post",
            "/api/v1/exchange/exchanges",
            {"subject": "s", "body": "b", "recipients": [world.agency_b.pk, value]},
        ),
        "recipients.1",
    )
    _refused(
        _send(
            client,
            "post",
            "/api/v1/exchange/exchanges",
            {"subject": "s", "body": "b", "recipients": [world.agency_b.pk], "units": {str(value): 1}},
        ),
        f"units.{value}",
    )
    assert state_digest() == before


def test_the_largest_integers_in_range_are_answered_not_crashed(world) -> None:
    client = _client(world, "a_officer")
    from tcx.api.pagination import MAX_OFFSET

    assert client.get("/api/v1/organisations", {"offset": MAX_OFFSET}).json()["items"] == []
    # past the pagination's declared bound, the offset is named in a 422
    far = client.get("/api/v1/organisations", {"offset": MAX_INTEGER})
    assert far.status_code == 422 and far.json()["errors"][0]["field"] == "offset"
    assert client.get(f"/api/v1/records/{MAX_INTEGER}").status_code == 404
    sent = _send(
        client,
        "post",
        "/api/v1/exchange/exchanges",
        {"subject": "s", "body": "b", "recipients": [MAX_INTEGER]},
    )
    assert sent.status_code == 422 and sent.json()["errors"][0]["field"] == "recipients"


# --- PATCH: null is no value (it was written to NOT NULL columns: 500) -------------------------


def test_a_null_in_a_record_patch_is_refused(world) -> None:
    from tcx.policy.rules import Policy
    from tcx.records import services

    record = services.record_create(
        actor=world.users["a_officer"], schema="Person", properties={"name": ["Lê Văn B"]}, policy=Policy()
    )
    client = _client(world, "a_officer")
    before = state_digest()
    for field in ("source_reference", "operation_target", "crime_areas", "properties"):
        _refused(_send(client, "patch", f"/api/v1/records/{record.pk}", {field: None}), field)
    assert state_digest() == before
    kept = _send(client, "patch", f"/api/v1/records/{record.pk}", {"source_reference": "case 7"})
    assert kept.status_code == 200 and kept.json()["subject_role"] == ""


def test_a_null_in_an_organisation_patch_is_refused_except_what_may_be_cleared(world) -> None:
    client = _client(world, "secretariat_officer")
    url = f"/api/v1/organisations/{world.agency_a.pk}"
    before = state_digest()
    for field in ("unconfirmed", "is_active", "is_national_contact_point", "short_name", "sector", "name"):
        _refused(_send(client, "patch", url, {field: None}), field)
    assert state_digest() == before
    assert _send(client, "patch", url, {"parent": None}).status_code == 200


# --- strings longer than their column (PostgreSQL: "value too long", 500) ---------------------


@pytest.mark.parametrize(
    ("persona", "method", "url", "body", "field"),
    [
        ("a_officer", "post", "/api/v1/tokens", {"name": "x" * 101}, "name"),
        (
            "a_officer",
            "post",
            "/api/v1/records",
            {"schema": "Person", "properties": {"name": ["A B"]}, "external_id": "x" * 201},
            "external_id",
        ),
        (
            "a_admin",
            "post",
            "/api/v1/users",
            {"username": "u" * 151, "password": "a long enough passphrase", "role": "officer"},
            "username",
        ),
        (
            "secretariat_officer",
            "post",
            "/api/v1/organisations",
            {"name": "Lao Police", "kind": "member_state_agency", "country": "LA", "sector": "s" * 41},
            "sector",
        ),
    ],
)
def test_a_string_longer_than_its_column_is_refused(world, persona, method, url, body, field) -> None:
    client = _client(world, persona)
    before = state_digest()
    body = _refused(_send(client, method, url, body), field)
    assert "at most" in body["detail"]
    assert state_digest() == before


def test_a_user_patch_longer_than_its_column_is_refused(world) -> None:
    client = _client(world, "a_admin")
    url = f"/api/v1/users/{world.users['a_officer'].pk}"
    before = state_digest()
    _refused(_send(client, "patch", url, {"job_title": "j" * 121}), "job_title")
    _refused(_send(client, "patch", url, {"first_name": "é" * 151}), "first_name")
    assert state_digest() == before


# --- the OpenAPI document says all of this ----------------------------------------------------


def test_every_operation_documents_its_error_answers_as_problems() -> None:
    doc = Client().get("/api/v1/openapi.json").json()
    assert doc["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status", "detail"]
    operations = [(path, method, op) for path, ops in doc["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 80
    for path, method, op in operations:
        expected = {"403", "404", "413"} | ({"401", "429"} if op.get("security") else set())
        if method in ("post", "put", "patch"):
            expected |= {"400", "415", "422"}
        elif op.get("parameters"):
            expected.add("422")
        assert expected <= set(op["responses"]), (method, path, sorted(op["responses"]))
        for status in expected:
            content = op["responses"][status]["content"]
            assert content == {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            }


def test_the_document_declares_the_limits_the_api_enforces() -> None:
    from tcx.roadmap.models import MAX_QUANTITY

    doc = Client().get("/api/v1/openapi.json").json()
    schemas = doc["components"]["schemas"]
    quantity = schemas["NeedIn"]["properties"]["quantity"]
    assert (quantity["minimum"], quantity["maximum"]) == (1, MAX_QUANTITY)
    assert schemas["NeedIn"]["properties"]["title"]["maxLength"] == 200
    assert schemas["TokenIn"]["properties"]["name"]["maxLength"] == 100
    # every integer a client sends carries the range tcx.api.inputs enforces
    exchange = schemas["ExchangeIn"]["properties"]["recipients"]["items"]
    assert (exchange["minimum"], exchange["maximum"]) == (-MAX_INTEGER, MAX_INTEGER)
    record_id = next(
        p
        for p in doc["paths"]["/api/v1/records/{record_id}"]["get"]["parameters"]
        if p["name"] == "record_id"
    )
    assert record_id["schema"]["maximum"] == MAX_INTEGER
    export = doc["paths"]["/api/v1/records/export"]["get"]["responses"]["200"]["content"]
    assert set(export) == {"application/x-ndjson", "text/csv"}
    # a PATCH body's fields are not nullable (unless they may be cleared)
    record_patch = schemas["RecordPatch"]["properties"]
    source_reference = {"maxLength": 200, "title": "Source Reference", "type": "string"}
    assert record_patch["source_reference"] == source_reference
    assert {"type": "null"} in record_patch["subject_role"]["anyOf"]  # null clears the role
    assert {"type": "null"} in schemas["OrganisationPatch"]["properties"]["parent"]["anyOf"]


def test_a_host_header_of_another_site_is_a_problem_too(world) -> None:
    """Found by fuzzing (an extra 'Host' header): Django refused it with an HTML page."""
    response = _client(world, "a_officer").get("/api/v1/me", HTTP_HOST="evil.example")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 400
