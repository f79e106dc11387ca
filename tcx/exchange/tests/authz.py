"""Authorization matrix of the exchange routes.

The world: agency A (Viet Nam) sent ``ex`` to agency C (Cambodia), H2, with agency B (Thailand)
as copy recipient and one attachment; agency B asked to forward it to the Secretariat (pending,
H2). ``private`` went from A to C only, so B is a third agency there. The partner, the agency
admin, the Secretariat officer and the operator see neither."""

from __future__ import annotations

from typing import Any

from tcx.policy.rules import Policy
from tcx.testing import NOTHING_CHANGES, PERSONAS, Case, World

OPERATIONAL = ("a_officer", "a_analyst", "a_supervisor", "b_officer", "b_supervisor", "partner_liaison")
NON_OPERATIONAL = {p: 404 for p in PERSONAS if p not in ("anonymous", *OPERATIONAL)}
THREAD = ("a_officer", "a_analyst", "a_supervisor", "b_officer", "b_supervisor")
OUTSIDE_THREAD = {p: 404 for p in PERSONAS if p not in ("anonymous", *THREAD)}
SENDER_ONLY = {p: 404 for p in PERSONAS if p not in ("anonymous", "a_officer", "a_analyst", "a_supervisor")}
COPY_ONLY = {p: 404 for p in PERSONAS if p not in ("anonymous", "b_officer", "b_supervisor")}
SUPERVISORS = {p: 404 for p in PERSONAS if p not in ("anonymous", "a_supervisor", "b_supervisor")}
API_NON_OPERATIONAL = {"a_admin": 404, "secretariat_officer": 404, "operator": 404}
SUBJECT = "Identify the holders of three phone numbers"
PRIVATE = "For Cambodia only"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _setup(world: World) -> None:
    if "ex" in world.extra:
        return
    from tcx.exchange import services

    sender = world.users["a_officer"]
    ex = services.exchange_send(
        actor=sender,
        subject=SUBJECT,
        body="+84 912 345 678, +855 12 345 678, +66 81 234 5678",
        recipients=[world.agency_c.pk],
        copy_recipients=[world.agency_b.pk],
        priority="urgent",
        policy=Policy(handling_codes=["H2"], evaluation_source="B", evaluation_information="2"),
        attachments=[services.Upload("numbers.pdf", PDF)],
    )
    private = services.exchange_send(
        actor=sender, subject=PRIVATE, body="not for Thailand", recipients=[world.agency_c.pk]
    )
    forward = services.exchange_forward(
        actor=world.users["b_officer"],
        exchange=ex,
        organisation_id=world.secretariat.pk,
        reason="ASEAN report",
    )
    world.extra.update(
        ex=ex.pk, private=private.pk, forward=forward.pk, attachment=ex.messages.get().attachments.get().pk
    )


def _k(name: str, key: str) -> Any:
    def build(world: World) -> dict[str, int]:
        _setup(world)
        return {name: world.extra[key]}

    return build


def _new(world: World) -> dict[str, Any]:
    return {
        "subject": "Vessel sighting",
        "body": "IMO 9074729 seen off Phu Quoc",
        "recipients": [world.agency_c.pk],
    }


def _form(world: World) -> dict[str, Any]:
    return {**_new(world), "priority": "normal", "tlp": "AMBER"}


CASES = [
    Case("exchange:inbox", setup=_setup, expect=NON_OPERATIONAL),
    Case("exchange:compose", expect=NON_OPERATIONAL),
    Case(
        "exchange:compose",
        method="POST",
        effect="exchange.Exchange",
        body=_form,
        default=302,
        expect=NON_OPERATIONAL,
    ),
    # A copy recipient reads; a third agency (the partner) does not.
    Case(
        "exchange:thread", kwargs=_k("exchange_id", "ex"), reveals=lambda w: [SUBJECT], expect=OUTSIDE_THREAD
    ),
    # B is a third agency for ``private``: not found.
    Case(
        "exchange:thread",
        kwargs=_k("exchange_id", "private"),
        reveals=lambda w: [PRIVATE],
        default=404,
        expect={"anonymous": 302, "a_officer": 200, "a_analyst": 200, "a_supervisor": 200},
    ),
    Case(
        "exchange:reply",
        method="POST",
        effect="exchange.Message",
        kwargs=_k("exchange_id", "ex"),
        reveals=lambda w: [SUBJECT],
        body=lambda w: {"body": "Answer", "tlp": "AMBER"},
        default=302,
        expect=OUTSIDE_THREAD,
    ),
    Case(
        "exchange:acknowledge",
        method="POST",
        effect="exchange.Participant",
        kwargs=_k("exchange_id", "ex"),
        reveals=lambda w: [SUBJECT],
        default=302,
        expect=COPY_ONLY,
    ),
    Case(
        "exchange:assign",
        method="POST",
        effect="exchange.Participant",
        kwargs=_k("exchange_id", "ex"),
        reveals=lambda w: [SUBJECT],
        body=lambda w: {"assignee": ""},
        default=302,
        expect=COPY_ONLY,
    ),
    Case(
        "exchange:close",
        method="POST",
        effect="exchange.Exchange",
        kwargs=_k("exchange_id", "ex"),
        reveals=lambda w: [SUBJECT],
        default=302,
        expect=OUTSIDE_THREAD,
    ),
    Case(
        "exchange:forward",
        method="POST",
        effect=NOTHING_CHANGES,
        kwargs=_k("exchange_id", "ex"),
        reveals=lambda w: [SUBJECT],
        body=lambda w: {"organisation": w.agency_c.pk + 1000},
        default=302,
        expect=OUTSIDE_THREAD,
    ),
    Case("exchange:attachment", kwargs=_k("attachment_id", "attachment"), expect=OUTSIDE_THREAD),
    Case("exchange:forwards", setup=_setup, expect={**NON_OPERATIONAL, "partner_liaison": 404}),
    Case(
        "exchange:forward_decision",
        method="POST",
        effect="exchange.ForwardRequest",
        kwargs=_k("forward_id", "forward"),
        body=lambda w: {"decision": "decline"},
        default=302,
        expect=SENDER_ONLY,
    ),
    Case("exchange:nav_badge", setup=_setup, expect=NON_OPERATIONAL),
    Case("exchange:measures", expect=SUPERVISORS),
    Case("api:list_exchanges", setup=_setup),
    Case(
        "api:send_exchange",
        method="POST",
        effect="exchange.Exchange",
        body=_new,
        default=201,
        expect=API_NON_OPERATIONAL,
    ),
    # A JSON body is not multipart: refused before anything runs (tests send real multipart).
    Case("api:send_exchange_multipart", method="POST", body=_new, default=422),
    Case(
        "api:get_exchange",
        kwargs=_k("exchange_id", "ex"),
        reveals=lambda w: [SUBJECT],
        default=404,
        expect={"anonymous": 401, **dict.fromkeys(THREAD, 200)},
    ),
    Case(
        "api:get_exchange",
        kwargs=_k("exchange_id", "private"),
        reveals=lambda w: [PRIVATE],
        default=404,
        expect={"anonymous": 401, "a_officer": 200, "a_analyst": 200, "a_supervisor": 200},
    ),
    Case(
        "api:reply_exchange",
        method="POST",
        effect="exchange.Message",
        kwargs=_k("exchange_id", "ex"),
        reveals=lambda w: [SUBJECT],
        body=lambda w: {"body": "Holder identified."},
        default=404,
        expect={"anonymous": 401, **dict.fromkeys(THREAD, 201)},
    ),
    Case(
        "api:acknowledge_exchange",
        method="POST",
        effect="exchange.Participant",
        kwargs=_k("exchange_id", "ex"),
        reveals=lambda w: [SUBJECT],
        default=404,
        expect={"anonymous": 401, "b_officer": 200, "b_supervisor": 200},
    ),
    Case(
        "api:assign_exchange",
        method="POST",
        effect="exchange.Participant",
        kwargs=_k("exchange_id", "ex"),
        reveals=lambda w: [SUBJECT],
        body=lambda w: {"assignee": None},
        default=404,
        expect={"anonymous": 401, "b_officer": 200, "b_supervisor": 200},
    ),
    Case(
        "api:close_exchange",
        method="POST",
        effect="exchange.Exchange",
        kwargs=_k("exchange_id", "ex"),
        reveals=lambda w: [SUBJECT],
        default=404,
        expect={"anonymous": 401, **dict.fromkeys(THREAD, 200)},
    ),
    Case(
        "api:forward_exchange",
        method="POST",
        kwargs=_k("exchange_id", "ex"),
        reveals=lambda w: [SUBJECT],
        body=lambda w: {"organisation": w.partner.pk, "reason": "joint operation"},
        default=404,
        # The partner cannot receive an exchange without a legal basis: a clear 422, nothing sent.
        expect={"anonymous": 401, **dict.fromkeys(THREAD, 422)},
    ),
    Case("api:list_forwards", setup=_setup),
    Case(
        "api:decide_forward",
        method="POST",
        effect="exchange.ForwardRequest",
        kwargs=_k("forward_id", "forward"),
        body=lambda w: {"approve": True},
        default=404,
        expect={"anonymous": 401, "a_officer": 200, "a_analyst": 200, "a_supervisor": 200},
    ),
    Case(
        "api:download_attachment",
        kwargs=_k("attachment_id", "attachment"),
        default=404,
        expect={"anonymous": 401, **dict.fromkeys(THREAD, 200)},
    ),
    Case(
        "api:service_measures",
        default=404,
        expect={"anonymous": 401, "a_supervisor": 200, "b_supervisor": 200},
    ),
]
