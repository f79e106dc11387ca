"""The API as a machine client meets it: tokens, problem+json errors, bad input, pagination."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from tcx.accounts import services as account_services
from tcx.accounts.models import ApiToken
from tcx.testing import sign_in, state_digest


def _bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _token(
    world, persona: str = "a_admin", scope: str = "read_write", days: int = 30
) -> tuple[ApiToken, str]:
    return account_services.token_create(
        actor=world.users[persona], name="case system", scope=scope, expires_in_days=days
    )


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_token_is_shown_once_and_stored_hashed(world) -> None:
    client = sign_in(Client(), world.users["a_officer"])
    created = client.post(
        "/api/v1/tokens",
        data=json.dumps({"name": "border system", "scope": "read"}),
        content_type="application/json",
    )
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("tcx_")
    stored = ApiToken.objects.get(pk=created.json()["id"])
    assert secret not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    listed = client.get("/api/v1/tokens").json()
    assert "token" not in listed["items"][0] and secret not in json.dumps(listed)
    me = _bearer(secret).get("/api/v1/me")
    assert me.status_code == 200 and me.json()["username"] == "a_officer" and me.json()["auth"] == "token"


def test_the_audit_event_names_the_api_token_that_acted(world) -> None:
    from tcx.audit.models import AuditEvent

    token, secret = _token(world, "a_officer")
    created = _bearer(secret).post(
        "/api/v1/records",
        data=json.dumps({"schema": "Person", "properties": {"name": ["Trần Văn Tú"]}}),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    event = AuditEvent.objects.filter(action="record.created").order_by("-seq").first()
    assert event is not None and event.data["api_token"] == {"id": token.pk, "name": "case system"}
    # the same write from the web session names no token
    by_session = sign_in(Client(), world.users["a_officer"]).post(
        "/api/v1/records",
        data=json.dumps({"schema": "Person", "properties": {"name": ["Lê Thị Hoa"]}}),
        content_type="application/json",
    )
    assert by_session.status_code == 201, by_session.content
    event = AuditEvent.objects.filter(action="record.created").order_by("-seq").first()
    assert event is not None and "api_token" not in event.data


def test_revoked_token_is_refused(world) -> None:
    token, secret = _token(world)
    assert _bearer(secret).get("/api/v1/me").status_code == 200
    revoke = _bearer(secret).delete(f"/api/v1/tokens/{token.pk}")
    assert revoke.status_code == 200 and revoke.json()["status"] == "revoked"
    body = _problem(_bearer(secret).get("/api/v1/me"), 401)
    assert "revoked" in body["detail"]


def test_expired_token_is_refused(world) -> None:
    token, secret = _token(world)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    _problem(_bearer(secret).get("/api/v1/me"), 401)


def test_token_of_a_deactivated_user_is_refused(world) -> None:
    _, secret = _token(world, "a_officer")
    account_services.user_update(
        actor=world.users["a_admin"], user=world.users["a_officer"], data={"is_active": False}
    )
    _problem(_bearer(secret).get("/api/v1/me"), 401)


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer tcx_deadbeef_xxxxxxxx", "Basic YTpi", ""])
def test_bad_credentials_are_refused(world, header: str) -> None:
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    response = client.get("/api/v1/me")
    _problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_read_only_token_cannot_write(world) -> None:
    _, secret = _token(world, scope="read")
    before = state_digest()
    body = _problem(
        _bearer(secret).post(
            "/api/v1/tokens", data=json.dumps({"name": "x"}), content_type="application/json"
        ),
        403,
    )
    assert "read-only" in body["detail"]
    assert state_digest() == before
    assert _bearer(secret).get("/api/v1/users").status_code == 200


def test_token_lifetime_is_bounded(world, settings) -> None:
    client = sign_in(Client(), world.users["a_officer"])
    before = state_digest()
    body = _problem(
        client.post(
            "/api/v1/tokens",
            data=json.dumps({"name": "x", "expires_in_days": 5000}),
            content_type="application/json",
        ),
        422,
    )
    assert body["errors"][0]["field"] == "expires_in_days"
    assert state_digest() == before


class TestBadInput:
    """Every way a client gets a body wrong: a clear problem naming it, and nothing changed."""

    def _client(self, world) -> Client:
        _, secret = _token(world)
        return _bearer(secret)

    def test_malformed_json(self, world) -> None:
        client, before = self._client(world), state_digest()
        body = _problem(
            client.post(
                "/api/v1/users", data='{"username": "x",\n "role": }', content_type="application/json"
            ),
            400,
        )
        assert "malformed JSON at line 2" in body["detail"]
        assert state_digest() == before

    def test_unknown_field(self, world) -> None:
        client, before = self._client(world), state_digest()
        body = _problem(
            client.post(
                "/api/v1/users",
                data=json.dumps(
                    {
                        "username": "new",
                        "password": "long enough password",
                        "role": "officer",
                        "rank": "major",
                    }
                ),
                content_type="application/json",
            ),
            422,
        )
        assert {"field": "rank", "message": "unknown field"} in body["errors"]
        assert state_digest() == before

    def test_missing_and_wrong_values(self, world) -> None:
        client, before = self._client(world), state_digest()
        body = _problem(
            client.post(
                "/api/v1/users",
                data=json.dumps({"username": "new", "role": "general"}),
                content_type="application/json",
            ),
            422,
        )
        fields = {e["field"] for e in body["errors"]}
        assert {"password", "role"} <= fields
        assert state_digest() == before

    def test_business_rule_errors_name_the_field(self, world) -> None:
        client, before = self._client(world), state_digest()
        body = _problem(
            client.post(
                "/api/v1/users",
                data=json.dumps({"username": "a_officer", "password": "short", "role": "partner_liaison"}),
                content_type="application/json",
            ),
            422,
        )
        fields = {e["field"] for e in body["errors"]}
        assert {"username", "password", "role"} <= fields
        assert state_digest() == before

    def test_wrong_content_type(self, world) -> None:
        client, before = self._client(world), state_digest()
        body = _problem(client.post("/api/v1/users", data="username=x", content_type="text/plain"), 415)
        assert "text/plain" in body["detail"]
        assert state_digest() == before

    def test_oversize_body(self, world, settings) -> None:
        client, before = self._client(world), state_digest()
        payload = json.dumps({"username": "x" * (settings.TCX_MAX_BODY_BYTES + 10)})
        body = _problem(client.post("/api/v1/users", data=payload, content_type="application/json"), 413)
        assert str(settings.TCX_MAX_BODY_BYTES) in body["detail"]
        assert state_digest() == before

    def test_unknown_route_and_hidden_object_are_problems(self, world) -> None:
        client = self._client(world)
        _problem(client.get("/api/v1/users/999999"), 404)
        _problem(client.get(f"/api/v1/users/{world.users['b_officer'].pk}"), 404)
        _problem(client.get("/api/v1/no-such-thing"), 404)


def test_pagination(world) -> None:
    client = sign_in(Client(), world.users["a_officer"])
    page = client.get("/api/v1/organisations?limit=2&offset=1").json()
    assert len(page["items"]) == 2 and page["count"] > 2
    everything = client.get("/api/v1/organisations?limit=500").json()
    assert everything["items"][1:3] == page["items"]


def test_agency_admin_manages_only_own_agency(world) -> None:
    _, secret = _token(world)
    client = _bearer(secret)
    created = client.post(
        "/api/v1/users",
        data=json.dumps(
            {"username": "new.analyst", "password": "a long enough passphrase", "role": "analyst"}
        ),
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["organisation_id"] == world.agency_a.pk
    listed = {u["username"] for u in client.get("/api/v1/users").json()["items"]}
    assert "new.analyst" in listed and "b_officer" not in listed
    patched = client.patch(
        f"/api/v1/users/{created.json()['id']}",
        data=json.dumps({"role": "supervisor"}),
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["role"] == "supervisor"


def test_openapi_document(world) -> None:
    doc = Client().get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path in (
        "/api/v1/me",
        "/api/v1/users",
        "/api/v1/tokens",
        "/api/v1/organisations",
        "/api/v1/sharing-groups",
        "/api/v1/crime-areas",
        "/api/v1/audit/events",
    ):
        assert path in doc["paths"], path
    html = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/" in html and "cdn" not in html.lower()
