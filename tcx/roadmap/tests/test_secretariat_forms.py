"""The Secretariat's pages and endpoints: meetings, decisions, plan files by upload, action lines
and milestones. Good input is stored and audited; bad input names its field and changes nothing."""

# ruff: noqa: E501 - request bodies read best on one line
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tcx.roadmap.tests.authz import setup
from tcx.testing import World, sign_in, state_digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(world: World) -> Client:
    setup(world)
    return sign_in(Client(), world.users["secretariat_officer"])


def _audit_actions() -> list[str]:
    from tcx.audit.models import AuditEvent

    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def _refused_unchanged(response: Any, before: str, errors: dict[str, str], form: str = "form") -> None:
    """A refused form: 422, each message on its field and in the page, and no row changed."""
    assert response.status_code == 422, response.content[:500]
    form_errors = response.context[form].errors
    for field, message in errors.items():
        assert field in form_errors, (field, dict(form_errors))
        assert any(message in e for e in form_errors[field]), (field, form_errors[field])
        assert escape(message) in response.content.decode()
    assert state_digest() == before


def _api(client: Client, method: str, url: str, body: object = None):  # type: ignore[no-untyped-def]
    return getattr(client, method)(
        f"/api/v1/roadmap{url}",
        data=json.dumps(body) if body is not None else None,
        content_type="application/json",
    )


# --- meetings --------------------------------------------------------------------------------

NEW_MEETING = {
    "kind": "somtc_plus", "number": "SOMTC+CN-T", "title": "SOMTC+China Consultation",
    "starts_on": "2030-07-02", "ends_on": "2030-07-02", "host": "BN", "chair": "MY", "mode": "video",
    "partners": ["CN"], "parent": "T-SOMTC", "participants": "Senior officials of the 11 member states and China",
    "agenda": "1. Drugs\n2. Online scams", "outcome": "Work plan reviewed",
}  # fmt: skip


def test_the_secretariat_creates_a_meeting_with_a_document(secretariat: Client, settings, tmp_path) -> None:
    from tcx.roadmap.models import Meeting

    settings.MEDIA_ROOT = tmp_path
    assert secretariat.get(reverse("roadmap:meeting_create")).status_code == 200
    document = SimpleUploadedFile("agenda.txt", b"Agenda of the consultation")
    response = secretariat.post(
        reverse("roadmap:meeting_create"),
        {**NEW_MEETING, "document_title": "Agenda", "document": document},
    )
    meeting = Meeting.objects.get(number="SOMTC+CN-T")
    assert response.status_code == 302 and response["Location"] == reverse(
        "roadmap:meeting", args=[meeting.pk]
    )
    assert (meeting.kind, meeting.starts_on, meeting.host.code, meeting.chair.code, meeting.mode) == (
        "somtc_plus", dt.date(2030, 7, 2), "BN", "MY", "video",
    )  # fmt: skip
    assert [p.code for p in meeting.partners.all()] == ["CN"]
    assert meeting.parent.number == "T-SOMTC" and "Online scams" in meeting.agenda
    assert [d.title for d in meeting.documents.all()] == ["Agenda"]
    assert _audit_actions()[-2:] == ["roadmap.meeting_saved", "roadmap.document_added"]
    page = secretariat.get(reverse("roadmap:meeting", args=[meeting.pk])).content.decode()
    assert "Work plan reviewed" in page and "chaired by Malaysia" in page and "Agenda" in page


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"ends_on": "2030-07-01"}, {"ends_on": "ends_on 2030-07-01 is before starts_on 2030-07-02"}),
        ({"chair": "JP"}, {"chair": "unknown member state 'JP'"}),
        ({"host": "XX"}, {"host": "unknown country 'XX'"}),
        ({"partners": ["CN", "ZZ"]}, {"partners": "unknown dialogue partner 'ZZ'"}),
        ({"number": "T-SOMTC"}, {"number": "a meeting 'T-SOMTC' already exists"}),
        (
            {"starts_on": "2030-13-01", "chair": "XX"},
            {"starts_on": "Enter a valid date", "chair": "unknown member state 'XX'"},
        ),
    ],
)
def test_a_bad_meeting_names_each_field_and_writes_nothing(
    secretariat: Client, change: dict[str, Any], errors: dict[str, str]
) -> None:
    before = state_digest()
    response = secretariat.post(reverse("roadmap:meeting_create"), {**NEW_MEETING, **change})
    _refused_unchanged(response, before, errors)


def test_the_secretariat_edits_a_meeting_and_bad_edits_change_nothing(
    secretariat: Client, world: World
) -> None:
    from tcx.roadmap.models import Meeting

    url = reverse("roadmap:meeting_edit", args=[world.extra["jp"]])
    form = secretariat.get(url)
    assert form.status_code == 200 and 'value="T-SOMTC+JP"' in form.content.decode()
    edit = {"kind": "somtc_plus", "number": "T-SOMTC+JP", "title": "17th SOMTC+Japan", "starts_on": "2030-07-02", "ends_on": "2030-07-03", "chair": "VN", "mode": "in_person", "partners": ["JP"], "parent": "T-SOMTC", "outcome": "Agreed on a scam-centre work plan", "unconfirmed": "on"}  # fmt: skip
    assert secretariat.post(url, edit).status_code == 302
    meeting = Meeting.objects.get(pk=world.extra["jp"])
    assert (meeting.title, meeting.ends_on, meeting.mode, meeting.unconfirmed) == (
        "17th SOMTC+Japan", dt.date(2030, 7, 3), "in_person", True,
    )  # fmt: skip
    assert "unconfirmed" in secretariat.get(reverse("roadmap:meeting", args=[meeting.pk])).content.decode()
    before = state_digest()
    bad = secretariat.post(url, {**edit, "starts_on": "2030-07-04", "chair": "JP"})
    _refused_unchanged(
        bad, before, {"ends_on": "is before starts_on 2030-07-04", "chair": "unknown member state 'JP'"}
    )
    # the plenary cannot become a session of its own consultation
    plen = reverse("roadmap:meeting_edit", args=[world.extra["plen"]])
    body = {"kind": "somtc", "number": "T-SOMTC", "starts_on": "2030-07-01", "ends_on": "2030-07-02", "mode": "video", "parent": "T-SOMTC+JP"}  # fmt: skip
    _refused_unchanged(
        secretariat.post(plen, body), before, {"parent": "a meeting cannot be a session of itself"}
    )


def test_the_meeting_api_patches_and_names_every_bad_field(secretariat: Client, world: World) -> None:
    from tcx.roadmap.models import Meeting

    jp = world.extra["jp"]
    ok = _api(secretariat, "patch", f"/meetings/{jp}", {"outcome": "Agreed", "partners": ["JP", "KR"]})
    assert ok.status_code == 200, ok.content
    assert ok.json()["outcome"] == "Agreed" and ok.json()["partners"] == ["JP", "KR"]
    assert ok.json()["chair"] == "VN"  # left out, so unchanged
    before = state_digest()
    bad = _api(
        secretariat, "patch", f"/meetings/{jp}", {"ends_on": "2030-06-01", "chair": "JP", "partners": ["ZZ"]}
    )
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in bad.json()["errors"]} == {"ends_on", "chair", "partners"}
    assert state_digest() == before
    created = _api(
        secretariat,
        "post",
        "/meetings",
        {
            "kind": "ammtc",
            "number": "AMMTC-T",
            "starts_on": "2031-01-02",
            "ends_on": "2031-01-01",
            "chair": "XX",
        },
    )
    assert created.status_code == 422 and {e["field"] for e in created.json()["errors"]} == {
        "ends_on",
        "chair",
    }
    assert not Meeting.objects.filter(number="AMMTC-T").exists()


# --- decisions -------------------------------------------------------------------------------


def test_the_secretariat_adds_a_decision_on_the_meeting_page(secretariat: Client, world: World) -> None:
    from tcx.roadmap.models import Decision

    plen = world.extra["plen"]
    assert "Add a decision" in secretariat.get(reverse("roadmap:meeting", args=[plen])).content.decode()
    body = {"reference": "P2", "text": "Share scam-centre indicators", "crime_areas": ["cybercrime", "online-scams"], "proposed_by": "TH", "component": "t-comp"}  # fmt: skip
    response = secretariat.post(reverse("roadmap:decision_create", args=[plen]), body)
    assert response.status_code == 302
    decision = Decision.objects.get(meeting_id=plen, reference="P2")
    assert {a.code for a in decision.crime_areas.all()} == {"cybercrime", "online-scams"}
    assert decision.proposed_by.code == "TH" and decision.component.code == "t-comp"
    assert _audit_actions()[-1] == "roadmap.decision_saved"
    before = state_digest()
    again = secretariat.post(
        reverse("roadmap:decision_create", args=[plen]), {**body, "crime_areas": ["sorcery"]}
    )
    _refused_unchanged(
        again,
        before,
        {"reference": "T-SOMTC already has a decision 'P2'", "crime_areas": "unknown crime area 'sorcery'"},
        form="decision_form",
    )
    empty = secretariat.post(reverse("roadmap:decision_create", args=[plen]), {"reference": "", "text": ""})
    _refused_unchanged(
        empty,
        before,
        {"reference": "This field is required", "text": "This field is required"},
        "decision_form",
    )
    # a member state sees the meeting but has no form and may not post one
    thai = sign_in(Client(), world.users["b_officer"])
    assert "Add a decision" not in thai.get(reverse("roadmap:meeting", args=[plen])).content.decode()
    before = state_digest()
    assert (
        thai.post(reverse("roadmap:decision_create", args=[plen]), {**body, "reference": "P9"}).status_code
        == 403
    )
    assert state_digest() == before


# --- plan files by upload --------------------------------------------------------------------


def _plan(**line: object) -> bytes:
    row = {"code": "U-2", "title": "Second", "due_on": "2027-01-01", **line}
    return json.dumps({
        "plan": {"code": "u-plan", "title": "Plan", "starts_on": "2026-01-01", "ends_on": "2030-12-31"},
        "components": [{"code": "u-c", "title": "C", "crime_area": "cybercrime", "action_lines": [
            {"code": "U-1", "title": "First", "due_on": "2027-01-01", "partners": ["JP"],
             "milestones": [{"title": "M", "due_on": "2026-06-30"}]},
            row,
        ]}],
    }).encode()  # fmt: skip


def _upload(client: Client, raw: bytes) -> Any:
    return client.post(
        reverse("roadmap:plan_upload"), {"file": SimpleUploadedFile("plan.json", raw, "application/json")}
    )


def test_a_plan_file_uploaded_on_the_page_loads(secretariat: Client) -> None:
    from tcx.roadmap.models import ActionLine

    assert secretariat.get(reverse("roadmap:plan_upload")).status_code == 200
    response = _upload(secretariat, _plan())
    assert response.status_code == 302
    assert set(ActionLine.objects.filter(code__startswith="U-").values_list("code", flat=True)) == {
        "U-1",
        "U-2",
    }
    assert ActionLine.objects.get(code="U-1").lead.code == "SG"  # lead shepherd of cybercrime
    assert (
        "Plan u-plan loaded: 1 component(s), 2 action line(s)."
        in secretariat.get(reverse("roadmap:index")).content.decode()
    )
    assert _audit_actions()[-1] == "roadmap.plan_loaded"


def test_a_bad_plan_file_uploaded_loads_nothing_and_lists_every_bad_row_and_field(
    secretariat: Client,
) -> None:
    from tcx.roadmap.models import ActionLine, PlanOfAction

    before = state_digest()
    bad = _plan(lead="JP", starts_on="2027-06-01", partners=["ZZ"], crime_area="sorcery")
    response = _upload(secretariat, bad)
    assert response.status_code == 422
    page = response.content.decode()
    for where, message in [
        ("components[0].action_lines[1].lead", "unknown member state &#x27;JP&#x27;"),
        ("components[0].action_lines[1].due_on", "2027-01-01 is before starts_on 2027-06-01"),
        ("components[0].action_lines[1].partners[0]", "unknown dialogue partner &#x27;ZZ&#x27;"),
        ("components[0].action_lines[1].crime_area", "unknown crime area &#x27;sorcery&#x27;"),
    ]:
        assert f"<code>{where}</code></td><td>{message}" in page, where
    assert "4 problems" in page
    assert state_digest() == before
    assert (
        not PlanOfAction.objects.filter(code="u-plan").exists()
        and not ActionLine.objects.filter(code="U-1").exists()
    )
    not_json = _upload(secretariat, b"components: []")
    assert not_json.status_code == 422 and "not valid JSON" in not_json.content.decode()
    assert state_digest() == before


# --- action lines and milestones -------------------------------------------------------------

LINE = {"title": "Scam campaign with Japan", "description": "Joint campaign", "crime_area": "online-scams", "lead": "VN", "co_leads": ["LA", "KH"], "partners": ["JP", "AU"], "starts_on": "2029-01-01", "due_on": "2030-06-30"}  # fmt: skip


def test_the_secretariat_edits_an_action_line(secretariat: Client, world: World) -> None:
    from tcx.roadmap.models import ActionLine

    line_id = world.extra["line_vn"]
    page = secretariat.get(reverse("roadmap:line_edit", args=[line_id]))
    assert page.status_code == 200 and "Campaign plan agreed" in page.content.decode()
    response = secretariat.post(reverse("roadmap:line_edit", args=[line_id]), {**LINE, "decision_id": ""})
    assert response.status_code == 302
    line = ActionLine.objects.get(pk=line_id)
    assert (line.title, line.crime_area.code, line.lead.code, line.starts_on, line.decision) == (
        "Scam campaign with Japan", "online-scams", "VN", dt.date(2029, 1, 1), None,
    )  # fmt: skip
    assert {c.code for c in line.co_leads.all()} == {"LA", "KH"}
    assert {c.code for c in line.partners.all()} == {"JP", "AU"}
    assert _audit_actions()[-1] == "roadmap.line_saved"
    # no lead: the lead shepherd of the crime area (cybercrime: Singapore)
    secretariat.post(
        reverse("roadmap:line_edit", args=[line_id]), {**LINE, "crime_area": "cybercrime", "lead": ""}
    )
    assert ActionLine.objects.get(pk=line_id).lead.code == "SG"


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"due_on": "2028-12-31"}, {"due_on": "due_on 2028-12-31 is before starts_on 2029-01-01"}),
        (
            {"starts_on": "", "due_on": "2030-03-01"},
            {"due_on": "milestone 'Campaign plan agreed' is due on 2030-03-31, after 2030-03-01"},
        ),
        ({"co_leads": ["LA", "JP"]}, {"co_leads": "unknown member state 'JP'"}),
        (
            {"partners": ["TH"], "crime_area": "sorcery"},
            {"partners": "unknown dialogue partner 'TH'", "crime_area": "unknown crime area 'sorcery'"},
        ),
        ({"lead": "", "crime_area": ""}, {"lead": "no lead given and the crime area has no lead shepherd"}),
        ({"title": ""}, {"title": "This field is required"}),
    ],
)
def test_a_bad_line_edit_names_each_field_and_writes_nothing(
    secretariat: Client, world: World, change: dict[str, Any], errors: dict[str, str]
) -> None:
    before = state_digest()
    response = secretariat.post(
        reverse("roadmap:line_edit", args=[world.extra["line_vn"]]), {**LINE, **change}
    )
    _refused_unchanged(response, before, errors)


def test_milestones_are_added_changed_and_removed(secretariat: Client, world: World) -> None:
    from tcx.roadmap.models import Milestone

    line_id = world.extra["line_vn"]
    add = secretariat.post(
        reverse("roadmap:milestone_add", args=[line_id]), {"title": "Joint operation", "due_on": "2030-05-31"}
    )
    assert add.status_code == 302 and add["Location"] == reverse("roadmap:line_edit", args=[line_id])
    added = Milestone.objects.get(action_line_id=line_id, title="Joint operation")
    change = secretariat.post(
        reverse("roadmap:milestone_edit", args=[added.pk]),
        {"title": "Joint operation Mekong", "due_on": "2030-06-15", "done_on": "2030-06-10"},
    )
    assert change.status_code == 302
    added.refresh_from_db()
    assert (added.title, added.due_on, added.done_on) == (
        "Joint operation Mekong",
        dt.date(2030, 6, 15),
        dt.date(2030, 6, 10),
    )
    assert secretariat.post(reverse("roadmap:milestone_remove", args=[added.pk])).status_code == 302
    assert not Milestone.objects.filter(pk=added.pk).exists()
    assert [a for a in _audit_actions() if a == "roadmap.line_saved"][-3:] == ["roadmap.line_saved"] * 3
    page = secretariat.get(reverse("roadmap:line", args=[line_id])).content.decode()
    milestones = page.split("<h2>Milestones</h2>")[1].split("<h2>Progress</h2>")[0]
    assert "Campaign plan agreed" in milestones and "Joint operation" not in milestones


def test_a_bad_milestone_names_its_field_and_writes_nothing(secretariat: Client, world: World) -> None:
    before = state_digest()
    line_id = world.extra["line_vn"]
    late = secretariat.post(
        reverse("roadmap:milestone_add", args=[line_id]), {"title": "Too late", "due_on": "2030-07-01"}
    )
    assert late.status_code == 422
    assert late.context["add_form"].errors["due_on"] == ["2030-07-01 is after the line's due date 2030-06-30"]
    milestone = world.extra["m_vn"]
    bad = secretariat.post(
        reverse("roadmap:milestone_edit", args=[milestone]), {"title": "", "due_on": "2031-01-01"}
    )
    assert bad.status_code == 422
    bound = {m.pk: f for m, f in bad.context["milestones"]}[milestone]
    assert "title" in bound.errors and escape("after the line's due date") in bad.content.decode()
    assert state_digest() == before


def test_the_line_and_milestone_api(secretariat: Client, world: World) -> None:
    line_id, milestone = world.extra["line_vn"], world.extra["m_vn"]
    patched = _api(
        secretariat,
        "patch",
        f"/lines/{line_id}",
        {"co_leads": ["LA"], "lead": "VN", "starts_on": "2029-01-01"},
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["co_leads"] == ["LA"] and patched.json()["title"] == "Scam campaign"
    before = state_digest()
    bad = _api(
        secretariat,
        "patch",
        f"/lines/{line_id}",
        {"due_on": "2028-01-01", "co_leads": ["XX"], "decision_id": 999999},
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"due_on", "co_leads", "decision_id"}
    assert state_digest() == before
    added = _api(
        secretariat, "post", f"/lines/{line_id}/milestones", {"title": "Workshop", "due_on": "2030-04-30"}
    )
    assert added.status_code == 201 and added.json()["title"] == "Workshop"
    assert (
        _api(
            secretariat, "post", f"/lines/{line_id}/milestones", {"title": "Late", "due_on": "2031-01-01"}
        ).status_code
        == 422
    )
    done = _api(secretariat, "patch", f"/milestones/{milestone}", {"done_on": "2030-03-30"})
    assert (
        done.status_code == 200
        and done.json()["done_on"] == "2030-03-30"
        and done.json()["title"] == "Campaign plan agreed"
    )
    assert _api(secretariat, "delete", f"/milestones/{added.json()['id']}").status_code == 204
    titles = [m["title"] for m in _api(secretariat, "get", f"/lines/{line_id}").json()["milestones"]]
    assert titles == ["Campaign plan agreed"]


def test_the_secretariat_drops_a_line_with_a_reason(secretariat: Client, world: World) -> None:
    from tcx.roadmap.models import ActionLine

    line_id = world.extra["line_vn"]
    before = state_digest()
    empty = secretariat.post(reverse("roadmap:line_drop", args=[line_id]), {"reason": "  "})
    assert empty.status_code == 422 and "This field is required" in empty.content.decode()
    assert state_digest() == before
    dropped = secretariat.post(
        reverse("roadmap:line_drop", args=[line_id]), {"reason": "Merged into TH-1 by SOMTC-26"}
    )
    assert dropped.status_code == 302
    line = ActionLine.objects.get(pk=line_id)
    assert (line.status, line.dropped_reason) == (
        "dropped",
        "Merged into TH-1 by SOMTC-26",
    ) and line.closed_at
    page = secretariat.get(reverse("roadmap:line", args=[line_id])).content.decode()
    assert "Merged into TH-1 by SOMTC-26" in page and "Drop line" not in page
    before = state_digest()
    again = secretariat.post(reverse("roadmap:line_drop", args=[line_id]), {"reason": "again"})
    assert again.status_code == 422 and "the action line is already dropped" in again.content.decode()
    api = _api(secretariat, "post", f"/lines/{line_id}/drop", {"reason": ""})
    assert api.status_code == 422 and {e["field"] for e in api.json()["errors"]} == {"status", "reason"}
    assert state_digest() == before


def test_member_states_and_partners_see_no_secretariat_forms(world: World) -> None:
    setup(world)
    for persona in ("a_officer", "partner_liaison"):
        client = sign_in(Client(), world.users[persona])
        line = client.get(reverse("roadmap:line", args=[world.extra["line_vn"]])).content.decode()
        assert "Edit line" not in line and "Drop line" not in line
        assert "New meeting" not in client.get(reverse("roadmap:meetings")).content.decode()
        assert "Load a plan file" not in client.get(reverse("roadmap:index")).content.decode()


def test_meeting_documents_through_the_api(secretariat: Client, world: World, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    plenary, japan = world.extra["plen"], world.extra["jp"]
    url = reverse("api:add_meeting_document", kwargs={"meeting_id": japan})
    minutes = SimpleUploadedFile("minutes-17th.pdf", b"%PDF-1.4 minutes of the consultation")
    created = secretariat.post(url, {"title": "Minutes", "file": minutes})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["title"], body["file_name"].endswith(".pdf"), body["size"]) == ("Minutes", True, 36)
    listed = secretariat.get(reverse("api:list_meeting_documents", kwargs={"meeting_id": japan})).json()
    assert [d["id"] for d in listed] == [body["id"]]
    download = secretariat.get(body["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert _audit_actions()[-1] == "roadmap.document_added"

    member = sign_in(Client(), world.users["a_officer"])
    partner = sign_in(Client(), world.users["partner_liaison"])
    before = state_digest()
    empty = secretariat.post(url, {"title": "Nothing", "file": SimpleUploadedFile("empty.pdf", b"")})
    assert empty.status_code == 422
    refused = member.post(url, {"title": "Ours", "file": SimpleUploadedFile("x.txt", b"x")})
    assert refused.status_code == 403
    hidden = partner.post(
        reverse("api:add_meeting_document", kwargs={"meeting_id": plenary}),
        {"title": "x", "file": SimpleUploadedFile("x.txt", b"x")},
    )
    assert hidden.status_code == 404
    assert (
        partner.get(reverse("api:list_meeting_documents", kwargs={"meeting_id": plenary})).status_code == 404
    )
    assert state_digest() == before


def test_the_secretariat_corrects_a_decision_and_bad_changes_change_nothing(
    secretariat: Client, world: World
) -> None:
    from tcx.roadmap.models import Decision

    url = f"/decisions/{world.extra['d_jp']}"
    changed = _api(secretariat, "patch", url, {"text": "Counter online scam centres", "proposed_by": "VN"})
    assert changed.status_code == 200, changed.content
    decision = Decision.objects.get(pk=world.extra["d_jp"])
    assert (decision.text, decision.proposed_by.code, decision.reference) == (
        "Counter online scam centres",
        "VN",
        "J1",
    )
    assert _audit_actions()[-1] == "roadmap.decision_saved"

    Decision.objects.create(meeting=decision.meeting, reference="J2", text="Training")
    before = state_digest()
    bad = _api(
        secretariat, "patch", url, {"reference": "J2", "proposed_by": "JP", "crime_areas": ["piracy-x"]}
    )
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert fields == {"reference", "proposed_by", "crime_areas"}
    assert state_digest() == before
