"""The notification centre as its users see it: only their own, the badge, mark read / all read,
e-mail at once or in the digest per their preference, the digest never twice, pages that cost
the same at any length."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from tcx.audit.models import AuditEvent
from tcx.notifications import registry, selectors, services
from tcx.notifications.models import EmailDelivery, Notification, Preference
from tcx.policy import Capability
from tcx.testing import sign_in

pytestmark = pytest.mark.django_db


def _tell(user, n: int = 1, kind: str = "testing.routine", **extra):
    made = []
    for i in range(n):
        made += services.notify(
            recipients=[user],
            kind=kind,
            title=f"Thing {i}",
            target_type="testing.thing",
            target_id=i,
            **extra,
        )
    return made


def _client(user) -> Client:
    return sign_in(Client(), user)


def test_a_person_sees_only_their_own(world):
    mine = _tell(world.users["a_officer"], 2)
    _tell(world.users["b_officer"], 3)
    page = _client(world.users["a_officer"]).get("/notifications/")
    assert page.status_code == 200
    assert [n.pk for n in page.context["page"]] == [mine[1].pk, mine[0].pk]  # newest first
    api = _client(world.users["a_officer"]).get("/api/v1/notifications").json()
    assert api["count"] == 2
    assert [n["id"] for n in api["items"]] == [mine[1].pk, mine[0].pk]


def test_marking_someone_elses_is_not_found_and_changes_nothing(world):
    theirs = _tell(world.users["b_officer"])[0]
    a = _client(world.users["a_officer"])
    assert a.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    response = a.post(f"/api/v1/notifications/{theirs.pk}/read")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_badge_counts_unread_and_mark_read_lowers_it(world):
    user = world.users["a_officer"]
    made = _tell(user, 3)
    _tell(world.users["b_officer"], 5)  # never counted for A
    client = _client(user)
    assert "3 new" in client.get("/notifications/badge/").content.decode()
    assert client.get("/api/v1/notifications/unread").json() == {"unread": 3}
    # the HTMX row comes back without its "new" mark
    row = client.post(f"/notifications/{made[0].pk}/read/", HTTP_HX_REQUEST="true")
    assert row.status_code == 200
    assert f'id="notification-{made[0].pk}"' in row.content.decode()
    assert "Mark read" not in row.content.decode()
    assert "2 new" in client.get("/notifications/badge/").content.decode()
    marked = client.post(f"/api/v1/notifications/{made[1].pk}/read").json()
    assert marked["read_at"] is not None
    assert [n.pk for n in client.get("/notifications/?show=unread").context["page"]] == [made[2].pk]
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 1}
    assert client.get("/notifications/badge/").content.decode().strip() == ""
    assert selectors.unread_count(actor=world.users["b_officer"]) == 5


def test_mark_all_read_page_and_opening_follows_the_link(world):
    user = world.users["a_officer"]
    first = _tell(user, url="/exchange/")[0]
    _tell(user, 2)
    client = _client(user)
    opened = client.post(f"/notifications/{first.pk}/read/", {"open": "1"})
    assert opened.status_code == 302 and opened["Location"] == "/exchange/"
    response = client.post("/notifications/read-all/", {"show": "unread"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?show=unread"
    assert selectors.unread_count(actor=user) == 0


def test_writes_need_post_with_csrf(world):
    made = _tell(world.users["a_officer"])[0]
    client = sign_in(Client(enforce_csrf_checks=True), world.users["a_officer"])
    assert client.get(f"/notifications/{made.pk}/read/").status_code == 405
    assert client.post(f"/notifications/{made.pk}/read/").status_code == 403
    assert client.post("/notifications/read-all/").status_code == 403
    assert selectors.unread_count(actor=world.users["a_officer"]) == 1


def test_same_kind_and_target_is_not_repeated_within_the_window(world, settings):
    user = world.users["a_officer"]
    kwargs = {"recipients": [user], "kind": "testing.routine", "title": "x", "target": world.agency_a}
    assert len(services.notify(**kwargs)) == 1
    assert services.notify(**kwargs) == []
    assert len(services.notify(**{**kwargs, "kind": "testing.urgent"})) == 1  # another kind
    settings.TCX_NOTIFICATION_DEDUP_SECONDS = 0
    assert len(services.notify(**kwargs)) == 1


def test_recipients_by_organisation_and_capability_without_the_actor(world):
    made = services.notify(
        recipients=services.Recipients(organisation_id=world.agency_a.pk, capability=Capability.DECIDE_MATCH),
        kind="testing.routine",
        title="x",
        actor=world.users["a_analyst"],
    )
    assert [n.recipient_id for n in made] == [world.users["a_supervisor"].pk]


def test_operational_kinds_never_reach_people_without_operational_data(world):
    everyone = services.Recipients(organisation_id=world.secretariat.pk)
    assert services.notify(recipients=everyone, kind="testing.routine", title="x") == []
    made = services.notify(recipients=everyone, kind="testing.everyone", title="x")
    assert {n.recipient_id for n in made} == {
        world.users["secretariat_officer"].pk,
        world.users["operator"].pk,
    }


def test_a_long_body_is_cut_not_refused(world):
    (made,) = services.notify(
        recipients=[world.users["a_officer"]], kind="testing.routine", title="x", body="é" * 5000
    )
    assert len(made.body) == services.MAX_BODY_CHARS and made.body.endswith("…")


def test_bad_input_is_named(world):
    with pytest.raises(registry.UnknownKind):
        services.notify(recipients=[world.users["a_officer"]], kind="testing.nope", title="x")
    with pytest.raises(services.NotificationError) as caught:
        services.notify(
            recipients=[world.users["a_officer"]],
            kind="testing.routine",
            title=" ",
            url="https://evil.example/",
        )
    assert set(caught.value.errors) == {"title", "url"}


def test_nothing_is_told_when_the_callers_transaction_rolls_back(addressed):
    user = addressed.users["a_officer"]
    with pytest.raises(RuntimeError), transaction.atomic():
        _tell(user, kind="testing.urgent")
        raise RuntimeError
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_urgent_goes_at_once_and_the_rest_waits_for_the_digest(addressed, django_capture_on_commit_callbacks):
    user = addressed.users["a_officer"]
    with django_capture_on_commit_callbacks(execute=True):
        _tell(user, kind="testing.urgent")
        _tell(user, 2, kind="testing.routine")
    assert [m.subject for m in mail.outbox] == ["[TCX] Thing 0"]
    assert mail.outbox[0].to == ["a_officer@example.org"]
    counts = services.digest_send()
    assert counts == {"digests": 1, "notifications": 2, "failed": 0}
    digest = mail.outbox[1]
    assert digest.to == ["a_officer@example.org"]
    assert "Thing 0" in digest.body and "Thing 1" in digest.body


def test_preference_immediate_sends_everything_at_once(addressed, django_capture_on_commit_callbacks):
    user = addressed.users["a_officer"]
    client = _client(user)
    assert client.post("/notifications/preferences/", {"email": "immediate"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        _tell(user, 2, url="/exchange/")
    assert sorted(m.subject for m in mail.outbox) == ["[TCX] Thing 0", "[TCX] Thing 1"]
    assert "https://tcx.example/exchange/" in mail.outbox[0].body
    assert services.digest_send()["notifications"] == 0


def test_preference_none_sends_nothing_even_urgent(addressed, django_capture_on_commit_callbacks):
    user = addressed.users["a_officer"]
    _client(user).post("/notifications/preferences/", {"email": "none"})
    with django_capture_on_commit_callbacks(execute=True):
        _tell(user, kind="testing.urgent")
        _tell(user)
    services.digest_send()
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=user).count() == 2  # still in the centre


def test_switching_to_none_after_the_fact_drops_the_pending_digest(addressed):
    user = addressed.users["a_officer"]
    _tell(user, 2)
    services.preference_set(actor=user, email="none")
    assert services.digest_send()["digests"] == 0
    assert mail.outbox == []


def test_digest_is_idempotent(addressed):
    _tell(addressed.users["a_officer"], 2)
    _tell(addressed.users["b_officer"], 1)
    assert services.digest_send() == {"digests": 2, "notifications": 3, "failed": 0}
    assert services.digest_send() == {"digests": 0, "notifications": 0, "failed": 0}
    assert len(mail.outbox) == 2
    _tell(addressed.users["a_officer"], 1, kind="testing.everyone")
    assert services.digest_send()["notifications"] == 1
    assert len(mail.outbox) == 3


def test_a_failed_send_is_retried_by_the_next_run_not_lost(addressed, settings):
    _tell(addressed.users["a_officer"], 2)
    settings.EMAIL_BACKEND = "tcx.notifications.tests.failing_mail.EmailBackend"
    assert services.digest_send() == {"digests": 0, "notifications": 0, "failed": 1}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.digest_send()["notifications"] == 2
    assert len(mail.outbox) == 1


def test_no_address_no_mail(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = _tell(world.users["a_officer"], kind="testing.urgent")
    assert made[0].email == EmailDelivery.NONE
    assert mail.outbox == []


def test_preference_page_validates_and_is_audited(world):
    user = world.users["a_officer"]
    client = _client(user)
    page = client.get("/notifications/preferences/")
    assert page.status_code == 200 and page.context["current"] == "digest"
    bad = client.post("/notifications/preferences/", {"email": "hourly"})
    assert bad.status_code == 422 and "choose one of immediate, digest, none" in bad.content.decode()
    assert not Preference.objects.filter(user=user).exists()
    client.post("/notifications/preferences/", {"email": "none"})
    assert selectors.email_preference(actor=user) == "none"
    event = AuditEvent.objects.filter(action="user.notification_preference").get()
    assert event.actor == user and event.data == {"email": "none", "before": "digest"}


def test_anonymous_is_sent_to_sign_in(world):
    assert Client().get("/notifications/").status_code == 302
    assert Client().get("/api/v1/notifications").status_code == 401


@pytest.mark.parametrize("show", ["all", "unread"])
def test_list_costs_the_same_at_any_length(world, django_assert_num_queries, show):
    user = world.users["a_officer"]
    client = _client(user)
    client.get("/notifications/")  # session, MFA device: warm
    counts = []
    for n in (3, 60):
        Notification.objects.all().delete()
        _tell(user, n)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as page_queries:
            assert client.get(f"/notifications/?show={show}").status_code == 200
        with CaptureQueriesContext(connection) as api_queries:
            body = client.get("/api/v1/notifications?limit=500").json()
        assert body["count"] == n and len(body["items"]) == n
        counts.append((len(page_queries), len(api_queries)))
    assert counts[0] == counts[1], counts


def test_every_notification_is_reachable_past_the_first_page(world):
    user = world.users["a_officer"]
    made = _tell(user, 120)
    client = _client(user)
    seen = []
    for number in (1, 2, 3):
        seen += [n.pk for n in client.get(f"/notifications/?page={number}").context["page"]]
    assert sorted(seen) == sorted(n.pk for n in made)
    api = client.get("/api/v1/notifications?limit=50&offset=100").json()
    assert len(api["items"]) == 20


def test_registry_refuses_a_conflicting_kind():
    registry.register_kind("testing.routine", "Something routine")  # the same again: harmless
    with pytest.raises(ValueError, match="already registered"):
        registry.register_kind("testing.routine", "x", urgent_by_default=True)
    with pytest.raises(ValueError, match=r"<app>\.<event>"):
        registry.register_kind("nodot", "x")


def test_api_answers_problem_json_on_bad_paging(world):
    response = _client(world.users["a_officer"]).get("/api/v1/notifications?limit=lots")
    assert response.status_code == 422
    assert json.loads(response.content)["status"] == 422


def test_an_immediate_mail_the_digest_already_sent_is_not_sent_again(
    addressed, django_capture_on_commit_callbacks
):
    """The at-once e-mail runs after the commit; if it never ran (the process died) the digest
    sends it, and a late at-once run then finds it claimed."""
    with django_capture_on_commit_callbacks(execute=False) as late:
        made = _tell(addressed.users["a_officer"], kind="testing.urgent")
    Notification.objects.filter(pk=made[0].pk).update(
        created_at=made[0].created_at - services.IMMEDIATE_RETRY_AFTER
    )
    assert services.digest_send()["notifications"] == 1
    for callback in late:
        callback()
    assert len(mail.outbox) == 1
    assert services.send_immediate(notification_ids=[made[0].pk]) == 0
