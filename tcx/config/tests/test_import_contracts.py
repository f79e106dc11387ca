"""The import contracts are whitelists, and every part of tcx has one (a new app is covered)."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import grimp
import pytest

import tcx
from tcx.config.import_contracts import AllowlistContract

PYPROJECT = Path(tcx.__file__).resolve().parent.parent / "pyproject.toml"


def _allowlists() -> dict[str, dict]:
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    return {c["source"]: c for c in config["contracts"] if c["type"] == "allowlist"}


def test_every_app_and_module_of_tcx_declares_what_it_may_import():
    parts = {f"tcx.{m.name}" for m in pkgutil.iter_modules(tcx.__path__)}
    missing = parts - set(_allowlists())
    assert not missing, (
        f"{sorted(missing)} have no allowlist contract in pyproject.toml [tool.importlinter]: "
        "declare which tcx modules each may import"
    )


def test_matching_imports_nothing_of_tcx_but_itself():
    assert _allowlists()["tcx.matching"]["allowed"] == []


def _check(allowed: list[str], *imports: tuple[str, str]) -> list[tuple[str, str]]:
    graph = grimp.ImportGraph()
    graph.add_module("tcx")
    graph.add_module("tcx.app")
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import x")
    contract = AllowlistContract(
        name="t",
        session_options={},
        contract_options={"source": "tcx.app", "allowed": allowed, "exempt": ["tests"]},
    )
    check = contract.check(graph, verbose=False)
    return [(i, j) for i, j, _ in check.metadata["illegal"]]


@pytest.mark.parametrize(
    ("allowed", "imports", "illegal"),
    [
        # a module not listed, however deep, is refused; a listed one and its submodules are not
        ([], [("tcx.app.views", "tcx.other.models")], [("tcx.app.views", "tcx.other.models")]),
        (["tcx.other.services"], [("tcx.app.views", "tcx.other.services.sub")], []),
        (["tcx.other.services"], [("tcx.app", "tcx.other.models")], [("tcx.app", "tcx.other.models")]),
        # itself, third-party libraries and its tests are free
        ([], [("tcx.app.views", "tcx.app.models"), ("tcx.app.views", "django")], []),
        ([], [("tcx.app.tests.test_x", "tcx.other.models")], []),
        # a new app is not allowed by default
        (["tcx.other"], [("tcx.app.api", "tcx.newapp")], [("tcx.app.api", "tcx.newapp")]),
    ],
)
def test_the_allowlist_contract_refuses_what_is_not_listed(allowed, imports, illegal):
    assert _check(allowed, *imports) == illegal
