"""Cross-matching between agencies: hit, then release by the owner — as the users meet it."""

from __future__ import annotations

import pytest
from django.core import mail

from tcx.audit import services as audit_services
from tcx.audit.models import AuditEvent
from tcx.jobs import runner as jobs
from tcx.jobs.models import Job, JobStatus
from tcx.notifications import services as notification_services
from tcx.organisations.models import SharingGroup
from tcx.policy import rules
from tcx.policy.rules import NotFound, Policy
from tcx.records import selectors, services
from tcx.records.models import Match, MatchKind, MatchStatus, Record, RecordVersion

THAKSIN_TH = {"name": ["ทักษิณ ชินวัตร"], "birthDate": ["1949-07-26"], "nationality": ["th"]}
THAKSIN_EN = {"name": ["Thaksin Shinawatra"], "birthDate": ["1949"], "nationality": ["th"]}


def _create(world, persona: str, properties: dict, policy: Policy | None = None, **kwargs) -> Record:
    return services.record_create(
        actor=world.users[persona],
        schema="Person",
        properties=properties,
        policy=policy or Policy(),
        **kwargs,
    )


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run what the commit would start (the tests' transaction never commits)."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return jobs.run_pending()

    return run


def test_hit_across_scripts_then_release(world, run_jobs, settings) -> None:
    settings.TCX_JOBS = "worker"
    world.users["b_supervisor"].email = "b.sup@example.org"
    world.users["b_supervisor"].save()
    held = _create(
        world,
        "b_officer",
        THAKSIN_TH,
        crime_areas=["money-laundering"],
        subject_role="suspect",
        hit_disclosure="organisation",
    )
    mine = _create(world, "a_officer", THAKSIN_EN)
    assert run_jobs() == 2
    match = Match.objects.get()
    assert match.kind == MatchKind.CROSS_AGENCY and match.band == "match"

    officer = world.users["a_officer"]
    (hit,) = selectors.hit_list(actor=officer)
    assert hit.is_hit and hit.own == mine and hit.other is None
    assert hit.holder == "Royal Thai Police" and hit.schema == "Person"
    assert hit.crime_areas == ["Money laundering"]
    with pytest.raises(NotFound):  # the hit does not open the record
        selectors.access_record(actor=officer, record_id=held.pk)
    (their_hit,) = selectors.hit_list(actor=world.users["b_officer"])  # B is told too
    assert their_hit.own == held

    release = services.release_request_create(
        actor=officer, match=match, purpose="money trail of case 77", priority="urgent"
    )
    assert (release.deadline - release.created_at).total_seconds() == pytest.approx(8 * 3600, abs=5)
    with pytest.raises(NotFound):  # only the owner's supervisor releases
        services.release_decide(actor=world.users["b_officer"], release=release, approve=True)
    services.release_decide(
        actor=world.users["b_supervisor"], release=release, approve=True, handling_codes=["H2"]
    )
    record = selectors.access_record(actor=officer, record_id=held.pk)
    assert record.properties["name"] == ["ทักษิณ ชินวัตร"] and "H2" in record.handling_codes
    (hit,) = selectors.hit_list(actor=officer)
    assert not hit.is_hit and hit.other == held
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"match.found", "release.requested", "release.decided", "record.created"} <= actions
    notification_services.digest_send()  # a hit is not urgent: B's supervisor gets it in the digest
    assert any("b.sup@example.org" in m.to for m in mail.outbox)
    assert audit_services.verify().ok


def test_hit_metadata_follows_the_owners_disclosure(world, run_jobs) -> None:
    _create(world, "b_officer", THAKSIN_TH, hit_disclosure="member_state")
    _create(world, "a_officer", THAKSIN_EN)
    run_jobs()
    (hit,) = selectors.hit_list(actor=world.users["a_officer"])
    assert hit.holder == "a member-state agency"
    assert "Thai" not in hit.holder and hit.other is None


def test_visible_match_is_shown_side_by_side(world, run_jobs) -> None:
    group = SharingGroup.objects.get(slug="asean-member-states")
    held = _create(world, "b_officer", THAKSIN_TH, policy=Policy(audience_groups=[group.pk]))
    _create(world, "a_officer", THAKSIN_EN)
    run_jobs()
    (hit,) = selectors.hit_list(actor=world.users["a_officer"])
    assert hit.other == held and not hit.is_hit
    with pytest.raises(services.RecordError):  # nothing to release: it is already shared
        services.release_request_create(actor=world.users["a_officer"], match=hit.match, purpose="x")


def test_different_thai_names_do_not_match(world, run_jobs) -> None:
    _create(world, "b_officer", {"name": ["สมชาย ใจดี"]})
    _create(world, "a_officer", {"name": ["สมชาย ใจดุ"]})
    run_jobs()
    assert not Match.objects.filter(band="match").exists()


def test_duplicates_inside_one_agency(world, run_jobs) -> None:
    _create(world, "a_officer", {"name": ["Nguyễn Văn Minh"], "birthDate": ["1985-03-02"]})
    _create(world, "a_analyst", {"name": ["Nguyen Van Minh"], "birthDate": ["1985-03-02"]})
    run_jobs()
    match = Match.objects.get()
    assert match.kind == MatchKind.DUPLICATE
    assert list(selectors.hit_list(actor=world.users["a_officer"])) == []
    assert len(selectors.hit_list(actor=world.users["a_officer"], include_duplicates=True)) == 1


def test_rejected_pair_never_alerts_again(world, run_jobs) -> None:
    held = _create(world, "b_officer", THAKSIN_TH)
    mine = _create(world, "a_officer", THAKSIN_EN)
    run_jobs()
    match = Match.objects.get()
    with pytest.raises(NotFound):  # officers do not decide matches; analysts do
        services.match_decide(actor=world.users["a_officer"], match=match, confirm=False)
    services.match_decide(actor=world.users["a_analyst"], match=match, confirm=False)
    services.record_update(
        actor=world.users["a_officer"], record=mine, data={"properties": {**THAKSIN_EN, "gender": ["male"]}}
    )
    services.record_update(actor=world.users["b_officer"], record=held, data={"subject_role": "wanted"})
    run_jobs()
    match.refresh_from_db()
    assert match.status == MatchStatus.REJECTED
    assert list(selectors.hit_list(actor=world.users["a_officer"])) == []
    assert AuditEvent.objects.filter(action="match.found").count() == 1


def test_deconfliction_when_both_are_operation_targets(world, run_jobs) -> None:
    _create(world, "b_officer", THAKSIN_TH, operation_target=True)
    _create(world, "a_officer", THAKSIN_EN, operation_target=True)
    run_jobs()
    assert Match.objects.get().deconfliction


def test_history_and_archive(world, run_jobs) -> None:
    record = _create(world, "a_officer", {"name": ["Aung San"]})
    services.record_update(
        actor=world.users["a_officer"], record=record, data={"properties": {"name": ["Aung San Oo"]}}
    )
    with pytest.raises(NotFound):
        services.record_update(actor=world.users["b_officer"], record=record, data={"subject_role": "victim"})
    services.record_archive(actor=world.users["a_supervisor"], record=record)
    changes = list(
        RecordVersion.objects.filter(record=record).order_by("version").values_list("change", "caption")
    )
    assert changes == [("created", "Aung San"), ("updated", "Aung San Oo"), ("archived", "Aung San Oo")]
    assert not record.match_keys.exists()
    assert not selectors.record_list(actor=world.users["a_officer"]).filter(pk=record.pk).exists()


@pytest.mark.parametrize(
    ("schema", "properties", "field"),
    [
        ("Spaceship", {"name": ["x"]}, "schema"),
        ("Person", {"name": "not a list"}, "properties"),
        ("Person", {"notes": ["no name, no identifier"]}, "properties"),
    ],
)
def test_bad_records_are_refused(world, schema, properties, field) -> None:
    with pytest.raises(services.RecordError) as exc:
        services.record_create(
            actor=world.users["a_officer"], schema=schema, properties=properties, policy=Policy()
        )
    assert field in {key.split(".")[0] for key in exc.value.errors}  # "properties.name" names the property
    assert not Record.objects.exists()


def test_partner_audience_needs_legal_basis(world) -> None:
    with pytest.raises(rules.PolicyError):
        _create(world, "a_officer", THAKSIN_EN, policy=Policy(audience_organisations=[world.partner.pk]))
    assert not Record.objects.exists()


def test_search_in_any_script_returns_only_what_the_actor_may_see(world) -> None:
    shared = _create(
        world, "b_officer", {"name": ["习近平"]}, policy=Policy(audience_organisations=[world.agency_a.pk])
    )
    _create(world, "b_officer", {"name": ["Xi Jinping"]})  # not shared with A
    results = selectors.record_search(actor=world.users["a_officer"], text="Xi Jinping")
    assert [r for r, _ in results] == [shared]
    assert selectors.record_search(actor=world.users["operator"], text="Xi Jinping") == []


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_job_every_record_matched_exactly_once(world, settings, monkeypatch) -> None:
    """A worker that dies inside a job leaves it leased; after the lease the job runs again,
    and every record version is matched exactly once. (The real ``kill -9`` of a worker process
    on PostgreSQL is in tcx/jobs/tests/test_kill.py.)"""
    import dataclasses
    import datetime as dt

    from django.utils import timezone

    from tcx.jobs import registry

    settings.TCX_JOBS = "worker"
    _create(world, "b_officer", THAKSIN_TH)
    _create(world, "a_officer", THAKSIN_EN)
    _create(world, "a_officer", {"name": ["Nguyễn Thị Lan"]})
    job = jobs.claim()
    assert job is not None

    real = registry.get("records.match")
    assert real is not None

    def die(ctx, **args):
        real.run(ctx, **args)
        raise SystemExit("worker killed")  # not an Exception: the process dies, nothing is caught

    monkeypatch.setitem(registry._KINDS, "records.match", dataclasses.replace(real, run=die))
    with pytest.raises(SystemExit):
        jobs.run_job(job)
    monkeypatch.setitem(registry._KINDS, "records.match", real)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # its worker is gone; the lease still holds it
    assert not Match.objects.exists()  # nothing half-written
    assert jobs.run_pending() == 2  # the other jobs run; the leased one waits for its lease
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert jobs.run_pending() == 1
    assert Job.objects.filter(kind="records.match", status=JobStatus.DONE).count() == 3
    assert Match.objects.count() == 1 and AuditEvent.objects.filter(action="match.found").count() == 1


def test_links_between_records(world) -> None:
    person = _create(world, "b_officer", {"name": ["Somchai Jaidee"]})
    company = services.record_create(
        actor=world.users["b_officer"],
        schema="Company",
        properties={"name": ["Golden Lotus Trading"]},
        policy=Policy(audience_organisations=[world.agency_a.pk]),
    )
    link = services.record_link_create(
        actor=world.users["b_officer"],
        source=person,
        target=company,
        schema="Ownership",
        relationship="51% owner",
    )
    with pytest.raises(services.RecordError):
        services.record_link_create(
            actor=world.users["b_officer"], source=person, target=company, schema="Ownership"
        )
    with pytest.raises(services.RecordError):
        services.record_link_create(
            actor=world.users["b_officer"], source=person, target=company, schema="Friend"
        )
    with pytest.raises(NotFound):
        services.record_link_create(
            actor=world.users["a_officer"], source=person, target=company, schema="Associate"
        )
    assert selectors.record_links(actor=world.users["b_officer"], record=company) == [link]
    # A sees the company but not the person: the link stays hidden
    assert selectors.record_links(actor=world.users["a_officer"], record=company) == []


def test_every_read_of_records_and_hits_is_audited(world, run_jobs) -> None:
    from django.test import Client

    from tcx.testing import sign_in

    _create(world, "b_officer", THAKSIN_TH)
    _create(world, "a_officer", THAKSIN_EN)
    run_jobs()
    client = sign_in(Client(), world.users["a_officer"])
    for url in ("/records/", "/records/hits/", "/api/v1/hits", "/api/v1/records", "/"):
        before = AuditEvent.objects.count()
        assert client.get(url).status_code == 200
        assert AuditEvent.objects.count() > before, f"reading {url} left no trace"
