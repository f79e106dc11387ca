"""Schemathesis over the whole OpenAPI document of /api/v1, as each persona, in process against
the Django WSGI application and the real test database: no server error, and every response
documented (status code, content type, body schema).

Bounded: a fixed number of random examples per operation and persona (seeded, so a run repeats),
plus, for the personas that write in most places, the coverage phase's boundary values of every
field (the longest strings, the largest integers, ...). By hand, a wider run:
``TCX_FUZZ_EXAMPLES=50 TCX_FUZZ_SEED=7 TCX_FUZZ_COVERAGE=all pytest tcx/api/tests/test_fuzz.py``
(coverage ``positive`` by default; ``all`` adds the invalid boundary values; ``none``), and
``TCX_FUZZ_REPORT=path`` writes what was sent. Run it on PostgreSQL too (NUL bugs show only there)."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tcx.api.urls import api
from tcx.testing import World, build_world, sign_in

# The personas that write in most places: coverage phase and random examples.
WRITERS = ("a_officer", "secretariat_officer", "partner_liaison")
# The others: random examples (the agency admin manages users; the supervisor signs in by session).
OTHERS = ("a_supervisor", "a_admin", "operator", "anonymous")
SESSION_PERSONAS = ("a_supervisor",)
MAX_EXAMPLES = int(os.environ.get("TCX_FUZZ_EXAMPLES", "4"))
COVERAGE = os.environ.get("TCX_FUZZ_COVERAGE", "positive")
# Ids of real objects (filled by the module's world): a fuzzed id is often one of them.
KNOWN_IDS: dict[str, list[int | str]] = {}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# JSON body fields that name objects -> which of KNOWN_IDS they take
BODY_IDS = {
    "recipients": "agency_id",
    "copy_recipients": "agency_id",
    "organisation": "agency_id",
    "linked_record_ids": "record_id",
    "target": "record_id",
    "need_id": "need_id",
    "meeting_id": "meeting_id",
    "decision_id": "decision_id",
    "assignee": "user_id",
}


def _schema(*, coverage: bool) -> Any:
    config = SchemathesisConfig.from_dict(
        {
            "seed": int(os.environ.get("TCX_FUZZ_SEED", "2026")),
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
            "phases": {
                "examples": {"enabled": True},
                "coverage": {
                    "enabled": coverage and COVERAGE != "none",
                    "generation": {"mode": "all" if COVERAGE == "all" else "positive"},
                },
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
            "checks": {
                "enabled": False,
                "not_a_server_error": {"enabled": True},
                "status_code_conformance": {"enabled": True},
                "content_type_conformance": {"enabled": True},
                "response_schema_conformance": {"enabled": True},
                "response_headers_conformance": {"enabled": True},
                # what the document declares invalid (a limit, a type) is refused, not stored
                "negative_data_rejection": {
                    "enabled": True,
                    "expected-statuses": ["400", "401", "403", "404", "413", "415", "422"],
                },
            },
        }
    )
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=config)
    loaded.app = WSGIHandler()
    return loaded


deep = _schema(coverage=True)
wide = _schema(coverage=False)


def _seed(world: World) -> dict[str, list[int | str]]:
    """Objects of every kind the API serves, each visible to some of the personas."""
    from tcx.exchange import services as exchange_services
    from tcx.jobs import runner as jobs
    from tcx.policy.rules import Policy
    from tcx.records import services as record_services
    from tcx.records.models import Match
    from tcx.roadmap.tests.authz import setup as roadmap_setup

    roadmap_setup(world)
    held = record_services.record_create(
        actor=world.users["b_officer"],
        schema="Person",
        properties={"name": ["Thaksin Shinawatra"], "birthDate": ["1949"]},
        policy=Policy(),
    )
    mine = record_services.record_create(
        actor=world.users["a_officer"],
        schema="Person",
        properties={"name": ["ทักษิณ ชินวัตร"], "birthDate": ["1949-07-26"]},
        policy=Policy(),
    )
    jobs.run_pending()
    matches = list(Match.objects.all())
    releases = [
        record_services.release_request_create(actor=world.users["a_officer"], match=match, purpose="case 7")
        for match in matches[:1]
    ]
    exchange = exchange_services.exchange_send(
        actor=world.users["a_officer"],
        subject="Identify the holders of three phone numbers",
        body="+84 912 345 678",
        recipients=[world.agency_b.pk],
        policy=Policy(),
        attachments=[exchange_services.Upload("numbers.pdf", PDF)],
    )
    e = world.extra
    return {
        "record_id": [mine.pk, held.pk],
        "match_id": [match.pk for match in matches],
        "release_id": [release.pk for release in releases],
        "exchange_id": [exchange.pk],
        "attachment_id": [a.pk for m in exchange.messages.all() for a in m.attachments.all()],
        "meeting_id": [e["plen"], e["jp"]],
        "decision_id": [e["d_plen"], e["d_jp"]],
        "line_id": [e["line_vn"], e["line_th"]],
        "milestone_id": [e["m_vn"]],
        "programme_id": [e["p_jp"], e["p_au"]],
        "nomination_id": [e["nomination"]],
        "offer_id": [e["offer_jp"]],
        "user_id": [world.users["a_officer"].pk, world.users["a_analyst"].pk, world.users["b_officer"].pk],
        "organisation_id": [world.agency_a.pk, world.partner.pk],
        "agency_id": [world.agency_b.pk, world.agency_c.pk],
        "need_id": [e["need"]],
        "slug": ["asean-member-states"],
        "code": ["TIP"],
    }


def _credentials(world: World, persona: str) -> dict[str, str]:
    """Request headers that authenticate the persona: an API token, or (for the session
    personas) the web session after MFA, with its CSRF token."""
    from tcx.accounts import services as account_services

    if persona == "anonymous":
        return {}
    user = world.users[persona]
    if persona in SESSION_PERSONAS:
        client = sign_in(Client(), user)
        csrf = secrets.token_hex(16)
        return {
            "Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
        }
    _, secret = account_services.token_create(actor=user, name="fuzz", scope="read_write", expires_in_days=1)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, dict[str, str]]]:
    """One world for the whole module (each test still runs in its own rolled-back savepoint),
    rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        KNOWN_IDS.update(_seed(world))
        yield {persona: _credentials(world, persona) for persona in WRITERS + OTHERS}
        KNOWN_IDS.clear()
        transaction.set_rollback(True)


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Django's WSGI handler closes "old" connections at each request's start and end; inside a
    test's transaction that would end it, so (as Django's test client does) the run keeps it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Each example's writes stay in the test's savepoint: later examples see them, as a client would.
FUZZ_SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None
)
CALLS: dict[tuple[str, str, int], int] = {}


def _generated_valid(case: Any, location: str) -> bool:
    meta = case.meta
    info = meta.components.get(location) if meta else None
    if info is None or info.mode != "positive":
        return False
    phase = meta.phase
    return not (phase.name == "coverage" and phase.data.parameter_location == location)


def _aim_at_real_objects(case: Any) -> None:
    """Generated ids name nothing: two requests in three name real objects instead, in the path
    and in the body's references (recipients, a need, a link's target ...). Only where that part
    of the request was generated valid: an invalid value stays as the fuzzer made it."""
    turn = sum(CALLS.values())
    if turn % 3 == 0:
        return
    if case.path_parameters and _generated_valid(case, "path"):
        for name in case.path_parameters:
            known = KNOWN_IDS.get(name)
            if known:
                case.path_parameters[name] = known[turn % len(known)]
    if isinstance(case.body, dict) and _generated_valid(case, "body"):
        for name in BODY_IDS.keys() & case.body.keys():
            ids = KNOWN_IDS.get(BODY_IDS[name], [])
            if ids:
                case.body[name] = list(ids) if isinstance(case.body[name], list) else ids[turn % len(ids)]


def _call(case: Any, persona: str, headers: dict[str, str]) -> None:
    _aim_at_real_objects(case)
    response = case.call(headers=headers)
    key = (case.operation.label, persona, response.status_code)
    CALLS[key] = CALLS.get(key, 0) + 1
    case.validate_response(response, headers=headers)


@pytest.mark.parametrize("persona", WRITERS)
@deep.parametrize()
@FUZZ_SETTINGS
def test_api_conforms_to_its_document_as_a_writer(
    case: Any, persona: str, fuzz_world: dict[str, dict[str, str]], db: None, keep_connection: None
) -> None:
    _call(case, persona, fuzz_world[persona])


@pytest.mark.parametrize("persona", OTHERS)
@wide.parametrize()
@FUZZ_SETTINGS
def test_api_conforms_to_its_document_as_the_others(
    case: Any, persona: str, fuzz_world: dict[str, dict[str, str]], db: None, keep_connection: None
) -> None:
    _call(case, persona, fuzz_world[persona])


@pytest.fixture(scope="module", autouse=True)
def _report_calls() -> Iterator[None]:
    """TCX_FUZZ_REPORT=path: write what the run sent (operation, persona, status, requests)."""
    yield
    path = os.environ.get("TCX_FUZZ_REPORT")
    if path:
        with open(path, "w", encoding="utf-8") as report:
            json.dump([[*key, count] for key, count in sorted(CALLS.items())], report, indent=0)
