"""No role name is compared outside ``tcx.policy``: code asks ``has_capability`` instead.

The check reads the syntax tree of every module of ``tcx`` (tests and migrations aside) and
reports any comparison (``==``, ``!=``, ``in``, ``not in``) or query filter (``role=``,
``role__in=``) whose operand is a role name ("officer", ``Role.SUPERVISOR``), a collection of
them, or a ``*_ROLES`` set.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tcx.policy.capabilities import Role

TCX = Path(__file__).resolve().parents[2]
ROLE_VALUES = {role.value for role in Role}
ROLE_MEMBERS = {role.name for role in Role}


def _is_role(node: ast.AST) -> bool:
    """Is ``node`` a role name, a collection of role names, or a set of roles by name?"""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value in ROLE_VALUES
    if isinstance(node, ast.Attribute):
        if node.attr.endswith("_ROLES"):
            return True
        return (
            node.attr in ROLE_MEMBERS
            and isinstance(node.value, ast.Name | ast.Attribute)
            and (node.value.id if isinstance(node.value, ast.Name) else node.value.attr) == "Role"
        )
    if isinstance(node, ast.Name):
        return node.id.endswith("_ROLES")
    if isinstance(node, ast.Set | ast.Tuple | ast.List):
        return any(_is_role(element) for element in node.elts)
    if isinstance(node, ast.Call) and node.args:  # frozenset({...}), sorted(...)
        return any(_is_role(arg) for arg in node.args)
    if isinstance(node, ast.BinOp):  # EDITOR_ROLES | {"partner_liaison"}
        return _is_role(node.left) or _is_role(node.right)
    return False


def _names_role(argument: str) -> bool:
    """``role``, ``roles``, ``role__in``, ``user__role__in`` ..."""
    parts = argument.split("__")
    if len(parts) > 1 and parts[-1] in ("in", "exact", "iexact"):
        parts = parts[:-1]
    return parts[-1] in ("role", "roles")


def role_comparisons(source: str) -> list[int]:
    """The line numbers of ``source`` that compare or filter by a role name."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_role(operand) for operand in operands):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg and _names_role(keyword.arg) and _is_role(keyword.value):
                    lines.append(node.lineno)
    return sorted(set(lines))


def _modules() -> list[Path]:
    return sorted(
        path
        for path in TCX.rglob("*.py")
        if "tests" not in path.relative_to(TCX).parts
        and "migrations" not in path.relative_to(TCX).parts
        and path.relative_to(TCX).parts[0] != "policy"
    )


def test_no_role_name_is_compared_outside_the_policy() -> None:
    found = {
        str(path.relative_to(TCX.parent)): lines
        for path in _modules()
        if (lines := role_comparisons(path.read_text(encoding="utf-8")))
    }
    assert found == {}, f"compare capabilities (tcx.policy.has_capability), not role names: {found}"


def test_the_modules_checked_include_the_apps() -> None:
    names = {str(path.relative_to(TCX)) for path in _modules()}
    assert {"records/services.py", "web/home.py", "roadmap/selectors.py", "accounts/services.py"} <= names
    assert not any(name.startswith("policy/") for name in names)


@pytest.mark.parametrize(
    "source",
    [
        'if actor.role == "supervisor": pass',
        "if user.role != Role.AGENCY_ADMIN: pass",
        'ok = actor.role in ("officer", "analyst")',
        "ok = actor.role not in rules.EDITOR_ROLES",
        'ok = actor.role not in rules.EDITOR_ROLES | {"partner_liaison"}',
        "ok = role in MEMBER_STATE_ROLES",
        'users = User.objects.filter(role="supervisor")',
        "users = User.objects.filter(role__in=[Role.OFFICER, Role.ANALYST])",
        'users = colleagues(roles=["supervisor"])',
        'tokens = ApiToken.objects.filter(user__role="agency_admin")',
        "ok = user.role == models.Role.OPERATOR",
        'ok = "operator" == getattr(user, "role", None)',
    ],
)
def test_the_check_finds_a_role_comparison(source: str) -> None:
    assert role_comparisons(source) == [1]


@pytest.mark.parametrize(
    "source",
    [
        "ok = has_capability(actor, Capability.RELEASE)",
        'ok = participant.role == ParticipantRole.RECIPIENT and kind == "member_state_agency"',
        "ok = role not in Role.values",
        'ok = data.get("role", actor.role) != actor.role',
        'spec = {"a_officer": (agency_a, Role.OFFICER)}',
    ],
)
def test_the_check_leaves_other_comparisons_alone(source: str) -> None:
    assert role_comparisons(source) == []
