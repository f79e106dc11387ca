"""Test support shared by every app's tests: the personas (STYLE.md §10), signing them in with
MFA, and the authorization matrix runner. Not imported by the running application."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tcx.accounts.models import Role, User
from tcx.organisations.models import Organisation

PERSONAS = (
    "anonymous",
    "a_officer",
    "a_analyst",
    "a_supervisor",
    "a_admin",
    "b_officer",
    "b_supervisor",
    "partner_liaison",
    "secretariat_officer",
    "operator",
)


@dataclasses.dataclass
class World:
    """Agency A (Viet Nam MPS), agency B (Royal Thai Police), agency C (Cambodian National Police),
    a partner agency (Japan NPA) and the ASEAN Secretariat, with one person per persona."""

    agency_a: Organisation
    agency_b: Organisation
    agency_c: Organisation
    partner: Organisation
    secretariat: Organisation
    users: dict[str, User]
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    def user(self, persona: str) -> User | None:
        return None if persona == "anonymous" else self.users[persona]


def _org(name: str, kind: str, country: str | None, short: str = "") -> Organisation:
    from tcx.organisations import services

    return services.organisation_ensure(name=name, kind=kind, country_code=country, short_name=short)


def build_world() -> World:
    from tcx.accounts import services as account_services
    from tcx.organisations import services as org_services

    org_services.reference_data_seed()  # a transactional test before this one flushed the seed
    agency_a = _org("Viet Nam Ministry of Public Security", "member_state_agency", "VN", "MPS")
    agency_b = _org("Royal Thai Police", "member_state_agency", "TH", "RTP")
    agency_c = _org("Cambodian National Police", "member_state_agency", "KH", "CNP")
    partner = _org("Japan National Police Agency", "partner_agency", "JP", "NPA")
    secretariat = Organisation.objects.get(name="ASEAN Secretariat")
    spec = {
        "a_officer": (agency_a, Role.OFFICER),
        "a_analyst": (agency_a, Role.ANALYST),
        "a_supervisor": (agency_a, Role.SUPERVISOR),
        "a_admin": (agency_a, Role.AGENCY_ADMIN),
        "b_officer": (agency_b, Role.OFFICER),
        "b_supervisor": (agency_b, Role.SUPERVISOR),
        "partner_liaison": (partner, Role.PARTNER_LIAISON),
        "secretariat_officer": (secretariat, Role.SECRETARIAT_OFFICER),
        "operator": (secretariat, Role.OPERATOR),
    }
    users = {
        persona: account_services.user_create(
            actor=None,
            username=persona,
            password="correct horse battery",
            organisation=org,
            role=role,
            first_name=persona.split("_")[0].upper(),
            validate=False,
        )
        for persona, (org, role) in spec.items()
    }
    return World(agency_a, agency_b, agency_c, partner, secretariat, users)


def sign_in(client: Client, user: User | None) -> Client:
    """Sign a persona in as the browser would end up: password checked and MFA verified."""
    if user is None:
        return client
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


# Bookkeeping that reading or signing in updates; not data a refused request could change.
VOLATILE_FIELDS = {
    "last_used_at",
    "last_login",
    "last_t",
    "throttling_failure_timestamp",
    "throttling_failure_count",
}


def state_digest() -> str:
    """A digest of every row TCX keeps, except the audit log (which records refusals too, and
    registers the partition a refusal's event opens)."""
    digest = hashlib.sha256()
    audit_log = {"audit.AuditEvent", "audit.AuditPartition"}
    models = [
        m for m in apps.get_models() if m.__module__.startswith("tcx.") and m._meta.label not in audit_log
    ]
    models.append(TOTPDevice)
    for model in sorted(models, key=lambda m: m._meta.label):
        rows = [
            {k: v for k, v in row.items() if k not in VOLATILE_FIELDS}
            for row in model._default_manager.order_by("pk").values()
        ]
        digest.update(model._meta.label.encode())
        digest.update(json.dumps(rows, default=str, sort_keys=True).encode())
    for model in models:
        for field in model._meta.many_to_many:
            through = getattr(model, field.name).through
            digest.update(json.dumps(list(through.objects.order_by("pk").values()), default=str).encode())
    return digest.hexdigest()


@dataclasses.dataclass
class Case:
    """One route of the authorization matrix: how to call it and what each persona gets."""

    route: str
    method: str = "GET"
    kwargs: Callable[[World], dict[str, Any]] | None = None
    body: Callable[[World], dict[str, Any]] | None = None
    expect: dict[str, int] = dataclasses.field(default_factory=dict)
    default: int = 200
    # Writes: refused calls must leave every row as it was.
    writes: bool = False
    setup: Callable[[World], None] | None = None

    def status_for(self, persona: str) -> int:
        if persona in self.expect:
            return self.expect[persona]
        if persona == "anonymous":
            return 401 if self.route.startswith("api:") else 302
        return self.default


def run_case(case: Case, persona: str, world: World) -> None:
    from django.urls import reverse

    if case.setup:
        case.setup(world)
    client = sign_in(Client(), world.user(persona))
    url = reverse(case.route, kwargs=case.kwargs(world) if case.kwargs else None)
    body = case.body(world) if case.body else None
    # Only a call that may write is compared with the state before it (a digest reads every table).
    may_write = case.writes or case.method != "GET"
    before = state_digest() if may_write else ""
    method = getattr(client, case.method.lower())
    if case.method == "GET":
        response = client.get(url, data=body or {})
    elif case.route.startswith("api:"):
        response = method(
            url, data=json.dumps(body) if body is not None else None, content_type="application/json"
        )
    else:
        response = method(url, data=body or {})
    expected = case.status_for(persona)
    assert response.status_code == expected, (
        f"{case.method} {url} as {persona}: expected {expected}, got {response.status_code}: "
        f"{response.content[:300]!r}"
    )
    refused = response.status_code >= 400 or persona == "anonymous"
    if refused and may_write:
        assert state_digest() == before, f"{case.method} {url} as {persona} was refused but changed data"
    if case.route.startswith("api:") and response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
