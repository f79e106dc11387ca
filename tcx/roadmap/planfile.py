"""Loading a plan of action from a JSON file (format in README.md; example in fixtures/).

Every row is checked before anything is written; the whole file loads in one transaction, so a
bad file leaves the roadmap as it was. Re-loading a file updates by code and duplicates nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction

from tcx.audit import services as audit
from tcx.audit.registry import AuditAction
from tcx.kernel.text import NUL, nul_problem
from tcx.organisations.models import Country, CrimeArea
from tcx.policy.actors import Actor
from tcx.roadmap import services
from tcx.roadmap.models import Component, Decision, PlanOfAction
from tcx.roadmap.services import RoadmapError


def _date(value: Any, where: str, errors: dict[str, str], *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors[where] = "required"
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[where] = f"{value!r} is not a date (YYYY-MM-DD)"
        return None


def _text(row: dict[str, Any], key: str, where: str, errors: dict[str, str], *, max_length: int) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        errors[f"{where}.{key}"] = "required"
        return ""
    if len(value.strip()) > max_length:
        errors[f"{where}.{key}"] = f"at most {max_length} characters"
    return value.strip()


def _list(row: dict[str, Any], key: str, where: str, errors: dict[str, str]) -> list[Any]:
    value = row.get(key, [])
    if not isinstance(value, list):
        errors[f"{where}.{key}"] = "must be a list"
        return []
    return value


def _code(value: Any) -> str:
    """A code as written in the file (a number or a list is no code of anything)."""
    return value if isinstance(value, str) else repr(value)


def _nul_at(value: Any, where: str) -> str | None:
    """Where the parsed file holds a NUL character (no text may hold one; PostgreSQL refuses it)."""
    if isinstance(value, str):
        return where if nul_problem(value) else None
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_at(item, f"{where}[{index}]")
            if found is not None:
                return found
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{where}.{key}" if where else str(key)
            found = _nul_at(key, inner.replace("\x00", "\\u0000")) or _nul_at(item, inner)
            if found is not None:
                return found
    return None


def parse_plan(raw: bytes | str) -> dict[str, Any]:
    """Parse and check a plan file; raises RoadmapError naming each bad row and field."""
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RoadmapError({"file": f"not valid JSON: {exc}"}) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("plan"), dict):
        raise RoadmapError({"plan": "the file must be an object with a 'plan' object"})
    nul = _nul_at(doc, "")
    if nul is not None:
        raise RoadmapError({nul or "file": str(nul_problem(NUL))})
    errors: dict[str, str] = {}
    allowed_top = {"plan", "components"}
    for key in set(doc) - allowed_top:
        errors[key] = "unknown field"
    plan = doc["plan"]
    code = _text(plan, "code", "plan", errors, max_length=60)
    title = _text(plan, "title", "plan", errors, max_length=200)
    p_start = _date(plan.get("starts_on"), "plan.starts_on", errors)
    p_end = _date(plan.get("ends_on"), "plan.ends_on", errors)
    if p_start and p_end and p_end < p_start:
        errors["plan.ends_on"] = f"{p_end} is before starts_on {p_start}"
    members = {c.code: c for c in Country.objects.all()}
    areas = {a.code: a for a in CrimeArea.objects.all()}
    decisions = {(d.meeting.number, d.reference): d for d in Decision.objects.select_related("meeting")}
    components = doc.get("components", [])
    if not isinstance(components, list) or not components:
        errors["components"] = "a non-empty list is required"
        components = []
    out_components = []
    seen_codes: set[str] = set()
    for i, comp in enumerate(components):
        where = f"components[{i}]"
        if not isinstance(comp, dict):
            errors[where] = "must be an object"
            continue
        c_code = _text(comp, "code", where, errors, max_length=60)
        c_title = _text(comp, "title", where, errors, max_length=200)
        area = None
        if comp.get("crime_area"):
            area = areas.get(_code(comp["crime_area"]))
            if area is None:
                errors[f"{where}.crime_area"] = f"unknown crime area {comp['crime_area']!r}"
        lines = []
        for j, row in enumerate(_list(comp, "action_lines", where, errors)):
            lw = f"{where}.action_lines[{j}]"
            if not isinstance(row, dict):
                errors[lw] = "must be an object"
                continue
            unknown = set(row) - {
                "code", "title", "description", "crime_area", "lead", "co_leads", "partners",
                "starts_on", "due_on", "decision", "milestones",
            }  # fmt: skip
            for key in sorted(unknown):
                errors[f"{lw}.{key}"] = "unknown field"
            l_code = _text(row, "code", lw, errors, max_length=60)
            if l_code in seen_codes:
                errors[f"{lw}.code"] = f"duplicate code {l_code!r}"
            seen_codes.add(l_code)
            l_title = _text(row, "title", lw, errors, max_length=300)
            description = row.get("description", "")
            if not isinstance(description, str):
                errors[f"{lw}.description"] = "must be text"
            if row.get("crime_area") and _code(row["crime_area"]) not in areas:
                errors[f"{lw}.crime_area"] = f"unknown crime area {row['crime_area']!r}"
            lead_area = areas.get(_code(row.get("crime_area") or "")) or area
            if row.get("lead"):
                lead = members.get(str(row["lead"]).upper())
                if lead is None or lead.kind != "member_state":
                    errors[f"{lw}.lead"] = f"unknown member state {row['lead']!r}"
            elif not (lead_area and lead_area.lead_shepherd_id):
                errors[f"{lw}.lead"] = "no lead given and the crime area has no lead shepherd"
            for key, kind, what in (
                ("co_leads", "member_state", "member state"),
                ("partners", "dialogue_partner", "dialogue partner"),
            ):
                for k, value in enumerate(_list(row, key, lw, errors)):
                    country = members.get(str(value).upper())
                    if country is None or country.kind != kind:
                        errors[f"{lw}.{key}[{k}]"] = f"unknown {what} {value!r}"
            start = _date(row.get("starts_on"), f"{lw}.starts_on", errors, required=False)
            due = _date(row.get("due_on"), f"{lw}.due_on", errors)
            if start and due and due < start:
                errors[f"{lw}.due_on"] = f"{due} is before starts_on {start}"
            decision = None
            if row.get("decision"):
                ref = row["decision"]
                decision = (
                    decisions.get((str(ref.get("meeting")), str(ref.get("reference"))))
                    if isinstance(ref, dict)
                    else None
                )
                if decision is None:
                    errors[f"{lw}.decision"] = (
                        f"unknown decision {ref!r} (load the meeting's decisions first)"
                    )
            milestones = []
            for k, m in enumerate(_list(row, "milestones", lw, errors)):
                mw = f"{lw}.milestones[{k}]"
                m_title = _text(m, "title", mw, errors, max_length=300) if isinstance(m, dict) else ""
                m_due = _date(m.get("due_on") if isinstance(m, dict) else None, f"{mw}.due_on", errors)
                if m_due and due and m_due > due:
                    errors[f"{mw}.due_on"] = f"{m_due} is after the line's due_on {due}"
                milestones.append({"title": m_title, "due_on": m_due})
            lines.append(
                {
                    "code": l_code,
                    "title": l_title,
                    "description": description,
                    "crime_area": row.get("crime_area") or None,
                    "lead": row.get("lead"),
                    "co_leads": row.get("co_leads", []),
                    "partners": row.get("partners", []),
                    "starts_on": start,
                    "due_on": due,
                    "decision": decision,
                    "milestones": milestones,
                }
            )
        out_components.append(
            {"code": c_code, "title": c_title, "crime_area": area, "position": i, "lines": lines}
        )
    if errors:
        raise RoadmapError(errors)
    return {
        "plan": {"code": code, "title": title, "starts_on": p_start, "ends_on": p_end},
        "components": out_components,
    }


@transaction.atomic
def plan_load(*, actor: Actor | None, raw: bytes | str) -> PlanOfAction:
    """Load (or re-load) a plan file. ``actor`` None is the command line (the node's administrator)."""
    if actor is not None:
        services.require_secretariat(actor=actor)
    parsed = parse_plan(raw)
    p = parsed["plan"]
    plan, _ = PlanOfAction.objects.update_or_create(
        code=p["code"], defaults={"title": p["title"], "starts_on": p["starts_on"], "ends_on": p["ends_on"]}
    )
    lines = 0
    for comp in parsed["components"]:
        component, _ = Component.objects.update_or_create(
            code=comp["code"],
            defaults={
                "plan": plan,
                "title": comp["title"],
                "crime_area": comp["crime_area"],
                "position": comp["position"],
            },
        )
        for line in comp["lines"]:
            services.action_line_save(actor=None, component=component, data=line)
            lines += 1
    audit.record(
        actor=actor,
        action=AuditAction.ROADMAP_PLAN_LOADED,
        target=plan,
        data={"components": len(parsed["components"]), "action_lines": lines},
    )
    return plan
