"""The node as an operator meets it: demo seeding, production settings, the console command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from tcx.accounts.models import User
from tcx.audit import services as audit_services
from tcx.organisations.models import Country, CrimeArea, Organisation, SharingGroup
from tcx.testing import sign_in
from tcx.web.demo import AGENCIES, PEOPLE, demo_seed

ROOT = Path(__file__).resolve().parents[3]


def _counts() -> tuple[int, ...]:
    return (
        Country.objects.count(),
        Organisation.objects.count(),
        SharingGroup.objects.count(),
        CrimeArea.objects.count(),
        User.objects.count(),
    )


@pytest.mark.django_db
def test_reference_data_is_seeded_from_domain_facts() -> None:
    members = Country.objects.filter(kind="member_state")
    assert members.count() == 11 and members.filter(code="TL", member_since__year=2025).exists()
    assert CrimeArea.objects.filter(is_priority=True).count() == 10
    assert CrimeArea.objects.get(code="terrorism").lead_shepherd.code == "ID"
    assert not CrimeArea.objects.get(code="terrorism").unconfirmed
    assert CrimeArea.objects.get(code="cybercrime").unconfirmed  # DOMAIN.md: unconfirmed
    assert SharingGroup.objects.filter(slug="asean-plus-jp", name="ASEAN + Japan").exists()


@pytest.mark.django_db
def test_demo_seed_twice_duplicates_nothing() -> None:
    demo_seed()
    first = _counts()
    assert first[1] >= len(AGENCIES) and first[4] == len(PEOPLE)
    demo_seed()
    assert _counts() == first
    assert audit_services.verify().ok
    # every member state has an agency, and every persona a person
    assert Organisation.objects.filter(kind="member_state_agency").values("country").distinct().count() == 11
    assert {u.role for u in User.objects.all()} == {
        "officer",
        "analyst",
        "supervisor",
        "agency_admin",
        "secretariat_officer",
        "partner_liaison",
        "operator",
    }


@pytest.mark.django_db
def test_demo_command_without_serving(capsys) -> None:
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "vn.officer" in out and "tcx-demo-2026" in out


@pytest.mark.django_db
def test_home_page_per_persona(world) -> None:
    expectations = {
        "a_officer": "What is shared with your agency",
        "a_supervisor": "Who read our data",
        "a_admin": "Your agency&#x27;s people",
        "operator": "Node health",
        "secretariat_officer": "The network",
        "partner_liaison": "What is shared with your agency",
    }
    for persona, panel in expectations.items():
        page = sign_in(Client(), world.users[persona]).get("/").content.decode()
        assert panel in page, persona
    admin_nav = sign_in(Client(), world.users["a_admin"]).get("/").content.decode()
    officer_nav = sign_in(Client(), world.users["a_officer"]).get("/").content.decode()
    assert 'href="/accounts/users/"' in admin_nav and 'href="/accounts/users/"' not in officer_nav


def _tcx(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TCX_")}
    full_env.update(env)
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    full_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "-m", "tcx", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path) -> None:
    result = _tcx("check", TCX_PRODUCTION="1", TCX_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "TCX_SECRET_KEY" in result.stderr


def test_production_passes_check_deploy(tmp_path) -> None:
    result = _tcx(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        TCX_PRODUCTION="1",
        TCX_SECRET_KEY="k" * 20 + "-Zq9x!p2@w#e$r%t^y&u*i(o)p_a+s=d{f}g|h",
        TCX_DATA_DIR=str(tmp_path),
        TCX_ALLOWED_HOSTS="tcx.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_bad_setting_is_named(tmp_path) -> None:
    result = _tcx("check", TCX_SESSION_IDLE_MINUTES="half an hour", TCX_DATA_DIR=str(tmp_path))
    assert result.returncode != 0 and "TCX_SESSION_IDLE_MINUTES must be an integer" in result.stderr
