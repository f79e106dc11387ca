"""The exchange end to end through services, API and pages: states, receipts, who reads what,
forwarding under H2, bad input, reference numbers, reminders, service measures."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tcx.audit.models import AuditEvent
from tcx.exchange import selectors, services
from tcx.exchange.models import (
    Exchange,
    ExchangeStatus,
    ForwardStatus,
    Participant,
    ReadReceipt,
)
from tcx.notifications.models import Notification
from tcx.policy.rules import NotFound, Policy
from tcx.testing import sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
pytestmark = pytest.mark.django_db


def _api(world, persona: str) -> Client:
    return sign_in(Client(), world.users[persona])


def _send(world, **kwargs):
    defaults = {
        "actor": world.users["a_officer"],
        "subject": "Identify the holders of these three phone numbers",
        "body": "+84 912 345 678\n+855 12 345 678\n+66 81 234 5678",
        "recipients": [world.agency_b.pk],
        "copy_recipients": [world.agency_c.pk],
        "priority": "urgent",
        "policy": Policy(handling_codes=["H2"], evaluation_source="B", evaluation_information="2"),
        "attachments": [
            services.Upload("numbers.pdf", PDF),
            services.Upload("notes.txt", "Số điện thoại".encode()),
        ],
    }
    defaults.update(kwargs)
    return services.exchange_send(**defaults)


def test_the_whole_exchange_send_receive_acknowledge_assign_answer_close(world):
    exchange = _send(world)
    assert exchange.reference.startswith(f"VN-{exchange.created_at.year}-")
    assert exchange.status == ExchangeStatus.SENT
    assert exchange.deadline_at - exchange.created_at == dt.timedelta(hours=8)
    b = _api(world, "b_officer")
    inbox = b.get("/api/v1/exchange/exchanges").json()
    assert [e["reference"] for e in inbox["items"]] == [exchange.reference]
    thread = b.get(f"/api/v1/exchange/exchanges/{exchange.pk}").json()
    assert thread["status"] == "delivered"
    assert [a["name"] for a in thread["messages"][0]["attachments"]] == ["numbers.pdf", "notes.txt"]
    assert b.post(f"/api/v1/exchange/exchanges/{exchange.pk}/acknowledge").json()["status"] == "acknowledged"
    body = json.dumps({"assignee": world.users["b_supervisor"].pk})
    assert (
        b.post(
            f"/api/v1/exchange/exchanges/{exchange.pk}/assign", body, content_type="application/json"
        ).status_code
        == 200
    )
    assert Notification.objects.filter(
        recipient=world.users["b_supervisor"], kind="exchange.assigned", target_id=str(exchange.pk)
    ).exists()
    answer = services.message_reply(
        actor=world.users["b_supervisor"],
        exchange=exchange,
        body="Holders identified, see file.",
        attachments=[services.Upload("holders.pdf", PDF)],
    )
    exchange.refresh_from_db()
    assert exchange.status == ExchangeStatus.ANSWERED and answer.is_answer
    assert b.post(f"/api/v1/exchange/exchanges/{exchange.pk}/close").json()["status"] == "closed"
    # The sender sees who read it and when.
    a = _api(world, "a_officer")
    thread = a.get(f"/api/v1/exchange/exchanges/{exchange.pk}").json()
    assert [r["reader"] for r in thread["messages"][0]["receipts"]] == ["b_officer"]
    assert ReadReceipt.objects.filter(message=answer, reader=world.users["a_officer"]).exists()
    actions = set(AuditEvent.objects.filter(target_id=str(exchange.pk)).values_list("action", flat=True))
    assert {
        "exchange.sent",
        "exchange.read",
        "exchange.acknowledged",
        "exchange.assigned",
        "exchange.closed",
    } <= actions


def test_third_agency_and_operator_read_nothing_copy_recipient_reads(world):
    exchange = _send(world, recipients=[world.agency_c.pk], copy_recipients=[world.agency_b.pk])
    assert _api(world, "b_officer").get(f"/api/v1/exchange/exchanges/{exchange.pk}").status_code == 200
    for persona in ("partner_liaison", "operator", "secretariat_officer", "a_admin"):
        client = _api(world, persona)
        response = client.get(f"/api/v1/exchange/exchanges/{exchange.pk}")
        assert response.status_code == 404, persona
        assert client.get("/api/v1/exchange/exchanges?box=all").json()["items"] == []
        attachment = exchange.messages.get().attachments.first()
        assert client.get(f"/api/v1/exchange/attachments/{attachment.pk}").status_code == 404
    assert (
        selectors.exchange_list(
            actor=world.users["partner_liaison"], filters=selectors.ExchangeFilters(box="all")
        ).count()
        == 0
    )


def test_forward_under_h2_needs_the_providers_permission(world):
    exchange = _send(world)
    secretariat = world.secretariat
    forward = services.exchange_forward(
        actor=world.users["b_officer"], exchange=exchange, organisation_id=secretariat.pk
    )
    assert forward.status == ForwardStatus.PENDING
    assert not exchange.participants.filter(organisation=secretariat).exists()
    with pytest.raises(NotFound):  # the recipient cannot decide for the provider
        services.forward_decide(actor=world.users["b_supervisor"], forward=forward, approve=True)
    services.forward_decide(actor=world.users["a_supervisor"], forward=forward, approve=True)
    assert exchange.participants.filter(organisation=secretariat).exists()
    assert exchange.messages.get().audience_organisations.filter(pk=secretariat.pk).exists()


def test_forward_without_h2_happens_at_once(world):
    exchange = _send(world, policy=Policy())
    forward = services.exchange_forward(
        actor=world.users["b_officer"], exchange=exchange, organisation_id=world.secretariat.pk
    )
    assert forward.status == ForwardStatus.APPROVED


def test_partner_recipient_needs_legal_basis(world):
    client = _api(world, "a_officer")
    payload = {"subject": "Scam centre", "body": "…", "recipients": [world.partner.pk]}
    response = client.post("/api/v1/exchange/exchanges", json.dumps(payload), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "legal_basis"
    assert not Exchange.objects.exists()
    payload["policy"] = {"legal_basis": "ASEAN-Japan MoU on transnational crime, 2023"}
    response = client.post("/api/v1/exchange/exchanges", json.dumps(payload), content_type="application/json")
    assert response.status_code == 201
    assert (
        _api(world, "partner_liaison").get(f"/api/v1/exchange/exchanges/{response.json()['id']}").status_code
        == 200
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recipients": [999999]}, "recipients"),
        ({"recipients": []}, "recipients"),
        ({"body": "x" * 100_001}, "body"),
        ({"priority": "whenever"}, "priority"),
        ({"crime_areas": ["nope"]}, "crime_areas"),
        ({"attachments": [{"name": "a.pdf", "content_base64": "TVqQAAMAAAAEAAAA"}]}, "attachments"),
    ],
)
def test_bad_input_is_a_clear_error_and_sends_nothing(world, settings, change, field):
    payload = {"subject": "s", "body": "b", "recipients": [world.agency_b.pk], **change}
    response = _api(world, "a_officer").post(
        "/api/v1/exchange/exchanges", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Exchange.objects.exists()


def test_a_bad_attachment_among_good_ones_sends_nothing_and_leaves_no_file(world, settings):
    with pytest.raises(services.ExchangeError):
        _send(world, attachments=[services.Upload("ok.pdf", PDF), services.Upload("x.pdf", b"MZ\x90\x00")])
    assert not Exchange.objects.exists()
    folder = settings.MEDIA_ROOT / "exchange"
    assert not folder.exists() or not list(folder.iterdir())


def test_failure_after_files_are_written_removes_them(world, settings, monkeypatch):
    from tcx.audit import services as audit

    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(audit, "record", boom)
    with pytest.raises(RuntimeError):
        _send(world)
    assert not Exchange.objects.exists()
    assert not list((settings.MEDIA_ROOT / "exchange").iterdir())


def test_reference_numbers_are_sequential_per_country_and_year(world):
    first = services.next_reference(country_code="VN", year=2026)
    second = services.next_reference(country_code="VN", year=2026)
    other = services.next_reference(country_code="TH", year=2026)
    assert (first, second, other) == ("VN-2026-000001", "VN-2026-000002", "TH-2026-000001")
    assert services.next_reference(country_code="VN", year=2027) == "VN-2027-000001"


def test_search_by_reference_and_text_and_filters(world):
    one = _send(world, subject="Phones", body="Call records of the scam centre")
    _send(world, subject="Vessel", body="IMO 9074729", priority="routine", policy=Policy())
    b = world.users["b_officer"]

    def refs(**f):
        return [e.reference for e in selectors.exchange_list(actor=b, filters=selectors.ExchangeFilters(**f))]

    assert refs(q=one.reference) == [one.reference]
    assert refs(q="scam centre") == [one.reference]
    assert refs(priority="urgent") == [one.reference]
    assert refs(country="VN", q="phones") == [one.reference]
    assert refs(country="JP") == []
    assert refs(assigned_to_me=True) == []
    services.exchange_assign(actor=b, exchange=one, assignee_id=b.pk)
    assert refs(assigned_to_me=True) == [one.reference]
    # The deadline moved behind the services' back: the participants' copy moves with it.
    late = one.created_at - dt.timedelta(minutes=1)
    Exchange.objects.filter(pk=one.pk).update(deadline_at=late)
    Participant.objects.filter(exchange=one).update(deadline_at=late)
    assert refs(overdue=True) == [one.reference]
    assert selectors.waiting_counts(actor=b) == {"open": 2, "overdue": 1, "assigned": 1}
    # The sender's outbox, not its inbox.
    a = world.users["a_officer"]
    assert len(selectors.exchange_list(actor=a, filters=selectors.ExchangeFilters(box="outbox"))) == 2
    assert len(selectors.exchange_list(actor=a, filters=selectors.ExchangeFilters(box="inbox"))) == 0


def test_remind_is_idempotent_and_escalates_to_supervisors(
    world, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.users["b_supervisor"].email = "sup@rtp.example"
    world.users["b_supervisor"].save()
    world.users["b_officer"].email = "officer@rtp.example"
    world.users["b_officer"].save()
    exchange = _send(world, copy_recipients=[])
    soon = exchange.deadline_at - dt.timedelta(hours=1)
    late = exchange.deadline_at + dt.timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):  # e-mails go out after the commit
        assert services.exchange_remind(now=soon) == {"reminders": 1, "escalations": 0}
        assert services.exchange_remind(now=soon) == {"reminders": 0, "escalations": 0}
        assert services.exchange_remind(now=late) == {"reminders": 0, "escalations": 1}
        assert services.exchange_remind(now=late) == {"reminders": 0, "escalations": 0}
    assert [m.to for m in mail.outbox] == [["officer@rtp.example"], ["sup@rtp.example"]]
    assert (
        Notification.objects.filter(
            recipient=world.users["b_supervisor"], kind="exchange.deadline_passed"
        ).count()
        == 1
    )
    call_command("exchange", "remind")  # the command runs (nothing is due now)


def test_nothing_is_reminded_once_answered(world):
    exchange = _send(world, copy_recipients=[])
    services.message_reply(actor=world.users["b_officer"], exchange=exchange, body="done")
    assert services.exchange_remind(now=exchange.deadline_at + dt.timedelta(hours=1)) == {
        "reminders": 0,
        "escalations": 0,
    }


def test_service_measures_for_supervisors(world):
    on_time = _send(world, copy_recipients=[])
    services.message_reply(actor=world.users["b_officer"], exchange=on_time, body="answer")
    late = _send(world, copy_recipients=[])
    Exchange.objects.filter(pk=late.pk).update(deadline_at=late.created_at - dt.timedelta(hours=1))
    measure = selectors.service_measures(actor=world.users["b_supervisor"])
    assert (measure.due, measure.in_time, measure.within_5_days) == (2, 1, 1)
    assert selectors.service_measures(actor=world.users["b_officer"]) is None
    response = sign_in(Client(), world.users["b_supervisor"]).get(reverse("exchange:measures"))
    assert b"50%" in response.content


def test_pages_send_and_answer(world):
    a = sign_in(Client(), world.users["a_officer"])
    response = a.post(
        reverse("exchange:compose"),
        {
            "subject": "Wallet",
            "body": "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
            "recipients": [world.agency_b.pk],
            "priority": "normal",
            "tlp": "AMBER",
            "attachments": [_file("rapport_été.pdf", PDF)],
        },
    )
    exchange = Exchange.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "exchange:thread", args=[exchange.pk]
    )
    b = sign_in(Client(), world.users["b_officer"])
    page = b.get(reverse("exchange:thread", args=[exchange.pk])).content.decode()
    assert (
        exchange.reference in page
        and "rapport_été.pdf" in page
        and exchange.messages.get().attachments.get().sha256 in page
    )
    b.post(reverse("exchange:acknowledge", args=[exchange.pk]))
    b.post(reverse("exchange:reply", args=[exchange.pk]), {"body": "Owner found", "tlp": "AMBER"})
    b.post(reverse("exchange:close", args=[exchange.pk]))
    exchange.refresh_from_db()
    assert exchange.status == ExchangeStatus.CLOSED and exchange.answered_at
    rows = b.get(
        reverse("exchange:inbox") + "?box=inbox&status=closed", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert exchange.reference in rows and "<html" not in rows


def _file(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_inbox_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    for n in range(15):
        _send(world, subject=f"request {n}", attachments=[])
    client = sign_in(Client(), world.users["b_officer"])
    client.get(reverse("exchange:inbox"))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("exchange:inbox"))
    assert response.content.count(b"VN-") >= 15


def test_thread_query_count(world, django_assert_max_num_queries):
    exchange = _send(world)
    for n in range(5):
        services.message_reply(actor=world.users["b_officer"], exchange=exchange, body=f"part {n}")
    client = sign_in(Client(), world.users["a_officer"])
    client.get(reverse("exchange:thread", args=[exchange.pk]))
    with django_assert_max_num_queries(45):
        client.get(reverse("exchange:thread", args=[exchange.pk]))
