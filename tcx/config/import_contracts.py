"""An import-linter contract that is a whitelist: a part of TCX imports only the TCX modules it
declares (``[tool.importlinter]`` in pyproject.toml has one per app and top-level module; a test
fails when one has none, so a new app is covered from its first commit).

Used by ``lint-imports`` only; nothing in the running application imports it.

Options:
    - ``source``: the package or module the contract is about (``tcx.records``).
    - ``allowed``: the TCX modules it may import directly; an entry allows its submodules too
      (``tcx.audit.services``; ``tcx.policy`` for the whole package). Empty: only itself.
    - ``exempt``: modules of the source that may import anything (its tests), as dotted names
      relative to the source (``tests``).
"""

from __future__ import annotations

from typing import Any

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


class AllowlistContract(Contract):
    type_name = "allowlist"

    source = fields.StringField()
    allowed = fields.ListField(subfield=fields.StringField(), required=False, default=[])
    exempt = fields.ListField(subfield=fields.StringField(), required=False, default=[])

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        source = str(self.source)
        root = source.split(".")[0]
        allowed = [str(a) for a in self.allowed]  # type: ignore[attr-defined]
        exempt = [f"{source}.{e}" for e in self.exempt]  # type: ignore[attr-defined]
        modules = {source} | (graph.find_descendants(source) if source in graph.modules else set())
        if source not in graph.modules:
            return ContractCheck(kept=False, metadata={"illegal": [], "missing": source})
        illegal: list[tuple[str, str, tuple[int, ...]]] = []
        for importer in sorted(modules):
            if any(_within(importer, e) for e in exempt):
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if not _within(imported, root) or _within(imported, source):
                    continue
                if any(_within(imported, a) for a in allowed):
                    continue
                lines = tuple(
                    d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)
                )
                illegal.append((importer, imported, lines))
        return ContractCheck(kept=not illegal, metadata={"illegal": illegal, "missing": None})

    def render_broken_contract(self, check: ContractCheck) -> None:
        if check.metadata.get("missing"):
            output.print_error(f"{check.metadata['missing']} does not exist", bold=False)
            return
        allowed = ", ".join(str(a) for a in self.allowed) or "nothing else of TCX"  # type: ignore[attr-defined]
        output.print_error(f"{self.source} may import only itself and {allowed}, not:", bold=False)
        output.new_line()
        for importer, imported, lines in check.metadata["illegal"]:
            where = ", ".join(f"l.{n}" for n in lines)
            output.print_error(f"- {importer} -> {imported} ({where})", bold=False)
        output.new_line()
