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


def enrol_everyone(world: World) -> None:
    """Give every persona its MFA device now, so that signing in later writes no row TCX keeps."""
    for user in world.users.values():
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="test", confirmed=True)


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


def _tracked_models() -> list[Any]:
    # the audit log records refusals too, and registers the partition a refusal's event opens
    audit_log = {"audit.AuditEvent", "audit.AuditPartition"}
    models = [
        m for m in apps.get_models() if m.__module__.startswith("tcx.") and m._meta.label not in audit_log
    ]
    models.append(TOTPDevice)
    return sorted(models, key=lambda m: m._meta.label)


def state_digests() -> dict[str, str]:
    """A digest of the rows of each model TCX keeps (by label), except the audit log (which
    records refusals too); many-to-many tables count as their owning model's rows."""
    digests: dict[str, str] = {}
    for model in _tracked_models():
        digest = hashlib.sha256()
        rows = [
            {k: v for k, v in row.items() if k not in VOLATILE_FIELDS}
            for row in model._default_manager.order_by("pk").values()
        ]
        digest.update(json.dumps(rows, default=str, sort_keys=True).encode())
        for field in model._meta.many_to_many:
            through = getattr(model, field.name).through
            digest.update(json.dumps(list(through.objects.order_by("pk").values()), default=str).encode())
        digests[model._meta.label] = digest.hexdigest()
    return digests


def state_digest() -> str:
    """One digest of every row TCX keeps, except the audit log."""
    return hashlib.sha256(json.dumps(state_digests(), sort_keys=True).encode()).hexdigest()


def changed_models(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {label for label in after if before.get(label) != after[label]}


# ``Case.effect`` of an allowed write that is expected to change nothing (a form sent back
# with its errors, a sign-out): the matrix checks that nothing changed.
NOTHING_CHANGES: tuple[str, ...] = ()


@dataclasses.dataclass
class Case:
    """One route of the authorization matrix: how to call it and what each persona gets.

    A persona is *refused* when its status is 4xx, when it is anonymous, or when it is named in
    ``refused`` (a refusal by redirect or by a page that answers 200): whatever the status, a
    refused call must leave every row as it was and its response must not show any of
    ``reveals(world)`` (texts only someone who may see the object sees). Every other persona is
    *allowed*: an allowed write must change the rows of each model in ``effect`` (model labels,
    e.g. ``"exchange.Message"``), or nothing at all when ``effect`` is ``NOTHING_CHANGES``. A
    write with an allowed persona and no ``effect`` fails the matrix."""

    route: str
    method: str = "GET"
    kwargs: Callable[[World], dict[str, Any]] | None = None
    body: Callable[[World], dict[str, Any]] | None = None
    expect: dict[str, int] = dataclasses.field(default_factory=dict)
    default: int = 200
    # A GET that may write (compared with the state before it like any other write).
    writes: bool = False
    setup: Callable[[World], None] | None = None
    effect: tuple[str, ...] | str | None = None
    refused: frozenset[str] | tuple[str, ...] = ()
    reveals: Callable[[World], list[str]] | None = None

    def status_for(self, persona: str) -> int:
        if persona in self.expect:
            return self.expect[persona]
        if persona == "anonymous":
            return 401 if self.route.startswith("api:") else 302
        return self.default

    @property
    def may_write(self) -> bool:
        return self.writes or self.method != "GET"

    def is_refused(self, persona: str) -> bool:
        return persona == "anonymous" or persona in self.refused or self.status_for(persona) >= 400

    @property
    def effects(self) -> tuple[str, ...] | None:
        return (self.effect,) if isinstance(self.effect, str) else self.effect


def prepare_case(case: Case, world: World) -> tuple[str, dict[str, Any] | None, list[str]]:
    """Build what the case needs (its setup, then its URL and body): once per case."""
    from django.urls import reverse

    if case.setup:
        case.setup(world)
    url = reverse(case.route, kwargs=case.kwargs(world) if case.kwargs else None)
    body = case.body(world) if case.body else None
    reveals = case.reveals(world) if case.reveals else []
    return url, body, reveals


def run_case(
    case: Case,
    persona: str,
    world: World,
    prepared: tuple[str, dict[str, Any] | None, list[str]] | None = None,
    before: dict[str, str] | None = None,
) -> None:
    """Call the route as ``persona`` and check the outcome (see ``Case``). The caller rolls back
    what the call wrote before the next persona's call, so it may pass the state ``before`` it,
    read once for every persona (the personas must have their MFA devices already)."""
    url, body, reveals = prepared or prepare_case(case, world)
    if case.body and prepared is not None:
        body = case.body(world)  # uploads are read once: a fresh body per call
    client = sign_in(Client(), world.user(persona))
    # Only a call that may write is compared with the state before it (a digest reads every table).
    if before is None:
        before = state_digests() if case.may_write else {}
    method = getattr(client, case.method.lower())
    if case.method == "GET":
        response = client.get(url, data=body or {})
    elif case.route.startswith("api:"):
        response = method(
            url, data=json.dumps(body) if body is not None else None, content_type="application/json"
        )
    else:
        response = method(url, data=body or {})
    where = f"{case.method} {url} as {persona}"
    expected = case.status_for(persona)
    assert response.status_code == expected, (
        f"{where}: expected {expected}, got {response.status_code}: {response.content[:300]!r}"
    )
    if case.route.startswith("api:") and response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json", where
    refused = case.is_refused(persona)
    if refused:
        shown = response.content.decode(errors="replace") + response.get("Location", "")
        for text in reveals:
            assert text not in shown, f"{where} was refused but its response shows {text!r}"
    if not case.may_write:
        return
    changed = changed_models(before, state_digests())
    if refused:
        assert not changed, f"{where} was refused but changed {sorted(changed)}"
        return
    effects = case.effects
    assert effects is not None, (
        f"{where} is an allowed write that declares no effect (changed {sorted(changed)}): "
        "set Case.effect to the models it changes, or NOTHING_CHANGES"
    )
    if not effects:
        assert not changed, f"{where} should change nothing but changed {sorted(changed)}"
    missing = set(effects) - changed
    assert not missing, (
        f"{where} was allowed but did not change {sorted(missing)} (changed {sorted(changed)})"
    )
